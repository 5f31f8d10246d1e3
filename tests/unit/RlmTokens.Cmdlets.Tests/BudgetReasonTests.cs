using System.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>A budget's Warning, Critical or Exceeded state names the threshold that caused it, in the warning and in Reason.</summary>
    public sealed class BudgetReasonTests
    {
        [Theory]
        [InlineData("", BudgetState.Warning, "at or above the daily alert threshold of 1,000,000 tokens (tokenTracking.alertThreshold")]
        [InlineData("-Period Daily -Limit 2000000", BudgetState.Warning, "at or above the warning threshold, 50 % of the limit (token_reporting.warning_threshold")]
        [InlineData("-Period Daily -Limit 1200000", BudgetState.Critical, "at or above the critical threshold, 75 % of the limit (token_reporting.critical_threshold")]
        [InlineData("-Period Daily -Limit 1000000", BudgetState.Exceeded, "at or above the limit of 1,000,000 Tokens (from parameter)")]
        public void DailyState_ShouldNameTheThresholdThatCausedIt(string limit, BudgetState state, string reason)
        {
            using TempWorkspace ws = Capture.Samples();
            using var ps = new PowerShellHost(ws.Root);
            ps.Run("[System.Threading.Thread]::CurrentThread.CurrentCulture = 'en-US'");

            TokenBudgetStatus daily = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-22 " + limit)
                .Single(s => s.Period == BudgetPeriod.Daily && s.Unit == BudgetUnit.Tokens);

            Assert.Equal(state, daily.State);
            Assert.StartsWith(reason, daily.Reason);
            string warning = Assert.Single(ps.Warnings, w => w.Message.StartsWith("Daily Tokens budget")).Message;
            Assert.EndsWith(", " + state + " (Mixed): " + daily.Reason + ".", warning);
        }

        [Fact]
        public void OkState_ShouldHaveNoReason()
        {
            using TempWorkspace ws = Capture.Samples();
            using var ps = new PowerShellHost(ws.Root);

            TokenBudgetStatus monthly = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-22 -Period Monthly").Single();

            Assert.Equal(BudgetState.Ok, monthly.State);
            Assert.Null(monthly.Reason);
            Assert.Empty(ps.Warnings);
        }
    }
}
