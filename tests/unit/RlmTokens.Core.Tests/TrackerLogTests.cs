using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using RlmTokens.Budgets;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Storage;
using Xunit;

namespace RlmTokens.Core.Tests
{
    /// <summary>
    /// RLM's real token-tracker.sh files (Fixtures/rlm/tracker, written by the script itself): the log as
    /// it writes it, metrics.json kept as it keeps it, and budgets that count both without counting twice.
    /// </summary>
    public sealed class TrackerLogTests
    {
        private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 20, 18, 0, 0, TimeSpan.Zero);
        private const string Log = "RLM/progress/token-usage.log";
        private const string Metrics = "RLM/progress/metrics.json";

        internal static byte[] Fixture(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "Fixtures", "rlm", "tracker", name));

        private static void Put(ScratchWorkspace ws, string relative, byte[] bytes)
        {
            string path = Path.Combine(ws.Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllBytes(path, bytes);
        }

        private static byte[] Crlf(byte[] lf) => Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(lf).Replace("\n", "\r\n"));

        private static Outcome<IReadOnlyList<TokenUsageLogRecord>> ReadLog(ScratchWorkspace ws, byte[] bytes)
        {
            Put(ws, Log, bytes);
            return new TokenUsageLog(ws.Tracker(At)).Read();
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Read_PricedTrackerLog_ShouldReadBcNumbersAndSkipInitsEmptyArray(bool crlf)
        {
            using var ws = new ScratchWorkspace();
            byte[] bytes = Fixture("token-usage.priced.log");

            var read = ReadLog(ws, crlf ? Crlf(bytes) : bytes);

            Assert.Empty(read.Problems);
            Assert.Equal(new long[] { 15000, 1500, 120 }, read.Value.Select(r => r.TotalTokens).ToArray());
            Assert.Equal(new decimal?[] { 0.081m, 0.06m, 0.0006m }, read.Value.Select(r => r.CostUsd).ToArray());
            Assert.Equal(new[] { "implementation-agent", "testing-agent", "implementation-agent" }, read.Value.Select(r => r.Agent).ToArray());
            Assert.Equal(42, read.Value[0].DurationSeconds);
            Assert.All(read.Value, r => Assert.Equal(UsagePrecision.Estimated, r.Precision));
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Read_UnpricedTrackerLog_ShouldKeepEachRecordWithAnUnknownCost(bool crlf)
        {
            using var ws = new ScratchWorkspace();
            byte[] bytes = Fixture("token-usage.unpriced.log");
            Assert.Contains("\"cost\": ,", Encoding.UTF8.GetString(bytes), StringComparison.Ordinal);

            var read = ReadLog(ws, crlf ? Crlf(bytes) : bytes);

            Assert.Empty(read.Problems);
            Assert.Equal(new long[] { 15000, 1500, 120 }, read.Value.Select(r => r.TotalTokens).ToArray());
            Assert.All(read.Value, r => Assert.Null(r.CostUsd));
            Assert.Equal(new long[] { 12000, 1000, 100 }, read.Value.Select(r => r.InputTokens).ToArray());
        }

        [Fact]
        public void Read_InitHeadAlone_ShouldBeAnEmptyLogWithoutProblem()
        {
            using var ws = new ScratchWorkspace();

            var read = ReadLog(ws, Encoding.UTF8.GetBytes("[]\n"));

            Assert.Empty(read.Value);
            Assert.Empty(read.Problems);
        }

        [Fact]
        public void Read_TornLastRecord_ShouldKeepTheOthersAndReportOneCorruptRecord()
        {
            using var ws = new ScratchWorkspace();
            string text = Encoding.UTF8.GetString(Fixture("token-usage.unpriced.log"));
            // A record cut right after "cost": (the script killed mid-append).
            string torn = text.Substring(0, text.LastIndexOf("\"cost\": ,", StringComparison.Ordinal) + "\"cost\": ".Length);

            var read = ReadLog(ws, Encoding.UTF8.GetBytes(torn));

            Assert.Equal(new long[] { 15000, 1500 }, read.Value.Select(r => r.TotalTokens).ToArray());
            RlmTokensException p = Assert.Single(read.Problems);
            Assert.Equal("CorruptDataFile", p.ErrorId);
        }

        [Theory]
        [InlineData("{\"cost\": -.5}", "{\"cost\": -0.5}")]
        [InlineData("{\"cost\": .081000, \"n\": [.5, -.25]}", "{\"cost\": 0.081000, \"n\": [0.5, -0.25]}")]
        [InlineData("{\"cost\": ,\n  \"duration\": \n}", "{\"cost\": null,\n  \"duration\": \nnull}")]
        [InlineData("{\"note\": \"x: .5, y: ,\", \"cost\": 1.5}", "{\"note\": \"x: .5, y: ,\", \"cost\": 1.5}")]
        [InlineData("{\"note\": \"a \\\" : ,\", \"cost\": 0.5}", "{\"note\": \"a \\\" : ,\", \"cost\": 0.5}")]
        [InlineData("{\"v\": 1.5, \"w\": 10.25}", "{\"v\": 1.5, \"w\": 10.25}")]
        [InlineData("{\"cost\": .}", "{\"cost\": .}")]
        public void RepairTrackerQuirks_ShouldFixBashAndBcOutputOutsideStringsOnly(string input, string expected)
        {
            byte[] repaired = TokenUsageLog.RepairTrackerQuirks(Encoding.UTF8.GetBytes(input));

            Assert.Equal(expected, Encoding.UTF8.GetString(repaired));
        }

        [Fact]
        public void Read_NegativeBcCost_ShouldReadItAsWritten()
        {
            using var ws = new ScratchWorkspace();

            var read = ReadLog(ws, Encoding.UTF8.GetBytes("[]\n{\n  \"date\": \"2026-11-20\",\n  \"tokens\": {\n    \"input\": 10,\n    \"output\": 0,\n    \"total\": 10\n  },\n  \"cost\": -.500000,\n  \"duration\": \n}\n"));

            Assert.Empty(read.Problems);
            TokenUsageLogRecord r = Assert.Single(read.Value);
            Assert.Equal(-0.5m, r.CostUsd);
            Assert.Equal(0, r.DurationSeconds);
        }

        [Fact]
        public void Read_ArrayOfRecords_ShouldYieldEachObject()
        {
            using var ws = new ScratchWorkspace();

            var read = ReadLog(ws, Encoding.UTF8.GetBytes("[{\"tokens\": {\"total\": 1}}, {\"tokens\": {\"total\": 2}}]\n{\"tokens\": {\"total\": 3}}\n"));

            Assert.Empty(read.Problems);
            Assert.Equal(new long[] { 1, 2, 3 }, read.Value.Select(r => r.TotalTokens).ToArray());
        }

        // The three records token-tracker.sh logged for the fixtures, given to Add-TokenUsage's engine.
        private static readonly (string Task, string Agent, string Model, long In, long Out, decimal Cost, double Duration)[] ThreeRecords =
        {
            ("TASK-001", "implementation-agent", "claude-sonnet-4", 12000, 3000, 0.081m, 42),
            ("TASK-002", "testing-agent", "gpt-4", 1000, 500, 0.06m, 7),
            ("TASK-001", "implementation-agent", "claude-sonnet-4", 100, 20, 0.0006m, 3),
        };

        private static List<Outcome<TokenUsageLogRecord>> AppendThree(ScratchWorkspace ws)
        {
            var log = new TokenUsageLog(ws.Tracker(At));
            var outcomes = new List<Outcome<TokenUsageLogRecord>>();
            foreach (var r in ThreeRecords)
            {
                TokenLogEntry entry = log.Build(new UsageEntryRequest
                {
                    Task = r.Task, Agent = r.Agent, Model = r.Model, InputTokens = r.In, OutputTokens = r.Out, CostUsd = r.Cost,
                    DurationSeconds = r.Duration, Branch = "main", Timestamp = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero),
                });
                outcomes.Add(log.Append(entry, updateMetrics: true, default));
            }
            return outcomes;
        }

        [Fact]
        public void Append_WithRlmsMetricsJson_ShouldUpdateItByteForByteAsTokenTrackerDoes()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Metrics, Fixture("metrics.seed.json"));

            var outcomes = AppendThree(ws);

            Assert.All(outcomes, o => Assert.Empty(o.Problems));
            Assert.Equal(Encoding.UTF8.GetString(Fixture("metrics.after-three.json")), File.ReadAllText(Path.Combine(ws.Root, Metrics)));
            Assert.Equal(Fixture("metrics.after-three.json"), File.ReadAllBytes(Path.Combine(ws.Root, Metrics)));
        }

        [Fact]
        public void Append_WithBomCrlfMetricsAndUnknownProperties_ShouldKeepThemAndTheFileForm()
        {
            using var ws = new ScratchWorkspace();
            ws.Write(Metrics, "{\n  \"custom\": {\"kept\": [1, 2.50, \"x\"]},\n  \"tokenUsage\": {\"total\": 5, \"totalCost\": 0.5, \"dailyUsage\": {\"2026-11-19\": 5}, \"mine\": true},\n  \"agents\": {\"implementation-agent\": {\"status\": \"idle\", \"tokensUsed\": {\"total\": 1}}}\n}\n");

            AppendThree(ws);

            byte[] bytes = File.ReadAllBytes(Path.Combine(ws.Root, Metrics));
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3).ToArray());
            string text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
            Assert.DoesNotContain("\n", text.Replace("\r\n", string.Empty));
            using var doc = System.Text.Json.JsonDocument.Parse(text);
            var root = doc.RootElement;
            Assert.Equal("[1,2.50,\"x\"]", root.GetProperty("custom").GetProperty("kept").GetRawText().Replace(" ", string.Empty).Replace("\r\n", string.Empty));
            Assert.True(root.GetProperty("tokenUsage").GetProperty("mine").GetBoolean());
            Assert.Equal(16625, root.GetProperty("tokenUsage").GetProperty("total").GetInt64());
            Assert.Equal(5, root.GetProperty("tokenUsage").GetProperty("dailyUsage").GetProperty("2026-11-19").GetInt64());
            Assert.Equal(16620, root.GetProperty("tokenUsage").GetProperty("dailyUsage").GetProperty("2026-11-20").GetInt64());
            Assert.Equal(13100, root.GetProperty("tokenUsage").GetProperty("input").GetInt64());
            var agent = root.GetProperty("agents").GetProperty("implementation-agent");
            Assert.Equal("idle", agent.GetProperty("status").GetString());
            Assert.Equal(15121, agent.GetProperty("tokensUsed").GetProperty("total").GetInt64());
            Assert.Equal(0.0816, agent.GetProperty("tokensUsed").GetProperty("cost").GetDouble(), 10);
            Assert.Equal(1500, root.GetProperty("tokenUsage").GetProperty("byAgent").GetProperty("testing-agent").GetInt64());
            Assert.Equal(15120, root.GetProperty("tokenUsage").GetProperty("byTask").GetProperty("TASK-001").GetInt64());
        }

        [Fact]
        public void Append_WithCountShapedEntries_ShouldKeepTheirShape()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Metrics, Encoding.UTF8.GetBytes("{\"agents\": {\"testing-agent\": {\"tokensUsed\": 100, \"tasksCompleted\": 1}}, \"tokenUsage\": {\"dailyUsage\": {\"2026-11-20\": {\"total\": 3, \"sessions\": 1}}}}"));

            var outcomes = AppendThree(ws);

            Assert.All(outcomes, o => Assert.Empty(o.Problems));
            using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllBytes(Path.Combine(ws.Root, Metrics)));
            Assert.Equal(1600, doc.RootElement.GetProperty("agents").GetProperty("testing-agent").GetProperty("tokensUsed").GetInt64());
            var day = doc.RootElement.GetProperty("tokenUsage").GetProperty("dailyUsage").GetProperty("2026-11-20");
            Assert.Equal((16623L, 1L), (day.GetProperty("total").GetInt64(), day.GetProperty("sessions").GetInt64()));
        }

        [Fact]
        public void Append_WithoutMetricsJson_ShouldNotCreateIt()
        {
            using var ws = new ScratchWorkspace();

            AppendThree(ws);

            Assert.False(File.Exists(Path.Combine(ws.Root, Metrics)));
            Assert.Equal(3, new TokenUsageLog(ws.Tracker(At)).Read().Value.Count);
        }

        [Fact]
        public void Append_WithMetricsJsonEmptiedByJq_ShouldLeaveItAndLogTheRecord()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Log, Fixture("token-usage.unpriced.log"));
            Put(ws, Metrics, Array.Empty<byte>());

            var outcomes = AppendThree(ws);

            Assert.All(outcomes, o => Assert.Empty(o.Problems));
            Assert.Equal(0, new FileInfo(Path.Combine(ws.Root, Metrics)).Length);
            Assert.Equal(6, new TokenUsageLog(ws.Tracker(At)).Read().Value.Count);
        }

        [Theory]
        [InlineData("{\"tokenUsage\": ")]
        [InlineData("[1, 2]")]
        [InlineData("{\"tokenUsage\": {\"total\": \"many\"}}")]
        [InlineData("{\"agents\": []}")]
        [InlineData("{\"tokenUsage\": {\"byTask\": {\"TASK-001\": [3], \"TASK-002\": [1]}}}")]
        [InlineData("{\"agents\": {\"testing-agent\": {\"tokensUsed\": \"n/a\"}, \"implementation-agent\": {\"tokensUsed\": true}}}")]
        public void Append_WithMetricsJsonItCannotUpdate_ShouldLeaveItUnchangedReportAndStillLog(string content)
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Metrics, Encoding.UTF8.GetBytes(content));

            var outcomes = AppendThree(ws);

            Assert.All(outcomes, o => Assert.Equal("CorruptDataFile", Assert.Single(o.Problems).ErrorId));
            Assert.Equal(content, File.ReadAllText(Path.Combine(ws.Root, Metrics)));
            Assert.Equal(3, new TokenUsageLog(ws.Tracker(At)).Read().Value.Count);
        }

        [Fact]
        public void Append_WhenMetricsJsonCannotBeReplaced_ShouldChangeNeitherFile()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Log, Fixture("token-usage.priced.log"));
            Put(ws, Metrics, Fixture("metrics.seed.json"));
            string metrics = Path.Combine(ws.Root, Metrics);
            File.SetAttributes(metrics, FileAttributes.ReadOnly);
            try
            {
                var log = new TokenUsageLog(ws.Tracker(At));
                TokenLogEntry entry = log.Build(new UsageEntryRequest { Tokens = 10, Agent = "a" });

                var e = Assert.ThrowsAny<RlmTokensException>(() => log.Append(entry, updateMetrics: true, default));

                Assert.Equal("AccessDenied", e.ErrorId);
                Assert.Equal(Fixture("token-usage.priced.log"), File.ReadAllBytes(Path.Combine(ws.Root, Log)));
                Assert.Equal(Fixture("metrics.seed.json"), File.ReadAllBytes(metrics));
            }
            finally { File.SetAttributes(metrics, FileAttributes.Normal); }
        }

        [Fact]
        public void Append_WithoutMetricsUpdate_ShouldLeaveMetricsJsonAlone()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Metrics, Fixture("metrics.seed.json"));
            var log = new TokenUsageLog(ws.Tracker(At));

            log.Append(log.Build(new UsageEntryRequest { Tokens = 10, Agent = "a" }), updateMetrics: false, default);

            Assert.Equal(Fixture("metrics.seed.json"), File.ReadAllBytes(Path.Combine(ws.Root, Metrics)));
        }

        private static IReadOnlyList<TokenBudgetStatus> Daily(ScratchWorkspace ws, decimal limitTokens = 100000, decimal? limitUsd = null)
        {
            var checker = new BudgetChecker(ws.Tracker(At));
            var problems = new List<RlmTokensException>();
            var report = checker.Check(BudgetSettings.From(null, null), new BudgetRequest { LimitTokens = limitTokens, LimitUsd = limitUsd, Date = new DateTime(2026, 11, 20) }, problems);
            Assert.Empty(problems);
            return report.Statuses;
        }

        [Fact]
        public void Budget_PricedLogAndItsMetricsJson_ShouldCountEachRecordOnce()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Log, Fixture("token-usage.priced.log"));
            Put(ws, Metrics, Fixture("metrics.after-three.json"));

            var statuses = Daily(ws, limitUsd: 10);

            TokenBudgetStatus tokens = statuses.Single(s => s.Unit == BudgetUnit.Tokens);
            Assert.Equal(16620, tokens.Used);
            Assert.Equal("TokenLog", tokens.Source);
            Assert.Equal(0.1416m, statuses.Single(s => s.Unit == BudgetUnit.Usd).Used, 6);
        }

        [Fact]
        public void Budget_MetricsJsonAlone_ShouldCountItsDailyUsage()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Metrics, Fixture("metrics.after-three.json"));

            TokenBudgetStatus tokens = Daily(ws).Single();

            Assert.Equal(16620, tokens.Used);
            Assert.Equal("RlmMetrics", tokens.Source);
            Assert.Equal(UsagePrecision.Estimated, tokens.Precision);
        }

        [Fact]
        public void Budget_MetricsJsonAheadOfTheLog_ShouldAddOnlyWhatTheLogLacks()
        {
            using var ws = new ScratchWorkspace();
            string text = Encoding.UTF8.GetString(Fixture("token-usage.priced.log"));
            // The log lost its first record (rotated by hand); metrics.json still counts all three.
            int second = text.IndexOf("}\n{", StringComparison.Ordinal) + 2;
            Put(ws, Log, Encoding.UTF8.GetBytes("[]\n" + text.Substring(second)));
            Put(ws, Metrics, Fixture("metrics.after-three.json"));

            TokenBudgetStatus tokens = Daily(ws).Single();

            Assert.Equal(16620, tokens.Used);
            Assert.Equal("TokenLog,RlmMetrics", tokens.Source);
        }

        [Fact]
        public void Budget_UnpricedLog_ShouldCountTheTokensAndEstimateTheCost()
        {
            using var ws = new ScratchWorkspace();
            Put(ws, Log, Fixture("token-usage.unpriced.log"));
            Put(ws, Metrics, Array.Empty<byte>());

            var statuses = Daily(ws, limitUsd: 10);

            Assert.Equal(16620, statuses.Single(s => s.Unit == BudgetUnit.Tokens).Used);
            TokenBudgetStatus usd = statuses.Single(s => s.Unit == BudgetUnit.Usd);
            Assert.True(usd.Used > 0);
            Assert.Equal(UsagePrecision.Estimated, usd.Precision);
        }
    }
}
