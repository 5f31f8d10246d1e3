using System;
using System.Globalization;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RlmTokens.Errors;
using RlmTokens.Ledger;
using RlmTokens.Pricing;
using Xunit;

namespace RlmTokens.Core.Tests.Ledger
{
    public sealed class LedgerRowsTests
    {
        private static UsageEntry Entry(string? messageId, string? requestId) => new UsageEntry
        {
            Timestamp = new DateTime(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc),
            Model = "claude-sonnet-4-5-20250929",
            MessageId = messageId,
            RequestId = requestId,
            SessionId = "claude-session",
            Cwd = "/home/ann/shop",
            GitBranch = "main",
            InputTokens = 10,
            OutputTokens = 200,
            CacheCreationTokens = 1000,
            CacheReadTokens = 20000,
        };

        [Fact]
        public void FromTranscript_SameResponseOnTwoMachines_ShouldHaveOneKeyAndKeepWhoSynced()
        {
            var a = LedgerRows.FromTranscript(Entry("msg_1", "req_1"), PriceTable.BuiltIn, new LedgerIdentity("ann", "box-a"));
            var b = LedgerRows.FromTranscript(Entry("msg_1", "req_1"), PriceTable.BuiltIn, new LedgerIdentity("bob", "box-b"));
            Assert.Equal(a.RowKey, b.RowKey);
            Assert.Equal("transcript:msg_1:req_1", a.RowKey);
            Assert.Equal(("ann", "box-a", "shop", 21210L), (a.User, a.Machine, a.Project, a.TotalTokens));
            Assert.NotEqual(LedgerRows.TranscriptKey(Entry("msg_1", "req_2")), a.RowKey);
        }

        [Fact]
        public void FromTranscript_WithAnRlmAlias_ShouldBookTheRlmSession()
        {
            var row = LedgerRows.FromTranscript(Entry("m", "r"), PriceTable.BuiltIn, new LedgerIdentity("ann", "a"),
                new Dictionary<string, string> { ["claude-session"] = "SESSION-2026-11-02-080000" });
            Assert.Equal("SESSION-2026-11-02-080000", row.SessionId);
        }

        [Fact]
        public void FromTranscript_WithoutIds_ShouldKeyByContentSoTheSameLineMatches()
        {
            string k1 = LedgerRows.TranscriptKey(Entry(null, null));
            Assert.Equal(k1, LedgerRows.TranscriptKey(Entry(null, null)));
            UsageEntry other = Entry(null, null);
            other.OutputTokens = 201;
            Assert.NotEqual(k1, LedgerRows.TranscriptKey(other));
        }

        [Fact]
        public void FromTranscript_UnknownModel_ShouldCostZeroAndSayEstimated()
        {
            UsageEntry e = Entry("m", "r");
            e.Model = "no-such-model-xyz";
            var row = LedgerRows.FromTranscript(e, PriceTable.BuiltIn, new LedgerIdentity("ann", "a"));
            Assert.Equal((0m, UsagePrecision.Estimated, UsagePrecision.Exact), (row.CostUsd, row.CostPrecision, row.Precision));
        }

        [Theory]
        [InlineData("-0.01")]
        [InlineData("1000000000000")]
        [InlineData("79228162514264337593543950335")]
        public void Usd_NotAReasonableAmount_ShouldBeNumberOutOfRange(string usd)
        {
            var e = Assert.Throws<InvalidArgumentException>(() => LedgerRows.Usd(decimal.Parse(usd, CultureInfo.InvariantCulture)));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }

        [Fact]
        public void Usd_ShouldRoundToTheNanoDollar() => Assert.Equal(0.123456789m, LedgerRows.Usd(0.1234567894m));

        [Theory]
        [InlineData("2026-11-04", UsageGrouping.Day, "2026-11-04")]
        [InlineData("2026-11-04", UsageGrouping.Week, "2026-11-02")]
        [InlineData("2026-11-08", UsageGrouping.Week, "2026-11-02")]
        [InlineData("2026-11-09", UsageGrouping.Week, "2026-11-09")]
        [InlineData("2026-11-30", UsageGrouping.Month, "2026-11")]
        public void FoldDay_ShouldGiveTheWeeksMondayOrTheMonth(string day, UsageGrouping by, string expected) =>
            Assert.Equal(expected, LedgerStore.FoldDay(day, by));

        [Fact]
        public void FromExportFile_JsonArrayWithBomAndABareObject_ShouldReadEveryValidRow()
        {
            using var dir = new TempDir();
            string one = "{\"RowKey\":\"log:a\",\"Source\":\"log\",\"Timestamp\":\"2026-11-02T09:00:00+02:00\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"InputTokens\":5,\"TotalTokens\":5,\"CostUsd\":1.5}";
            string path = dir.Write("rows.json", "\uFEFF" + one);
            var problems = new List<RlmTokensException>();
            LedgerUsageRow row = LedgerRows.FromExportFile(path, problems).Single();
            Assert.Empty(problems);
            Assert.Equal((LedgerSource.Log, new DateTimeOffset(2026, 11, 2, 7, 0, 0, TimeSpan.Zero), 1.5m), (row.Source, row.Timestamp, row.CostUsd));
        }

        [Fact]
        public void FromExportFile_NumbersAsStrings_ShouldBeReadAndNonNumbersRefused()
        {
            using var dir = new TempDir();
            string path = dir.Write("rows.jsonl",
                "{\"RowKey\":\"log:a\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"TotalTokens\":\"1234\",\"CostUsd\":\"0.5\"}\n"
                + "{\"RowKey\":\"log:b\",\"Source\":\"Log\",\"Timestamp\":\"2026-11-02T09:00:00Z\",\"User\":\"ann\",\"Machine\":\"m\",\"Agent\":\"codex\",\"TotalTokens\":\"12.5\"}\n");
            var problems = new List<RlmTokensException>();
            LedgerUsageRow row = LedgerRows.FromExportFile(path, problems).Single();
            Assert.Equal((1234L, 0.5m), (row.TotalTokens, row.CostUsd));
            Assert.Equal("LedgerInputInvalid", Assert.Single(problems).ErrorId);
        }

        [Fact]
        public void FromExportFile_Missing_ShouldBeFileNotFound()
        {
            using var dir = new TempDir();
            var e = Assert.Throws<DataFileNotFoundException>(() => LedgerRows.FromExportFile(Path.Combine(dir.Root, "none.jsonl"), new List<RlmTokensException>()).ToList());
            Assert.Equal("FileNotFound", e.ErrorId);
        }
    }
}
