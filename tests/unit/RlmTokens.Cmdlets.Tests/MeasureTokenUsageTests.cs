using System.IO;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Measure-TokenUsage: the total line of a report, from real rows of a copy of samples/.</summary>
    public sealed class MeasureTokenUsageTests
    {
        private static TempWorkspace Samples() => Capture.Samples();

        [Fact]
        public void MeasureTokenUsage_OfTheWeek_ShouldEqualTheDailyRowsSums()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            TokenUsageTotal total = ps.RunAs<TokenUsageTotal>("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Measure-TokenUsage").Single();
            var days = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22");

            Assert.Equal(7, total.RowCount);
            Assert.Equal(days.Sum(d => d.TotalTokens), total.TotalTokens);
            Assert.Equal(4_253_333, total.TotalTokens);
            // Daily rows carry no split: the total shows it as unknown, not as 0 input and 0 output.
            Assert.Equal(new long?[] { null, null, null, null }, new[] { total.InputTokens, total.OutputTokens, total.CacheCreationTokens, total.CacheReadTokens });
            Assert.Equal(38.28m, decimal.Round(total.CostUsd!.Value, 2));
            Assert.Equal(UsagePrecision.Estimated, total.Precision);
        }

        [Fact]
        public void MeasureTokenUsage_OfModelRows_ShouldEqualTheDayRowsTotal()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            const string Read = "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -NoCache -TimeZone UTC";
            TokenUsageTotal byModel = ps.RunAs<TokenUsageTotal>(Read + " -GroupBy Model | Measure-TokenUsage").Single();
            TokenUsageTotal byDay = ps.RunAs<TokenUsageTotal>(Read + " | Measure-TokenUsage").Single();

            Assert.Equal(4, byModel.RowCount);
            Assert.Equal((byDay.InputTokens, byDay.OutputTokens, byDay.CacheCreationTokens, byDay.CacheReadTokens, byDay.TotalTokens),
                (byModel.InputTokens, byModel.OutputTokens, byModel.CacheCreationTokens, byModel.CacheReadTokens, byModel.TotalTokens));
            Assert.Equal(byModel.InputTokens + byModel.OutputTokens + byModel.CacheCreationTokens + byModel.CacheReadTokens, byModel.TotalTokens);
            Assert.Equal(UsagePrecision.Exact, byModel.Precision);
            Assert.True(byModel.CostKnown);
        }

        [Fact]
        public void MeasureTokenUsage_OnScreen_ShouldShowATotalHeadingAndStayOutOfExports()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            string csv = Path.Combine(ws.Root, "days.csv");
            string screen = string.Concat(ps.RunClean(
                "$days = Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22; $days | Export-Csv -LiteralPath $args[0]; " +
                "$days | Measure-TokenUsage | Out-String -Width 80", csv).Select(o => o.ToString()));

            Assert.Contains("Total: 7 rows", screen);
            Assert.Contains("4,253,333", screen);
            Assert.Equal(8, File.ReadAllLines(csv).Length); // the header and seven days: no total row
        }

        [Fact]
        public void MeasureTokenUsage_OfObjectsThatAreNotUsage_ShouldWriteNotAUsageRowAndSumTheRest()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var output = ps.Run("@((Test-TokenBudget -Date 2026-11-22 -WarningAction SilentlyContinue)[0]; [pscustomobject]@{ TotalTokens = 5; CostUsd = '0.25' }; [pscustomobject]@{ TotalTokens = -3 }) | Measure-TokenUsage");

            TokenUsageTotal total = Assert.IsType<TokenUsageTotal>(Assert.Single(output).BaseObject);
            Assert.Equal((1L, 5L, 0.25m), (total.RowCount, total.TotalTokens, total.CostUsd!.Value));
            Assert.Equal(2, ps.Errors.Count);
            Assert.Equal("NotAUsageRow,RlmTokens.Cmdlets.MeasureTokenUsageCommand", ps.Errors[0].FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, ps.Errors[0].CategoryInfo.Category);
            Assert.IsType<TokenBudgetStatus>(ps.Errors[0].TargetObject);
            Assert.Equal("UsageValueNotValid,RlmTokens.Cmdlets.MeasureTokenUsageCommand", ps.Errors[1].FullyQualifiedErrorId);
        }

        [Fact]
        public void MeasureTokenUsage_OfNothing_ShouldReturnAnEmptyTotal()
        {
            using var ps = new PowerShellHost();
            TokenUsageTotal total = ps.RunAs<TokenUsageTotal>("@() | Measure-TokenUsage").Single();
            Assert.Equal((0L, 0L), (total.RowCount, total.TotalTokens));
            Assert.Null(total.CostUsd);
            Assert.Null(total.Precision);
        }
    }
}
