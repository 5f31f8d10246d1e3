using System.Globalization;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class TestTokenBudgetTests
    {
        // Budgets of the fixture: 1,000,000 tokens and $10 a day; thresholds 0.5 / 0.75 (RLM's defaults).
        private static TempWorkspace Workspace(long dayTokens, double dayUsd, bool enabled = true, bool exact = false, string extraConfig = "")
        {
            var ws = new TempWorkspace();
            ws.Write("RLM/config/project-config.json", "{\n    \"tokenTracking\": {\n        \"enabled\": " + (enabled ? "true" : "false") + ",\n"
                + "        \"alertThreshold\": 0,\n        \"budgetDaily\": 1000000,\n        \"budgetMonthly\": 20000000.0,\n"
                + "        \"budgetDailyUsd\": 10,\n        \"budgetMonthlyUsd\": \"200\"" + extraConfig + "\n    }\n}\n");
            ws.Write("RLM/progress/cc-config.json", "{\n  \"token_reporting\": {\n    \"warning_threshold\": 0.5,\n    \"critical_threshold\": 0.75,\n    \"auto_bundle_threshold\": 0.9\n  }\n}\n");
            ws.Write("RLM/progress/token-usage/daily-2026-11-20.json", "{\n    \"date\": \"2026-11-20\",\n    \"sessions\": {\n"
                + "        \"session_id\": \"SESSION-2026-11-20-090000\",\n        \"cost_usd\": " + dayUsd.ToString(CultureInfo.InvariantCulture) + ",\n"
                + "        \"estimated_tokens\": " + dayTokens.ToString(CultureInfo.InvariantCulture) + ",\n"
                + (exact ? "        \"exact\": true,\n" : "")
                + "        \"captured_at\": \"2026-11-20T17:00:00Z\"\n    },\n"
                + "    \"totals\": { \"total_cost_usd\": " + dayUsd.ToString(CultureInfo.InvariantCulture) + ", \"estimated_tokens\": " + dayTokens.ToString(CultureInfo.InvariantCulture) + ", \"sessions_count\": 1 }\n}\n");
            // An earlier day of the same month, for the monthly budget.
            ws.Write("RLM/progress/token-usage/daily-2026-11-02.json", "{ \"date\": \"2026-11-02\", \"sessions\": [], \"totals\": { \"total_cost_usd\": 4.5, \"estimated_tokens\": 500000, \"sessions_count\": 0 } }");
            // Another month: never counted.
            ws.Write("RLM/progress/token-usage/daily-2026-10-31.json", "{ \"date\": \"2026-10-31\", \"sessions\": [], \"totals\": { \"total_cost_usd\": 400, \"estimated_tokens\": 90000000, \"sessions_count\": 3 } }");
            return ws;
        }

        [Theory]
        [InlineData(100000, 1.0, BudgetState.Ok)]
        [InlineData(600000, 6.0, BudgetState.Warning)]
        [InlineData(800000, 8.0, BudgetState.Critical)]
        [InlineData(1200000, 12.5, BudgetState.Exceeded)]
        public void Daily_TokensAndUsdAtEachLevel_ShouldReportStateForBothUnits(long tokens, double usd, BudgetState expected)
        {
            using TempWorkspace ws = Workspace(tokens, usd);
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20");

            Assert.Empty(ps.Errors);
            Assert.Equal(2, statuses.Count);
            TokenBudgetStatus t = statuses.Single(s => s.Unit == BudgetUnit.Tokens);
            Assert.Equal(BudgetPeriod.Daily, t.Period);
            Assert.Equal(tokens, t.Used);
            Assert.Equal(1000000, t.Limit);
            Assert.Equal(expected, t.State);
            Assert.Equal(System.Math.Round(tokens / 10000.0, 2), t.Percent);
            Assert.Equal(System.Math.Max(0, 1000000 - tokens), t.Remaining);
            Assert.Equal(UsagePrecision.Estimated, t.Precision);
            Assert.Equal("DailyFiles", t.Source);
            TokenBudgetStatus u = statuses.Single(s => s.Unit == BudgetUnit.Usd);
            Assert.Equal((decimal)usd, u.Used);
            Assert.Equal(10, u.Limit);
            Assert.Equal(expected, u.State);
            Assert.Equal(UsagePrecision.Exact, u.Precision);
            if (expected == BudgetState.Ok) { Assert.Empty(ps.Warnings); }
            else { Assert.Equal(2, ps.Warnings.Count); Assert.Contains(expected.ToString(), ps.Warnings[0].Message); }

            bool quiet = (bool)ps.RunClean("Test-TokenBudget -Period Daily -Date 2026-11-20 -Quiet").Single().BaseObject;
            Assert.Equal(expected != BudgetState.Exceeded, quiet);
        }

        [Fact]
        public void DefaultPeriods_ConfiguredDailyAndMonthly_ShouldSumTheMonthUpToTheDate()
        {
            using TempWorkspace ws = Workspace(600000, 6);
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-20");

            Assert.Equal(new[] { "Daily/Tokens", "Daily/Usd", "Monthly/Tokens", "Monthly/Usd" }, statuses.Select(s => s.Period + "/" + s.Unit));
            TokenBudgetStatus month = statuses[2];
            Assert.Equal(1100000, month.Used);
            Assert.Equal(new System.DateTime(2026, 11, 1), month.From);
            Assert.Equal(new System.DateTime(2026, 11, 20), month.To);
            Assert.Equal(BudgetState.Ok, month.State);
            Assert.Equal(10.5m, statuses[3].Used);
        }

        [Fact]
        public void Limits_GivenAsParameters_ShouldOverrideTheFileAndCheckOnlyThoseUnits()
        {
            using TempWorkspace ws = Workspace(600000, 6);
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus only = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-20 -LimitUsd 5").Single();

            Assert.Equal(BudgetPeriod.Daily, only.Period);
            Assert.Equal(BudgetUnit.Usd, only.Unit);
            Assert.Equal(BudgetState.Exceeded, only.State);
            Assert.Equal("parameter", only.LimitSource);
            Assert.False((bool)ps.RunClean("Test-TokenBudget -Date 2026-11-20 -Limit 500000 -Quiet").Single().BaseObject);
            Assert.True((bool)ps.RunClean("Test-TokenBudget -Date 2026-11-20 -Limit 5000000 -Quiet").Single().BaseObject);
        }

        [Fact]
        public void Precision_DailyEntryMarkedExact_ShouldReportExactTokens()
        {
            using TempWorkspace ws = Workspace(600000, 6, exact: true);
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus t = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000").Single();

            Assert.Equal(UsagePrecision.Exact, t.Precision);
        }

        [Fact]
        public void Disabled_TrackingSwitchedOff_ShouldSaySoAndNotFailQuiet()
        {
            using TempWorkspace ws = Workspace(1200000, 12.5, enabled: false);
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20");

            Assert.All(statuses, s => Assert.Equal(BudgetState.Disabled, s.State));
            Assert.Contains(ps.Warnings, w => w.Message.Contains("disabled"));
            Assert.True((bool)ps.RunClean("Test-TokenBudget -Date 2026-11-20 -Quiet").Single().BaseObject);
            Assert.Contains(ps.Warnings, w => w.Message.Contains("disabled"));
        }

        [Fact]
        public void Session_OpenSessionEstimate_ShouldUseCcConfigThresholdsAndFlagAutoBundle()
        {
            using TempWorkspace ws = Workspace(0, 0, extraConfig: ",\n        \"budgetSession\": 28000,\n        \"budgetSessionUsd\": 1");
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"SESSION-2026-11-23-091500\", \"started_at\": \"2026-11-23T09:15:00Z\","
                + " \"tokens\": { \"input_estimated\": 16540, \"output_estimated\": 8933, \"total_estimated\": 25473 }, \"estimated_cost_usd\": 0.1836 }");
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Session -Date 2026-11-23");

            Assert.Empty(ps.Errors);
            TokenBudgetStatus t = statuses.Single(s => s.Unit == BudgetUnit.Tokens);
            Assert.Equal(25473, t.Used);
            Assert.Equal(BudgetState.Critical, t.State);
            Assert.True(t.AutoBundle);
            Assert.Equal("SESSION-2026-11-23-091500", t.SessionId);
            Assert.Equal("OpenSession", t.Source);
            Assert.Equal(UsagePrecision.Estimated, t.Precision);
            TokenBudgetStatus u = statuses.Single(s => s.Unit == BudgetUnit.Usd);
            Assert.Equal(BudgetState.Ok, u.State);
            Assert.False(u.AutoBundle);
        }

        [Fact]
        public void Daily_OpenSessionNotYetCaptured_ShouldAddItsEstimateToTheDay()
        {
            using TempWorkspace ws = Workspace(600000, 6);
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"SESSION-2026-11-20-150000\", \"started_at\": \"2026-11-20T15:00:00Z\","
                + " \"tokens\": { \"input_estimated\": 1000, \"output_estimated\": 500, \"total_estimated\": 1500 }, \"estimated_cost_usd\": 0.01 }");
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus t = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000").Single();

            Assert.Equal(601500, t.Used);
            Assert.Equal("DailyFiles,OpenSession", t.Source);
        }

        [Fact]
        public void NamedPeriod_WithoutAnyLimit_ShouldWriteBudgetNotConfigured()
        {
            using TempWorkspace ws = Workspace(600000, 6);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Test-TokenBudget -Period Session -Date 2026-11-20");

            ErrorRecord e = ps.SingleError("BudgetNotConfigured,RlmTokens.Cmdlets.TestTokenBudgetCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(BudgetPeriod.Session, e.TargetObject);
        }

        [Fact]
        public void NoConfig_AtAll_ShouldWarnAndPassQuiet()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.True((bool)ps.RunClean("Test-TokenBudget -Quiet").Single().BaseObject);
            Assert.Contains(ps.Warnings, w => w.Message.Contains("No budget is configured"));
        }

        [Fact]
        public void Samples_Workspace_ShouldWarnOnAlertThresholdOfDailyTokens()
        {
            using var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-22");

            TokenBudgetStatus daily = statuses.Single(s => s.Period == BudgetPeriod.Daily);
            Assert.Equal(1036667 + 54161, daily.Used); // the day's captured sessions plus the Copilot record of the token log
            Assert.Equal("TokenLog,DailyFiles", daily.Source);
            Assert.Equal(UsagePrecision.Mixed, daily.Precision);
            Assert.Equal(BudgetState.Warning, daily.State); // 22 % of the budget, but above alertThreshold (1,000,000)
        }
    }
}
