using System;
using System.IO;
using System.Linq;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    public sealed class TokenTrackerTests
    {
        [Fact]
        public void AddEstimate_OnNewWorkspace_ShouldCreateTheFileWithRlmShape()
        {
            using var dir = new TempDir();
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            Outcome<TokenEstimateRecord> r = t.AddEstimate(new EstimateRequest { Operation = OperationKind.Subagent, SubagentType = "coder" });

            Assert.Empty(r.Problems);
            Assert.Equal(12000, r.Value.TotalTokens);
            TokenSessionSummary s = t.GetSessionSummary()!;
            Assert.Equal(7200, s.InputTokens);
            Assert.Equal(4800, s.OutputTokens);
            Assert.Equal(1, s.SubagentsSpawned);
            Assert.Equal(Math.Round(7200 / 1e6m * 3 + 4800 / 1e6m * 15, 4), s.CostUsd);
            Assert.Equal(Clocks.Noon, s.StartedAt);
        }

        [Fact]
        public void AddEstimate_BeyondMaxOperations_ShouldKeepTheMostRecentHundred()
        {
            using var dir = new TempDir();
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));
            for (int i = 0; i < 105; i++)
            {
                t.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ToolName = "T" + i });
            }

            var ops = t.GetOperations().ToList();
            Assert.Equal(100, ops.Count);
            Assert.Equal("T5", ops[0].ToolName);
            Assert.Equal("T104", ops[^1].ToolName);
            Assert.Equal(105, t.GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void AddEstimate_WithOpenSession_ShouldTakeItsSessionId()
        {
            using var dir = new TempDir();
            dir.Write("RLM/progress/token-usage/current-session.json", "{\"session_id\":\"SESSION-2026-11-20-090000\",\"started_at\":\"2026-11-20T09:00:00Z\"}");
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            t.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool });

            Assert.Equal("SESSION-2026-11-20-090000", t.GetSessionSummary()!.SessionId);
        }

        [Fact]
        public void AddEstimate_WithCorruptFile_ShouldSetItAsideAndStartFresh()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/token-estimates.truncated.json", "RLM/progress/token-usage/token-estimates.json");
            byte[] before = File.ReadAllBytes(path);
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            Outcome<TokenEstimateRecord> r = t.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool });

            var problem = Assert.IsType<RlmTokens.Errors.CorruptDataFileException>(Assert.Single(r.Problems));
            Assert.Equal(before, File.ReadAllBytes(problem.SetAsidePath!));
            Assert.Equal(50, t.GetSessionSummary()!.InputTokens);
        }

        [Fact]
        public void AddEstimate_WithConfiguredConstants_ShouldUseThem()
        {
            using var dir = new TempDir();
            dir.Write("RLM/config/project-config.json", "{\"tokenTracking\":{\"enabled\":true,\"estimation\":{\"toolCallTokens\":80,\"inputUsdPerMillion\":5}}}");
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            t.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool });

            Assert.Equal(80, t.GetSessionSummary()!.InputTokens);
            Assert.Equal(Math.Round(80 / 1e6m * 5, 4), t.GetSessionSummary()!.CostUsd);
        }

        [Fact]
        public void AddEstimate_WithNegativeSize_ShouldThrowInvalidArgument()
        {
            using var dir = new TempDir();
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));
            var e = Assert.Throws<RlmTokens.Errors.InvalidArgumentException>(() => t.AddEstimate(new EstimateRequest { Operation = OperationKind.Read, Size = -1 }));
            Assert.Equal("NegativeFileSize", e.ErrorId);
            Assert.False(File.Exists(Path.Combine(dir.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void GetHistory_ShouldReadQuirkyDailyFilesInRangeOldestFirst()
        {
            using var dir = new TempDir();
            dir.CopyFixture("rlm/daily-2026-11-18.quirky.json", "RLM/progress/token-usage/daily-2026-11-18.json");
            dir.Write("RLM/progress/token-usage/daily-2026-11-17.json", "{\"date\":\"2026-11-17\",\"sessions\":[{\"session_id\":\"a\",\"cost_usd\":1,\"estimated_tokens\":10,\"exact\":true},{\"session_id\":\"b\",\"cost_usd\":2,\"estimated_tokens\":20}],\"totals\":{\"total_cost_usd\":3,\"estimated_tokens\":30,\"sessions_count\":2}}");
            dir.Write("RLM/progress/token-usage/daily-2026-11-10.json", "{\"date\":\"2026-11-10\",\"sessions\":[],\"totals\":{}}");
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            Outcome<System.Collections.Generic.IReadOnlyList<TokenUsageDay>> h = t.GetHistory(new DateTime(2026, 11, 14), new DateTime(2026, 11, 20));

            Assert.Empty(h.Problems);
            Assert.Equal(new[] { new UsageDate(2026, 11, 17), new UsageDate(2026, 11, 18) }, h.Value.Select(d => d.Date).ToArray());
            Assert.Equal(UsagePrecision.Mixed, h.Value[0].Precision);
            Assert.Equal(92222, h.Value[1].TotalTokens);
            Assert.Equal(0.83m, h.Value[1].CostUsd);
            Assert.Equal(1, h.Value[1].Sessions);
        }

        [Fact]
        public void GetOperations_OnRlmEntriesWithoutSplit_ShouldDeriveInputAndOutput()
        {
            using var dir = new TempDir();
            dir.Write("RLM/progress/token-usage/token-estimates.json",
                "{\"by_operation\":[{\"type\":\"file_edit\",\"tokens_added\":200},{\"type\":\"subagent_spawn\",\"tokens_added\":12000},{\"type\":\"file_write\",\"tokens_added\":9}]}");
            var t = new TokenTracker(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

            var ops = t.GetOperations().ToList();

            Assert.Equal((125L, 75L), (ops[0].InputTokens, ops[0].OutputTokens));
            Assert.Equal((7200L, 4800L), (ops[1].InputTokens, ops[1].OutputTokens));
            Assert.Equal((0L, 9L), (ops[2].InputTokens, ops[2].OutputTokens));
        }

        [Theory]
        [InlineData("SESSION-2026-11-20-101500", true)]
        [InlineData("0f3c2a4e-1b2c-4d5e-8f90-123456789abc", true)]
        [InlineData("../../x", false)]
        [InlineData("/etc/passwd", false)]
        [InlineData("C:\\x", false)]
        [InlineData("CON", false)]
        [InlineData("nul.txt", false)]
        [InlineData(".hidden", false)]
        [InlineData("a\u0001b", false)]
        [InlineData("", false)]
        public void IsSafeId_ShouldRefuseAnythingThatCouldLeaveTheFolder(string id, bool safe) =>
            Assert.Equal(safe, Workspace.IsSafeId(id));

        [Fact]
        public void IsSafeId_WithVeryLongName_ShouldRefuse() => Assert.False(Workspace.IsSafeId(new string('a', 129)));
    }
}

namespace RlmTokens.Core.Tests
{
    public sealed class TokenTrackerOverflowTests
    {
        [Fact]
        public void AddEstimate_OnCountsNearTheLimit_ShouldRefuseWithNumberOutOfRangeAndKeepTheFile()
        {
            using var dir = new TempDir();
            string path = dir.Write("RLM/progress/token-usage/token-estimates.json",
                "{\"tokens\":{\"input_estimated\":9223372036854775800,\"output_estimated\":0,\"total_estimated\":9223372036854775800}}");
            byte[] before = System.IO.File.ReadAllBytes(path);
            var t = new TokenTracker(new RlmTokens.Storage.Workspace(dir.Root), Clocks.At(Clocks.Noon));

            var e = Assert.Throws<RlmTokens.Errors.InvalidArgumentException>(() =>
                t.AddEstimate(new RlmTokens.Estimation.EstimateRequest { Operation = OperationKind.Tool }));

            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal(path, e.Target);
            Assert.Equal(before, System.IO.File.ReadAllBytes(path));
        }
    }
}
