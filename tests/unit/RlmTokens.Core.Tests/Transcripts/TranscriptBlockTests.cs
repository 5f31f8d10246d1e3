using System;
using System.Linq;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>Blocks as ccusage's blocks report shows them: the active one, its burn rate and projection, a token limit.</summary>
    public sealed class TranscriptBlockTests
    {
        private static UsageEntry Out(string utc, long output) => new UsageEntry
        {
            Timestamp = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
            Model = "claude-sonnet-4-6",   // $15 per million output tokens
            OutputTokens = output,
            SessionId = "s",
            Project = "p",
        };

        private static readonly UsageEntry[] Entries =
        {
            Out("2026-09-01T08:10:00Z", 1000), Out("2026-09-01T09:40:00Z", 3000),   // block 08:00-13:00, 4000 tokens
            Out("2026-09-01T14:20:00Z", 600), Out("2026-09-01T14:50:00Z", 1200),    // block 14:00-19:00, 1800 tokens
        };

        private static TranscriptUsageQuery Blocks(string now) =>
            new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc, Now = DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture) };

        [Fact]
        public void Build_ByBlockAtNow_ShouldMarkTheActiveBlockWithItsBurnRateAndProjection()
        {
            var rows = TranscriptReport.Build(Entries, Blocks("2026-09-01T15:30:00Z"), PriceTable.BuiltIn).Rows;

            Assert.Equal(new[] { false, true }, rows.Select(r => r.IsActive));
            Assert.Null(rows[0].TokensPerMinute);
            TranscriptUsageRow active = rows[1];
            // 1800 tokens from 14:20 to 14:50: 60 a minute; 210 minutes to 19:00: 1800 + 60 x 210.
            Assert.Equal(210, active.MinutesLeft);
            Assert.Equal(60, active.TokensPerMinute);
            Assert.Equal(14_400, active.ProjectedTokens);
            // $0.027 in 30 minutes: $0.054 an hour, $0.027 + 7 x $0.027 by the end.
            Assert.Equal(0.054m, active.CostPerHourUsd!.Value, 9);
            Assert.Equal(0.216m, active.ProjectedCostUsd!.Value, 9);
            Assert.Null(active.TokenLimit);
        }

        [Fact]
        public void Build_ByBlockWithMaxOrNumberLimit_ShouldMeasureEachBlockAgainstIt()
        {
            TranscriptUsageQuery max = Blocks("2026-09-01T15:30:00Z");
            max.TokenLimitFromMax = true;
            var rows = TranscriptReport.Build(Entries, max, PriceTable.BuiltIn).Rows;
            Assert.All(rows, r => Assert.Equal(4000, r.TokenLimit));
            Assert.Equal(new double?[] { 100, 45 }, rows.Select(r => r.PercentOfLimit));
            Assert.Equal(360, rows[1].ProjectedPercentOfLimit);

            TranscriptUsageQuery number = Blocks("2026-09-01T15:30:00Z");
            number.TokenLimit = 10_000;
            number.ActiveOnly = true;
            TranscriptUsageRow only = Assert.Single(TranscriptReport.Build(Entries, number, PriceTable.BuiltIn).Rows);
            Assert.Equal(("2026-09-01 14:00", 18.0, 144.0), (only.GroupKey, only.PercentOfLimit!.Value, only.ProjectedPercentOfLimit!.Value));
        }

        [Fact]
        public void Build_ByBlockAfterItsEndOrWithoutNow_ShouldHaveNoActiveBlock()
        {
            Assert.DoesNotContain(TranscriptReport.Build(Entries, Blocks("2026-09-01T19:00:00Z"), PriceTable.BuiltIn).Rows, r => r.IsActive);
            TranscriptUsageQuery noNow = new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc };
            Assert.DoesNotContain(TranscriptReport.Build(Entries, noNow, PriceTable.BuiltIn).Rows, r => r.IsActive);
            // One response only: active, but no rate to project from.
            TranscriptUsageRow single = TranscriptReport.Build(new[] { Out("2026-09-01T14:20:00Z", 5) }, Blocks("2026-09-01T14:30:00Z"), PriceTable.BuiltIn).Rows.Single();
            Assert.True(single.IsActive);
            Assert.Equal((270.0, (double?)null, (long?)null), (single.MinutesLeft!.Value, single.TokensPerMinute, single.ProjectedTokens));
        }
    }
}
