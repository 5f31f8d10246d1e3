using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    internal static class Capture
    {
        public const string TranscriptName = "0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl";

        public static string Transcript => Path.Combine(Repo.Samples, "transcripts", TranscriptName);

        public static string Json(string text) => JsonSerializer.Serialize(text);

        public static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        public static JsonDocument Doc(TempWorkspace ws, string relative) => JsonDocument.Parse(ws.Read(relative));
    }

    public sealed class ImportSessionCostTests
    {
        private const string Classic = "Total cost:            $0.55\nTotal duration (API):  6m 19.7s\nTotal duration (wall): 6h 33m 10.2s\nTotal code changes:    12 lines added, 3 lines removed";

        [Fact]
        public void ParameterForm_ClassicText_ShouldWriteCostAndDailyFiles()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            SessionCostRecord r = ps.RunAs<SessionCostRecord>("Import-SessionCost -CostOutput $args[0] -SessionId S-1 -CapturedAt '2026-11-23T12:00:00Z' -PassThru", Classic).Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(23590.2, r.WallDurationSeconds!.Value, 6);
            Assert.Equal(61111, r.TotalTokens);
            using JsonDocument cost = Capture.Doc(ws, "RLM/progress/token-usage/cost-S-1.json");
            Assert.Equal(0.55, cost.RootElement.GetProperty("parsed").GetProperty("total_cost_usd").GetDouble(), 6);
            using JsonDocument daily = Capture.Doc(ws, "RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(1, daily.RootElement.GetProperty("totals").GetProperty("sessions_count").GetInt64());
        }

        [Fact]
        public void PipelineLines_PerModelSample_TwiceOnSamples_ShouldLeaveDailyTotalsUnchanged()
        {
            using var ws = Capture.Samples();
            using var ps = new PowerShellHost(ws.Root);
            const string script = "Get-Content -LiteralPath cost/per-model.txt | Import-SessionCost -SessionId SESSION-2026-11-22-124012 -CapturedAt '2026-11-22T12:00:00Z' -PassThru";

            SessionCostRecord first = ps.RunAs<SessionCostRecord>(script).Single();
            Assert.Empty(ps.Errors);
            string once = ws.Read("RLM/progress/token-usage/daily-2026-11-22.json");
            ps.RunClean(script);
            string twice = ws.Read("RLM/progress/token-usage/daily-2026-11-22.json");

            Assert.Equal(once, twice);
            Assert.Equal(1234.56m, first.CostUsd, 6);
            Assert.Equal("claude-haiku-4-5, claude-sonnet-4-6", first.Models);
            using JsonDocument daily = Capture.Doc(ws, "RLM/progress/token-usage/daily-2026-11-22.json");
            JsonElement totals = daily.RootElement.GetProperty("totals");
            Assert.Equal(2, totals.GetProperty("sessions_count").GetInt64());
            Assert.Equal(5.38 + 1234.56, totals.GetProperty("total_cost_usd").GetDouble(), 6);
            Assert.Equal(597778 + 1009800, totals.GetProperty("estimated_tokens").GetInt64());
        }

        [Fact]
        public void OpenSession_ShouldBeTheDefaultSessionId()
        {
            using var ws = Capture.Samples();
            using var ps = new PowerShellHost(ws.Root);

            SessionCostRecord r = ps.RunAs<SessionCostRecord>("Import-SessionCost -LiteralPath cost/classic.txt -CapturedAt '2026-11-23T12:00:00Z' -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal("SESSION-2026-11-23-091500", r.SessionId);
            using JsonDocument cost = Capture.Doc(ws, "RLM/progress/token-usage/cost-SESSION-2026-11-23-091500.json");
            Assert.Equal("SESSION-2026-11-23-091500", cost.RootElement.GetProperty("session_data").GetProperty("session_id").GetString());
        }

        [Theory]
        [InlineData("", "CostOutputEmpty")]
        [InlineData("no figures here", "CostTotalMissing")]
        [InlineData("Total cost: lots", "InvalidCostValue")]
        [InlineData("Total cost: $1\nTotal cost: $2", "ConflictingCostTotals")]
        public void MalformedText_ShouldWriteErrorAndTouchNothing(string text, string id)
        {
            using var ws = Capture.Samples();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Import-SessionCost -CostOutput $args[0]", text);

            ErrorRecord e = ps.SingleError(id + ",RlmTokens.Cmdlets.ImportSessionCostCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void GarbledDuration_ShouldWarnAndStillCapture()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Import-SessionCost -CostOutput $args[0] -SessionId S-2", "Total cost: $0.10\nTotal duration (wall): ages");

            Assert.Single(ps.Warnings);
            Assert.True(ws.Exists("RLM/progress/token-usage/cost-S-2.json"));
        }

        [Fact]
        public void UnsafeSessionId_ShouldFailWithInvalidSessionId()
        {
            using var ws = new TempWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Import-SessionCost -CostOutput 'Total cost: $1' -SessionId '../../x'");

            ErrorRecord e = ps.SingleError("InvalidSessionId,RlmTokens.Cmdlets.ImportSessionCostCommand");
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Equal("../../x", e.TargetObject);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void WhatIf_ShouldTouchNothing()
        {
            using var ws = Capture.Samples();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Import-SessionCost -LiteralPath cost/classic.txt -WhatIf");

            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void TranscriptPath_ShouldRecordExactDeduplicatedTokens()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            SessionCostRecord r = ps.RunAs<SessionCostRecord>("Import-SessionCost -TranscriptPath $args[0] -SessionId S-T -CapturedAt '2026-11-23T12:00:00Z' -PassThru", Capture.Transcript).Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(UsagePrecision.Exact, r.Precision);
            Assert.Equal(111 + 300, r.InputTokens);
            Assert.Equal(62 + 40, r.OutputTokens);
            Assert.Equal(6000, r.CacheReadTokens);
            Assert.Equal(300, r.CacheCreationTokens);
        }

        [Fact]
        public void TranscriptPath_WithClaudeCode20AgentFilesBeside_ShouldEqualGetTokenUsageForTheSession()
        {
            const string session = "5c0a1f2e-8d3b-4e6f-9a70-2b1c3d4e5f60";
            static string Line(string sid, string id, long input, long output, long cacheWrite, long cacheRead, bool sidechain, string ts) =>
                "{\"parentUuid\":null,\"isSidechain\":" + (sidechain ? "true" : "false") + ",\"userType\":\"external\",\"cwd\":\"/home/dev/shop\",\"sessionId\":\"" + sid
                + "\",\"version\":\"2.0.14\",\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"" + id + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],\"usage\":{\"input_tokens\":"
                + input + ",\"cache_creation_input_tokens\":" + cacheWrite + ",\"cache_read_input_tokens\":" + cacheRead + ",\"output_tokens\":" + output + "}},\"requestId\":\"req_" + id + "\",\"timestamp\":\"" + ts + "\"}\n";
            using var ws = new TempWorkspace();
            string main = ws.Write("claude/projects/-home-dev-shop/" + session + ".jsonl",
                Line(session, "msg_1", 129, 40, 1000, 5000, false, "2026-10-02T09:00:01.000Z"), bom: false, crlf: false);
            ws.Write("claude/projects/-home-dev-shop/agent-a3f9c2e1.jsonl",
                Line(session, "msg_2", 150, 10, 0, 700, true, "2026-10-02T09:00:02.000Z") + Line(session, "msg_3", 50, 5, 20, 0, true, "2026-10-02T09:00:03.000Z"), bom: false, crlf: false);
            // Another session's agent file beside it: not this session's.
            ws.Write("claude/projects/-home-dev-shop/agent-b0b0b0b0.jsonl",
                Line("77777777-8888-4999-aaaa-bbbbbbbbbbbb", "msg_9", 9000, 9000, 0, 0, true, "2026-10-02T09:00:04.000Z"), bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            SessionCostRecord r = ps.RunAs<SessionCostRecord>("Import-SessionCost -TranscriptPath $args[0] -SessionId S-20 -CapturedAt '2026-10-02T12:00:00Z' -PassThru", main).Single();
            TranscriptUsageRow u = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -SessionId " + session + " -GroupBy Session -NoCache").Single();

            Assert.Empty(ps.Errors);
            // By hand: input 129 + 150 + 50, output 40 + 10 + 5, cache write 1000 + 20, cache read 5000 + 700.
            Assert.Equal((329L, 55L, 1020L, 5700L), (r.InputTokens, r.OutputTokens, r.CacheCreationTokens, r.CacheReadTokens));
            Assert.Equal((u.InputTokens, u.OutputTokens, u.CacheCreationTokens, u.CacheReadTokens), (r.InputTokens, r.OutputTokens, r.CacheCreationTokens, r.CacheReadTokens));
            Assert.Equal((double)u.CostUsd!.Value, (double)r.CostUsd, 6);
        }

        [Fact]
        public void HookForm_SessionEndOnStdin_ShouldGiveExactPerModelTokens()
        {
            using var ws = new TempWorkspace();
            string hook = "{\n  \"session_id\": \"0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee\",\n  \"transcript_path\": " + Capture.Json(Capture.Transcript)
                + ",\n  \"cwd\": " + Capture.Json(ws.Root) + ",\n  \"hook_event_name\": \"SessionEnd\",\n  \"reason\": \"logout\"\n}\n";

            ShellProcess.Result run = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $input | Import-SessionCost -CapturedAt '2026-11-23T12:00:00Z'", Path.GetTempPath(), hook);

            Assert.True(run.ExitCode == 0 && run.Stderr.Length == 0, run.Stderr + run.Stdout);
            // The session is booked under its RLM id (RLM's files), with Claude Code's id beside it.
            string costFile = Assert.Single(Directory.GetFiles(ws.TokenUsage, "cost-SESSION-*.json"));
            using JsonDocument cost = JsonDocument.Parse(File.ReadAllText(costFile));
            JsonElement root = cost.RootElement;
            Assert.Equal("0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee", root.GetProperty("claude_session_id").GetString());
            Assert.Equal("exact", root.GetProperty("precision").GetString());
            Assert.Equal("claude_code_transcript", root.GetProperty("source").GetString());
            JsonElement sonnet = root.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "claude-sonnet-4-6");
            Assert.Equal((111L, 62L, 6000L, 300L), (sonnet.GetProperty("input_tokens").GetInt64(), sonnet.GetProperty("output_tokens").GetInt64(),
                sonnet.GetProperty("cache_read_tokens").GetInt64(), sonnet.GetProperty("cache_write_tokens").GetInt64()));
            JsonElement haiku = root.GetProperty("models").EnumerateArray().Single(m => m.GetProperty("model").GetString() == "claude-haiku-4-5");
            Assert.Equal((300L, 40L), (haiku.GetProperty("input_tokens").GetInt64(), haiku.GetProperty("output_tokens").GetInt64()));
            using JsonDocument daily = Capture.Doc(ws, "RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.True(daily.RootElement.GetProperty("sessions")[0].GetProperty("exact").GetBoolean());
            Assert.Equal(111 + 62 + 6000 + 300 + 340, daily.RootElement.GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
        }

        [Fact]
        public void MissingTranscript_ShouldFailWithFileNotFoundAndTouchNothing()
        {
            using var ws = new TempWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Import-SessionCost -TranscriptPath missing.jsonl -SessionId S-1");

            ErrorRecord e = ps.SingleError("FileNotFound,RlmTokens.Cmdlets.ImportSessionCostCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(ws.PathOf("missing.jsonl"), e.TargetObject);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void HookForm_WithoutTranscript_ShouldReportInvalidHookInput()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("'{\"session_id\": \"x\", \"hook_event_name\": \"SessionEnd\"}' | Import-SessionCost");

            ps.SingleError("InvalidHookInput,RlmTokens.Cmdlets.ImportSessionCostCommand");
        }
    }

    public sealed class RegisterCompactEventTests
    {
        [Fact]
        public void HookForm_ManualPreCompactOverSamples_ShouldRecordManualAndWriteAnArray()
        {
            using var ws = Capture.Samples();
            using var ps = new PowerShellHost(ws.Root);
            string hook = "{\n  \"session_id\": \"0f3c2a9e\",\n  \"transcript_path\": " + Capture.Json(Capture.Transcript)
                + ",\n  \"hook_event_name\": \"PreCompact\",\n  \"trigger\": \"manual\",\n  \"custom_instructions\": \"keep the API notes\"\n}";

            CompactEventRecord r = ps.RunAs<CompactEventRecord>("$args[0] -split \"`n\" | Register-CompactEvent -Timestamp '2026-11-23T11:00:00Z' -PassThru", hook).Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(CompactTrigger.Manual, r.Trigger);
            Assert.Equal("SESSION-2026-11-23-091500", r.SessionId);
            Assert.Equal(3101, r.ContextTokens);
            using JsonDocument events = Capture.Doc(ws, "RLM/progress/token-usage/compact-events.json");
            Assert.Equal(JsonValueKind.Array, events.RootElement.ValueKind);
            Assert.Equal(2, events.RootElement.GetArrayLength());
            Assert.Equal("manual", events.RootElement[1].GetProperty("reason").GetString());
            Assert.Equal("keep the API notes", events.RootElement[1].GetProperty("custom_instructions").GetString());
            using JsonDocument session = Capture.Doc(ws, "RLM/progress/token-usage/current-session.json");
            Assert.Equal(2, session.RootElement.GetProperty("context_compacts").GetArrayLength());
            Assert.Contains("**Trigger**: manual", ws.Read("RLM/progress/logs/2026-11-23.md"));
        }

        [Fact]
        public void ParameterForm_Auto_ShouldRecordAuto()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            CompactEventRecord r = ps.RunAs<CompactEventRecord>("Register-CompactEvent -Trigger Auto -SessionId S-1 -Timestamp '2026-11-23T11:00:00Z' -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(CompactTrigger.Auto, r.Trigger);
            using JsonDocument events = Capture.Doc(ws, "RLM/progress/token-usage/compact-events.json");
            Assert.Equal(JsonValueKind.Array, events.RootElement.ValueKind);
            Assert.Equal("S-1", events.RootElement[0].GetProperty("session_id").GetString());
        }

        [Fact]
        public void WhatIf_ShouldTouchNothing()
        {
            using var ws = Capture.Samples();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("'{\"trigger\": \"auto\"}' | Register-CompactEvent -WhatIf");

            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void HookForm_NotJson_ShouldReportInvalidHookInput()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("'trigger=manual' | Register-CompactEvent");

            ErrorRecord e = ps.SingleError("InvalidHookInput,RlmTokens.Cmdlets.RegisterCompactEventCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
        }
    }

    public sealed class TokenSessionTests
    {
        [Fact]
        public void ParameterForm_StartThenStop_ShouldArchiveAndClear()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            TokenSessionRecord started = ps.RunAs<TokenSessionRecord>("Start-TokenSession -StartedAt '2026-11-23T09:00:00Z' -PassThru").Single();
            Assert.Empty(ps.Errors);
            // Session ids are stamped in the machine's zone, as RLM's scripts do.
            string expected = "SESSION-" + TimeZoneInfo.ConvertTime(new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero), TimeZoneInfo.Local).ToString("yyyy-MM-dd-HHmmss", System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, started.SessionId);
            Assert.True(started.IsOpen);
            ps.RunClean("Add-TokenEstimate -Operation Tool -ToolName Bash");
            TokenSessionRecord stopped = ps.RunAs<TokenSessionRecord>("Stop-TokenSession -Reason done -EndedAt '2026-11-23T10:30:00Z' -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(90, stopped.DurationMinutes);
            Assert.Equal(50, stopped.TotalTokens);
            Assert.False(ws.Exists("RLM/progress/token-usage/current-session.json"));
            Assert.False(ws.Exists("RLM/progress/token-usage/token-estimates.json"));
            using JsonDocument archive = Capture.Doc(ws, "RLM/progress/token-usage/" + expected + ".json");
            Assert.Equal("2026-11-23T10:30:00.0000000Z", archive.RootElement.GetProperty("ended_at").GetString());
            using JsonDocument daily = Capture.Doc(ws, "RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(50, daily.RootElement.GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
        }

        [Fact]
        public void HookForm_SessionStartThenSessionEnd_ShouldUseClaudeIds()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            string start = "{\"session_id\": \"0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee\", \"hook_event_name\": \"SessionStart\", \"source\": \"startup\", \"cwd\": " + Capture.Json(ws.Root) + "}";
            string end = "{\"session_id\": \"0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee\", \"hook_event_name\": \"SessionEnd\", \"reason\": \"logout\", \"cwd\": " + Capture.Json(ws.Root) + "}";

            TokenSessionRecord started = ps.RunAs<TokenSessionRecord>("$args[0] | Start-TokenSession -StartedAt '2026-11-23T09:00:00Z' -PassThru", start).Single();
            Assert.Empty(ps.Errors);
            Assert.Equal("0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee", started.ClaudeSessionId);
            TokenSessionRecord stopped = ps.RunAs<TokenSessionRecord>("$args[0] | Stop-TokenSession -EndedAt '2026-11-23T09:30:00Z' -PassThru", end).Single();

            Assert.Empty(ps.Errors);
            Assert.Equal("logout", stopped.Reason);
            Assert.Equal(started.SessionId, stopped.SessionId);
            Assert.True(ws.Exists("RLM/progress/token-usage/" + started.SessionId + ".json"));
        }

        [Fact]
        public void Start_OfASessionAlreadyOpen_ShouldFailWithSessionAlreadyOpenAndTouchNothing()
        {
            using var ws = Capture.Samples();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Start-TokenSession -SessionId SESSION-2026-11-23-091500");

            ErrorRecord e = ps.SingleError("SessionAlreadyOpen,RlmTokens.Cmdlets.StartTokenSessionCommand");
            Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
            Assert.Equal("SESSION-2026-11-23-091500", e.TargetObject);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void Stop_WithoutOpenSession_ShouldFailWithNoOpenSession()
        {
            using var ws = new TempWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Stop-TokenSession");

            ErrorRecord e = ps.SingleError("NoOpenSession,RlmTokens.Cmdlets.StopTokenSessionCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void WhatIf_ShouldTouchNothing()
        {
            using var ws = Capture.Samples();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Stop-TokenSession -WhatIf; Start-TokenSession -Force -WhatIf");

            Assert.Equal(before, ws.Snapshot());
        }
    }

    public sealed class AddTokenUsageTests
    {
        [Fact]
        public void ParameterForm_ShouldAppendTrackerStreamAndGroupByBranch()
        {
            using var ws = new TempWorkspace();
            ws.Write(".git/HEAD", "ref: refs/heads/feature/login\n", bom: false, crlf: false);
            ws.Write("RLM/progress/token-usage.log",
                "{\n  \"timestamp\": \"2026-11-20T10:00:00Z\",\n  \"date\": \"2026-11-20\",\n  \"task\": \"TASK-1\",\n  \"agent\": \"coder\",\n  \"model\": \"claude-sonnet-4-6\",\n  \"tokens\": {\n    \"input\": 100,\n    \"output\": 50,\n    \"total\": 150\n  },\n  \"cost\": 0.00105,\n  \"duration\": 12\n}\n",
                bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            TokenUsageLogRecord added = ps.RunAs<TokenUsageLogRecord>(
                "Add-TokenUsage -InputTokens 1000 -OutputTokens 200 -Model gpt-5 -Agent codex -Task TASK-2 -Tool 'Codex CLI' -Note manual -Timestamp '2026-11-23T09:00:00Z' -PassThru").Single();
            ps.RunClean("Add-TokenUsage -UsageText 'Token usage: 54161/200000' -Tool Copilot -Branch main -Timestamp '2026-11-23T10:00:00Z'");
            TokenUsageLogGroup[] groups = ps.RunAs<TokenUsageLogGroup>("Get-TokenUsage -Log -GroupBy Branch").ToArray();

            Assert.Empty(ps.Errors);
            Assert.Equal("feature/login", added.Branch);
            Assert.Equal(UsagePrecision.Exact, added.Precision);
            Assert.Equal(new[] { "(none)", "feature/login", "main" }, groups.Select(g => g.GroupKey).ToArray());
            Assert.Equal(new long[] { 150, 1200, 54161 }, groups.Select(g => g.TotalTokens).ToArray());
            // The file stays a token-tracker.sh stream: pretty-printed objects one after another.
            string log = ws.Read("RLM/progress/token-usage.log").Replace("\r\n", "\n");
            Assert.Contains("}\n{\n  \"timestamp\": \"2026-11-23T09:00:00.0000000Z\",\n  \"date\": \"2026-11-23\",\n  \"task\": \"TASK-2\",\n  \"agent\": \"codex\",\n  \"model\": \"gpt-5\",\n  \"tokens\": {\n    \"input\": 1000,\n    \"output\": 200,\n    \"total\": 1200\n  },", log);
            Assert.Contains("\"branch\": \"feature/login\"", log);
        }

        [Fact]
        public void PipelineByPropertyName_ShouldLogEachRow()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("@([pscustomobject]@{ Tokens = 10; Agent = 'a'; Branch = 'x' }, [pscustomobject]@{ Tokens = 20; Agent = 'b'; Branch = 'x' }) | Add-TokenUsage");
            TokenUsageLogGroup[] byAgent = ps.RunAs<TokenUsageLogGroup>("Get-TokenUsage -Log -GroupBy Agent").ToArray();

            Assert.Equal(new long[] { 10, 20 }, byAgent.Select(g => g.TotalTokens).ToArray());
        }

        [Fact]
        public void HookForm_JsonDocumentsOnThePipeline_ShouldLogEach()
        {
            using var ws = new TempWorkspace();
            string cwd = Capture.Json(ws.Root);
            string documents = "{\n  \"input_tokens\": 1200,\n  \"output_tokens\": 300,\n  \"model\": \"gpt-5\",\n  \"tool\": \"Codex CLI\",\n  \"branch\": \"feature/x\",\n  \"cwd\": " + cwd + "\n}\n"
                + "{\"usage\": {\"input_tokens\": 10, \"cache_read_input_tokens\": 90, \"output_tokens\": 5}, \"agent\": \"claude\", \"branch\": \"feature/x\", \"cwd\": " + cwd + "}";

            // The workspace comes from each document's cwd, not from the current location.
            using var ps = new PowerShellHost(Path.GetTempPath());

            TokenUsageLogRecord[] added = ps.RunAs<TokenUsageLogRecord>("$args[0] -split \"`n\" | Add-TokenUsage -Timestamp '2026-11-23T09:00:00Z' -PassThru", documents).ToArray();

            Assert.Empty(ps.Errors);
            Assert.Equal(new long[] { 1500, 105 }, added.Select(r => r.TotalTokens).ToArray());
            Assert.Equal("Codex CLI", added[0].Tool);
            Assert.Equal(100, added[1].InputTokens);
            TokenUsageLogGroup group = ps.RunAs<TokenUsageLogGroup>("Get-TokenUsage -Path $args[0] -Log -GroupBy Branch", ws.Root).Single();
            Assert.Equal(("feature/x", 1605L), (group.GroupKey, group.TotalTokens));
        }

        [Fact]
        public void HookForm_DocumentNotJson_ShouldReportInvalidHookInput()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("'{\"input_tokens\": 12' | Add-TokenUsage");

            ErrorRecord e = ps.SingleError("InvalidHookInput,RlmTokens.Cmdlets.AddTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.False(ws.Exists("RLM/progress/token-usage.log"));
        }

        [Fact]
        public void NegativeCount_ShouldFailAndWriteNothing()
        {
            using var ws = new TempWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenUsage -Tokens -5");

            ErrorRecord e = ps.SingleError("NegativeValue,RlmTokens.Cmdlets.AddTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void UnreadableText_ShouldFailWithUsageTextUnreadable()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenUsage -UsageText 'lots'");

            ps.SingleError("UsageTextUnreadable,RlmTokens.Cmdlets.AddTokenUsageCommand");
        }

        [Fact]
        public void WhatIf_ShouldTouchNothing()
        {
            using var ws = new TempWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Add-TokenUsage -Tokens 5 -WhatIf");

            Assert.Equal(before, ws.Snapshot());
        }
    }
}
