using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>RLM's real token-tracker.sh files (written by the script itself; see the Core fixtures' README).</summary>
    internal static class TrackerFiles
    {
        public const string Log = "RLM/progress/token-usage.log";
        public const string Metrics = "RLM/progress/metrics.json";

        public static byte[] Fixture(string name) =>
            File.ReadAllBytes(Path.Combine(Repo.Root, "tests", "unit", "RlmTokens.Core.Tests", "Fixtures", "rlm", "tracker", name));

        public static void Put(TempWorkspace ws, string relative, byte[] bytes)
        {
            string path = ws.PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        /// <summary>RLM's project-config.json as its init writes it: a daily budget of 10,000 tokens here, so the fixtures' 16,620 exceed it.</summary>
        public static void Config(TempWorkspace ws) =>
            ws.Write("RLM/config/project-config.json", "{\n  \"tokenTracking\": {\n    \"enabled\": true,\n    \"budgetDaily\": 10000,\n    \"alertThreshold\": 0\n  }\n}\n", bom: false, crlf: false);
    }

    public sealed class GetTokenUsageTrackerLogTests
    {
        [Fact]
        public void Log_UnpricedTrackerLog_ShouldShowEveryRecordWithItsTokensAndNoCost()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Put(ws, TrackerFiles.Log, TrackerFiles.Fixture("token-usage.unpriced.log"));
            using var ps = new PowerShellHost(ws.Root);

            var records = ps.RunAs<TokenUsageLogRecord>("Get-TokenUsage -Log");

            Assert.Empty(ps.Errors);
            Assert.Equal(new long[] { 15000, 1500, 120 }, records.Select(r => r.TotalTokens).ToArray());
            Assert.All(records.Select(r => (object?)r.CostUsd).ToArray(), c => Assert.Null(c));
        }

        [Fact]
        public void Log_PricedTrackerLogGroupedByAgent_ShouldSumBcCosts()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Put(ws, TrackerFiles.Log, TrackerFiles.Fixture("token-usage.priced.log"));
            using var ps = new PowerShellHost(ws.Root);

            var groups = ps.RunAs<TokenUsageLogGroup>("Get-TokenUsage -Log -GroupBy Agent");

            Assert.Empty(ps.Errors);
            Assert.Equal(new[] { "implementation-agent:15120:0.0816", "testing-agent:1500:0.06" },
                groups.Select(g => g.GroupKey + ":" + g.TotalTokens + ":" + g.CostUsd.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        [Fact]
        public void SourceRlmMetrics_AgentOnlyInAgentsWithTokensUsedObject_ShouldCountItsTotal()
        {
            using var ws = new TempWorkspace();
            ws.Write(TrackerFiles.Metrics, "{\"agents\": {\"coder\": {\"tasksCompleted\": 2, \"tokensUsed\": {\"total\": 500, \"input\": 400, \"output\": 100, \"cost\": 0.0027}}}, \"tokenUsage\": {\"total\": 500}}");
            using var ps = new PowerShellHost(ws.Root);

            TokenUsageRecord coder = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source RlmMetrics").Single(r => r.Scope == UsageScope.Agent);

            Assert.Equal(("coder", 500L, 400L, 2L), (coder.Agent, coder.TotalTokens, coder.InputTokens, coder.Tasks));
        }
    }

    public sealed class TestTokenBudgetTrackerTests
    {
        [Fact]
        public void Daily_UnpricedTrackerLog_ShouldCountItsTokens()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Config(ws);
            TrackerFiles.Put(ws, TrackerFiles.Log, TrackerFiles.Fixture("token-usage.unpriced.log"));
            // What token-tracker.sh left of metrics.json after jq refused "cost": (an empty file).
            TrackerFiles.Put(ws, TrackerFiles.Metrics, Array.Empty<byte>());
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus t = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal((16620m, BudgetState.Exceeded, "TokenLog"), (t.Used, t.State, t.Source));
            Assert.False((bool)ps.RunClean("Test-TokenBudget -Period Daily -Date 2026-11-20 -Quiet").Single().BaseObject);
        }

        [Fact]
        public void Daily_MetricsJsonAlone_ShouldCountItsDailyUsage()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Config(ws);
            TrackerFiles.Put(ws, TrackerFiles.Metrics, TrackerFiles.Fixture("metrics.after-three.json"));
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus t = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal((16620m, BudgetState.Exceeded, "RlmMetrics", UsagePrecision.Estimated), (t.Used, t.State, t.Source, t.Precision));
        }

        [Fact]
        public void Daily_LogAndMetricsJsonOfTheSameRecords_ShouldCountThemOnce()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Config(ws);
            TrackerFiles.Put(ws, TrackerFiles.Log, TrackerFiles.Fixture("token-usage.priced.log"));
            TrackerFiles.Put(ws, TrackerFiles.Metrics, TrackerFiles.Fixture("metrics.after-three.json"));
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-20 -Limit 100000 -LimitUsd 1");

            Assert.Empty(ps.Errors);
            Assert.Equal(16620m, statuses.Single(s => s.Unit == BudgetUnit.Tokens).Used);
            Assert.Equal(0.1416m, statuses.Single(s => s.Unit == BudgetUnit.Usd).Used, 6);
        }
    }

    public sealed class AddTokenUsageTrackerTests
    {
        // The three records token-tracker.sh logged for the fixtures.
        private const string ThreeRecords =
            "$at = [DateTimeOffset]'2026-11-20T12:00:00Z'\n"
            + "Add-TokenUsage -InputTokens 12000 -OutputTokens 3000 -Model claude-sonnet-4 -Agent implementation-agent -Task TASK-001 -CostUsd 0.081 -DurationSeconds 42 -Branch main -Timestamp $at\n"
            + "Add-TokenUsage -InputTokens 1000 -OutputTokens 500 -Model gpt-4 -Agent testing-agent -Task TASK-002 -CostUsd 0.06 -DurationSeconds 7 -Branch main -Timestamp $at\n"
            + "Add-TokenUsage -InputTokens 100 -OutputTokens 20 -Model claude-sonnet-4 -Agent implementation-agent -Task TASK-001 -CostUsd 0.0006 -DurationSeconds 3 -Branch main -Timestamp $at\n";

        [Fact]
        public void Add_WithRlmsMetricsJson_ShouldUpdateItExactlyAsTokenTrackerDoes()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Put(ws, TrackerFiles.Metrics, TrackerFiles.Fixture("metrics.seed.json"));
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(ThreeRecords);

            // Byte for byte what jq wrote after token-tracker.sh logged the same three records: overview,
            // testing, weeklyUsage, budgetRemaining and every other property RlmTokens does not use kept.
            Assert.Equal(Encoding.UTF8.GetString(TrackerFiles.Fixture("metrics.after-three.json")), ws.Read(TrackerFiles.Metrics));
            Assert.Equal(3, ps.RunAs<TokenUsageLogRecord>("Get-TokenUsage -Log").Count);
        }

        [Fact]
        public void Add_WhatIfWithMetricsJson_ShouldTouchNothing()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Put(ws, TrackerFiles.Log, TrackerFiles.Fixture("token-usage.priced.log"));
            TrackerFiles.Put(ws, TrackerFiles.Metrics, TrackerFiles.Fixture("metrics.after-three.json"));
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Add-TokenUsage -Tokens 500 -Agent copilot -Branch main -WhatIf");

            Assert.Equal(before, ws.Snapshot());
            // The same call without -WhatIf changes both files.
            ps.RunClean("Add-TokenUsage -Tokens 500 -Agent copilot -Branch main");
            Assert.Contains("\"copilot\": 500", ws.Read(TrackerFiles.Metrics), StringComparison.Ordinal);
            Assert.Equal(4, ps.RunAs<TokenUsageLogRecord>("Get-TokenUsage -Log").Count);
        }

        [Fact]
        public void Add_WithUnreadableMetricsJson_ShouldLogReportAndLeaveItUnchanged()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Put(ws, TrackerFiles.Metrics, Encoding.UTF8.GetBytes("{\"tokenUsage\": {\"total\": \"lots\"}}"));
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenUsage -Tokens 500 -Agent copilot -Branch main");

            ErrorRecord e = ps.SingleError("CorruptDataFile,RlmTokens.Cmdlets.AddTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal(ws.PathOf(TrackerFiles.Metrics), e.TargetObject);
            Assert.Equal("{\"tokenUsage\": {\"total\": \"lots\"}}", ws.Read(TrackerFiles.Metrics));
            Assert.Equal(500, ps.RunAs<TokenUsageLogRecord>("Get-TokenUsage -Log").Single().TotalTokens);
        }

        [Fact]
        public void Add_ThenTestTokenBudget_ShouldCountTheRecordOnceThroughLogAndMetrics()
        {
            using var ws = new TempWorkspace();
            TrackerFiles.Config(ws);
            TrackerFiles.Put(ws, TrackerFiles.Metrics, TrackerFiles.Fixture("metrics.seed.json"));
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(ThreeRecords);
            TokenBudgetStatus t = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20").Single();

            // Both files hold the three records; the day counts them once.
            Assert.Contains("\"2026-11-20\": 16620", ws.Read(TrackerFiles.Metrics), StringComparison.Ordinal);
            Assert.Equal((16620m, "TokenLog"), (t.Used, t.Source));
        }
    }
}
