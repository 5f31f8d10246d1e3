using System;
using System.IO;
using System.Linq;
using RlmTokens.Capture;
using RlmTokens.Errors;

namespace RlmTokens.Core.Tests
{
    public sealed class CostOutputParserTests
    {
        private static string Fixture(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "cost", name));

        [Fact]
        public void Parse_ClassicBlock_ShouldReadCompoundDurationsAndLines()
        {
            CostReport r = CostOutputParser.Parse(Fixture("classic.txt"));

            Assert.Equal(0.55m, r.CostUsd, 6);
            Assert.Equal(379.7, r.ApiDurationSeconds!.Value, 6);
            Assert.Equal(23590.2, r.WallDurationSeconds!.Value, 6);
            Assert.Equal(12, r.LinesAdded);
            Assert.Equal(3, r.LinesRemoved);
            Assert.Empty(r.Models);
            Assert.Empty(r.Warnings);
        }

        [Fact]
        public void Parse_PerModelBlock_ShouldKeepEachModelsTokensAndCost()
        {
            CostReport r = CostOutputParser.Parse(Fixture("per-model.txt"));

            Assert.Equal(1234.56m, r.CostUsd, 6);
            Assert.Equal(3723.5, r.ApiDurationSeconds!.Value, 6);
            Assert.Equal(93600, r.WallDurationSeconds!.Value, 6);
            Assert.Equal(1, r.LinesAdded);
            Assert.Equal(1024, r.LinesRemoved);
            Assert.Equal(2, r.Models.Count);
            ModelUsage sonnet = r.Models.Single(m => m.Model == "claude-sonnet-4-6");
            Assert.Equal(1200, sonnet.InputTokens);
            Assert.Equal(5300, sonnet.OutputTokens);
            Assert.Equal(940000, sonnet.CacheReadTokens);
            Assert.Equal(50000, sonnet.CacheWriteTokens);
            Assert.Equal(1234.54m, sonnet.CostUsd!.Value, 6);
            ModelUsage haiku = r.Models.Single(m => m.Model == "claude-haiku-4-5");
            Assert.Equal(12300, haiku.InputTokens);
            Assert.Equal(1000, haiku.OutputTokens);
            Assert.Empty(r.Warnings);
        }

        [Theory]
        [InlineData("6h 33m 10.2s", 23590.2)]
        [InlineData("19.7s", 19.7)]
        [InlineData("0s", 0)]
        [InlineData("1d 2h", 93600)]
        [InlineData("850ms", 0.85)]
        [InlineData("2m", 120)]
        public void ParseDuration_WithCompoundForms_ShouldSumSeconds(string text, double seconds)
        {
            Assert.Equal(seconds, CostOutputParser.ParseDuration(text)!.Value, 6);
        }

        [Theory]
        [InlineData("6x 19s")]
        [InlineData("soon")]
        [InlineData("5m and a bit")]
        [InlineData("")]
        public void ParseDuration_WithGarbage_ShouldBeNull(string text) => Assert.Null(CostOutputParser.ParseDuration(text));

        [Theory]
        [InlineData("1.2", "k", 1200)]
        [InlineData("940.0", "k", 940000)]
        [InlineData("1.5", "m", 1500000)]
        [InlineData("1,234", null, 1234)]
        public void ParseCount_WithSuffixes_ShouldScale(string number, string? suffix, long expected) =>
            Assert.Equal(expected, CostOutputParser.ParseCount(number, suffix));

        [Theory]
        [InlineData("", "CostOutputEmpty")]
        [InlineData("   \r\n  \n", "CostOutputEmpty")]
        [InlineData("Total duration (API): 6m 19.7s\nTotal code changes: 1 line added", "CostTotalMissing")]
        [InlineData("Hello, this is not /cost output", "CostTotalMissing")]
        [InlineData("Total cost: free", "InvalidCostValue")]
        [InlineData("Total cost: $-1.00", "InvalidCostValue")]
        [InlineData("Total cost: 0.55", "InvalidCostValue")]
        [InlineData("Total cost: $1,23.4", "InvalidCostValue")]
        [InlineData("Total cost: $0.55\nTotal cost: $0.75", "ConflictingCostTotals")]
        public void Parse_MalformedOutput_ShouldThrowWithStableId(string text, string errorId)
        {
            InvalidCostOutputException e = Assert.Throws<InvalidCostOutputException>(() => CostOutputParser.Parse(text));
            Assert.Equal(errorId, e.ErrorId);
            Assert.False(string.IsNullOrWhiteSpace(e.Message));
        }

        [Theory]
        [InlineData("Total cost: $0.55\nTotal duration (API): 6x 19.7s", "duration")]
        [InlineData("Total cost: $0.55\nTotal duration (wall): a while", "duration")]
        [InlineData("Total cost: $0.55\nTotal code changes: many lines", "code changes")]
        [InlineData("Total cost: $0.55\nUsage by model:\n  claude-x: lots of input ($0.55)", "model line")]
        [InlineData("Total cost: $0.55\nUsage by model:\n", "Usage by model")]
        [InlineData("Total cost: $0.55\nUsage by model:\n  claude-x: 1k input, 2k output ($9.00)", "add up")]
        public void Parse_GarbledSecondaryLine_ShouldWarnAndKeepTheTotal(string text, string fragment)
        {
            CostReport r = CostOutputParser.Parse(text);

            Assert.Equal(0.55m, r.CostUsd, 6);
            string warning = Assert.Single(r.Warnings);
            Assert.Contains(fragment, warning);
        }

        [Fact]
        public void Parse_SameTotalTwice_ShouldAcceptIt()
        {
            CostReport r = CostOutputParser.Parse("Total cost: $0.55\nTotal cost: $0.55");
            Assert.Equal(0.55m, r.CostUsd, 6);
        }

        [Fact]
        public void Parse_NoCodeChanges_ShouldBeZero()
        {
            CostReport r = CostOutputParser.Parse("Total cost: $0.0000\nTotal code changes: 0 lines added, 0 lines removed");
            Assert.Equal(0, r.LinesAdded);
            Assert.Equal(0, r.LinesRemoved);
        }
    }
}
