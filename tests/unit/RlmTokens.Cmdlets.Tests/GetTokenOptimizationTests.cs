using System.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class GetTokenOptimizationTests
    {
        private static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        [Fact]
        public void Samples_LogAndMetrics_ShouldRateAgentsAndFlagTasksAndOpusSmallTurns()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var findings = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization");

            Assert.Empty(ps.Errors);
            var agents = findings.Where(f => f.Rule == OptimizationRule.AgentTokensPerTask).ToList();
            Assert.Equal(new[] { "architect:28500:Fair:35000", "coder:18433.3:Good:20000", "copilot:54161:Poor:35000", "reviewer:6670:Excellent:10000", "tester:40100:Poor:35000" },
                agents.Select(f => f.Subject + ":" + f.Figure + ":" + f.Rating + ":" + f.Threshold));
            Assert.Equal(FindingSeverity.Medium, agents.Single(a => a.Subject == "tester").Severity);
            Assert.All(agents, a => Assert.Equal("RlmLog", a.Evidence));
            var tasks = findings.Where(f => f.Rule == OptimizationRule.TaskAboveTarget).ToList();
            Assert.Equal(new[] { "TASK-014:54161", "TASK-101:47800", "TASK-103:40100", "TASK-012:22300" }, tasks.Select(f => f.Subject + ":" + f.Figure));
            Assert.All(tasks, t => Assert.Equal(20000, t.Threshold));
            Assert.Contains("architect, coder", tasks[1].Message);
            TokenOptimizationFinding opus = findings.Single(f => f.Rule == OptimizationRule.ExpensiveModelForSmallTurns);
            Assert.Equal(("claude-opus-4", 1370.0, 2000.0), (opus.Subject, opus.Figure, opus.Threshold));
            Assert.DoesNotContain(findings, f => f.Rule == OptimizationRule.FrequentCompactions); // one compaction only
        }

        [Fact]
        public void RuleAndSeverityFilters_ShouldKeepOnlyWhatIsAskedFor()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var findings = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization -Rule AgentTokensPerTask, TaskAboveTarget -MinimumSeverity Medium -TaskTarget 45000");

            Assert.Equal(new[] { "AgentTokensPerTask:copilot", "AgentTokensPerTask:tester", "TaskAboveTarget:TASK-014", "TaskAboveTarget:TASK-101" },
                findings.Select(f => f.Rule + ":" + f.Subject));
            Assert.Equal(45000, findings[3].Threshold);
        }

        [Fact]
        public void MetricsOnly_AgentsWithTasksCompleted_ShouldBeRatedFromMetrics()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/metrics.json", "{ \"tokenUsage\": { \"total\": 90000, \"byAgent\": { \"coder\": 60000 }, \"byTask\": { \"T-9\": { \"tokens\": 52000, \"agent\": \"coder\" }, \"T-10\": 8000 } },"
                + " \"agents\": { \"coder\": { \"tokensUsed\": 60000, \"tasksCompleted\": 2 }, \"tester\": { \"tokensUsed\": 30000, \"tasksCompleted\": \"3\" } } }");
            using var ps = new PowerShellHost(ws.Root);

            var findings = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization");

            Assert.Equal(new[] { "coder:30000:Fair", "tester:10000:Good" },
                findings.Where(f => f.Rule == OptimizationRule.AgentTokensPerTask).Select(f => f.Subject + ":" + f.Figure + ":" + f.Rating));
            TokenOptimizationFinding task = findings.Single(f => f.Rule == OptimizationRule.TaskAboveTarget);
            Assert.Equal(("T-9", 52000.0, "RlmMetrics"), (task.Subject, task.Figure, task.Evidence));
        }

        [Fact]
        public void CompactEvents_ThreeInOneSession_ShouldBeFrequent()
        {
            using var ws = new TempWorkspace();
            string ev(string s, string t) => "{ \"event\": \"context_compact\", \"timestamp\": \"" + t + "\", \"reason\": \"auto\", \"session_id\": \"" + s + "\" }";
            ws.Write("RLM/progress/token-usage/compact-events.json", "[ " + ev("S-1", "2026-11-20T10:00:00Z") + ", " + ev("S-1", "2026-11-20T11:00:00Z") + ", "
                + ev("S-2", "2026-11-20T11:30:00Z") + ", " + ev("S-1", "2026-11-20T12:00:00Z") + " ]");
            using var ps = new PowerShellHost(ws.Root);

            TokenOptimizationFinding f = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization -Rule FrequentCompactions").Single();

            Assert.Equal(("S-1", 3.0, 3.0, "compact-events.json"), (f.Subject, f.Figure, f.Threshold, f.Evidence));
        }

        [Fact]
        public void EstimateVariance_SessionWithEstimateAndCapturedExactFigures_ShouldReportBothUnits()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"S-7\", \"started_at\": \"2026-11-20T09:00:00Z\","
                + " \"tokens\": { \"input_estimated\": 40000, \"output_estimated\": 20000, \"total_estimated\": 60000 }, \"estimated_cost_usd\": 1.0 }");
            ws.Write("RLM/progress/token-usage/daily-2026-11-20.json", "{ \"date\": \"2026-11-20\", \"sessions\": [ { \"session_id\": \"S-7\", \"cost_usd\": 2.0,"
                + " \"estimated_tokens\": 100000, \"exact\": true, \"captured_at\": \"2026-11-20T12:00:00Z\" } ], \"totals\": { \"total_cost_usd\": 2.0, \"estimated_tokens\": 100000, \"sessions_count\": 1 } }");
            using var ps = new PowerShellHost(ws.Root);

            var findings = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization -Rule EstimateVariance");

            Assert.Equal(new[] { "S-7:-0.4:TokensRatio", "S-7:-0.5:UsdRatio" }, findings.Select(f => f.Subject + ":" + f.Figure + ":" + f.Unit));
            Assert.All(findings, f => Assert.Equal(0.25, f.Threshold));
            Assert.Equal("OpenSession,DailyFiles", findings[0].Evidence);
        }

        [Fact]
        public void EmptyWorkspace_ShouldReturnNothingWithoutErrors()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenOptimization"));
        }
    }
}
