using System;
using System.Collections.Generic;
using System.Linq;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    public sealed class TranscriptReportTests
    {
        private static UsageEntry E(string utc, string model = "claude-sonnet-4-6", long output = 100, string project = "-home-dev-a", string session = "s1", bool sidechain = false, string? agent = null) =>
            new UsageEntry
            {
                Timestamp = DateTime.Parse(utc, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal),
                Model = model,
                OutputTokens = output,
                InputTokens = 10,
                CacheReadTokens = 1000,
                Project = project,
                Cwd = "/home/dev/" + project,
                SessionId = session,
                IsSidechain = sidechain,
                AgentId = agent,
                GitBranch = "main",
            };

        [Fact]
        public void Build_ByBlock_ShouldStartAtTheHourAndSplitAfterFiveHoursOrAGap()
        {
            UsageEntry[] entries =
            {
                E("2026-09-01T10:17:00Z"), E("2026-09-01T14:59:00Z"),   // block 10:00-15:00
                E("2026-09-01T15:01:00Z"),                               // past 15:00: new block at 15:00
                E("2026-09-01T23:30:00Z"),                               // gap > 5h: new block at 23:00
            };
            TranscriptReportResult r = TranscriptReport.Build(entries, new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn);
            Assert.Equal(new[] { "2026-09-01 10:00", "2026-09-01 15:00", "2026-09-01 23:00" }, r.Rows.Select(x => x.GroupKey));
            Assert.Equal(2, r.Rows[0].RecordCount);
            Assert.Equal(new DateTime(2026, 9, 1, 15, 0, 0), r.Rows[0].End);
        }

        [Fact]
        public void Build_ByDayInNamedZone_ShouldUseThatZonesDayBoundaries()
        {
            TimeZoneInfo tokyo = TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo");
            UsageEntry[] entries = { E("2026-09-01T14:00:00Z"), E("2026-09-01T16:00:00Z") }; // 23:00 and 01:00 in Tokyo
            Assert.Single(TranscriptReport.Build(entries, new TranscriptUsageQuery { TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn).Rows);
            TranscriptReportResult r = TranscriptReport.Build(entries, new TranscriptUsageQuery { TimeZone = tokyo }, PriceTable.BuiltIn);
            Assert.Equal(new[] { "2026-09-01", "2026-09-02" }, r.Rows.Select(x => x.GroupKey));
            TranscriptUsageQuery since = new TranscriptUsageQuery { TimeZone = tokyo, Since = new DateTime(2026, 9, 2) };
            Assert.Equal("2026-09-02", TranscriptReport.Build(entries, since, PriceTable.BuiltIn).Rows.Single().GroupKey);
            TranscriptUsageQuery until = new TranscriptUsageQuery { TimeZone = tokyo, Until = new DateTime(2026, 9, 1) };
            Assert.Equal("2026-09-01", TranscriptReport.Build(entries, until, PriceTable.BuiltIn).Rows.Single().GroupKey);
        }

        [Fact]
        public void Build_ByWeekMonthAgentAndProjectFilter_ShouldGroupAndFilter()
        {
            UsageEntry[] entries =
            {
                E("2026-09-06T12:00:00Z"), E("2026-09-07T12:00:00Z", project: "-home-dev-b"),
                E("2026-10-01T12:00:00Z", sidechain: true, agent: "a1"),
            };
            TranscriptUsageQuery week = new TranscriptUsageQuery { GroupBy = UsageGrouping.Week, TimeZone = TimeZoneInfo.Utc };
            Assert.Equal(new[] { "2026-08-31", "2026-09-07", "2026-09-28" }, TranscriptReport.Build(entries, week, PriceTable.BuiltIn).Rows.Select(x => x.GroupKey));
            TranscriptUsageQuery month = new TranscriptUsageQuery { GroupBy = UsageGrouping.Month, TimeZone = TimeZoneInfo.Utc };
            Assert.Equal(new[] { "2026-09", "2026-10" }, TranscriptReport.Build(entries, month, PriceTable.BuiltIn).Rows.Select(x => x.GroupKey));
            TranscriptUsageQuery agent = new TranscriptUsageQuery { GroupBy = UsageGrouping.Agent, TimeZone = TimeZoneInfo.Utc };
            Assert.Equal(new[] { "main", "a1" }, TranscriptReport.Build(entries, agent, PriceTable.BuiltIn).Rows.Select(x => x.GroupKey));
            TranscriptUsageQuery project = new TranscriptUsageQuery { GroupBy = UsageGrouping.Project, TimeZone = TimeZoneInfo.Utc };
            project.Projects.Add("*DEV-B");
            TranscriptUsageRow only = TranscriptReport.Build(entries, project, PriceTable.BuiltIn).Rows.Single();
            Assert.Equal("-home-dev-b", only.GroupKey);
            Assert.Equal("-home-dev-b", only.Project);
            Assert.Equal(UsagePrecision.Exact, only.Precision);
            Assert.Equal(1110, only.TotalTokens);
        }

        [Fact]
        public void Build_WithUnknownModel_ShouldMarkCostUnknownNotZero()
        {
            UsageEntry[] entries = { E("2026-09-01T10:00:00Z", model: "mystery-1"), E("2026-09-02T10:00:00Z"), E("2026-09-02T11:00:00Z", model: "mystery-1") };
            TranscriptReportResult r = TranscriptReport.Build(entries, new TranscriptUsageQuery { TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn);
            Assert.Null(r.Rows[0].CostUsd);
            Assert.False(r.Rows[0].CostKnown);
            Assert.False(r.Rows[1].CostKnown);
            Assert.True(r.Rows[1].CostUsd > 0);
            Assert.Equal("claude-sonnet-4-6, mystery-1", r.Rows[1].Models);
            Assert.Equal(new[] { "mystery-1" }, r.UnknownModels);
        }
    }
}
