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
    /// Issue 11, "hooks never stall the agent": the folder lock held by a process that was stopped
    /// (SIGSTOP: a writer suspended in a debugger, a laptop lid, a frozen terminal) while holding it.
    /// Hook calls give up after the hook-mode bound (RLMTOKENS_HOOK_LOCK_TIMEOUT_MS, 2 s by default),
    /// spool their record durably, and the next lock holder folds every record in exactly once.
    /// </summary>
    public sealed class StuckLockTests
    {
        private const string ClaudeId = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";

        private readonly ITestOutputHelper _output;

        public StuckLockTests(ITestOutputHelper output) => _output = output;

        [Fact]
        public void HundredHookCalls_WhileAStoppedProcessHoldsTheLock_ShouldEachReturnWithinTheBoundAndAllBeCountedOnceLater()
        {
            if (OperatingSystem.IsWindows()) { return; } // SIGSTOP: a Unix signal
            const int processes = 10;
            const int each = 10;
            using var ws = new TempWorkspace();
            string hook = "{\"session_id\": \"" + ClaudeId + "\", \"cwd\": " + JsonSerializer.Serialize(ws.Root)
                + ", \"hook_event_name\": \"PostToolUse\", \"tool_name\": \"Bash\", \"tool_input\": {\"command\": \"ls\"}}";
            using (var ps = new PowerShellHost(ws.Root))
            {
                ps.RunClean("$args[0] | Start-TokenSession -StartedAt '2026-11-23T09:00:00Z'",
                    "{\"session_id\": \"" + ClaudeId + "\", \"cwd\": " + JsonSerializer.Serialize(ws.Root) + ", \"hook_event_name\": \"SessionStart\", \"source\": \"startup\"}");
            }

            // Each process makes ten fresh hook calls (the hook's JSON piped in, as Claude Code's command
            // line `$input | Add-TokenEstimate` does), timing each one.
            string command = "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $json = @($input) -join \"`n\"; "
                // Warm-up without the lock (-WhatIf touches nothing): the timed calls measure the wait, not the JIT.
                + "Add-TokenEstimate -Operation Tool -ToolName Bash -Path " + ShellProcess.Quote(ws.Root) + " -WhatIf | Out-Null; "
                + "foreach ($i in 1.." + each + ") { $sw = [Diagnostics.Stopwatch]::StartNew(); $json | Add-TokenEstimate -WarningVariable w -WarningAction SilentlyContinue; "
                + "'MS=' + $sw.ElapsedMilliseconds; if ($w | Where-Object { \"$_\" -like '*busy for 2000 ms*.rlmtokens-spool*' }) { 'SPOOLED' } }; "
                + "foreach ($e in $Error) { 'ERROR=' + $e.FullyQualifiedErrorId }";
            var times = new List<long>();
            int spooled = 0;
            using (LockHolder holder = LockHolder.HoldFolderLock(ws.TokenUsage))
            {
                Signal("STOP", holder.ProcessId);
                try
                {
                    var results = new ShellProcess.Result[processes];
                    Parallel.For(0, processes, new ParallelOptions { MaxDegreeOfParallelism = processes },
                        p => results[p] = ShellProcess.Run(command, ws.Root, hook, timeoutSeconds: 600));
                    foreach (ShellProcess.Result r in results)
                    {
                        Assert.True(r.ExitCode == 0 && !r.Stdout.Contains("ERROR=", StringComparison.Ordinal), r.Stdout + r.Stderr);
                        string[] lines = r.Stdout.Split('\n').Select(l => l.Trim()).ToArray();
                        times.AddRange(lines.Where(l => l.StartsWith("MS=", StringComparison.Ordinal)).Select(l => long.Parse(l.Substring(3), CultureInfo.InvariantCulture)));
                        spooled += lines.Count(l => l == "SPOOLED");
                    }
                    // Nothing could be written while the lock was held: every record waits in the spool.
                    Assert.Equal(processes * each, Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json").Length);
                    Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
                }
                finally
                {
                    Signal("CONT", holder.ProcessId);
                }
                holder.Kill();
            }

            var firsts = times.Where((_, i) => i % each == 0).ToList();
            var others = times.Where((_, i) => i % each != 0).ToList();
            _output.WriteLine("hook calls: " + times.Count + ", max " + times.Max() + " ms, median " + times.OrderBy(t => t).ElementAt(times.Count / 2)
                + " ms; first call of each process max " + firsts.Max() + " ms, the others max " + others.Max() + " ms");
            Assert.Equal(processes * each, times.Count);
            Assert.Equal(processes * each, spooled);
            // Each call gave up at the hook bound, not the interactive 30 s wait: every one of them says it spooled
            // after the hook bound (asserted above); the times are reported, not asserted, since ten processes
            // starting at once on a loaded two-core machine take what the machine gives them.

            // The next holder of the lock (here a reader, which recovers first) folds all 100 in, once.
            using (var ps = new PowerShellHost(ws.Root))
            {
                ps.RunClean("Get-TokenUsage | Out-Null");
                AssertCounted(ws, processes * each);
                Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json"));
                // A second reader and the next writer find nothing left to fold in.
                ps.RunClean("Get-TokenUsage | Out-Null; $args[0] | Add-TokenEstimate", hook);
                AssertCounted(ws, processes * each + 1);
            }
        }

        private static void AssertCounted(TempWorkspace ws, int calls)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            JsonElement root = doc.RootElement;
            Assert.Equal(calls, root.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            Assert.Equal(calls * 50, root.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
            using JsonDocument session = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "sessions", ClaudeId + ".json")));
            JsonElement estimate = session.RootElement.GetProperty("estimate");
            Assert.Equal(calls, estimate.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            Assert.Equal(calls * 50, estimate.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
        }

        internal static void Signal(string signal, int pid)
        {
            using Process kill = Process.Start(new ProcessStartInfo("kill", "-" + signal + " " + pid.ToString(CultureInfo.InvariantCulture)) { UseShellExecute = false })!;
            kill.WaitForExit();
            Assert.Equal(0, kill.ExitCode);
        }
    }
}
