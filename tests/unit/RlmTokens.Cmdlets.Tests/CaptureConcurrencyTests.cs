using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Several OS processes recording compactions and logging usage into one workspace at once.</summary>
    public sealed class CaptureConcurrencyTests
    {
        [Fact]
        public void FourProcesses_EachRegisteringAndLogging_ShouldLoseNothing()
        {
            const int processes = 4;
            const int each = 15;
            using var ws = new TempWorkspace();
            string root = ShellProcess.Quote(ws.Root);
            string command = "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; "
                + "1.." + each + " | ForEach-Object { "
                + "Register-CompactEvent -Trigger Auto -Timestamp '2026-11-23T11:00:00Z' -SessionId ('P' + $env:RLM_WRITER) -Path " + root + " -ErrorAction Stop; "
                + "Add-TokenUsage -Tokens $_ -Agent ('P' + $env:RLM_WRITER) -Branch b -Path " + root + " -ErrorAction Stop }";

            var running = new List<Process>();
            for (int p = 0; p < processes; p++)
            {
                running.Add(ShellProcess.Start(command, ws.Root, env: new Dictionary<string, string?> { ["RLM_WRITER"] = p.ToString() }));
            }
            var failures = new List<string>();
            foreach (Process p in running)
            {
                string err = p.StandardError.ReadToEnd();
                p.StandardOutput.ReadToEnd();
                Assert.True(p.WaitForExit(240_000));
                if (p.ExitCode != 0) { failures.Add(err); }
                p.Dispose();
            }

            Assert.Empty(failures);
            using JsonDocument events = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "compact-events.json")));
            Assert.Equal(processes * each, events.RootElement.GetArrayLength());
            string markdown = File.ReadAllText(Path.Combine(ws.Root, "RLM", "progress", "logs", "2026-11-23.md"));
            Assert.Equal(processes * each, markdown.Split("## Context compaction").Length - 1);

            using var ps = new PowerShellHost(ws.Root);
            TokenUsageLogGroup[] byAgent = ps.RunAs<TokenUsageLogGroup>("Get-TokenUsage -Log -GroupBy Agent").ToArray();
            Assert.Empty(ps.Errors);
            Assert.Equal(processes, byAgent.Length);
            Assert.All(byAgent, g => Assert.Equal((each, each * (each + 1) / 2L), (g.RecordCount, g.TotalTokens)));
        }
    }
}
