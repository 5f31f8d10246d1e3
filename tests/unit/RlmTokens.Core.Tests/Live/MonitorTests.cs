using System;
using System.Collections.Generic;
using System.Linq;
using RlmTokens.Live;
using RlmTokens.Pricing;

namespace RlmTokens.Core.Tests.Live
{
    public sealed class MonitorTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 9, 2, 12, 30, 0, TimeSpan.Zero);

        private static UsageEntry Entry(string utc, long input, string model = "claude-sonnet-4-5") => new UsageEntry
        {
            Timestamp = DateTime.SpecifyKind(DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal), DateTimeKind.Utc),
            Model = model,
            MessageId = Guid.NewGuid().ToString("N"),
            RequestId = Guid.NewGuid().ToString("N"),
            Project = "-work-demo",
            InputTokens = input,
        };

        // The figures Python's statistics.quantiles(data, n=10)[8] gives.
        [Theory]
        [InlineData(new long[] { 50_000, 90_000 }, 118_000.0)]
        [InlineData(new long[] { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 }, 9.9)]
        [InlineData(new long[] { 230_000, 45_000, 100_000, 50_000, 60_000 }, 282_000.0)]
        [InlineData(new long[] { 10, 20, 30 }, 36.0)]
        [InlineData(new long[] { 7 }, 7.0)]
        public void Percentile90_OfValues_ShouldEqualPythonsExclusiveQuantile(long[] values, double expected)
        {
            Assert.Equal(expected, MonitorLimits.Percentile90(values), 9);
        }

        [Fact]
        public void Learn_WithBlocksThatHitALimit_ShouldUseOnlyThoseAndNeverGoBelowPro()
        {
            // 50,000 and 90,000 came within 95% of 44k and 88k; 30,000 did not and is left out.
            Assert.Equal(118_000, MonitorLimits.Learn(new long[] { 50_000, 90_000, 30_000 }));
            // None hit a limit: all count, and the result is raised to Pro's 44,000.
            Assert.Equal(44_000, MonitorLimits.Learn(new long[] { 10, 20, 30 }));
            Assert.Null(MonitorLimits.Learn(new long[] { 0 }));
            Assert.Null(MonitorLimits.Learn(Array.Empty<long>()));
        }

        [Fact]
        public void Build_WithEntriesAfterNow_ShouldIgnoreThem()
        {
            var entries = new List<UsageEntry>
            {
                Entry("2026-09-02T10:20:00Z", 10_000),
                Entry("2026-09-02T11:50:00Z", 20_000),
                Entry("2026-09-02T13:00:00Z", 1_000_000),
            };
            TokenMonitorFrame f = MonitorCalculator.Build(entries, Now, new MonitorSettings { Plan = MonitorPlan.Max5, TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn, out _);
            Assert.Equal(30_000, f.BlockTokens);
            Assert.Equal(30_000, f.TodayTokens);
            Assert.Equal(88_000, f.TokenLimit);
            Assert.Equal(200, f.TokensPerMinute, 9);
            // 58,000 left at 200 a minute: 290 minutes, after the reset at 15:00.
            Assert.Null(f.LimitReachedAt);
            Assert.Equal(MonitorLimitSource.Default, MonitorCalculator.Build(entries, Now, new MonitorSettings { TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn, out _).LimitSource);
        }

        [Fact]
        public void Build_CustomPlanWithoutLimit_ShouldThrow()
        {
            Assert.Throws<ArgumentException>(() => MonitorCalculator.Build(new List<UsageEntry>(), Now, new MonitorSettings { Plan = MonitorPlan.Custom }, PriceTable.BuiltIn, out _));
        }

        [Fact]
        public void Render_WithoutColor_ShouldHoldNoEscapeAndFitTheWidth()
        {
            var entries = new List<UsageEntry> { Entry("2026-09-02T10:20:00Z", 10_000), Entry("2026-09-02T11:50:00Z", 20_000, "claude-haiku-4-5") };
            TokenMonitorFrame f = MonitorCalculator.Build(entries, Now, new MonitorSettings { Plan = MonitorPlan.Pro, TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn, out _);
            IReadOnlyList<string> plain = MonitorRenderer.Render(f, 60, color: false);
            Assert.All(plain, l => Assert.DoesNotContain('\u001b', l));
            Assert.All(plain, l => Assert.True(l.Length < 60, l));
            Assert.Contains(plain, l => l.StartsWith("Burn     200 tokens/min", StringComparison.Ordinal));
            Assert.Contains(MonitorRenderer.Render(f, 120, color: true), l => l.Contains("\u001b[", StringComparison.Ordinal));
        }
    }
}
