using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using Xunit;

namespace RlmTokens.Cmdlets.Tests.Ledger
{
    /// <summary>The scenario both engines must pass, run by the engine test classes below.</summary>
    internal static class LedgerChecks
    {
        /// <param name="target">The ledger as a command-line argument (-Ledger '...' or -ConnectionString '...').</param>
        public static void TwoMachinesWithKill(string target)
        {
            using var scenario = new LedgerScenario();
            scenario.WriteLogs();
            using var ps = new PowerShellHost();
            long Rows() => ps.RunClean("@(Get-TokenUsage " + target + " -Detailed).Count").Select(o => Convert.ToInt64(o.BaseObject)).Single();

            ShellProcess.Result a = ShellProcess.Run(scenario.SyncCommand(target, machineA: true), Path.GetTempPath(), timeoutSeconds: 300);
            Assert.True(a.ExitCode == 0, a.Stdout + a.Stderr);
            long afterA = Rows();

            // Machine B's sync dies (SIGKILL) with its fourth batch's rows inserted but not committed (steps: each
            // batch written, then committed): three batches of 4 read rows committed, at most 8 of them overlap.
            var fault = new Dictionary<string, string?> { ["RLMTOKENS_FAULT_AT"] = "7" };
            ShellProcess.Result killed = ShellProcess.Run(scenario.SyncCommand(target, machineA: false), Path.GetTempPath(), env: fault, timeoutSeconds: 300);
            Assert.NotEqual(0, killed.ExitCode);
            long afterKill = Rows();
            Assert.True(afterKill > afterA, "the killed sync committed its first batch: " + afterA + " -> " + afterKill);
            // Nothing of the uncommitted batch: at most the three committed batches.
            Assert.True(afterKill - afterA <= 12, "at most three committed batches of 4: " + afterA + " -> " + afterKill);
            Assert.True(afterKill < afterA + 15 + 2, "the killed sync did not finish: " + afterKill);

            // Every sync again, B first this time: the overlapping rows stay machine A's.
            foreach (bool machineA in new[] { false, true, false })
            {
                ShellProcess.Result again = ShellProcess.Run(scenario.SyncCommand(target, machineA), Path.GetTempPath(), timeoutSeconds: 300);
                Assert.True(again.ExitCode == 0, again.Stdout + again.Stderr);
            }

            LedgerScenario.AssertEqualTotals(scenario.Expected(e => e.User), ps.RunClean("Get-TokenUsage " + target + " -GroupBy User"), "User", "per user");
            LedgerScenario.AssertEqualTotals(scenario.Expected(e => e.Branch), ps.RunClean("Get-TokenUsage " + target + " -GroupBy Branch"), "Branch", "per branch");
            LedgerScenario.AssertEqualTotals(scenario.Expected(e => e.Model), ps.RunClean("Get-TokenUsage " + target + " -GroupBy Model"), "Model", "per model");
            Assert.Equal(scenario.ExpectedTotal, ps.RunClean("Get-TokenUsage " + target + " -GroupBy Month").Sum(g => (long)g.Properties["TotalTokens"].Value));

            // A last run adds nothing and says so.
            var last = ps.RunClean("Sync-TokenUsage " + target + " -Path $args[0] -TranscriptRoot $args[1] -User ann -Machine box-a -NoCache", scenario.WorkspaceA, scenario.TranscriptA).Select(o => (LedgerSyncResult)o.BaseObject).ToList();
            Assert.All(last, r => Assert.Equal(0, r.Added + r.Updated));
            Assert.Equal(20 + 3 + 0 + 0, last.Sum(r => r.Skipped));
        }

        /// <summary>Export-TokenUsage's JSONL of one ledger imported into another: same totals, and a second import adds nothing.</summary>
        public static void ExportImportRoundTrip(string source, string target, string folder)
        {
            using var scenario = new LedgerScenario();
            using var ps = new PowerShellHost(folder);
            ps.RunClean("Sync-TokenUsage " + source + " -Path $args[0] -TranscriptRoot $args[1] -User ann -Machine box-a -NoCache | Out-Null", scenario.WorkspaceA, scenario.TranscriptA);
            ps.RunClean("Get-TokenUsage " + source + " -Detailed | Export-TokenUsage -LiteralPath ./rows.jsonl -Force");
            var first = ps.RunClean("Sync-TokenUsage " + target + " -InputFile ./rows.jsonl").Select(o => (LedgerSyncResult)o.BaseObject).Single();
            Assert.Equal(20, first.Added);
            var second = ps.RunClean("Sync-TokenUsage " + target + " -InputFile ./rows.jsonl").Select(o => (LedgerSyncResult)o.BaseObject).Single();
            Assert.Equal((0L, 20L), (second.Added, second.Skipped));
            var a = ps.RunClean("Get-TokenUsage " + source + " -GroupBy Model | ForEach-Object { '{0}={1}/{2}' -f $_.Model, $_.TotalTokens, $_.CostUsd }").Select(o => o.ToString());
            var b = ps.RunClean("Get-TokenUsage " + target + " -GroupBy Model | ForEach-Object { '{0}={1}/{2}' -f $_.Model, $_.TotalTokens, $_.CostUsd }").Select(o => o.ToString());
            Assert.Equal(a, b);
            Assert.Contains(ps.RunClean("Get-TokenUsage " + target + " -GroupBy User").Select(o => (string)o.Properties["User"].Value), k => k == "ann");
        }
    }

    public sealed class LedgerSqliteTests : IDisposable
    {
        private readonly TempWorkspace _ws = new TempWorkspace(withRlm: false);

        public void Dispose() => _ws.Dispose();

        private string Target(string name) => "-Ledger " + ShellProcess.Quote(_ws.PathOf(name));

        [Fact]
        public void Sync_TwoMachinesOverlappingWithAKilledSync_TotalsEqualTheSourcesExactly() =>
            LedgerChecks.TwoMachinesWithKill(Target("team.db"));

        [Fact]
        public void Sync_ExportedRowsIntoAnotherLedger_SameTotalsAndIdempotent() =>
            LedgerChecks.ExportImportRoundTrip(Target("mine.db"), Target("team.db"), _ws.Root);

        [Fact]
        public void Sync_WithWhatIf_ShouldCreateNoFileAndReportWhatItWouldAdd()
        {
            using var scenario = new LedgerScenario();
            using var ps = new PowerShellHost(_ws.Root);
            var results = ps.RunClean("Sync-TokenUsage -Ledger ./team.db -TranscriptRoot $args[0] -Source Transcript -NoCache -WhatIf", scenario.TranscriptA)
                .Select(o => (LedgerSyncResult)o.BaseObject).ToList();
            Assert.False(File.Exists(_ws.PathOf("team.db")));
            Assert.Equal(20, results.Single().Added);
            Assert.True(results.Single().WhatIf);
        }

        [Fact]
        public void Sync_AHomeWithEveryAgent_ShouldHoldEachAgentsRowsOnceAtGetTokenUsagesFigures()
        {
            // samples/agents: a home folder with Claude Code, Codex CLI, Gemini CLI and OpenCode data.
            string home = Path.Combine(Repo.Samples, "agents");
            using var ps = new PowerShellHost(_ws.Root);
            Dictionary<string, (long Tokens, decimal Cost)> expected = ps.RunClean("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -GroupBy Cli -NoCache", home)
                .Select(o => (TranscriptUsageRow)o.BaseObject)
                .ToDictionary(r => r.GroupKey == "Claude" ? "claude-code" : r.GroupKey.ToLowerInvariant(), r => (r.TotalTokens, Math.Round((decimal)r.CostUsd!.Value, 6)));
            Assert.Equal(4, expected.Count);

            for (int run = 0; run < 2; run++)
            {
                var results = ps.RunClean("Sync-TokenUsage -Ledger ./team.db -TranscriptRoot $args[0] -Source Transcript -User ann -Machine m -NoCache", home).Select(o => (LedgerSyncResult)o.BaseObject).ToList();
                // The second run finds every row already there.
                Assert.Equal(run == 0 ? 0 : results.Single().Read, results.Single().Skipped);
            }
            Dictionary<string, (long Tokens, decimal Cost)> ledger = ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy Agent")
                .ToDictionary(o => (string)o.Properties["Agent"].Value, o => ((long)o.Properties["TotalTokens"].Value, Math.Round((decimal)o.Properties["CostUsd"].Value, 6)));
            Assert.Equal(expected.OrderBy(kv => kv.Key, StringComparer.Ordinal), ledger.OrderBy(kv => kv.Key, StringComparer.Ordinal));
            // -Agent takes the names Get-TokenUsage -Transcript takes.
            Assert.Equal(expected["codex"].Tokens, ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy Agent -Agent Codex").Select(o => (long)o.Properties["TotalTokens"].Value).Single());
        }

        [Fact]
        public void SyncInputFile_WithBadRecords_ShouldReportEachAndImportTheRest()
        {
            string good = "{\"RowKey\":\"log:x1\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"TotalTokens\":100,\"CostUsd\":0.25}";
            _ws.Write("rows.jsonl", string.Join("\n", new[]
            {
                good,
                "{\"RowKey\":\"log:x2\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"TotalTokens\":\"many\"}",
                "{\"RowKey\":\"log:x3\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"TotalTokens\":99999999999999999999999}",
                "{\"RowKey\":\"log:x4\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"InputTokens\":-5}",
                "{\"RowKey\":\"log:x5\",\"Source\":\"Nope\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\"}",
                "{\"RowKey\":\"log:x6\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Mach",
            }), bom: true, crlf: true);
            using var ps = new PowerShellHost(_ws.Root);
            var result = ps.Run("Sync-TokenUsage -Ledger ./team.db -InputFile ./rows.jsonl").Select(o => (LedgerSyncResult)o.BaseObject).Single();
            Assert.Equal(1, result.Added);
            Assert.Equal(5, ps.Errors.Count(e => e.FullyQualifiedErrorId == "LedgerInputInvalid,RlmTokens.Cmdlets.SyncTokenUsageCommand"));
            Assert.All(ps.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
            Assert.Equal(0.25m, ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy User").Select(o => (decimal)o.Properties["CostUsd"].Value).Single());
            // -Agent filters by the ledger's agent names: a log record's own name as given, Claude for claude-code.
            Assert.Equal(0.25m, ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy User -Agent codex").Select(o => (decimal)o.Properties["CostUsd"].Value).Single());
            Assert.Empty(ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy User -Agent Claude"));
        }

        [Fact]
        public void SyncInputFile_TruncatedJsonArray_ShouldReportCorruptDataFileAndAddNothing()
        {
            _ws.Write("rows.json", "[{\"RowKey\":\"log:x1\",\"Source\":\"Log\",", bom: true, crlf: true);
            using var ps = new PowerShellHost(_ws.Root);
            var result = ps.Run("Sync-TokenUsage -Ledger ./team.db -InputFile ./rows.json").Select(o => (LedgerSyncResult)o.BaseObject).Single();
            Assert.Equal(0, result.Read);
            Assert.Equal("CorruptDataFile,RlmTokens.Cmdlets.SyncTokenUsageCommand", ps.Errors.Single().FullyQualifiedErrorId);
        }

        [Fact]
        public void Sync_IntoAFileThatIsNotSqlite_ShouldFailWithLedgerUnavailableAndLeaveItAlone()
        {
            string path = _ws.Write("team.db", "this is not a database, it is a text file that must survive", bom: false, crlf: false);
            byte[] before = File.ReadAllBytes(path);
            using var ps = new PowerShellHost(_ws.Root);
            ps.Run("Sync-TokenUsage -Ledger ./team.db -Source Log");
            ErrorRecord e = ps.SingleError("LedgerUnavailable,RlmTokens.Cmdlets.SyncTokenUsageCommand");
            Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void TestTokenBudget_OnALedger_ShouldGateOnTheTeamsTotal()
        {
            using var scenario = new LedgerScenario();
            using var ps = new PowerShellHost(_ws.Root);
            ps.RunClean("Sync-TokenUsage -Ledger ./team.db -TranscriptRoot $args[0] -Source Transcript -NoCache -User ann | Out-Null", scenario.TranscriptA);
            // The sessions of machine A: 20 responses on 2026-11-02 (UTC); a budget is exceeded at 100 %.
            long day = ps.RunClean("Get-TokenUsage -Ledger ./team.db -GroupBy Day").Select(o => (long)o.Properties["TotalTokens"].Value).Single();
            Assert.True(ps.RunClean("Test-TokenBudget -Path $args[0] -Ledger ./team.db -Period Daily -Date 2026-11-02 -Limit $args[1] -Quiet", _ws.Root, day + 1).Select(o => (bool)o.BaseObject).Single());
            Assert.False(ps.RunClean("Test-TokenBudget -Path $args[0] -Ledger ./team.db -Period Daily -Date 2026-11-02 -Limit $args[1] -Quiet", _ws.Root, day).Select(o => (bool)o.BaseObject).Single());
        }

        [Theory]
        [InlineData("win-x64", "e_sqlite3.dll")]
        [InlineData("win-arm64", "e_sqlite3.dll")]
        [InlineData("osx-x64", "libe_sqlite3.dylib")]
        [InlineData("osx-arm64", "libe_sqlite3.dylib")]
        [InlineData("linux-x64", "libe_sqlite3.so")]
        [InlineData("linux-arm64", "libe_sqlite3.so")]
        [InlineData("linux-musl-x64", "libe_sqlite3.so")]
        public void StagedModule_ShouldShipTheNativeSqliteOfEachPlatformWhereTheLoaderLooks(string rid, string file)
        {
            // RlmTokens.Ledger.LedgerDrivers looks in ledger/runtimes/<rid>/native/ for the platform's file name.
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "ledger", "runtimes", rid, "native", file)), rid + "/" + file);
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "ledger", "Npgsql.dll")));
            Assert.False(File.Exists(Path.Combine(Repo.ModuleFolder, "Npgsql.dll")), "drivers stay out of the module's root, where PowerShell would load them by name");
        }

        [Fact]
        public void ImportModule_WithoutALedger_ShouldLoadNoDriverAndAfterASyncKeepThemOutOfTheDefaultContext()
        {
            string script = "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; Get-TokenUsage -Path " + ShellProcess.Quote(Repo.Samples) + " | Out-Null; "
                + "$names = { [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name }; "
                + "'before:' + ((& $names) -match 'Npgsql|Sqlite|SQLitePCL' -join ',') + ':' + ([System.Runtime.Loader.AssemblyLoadContext]::All.Name -contains 'RlmTokens.Ledger'); "
                + "Sync-TokenUsage -Ledger " + ShellProcess.Quote(_ws.PathOf("t.db")) + " -Source Log -Path " + ShellProcess.Quote(_ws.Root) + " | Out-Null; "
                + "'after:' + ((& $names) -match 'Npgsql|Sqlite|SQLitePCL' -join ',') + ':' + (([System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'RlmTokens.Ledger').Assemblies.GetName().Name -match 'Npgsql|Sqlite' -join ',')";
            ShellProcess.Result r = ShellProcess.Run(script, _ws.Root, timeoutSeconds: 180);
            Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
            Assert.Contains("before::False", r.Stdout);
            string after = r.Stdout.Split('\n').Single(l => l.StartsWith("after:", StringComparison.Ordinal));
            Assert.StartsWith("after::", after);
            Assert.Contains("Microsoft.Data.Sqlite", after);
        }
    }

    public sealed class LedgerPostgresTests : IClassFixture<PostgresServer>
    {
        private readonly PostgresServer _server;

        public LedgerPostgresTests(PostgresServer server) => _server = server;

        private string Target() => "-ConnectionString " + ShellProcess.Quote(_server.NewDatabase());

        [PostgresFact]
        public void Sync_TwoMachinesOverlappingWithAKilledSync_TotalsEqualTheSourcesExactly() =>
            LedgerChecks.TwoMachinesWithKill(Target());

        [PostgresFact]
        public void Sync_ExportedRowsBetweenEngines_SameTotalsAndIdempotent()
        {
            using var ws = new TempWorkspace(withRlm: false);
            LedgerChecks.ExportImportRoundTrip("-Ledger " + ShellProcess.Quote(ws.PathOf("mine.db")), Target(), ws.Root);
        }

        [PostgresFact]
        public void Sync_ToAServerThatRefuses_ShouldFailWithLedgerUnavailableWithoutThePassword()
        {
            using var ws = new TempWorkspace(withRlm: false);
            using var ps = new PowerShellHost(ws.Root);
            ps.Run("Sync-TokenUsage -ConnectionString $args[0] -Source Log", "Host=127.0.0.1;Port=" + _server.Port + ";Username=nosuchuser;Password=hunter2;Database=nosuchdb;Timeout=15");
            ErrorRecord e = ps.SingleError("LedgerUnavailable,RlmTokens.Cmdlets.SyncTokenUsageCommand");
            Assert.Equal(ErrorCategory.ConnectionError, e.CategoryInfo.Category);
            Assert.DoesNotContain("hunter2", e.ToString() + e.TargetObject);
        }
    }
}
