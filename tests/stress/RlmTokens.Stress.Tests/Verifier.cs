using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Stress.Tests
{
    /// <summary>The outcome of checking a workspace against the writers' ledger.</summary>
    public sealed class Verdict
    {
        public List<string> Failures { get; } = new List<string>();

        /// <summary>Acknowledged writes whose effect is missing.</summary>
        public long Lost { get; set; }

        /// <summary>Effects counted more than once (or more than attempted).</summary>
        public long Duplicated { get; set; }

        public int FilesParsed { get; set; }

        public int CorruptFiles { get; set; }

        /// <summary>Temp files left by killed writers (hidden: '.' prefix, .tmp suffix).</summary>
        public int TempFiles { get; set; }

        /// <summary>Writes that landed although their writer was killed before acknowledging them.</summary>
        public long LandedUnacknowledged { get; set; }
    }

    public static class Verifier
    {
        public static Verdict Check(string workspace, Ledger ledger, IReadOnlyList<WriteKind> kinds, IReadOnlyList<RecordSource> sources)
        {
            var v = new Verdict();
            string tokenUsage = Path.Combine(workspace, "RLM", "progress", "token-usage");
            foreach (string file in Directory.EnumerateFiles(tokenUsage))
            {
                string name = Path.GetFileName(file);
                if (name == ".rlmtokens.lock") { continue; }
                if (name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal)) { v.TempFiles++; continue; }
                if (name.Contains(".corrupt-", StringComparison.Ordinal)) { v.CorruptFiles++; v.Failures.Add("set aside as corrupt: " + name); continue; }
                if (name.Contains(".tmp", StringComparison.Ordinal)) { v.Failures.Add("a temp file readers could see: " + name); continue; }
                try
                {
                    using JsonDocument _ = Workload.ParseFile(file);
                    v.FilesParsed++;
                }
                catch (JsonException e)
                {
                    v.Failures.Add("does not parse: " + name + ": " + e.Message);
                }
            }
            string progress = Path.GetDirectoryName(tokenUsage)!;
            foreach (string file in Directory.EnumerateFiles(progress))
            {
                string name = Path.GetFileName(file);
                if (name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal)) { v.TempFiles++; }
                else if (name.Contains(".corrupt-", StringComparison.Ordinal)) { v.CorruptFiles++; v.Failures.Add("set aside as corrupt: " + name); }
            }
            // Readers' patterns never see a temp file.
            foreach (string pattern in new[] { "*.json", "daily-*.json", "cost-*.json", "token-estimates.json", "compact-events.json" })
            {
                foreach (string f in Directory.EnumerateFiles(tokenUsage, pattern))
                {
                    if (Path.GetFileName(f).StartsWith('.')) { v.Failures.Add("pattern " + pattern + " matches " + f); }
                }
            }
            CheckEstimates(tokenUsage, ledger, kinds, v);
            foreach (RecordSource source in sources) { CheckRecords(workspace, ledger, kinds, source, v); }
            return v;
        }

        private static void CheckEstimates(string tokenUsage, Ledger ledger, IReadOnlyList<WriteKind> kinds, Verdict v)
        {
            WriteKind[] counted = kinds.Where(k => k.Counter is not null).ToArray();
            if (counted.Length == 0) { return; }
            string file = Path.Combine(tokenUsage, "token-estimates.json");
            if (!File.Exists(file))
            {
                if (counted.Any(k => ledger.AckedOf(k.Name).Count > 0)) { v.Failures.Add("token-estimates.json is missing"); v.Lost += counted.Sum(k => ledger.AckedOf(k.Name).Count); }
                return;
            }
            using JsonDocument doc = Workload.ParseFile(file);
            JsonElement root = doc.RootElement;
            JsonElement ops = root.GetProperty("operations");
            long expectedInput = 0, expectedOutput = 0;
            foreach (WriteKind k in counted)
            {
                long count = ops.GetProperty(k.Counter!).GetInt64();
                long acked = ledger.AckedOf(k.Name).Count;
                long attempted = ledger.AttemptedOf(k.Name).Count;
                if (count < acked) { v.Lost += acked - count; v.Failures.Add($"{k.Counter} = {count} < {acked} acknowledged"); }
                if (count > attempted) { v.Duplicated += count - attempted; v.Failures.Add($"{k.Counter} = {count} > {attempted} attempted"); }
                v.LandedUnacknowledged += Math.Max(0, count - acked);
                expectedInput += count * k.InputTokens;
                expectedOutput += count * k.OutputTokens;
            }
            JsonElement tokens = root.GetProperty("tokens");
            long input = tokens.GetProperty("input_estimated").GetInt64();
            long output = tokens.GetProperty("output_estimated").GetInt64();
            if (input != expectedInput || output != expectedOutput)
            {
                v.Failures.Add($"tokens {input}/{output} disagree with the counters ({expectedInput}/{expectedOutput}): a partial or doubled update");
            }
            if (tokens.GetProperty("total_estimated").GetInt64() != input + output) { v.Failures.Add("total_estimated != input + output"); }

            var attemptedIds = new HashSet<string>(counted.SelectMany(k => ledger.AttemptedOf(k.Name)), StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonElement byOp = root.GetProperty("by_operation");
            if (byOp.GetArrayLength() > 100) { v.Failures.Add("by_operation holds more than 100 entries"); }
            foreach (JsonElement e in byOp.EnumerateArray())
            {
                string id = e.GetProperty("tool_name").GetString() ?? string.Empty;
                if (!attemptedIds.Contains(id)) { v.Failures.Add("by_operation entry never attempted: " + id); }
                if (!seen.Add(id)) { v.Duplicated++; v.Failures.Add("by_operation entry twice: " + id); }
            }
        }

        private static void CheckRecords(string workspace, Ledger ledger, IReadOnlyList<WriteKind> kinds, RecordSource source, Verdict v)
        {
            WriteKind[] mine = kinds.Where(k => k.Name == source.Kind).ToArray();
            var attempted = new HashSet<string>(mine.SelectMany(k => ledger.AttemptedOf(k.Name)), StringComparer.Ordinal);
            var acked = new HashSet<string>(mine.SelectMany(k => ledger.AckedOf(k.Name)), StringComparer.Ordinal);
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            try
            {
                foreach (string id in source.Ids(workspace)) { counts[id] = counts.TryGetValue(id, out int c) ? c + 1 : 1; }
            }
            catch (JsonException e)
            {
                v.Failures.Add(source.Name + " does not parse: " + e.Message);
                return;
            }
            foreach (string id in acked)
            {
                if (!counts.ContainsKey(id)) { v.Lost++; v.Failures.Add(source.Name + ": acknowledged " + id + " is missing"); }
            }
            foreach (var kv in counts)
            {
                if (kv.Value > 1) { v.Duplicated += kv.Value - 1; v.Failures.Add(source.Name + ": " + kv.Key + " appears " + kv.Value + " times"); }
                if (!attempted.Contains(kv.Key)) { v.Failures.Add(source.Name + ": " + kv.Key + " was never attempted"); }
                else if (!acked.Contains(kv.Key)) { v.LandedUnacknowledged++; }
            }
        }
    }
}
