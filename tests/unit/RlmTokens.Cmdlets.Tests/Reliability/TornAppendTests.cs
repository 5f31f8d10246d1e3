using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Issue 11, "appends detect a torn tail": Add-TokenUsage run as a hook would run it (a real rlm-pwsh
    /// process), with its append torn by a kill or a full disk, or after another writer left half a record
    /// at the end of RLM/progress/token-usage.log. Later reads must give every whole record exactly once.
    /// </summary>
    public sealed class TornAppendTests
    {
        private static string Import => "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; ";

        private static string LogPath(TempWorkspace ws) => ws.PathOf("RLM/progress/token-usage.log");

        private static ShellProcess.Result AddUsage(TempWorkspace ws, long tokens, string agent, Dictionary<string, string?>? env = null) =>
            ShellProcess.Run(Import + "Add-TokenUsage -Path " + ShellProcess.Quote(ws.Root) + " -Tokens " + tokens + " -Agent " + agent
                + " -Timestamp '2026-11-23T09:00:00Z'; $e = $Error[0]; if ($e) { 'ID=' + $e.FullyQualifiedErrorId; 'EXC=' + $e.Exception.GetType().FullName } else { 'NOERROR' }",
                ws.Root, env: env);

        private static List<(string? Agent, long Tokens)> ReadLog(PowerShellHost ps, TempWorkspace ws) =>
            ps.RunAs<TokenUsageLogRecord>("Get-TokenUsage -Log -Path $args[0]", ws.Root).Select(r => (r.Agent, r.TotalTokens)).ToList();

        [Fact]
        public void AddTokenUsage_KilledMidAppend_ShouldBeCompletedOnceByTheNextReader()
        {
            using var ws = new TempWorkspace();
            Assert.Contains("NOERROR", AddUsage(ws, 100, "coder").Stdout, StringComparison.Ordinal);

            // Killed right after its commit point (the journal names the append), then the append torn:
            // half of the record's bytes reached the file, as a kill in the middle of write(2) leaves it.
            ShellProcess.Result killed = AddUsage(ws, 250, "tester", new Dictionary<string, string?> { ["RLMTOKENS_FAULT_AT"] = "2" });
            Assert.Equal(137, killed.ExitCode);
            string journal = ws.PathOf("RLM/progress/.rlmtokens.journal");
            using (JsonDocument doc = JsonDocument.Parse(File.ReadAllBytes(journal)))
            {
                JsonElement op = doc.RootElement.GetProperty("ops")[0];
                Assert.Equal("append", op.GetProperty("op").GetString());
                byte[] data = op.GetProperty("data").GetBytesFromBase64();
                Assert.Equal(new FileInfo(LogPath(ws)).Length, op.GetProperty("length_before").GetInt64());
                using var log = new FileStream(LogPath(ws), FileMode.Append, FileAccess.Write);
                log.Write(data, 0, data.Length / 2);
            }

            using var ps = new PowerShellHost(ws.Root);
            List<(string? Agent, long Tokens)> records = ReadLog(ps, ws);

            Assert.Empty(ps.Errors);
            Assert.Equal(new[] { ("coder", 100L), ("tester", 250L) }, records.Select(r => (r.Agent!, r.Tokens)).ToArray());
            Assert.False(File.Exists(journal));
            // Read again, and the next append: nothing doubled, nothing torn.
            Assert.Contains("NOERROR", AddUsage(ws, 7, "reviewer").Stdout, StringComparison.Ordinal);
            Assert.Equal(new[] { ("coder", 100L), ("tester", 250L), ("reviewer", 7L) }, ReadLog(ps, ws).Select(r => (r.Agent!, r.Tokens)).ToArray());
            Assert.Empty(ps.Errors);
        }

        [Fact]
        public void AddTokenUsage_KilledAfterItsCommit_ShouldBeCountedOnceByTestTokenBudget()
        {
            using var ws = new TempWorkspace();
            Assert.Contains("NOERROR", AddUsage(ws, 100, "coder").Stdout, StringComparison.Ordinal);
            ShellProcess.Result killed = AddUsage(ws, 250, "tester", new Dictionary<string, string?> { ["RLMTOKENS_FAULT_AT"] = "2" });
            Assert.Equal(137, killed.ExitCode);
            Assert.True(File.Exists(ws.PathOf("RLM/progress/.rlmtokens.journal")));

            // The budget is the first reader: it completes the committed append itself, not the next write.
            using var ps = new PowerShellHost(ws.Root);
            const string Budget = "Test-TokenBudget -Path $args[0] -Period Daily -Limit 100000 -Date 2026-11-23";
            TokenBudgetStatus first = Assert.Single(ps.RunAs<TokenBudgetStatus>(Budget, ws.Root));
            TokenBudgetStatus again = Assert.Single(ps.RunAs<TokenBudgetStatus>(Budget, ws.Root));

            Assert.Empty(ps.Errors);
            Assert.Equal(350, first.Used);
            Assert.Equal(350, again.Used);
            Assert.False(File.Exists(ws.PathOf("RLM/progress/.rlmtokens.journal")));
        }

        [Theory]
        [InlineData(1)] // journal written, not committed: nothing happened
        [InlineData(2)] // committed, append not done
        [InlineData(3)] // appended, journal not removed
        public void AddTokenUsage_OnAFullDisk_ShouldReportAnErrorRecordAndLeaveNoTornRecord(int step)
        {
            using var ws = new TempWorkspace();
            Assert.Contains("NOERROR", AddUsage(ws, 100, "coder").Stdout, StringComparison.Ordinal);

            ShellProcess.Result full = AddUsage(ws, 250, "tester", new Dictionary<string, string?> { ["RLMTOKENS_FAULT_AT"] = step.ToString(System.Globalization.CultureInfo.InvariantCulture), ["RLMTOKENS_FAULT_MODE"] = "ioerror" });
            Assert.Equal(0, full.ExitCode);
            Assert.Contains("ID=WriteFailed,RlmTokens.Cmdlets.AddTokenUsageCommand", full.Stdout, StringComparison.Ordinal);
            Assert.Contains("EXC=RlmTokens.", full.Stdout, StringComparison.Ordinal);

            // The disk has room again: the next append and every later read see whole records only, each once.
            Assert.Contains("NOERROR", AddUsage(ws, 7, "reviewer").Stdout, StringComparison.Ordinal);
            using var ps = new PowerShellHost(ws.Root);
            var records = ReadLog(ps, ws).Select(r => (r.Agent!, r.Tokens)).ToArray();
            Assert.Empty(ps.Errors);
            var expected = step == 1
                ? new[] { ("coder", 100L), ("reviewer", 7L) }
                : new[] { ("coder", 100L), ("tester", 250L), ("reviewer", 7L) };
            Assert.Equal(expected, records);
        }

        [Fact]
        public void AddTokenUsage_AfterAnotherWriterLeftHalfARecord_ShouldKeepItsRecordReadable()
        {
            using var ws = new TempWorkspace();
            // token-tracker.sh killed while printing its pretty JSON: one whole record, then half of one.
            string whole = "{\n  \"timestamp\": \"2026-11-23T08:00:00Z\",\n  \"date\": \"2026-11-23\",\n  \"task\": \"T-1\",\n  \"agent\": \"coder\",\n  \"model\": \"sonnet\",\n"
                + "  \"tokens\": {\n    \"input\": 60,\n    \"output\": 40,\n    \"total\": 100\n  },\n  \"cost\": 0.001,\n  \"duration\": 3\n}\n";
            string torn = "{\n  \"timestamp\": \"2026-11-23T08:30:00Z\",\n  \"date\": \"2026-11-23\",\n  \"task\": \"T-2\",\n  \"agent\": \"arch";
            File.WriteAllText(LogPath(ws), whole + torn, new UTF8Encoding(false));

            Assert.Contains("NOERROR", AddUsage(ws, 250, "tester").Stdout, StringComparison.Ordinal);
            Assert.Contains("NOERROR", AddUsage(ws, 7, "reviewer").Stdout, StringComparison.Ordinal);

            using var ps = new PowerShellHost(ws.Root);
            var records = ReadLog(ps, ws).Select(r => (r.Agent!, r.Tokens)).ToArray();
            Assert.Equal(new[] { ("coder", 100L), ("tester", 250L), ("reviewer", 7L) }, records);
            // The torn half is reported (where it is), never taken for a record nor swallowing the next one.
            ErrorRecord e = Assert.Single(ps.Errors);
            Assert.Equal("CorruptDataFile,RlmTokens.Cmdlets.GetTokenUsageCommand", e.FullyQualifiedErrorId);
            // The whole records are still intact bytes for token-tracker.sh's own readers (jq -s).
            Assert.StartsWith(whole + torn + "\n", File.ReadAllText(LogPath(ws)), StringComparison.Ordinal);
        }
    }
}
