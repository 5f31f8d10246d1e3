using System;
using System.Globalization;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    public sealed class ProjectFilterWarningTests
    {
        private static UsageEntry E(string project, string day) => new UsageEntry
        {
            Timestamp = DateTime.Parse(day, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal),
            Model = "claude-sonnet-4-6",
            OutputTokens = 100,
            Project = project,
            Cwd = "/home/dev/work/" + project.Substring(project.LastIndexOf('-') + 1),
            SessionId = "s-" + project,
        };

        private static readonly UsageEntry[] Entries =
        {
            E("-home-dev-work-billing", "2026-09-01T10:00:00Z"),
            E("-home-dev-work-web", "2026-09-02T10:00:00Z"),
        };

        private static TranscriptReportResult Build(DateTime? since, params string[] projects)
        {
            var query = new TranscriptUsageQuery { TimeZone = TimeZoneInfo.Utc, Since = since };
            foreach (string p in projects) { query.Projects.Add(p); }
            return TranscriptReport.Build(Entries, query, PriceTable.BuiltIn);
        }

        [Fact]
        public void ReportWarnings_WithAPlainNameThatMatchesNothing_ShouldSuggestTheWildcardAndListTheProjects()
        {
            TranscriptReportResult r = Build(null, "billing");

            Assert.Empty(r.Rows);
            Assert.Equal(new[] { "billing" }, r.UnmatchedProjects);
            string warning = Assert.Single(TranscriptUsage.ReportWarnings(r));
            Assert.Contains("try -Project '*billing*'", warning);
            Assert.Contains("2 project(s): -home-dev-work-billing, -home-dev-work-web.", warning);
            Assert.NotEmpty(Build(null, "*billing*").Rows);
        }

        [Fact]
        public void ReportWarnings_WithAWildcardThatMatchesNothing_ShouldNotSuggestItAgain()
        {
            string warning = Assert.Single(TranscriptUsage.ReportWarnings(Build(null, "*payments*")));

            Assert.StartsWith("-Project '*payments*' matches no project name or folder.", warning);
            Assert.DoesNotContain("try", warning);
        }

        [Theory]
        [InlineData("*billing*")]
        [InlineData("/home/dev/work/billing")]
        [InlineData("-home-dev-work-web")]
        public void ReportWarnings_WithAPatternThatMatchesANameOrFolder_ShouldSayNothing_EvenWhenTheDatesLeaveNoRow(string pattern)
        {
            // The billing project has no entry after 2026-09-01: the empty result is the dates', not the pattern's.
            TranscriptReportResult r = Build(new DateTime(2026, 9, 3), pattern);

            Assert.Empty(r.Rows);
            Assert.Empty(r.UnmatchedProjects);
            Assert.Empty(TranscriptUsage.ReportWarnings(r));
        }
    }
}
