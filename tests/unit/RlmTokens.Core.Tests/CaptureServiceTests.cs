using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    /// <summary>A throw-away workspace for Core tests (RLM/progress/token-usage created).</summary>
    internal sealed class ScratchWorkspace : IDisposable
    {
        public ScratchWorkspace()
        {
            Root = Path.Combine(Path.GetTempPath(), "rlmtokens-core-tests", Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Path.Combine(Root, "RLM", "progress", "token-usage"));
        }

        public string Root { get; }

        public string TokenUsage => Path.Combine(Root, "RLM", "progress", "token-usage");

        public string Write(string relative, string content)
        {
            string path = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, content.Replace("\r\n", "\n").Replace("\n", "\r\n"), new UTF8Encoding(true));
            return path;
        }

        public JsonDocument Json(string relative) => JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, relative)));

        public TokenTracker Tracker(DateTimeOffset now) => new TokenTracker(new Workspace(Root), new FixedClock(now));

        public void Dispose()
        {
            try { Directory.Delete(Root, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    public sealed class SessionCostImporterTests
    {
        private static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        private static CostCapture Capture(string text) => new CostCapture { Report = CostOutputParser.Parse(text), RawOutput = text };

        [Fact]
        public void Import_SameSessionTwice_ShouldLeaveDailyTotalsUnchanged()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage/daily-2026-11-23.json",
                "{\n  \"date\": \"2026-11-23\",\n  \"sessions\": {\"session_id\": \"OTHER\", \"cost_usd\": 1.0, \"estimated_tokens\": 1000, \"captured_at\": \"x\"},\n  \"totals\": {\"total_cost_usd\": 1.0, \"estimated_tokens\": 1000, \"sessions_count\": 1}\n}");
            var importer = new SessionCostImporter(ws.Tracker(Noon));

            importer.Import("S-1", Capture("Total cost: $0.55"), Noon, default);
            string first = File.ReadAllText(Path.Combine(ws.TokenUsage, "daily-2026-11-23.json"));
            importer.Import("S-1", Capture("Total cost: $0.55"), Noon, default);
            string second = File.ReadAllText(Path.Combine(ws.TokenUsage, "daily-2026-11-23.json"));

            Assert.Equal(first, second);
            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            JsonElement totals = daily.RootElement.GetProperty("totals");
            Assert.Equal(1.55, totals.GetProperty("total_cost_usd").GetDouble(), 6);
            Assert.Equal(1000 + 61111, totals.GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(2, totals.GetProperty("sessions_count").GetInt64());
        }

        [Fact]
        public void Import_ReimportWithNewCost_ShouldReplaceTheEntry()
        {
            using var ws = new ScratchWorkspace();
            var importer = new SessionCostImporter(ws.Tracker(Noon));

            importer.Import("S-1", Capture("Total cost: $0.55"), Noon, default);
            importer.Import("S-1", Capture("Total cost: $0.90"), Noon, default);

            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(1, daily.RootElement.GetProperty("sessions").GetArrayLength());
            Assert.Equal(0.9, daily.RootElement.GetProperty("totals").GetProperty("total_cost_usd").GetDouble(), 6);
        }

        [Fact]
        public void Import_ReimportOnAnotherDay_ShouldMoveTheEntry()
        {
            using var ws = new ScratchWorkspace();
            var importer = new SessionCostImporter(ws.Tracker(Noon));

            importer.Import("S-1", Capture("Total cost: $0.55"), Noon, default);
            importer.Import("S-1", Capture("Total cost: $0.55"), Noon.AddDays(1), default);

            using JsonDocument before = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(0, before.RootElement.GetProperty("totals").GetProperty("sessions_count").GetInt64());
            using JsonDocument after = ws.Json("RLM/progress/token-usage/daily-2026-11-24.json");
            Assert.Equal(1, after.RootElement.GetProperty("totals").GetProperty("sessions_count").GetInt64());
        }

        [Fact]
        public void Import_PerModelOutput_ShouldWriteRlmSchemaAndModels()
        {
            using var ws = new ScratchWorkspace();
            var importer = new SessionCostImporter(ws.Tracker(Noon));
            string text = "Total cost: $0.55\nTotal duration (wall): 6h 33m 10.2s\nUsage by model:\n  claude-sonnet-4-6:  1.2k input, 5.3k output, 940.0k cache read, 50.0k cache write ($0.55)";

            SessionCostRecord r = importer.Import("S-2", Capture(text), Noon, default).Value;

            Assert.Equal(996500, r.TotalTokens);
            Assert.Equal(UsagePrecision.Estimated, r.Precision);
            using JsonDocument cost = ws.Json("RLM/progress/token-usage/cost-S-2.json");
            JsonElement root = cost.RootElement;
            Assert.Equal("claude_code_cost_command", root.GetProperty("source").GetString());
            Assert.Equal(23590.2, root.GetProperty("parsed").GetProperty("wall_duration_seconds").GetDouble(), 6);
            Assert.Equal(996500, root.GetProperty("estimation").GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(940000, root.GetProperty("models")[0].GetProperty("cache_read_tokens").GetInt64());
            Assert.Equal(text, root.GetProperty("raw_output").GetString());
        }

        [Fact]
        public void ResolveSessionId_WithOpenSession_ShouldUseIt_ElseGenerate()
        {
            using var ws = new ScratchWorkspace();
            var importer = new SessionCostImporter(ws.Tracker(Noon));
            Assert.Equal("SESSION-2026-11-23-120000", importer.ResolveSessionId(null, null, Noon));
            ws.Write("RLM/progress/token-usage/current-session.json", "{\"session_id\": \"SESSION-OPEN\"}");
            Assert.Equal("SESSION-OPEN", importer.ResolveSessionId(null, null, Noon));
            Assert.Equal("X", importer.ResolveSessionId("X", null, Noon));
            var e = Assert.Throws<InvalidArgumentException>(() => importer.ResolveSessionId("../evil", null, Noon));
            Assert.Equal("InvalidSessionId", e.ErrorId);
        }
    }

    public sealed class CompactEventRecorderTests
    {
        private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 23, 10, 45, 0, TimeSpan.Zero);

        [Fact]
        public void Record_ManualOverBareObject_ShouldWriteArrayAndSessionAndLog()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage/compact-events.json", "{\"event\": \"context_compact\", \"timestamp\": \"t0\", \"reason\": \"auto\", \"session_id\": \"S\", \"metrics_at_compact\": {\"subagent_calls\": 1}}");
            ws.Write("RLM/progress/token-usage/current-session.json",
                "{\"session_id\": \"S\", \"metrics\": {\"total_subagent_calls\": 2, \"files_created\": 1, \"files_modified\": 3}, \"context_compacts\": null, \"custom\": 7}");
            var recorder = new CompactEventRecorder(ws.Tracker(At));

            CompactEventRecord r = recorder.Record(new CompactRequest { Trigger = CompactTrigger.Manual, CustomInstructions = "keep tests", HookSessionId = "uuid" }, default).Value;

            Assert.Equal(CompactTrigger.Manual, r.Trigger);
            Assert.Equal("S", r.SessionId);
            Assert.Equal(2, r.EventCount);
            using JsonDocument events = ws.Json("RLM/progress/token-usage/compact-events.json");
            Assert.Equal(JsonValueKind.Array, events.RootElement.ValueKind);
            Assert.Equal("manual", events.RootElement[1].GetProperty("reason").GetString());
            Assert.Equal(2, events.RootElement[1].GetProperty("metrics_at_compact").GetProperty("subagent_calls").GetInt64());
            using JsonDocument session = ws.Json("RLM/progress/token-usage/current-session.json");
            Assert.Equal(1, session.RootElement.GetProperty("context_compacts").GetArrayLength());
            Assert.Equal(7, session.RootElement.GetProperty("custom").GetInt32());
            string log = File.ReadAllText(Path.Combine(ws.Root, "RLM", "progress", "logs", "2026-11-23.md"));
            Assert.Contains("**Trigger**: manual", log);
            Assert.Contains("keep tests", log);
        }

        [Fact]
        public void Record_WithoutAnySession_ShouldOpenTheHooksSessionElseWriteUnknown()
        {
            using var ws = new ScratchWorkspace();
            var recorder = new CompactEventRecorder(ws.Tracker(At));
            Assert.Equal("UNKNOWN", recorder.Record(new CompactRequest { Trigger = CompactTrigger.Auto }, default).Value.SessionId);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "current-session.json")));

            // A hook names its Claude Code session: its first event opens it, under an RLM id of its own.
            CompactEventRecord hooked = recorder.Record(new CompactRequest { Trigger = CompactTrigger.Auto, HookSessionId = "uuid" }, default).Value;
            Assert.Equal("SESSION-2026-11-23-104500", hooked.SessionId);
            using JsonDocument events = ws.Json("RLM/progress/token-usage/compact-events.json");
            Assert.Equal("uuid", events.RootElement[1].GetProperty("claude_session_id").GetString());
            using JsonDocument view = ws.Json("RLM/progress/token-usage/current-session.json");
            Assert.Equal(1, view.RootElement.GetProperty("context_compacts").GetArrayLength());
        }
    }

    public sealed class SessionLifecycleTests
    {
        private static readonly DateTimeOffset Start = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        [Fact]
        public void StartThenStop_ShouldArchiveFoldEstimateAndClear()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(Start));
            TokenSessionRecord started = life.Start(new SessionStartRequest { ClaudeSessionId = "c-1", Source = "startup" }, default).Value;
            Assert.Equal("SESSION-2026-11-23-090000", started.SessionId);
            ws.Write("RLM/progress/token-usage/token-estimates.json",
                "{\"session_id\": \"SESSION-2026-11-23-090000\", \"tokens\": {\"input_estimated\": 1000, \"output_estimated\": 500, \"total_estimated\": 1500}, \"estimated_cost_usd\": 0.0105}");

            TokenSessionRecord stopped = life.Stop(new SessionStopRequest { SessionId = "c-1", Reason = "logout", EndedAt = Start.AddMinutes(90) }, default).Value;

            Assert.Equal(90, stopped.DurationMinutes);
            Assert.Equal(1500, stopped.TotalTokens);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "current-session.json")));
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            using JsonDocument archive = ws.Json("RLM/progress/token-usage/SESSION-2026-11-23-090000.json");
            Assert.Equal(90, archive.RootElement.GetProperty("duration_minutes").GetDouble());
            Assert.Equal("logout", archive.RootElement.GetProperty("end_reason").GetString());
            Assert.Equal(1500, archive.RootElement.GetProperty("token_estimate").GetProperty("tokens").GetProperty("total_estimated").GetInt64());
            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(1500, daily.RootElement.GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
        }

        [Fact]
        public void Stop_AfterCostCapture_ShouldKeepTheCapturedEntry()
        {
            using var ws = new ScratchWorkspace();
            TokenTracker tracker = ws.Tracker(Start);
            var life = new SessionLifecycle(tracker);
            life.Start(new SessionStartRequest { SessionId = "S-9" }, default);
            new SessionCostImporter(tracker).Import("S-9", new CostCapture { Report = CostOutputParser.Parse("Total cost: $2.00") }, Start, default);

            life.Stop(new SessionStopRequest(), default);

            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(2.0, daily.RootElement.GetProperty("totals").GetProperty("total_cost_usd").GetDouble(), 6);
            Assert.Equal(1, daily.RootElement.GetProperty("totals").GetProperty("sessions_count").GetInt64());
        }

        [Fact]
        public void Start_WhileAnotherIsOpen_ShouldOpenBothAndRefuseOnlyTheSameIdTwice()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(Start));
            life.Start(new SessionStartRequest { SessionId = "S-1", ClaudeSessionId = "c-1" }, default);

            // A session never supersedes another: S-2 opens beside S-1.
            Assert.Equal("S-2", life.Start(new SessionStartRequest { SessionId = "S-2" }, default).Value.SessionId);
            var e = Assert.Throws<SessionAlreadyOpenException>(() => life.Start(new SessionStartRequest { SessionId = "S-2" }, default));
            Assert.Equal("SessionAlreadyOpen", e.ErrorId);
            // The same Claude Code session again (resume, a repeated hook) keeps its session; -Force keeps S-2.
            Assert.Equal("S-1", life.Start(new SessionStartRequest { ClaudeSessionId = "c-1", Source = "resume" }, default).Value.SessionId);
            Assert.Equal("S-2", life.Start(new SessionStartRequest { SessionId = "S-2", Force = true }, default).Value.SessionId);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "S-1.json")));
            Assert.Equal(2, ws.Tracker(Start).GetOpenSessions().Count);
        }

        [Fact]
        public void Stop_WithoutOpenSession_ShouldThrowNoOpenSession()
        {
            using var ws = new ScratchWorkspace();
            var e = Assert.Throws<NoOpenSessionException>(() => new SessionLifecycle(ws.Tracker(Start)).Stop(new SessionStopRequest(), default));
            Assert.Equal("NoOpenSession", e.ErrorId);
        }

        [Theory]
        [InlineData("current-session")]
        [InlineData("daily-2026-11-23")]
        public void Start_WithReservedId_ShouldRefuse(string id)
        {
            using var ws = new ScratchWorkspace();
            var e = Assert.Throws<InvalidArgumentException>(() => new SessionLifecycle(ws.Tracker(Start)).Start(new SessionStartRequest { SessionId = id }, default));
            Assert.Equal("ReservedSessionId", e.ErrorId);
        }
    }

    public sealed class TokenUsageLogTests
    {
        private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        // token-tracker.sh's own output: pretty-printed objects one after another.
        private const string TrackerStream = "{\n  \"timestamp\": \"2026-11-20T10:00:00Z\",\n  \"date\": \"2026-11-20\",\n  \"task\": \"TASK-1\",\n  \"agent\": \"coder\",\n  \"model\": \"claude-sonnet-4-6\",\n  \"tokens\": {\n    \"input\": 100,\n    \"output\": 50,\n    \"total\": 150\n  },\n  \"cost\": 0.00105,\n  \"duration\": 12\n}\n{\n  \"timestamp\": \"2026-11-21T10:00:00Z\",\n  \"date\": \"2026-11-21\",\n  \"task\": \"TASK-2\",\n  \"agent\": \"reviewer\",\n  \"model\": \"claude-sonnet-4-6\",\n  \"tokens\": {\"input\": 10, \"output\": 5, \"total\": 15},\n  \"cost\": 0.0001,\n  \"duration\": 1\n}\n";

        [Fact]
        public void Read_TokenTrackerStream_ShouldYieldEachObject()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage.log", TrackerStream);

            var records = new TokenUsageLog(ws.Tracker(At)).Read();

            Assert.Empty(records.Problems);
            Assert.Equal(2, records.Value.Count);
            Assert.Equal(150, records.Value[0].TotalTokens);
            Assert.Equal("reviewer", records.Value[1].Agent);
            Assert.Equal(UsagePrecision.Estimated, records.Value[0].Precision);
        }

        [Fact]
        public void Read_WithGarbageBetweenObjects_ShouldSkipItAndReport()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage.log", "{\"tokens\": {\"total\": 1}}\nnot json at all\n{\"tokens\": {\"total\": 2}}\n{\"tokens\": ");

            var records = new TokenUsageLog(ws.Tracker(At)).Read();

            Assert.Equal(new long[] { 1, 2 }, records.Value.Select(r => r.TotalTokens).ToArray());
            Assert.Equal(2, records.Problems.Count);
            Assert.All(records.Problems, p => Assert.Equal("CorruptDataFile", p.ErrorId));
        }

        [Fact]
        public void AppendThenRead_ShouldRoundTripInTrackerFormat()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage.log", TrackerStream);
            var log = new TokenUsageLog(ws.Tracker(At));

            TokenLogEntry entry = log.Build(new UsageEntryRequest { InputTokens = 1000, OutputTokens = 200, Model = "gpt-5", Agent = "codex", Branch = "feature/x", Note = "manual" });
            log.Append(entry, default);

            string text = File.ReadAllText(Path.Combine(ws.Root, "RLM", "progress", "token-usage.log"));
            Assert.Contains("\n{\n  \"timestamp\": \"2026-11-23T09:00:00.0000000Z\",\n  \"date\": \"2026-11-23\",", text.Replace("\r\n", "\n"));
            var records = log.Read().Value;
            Assert.Equal(3, records.Count);
            TokenUsageLogRecord added = records[2];
            Assert.Equal("feature/x", added.Branch);
            Assert.Equal(1200, added.TotalTokens);
            Assert.Equal(UsagePrecision.Exact, added.Precision);
            Assert.Equal(0.006m, added.CostUsd!.Value, 6);
            TokenUsageLogGroup[] byBranch = TokenUsageLog.Group(records, LogGrouping.Branch, ws.Root).ToArray();
            Assert.Equal(new[] { "(none)", "feature/x" }, byBranch.Select(g => g.GroupKey).ToArray());
            Assert.Equal(165, byBranch[0].TotalTokens);
            Assert.Equal(UsagePrecision.Estimated, byBranch[0].Precision);
        }

        [Theory]
        [InlineData(null, null, null, "NoTokenCount")]
        [InlineData(-1L, null, null, "NegativeValue")]
        [InlineData(10L, 5L, 99L, "TokenCountMismatch")]
        public void Build_WithBadCounts_ShouldThrow(long? input, long? output, long? tokens, string id)
        {
            using var ws = new ScratchWorkspace();
            var e = Assert.Throws<InvalidArgumentException>(() =>
                new TokenUsageLog(ws.Tracker(At)).Build(new UsageEntryRequest { InputTokens = input, OutputTokens = output, Tokens = tokens }));
            Assert.Equal(id, e.ErrorId);
        }

        [Theory]
        [InlineData("ref: refs/heads/main\n", "main")]
        [InlineData("ref: refs/heads/feature/login", "feature/login")]
        [InlineData("0123456789abcdef0123456789abcdef01234567\n", "(HEAD detached at 0123456)")]
        [InlineData("garbage", null)]
        public void GitInfo_FromHead_ShouldNameTheBranch(string head, string? branch) => Assert.Equal(branch, GitInfo.FromHead(head));

        [Fact]
        public void GitInfo_Branch_ShouldFollowWorktreeGitFile()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("repo-git/worktrees/wt/HEAD", "ref: refs/heads/issue-3\n");
            ws.Write("wt/.git", "gitdir: ../repo-git/worktrees/wt\n");
            Directory.CreateDirectory(Path.Combine(ws.Root, "wt", "sub"));
            Assert.Equal("issue-3", GitInfo.Branch(Path.Combine(ws.Root, "wt", "sub")));
        }

        [Theory]
        [InlineData("Token usage: 54161/200000", 54161L)]
        [InlineData("tokens: 1,234", 1234L)]
        [InlineData("nothing here", null)]
        public void ParseUsageText_ShouldTakeTheUsedCount(string text, long? expected) => Assert.Equal(expected, TokenUsageLog.ParseUsageText(text));
    }
}

namespace RlmTokens.Core.Tests
{
    public sealed class TokenUsageJsonTests
    {
        [Fact]
        public void RequestFromJson_TrackerShapedDocument_ShouldTakeEveryField()
        {
            UsageEntryRequest r = TokenUsageLog.RequestFromJson(
                "{\"tokens\": {\"input\": 7, \"output\": 3, \"total\": 10}, \"model\": \"m\", \"agent\": \"a\", \"task\": \"T\", \"cost\": \"0.5\", \"duration\": 2, \"cwd\": \"/w\", \"timestamp\": \"2026-11-23T09:00:00Z\"}",
                out string? cwd);

            Assert.Equal("/w", cwd);
            Assert.Equal((7L, 3L, 10L), (r.InputTokens, r.OutputTokens, r.Tokens));
            Assert.Equal(("m", "a", "T"), (r.Model, r.Agent, r.Task));
            Assert.Equal(0.5m, r.CostUsd);
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), r.Timestamp);
        }

        [Fact]
        public void RequestFromJson_TotalOnly_ShouldLeaveTheSplitUnset()
        {
            UsageEntryRequest r = TokenUsageLog.RequestFromJson("{\"total_tokens\": 54161}", out _);
            Assert.Equal((null, null, 54161L), (r.InputTokens, r.OutputTokens, r.Tokens));
        }

        [Theory]
        [InlineData("[1, 2]")]
        [InlineData("{\"input_tokens\": ")]
        public void RequestFromJson_NotAnObject_ShouldThrowInvalidHookInput(string json)
        {
            var e = Assert.Throws<InvalidHookInputException>(() => TokenUsageLog.RequestFromJson(json, out _));
            Assert.Equal("InvalidHookInput", e.ErrorId);
        }
    }
}

namespace RlmTokens.Core.Tests
{
    public sealed class SessionStopEdgeTests
    {
        private static readonly DateTimeOffset At = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        [Fact]
        public void Stop_WithoutOpenSession_ShouldNotCreateTheLockFile()
        {
            using var ws = new ScratchWorkspace();
            Assert.Throws<NoOpenSessionException>(() => new SessionLifecycle(ws.Tracker(At)).Stop(new SessionStopRequest(), default));
            Assert.Empty(Directory.GetFiles(ws.TokenUsage));
        }

        [Fact]
        public void Stop_WithCorruptCurrentSession_ShouldSetItAsideAndReportIt()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/progress/token-usage/current-session.json", "{ not json");

            Outcome<TokenSessionRecord> r = new SessionLifecycle(ws.Tracker(At)).Stop(new SessionStopRequest(), default);

            RlmTokensException problem = Assert.Single(r.Problems);
            Assert.Equal("CorruptDataFile", problem.ErrorId);
            Assert.Null(r.Value.SessionId);
            Assert.Single(Directory.GetFiles(ws.TokenUsage, "current-session.json.corrupt-*"));
        }
    }
}
