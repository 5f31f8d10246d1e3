using System;
using System.IO;
using System.Linq;
using RlmTokens.Capture;
using RlmTokens.Errors;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// Malformed /cost text and usage requests with huge or non-finite numbers: a report with a warning
    /// or the project's own exception, never OverflowException or the serializer's ArgumentException.
    /// </summary>
    [Trait("Suite", "BadInput")]
    public sealed class CaptureBadInputTests
    {
        private static readonly string Huge = new string('9', 400);

        [Theory]
        [InlineData("hello world", "CostTotalMissing")]
        [InlineData("Total cost: $abc", "InvalidCostValue")]
        [InlineData("Total cost: -$5", "InvalidCostValue")]
        [InlineData("Total cost: $1e999", "InvalidCostValue")]
        [InlineData("Total cost: $1.00\nTotal cost: $2.00", "ConflictingCostTotals")]
        [InlineData(" \n\t ", "CostOutputEmpty")]
        [InlineData("\u0000\u0001\u001b[31m", "CostTotalMissing")]
        [InlineData("Total cost: $HUGE", "InvalidCostValue")]
        public void CostOutputParser_WithMalformedText_ShouldThrowItsOwnError(string text, string errorId)
        {
            var e = Assert.Throws<InvalidCostOutputException>(() => CostOutputParser.Parse(text.Replace("HUGE", Huge + ".5", StringComparison.Ordinal)));
            Assert.Equal(errorId, e.ErrorId);
        }

        [Theory]
        [InlineData("Total cost: $1.00\nTotal duration (API): HUGEd")]
        [InlineData("Total cost: $1.00\nTotal duration (API): 99999999999999999999999999d")]
        [InlineData("Total cost: $1.00\nTotal code changes: HUGE lines added, 1 lines removed")]
        [InlineData("Total cost: $1.00\nTotal code changes: 1 lines added, 99999999999999999999 lines removed")]
        [InlineData("Total cost: $1.00\nUsage by model:\n  claude: HUGEk input, 1 output ($1.00)")]
        [InlineData("Total cost: $1.00\nUsage by model:\n  claude: 99999999999999999999999999b input, 1 output ($1.00)")]
        [InlineData("Total cost: $1.00\nUsage by model:\n  claude: 1 input, 1 output ($HUGE)")]
        public void CostOutputParser_WithHugeNumbersBesideTheTotal_ShouldWarnNotCrash(string text)
        {
            CostReport report = CostOutputParser.Parse(text.Replace("HUGE", Huge, StringComparison.Ordinal));
            Assert.Equal(1.00m, report.CostUsd);
            // The unreadable part is reported as a warning, or (a per-model cost) left unknown.
            Assert.True(report.Warnings.Count > 0 || report.Models.All(m => m.CostUsd is null), string.Join(" | ", report.Warnings));
        }

        [Fact]
        public void TokenUsageLog_WithAPricePastDecimalsRange_ShouldThrowNumberOutOfRange()
        {
            // A costPerToken so large that tokens times it overflow decimal: checked, the out-of-range error.
            using var s = new Scratch();
            Directory.CreateDirectory(Path.GetDirectoryName(s.Workspace.ConfigFile)!);
            File.WriteAllText(s.Workspace.ConfigFile, "{\"tokenTracking\":{\"costPerToken\":{\"m-input\":7.9e27}}}");
            var log = new TokenUsageLog(s.Tracker());
            var e = Assert.Throws<InvalidArgumentException>(() => log.Build(new UsageEntryRequest { InputTokens = 1_000, Model = "m" }));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }

        [Fact]
        public void TokenUsageLog_WithCountsThatOverflow_ShouldThrowNumberOutOfRange()
        {
            using var s = new Scratch();
            var log = new TokenUsageLog(s.Tracker());
            var e = Assert.Throws<InvalidArgumentException>(() => log.Build(new UsageEntryRequest { InputTokens = long.MaxValue, OutputTokens = 5 }));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }
    }
}
