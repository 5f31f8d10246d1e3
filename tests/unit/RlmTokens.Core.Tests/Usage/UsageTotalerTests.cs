using System;
using System.Collections.Generic;
using RlmTokens.Errors;
using RlmTokens.Usage;

namespace RlmTokens.Core.Tests.Usage
{
    public sealed class UsageTotalerTests
    {
        private static void Add(UsageTotaler t, Dictionary<string, object?> row) =>
            t.Add(row.ContainsKey, name => row.TryGetValue(name, out object? v) ? v : null, row);

        private static Dictionary<string, object?> Row(long total, object? cost = null, object? precision = null, long input = 0, long cacheRead = 0) =>
            new Dictionary<string, object?>
            {
                ["InputTokens"] = input, ["OutputTokens"] = 0L, ["CacheCreationTokens"] = 0L, ["CacheReadTokens"] = cacheRead,
                ["TotalTokens"] = total, ["CostUsd"] = cost, ["Precision"] = precision,
            };

        [Fact]
        public void Add_RowsOfEveryShape_ShouldSumTokensCostsAndPrecisions()
        {
            var t = new UsageTotaler();
            Add(t, Row(100, 0.1, UsagePrecision.Exact, input: 40, cacheRead: 60));
            Add(t, Row(200, 0.2m, "Exact"));
            Assert.Equal((2L, 40L, 60L, 300L), (t.Total.RowCount, t.Total.InputTokens, t.Total.CacheReadTokens, t.Total.TotalTokens));
            // No cost, no precision: neither changes; no split (a daily history row): the split is unknown, not 0.
            Add(t, new Dictionary<string, object?> { ["TotalTokens"] = "300" });

            TokenUsageTotal total = t.Total;
            Assert.Equal((3L, null, null, 600L), (total.RowCount, total.InputTokens, total.CacheReadTokens, total.TotalTokens));
            Assert.Null(total.OutputTokens);
            Assert.Null(total.CacheCreationTokens);
            Assert.Equal(0.3m, total.CostUsd); // decimal: no 0.30000000000000004
            Assert.True(total.CostKnown);
            Assert.Equal(UsagePrecision.Exact, total.Precision);
        }

        [Fact]
        public void Add_AnUnknownCostAndMixedPrecisions_ShouldSaySo()
        {
            var t = new UsageTotaler();
            Add(t, Row(10, null, UsagePrecision.Exact));
            Assert.Null(t.Total.CostUsd);
            Assert.False(t.Total.CostKnown);
            Add(t, Row(10, 1.5, UsagePrecision.Estimated));
            Assert.Equal(1.5m, t.Total.CostUsd);
            Assert.False(t.Total.CostKnown);
            Assert.Equal(UsagePrecision.Mixed, t.Total.Precision);
        }

        [Fact]
        public void Add_ARowWithoutTotalTokens_ShouldBeRefusedAsNotAUsageRow()
        {
            var t = new UsageTotaler();
            var e = Assert.Throws<InvalidArgumentException>(() => Add(t, new Dictionary<string, object?> { ["Used"] = 5L }));
            Assert.Equal("NotAUsageRow", e.ErrorId);
            Assert.Equal(0, t.Total.RowCount);
        }

        [Theory]
        [InlineData(-1L)]
        [InlineData(1.5)]
        [InlineData("twelve")]
        [InlineData(double.NaN)]
        [InlineData(true)]
        public void Add_ATokenCountThatIsNoCount_ShouldBeRefusedWithNothingAdded(object bad)
        {
            var t = new UsageTotaler();
            Add(t, Row(7));
            var e = Assert.Throws<InvalidArgumentException>(() => Add(t, new Dictionary<string, object?> { ["TotalTokens"] = 1L, ["InputTokens"] = bad }));
            Assert.Equal("UsageValueNotValid", e.ErrorId);
            Assert.Equal((1L, 7L, 0L), (t.Total.RowCount, t.Total.TotalTokens, t.Total.InputTokens));
        }

        [Theory]
        [InlineData("lots")]
        [InlineData(double.PositiveInfinity)]
        [InlineData(1e300)]
        public void Add_ACostThatIsNoNumber_ShouldBeRefused(object bad)
        {
            var t = new UsageTotaler();
            var e = Assert.Throws<InvalidArgumentException>(() => Add(t, Row(1, bad)));
            Assert.Equal("UsageValueNotValid", e.ErrorId);
            Assert.Null(t.Total.CostUsd);
        }

        [Fact]
        public void Add_SumsPastLongMaxValue_ShouldBeRefusedNotWrapped()
        {
            var t = new UsageTotaler();
            Add(t, Row(long.MaxValue));
            var e = Assert.Throws<InvalidArgumentException>(() => Add(t, Row(1)));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal(long.MaxValue, t.Total.TotalTokens);
            Assert.Equal(1, t.Total.RowCount);
        }
    }
}
