using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using Xunit;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// <see cref="TrackerLogCorpus"/> against the log's reader and Add-TokenUsage's engine, and
    /// <see cref="BadInputCorpus.Damaged"/> with a metrics.json against the engine's metrics update:
    /// records kept or reported one by one, no other exception, files left as they were unless updated.
    /// </summary>
    [Trait("Suite", "BadInput")]
    public sealed class BadInputCorpusTrackerLogTests
    {
        private static readonly Dictionary<string, BadLog> Logs = TrackerLogCorpus.Cases().ToDictionary(c => c.Name);

        private static readonly Dictionary<string, BadFile> Metrics = BadInputCorpus.Damaged(TrackerLogCorpus.ValidMetrics).ToDictionary(c => "metrics.json: " + c.Name);

        public static IEnumerable<object[]> LogCases => Logs.Keys.Select(k => new object[] { k });

        public static IEnumerable<object[]> MetricsCases => Metrics.Keys.Select(k => new object[] { k });

        private static string Put(Scratch s, string name, byte[] bytes)
        {
            string path = Path.Combine(s.Workspace.ProgressFolder, name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        [Theory]
        [MemberData(nameof(LogCases))]
        public void Read_WithTrackerLogCase_ShouldKeepEachReadableRecordAndReportTheRest(string name)
        {
            BadLog c = Logs[name];
            using var s = new Scratch();
            string path = Put(s, "token-usage.log", c.Bytes);
            var before = s.Snapshot();

            Outcome<IReadOnlyList<TokenUsageLogRecord>> read = new TokenUsageLog(s.Tracker()).Read();

            Assert.Equal(c.Totals, read.Value.Select(r => r.TotalTokens).ToArray());
            Assert.Equal(c.UnknownCosts, read.Value.Count(r => r.CostUsd is null));
            Assert.Equal(c.Problems, read.Problems.Count);
            Assert.All(read.Problems, p => Assert.Equal(("CorruptDataFile", path), (p.ErrorId, p.Target as string)));
            Assert.Equal(before, s.Snapshot());
        }

        [Theory]
        [MemberData(nameof(LogCases))]
        public void Append_ToTrackerLogCase_ShouldAddOneReadableRecordAndKeepTheBytesBefore(string name)
        {
            BadLog c = Logs[name];
            using var s = new Scratch();
            string path = Put(s, "token-usage.log", c.Bytes);
            var log = new TokenUsageLog(s.Tracker());

            log.Append(log.Build(new UsageEntryRequest { InputTokens = 7, OutputTokens = 3, Agent = "copilot", Branch = "main" }), default);

            Outcome<IReadOnlyList<TokenUsageLogRecord>> read = log.Read();
            Assert.Equal(c.Totals.Concat(new long[] { 10 }).ToArray(), read.Value.Select(r => r.TotalTokens).ToArray());
            Assert.Equal(c.Bytes, File.ReadAllBytes(path).Take(c.Bytes.Length).ToArray());
        }

        [Theory]
        [MemberData(nameof(MetricsCases))]
        public void Append_WithBadMetricsJson_ShouldUpdateItOrLeaveItIntactAndStillLog(string name)
        {
            BadFile c = Metrics[name];
            using var s = new Scratch();
            string path = Put(s, "metrics.json", c.Bytes);
            var log = new TokenUsageLog(s.Tracker());

            Outcome<TokenUsageLogRecord> added = log.Append(log.Build(new UsageEntryRequest { InputTokens = 7, OutputTokens = 3, Agent = "implementation-agent", Task = "TASK-9" }), updateMetrics: true, default);

            Assert.Single(log.Read().Value);
            Assert.Empty(Directory.EnumerateFiles(s.Workspace.ProgressFolder, "*.tmp"));
            Assert.Empty(Directory.EnumerateFiles(s.Workspace.ProgressFolder, "*.corrupt-*"));
            if (c.Expect == Expect.Tolerated)
            {
                Assert.Empty(added.Problems);
                byte[] bytes = File.ReadAllBytes(path);
                using JsonDocument doc = JsonDocument.Parse(bytes.AsMemory(bytes.Length >= 3 && bytes[0] == 0xEF ? 3 : 0));
                JsonElement usage = doc.RootElement.GetProperty("tokenUsage");
                bool emptyObject = c.Name == "empty object";
                Assert.Equal(emptyObject ? 10 : 20, usage.GetProperty("total").GetInt64());
                Assert.Equal(10, usage.GetProperty("byTask").GetProperty("TASK-9").GetInt64());
                if (!emptyObject) { Assert.True(usage.GetProperty("rlm_extra").GetProperty("kept").GetBoolean()); }
            }
            else
            {
                Assert.Equal(c.Bytes, File.ReadAllBytes(path));
                if (c.Expect == Expect.Corrupt)
                {
                    RlmTokensException e = Assert.Single(added.Problems);
                    Assert.Equal(("CorruptDataFile", path), (e.ErrorId, e.Target as string));
                }
                else
                {
                    Assert.Empty(added.Problems);
                }
            }
        }
    }
}
