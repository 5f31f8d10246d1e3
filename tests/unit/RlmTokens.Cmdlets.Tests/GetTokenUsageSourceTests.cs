using System;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Get-TokenUsage -Source: each other tracker's sample file (samples/) yields the expected rows.</summary>
    public sealed class GetTokenUsageSourceTests
    {
        private static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        [Fact]
        public void ClaudeFlow_ProjectFile_ShouldYieldTotalAndOneRowPerAgent()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source ClaudeFlow");

            Assert.Empty(ps.Errors);
            Assert.Equal(5, rows.Count);
            TokenUsageRecord total = rows[0];
            Assert.Equal(UsageScope.Total, total.Scope);
            Assert.Equal((98456L, 57778L, 156234L), (total.InputTokens, total.OutputTokens, total.TotalTokens));
            Assert.Equal(new DateTimeOffset(2026, 11, 21, 17, 42, 10, 118, TimeSpan.Zero), total.Timestamp);
            Assert.Equal(new[] { "coordinator:42430", "coder:68965", "researcher:28734", "reviewer:16105" },
                rows.Skip(1).Select(r => r.Agent + ":" + r.TotalTokens));
            Assert.All(rows, r => Assert.Equal(UsageSourceKind.ClaudeFlow, r.Source));
            Assert.All(rows, r => Assert.Equal(ws.PathOf(".claude-flow/token-usage.json"), r.File));
            Assert.Equal(total.TotalTokens, rows.Where(r => r.Scope == UsageScope.Agent).Sum(r => r.TotalTokens));
        }

        [Fact]
        public void ClaudeFlow_ClaudeMetricsUsageJson_ShouldYieldOneRowPerSession()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source ClaudeFlow -LiteralPath .claude/metrics/usage.json");

            Assert.Empty(ps.Errors);
            Assert.Equal(2, rows.Count);
            Assert.All(rows, r => Assert.Equal(UsageScope.Session, r.Scope));
            Assert.Equal("4f1c2a9e-7b1d-4c55-9d0e-2f6a8b3c1d70", rows[0].SessionId);
            Assert.Equal(("coder", "claude-sonnet-4-5-20250929"), (rows[0].Agent, rows[0].Model));
            Assert.Equal((36112L, 12098L, 48210L), (rows[0].InputTokens, rows[0].OutputTokens, rows[0].TotalTokens));
            Assert.Equal(new DateTimeOffset(2026, 11, 21, 13, 5, 9, TimeSpan.Zero), rows[1].Timestamp);
        }

        [Fact]
        public void MemoryBanker_ReportsFolder_ShouldYieldAgentRowsWithDurationSuccessAndError()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source MemoryBanker -LiteralPath memory-bank/token-reports");

            Assert.Empty(ps.Errors);
            Assert.Equal(8, rows.Count);
            TokenUsageRecord first = rows[0];
            Assert.Equal(("projectbrief", "gpt-4o-mini", "init"), (first.Agent, first.Model, first.Command));
            Assert.Equal("0b6f5d0e-3c1a-4f59-b7f2-6a9e0d4c2e11", first.SessionId);
            Assert.Equal((1820L, 1425L, 3245L), (first.InputTokens, first.OutputTokens, first.TotalTokens));
            Assert.Equal(7.2, first.DurationSeconds);
            Assert.True(first.Success);
            Assert.Null(first.Error);
            Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 0, TimeSpan.Zero), first.Timestamp);
            Assert.Equal(0.0531m, Math.Round(rows.Take(6).Sum(r => r.CostUsd!.Value), 4));
            TokenUsageRecord failed = rows[7];
            Assert.Equal(("progress", "update"), (failed.Agent, failed.Command));
            Assert.False(failed.Success);
            Assert.Equal("Timeout after 40s", failed.Error);
            Assert.Equal(42.3, failed.DurationSeconds);
        }

        [Fact]
        public void MemoryBanker_List_ShouldYieldOneReportPerFile()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var reports = ps.RunAs<TokenUsageReport>("Get-TokenUsage -Source MemoryBanker -List");

            Assert.Empty(ps.Errors);
            Assert.Equal(2, reports.Count);
            Assert.Equal(("init", 20770L, 0.0531m, 6L, 0L, 6L), (reports[0].Command, reports[0].TotalTokens, reports[0].CostUsd, reports[0].Succeeded, reports[0].Failed, reports[0].RecordCount));
            Assert.Equal(45.2, reports[0].DurationSeconds);
            Assert.Equal(new DateTimeOffset(2026, 11, 20, 10, 15, 45, TimeSpan.Zero), reports[0].End);
            Assert.Equal(("update", 1L, 1L), (reports[1].Command, reports[1].Succeeded, reports[1].Failed));
        }

        [Fact]
        public void RlmLog_PrettyPrintedStream_ShouldYieldOneEntryPerObject()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source RlmLog");

            Assert.Empty(ps.Errors);
            Assert.Equal(9, rows.Count); // six token-tracker.sh records, then three of Add-TokenUsage
            TokenUsageRecord r = rows[0];
            Assert.Equal(("TASK-101", "architect", "claude-opus-4"), (r.Task, r.Agent, r.Model));
            Assert.Equal((22100L, 6400L, 28500L), (r.InputTokens, r.OutputTokens, r.TotalTokens));
            Assert.Equal(0.8115m, r.CostUsd);
            Assert.Equal(412, r.DurationSeconds);
            Assert.Equal(104340, rows.Take(6).Sum(x => x.TotalTokens));
            Assert.Equal(UsagePrecision.Estimated, r.Precision); // token-tracker.sh records carry no "exact" mark
            TokenUsageRecord manual = rows[8];
            Assert.Equal(("copilot", "feature/orders", 54161L, UsagePrecision.Exact), (manual.Agent, manual.Branch, manual.TotalTokens, manual.Precision));
        }

        [Fact]
        public void RlmLog_WithBrokenObjectAndHalfWrittenTail_ShouldReportTheBrokenOneAndReadTheRest()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage.log",
                "{\n  \"task\": \"T-1\",\n  \"agent\": \"coder\",\n  \"note\": \"a } and a { in text\",\n  \"tokens\": { \"input\": 10, \"output\": 5, \"total\": 15 }\n}\n"
                + "{\n  \"task\": \"T-2\",\n  \"tokens\": { \"input\": 1, \"output\": oops }\n}\n"
                + "{\n  \"task\": \"T-3\",\n  \"tokens\": { \"total\": 7 }\n}\n"
                + "{\n  \"task\": \"T-4\",\n  \"tokens\": {");
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source RlmLog");

            Assert.Equal(new[] { "T-1:15", "T-3:7" }, rows.Select(r => r.Task + ":" + r.TotalTokens));
            Assert.Equal("a } and a { in text", rows[0].Note);
            Assert.NotEmpty(ps.Errors);
            Assert.All(ps.Errors, e => Assert.Equal("CorruptDataFile,RlmTokens.Cmdlets.GetTokenUsageCommand", e.FullyQualifiedErrorId));
            Assert.All(ps.Errors, e => Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category));
            Assert.Contains(ps.Errors, e => e.Exception.Message.Contains("line 7"));
        }

        [Fact]
        public void RlmMetrics_MetricsJson_ShouldYieldTotalDayAgentAndTaskRows()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source RlmMetrics");

            Assert.Empty(ps.Errors);
            TokenUsageRecord total = Assert.Single(rows, r => r.Scope == UsageScope.Total);
            Assert.Equal((78400L, 25940L, 104340L, 1.3371m), (total.InputTokens, total.OutputTokens, total.TotalTokens, total.CostUsd));
            Assert.Equal(new[] { 61500L, 41680L, 1160L }, rows.Where(r => r.Scope == UsageScope.Day).Select(r => r.TotalTokens));
            Assert.Equal(new DateTimeOffset(2026, 11, 18, 0, 0, 0, TimeSpan.Zero), rows.First(r => r.Scope == UsageScope.Day).Timestamp);
            var agents = rows.Where(r => r.Scope == UsageScope.Agent).ToList();
            Assert.Equal(new[] { "architect:28500:1", "coder:33000:2", "tester:40100:1", "reviewer:2740:1", "designer:0:0" },
                agents.Select(a => a.Agent + ":" + a.TotalTokens + ":" + a.Tasks));
            Assert.Equal(4, rows.Count(r => r.Scope == UsageScope.Task));
            Assert.Equal(total.TotalTokens, rows.Where(r => r.Scope == UsageScope.Task).Sum(r => r.TotalTokens));
        }

        [Fact]
        public void BranchLog_TrackingFolder_ShouldYieldEntriesWithTokensNoteBranchAndTimestamp()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source BranchLog");

            Assert.Empty(ps.Errors);
            Assert.Equal(3, rows.Count);
            Assert.Equal(("feature/orders-api", 110000L, "Orders API, pagination, \"cursor\" tokens"), (rows[0].Branch, rows[0].TotalTokens, rows[0].Note));
            Assert.Equal(("main", 54161L, "Fixed token tracking and AI review pipeline"), (rows[1].Branch, rows[1].TotalTokens, rows[1].Note));
            Assert.Equal(new DateTimeOffset(2026, 11, 17, 18, 20, 3, TimeSpan.Zero).AddTicks(5123440), rows[1].Timestamp);
            Assert.Null(rows[2].Note);
        }

        [Fact]
        public void BranchLog_ExportFileAndBareArray_ShouldReadBothLayouts()
        {
            using var ws = new TempWorkspace();
            ws.Write("export.json", "{ \"export_metadata\": { \"export_version\": \"1.0\" }, \"token_data\": { \"total_tokens\": 500, \"sessions\": { \"timestamp\": \"2026-11-02T10:00:00\", \"tokens\": \"500\", \"notes\": \"one\" } }, \"git_context\": { \"branch\": \"fix/x\" } }");
            ws.Write("entries.json", "[ { \"tokens\": 12, \"note\": \"a\", \"branch\": \"b1\", \"timestamp\": \"2026-11-03T01:02:03Z\" } ]");
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source BranchLog export.json, entries.json");

            Assert.Equal(new[] { "fix/x:500:one", "b1:12:a" }, rows.Select(r => r.Branch + ":" + r.TotalTokens + ":" + r.Note));
        }

        [Fact]
        public void Source_MissingPath_ShouldWriteFileNotFound()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Get-TokenUsage -Source MemoryBanker");

            ErrorRecord e = ps.SingleError("FileNotFound,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(ws.PathOf("memory-bank/token-reports"), e.TargetObject);
        }

        [Fact]
        public void Source_FilesPipedFromGetChildItem_ShouldBindByPath()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TokenUsageRecord>("Get-ChildItem memory-bank/token-reports -Filter *.json | Get-TokenUsage -Source MemoryBanker");

            Assert.Equal(8, rows.Count);
        }
    }
}
