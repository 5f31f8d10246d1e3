using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Issue 11, "the lock is the OS's own primitive, not the runtime's emulation": .NET on Unix takes
    /// flock for FileShare.None only while DOTNET_SYSTEM_IO_DISABLEFILELOCKING is unset; FolderLock takes
    /// flock itself. With the switch set in every writer process, the lock must still exclude.
    /// </summary>
    public sealed class OsLockTests
    {
        private static readonly Dictionary<string, string?> NoRuntimeLocking = new Dictionary<string, string?> { ["DOTNET_SYSTEM_IO_DISABLEFILELOCKING"] = "1" };

        private static string Import => "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; ";

        [Fact]
        public void FourProcesses_WithTheRuntimesFileLockingDisabled_ShouldLoseNoneOfTwoHundredWrites()
        {
            const int processes = 4;
            const int each = 50;
            using var ws = new TempWorkspace();
            string command = Import + "1.." + each + " | ForEach-Object { Add-TokenEstimate -Operation Tool -ToolName ('P' + $env:RLM_WRITER + '-' + $_) -Path "
                + ShellProcess.Quote(ws.Root) + " -ErrorAction Stop }";

            var running = new List<Process>();
            for (int p = 0; p < processes; p++)
            {
                running.Add(ShellProcess.Start(command, ws.Root, env: new Dictionary<string, string?>(NoRuntimeLocking) { ["RLM_WRITER"] = p.ToString(System.Globalization.CultureInfo.InvariantCulture) }));
            }
            var failures = new List<string>();
            foreach (Process p in running)
            {
                p.StandardOutput.ReadToEnd();
                string stderr = p.StandardError.ReadToEnd();
                Assert.True(p.WaitForExit(300_000));
                if (p.ExitCode != 0) { failures.Add(stderr); }
                p.Dispose();
            }

            Assert.Empty(failures);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            JsonElement root = doc.RootElement;
            Assert.Equal(processes * each, root.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            Assert.Equal(processes * each * 50, root.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void Writer_WithTheRuntimesFileLockingDisabled_ShouldNotTakeTheLockAnotherProcessHolds(bool holderDisablesItToo)
        {
            if (OperatingSystem.IsWindows()) { return; } // the switch exists on Unix only
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"S\", \"operations\": { \"tool_calls\": 7 } }");
            string before = ws.Read("RLM/progress/token-usage/token-estimates.json");
            // The holder takes the folder lock through RlmTokens' own FolderLock (internal; reached by
            // reflection), in a process that has the runtime's locking switched off or on.
            string hold = Import
                + "$t = [RlmTokens.TokenTracker].Assembly.GetType('RlmTokens.Storage.FolderLock', $true); "
                + "$m = $t.GetMethod('Acquire', [Reflection.BindingFlags]'Public,Static'); "
                + "$l = $m.Invoke($null, @(" + ShellProcess.Quote(ws.TokenUsage) + ", [TimeSpan]::FromSeconds(5), [Threading.CancellationToken]::None, $null, $null)); "
                + "[Console]::Out.WriteLine('held'); [Console]::Out.Flush(); Start-Sleep -Seconds 600";
            using Process holder = ShellProcess.Start(hold, ws.Root, env: holderDisablesItToo ? NoRuntimeLocking : null);
            try
            {
                string? line = holder.StandardOutput.ReadLine();
                if (line != "held")
                {
                    holder.Kill();
                    Assert.Fail("the holder did not start: " + line + holder.StandardError.ReadToEnd());
                }

                var env = new Dictionary<string, string?>(NoRuntimeLocking) { ["RLMTOKENS_LOCK_TIMEOUT_MS"] = "300" };
                ShellProcess.Result r = ShellProcess.Run(Import + "Add-TokenEstimate -Operation Tool -ToolName Bash -Path " + ShellProcess.Quote(ws.Root)
                    + "; $e = $Error[0]; if ($e) { 'ID=' + $e.FullyQualifiedErrorId } else { 'NOERROR' }", ws.Root, env: env);

                Assert.Contains("ID=LockTimeout,RlmTokens.Cmdlets.AddTokenEstimateCommand", r.Stdout, StringComparison.Ordinal);
                Assert.Equal(before, ws.Read("RLM/progress/token-usage/token-estimates.json"));
            }
            finally
            {
                if (!holder.HasExited) { holder.Kill(); }
                holder.WaitForExit();
            }
        }
    }
}
