using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>One token-usage.log case: the bytes, and the records (their totals), unknown costs and problems a reader must see.</summary>
    public sealed record BadLog(string Name, byte[] Bytes, long[] Totals, int UnknownCosts, int Problems)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// The bad-input corpus for RLM/progress/token-usage.log, the stream token-tracker.sh appends to:
    /// what bash, bc and the script's init really write (a leading <c>[]</c>, <c>.081000</c>, <c>-.5</c>,
    /// <c>"cost": ,</c>, an empty duration), in LF and CRLF, with and without a BOM, and damage (torn
    /// records, garbage lines, NaN, numbers out of range, UTF-16). RLM's metrics.json goes through
    /// <see cref="BadInputCorpus.Damaged"/> with a valid metrics document.
    /// </summary>
    public static class TrackerLogCorpus
    {
        // One record as token-tracker.sh's heredoc writes it; {0} is the cost text, {1} the duration text, {2} the input text.
        private const string Record = "{{\n  \"timestamp\": \"2026-11-20T12:00:00Z\",\n  \"date\": \"2026-11-20\",\n  \"task\": \"TASK-001\",\n  \"agent\": \"implementation-agent\",\n  \"model\": \"claude-sonnet-4\",\n  \"tokens\": {{\n    \"input\": {2},\n    \"output\": 3000,\n    \"total\": 15000\n  }},\n  \"cost\": {0},\n  \"duration\": {1}\n}}\n";

        private static string Rec(string cost = ".081000", string duration = "42", string input = "12000") => string.Format(System.Globalization.CultureInfo.InvariantCulture, Record, cost, duration, input);

        /// <summary>A valid metrics.json as RLM's seed has it, with unknown properties (session_id: where <see cref="BadInputCorpus.Damaged"/> puts its damage).</summary>
        public const string ValidMetrics = """
            {
              "session_id": "SESSION-2026-11-20-120000",
              "overview": { "totalTasks": 3, "completedTasks": 1 },
              "agents": { "implementation-agent": { "tasksCompleted": 1, "tokensUsed": { "total": 10, "input": 6, "output": 4, "cost": 0.5 } } },
              "tokenUsage": { "total": 10, "input": 6, "output": 4, "totalCost": 0.5, "dailyUsage": { "2026-11-19": 10 }, "byAgent": { "implementation-agent": 10 }, "byTask": {}, "rlm_extra": { "kept": true } }
            }
            """;

        public static IEnumerable<BadLog> Cases()
        {
            string two = Rec() + Rec(".060000", "7");
            foreach (bool crlf in new[] { false, true })
            {
                string eol = crlf ? " (CRLF)" : string.Empty;
                yield return Case("init's [] alone" + eol, "[]\n", crlf, Array.Empty<long>(), 0, 0);
                yield return Case("init's [] then records" + eol, "[]\n" + two, crlf, new long[] { 15000, 15000 }, 0, 0);
                yield return Case("bc cost .081000" + eol, Rec(), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("bc cost -.500000" + eol, Rec("-.500000"), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("bc cost 1.250000" + eol, Rec("1.250000"), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("bc cost 0" + eol, Rec("0"), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("empty cost (\"cost\": ,)" + eol, "[]\n" + Rec(" ") + Rec(""), crlf, new long[] { 15000, 15000 }, 2, 0);
                yield return Case("empty duration before }" + eol, Rec(".081000", ""), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("empty cost and duration" + eol, Rec("", ""), crlf, new long[] { 15000 }, 1, 0);
                yield return Case("empty input count" + eol, Rec(".081000", "42", ""), crlf, new long[] { 15000 }, 0, 0);
                yield return Case("cost null" + eol, Rec("null"), crlf, new long[] { 15000 }, 1, 0);
                yield return Case("cost \"\"" + eol, Rec("\"\""), crlf, new long[] { 15000 }, 1, 0);
                yield return Case("torn last record" + eol, two + Rec().Substring(0, 150), crlf, new long[] { 15000, 15000 }, 0, 1);
                yield return Case("torn after \"cost\":" + eol, Rec() + Rec().Substring(0, Rec().IndexOf("\"cost\": ", StringComparison.Ordinal) + 8), crlf, new long[] { 15000 }, 0, 1);
                yield return Case("garbage line between records" + eol, Rec() + "token tracking initialized\n" + Rec(), crlf, new long[] { 15000, 15000 }, 0, 1);
                yield return Case("[] twice (init on a joined log)" + eol, "[]\n" + Rec() + "[]\n" + Rec(), crlf, new long[] { 15000, 15000 }, 0, 0);
                yield return Case("bare NaN cost" + eol, Rec("NaN") + Rec(), crlf, new long[] { 15000 }, 0, 1);
                yield return Case("cost 1e400" + eol, Rec("1e400") + Rec(), crlf, new long[] { 15000 }, 0, 1);
                yield return Case("lone dot as cost" + eol, Rec(".") + Rec(), crlf, new long[] { 15000 }, 0, 1);
                yield return Case("array holding a number" + eol, "[1]\n" + Rec(), crlf, new long[] { 15000 }, 0, 1);
                yield return Case("records glued without newline" + eol, Rec().TrimEnd('\n') + Rec(), crlf, new long[] { 15000, 15000 }, 0, 0);
            }
            yield return new BadLog("BOM then init's []", Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("[]\n" + Rec())).ToArray(), new long[] { 15000 }, 0, 0);
            yield return new BadLog("empty file", Array.Empty<byte>(), Array.Empty<long>(), 0, 0);
            yield return new BadLog("UTF-16 LE", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(Rec())).ToArray(), Array.Empty<long>(), 0, 1);
        }

        private static BadLog Case(string name, string text, bool crlf, long[] totals, int unknown, int problems) =>
            new BadLog(name, Encoding.UTF8.GetBytes(crlf ? text.Replace("\n", "\r\n", StringComparison.Ordinal) : text), totals, unknown, problems);
    }
}
