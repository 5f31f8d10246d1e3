using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class GetTokenUsageTests
    {
        private static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        [Fact]
        public void Default_OnSamples_ShouldReturnTheOpenSessionEstimate()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            TokenSessionSummary s = ps.RunAs<TokenSessionSummary>("Get-TokenUsage").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal("SESSION-2026-11-23-091500", s.SessionId);
            Assert.Equal(new DateTimeOffset(2026, 11, 23, 9, 15, 0, TimeSpan.Zero), s.StartedAt);
            Assert.Equal(s.InputTokens + s.OutputTokens, s.TotalTokens);
            Assert.Equal(25473, s.TotalTokens);
            Assert.Equal((3L, 1L, 2L, 2L, 4L), (s.FilesRead, s.FilesWritten, s.FilesEdited, s.SubagentsSpawned, s.ToolCalls));
            Assert.Equal(1, s.Compactions);
            Assert.Equal(UsagePrecision.Estimated, s.Precision);
        }

        [Fact]
        public void Detailed_OnSamples_ShouldListEveryRecentOperationOldestFirst()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenEstimateRecord> ops = ps.RunAs<TokenEstimateRecord>("Get-TokenUsage -Detailed");

            Assert.Equal(12, ops.Count);
            Assert.Equal(OperationKind.Read, ops[0].Operation);
            Assert.Equal("coder", ops[4].SubagentType);
            Assert.Equal(ops.Sum(o => o.TotalTokens), ops.Sum(o => o.InputTokens + o.OutputTokens));
            Assert.True(ops.Zip(ops.Skip(1)).All(p => p.First.Timestamp <= p.Second.Timestamp));
        }

        [Fact]
        public void History_WithSinceAndUntil_ShouldReturnOneFlatRowPerDay()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenUsageDay> days = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22");

            Assert.Equal(7, days.Count);
            Assert.Equal(new DateTime(2026, 11, 16), days[0].Date);
            Assert.Equal(new long[] { 2, 3, 1, 2, 4, 1, 2 }, days.Select(d => d.Sessions).ToArray());
            Assert.Equal(38.28m, Math.Round(days.Sum(d => d.CostUsd), 2));
            Assert.All(days, d => Assert.Equal(UsagePrecision.Estimated, d.Precision));
        }

        [Fact]
        public void History_WithDays_ShouldCountBackFromUntil()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenUsageDay> days = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History -Days 3 -Until 2026-11-22");

            Assert.Equal(new[] { 20, 21, 22 }, days.Select(d => d.Date.Day).ToArray());
        }

        [Fact]
        public void History_PipedToExportCsv_ShouldGiveFlatColumns()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-Csv -LiteralPath ./usage.csv -NoTypeInformation");

            string[] lines = File.ReadAllLines(ws.PathOf("usage.csv"));
            Assert.Equal("\"Date\",\"Sessions\",\"TotalTokens\",\"CostUsd\",\"Precision\",\"Workspace\"", lines[0]);
            Assert.Equal(8, lines.Length);
        }

        [Fact]
        public void Default_OnEmptyWorkspace_ShouldWarnAndReturnNothing()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var output = ps.Run("Get-TokenUsage");

            Assert.Empty(output);
            Assert.Empty(ps.Errors);
            Assert.Contains("No token data", Assert.Single(ps.Warnings).Message);
        }

        [Fact]
        public void History_WithOneCorruptDailyFile_ShouldReportItAndReturnTheOthersUntouched()
        {
            using var ws = Samples();
            string bad = ws.Write("RLM/progress/token-usage/daily-2026-11-19.json", "{\"date\": \"2026-11-19\", \"sessions\": [");
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenUsageDay> days = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22");

            Assert.Equal(6, days.Count);
            ErrorRecord e = ps.SingleError("CorruptDataFile,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal(bad, e.TargetObject);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void Default_WithCorruptEstimates_ShouldReportAndNeverRewriteIt()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{\"tokens\": ");
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.Run("Get-TokenUsage"));

            ps.SingleError("CorruptDataFile,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void MissingWorkspace_ShouldBeWorkspaceNotFound()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Get-TokenUsage -WorkspaceRoot ./missing");

            ErrorRecord e = ps.SingleError("WorkspaceNotFound,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
        }
    }
}
