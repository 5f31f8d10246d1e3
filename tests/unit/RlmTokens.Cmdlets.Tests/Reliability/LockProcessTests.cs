using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Lock behaviour across OS processes: a held lock gives LockTimeout (ResourceBusy) after the
    /// timeout set by RLMTOKENS_LOCK_TIMEOUT_MS; Ctrl+C (PowerShell.Stop) ends a cmdlet waiting for the
    /// lock; a killed holder releases the lock at once; a reader holding a data file open never stops
    /// a writer. The environment variable is only ever set in child processes, never in this one.
    /// </summary>
    public sealed class LockProcessTests
    {
        // Prints what a test needs from the last error, one field a line.
        private const string ReportLastError =
            "; $e = $Error[0]; if ($e) { 'ID=' + $e.FullyQualifiedErrorId; 'CAT=' + $e.CategoryInfo.Category; 'TARGET=' + $e.TargetObject; 'EXC=' + $e.Exception.GetType().FullName } else { 'NOERROR' }";

        private static string Import => "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; ";

        private static Dictionary<string, string?> Timeout(int ms) => new Dictionary<string, string?> { ["RLMTOKENS_LOCK_TIMEOUT_MS"] = ms.ToString(System.Globalization.CultureInfo.InvariantCulture) };

        private static Dictionary<string, string> Fields(string stdout) =>
            stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal))
                .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);

        [Fact]
        public void AddTokenEstimate_LockHeldByAnotherProcess_ShouldWriteLockTimeoutResourceBusyAndChangeNothing()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"S\", \"operations\": { \"tool_calls\": 7 } }");
            var before = ws.Snapshot();
            using (LockHolder.HoldFolderLock(ws.TokenUsage))
            {
                ShellProcess.Result r = ShellProcess.Run(Import + "Add-TokenEstimate -Operation Tool -ToolName Bash -Path " + ShellProcess.Quote(ws.Root) + ReportLastError,
                    ws.Root, env: Timeout(300));

                Dictionary<string, string> f = Fields(r.Stdout);
                Assert.True(f.ContainsKey("ID"), r.Stdout + r.Stderr);
                Assert.Equal("LockTimeout,RlmTokens.Cmdlets.AddTokenEstimateCommand", f["ID"]);
                Assert.Equal("ResourceBusy", f["CAT"]);
                Assert.Equal(Path.Combine(ws.TokenUsage, ".rlmtokens.lock"), f["TARGET"]);
                Assert.StartsWith("RlmTokens.", f["EXC"], StringComparison.Ordinal);
            }
            // Only the (empty) lock file the holder created is new; data files are byte-identical.
            var after = ws.Snapshot();
            Assert.True(after.Remove(Path.Combine("RLM", "progress", "token-usage", ".rlmtokens.lock"), out string? lockBytes));
            Assert.Equal(string.Empty, lockBytes);
            Assert.Equal(before, after);
        }

        [Fact]
        public void AddTokenEstimate_HolderKilled_ShouldTakeTheLockWithinTheTimeout()
        {
            using var ws = new TempWorkspace();
            using (LockHolder holder = LockHolder.HoldFolderLock(ws.TokenUsage))
            {
                holder.Kill();
            }
            // The lock file stays behind; the kernel dropped the killed holder's lock with its process.
            Assert.True(File.Exists(Path.Combine(ws.TokenUsage, ".rlmtokens.lock")));
            ShellProcess.Result r = ShellProcess.Run(Import + "Add-TokenEstimate -Operation Tool -ToolName Bash -Path " + ShellProcess.Quote(ws.Root) + ReportLastError,
                ws.Root, env: Timeout(2000));

            Assert.Contains("NOERROR", r.Stdout, StringComparison.Ordinal);
            Assert.Contains("\"tool_calls\": 1", ws.Read("RLM/progress/token-usage/token-estimates.json"), StringComparison.Ordinal);
        }

        [Fact]
        public async Task AddTokenEstimate_StoppedWhileWaitingForLock_ShouldEndStoppedWithoutLockTimeoutAndHoldNothing()
        {
            using var ws = new TempWorkspace();
            using var host = new PowerShellHost(ws.Root);
            using LockHolder holder = LockHolder.HoldFolderLock(ws.TokenUsage);

            using PowerShell ps = PowerShell.Create();
            ps.Runspace = host.Runspace;
            ps.AddScript("Add-TokenEstimate -Operation Tool -ToolName Bash");
            IAsyncResult pending = ps.BeginInvoke();
            // Let it reach the lock wait (the default timeout is 30 s, far longer than this pause).
            WaitUntil(() => ps.InvocationStateInfo.State == PSInvocationState.Running);
            Thread.Sleep(500);
            await Task.Run(ps.Stop).WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
            Assert.DoesNotContain(ps.Streams.Error, e => e.FullyQualifiedErrorId.StartsWith("LockTimeout", StringComparison.Ordinal));
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));

            holder.Kill();
            // The stopped cmdlet holds nothing: this process can take the lock at once...
            using (new FileStream(Path.Combine(ws.TokenUsage, ".rlmtokens.lock"), FileMode.Open, FileAccess.ReadWrite, FileShare.None)) { }
            // ...and the same runspace writes again.
            host.RunClean("Add-TokenEstimate -Operation Tool -ToolName Bash");
            Assert.Contains("\"tool_calls\": 1", ws.Read("RLM/progress/token-usage/token-estimates.json"), StringComparison.Ordinal);
        }

        [Fact]
        public void AddTokenEstimate_WhileAnotherProcessReadsTheDataFile_ShouldReplaceItWithoutWaiting()
        {
            using var ws = new TempWorkspace();
            using var host = new PowerShellHost(ws.Root);
            host.RunClean("Add-TokenEstimate -Operation Tool -ToolName Bash");
            string file = Path.Combine(ws.TokenUsage, "token-estimates.json");
            // Another process opens it the way RlmTokens readers (and Get-Content) do, and keeps it open.
            using (LockHolder.Open(file, "Open", "Read", "ReadWrite, Delete"))
            {
                host.RunClean("1..3 | ForEach-Object { Add-TokenEstimate -Operation Tool -ToolName Bash }");
                Assert.Contains("\"tool_calls\": 4", ws.Read("RLM/progress/token-usage/token-estimates.json"), StringComparison.Ordinal);
                Assert.Empty(Directory.EnumerateFiles(ws.TokenUsage, "*.tmp"));
            }
        }

        private static void WaitUntil(Func<bool> condition)
        {
            for (int i = 0; i < 600 && !condition(); i++) { Thread.Sleep(50); }
        }
    }
}
