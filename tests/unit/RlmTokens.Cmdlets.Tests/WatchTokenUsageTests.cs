using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Threading;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Watch-TokenUsage against hand-computed transcripts at a fixed -Now (2026-09-02 12:30 UTC):
    ///   block 2026-08-31 01:00  50,000 tokens (completed; August)
    ///   block 2026-09-01 09:00  90,000 tokens (completed; this month, not today)
    ///   block 2026-09-02 01:00  30,000 tokens (completed; today)
    ///   block 2026-09-02 10:00  active: 10:20 sonnet-4-5 1,000 in / 2,000 out / 3,000 cache write / 4,000 cache read
    ///                                   11:50 haiku-4-5 5,000 in / 15,000 out           = 30,000 tokens
    /// Elapsed 150 min, 150 min left: 200 tokens/min, 60,000 projected.
    /// Cost: sonnet 0.003 + 0.03 + 0.01125 + 0.0012 = 0.04545, haiku 0.005 + 0.075 = 0.08: 0.12545 USD, 0.05018 USD/h.
    /// </summary>
    public sealed class WatchTokenUsageTests
    {
        internal const string Now = "2026-09-02T12:30:00Z";

        internal static string Line(string time, string id, string model, long input, long output, long cacheWrite = 0, long cacheRead = 0) =>
            "{\"type\":\"assistant\",\"timestamp\":\"" + time + "\",\"sessionId\":\"s1\",\"requestId\":\"r-" + id + "\",\"message\":{\"id\":\"m-" + id
            + "\",\"model\":\"" + model + "\",\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output
            + ",\"cache_creation_input_tokens\":" + cacheWrite + ",\"cache_read_input_tokens\":" + cacheRead + "}}}\n";

        /// <summary>Writes the transcripts above under claude/projects/-work-demo/ and returns the claude folder.</summary>
        internal static string WriteTranscripts(TempWorkspace ws)
        {
            string text =
                Line("2026-08-31T01:10:00Z", "a", "claude-sonnet-4-5", 50_000, 0)
                + Line("2026-09-01T09:05:00Z", "b", "claude-sonnet-4-5", 90_000, 0)
                + Line("2026-09-02T01:30:00Z", "c", "claude-sonnet-4-5", 30_000, 0)
                + Line("2026-09-02T10:20:00Z", "d", "claude-sonnet-4-5", 1_000, 2_000, 3_000, 4_000)
                + Line("2026-09-02T11:50:00Z", "e", "claude-haiku-4-5", 5_000, 15_000);
            ws.Write("claude/projects/-work-demo/s1.jsonl", text, bom: false, crlf: false);
            return ws.PathOf("claude");
        }

        [Fact]
        public void Once_WithFixedNowAndProPlan_ShouldEqualTheBlockReportAndTheHandFigures()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            TokenMonitorFrame f = ps.RunAs<TokenMonitorFrame>("Watch-TokenUsage -Once -Plan Pro -Now $args[0] -TranscriptRoot $args[1] -TimeZone UTC -NoCache", Now, root).Single();
            Assert.Empty(ps.Errors);
            TranscriptUsageRow block = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -GroupBy Block -TranscriptRoot $args[0] -TimeZone UTC -NoCache", root).Last();

            Assert.Equal("2026-09-02 10:00", block.GroupKey);
            Assert.True(f.BlockActive);
            Assert.Equal(block.TotalTokens, f.BlockTokens);
            Assert.Equal(block.InputTokens, f.BlockInputTokens);
            Assert.Equal(block.OutputTokens, f.BlockOutputTokens);
            Assert.Equal(block.CacheCreationTokens, f.BlockCacheCreationTokens);
            Assert.Equal(block.CacheReadTokens, f.BlockCacheReadTokens);
            Assert.Equal(block.RecordCount, f.BlockRecordCount);
            Assert.Equal(block.CostUsd!.Value, f.BlockCostUsd!.Value, 12);

            Assert.Equal(30_000, f.BlockTokens);
            Assert.Equal(0.12545m, f.BlockCostUsd!.Value, 9);
            Assert.Equal(DateTimeOffset.Parse("2026-09-02T10:00:00Z"), f.BlockStart);
            Assert.Equal(DateTimeOffset.Parse("2026-09-02T15:00:00Z"), f.BlockEnd);
            Assert.Equal(150, f.MinutesElapsed, 9);
            Assert.Equal(150, f.MinutesLeft, 9);
            Assert.Equal(200, f.TokensPerMinute, 9);
            Assert.Equal(0.05018m, f.CostPerHourUsd!.Value, 9);
            Assert.Equal(60_000, f.ProjectedTokens);
            Assert.Equal(0.2509m, f.ProjectedCostUsd!.Value, 9);

            Assert.Equal(MonitorPlan.Pro, f.Plan);
            Assert.Equal(MonitorLimitSource.Plan, f.LimitSource);
            Assert.Equal(44_000, f.TokenLimit);
            Assert.Equal(18.0m, f.CostLimitUsd);
            Assert.Equal(14_000, f.TokensLeft);
            Assert.Equal(30_000 * 100.0 / 44_000, f.PercentUsed, 9);
            Assert.False(f.LimitExceeded);
            // 14,000 tokens left at 200 a minute: 70 minutes after 12:30.
            Assert.Equal(DateTimeOffset.Parse("2026-09-02T13:40:00Z"), f.LimitReachedAt);

            Assert.Equal(60_000, f.TodayTokens);
            Assert.Equal(150_000, f.MonthTokens);
            Assert.Equal(0.12545m + 30_000 * 3e-6m, f.TodayCostUsd!.Value, 9);
            Assert.Equal("claude-haiku-4-5 67%, claude-sonnet-4-5 33%", f.TopModels);
            Assert.Equal(3, f.PastBlocks);
            Assert.Equal(UsagePrecision.Exact, f.Precision);
        }

        [Fact]
        public void Once_WithLearnedPlan_ShouldUseThe90thPercentileOfPastBlocksThatHitALimit()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            TokenMonitorFrame f = ps.RunAs<TokenMonitorFrame>("Watch-TokenUsage -Once -Now $args[0] -TranscriptRoot $args[1] -TimeZone UTC -NoCache", Now, root).Single();
            Assert.Empty(ps.Errors);
            // Past blocks 50,000, 90,000 and 30,000: the first two came within 95% of a plan limit (44k, 88k);
            // their 90th percentile (exclusive method) is (50,000 * -7 + 90,000 * 17) / 10 = 118,000.
            Assert.Equal(MonitorPlan.Learned, f.Plan);
            Assert.Equal(MonitorLimitSource.Learned, f.LimitSource);
            Assert.Equal(118_000, f.TokenLimit);
            Assert.Null(f.CostLimitUsd);
            // 88,000 left at 200 a minute is 440 minutes, after the reset in 150.
            Assert.Null(f.LimitReachedAt);
            Assert.False(f.LimitExceeded);
        }

        [Fact]
        public void Once_WithCustomLimitBelowTheBlock_ShouldReportWhenTheLimitWasPassed()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            TokenMonitorFrame f = ps.RunAs<TokenMonitorFrame>("Watch-TokenUsage -Once -Plan Custom -TokenLimit 25000 -CostLimit 5 -Now $args[0] -TranscriptRoot $args[1] -TimeZone UTC -NoCache", Now, root).Single();
            Assert.Empty(ps.Errors);
            Assert.Equal(MonitorLimitSource.Custom, f.LimitSource);
            Assert.Equal(5.0m, f.CostLimitUsd);
            Assert.True(f.LimitExceeded);
            Assert.Equal(-5_000, f.TokensLeft);
            // 10,000 after 10:20, 30,000 after 11:50: the 11:50 response crossed 25,000.
            Assert.Equal(DateTimeOffset.Parse("2026-09-02T11:50:00Z"), f.LimitReachedAt);
        }

        [Fact]
        public void Once_WithCustomPlanWithoutTokenLimit_ShouldWriteTokenLimitRequired()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Watch-TokenUsage -Once -Plan Custom -Now $args[0] -TranscriptRoot $args[1] -NoCache", Now, root);
            ErrorRecord e = ps.SingleError("TokenLimitRequired,RlmTokens.Cmdlets.WatchTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Equal(MonitorPlan.Custom, e.TargetObject);
            Assert.Contains("-TokenLimit", e.Exception.Message, StringComparison.Ordinal);
        }

        [Fact]
        public void Once_WithNoActiveBlock_ShouldSaySoAndKeepTheTotals()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);

            TokenMonitorFrame f = ps.RunAs<TokenMonitorFrame>("Watch-TokenUsage -Once -Plan Max5 -Now '2026-09-02T20:00:00Z' -TranscriptRoot $args[0] -TimeZone UTC -NoCache", root).Single();
            Assert.False(f.BlockActive);
            Assert.Null(f.BlockStart);
            Assert.Equal(0, f.BlockTokens);
            Assert.Equal(88_000, f.TokenLimit);
            Assert.Equal(60_000, f.TodayTokens);
            Assert.Equal(4, f.PastBlocks);
        }

        [Fact]
        public void Once_WithCacheFolder_ShouldReadOnlyTheAppendedBytesTheSecondTime()
        {
            using var ws = new TempWorkspace();
            string root = WriteTranscripts(ws);
            using var ps = new PowerShellHost(ws.Root);
            const string script = "Watch-TokenUsage -Once -Plan Max20 -Now $args[0] -TranscriptRoot $args[1] -TimeZone UTC -CacheFolder ./cache";

            TokenMonitorFrame first = ps.RunAs<TokenMonitorFrame>(script, Now, root).Single();
            Assert.Equal(new FileInfo(ws.PathOf("claude/projects/-work-demo/s1.jsonl")).Length, first.BytesRead);
            string appended = Line("2026-09-02T12:10:00Z", "f", "claude-haiku-4-5", 6_000, 0);
            File.AppendAllText(ws.PathOf("claude/projects/-work-demo/s1.jsonl"), appended);

            TokenMonitorFrame second = ps.RunAs<TokenMonitorFrame>(script, Now, root).Single();
            Assert.Empty(ps.Errors);
            Assert.Equal(Encoding.UTF8.GetByteCount(appended), second.BytesRead);
            Assert.Equal(36_000, second.BlockTokens);
            Assert.Equal(240, second.TokensPerMinute, 9);
        }

        [Fact]
        public void PlanParameter_Completion_ShouldOfferThePlans()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            var matches = ps.Run("$s = 'Watch-TokenUsage -Plan Ma'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText")
                .Select(o => o.ToString()).ToList();
            Assert.Equal(new[] { "Max20", "Max5" }, matches.OrderBy(m => m, StringComparer.Ordinal));
        }
    }

    /// <summary>
    /// Watch-TokenUsage in a real terminal: rlm-pwsh in a tmux session draws the frame, Ctrl+C ends it, and the
    /// screen (the alternate buffer) is restored with the prompt back. tmux comes from .ci/run (apt-get).
    /// </summary>
    public sealed class WatchTokenUsageTerminalTests
    {
        /// <summary>A fact that is skipped, with the reason shown, where tmux is absent.</summary>
        public sealed class TmuxFactAttribute : FactAttribute
        {
            public TmuxFactAttribute()
            {
                if (!HasTmux()) { Skip = "tmux is not installed (.ci/run installs it with apt-get): the real-terminal test of Watch-TokenUsage is skipped."; }
            }
        }

        private static bool HasTmux()
        {
            try
            {
                using Process p = Process.Start(new ProcessStartInfo("tmux", "-V") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
                p.WaitForExit(10_000);
                return p.ExitCode == 0;
            }
            catch (System.ComponentModel.Win32Exception)
            {
                return false;
            }
        }

        private static string Tmux(string socket, params string[] args)
        {
            var psi = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-L");
            psi.ArgumentList.Add(socket);
            foreach (string a in args) { psi.ArgumentList.Add(a); }
            using Process p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            p.WaitForExit(30_000);
            return output;
        }

        private static void Send(string socket, string line)
        {
            Tmux(socket, "send-keys", "-t", "watch", "-l", line);
            Tmux(socket, "send-keys", "-t", "watch", "Enter");
        }

        private static string WaitForPane(string socket, Func<string, bool> done, int seconds = 90)
        {
            string pane = string.Empty;
            for (int i = 0; i < seconds * 4; i++)
            {
                pane = Tmux(socket, "capture-pane", "-p", "-t", "watch");
                if (done(pane)) { return pane; }
                Thread.Sleep(250);
            }
            return pane;
        }

        [TmuxFact]
        public void Watch_InTmux_ShouldDrawTheFrameAndRestoreTheScreenOnCtrlC()
        {
            using var ws = new TempWorkspace();
            WatchTokenUsageTests.WriteTranscripts(ws);
            string socket = "rlmtokens-watch-" + Guid.NewGuid().ToString("N").Substring(0, 8);
            string shell = "dotnet " + Repo.ShellDll + " -NoProfile -NoLogo";
            // Short lines only: the input line editor redraws a line that wraps at the pane's edge over and over.
            ws.Write("start.sh", "#!/bin/sh\ncd '" + ws.Root + "'\nexport NO_COLOR=1 TERM=xterm-256color RLM_MANIFEST='" + Repo.Manifest + "'\nexec " + shell + "\n", bom: false, crlf: false);
            try
            {
                Tmux(socket, "new-session", "-d", "-s", "watch", "-x", "120", "-y", "40", "sh " + ws.PathOf("start.sh"));
                string ready = WaitForPane(socket, p => p.Contains("PS ", StringComparison.Ordinal) && p.TrimEnd().EndsWith(">", StringComparison.Ordinal));
                Assert.True(ready.Contains("PS ", StringComparison.Ordinal), "No prompt from rlm-pwsh:\n" + ready);
                Send(socket, "function prompt { '> ' }");
                Send(socket, "Import-Module $env:RLM_MANIFEST; Write-Output before-watch");
                WaitForPane(socket, p => p.Contains("\nbefore-watch", StringComparison.Ordinal));
                Send(socket, "$w = @{ Plan = 'Pro'; RefreshSeconds = 1; Now = '" + WatchTokenUsageTests.Now + "' }");
                Send(socket, "$w += @{ TranscriptRoot = './claude'; TimeZone = 'UTC'; CacheFolder = './cache' }");
                Send(socket, "Watch-TokenUsage @w");
                string frame = WaitForPane(socket, p => p.Contains("Ctrl+C to stop", StringComparison.Ordinal));
                Assert.True(frame.Contains("Token usage monitor", StringComparison.Ordinal), "No frame:\n" + frame);
                Assert.Contains("plan Pro (44,000 tokens, $18.00 per block, plan)", frame, StringComparison.Ordinal);
                Assert.Contains("Block    10:00-15:00  resets in 2h 30m", frame, StringComparison.Ordinal);
                Assert.Contains("68.2%", frame, StringComparison.Ordinal);
                Assert.Contains("30,000 of 44,000  (14,000 left)", frame, StringComparison.Ordinal);
                Assert.Contains("Burn     200 tokens/min  $0.05/h", frame, StringComparison.Ordinal);
                Assert.Contains("Forecast 60,000 tokens, $0.25 at 15:00", frame, StringComparison.Ordinal);
                Assert.Contains("limit at 13:40 at this pace", frame, StringComparison.Ordinal);
                Assert.Contains("Models   claude-haiku-4-5 67%, claude-sonnet-4-5 33%", frame, StringComparison.Ordinal);
                Assert.Contains("Today    60,000 tokens", frame, StringComparison.Ordinal);
                Assert.Contains("Month    150,000 tokens", frame, StringComparison.Ordinal);
                // The alternate screen, the cursor hidden: what was on the screen before is not shown while the monitor runs.
                Assert.DoesNotContain("before-watch", frame, StringComparison.Ordinal);
                Assert.Equal("1 0", Tmux(socket, "display-message", "-p", "-t", "watch", "#{alternate_on} #{cursor_flag}").Trim());

                Tmux(socket, "send-keys", "-t", "watch", "C-c");
                string after = WaitForPane(socket, p => !p.Contains("Ctrl+C to stop", StringComparison.Ordinal) && p.TrimEnd().EndsWith(">", StringComparison.Ordinal));
                Assert.True(!after.Contains("Token usage monitor", StringComparison.Ordinal) && after.Contains("before-watch", StringComparison.Ordinal), "Screen not restored:\n" + after);
                Assert.Contains("before-watch", after, StringComparison.Ordinal);
                Assert.Contains("> Watch-TokenUsage @w", after, StringComparison.Ordinal);
                Assert.EndsWith(">", after.TrimEnd(), StringComparison.Ordinal);

                // The cursor is visible again, and the shell still answers.
                Send(socket, "Write-Output after-watch");
                string answered = WaitForPane(socket, p => p.Contains("\nafter-watch", StringComparison.Ordinal));
                Assert.Contains("\nafter-watch", answered, StringComparison.Ordinal);
                Assert.Equal("0 1", Tmux(socket, "display-message", "-p", "-t", "watch", "#{alternate_on} #{cursor_flag}").Trim());
            }
            finally
            {
                Tmux(socket, "kill-server");
            }
        }
    }
}
