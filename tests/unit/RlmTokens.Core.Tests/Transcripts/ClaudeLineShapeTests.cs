using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using RlmTokens.Capture;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>
    /// Claude Code line shapes past the plain assistant line: a usage line without a top-level type (as ccusage's
    /// fixtures and older writers have it), a progress line's agent_progress copy of a subagent response (used only
    /// when the subagent's own line is not there), and Claude Code 2.0's agent-*.jsonl files beside the session.
    /// Lines are built as Claude Code writes them; totals are worked out by hand.
    /// </summary>
    public sealed class ClaudeLineShapeTests : IDisposable
    {
        private const string Session = "5c0a1f2e-8d3b-4e6f-9a70-2b1c3d4e5f60";
        private const string Other = "77777777-8888-4999-aaaa-bbbbbbbbbbbb";
        private const string Agent = "a3f9c2e1b7d40568e";

        private readonly string _temp = Path.Combine(Path.GetTempPath(), "rlmtokens-shape-" + Guid.NewGuid().ToString("N").Substring(0, 8));
        private readonly string _project;

        public ClaudeLineShapeTests()
        {
            _project = Path.Combine(_temp, "projects", "-home-dev-shop");
            Directory.CreateDirectory(_project);
        }

        public void Dispose()
        {
            try { Directory.Delete(_temp, true); } catch (IOException) { }
        }

        // ---- line builders (field names and nesting as Claude Code writes them) ----

        private static string Usage(long input, long output, long cacheCreate, long cacheRead, string? speed = null) =>
            "{\"input_tokens\":" + input + ",\"cache_creation_input_tokens\":" + cacheCreate + ",\"cache_read_input_tokens\":" + cacheRead
            + ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":" + cacheCreate + ",\"ephemeral_1h_input_tokens\":0},\"output_tokens\":" + output
            + ",\"service_tier\":\"standard\"" + (speed is null ? string.Empty : ",\"speed\":\"" + speed + "\"") + "}";

        private static string Message(string id, string model, string usage) =>
            "{\"model\":\"" + model + "\",\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[{\"type\":\"text\",\"text\":\"done\"}],\"stop_reason\":\"end_turn\",\"stop_sequence\":null,\"usage\":" + usage + "}";

        internal static string Assistant(string session, string id, string req, string usage, string ts, bool sidechain = false, string? agentId = null, string model = "claude-sonnet-4-6") =>
            "{\"parentUuid\":\"0e6c2f7a-1111-4222-8333-944455556666\",\"isSidechain\":" + (sidechain ? "true" : "false") + ",\"userType\":\"external\",\"cwd\":\"/home/dev/shop\",\"sessionId\":\"" + session
            + "\",\"version\":\"2.0.76\",\"gitBranch\":\"main\"" + (agentId is null ? string.Empty : ",\"agentId\":\"" + agentId + "\"") + ",\"type\":\"assistant\",\"message\":" + Message(id, model, usage)
            + ",\"requestId\":\"" + req + "\",\"uuid\":\"" + Guid.NewGuid() + "\",\"timestamp\":\"" + ts + "\"}";

        /// <summary>ccusage's fixture shape: no top-level type, role assistant in the message.</summary>
        private static string Typeless(string id, string req, string usage, string ts) =>
            "{\"timestamp\":\"" + ts + "\",\"sessionId\":\"" + Session + "\",\"message\":{\"role\":\"assistant\",\"id\":\"" + id + "\",\"model\":\"claude-sonnet-4-6\",\"usage\":" + usage + "},\"requestId\":\"" + req + "\",\"version\":\"1.0.0\"}";

        /// <summary>A parent session's progress line carrying the subagent's assistant line in data.message.</summary>
        private static string Progress(string id, string req, string usage, string ts, bool dataFirst = false)
        {
            string data = "\"data\":{\"type\":\"agent_progress\",\"agentId\":\"" + Agent + "\",\"prompt\":\"\",\"message\":{\"type\":\"assistant\",\"timestamp\":\"" + ts
                + "\",\"message\":" + Message(id, "claude-haiku-4-5-20251001", usage) + ",\"requestId\":\"" + req + "\",\"uuid\":\"" + Guid.NewGuid() + "\"}}";
            string head = "\"parentUuid\":\"0e6c2f7a-1111-4222-8333-944455556666\",\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/dev/shop\",\"sessionId\":\"" + Session
                + "\",\"version\":\"2.1.20\",\"gitBranch\":\"main\",\"type\":\"progress\"";
            string tail = "\"toolUseID\":\"toolu_01AbCdEf\",\"parentToolUseID\":\"toolu_01AbCdEf\",\"uuid\":\"" + Guid.NewGuid() + "\",\"timestamp\":\"" + ts + "\"";
            return dataFirst ? "{" + data + "," + head + "," + tail + "}" : "{" + head + "," + data + "," + tail + "}";
        }

        private static string User(string session, string text) =>
            "{\"parentUuid\":null,\"isSidechain\":false,\"userType\":\"external\",\"cwd\":\"/home/dev/shop\",\"sessionId\":\"" + session + "\",\"version\":\"2.0.76\",\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":\"" + text + "\"},\"uuid\":\"" + Guid.NewGuid() + "\",\"timestamp\":\"2026-10-02T09:00:00.000Z\"}";

        private string Write(string relative, params string[] lines)
        {
            string path = Path.Combine(_project, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, string.Join("\n", lines) + "\n");
            return path;
        }

        private static TranscriptReadResult ReadFiles(IEnumerable<string> paths) =>
            TranscriptReader.Read(new TranscriptReadOptions { Files = paths.Select(p => new TranscriptFile(p, "-home-dev-shop")).ToList() });

        private static (long In, long Out, long Create, long Read, int Count) Sum(TranscriptReadResult r) =>
            (r.Entries.Sum(e => e.InputTokens), r.Entries.Sum(e => e.OutputTokens), r.Entries.Sum(e => e.CacheCreationTokens), r.Entries.Sum(e => e.CacheReadTokens), r.Entries.Count);

        // ---- lines without a type ----

        [Fact]
        public void Read_TypelessUsageLines_ShouldCountEachResponseOnce()
        {
            string main = Write(Session + ".jsonl",
                User(Session, "go"),
                Typeless("msg_T1", "req_T1", Usage(100, 20, 0, 0), "2026-10-02T09:00:01.000Z"),
                // The same response written again once streaming ended: one response, the larger usage.
                Typeless("msg_T1", "req_T1", Usage(100, 50, 0, 0), "2026-10-02T09:00:02.000Z"),
                Typeless("msg_T2", "req_T2", Usage(7, 3, 40, 900), "2026-10-02T09:00:03.000Z"),
                Assistant(Session, "msg_A1", "req_A1", Usage(1, 2, 3, 4), "2026-10-02T09:00:04.000Z"));

            TranscriptReadResult r = ReadFiles(new[] { main });

            // By hand: msg_T1 100/50/0/0 + msg_T2 7/3/40/900 + msg_A1 1/2/3/4.
            Assert.Equal((108L, 55L, 43L, 904L, 3), Sum(r));
            Assert.Equal(0, r.MalformedLines);
            UsageEntry t2 = r.Entries.Single(e => e.MessageId == "msg_T2");
            Assert.Equal(Session, t2.SessionId);
            Assert.Equal("claude-sonnet-4-6", t2.Model);
            Assert.False(t2.FromProgressCopy);
        }

        [Fact]
        public void Parse_LinesOfOtherTypesWithUsage_ShouldStillBeSkipped()
        {
            // A user line (a Task tool result can hold a usage object) and a summary are no responses.
            string userWithUsage = "{\"type\":\"user\",\"sessionId\":\"" + Session + "\",\"timestamp\":\"2026-10-02T09:00:00.000Z\",\"message\":{\"role\":\"user\",\"id\":\"msg_U\",\"usage\":" + Usage(5, 5, 0, 0) + "}}";
            string main = Write(Session + ".jsonl", userWithUsage, Typeless("msg_T1", "req_T1", Usage(1, 1, 0, 0), "2026-10-02T09:00:01.000Z"));

            TranscriptReadResult r = ReadFiles(new[] { main });

            Assert.Equal("msg_T1", Assert.Single(r.Entries).MessageId);
        }

        // ---- progress copies ----

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Read_ProgressCopyWithoutTheSubagentFile_ShouldCountTheCopyOnce(bool dataFirst)
        {
            string main = Write(Session + ".jsonl",
                Assistant(Session, "msg_P1", "req_P1", Usage(10, 20, 30, 40), "2026-10-02T09:00:00.000Z"),
                // Two progress copies of one subagent response (streamed, then final): one response, the larger.
                Progress("msg_S1", "req_S1", Usage(3, 1, 0, 500), "2026-10-02T09:00:05.000Z", dataFirst),
                Progress("msg_S1", "req_S1", Usage(3, 60, 0, 500), "2026-10-02T09:00:06.000Z", dataFirst),
                Progress("msg_S2", "req_S2", Usage(4, 9, 100, 0), "2026-10-02T09:00:07.000Z", dataFirst));

            TranscriptReadResult r = ReadFiles(new[] { main });

            // By hand: msg_P1 10/20/30/40 + msg_S1 3/60/0/500 + msg_S2 4/9/100/0.
            Assert.Equal((17L, 89L, 130L, 540L, 3), Sum(r));
            UsageEntry s1 = r.Entries.Single(e => e.MessageId == "msg_S1");
            Assert.True(s1.FromProgressCopy);
            Assert.True(s1.IsSidechain);
            Assert.Equal(Agent, s1.AgentId);
            Assert.Equal(Session, s1.SessionId);
            Assert.Equal("claude-haiku-4-5-20251001", s1.Model);
            Assert.Equal(new DateTime(2026, 10, 2, 9, 0, 6, DateTimeKind.Utc), s1.Timestamp);
            Assert.False(r.Entries.Single(e => e.MessageId == "msg_P1").FromProgressCopy);
        }

        [Theory]
        [InlineData(false)]
        [InlineData(true)]
        public void Read_ProgressCopyWithTheSubagentFile_ShouldCountTheSubagentLineOnlyInEitherOrder(bool subagentFirst)
        {
            string main = Write(Session + ".jsonl",
                Assistant(Session, "msg_P1", "req_P1", Usage(10, 20, 30, 40), "2026-10-02T09:00:00.000Z"),
                // The copy holds more output than the subagent's own line: the own line still wins.
                Progress("msg_S1", "req_S1", Usage(3, 999, 0, 500), "2026-10-02T09:00:06.000Z"),
                Progress("msg_S2", "req_S2", Usage(4, 9, 100, 0), "2026-10-02T09:00:07.000Z"));
            string sub = Write(Path.Combine(Session, "subagents", "agent-" + Agent + ".jsonl"),
                Assistant(Session, "msg_S1", "req_S1", Usage(3, 60, 0, 500), "2026-10-02T09:00:06.000Z", true, Agent, "claude-haiku-4-5-20251001"));

            TranscriptReadResult r = ReadFiles(subagentFirst ? new[] { sub, main } : new[] { main, sub });

            // By hand: msg_P1 10/20/30/40 + msg_S1 from the subagent file 3/60/0/500 + msg_S2 (copy only) 4/9/100/0.
            Assert.Equal((17L, 89L, 130L, 540L, 3), Sum(r));
            UsageEntry s1 = r.Entries.Single(e => e.MessageId == "msg_S1");
            Assert.False(s1.FromProgressCopy);
            Assert.Equal(sub, s1.SourceFile);
            Assert.True(r.Entries.Single(e => e.MessageId == "msg_S2").FromProgressCopy);
        }

        [Fact]
        public void Read_ProgressCopyThroughTheCache_ShouldYieldToTheSubagentFileOnceItAppears()
        {
            string cache = Path.Combine(_temp, "cache");
            string main = Write(Session + ".jsonl",
                Assistant(Session, "msg_P1", "req_P1", Usage(10, 20, 30, 40), "2026-10-02T09:00:00.000Z"),
                Progress("msg_S1", "req_S1", Usage(3, 999, 0, 500), "2026-10-02T09:00:06.000Z"));
            string sub = Path.Combine(_project, Session, "subagents", "agent-" + Agent + ".jsonl");

            // Read as reports read: by projects root, so the cache key stays when the subagent file appears.
            TranscriptReadResult ReadRoot()
            {
                TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = cache };
                o.ProjectRoots.Add(Path.Combine(_temp, "projects"));
                return TranscriptReader.Read(o);
            }

            TranscriptReadResult cold = ReadRoot();
            TranscriptReadResult warm = ReadRoot();
            Assert.Equal(1, warm.FilesFromCache);
            Assert.Equal((13L, 1019L, 30L, 540L, 2), Sum(cold));
            Assert.Equal(Sum(cold), Sum(warm));
            Assert.True(warm.Entries.Single(e => e.MessageId == "msg_S1").FromProgressCopy);

            Write(Path.Combine(Session, "subagents", "agent-" + Agent + ".jsonl"),
                Assistant(Session, "msg_S1", "req_S1", Usage(3, 60, 0, 500), "2026-10-02T09:00:06.000Z", true, Agent, "claude-haiku-4-5-20251001"));
            TranscriptReadResult both = ReadRoot();
            TranscriptReadResult bothWarm = ReadRoot();

            // The parent comes from the cache with its copy flagged; the subagent's own line replaces the copy.
            Assert.Equal(1, both.FilesFromCache);
            Assert.Equal(2, bothWarm.FilesFromCache);
            Assert.Equal((13L, 80L, 30L, 540L, 2), Sum(both));
            Assert.Equal(Sum(both), Sum(bothWarm));
            Assert.False(bothWarm.Entries.Single(e => e.MessageId == "msg_S1").FromProgressCopy);
            Assert.Equal(sub, bothWarm.Entries.Single(e => e.MessageId == "msg_S1").SourceFile);
        }

        [Fact]
        public void Parse_ProgressLinesThatCopyNoResponse_ShouldBeSkipped()
        {
            string hook = "{\"type\":\"progress\",\"sessionId\":\"" + Session + "\",\"timestamp\":\"2026-10-02T09:00:00.000Z\",\"data\":{\"type\":\"hook_progress\",\"hookEvent\":\"PostToolUse\",\"message\":{\"type\":\"assistant\",\"timestamp\":\"2026-10-02T09:00:00.000Z\",\"message\":" + Message("msg_H", "claude-sonnet-4-6", Usage(1, 1, 0, 0)) + ",\"requestId\":\"req_H\"}}}";
            string userCopy = "{\"type\":\"progress\",\"sessionId\":\"" + Session + "\",\"timestamp\":\"2026-10-02T09:00:00.000Z\",\"data\":{\"type\":\"agent_progress\",\"agentId\":\"" + Agent + "\",\"message\":{\"type\":\"user\",\"timestamp\":\"2026-10-02T09:00:00.000Z\",\"message\":{\"role\":\"user\",\"id\":\"msg_U\",\"usage\":" + Usage(1, 1, 0, 0) + "}}}}";
            var parser = new TranscriptLineParser();
            foreach (string line in new[] { hook, userCopy })
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                Assert.Equal(LineKind.Skip, parser.Parse(bytes, "p", null, out _));
                Assert.Equal(LineKind.Skip, parser.ParseWithReader(bytes, "p", null, out _));
            }
        }

        [Fact]
        public void Parse_ProgressCopyAndTypelessAndFastLines_ShouldAgreeBetweenTheScannerAndTheReader()
        {
            string[] lines =
            {
                Progress("msg_S1", "req_S1", Usage(3, 60, 0, 500), "2026-10-02T09:00:06.000Z"),
                Progress("msg_S1", "req_S1", Usage(3, 60, 0, 500), "2026-10-02T09:00:06.000Z", true),
                Typeless("msg_T1", "req_T1", Usage(100, 50, 0, 0), "2026-10-02T09:00:02.000Z"),
                Assistant(Session, "msg_F", "req_F", Usage(1, 2, 3, 4, "fast"), "2026-10-02T09:00:04.000Z", model: "claude-opus-4-6"),
                Assistant(Session, "msg_N", "req_N", Usage(1, 2, 3, 4, "standard"), "2026-10-02T09:00:04.000Z", model: "claude-opus-4-6"),
            };
            var fast = new TranscriptLineParser();
            var reader = new TranscriptLineParser();
            foreach (string line in lines)
            {
                byte[] bytes = Encoding.UTF8.GetBytes(line);
                LineFields f = default;
                var s = Enumerable.Range(0, 5).Select(_ => new RepeatedString()).ToArray();
                Assert.True(LineScanner.TryRead(bytes, ref f, out _, s[0], s[1], s[2], s[3], s[4]), "fell back on: " + line);
                Assert.Equal(LineKind.Usage, fast.Parse(bytes, "p", "f", out UsageEntry? a));
                Assert.Equal(LineKind.Usage, reader.ParseWithReader(bytes, "p", "f", out UsageEntry? b));
                Assert.Equal((a!.MessageId, a.RequestId, a.AgentId, a.SessionId, a.TotalTokens, a.Timestamp, a.FromProgressCopy, a.IsSidechain, a.Fast, a.Model),
                    (b!.MessageId, b.RequestId, b.AgentId, b.SessionId, b.TotalTokens, b.Timestamp, b.FromProgressCopy, b.IsSidechain, b.Fast, b.Model));
            }
            Assert.Equal(LineKind.Usage, fast.Parse(Encoding.UTF8.GetBytes(lines[3]), "p", null, out UsageEntry? f1));
            Assert.True(f1!.Fast);
            Assert.Equal(LineKind.Usage, fast.Parse(Encoding.UTF8.GetBytes(lines[4]), "p", null, out UsageEntry? n1));
            Assert.False(n1!.Fast);
        }

        // ---- fast mode ----

        [Fact]
        public void SumByModel_WithFastModeResponses_ShouldPriceThemAtTheFastRate()
        {
            string main = Write(Session + ".jsonl",
                Assistant(Session, "msg_N", "req_N", Usage(1000, 100, 0, 0, "standard"), "2026-10-02T09:00:01.000Z", model: "claude-opus-4-6"),
                Assistant(Session, "msg_F", "req_F", Usage(1000, 100, 0, 0, "fast"), "2026-10-02T09:00:02.000Z", model: "claude-opus-4-6"),
                // Fast mode on a model without one is priced as usual.
                Assistant(Session, "msg_H", "req_H", Usage(1000, 100, 0, 0, "fast"), "2026-10-02T09:00:03.000Z", model: "claude-haiku-4-5"));

            TranscriptReadResult r = ReadFiles(new[] { main });
            IReadOnlyList<ModelUsageTotal> sums = TranscriptReader.SumByModel(r.Entries, PriceTable.BuiltIn);

            // By hand, Opus 4.6 at $5 / $25 per million: 1000 x 5e-6 + 100 x 25e-6 = 0.0075 standard, six times that (0.045) fast.
            Assert.Equal(6m, PriceTable.BuiltIn.Find("claude-opus-4-6")!.FastMultiplier);
            Assert.Equal(0.0525, sums.Single(t => t.Model == "claude-opus-4-6").CostUsd!.Value, 12);
            // Haiku 4.5 at $1 / $5: 0.001 + 0.0005.
            Assert.Equal(0.0015, sums.Single(t => t.Model == "claude-haiku-4-5").CostUsd!.Value, 12);
        }

        [Fact]
        public void PriceFile_WithProviderSpecificFastMultiplier_ShouldReadIt()
        {
            string file = Path.Combine(_temp, "prices.json");
            File.WriteAllText(file, """
                {
                  "claude-opus-4-6": { "input_cost_per_token": 5e-06, "output_cost_per_token": 2.5e-05, "provider_specific_entry": { "us": 1.1, "fast": 6.0 } },
                  "claude-sonnet-4-6": { "input_cost_per_token": 3e-06, "output_cost_per_token": 1.5e-05, "provider_specific_entry": { "fast": "two" } },
                  "claude-haiku-4-5": { "input_cost_per_token": 1e-06, "output_cost_per_token": 5e-06 }
                }
                """);

            PriceTable t = PriceTable.Create(file, null);

            Assert.Equal(6m, t.Find("claude-opus-4-6")!.FastMultiplier);
            Assert.Equal(1m, t.Find("claude-sonnet-4-6")!.FastMultiplier);
            Assert.Equal(1m, t.Find("claude-haiku-4-5")!.FastMultiplier);
            UsageEntry fast = new UsageEntry { Model = "claude-opus-4-6", InputTokens = 2_000_000, Fast = true };
            // By hand: 2M x $5 per million = $10, six times in fast mode.
            Assert.Equal(60m, t.Cost(fast)!.Value);
        }

        // ---- costUSD and -CostMode ----

        /// <summary>An older Claude Code line: costUSD beside the usage.</summary>
        private static string WithCost(string line, string cost) => line.Substring(0, line.Length - 1) + ",\"costUSD\":" + cost + "}";

        [Theory]
        [InlineData(CostMode.Calculate, "0.0135", CostPrecision.Calculated, true)]
        [InlineData(CostMode.Auto, "0.259", CostPrecision.Mixed, true)]
        [InlineData(CostMode.Display, "0.25", CostPrecision.Logged, false)]
        public void Report_WithCostMode_ShouldTakeTheLinesCostUsdAsAsked(CostMode mode, string expected, CostPrecision precision, bool known)
        {
            string main = Write(Session + ".jsonl",
                // Sonnet 4.6 at $3 / $15 per million: 1000 x 3e-6 + 100 x 15e-6 = 0.0045 calculated; the line says 0.25.
                WithCost(Assistant(Session, "msg_C1", "req_C1", Usage(1000, 100, 0, 0), "2026-10-02T09:00:01.000Z"), "0.25"),
                // No costUSD: 2000 x 3e-6 + 200 x 15e-6 = 0.009 calculated. Calculate: 0.0135; Auto: 0.25 + 0.009; Display: 0.25.
                Assistant(Session, "msg_C2", "req_C2", Usage(2000, 200, 0, 0), "2026-10-02T09:00:02.000Z"));
            TranscriptReadResult r = ReadFiles(new[] { main });
            Assert.Equal(0.25m, r.Entries.Single(e => e.MessageId == "msg_C1").CostUsd);
            Assert.Null(r.Entries.Single(e => e.MessageId == "msg_C2").CostUsd);

            TranscriptUsageQuery q = new TranscriptUsageQuery { GroupBy = UsageGrouping.Month, TimeZone = TimeZoneInfo.Utc, CostMode = mode };
            TranscriptReportResult report = TranscriptReport.Build(r.Entries, q, PriceTable.BuiltIn);

            TranscriptUsageRow row = Assert.Single(report.Rows);
            Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), row.CostUsd!.Value);
            Assert.Equal(precision, row.CostPrecision);
            Assert.Equal(known, row.CostKnown);
            Assert.Empty(report.UnknownModels);
        }

        [Fact]
        public void Report_WithCostModeOnLinesWithoutCostUsd_ShouldCalculateOrKnowNothing()
        {
            string main = Write(Session + ".jsonl", Assistant(Session, "msg_C2", "req_C2", Usage(2000, 200, 0, 0), "2026-10-02T09:00:02.000Z"));
            TranscriptReadResult r = ReadFiles(new[] { main });
            TranscriptUsageRow Row(CostMode mode) => Assert.Single(TranscriptReport.Build(r.Entries,
                new TranscriptUsageQuery { GroupBy = UsageGrouping.Month, TimeZone = TimeZoneInfo.Utc, CostMode = mode }, PriceTable.BuiltIn).Rows);

            Assert.Equal(0.009m, Row(CostMode.Auto).CostUsd!.Value);
            Assert.Equal(CostPrecision.Calculated, Row(CostMode.Auto).CostPrecision);
            Assert.Null(Row(CostMode.Display).CostUsd);
            Assert.Equal(CostPrecision.Unknown, Row(CostMode.Display).CostPrecision);
            Assert.False(Row(CostMode.Display).CostKnown);
        }

        [Theory]
        [InlineData("0.25", "0.25")]
        [InlineData("2.5e-1", "0.25")]
        [InlineData("0", "0")]
        [InlineData("-1", null)]
        [InlineData("\"0.25\"", null)]
        [InlineData("null", null)]
        [InlineData("1e400", null)]
        public void Parse_CostUsdShapes_ShouldAgreeBetweenTheScannerAndTheReader(string json, string? expected)
        {
            byte[] line = Encoding.UTF8.GetBytes(WithCost(Assistant(Session, "msg_C1", "req_C1", Usage(1, 1, 0, 0), "2026-10-02T09:00:01.000Z"), json));
            decimal? want = expected is null ? null : decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(LineKind.Usage, new TranscriptLineParser().Parse(line, "p", null, out UsageEntry? a));
            Assert.Equal(LineKind.Usage, new TranscriptLineParser().ParseWithReader(line, "p", null, out UsageEntry? b));
            Assert.Equal(want, a!.CostUsd);
            Assert.Equal(want, b!.CostUsd);
        }

        [Fact]
        public void Read_CostUsdThroughTheCache_ShouldComeBackExactly()
        {
            string cache = Path.Combine(_temp, "cost-cache");
            Write(Session + ".jsonl", WithCost(Assistant(Session, "msg_C1", "req_C1", Usage(1, 1, 0, 0), "2026-10-02T09:00:01.000Z"), "0.123456789012345678"));
            TranscriptReadResult Read()
            {
                TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = cache };
                o.ProjectRoots.Add(Path.Combine(_temp, "projects"));
                return TranscriptReader.Read(o);
            }

            Read();
            TranscriptReadResult warm = Read();

            Assert.Equal(1, warm.FilesFromCache);
            Assert.Equal(0.123456789012345678m, Assert.Single(warm.Entries).CostUsd);
        }

        // ---- Claude Code 2.0: agent-<id>.jsonl beside the session ----

        [Fact]
        public void SessionFiles_With20Layout_ShouldTakeTheAgentFilesOfThisSessionOnly()
        {
            string main = Write(Session + ".jsonl",
                User(Session, "go"),
                Assistant(Session, "msg_M1", "req_M1", Usage(100, 10, 0, 0), "2026-10-02T09:00:01.000Z"));
            string mine = Write("agent-" + Agent + ".jsonl",
                User(Session, "warm up"),
                Assistant(Session, "msg_G1", "req_G1", Usage(200, 30, 0, 0), "2026-10-02T09:00:02.000Z", true, Agent, "claude-haiku-4-5-20251001"));
            Write("agent-b0b0b0b0b0b0b0b0.jsonl",
                Assistant(Other, "msg_O1", "req_O1", Usage(5000, 5000, 0, 0), "2026-10-02T09:00:03.000Z", true, "b0b0b0b0b0b0b0b0"));
            Write(Other + ".jsonl", Assistant(Other, "msg_O2", "req_O2", Usage(1, 1, 0, 0), "2026-10-02T09:00:03.000Z"));
            // Not a JSON line first: the probe passes over it to the first line that names a session.
            string late = Write("agent-c1c1c1c1c1c1c1c1.jsonl",
                "{\"torn",
                Assistant(Session, "msg_G2", "req_G2", Usage(29, 1, 0, 0), "2026-10-02T09:00:04.000Z", true, "c1c1c1c1c1c1c1c1"));

            IReadOnlyList<TranscriptFile> files = TranscriptDiscovery.SessionFiles(main);

            Assert.Equal(new[] { main, mine, late }, files.Select(f => f.Path));
            Assert.All(files, f => Assert.Equal("-home-dev-shop", f.Project));
            TranscriptReadResult r = TranscriptReader.ReadSession(main);
            // By hand: 100 + 200 + 29 input tokens.
            Assert.Equal(329L, r.Entries.Sum(e => e.InputTokens));
        }

        [Fact]
        public void TranscriptCost_With20Layout_ShouldCountTheAgentFilesBeside()
        {
            string main = Write(Session + ".jsonl", Assistant(Session, "msg_M1", "req_M1", Usage(129, 10, 0, 0), "2026-10-02T09:00:01.000Z"));
            Write("agent-" + Agent + ".jsonl", Assistant(Session, "msg_G1", "req_G1", Usage(200, 30, 0, 0), "2026-10-02T09:00:02.000Z", true, Agent));
            using var ws = new ScratchWorkspace();

            CostCapture capture = TranscriptCost.Read(main, ws.Tracker(new DateTimeOffset(2026, 10, 2, 12, 0, 0, TimeSpan.Zero)), default);

            ModelUsage sonnet = Assert.Single(capture.Report.Models);
            Assert.Equal((329L, 40L), (sonnet.InputTokens, sonnet.OutputTokens));
        }

        [Fact]
        public void SessionFiles_OfAnAgentFile_ShouldNotGatherItsSiblings()
        {
            string agent = Write("agent-" + Agent + ".jsonl", Assistant(Session, "msg_G1", "req_G1", Usage(200, 30, 0, 0), "2026-10-02T09:00:02.000Z", true, Agent));
            Write("agent-d2d2d2d2d2d2d2d2.jsonl", Assistant(Session, "msg_G3", "req_G3", Usage(1, 1, 0, 0), "2026-10-02T09:00:02.000Z", true, "d2d2d2d2d2d2d2d2"));

            Assert.Equal(new[] { agent }, TranscriptDiscovery.SessionFiles(agent).Select(f => f.Path));
        }
    }
}
