using System;
using System.Collections.Generic;
using System.Data.Common;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using RlmTokens.Errors;
using RlmTokens.Ledger;
using Xunit;

namespace RlmTokens.Core.Tests.Ledger
{
    /// <summary>LedgerStore on a real SQLite file (the drivers from ledger/ beside RlmTokens.Core.dll, in their own load context).</summary>
    public sealed class LedgerStoreTests : IDisposable
    {
        private readonly TempDir _dir = new TempDir();

        public void Dispose() => _dir.Dispose();

        private LedgerTarget Target => LedgerTarget.Sqlite(Path.Combine(_dir.Root, "team.db"));

        private static LedgerUsageRow Row(string key, DateTimeOffset at, long tokens, decimal cost, string? session = null, LedgerSource source = LedgerSource.Log) => new LedgerUsageRow
        {
            RowKey = key, Source = source, Timestamp = at, User = "ann", Machine = "a", Agent = "codex", SessionId = session,
            TotalTokens = tokens, OutputTokens = tokens, CostUsd = cost, Precision = UsagePrecision.Exact, CostPrecision = UsagePrecision.Exact,
        };

        private long Scalar(string sql)
        {
            using DbConnection c = LedgerDrivers.Create(LedgerEngine.Sqlite, Target.ConnectionString);
            c.Open();
            using DbCommand cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(cmd.ExecuteScalar());
        }

        private void Execute(string sql)
        {
            using DbConnection c = LedgerDrivers.Create(LedgerEngine.Sqlite, Target.ConnectionString);
            c.Open();
            using DbCommand cmd = c.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }

        [Fact]
        public void Open_TwiceAndFromFourThreadsAtOnce_ShouldApplyEachMigrationOnce()
        {
            Parallel.For(0, 4, _ => { using LedgerStore s = LedgerStore.Open(Target, readOnly: false); });
            using (LedgerStore s = LedgerStore.Open(Target, readOnly: false)) { Assert.Equal(2, s.SchemaVersion); }
            Assert.Equal(2, Scalar("SELECT COUNT(*) FROM schema_version"));
            Assert.Equal(3, Scalar("SELECT SUM(version) FROM schema_version"));
        }

        [Fact]
        public void Open_ALedgerOfANewerSchema_ShouldBeLedgerSchemaTooNew()
        {
            using (LedgerStore.Open(Target, readOnly: false)) { }
            Execute("INSERT INTO schema_version (version, description, applied_at) VALUES (99, 'future', '2030-01-01T00:00:00.0000000Z')");
            var e = Assert.Throws<LedgerSchemaTooNewException>(() => LedgerStore.Open(Target, readOnly: false));
            Assert.Equal("LedgerSchemaTooNew", e.ErrorId);
        }

        [Fact]
        public void Write_SameKeys_ShouldSkipThemAndALaterCaptureShouldReplaceTheEarlier()
        {
            var t0 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            using LedgerStore s = LedgerStore.Open(Target, readOnly: false);
            LedgerSyncResult first = s.Write(LedgerSource.Log, "test", new[] { Row("a", t0, 10, 0.1m), Row("b", t0, 20, 0.2m), Row("a", t0, 10, 0.1m) }, 2, false, default);
            Assert.Equal((3L, 2L, 0L, 1L), (first.Read, first.Added, first.Updated, first.Skipped));
            LedgerSyncResult second = s.Write(LedgerSource.CostCapture, "test", new[] { Row("b", t0.AddHours(1), 25, 0.3m), Row("a", t0, 99, 9m) }, 1, false, default);
            Assert.Equal((0L, 1L, 1L), (second.Added, second.Updated, second.Skipped));
            LedgerUsageGroup total = s.Report(new LedgerFilter(), UsageGrouping.User).Single();
            Assert.Equal((35L, 0.4m, 2L), (total.TotalTokens, total.CostUsd, total.RecordCount));
        }

        [Fact]
        public void Report_ASessionWithTranscriptAndEstimateRows_ShouldCountOnlyItsBestSource()
        {
            var t0 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            using LedgerStore s = LedgerStore.Open(Target, readOnly: false);
            s.Write(null, "test", new[]
            {
                Row("t1", t0, 100, 1m, "S1", LedgerSource.Transcript), Row("t2", t0, 50, 0.5m, "S1", LedgerSource.Transcript),
                Row("e1", t0, 7000, 3m, "S1", LedgerSource.Estimate), Row("c1", t0, 9000, 4m, "S2", LedgerSource.CostCapture),
                Row("e2", t0, 8000, 2m, "S2", LedgerSource.Estimate), Row("l1", t0, 5, 0.01m),
            }, 100, false, default);
            var bySession = s.Report(new LedgerFilter(), UsageGrouping.Session).ToDictionary(g => g.GroupKey, g => g.TotalTokens);
            Assert.Equal(new Dictionary<string, long> { ["(none)"] = 5, ["S1"] = 150, ["S2"] = 9000 }, bySession);
            Assert.Equal(6, s.ReadRows(new LedgerFilter()).Count());
        }

        [Fact]
        public void Write_ACostPastTheNanoDollarRange_ShouldBeNumberOutOfRangeAndWriteNothingOfTheBatch()
        {
            var t0 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
            using LedgerStore s = LedgerStore.Open(Target, readOnly: false);
            var e = Assert.Throws<InvalidArgumentException>(() => s.Write(LedgerSource.Log, "test", new[] { Row("ok", t0, 1, 1m), Row("huge", t0, 1, 79_000_000_000_000_000m) }, 10, false, default));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal(0, Scalar("SELECT COUNT(*) FROM usage_row"));
        }

        [Fact]
        public void Open_ReadOnlyAMissingFile_ShouldReadEmptyAndCreateNothing()
        {
            using LedgerStore s = LedgerStore.Open(Target, readOnly: true);
            Assert.Empty(s.Report(new LedgerFilter(), UsageGrouping.Day));
            Assert.False(File.Exists(Target.File));
        }
    }
}
