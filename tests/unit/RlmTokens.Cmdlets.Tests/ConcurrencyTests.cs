using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Several OS processes (threads do not prove a cross-process lock) writing one workspace.</summary>
    public sealed class ConcurrencyTests
    {
        [Fact]
        public void EightProcesses_EachAddingFiftyEstimates_ShouldLoseNone()
        {
            const int processes = 8;
            const int each = 50;
            using var ws = new TempWorkspace();
            string command = "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; "
                + "$w = $args; 1.." + each + " | ForEach-Object { Add-TokenEstimate -Operation Tool -ToolName ('P' + $env:RLM_WRITER + '-' + $_) -Path " + ShellProcess.Quote(ws.Root) + " -ErrorAction Stop }";

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
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            JsonElement root = doc.RootElement;
            Assert.Equal(processes * each, root.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            Assert.Equal(processes * each * 50, root.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
            Assert.Equal(100, root.GetProperty("by_operation").GetArrayLength());
            Assert.Equal(100, root.GetProperty("by_operation").EnumerateArray().Select(o => o.GetProperty("tool_name").GetString()).Distinct().Count());
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "*.tmp"));
        }
    }
}
