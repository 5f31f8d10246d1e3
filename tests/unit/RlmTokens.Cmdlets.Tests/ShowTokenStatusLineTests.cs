using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Show-TokenStatusLine: every figure against Get-TokenUsage -Transcript (and Test-TokenBudget) over the
    /// same files at a fixed -Now; fallback lines for bad input; exit 0 as a real rlm-pwsh process fed on
    /// stdin through bash, as Claude Code runs it; NO_COLOR.
    /// </summary>
    public sealed class ShowTokenStatusLineTests
    {
        internal const string Now = "2026-10-05T12:00:00Z";
        internal const string Session = "5e55a0b1-0000-4000-8000-000000000001";

        internal static string Assistant(string session, string id, string time, string model, int input, int output, int cacheCreate, int cacheRead, bool sidechain = false) =>
            "{\"type\":\"assistant\",\"isSidechain\":" + (sidechain ? "true" : "false") + ",\"sessionId\":\"" + session + "\",\"cwd\":\"/src/p\",\"timestamp\":\"" + time
            + "\",\"requestId\":\"req_" + id + "\",\"message\":{\"id\":\"msg_" + id + "\",\"model\":\"" + model + "\",\"role\":\"assistant\",\"usage\":{\"input_tokens\":" + input
            + ",\"output_tokens\":" + output + ",\"cache_creation_input_tokens\":" + cacheCreate + ",\"cache_read_input_tokens\":" + cacheRead + "}}}\n";

        // Session s1 today (with a duplicated line and a later subagent turn), another session today, one yesterday.
        internal static string WriteTranscripts(TempWorkspace ws)
        {
            string main = ws.Write("claude/projects/-src-p/" + Session + ".jsonl",
                "{\"type\":\"user\",\"sessionId\":\"" + Session + "\",\"timestamp\":\"2026-10-05T09:09:00Z\",\"message\":{\"role\":\"user\",\"content\":\"hi\"}}\n"
                + Assistant(Session, "a1", "2026-10-05T09:10:00Z", "claude-sonnet-4-6", 100, 50, 2000, 10000)
                + Assistant(Session, "a1", "2026-10-05T09:10:00Z", "claude-sonnet-4-6", 100, 50, 2000, 10000)
                + Assistant(Session, "a2", "2026-10-05T10:40:00Z", "claude-sonnet-4-6", 300, 700, 1500, 12000)
                + Assistant(Session, "a3", "2026-10-05T11:30:00Z", "claude-sonnet-4-6", 40, 900, 3000, 15000), bom: false, crlf: false);
            ws.Write("claude/projects/-src-p/" + Session + "/subagents/agent-x.jsonl",
                Assistant(Session, "s1", "2026-10-05T11:45:00Z", "claude-haiku-4-5", 5000, 400, 0, 90000, sidechain: true), bom: false, crlf: false);
            ws.Write("claude/projects/-src-q/other.jsonl",
                Assistant("other", "b1", "2026-10-04T20:00:00Z", "claude-opus-4-5", 10, 20, 30, 40)
                + Assistant("other", "b2", "2026-10-05T10:00:00Z", "claude-opus-4-5", 1000, 2000, 3000, 4000), bom: false, crlf: false);
            return main;
        }

        internal static string Status(string transcript, string modelId = "claude-sonnet-4-6", string display = "Sonnet 4.6", string? extra = null) =>
            JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["hook_event_name"] = "Status",
                ["session_id"] = Session,
                ["transcript_path"] = transcript,
                ["cwd"] = Path.GetDirectoryName(transcript),
                ["model"] = new Dictionary<string, string> { ["id"] = modelId, ["display_name"] = display },
                ["workspace"] = new Dictionary<string, string?> { ["current_dir"] = null, ["project_dir"] = null },
                ["version"] = "2.0.31",
                ["output_style"] = new Dictionary<string, string> { ["name"] = "default" },
                ["cost"] = new Dictionary<string, double> { ["total_cost_usd"] = 0.42, ["total_duration_ms"] = 1000, ["total_lines_added"] = 3 },
            }).Replace("\"workspace\":{\"current_dir\":null,\"project_dir\":null}", extra ?? "\"workspace\":{}");

        private static TokenStatusLine Show(PowerShellHost ps, string json, string options = "")
        {
            var result = ps.RunAs<TokenStatusLine>("$args[0] | Show-TokenStatusLine -AsObject -TranscriptRoot ./claude -TimeZone UTC -NoCache -Now $args[1] " + options, json, Now);
            Assert.Empty(ps.Errors);
            return Assert.Single(result);
        }

        [Fact]
        public void StatusLine_WithTranscripts_ShouldMatchGetTokenUsageFigures()
        {
            using var ws = new TempWorkspace();
            string main = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            TokenStatusLine s = Show(ps, Status(main));

            TranscriptUsageRow session = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -GroupBy Session -NoCache").Single(r => r.GroupKey == Session);
            TranscriptUsageRow today = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -TimeZone UTC -NoCache").Single(r => r.GroupKey == "2026-10-05");
            TranscriptUsageRow block = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -GroupBy Block -TimeZone UTC -NoCache").Last();
            Assert.Empty(ps.Errors);

            Assert.Equal("Sonnet 4.6", s.Model);
            Assert.Null(s.Problem);
            Assert.Equal(session.TotalTokens, s.SessionTokens);
            Assert.Equal(session.CostUsd!.Value, s.SessionCostUsd!.Value, 9);
            Assert.Equal(0.42m, s.ClaudeCostUsd);
            Assert.Equal(today.TotalTokens, s.TodayTokens);
            Assert.Equal(today.CostUsd!.Value, s.TodayCostUsd!.Value, 9);
            Assert.Equal(block.CostUsd!.Value, s.BlockCostUsd!.Value, 9);
            Assert.Equal(new DateTimeOffset(2026, 10, 5, 9, 0, 0, TimeSpan.Zero), s.BlockStart);
            Assert.Equal(new DateTimeOffset(2026, 10, 5, 14, 0, 0, TimeSpan.Zero), s.BlockEndsAt);
            Assert.Equal(block.End, s.BlockEndsAt!.Value.UtcDateTime);
            Assert.Equal(TimeSpan.FromHours(2), s.BlockTimeLeft);
            // The last main-chain response (11:30), not the later subagent turn: 40 + 15000 + 3000.
            Assert.Equal(18040, s.ContextTokens);
            Assert.Equal(200_000, s.ContextWindow);
            Assert.Equal(9.0, s.ContextPercent);
            Assert.Equal(UsagePrecision.Exact, s.Precision);
            Assert.Null(s.BudgetState);

            // The line itself, as printed (no colour asked).
            string line = Assert.Single(ps.RunClean("$args[0] | Show-TokenStatusLine -TranscriptRoot ./claude -TimeZone UTC -NoCache -Color Never -Now $args[1]", Status(main), Now)).ToString();
            Assert.Equal(s.Line, line);
            Assert.Equal(140990, session.TotalTokens);
            Assert.StartsWith("Sonnet 4.6 | session 141k tok $" + session.CostUsd.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " | today $", line);
            Assert.Contains(" | block $" + block.CostUsd.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture) + " (2h00m left)", line);
            Assert.Contains(" | ctx 18k/200k (9%)", line);
            Assert.DoesNotContain("\u001b[", line);
            string colored = ps.RunClean("$args[0] | Show-TokenStatusLine -TranscriptRoot ./claude -NoCache -Color Always -Now $args[1]", Status(main), Now).Single().ToString();
            Assert.Contains("\u001b[32mctx 18k/200k (9%)\u001b[0m", colored);
        }

        [Fact]
        public void StatusLine_WithOneMillionModelOrWindowInInput_ShouldUseThatWindow()
        {
            using var ws = new TempWorkspace();
            string main = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);
            TokenStatusLine oneM = Show(ps, Status(main, "claude-sonnet-4-5[1m]", "Sonnet 4.5 (1M context)"));
            Assert.Equal(1_000_000, oneM.ContextWindow);
            Assert.Equal(1.8, oneM.ContextPercent);
            TokenStatusLine given = Show(ps, Status(main, extra: "\"workspace\":{},\"context_window\":{\"context_window_size\":400000}"));
            Assert.Equal(400_000, given.ContextWindow);
            Assert.Equal(4.5, given.ContextPercent);
        }

        [Fact]
        public void StatusLine_WithCacheAndAppendedResponse_ShouldCountTheAppendedResponse()
        {
            using var ws = new TempWorkspace();
            string main = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);
            string cached = "$args[0] | Show-TokenStatusLine -AsObject -TranscriptRoot ./claude -TimeZone UTC -CacheFolder ./cache -Now $args[1]";
            TokenStatusLine before = ps.RunAs<TokenStatusLine>(cached, Status(main), Now).Single();
            File.AppendAllText(main, Assistant(Session, "a4", "2026-10-05T11:50:00Z", "claude-sonnet-4-6", 7, 8, 9, 20000));
            TokenStatusLine after = ps.RunAs<TokenStatusLine>(cached, Status(main), Now).Single();
            Assert.Empty(ps.Errors);
            Assert.NotEmpty(Directory.GetFiles(ws.PathOf("cache")));
            Assert.Equal(before.SessionTokens + 7 + 8 + 9 + 20000, after.SessionTokens);
            Assert.Equal(before.TodayTokens + 7 + 8 + 9 + 20000, after.TodayTokens);
            Assert.Equal(20016, after.ContextTokens);
            TokenStatusLine full = Show(ps, Status(main));
            Assert.Equal(full.SessionCostUsd!.Value, after.SessionCostUsd!.Value, 9);
            Assert.Equal(full.BlockCostUsd!.Value, after.BlockCostUsd!.Value, 9);
        }

        [Fact]
        public void StatusLine_WithBudgetsConfigured_ShouldShowTestTokenBudgetsWorstState()
        {
            using var ws = new TempWorkspace();
            string main = WriteTranscripts(ws);
            ws.Write("RLM/config/project-config.json", "{\"tokenTracking\":{\"enabled\":true,\"budgetDaily\":1000,\"budgetMonthly\":100000000}}");
            ws.Write("RLM/progress/token-usage/daily-2026-10-05.json",
                "{\"date\":\"2026-10-05\",\"sessions\":[{\"session_id\":\"x\",\"cost_usd\":0.01,\"estimated_tokens\":900,\"captured_at\":\"2026-10-05T10:00:00Z\"}],\"totals\":{\"total_cost_usd\":0.01,\"estimated_tokens\":900,\"sessions_count\":1}}");
            using var ps = new PowerShellHost(ws.Root);
            string json = Status(main, extra: "\"workspace\":{\"project_dir\":" + JsonSerializer.Serialize(ws.Root) + "}");
            TokenStatusLine s = Show(ps, json);
            var states = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-10-05 3>$null").Select(b => b.State).ToList();
            Assert.NotEmpty(states);
            Assert.Equal(states.Max(), s.BudgetState);
            Assert.Equal(BudgetState.Critical, s.BudgetState);
            Assert.EndsWith(" | budget Critical", s.Line);
            Assert.Equal(ws.Root, s.Workspace);
        }

        public static IEnumerable<object[]> BadInputs() => new[]
        {
            new object[] { "empty", "", "no status input" },
            new object[] { "garbage", "{not json", "no status input" },
            new object[] { "array", "[1,2]", "no status input" },
            new object[] { "no transcript field", "{\"model\":{\"display_name\":\"Opus\"}}", "no transcript yet" },
            new object[] { "missing transcript", "{\"model\":{\"display_name\":\"Opus\"},\"transcript_path\":\"./claude/none.jsonl\"}", "no transcript yet" },
            new object[] { "provider path", "{\"transcript_path\":\"env:HOME\"}", "no transcript yet" },
            new object[] { "missing drive", "{\"transcript_path\":\"nodrive:/x.jsonl\",\"cwd\":\"nodrive:/\"}", "no transcript yet" },
            new object[] { "wrong types", "{\"model\":\"x\",\"cost\":[1],\"transcript_path\":17,\"context_window\":{\"context_window_size\":\"big\"}}", "no transcript yet" },
        };

        [Theory]
        [MemberData(nameof(BadInputs))]
        public void StatusLine_WithBadInput_ShouldWriteAFallbackLineAndNoError(string name, string json, string problem)
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            string line = Assert.Single(ps.Run("$args[0] | Show-TokenStatusLine -NoCache -TranscriptRoot ./claude", json)).ToString();
            Assert.True(ps.Errors.Count == 0, name);
            Assert.EndsWith(" | " + problem, line);
            Assert.True(line.Length < 60, name);
        }

        [Fact]
        public void StatusLine_WithNoPipelineInput_ShouldWriteTheFallbackLine()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            Assert.Equal("Claude | no status input", Assert.Single(ps.RunClean("@() | Show-TokenStatusLine -NoCache")).ToString());
            TokenStatusLine s = ps.RunAs<TokenStatusLine>("Show-TokenStatusLine -NoCache -AsObject").Single();
            Assert.Equal("no status input", s.Problem);
        }

        [Fact]
        public void StatusLine_WithFifoTranscript_ShouldNotBlockAndWriteTheFallbackLine()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            Directory.CreateDirectory(ws.PathOf("claude/projects/-p"));
            string fifo = ws.PathOf("claude/projects/-p/s.jsonl");
            Assert.Equal(0, Mkfifo(fifo, Convert.ToInt32("600", 8)));
            using var ps = new PowerShellHost(ws.Root);
            string json = "{\"transcript_path\":" + JsonSerializer.Serialize(fifo) + ",\"model\":{\"id\":\"claude-opus-4-5\"}}";
            string line = Assert.Single(ps.Run("$args[0] | Show-TokenStatusLine -TranscriptRoot ./claude -NoCache", json)).ToString();
            Assert.Empty(ps.Errors);
            Assert.Equal("claude-opus-4-5 | transcript is not a regular file", line);
        }

        [Fact]
        public void StatusLine_AsClaudeCodeRunsIt_ShouldPrintOneLineAndExitZero()
        {
            using var ws = new TempWorkspace();
            string main = WriteTranscripts(ws);
            string fifo = ws.PathOf("claude/projects/-src-p/fifo.jsonl");
            bool unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
            if (unix) { Assert.Equal(0, Mkfifo(fifo, Convert.ToInt32("600", 8))); }
            string command = "dotnet \"" + Repo.ShellDll + "\" -NoProfile -NonInteractive -Command "
                + "'Import-Module " + Repo.Manifest + "; $input | Show-TokenStatusLine -TranscriptRoot ./claude -CacheFolder ./cache -TimeZone UTC -Now " + Now + "'";

            var cases = new List<(string Stdin, Func<string, bool> Expected, IDictionary<string, string?>? Env)>
            {
                (Status(main), l => l.StartsWith("Sonnet 4.6 | session ", StringComparison.Ordinal) && l.Contains("(2h00m left)") && !l.Contains('\u001b'), new Dictionary<string, string?> { ["NO_COLOR"] = "1", ["TERM"] = "xterm-256color" }),
                (Status(main), l => l.Contains("\u001b[32mctx 18k/200k (9%)\u001b[0m"), new Dictionary<string, string?> { ["NO_COLOR"] = null, ["TERM"] = "xterm-256color" }),
                ("", l => l == "Claude | no status input", null),
                ("}{ garbage\n", l => l == "Claude | no status input", null),
                ("{\"transcript_path\":\"/nonexistent/x.jsonl\",\"model\":{\"display_name\":\"Opus\"}}", l => l == "Opus | no transcript yet", null),
            };
            if (unix) { cases.Add(("{\"transcript_path\":" + JsonSerializer.Serialize(fifo) + "}", l => l == "Claude | transcript is not a regular file", null)); }
            foreach (var (stdin, expected, env) in cases)
            {
                ShellProcess.Result r = ShellProcess.RunBash(command, ws.Root, stdin, env);
                Assert.True(r.ExitCode == 0, "exit " + r.ExitCode + ": " + r.Stderr);
                Assert.Equal(string.Empty, r.Stderr.Trim());
                string[] lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(lines.Length == 1 && expected(lines[0].TrimEnd('\r')), "stdin " + stdin + " gave: " + r.Stdout);
            }
        }

        [Fact]
        public void Completion_OfColor_ShouldOfferTheModes()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            PSObject result = Assert.Single(ps.RunClean("[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null)", "Show-TokenStatusLine -Color "));
            var matches = Assert.IsType<CommandCompletion>(result.BaseObject).CompletionMatches.Select(m => m.CompletionText).ToList();
            Assert.Equal(new[] { "Always", "Auto", "Never" }, matches.OrderBy(x => x, StringComparer.Ordinal));
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        internal static extern int Mkfifo(string path, int mode);
    }
}
