using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Xunit.Abstractions;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Sessions keyed by Claude Code's session_id (issue 10) across OS processes, as hooks run: many
    /// rlm-pwsh processes each running whole session cycles (SessionStart, PostToolUse, SessionEnd) in
    /// one workspace at once, with the same start second. Every session is archived once under its own
    /// RLM id, the daily file books what the stops acknowledged, nothing is lost or booked to another
    /// session.
    /// </summary>
    public sealed class SessionProcessTests
    {
        private const int Processes = 16;
        private const int Cycles = 5;
        private const int ToolCalls = 3;

        private readonly ITestOutputHelper _output;

        public SessionProcessTests(ITestOutputHelper output) => _output = output;

        // One process: Cycles full sessions, each call a fresh cmdlet invocation fed the hook's JSON on the
        // pipeline, as `$input | <cmdlet>` gets it. Prints one ACK line (JSON) per session: what the
        // stop acknowledged and what the tool hooks acknowledged.
        private static string CycleScript(string manifest) => @"
$ErrorActionPreference = 'Stop'
Import-Module '" + manifest.Replace("'", "''") + @"'
$ws = $env:RLM_WS
$p = [int]$env:RLM_WRITER
$start = [DateTimeOffset]::Parse($env:RLM_START, [Globalization.CultureInfo]::InvariantCulture)
foreach ($c in 1.." + Cycles + @") {
    $sid = '{0:x8}-0000-4000-8000-{1:x12}' -f $p, $c
    @{ session_id = $sid; hook_event_name = 'SessionStart'; source = 'startup'; cwd = $ws } | ConvertTo-Json -Compress |
        Start-TokenSession -StartedAt $start
    $files = @()
    $est = foreach ($k in 1.." + ToolCalls + @") {
        $file = Join-Path $ws ('src/p{0}-c{1}-k{2}.txt' -f $p, $c, $k)
        $files += $file
        $tool = switch ($k % 3) {
            1 { @{ tool_name = 'Write'; tool_input = @{ file_path = $file; content = ('w' * (40 * $p + 8 * $c + $k)) } } }
            2 { @{ tool_name = 'Edit'; tool_input = @{ file_path = $file; old_string = ('o' * (16 * $c + $k)); new_string = ('n' * (24 * $p + $k)) } } }
            0 { @{ tool_name = 'Bash'; tool_input = @{ command = $file } } }
        }
        $tool.session_id = $sid; $tool.hook_event_name = 'PostToolUse'; $tool.cwd = $ws; $tool.tool_response = @{ success = $true }
        $tool | ConvertTo-Json -Compress -Depth 5 | Add-TokenEstimate -PassThru
    }
    $stop = @{ session_id = $sid; hook_event_name = 'SessionEnd'; reason = 'prompt_input_exit'; cwd = $ws } | ConvertTo-Json -Compress |
        Stop-TokenSession -PassThru -WarningVariable +spoolWarnings
    $ack = [ordered]@{
        claude = $sid
        rlm = $stop.SessionId
        status = [string]$stop.Status
        tokens = $stop.TotalTokens
        cost = if ($stop) { [decimal]$stop.CostUsd } else { $null }
        estimateTokens = [long](($est | ForEach-Object { $_.InputTokens + $_.OutputTokens } | Measure-Object -Sum).Sum)
        estimateAcks = @($est).Count
        files = $files
    }
    'ACK ' + ($ack | ConvertTo-Json -Compress)
}
";

        // Rlm, Status, Tokens and Cost are null when the stop was spooled (the hook returns at once and acknowledges nothing).
        private sealed record Ack(string Claude, string? Rlm, string? Status, long? Tokens, decimal? Cost, long EstimateTokens, int EstimateAcks, string[] Files);

        /// <summary>
        /// 16 processes × 5 session cycles in one workspace, every session started in the same second.
        /// With a hook wait long enough that nothing is spooled, each stop acknowledges its session's
        /// figure; with a hook wait of 0 (one try at the lock) most records are spooled and folded in
        /// later by whoever holds the lock next, and every session must still come out whole.
        /// </summary>
        [Theory]
        [InlineData(120_000)]
        [InlineData(0)]
        public async Task SessionCycles_SixteenProcessesFiveCyclesEach_ShouldArchiveEachOnceAndBookWhatWasAcknowledged(int hookWaitMs)
        {
            using var ws = new TempWorkspace();
            string script = ws.Write("cycle.ps1", CycleScript(Repo.Manifest), crlf: false);
            Directory.CreateDirectory(ws.PathOf("src"));
            string start = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()).ToString("o", CultureInfo.InvariantCulture);

            var running = new List<Process>();
            for (int p = 0; p < Processes; p++)
            {
                running.Add(ShellProcess.Start("& " + ShellProcess.Quote(script), ws.Root, env: new Dictionary<string, string?>
                {
                    ["RLM_WS"] = ws.Root,
                    ["RLM_WRITER"] = p.ToString(CultureInfo.InvariantCulture),
                    ["RLM_START"] = start,
                    ["RLMTOKENS_HOOK_LOCK_TIMEOUT_MS"] = hookWaitMs.ToString(CultureInfo.InvariantCulture),
                    ["RLMTOKENS_LOCK_TIMEOUT_MS"] = "120000",
                }));
            }
            var acks = new List<Ack>();
            var failures = new List<string>();
            int spooledStops = 0;
            foreach (Process p in running)
            {
                Task<string> stdoutTask = p.StandardOutput.ReadToEndAsync();
                string err = await p.StandardError.ReadToEndAsync();
                string stdout = await stdoutTask;
                Assert.True(p.WaitForExit(600_000), "a cycle process did not finish");
                if (p.ExitCode != 0 || err.Length > 0) { failures.Add(p.ExitCode + ": " + err); }
                foreach (string line in stdout.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("ACK ", StringComparison.Ordinal)))
                {
                    Ack ack = JsonSerializer.Deserialize<Ack>(line.Substring(4), new JsonSerializerOptions { PropertyNameCaseInsensitive = true })!;
                    acks.Add(ack);
                    if (ack.Rlm is null) { spooledStops++; }
                }
                p.Dispose();
            }
            Assert.Empty(failures);
            Assert.Equal(Processes * Cycles, acks.Count);
            Assert.All(acks, a => Assert.Equal(ToolCalls, a.EstimateAcks));

            // Whatever the last hooks spooled is folded in by the next reader or writer (a report here).
            using (var ps = new PowerShellHost(ws.Root))
            {
                ps.RunClean("Get-TokenUsage | Out-Null");
            }
            Assert.Empty(Directory.Exists(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"))
                ? Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json") : Array.Empty<string>());

            // Archives: one per session, each under its own RLM id, holding exactly its own operations.
            var archives = new Dictionary<string, (string Rlm, string[] Files, long Tokens)>(StringComparer.Ordinal);
            int duplicateArchives = 0;
            foreach (string file in Directory.GetFiles(ws.TokenUsage, "SESSION-*.json"))
            {
                using JsonDocument doc = JsonDocument.Parse(Strip(File.ReadAllBytes(file)));
                JsonElement root = doc.RootElement;
                string rlm = root.GetProperty("session_id").GetString()!;
                Assert.Equal(Path.GetFileNameWithoutExtension(file), rlm);
                string claude = root.GetProperty("claude_session_id").GetString()!;
                JsonElement estimate = root.GetProperty("token_estimate");
                // Write and Edit operations name their file; Bash (k = 3) names none.
                string[] files = estimate.GetProperty("by_operation").EnumerateArray().Select(o => o.GetProperty("file").GetString() ?? string.Empty).ToArray();
                long tokens = estimate.GetProperty("tokens").GetProperty("input_estimated").GetInt64() + estimate.GetProperty("tokens").GetProperty("output_estimated").GetInt64();
                if (!archives.TryAdd(claude, (rlm, files, tokens))) { duplicateArchives++; }
            }
            // An operation booked to another session shows up twice: foreign in one archive, missing (or one too many) in the other.
            int misfiled = acks.Sum(a =>
            {
                if (!archives.TryGetValue(a.Claude, out var arch)) { return 0; }
                string[] own = a.Files.Where(f => !f.EndsWith("-k3.txt", StringComparison.Ordinal)).ToArray();
                string[] named = arch.Files.Where(f => f.Length > 0).ToArray();
                return named.Except(own).Count() + own.Except(named).Count() + Math.Abs(arch.Files.Length - ToolCalls);
            });
            int lostArchives = acks.Count(a => !archives.ContainsKey(a.Claude));

            // Daily: one entry per session, the figure its estimates and (unless spooled) its stop acknowledged.
            var entries = new List<(string Rlm, string Claude, long Tokens, decimal Cost)>();
            long totalTokens = 0;
            decimal totalCost = 0;
            long totalSessions = 0;
            foreach (string file in Directory.GetFiles(ws.TokenUsage, "daily-*.json"))
            {
                using JsonDocument doc = JsonDocument.Parse(Strip(File.ReadAllBytes(file)));
                foreach (JsonElement s in doc.RootElement.GetProperty("sessions").EnumerateArray())
                {
                    entries.Add((s.GetProperty("session_id").GetString()!, s.GetProperty("claude_session_id").GetString()!,
                        s.GetProperty("estimated_tokens").GetInt64(), s.GetProperty("cost_usd").GetDecimal()));
                }
                JsonElement totals = doc.RootElement.GetProperty("totals");
                totalTokens += totals.GetProperty("estimated_tokens").GetInt64();
                totalCost += totals.GetProperty("total_cost_usd").GetDecimal();
                totalSessions += totals.GetProperty("sessions_count").GetInt64();
            }
            var booked = entries.GroupBy(e => e.Claude).ToDictionary(g => g.Key, g => g.ToList());
            int lostBookings = acks.Count(a => !booked.ContainsKey(a.Claude));
            int doubleBooked = booked.Values.Count(l => l.Count > 1);
            int wrongFigure = acks.Count(a => booked.TryGetValue(a.Claude, out var l) && l[0].Tokens != a.EstimateTokens);
            var stopped = acks.Where(a => a.Rlm is not null).ToList();
            long acknowledgedTokens = stopped.Sum(a => a.Tokens!.Value);
            long bookedForAcknowledged = stopped.Sum(a => booked.TryGetValue(a.Claude, out var l) ? l.Sum(e => e.Tokens) : 0);
            decimal acknowledgedCost = stopped.Sum(a => a.Cost!.Value);
            decimal bookedCostForAcknowledged = stopped.Sum(a => booked.TryGetValue(a.Claude, out var l) ? l.Sum(e => e.Cost) : 0);

            _output.WriteLine(FormattableString.Invariant(
                $"hook wait {hookWaitMs} ms: sessions {acks.Count}, archived {archives.Count} (duplicates {duplicateArchives}), unique RLM ids {archives.Values.Select(a => a.Rlm).Distinct().Count()}, daily entries {entries.Count}, stops spooled {spooledStops}"));
            _output.WriteLine(FormattableString.Invariant(
                $"tokens acknowledged by tool hooks {acks.Sum(a => a.EstimateTokens)}, by stops {acknowledgedTokens} (booked for those {bookedForAcknowledged}), cost acknowledged {acknowledgedCost} (booked {bookedCostForAcknowledged}); daily totals {totalTokens} tokens, {totalCost} USD, {totalSessions} sessions; lost archives {lostArchives}, lost bookings {lostBookings}, double-booked {doubleBooked}, wrong figure {wrongFigure}, misfiled operations {misfiled}"));

            Assert.Equal(0, lostArchives);
            Assert.Equal(0, duplicateArchives);
            Assert.Equal(Processes * Cycles, archives.Count);
            Assert.Equal(Processes * Cycles, archives.Values.Select(a => a.Rlm).Distinct(StringComparer.Ordinal).Count());
            Assert.Equal(0, misfiled);
            Assert.All(acks, a => Assert.Equal(a.EstimateTokens, archives[a.Claude].Tokens));
            Assert.Equal(0, lostBookings);
            Assert.Equal(0, doubleBooked);
            Assert.Equal(0, wrongFigure);
            Assert.Equal(Processes * Cycles, entries.Select(e => e.Rlm).Distinct(StringComparer.Ordinal).Count());
            Assert.All(acks.Where(a => a.Rlm is not null), a => Assert.Equal(a.Rlm, booked[a.Claude][0].Rlm));
            Assert.Equal(acknowledgedTokens, bookedForAcknowledged);
            Assert.Equal(acknowledgedCost, bookedCostForAcknowledged);
            Assert.Equal(acks.Sum(a => a.EstimateTokens), totalTokens);
            Assert.Equal(entries.Sum(e => e.Cost), totalCost);
            Assert.Equal(Processes * Cycles, totalSessions);
            if (hookWaitMs > 0)
            {
                // Nothing spooled: every stop acknowledged its session, and the daily totals are their sum.
                Assert.Equal(0, spooledStops);
                Assert.All(acks, a => Assert.Equal("Closed", a.Status));
                Assert.Equal(acknowledgedTokens, totalTokens);
                Assert.Equal(acknowledgedCost, totalCost);
            }

            // No session left open, no view of a closed one.
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, "sessions"), "*.json"));
            Assert.Equal(Processes * Cycles, Directory.GetFiles(Path.Combine(ws.TokenUsage, "sessions", "closed"), "*.json").Length);
            Assert.False(ws.Exists("RLM/progress/token-usage/current-session.json"));
            Assert.False(ws.Exists("RLM/progress/token-usage/token-estimates.json"));
        }

        internal static ReadOnlyMemory<byte> Strip(byte[] bytes) =>
            bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? bytes.AsMemory(3) : bytes.AsMemory();
    }
}
