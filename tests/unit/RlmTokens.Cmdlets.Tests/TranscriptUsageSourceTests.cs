using System.Linq;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Transcripts (issue 4's reader) as the exact usage source of Test-TokenBudget and Get-TokenOptimization.</summary>
    public sealed class TranscriptUsageSourceTests
    {
        internal static string Line(string root, string session, string time, string msg, string req, string model, long input, long output, long write, long read) =>
            "{\"parentUuid\":null,\"isSidechain\":false,\"cwd\":" + JsonSerializer.Serialize(root) + ",\"sessionId\":\"" + session + "\",\"type\":\"assistant\","
            + "\"message\":{\"model\":\"" + model + "\",\"id\":\"" + msg + "\",\"type\":\"message\",\"role\":\"assistant\",\"content\":[],"
            + "\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + ",\"cache_creation_input_tokens\":" + write + ",\"cache_read_input_tokens\":" + read + "}},"
            + "\"requestId\":\"" + req + "\",\"uuid\":\"u-" + msg + "\",\"timestamp\":\"" + time + "\"}\n";

        // Session S-T on 2026-11-20: a big Sonnet turn (written twice, as Claude Code does), two small Opus turns;
        // another project's session that must not count.
        internal static TempWorkspace Workspace()
        {
            var ws = new TempWorkspace();
            string session = "3b7f5a52-8f0e-4c59-9a0b-6f1c2d3e4f50";
            string big = Line(ws.Root, session, "2026-11-20T10:00:00.000Z", "msg_1", "req_1", "claude-sonnet-4-5-20250929", 1000, 4000, 5000, 1000);
            ws.Write("transcripts/projects/-tmp-ws/" + session + ".jsonl",
                big + big
                + Line(ws.Root, session, "2026-11-20T10:05:00.000Z", "msg_2", "req_2", "claude-opus-4-1-20250805", 300, 200, 0, 500)
                + Line(ws.Root, session, "2026-11-20T10:06:00.000Z", "msg_3", "req_3", "claude-opus-4-1-20250805", 400, 100, 0, 300),
                bom: false, crlf: false);
            ws.Write("transcripts/projects/-elsewhere/other.jsonl",
                Line("/somewhere/else", "other", "2026-11-20T11:00:00.000Z", "msg_9", "req_9", "claude-sonnet-4-5-20250929", 90000, 9000, 0, 0), bom: false, crlf: false);
            ws.Write("RLM/progress/token-usage/daily-2026-11-20.json", "{ \"date\": \"2026-11-20\", \"sessions\": [ { \"session_id\": \"" + session + "\", \"cost_usd\": 2.0,"
                + " \"estimated_tokens\": 100000, \"captured_at\": \"2026-11-20T12:00:00Z\" } ], \"totals\": { \"total_cost_usd\": 2.0, \"estimated_tokens\": 100000, \"sessions_count\": 1 } }");
            return ws;
        }

        [Fact]
        public void Budget_WithTranscriptRoot_ShouldCountTheSessionExactlyAndKeepTheCapturedCost()
        {
            using TempWorkspace ws = Workspace();
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000 -LimitUsd 10 -TranscriptRoot transcripts");

            Assert.Empty(ps.Errors);
            TokenBudgetStatus tokens = statuses.Single(s => s.Unit == BudgetUnit.Tokens);
            Assert.Equal(11000 + 1000 + 800, tokens.Used); // each response once; the other project left out
            Assert.Equal(UsagePrecision.Exact, tokens.Precision);
            Assert.Equal("Transcripts", tokens.Source);
            TokenBudgetStatus usd = statuses.Single(s => s.Unit == BudgetUnit.Usd);
            Assert.Equal(2.0m, usd.Used); // the captured /cost is exact, the transcript's price an estimate
            Assert.Equal(UsagePrecision.Exact, usd.Precision);
            Assert.Equal("DailyFiles", usd.Source);

            TokenBudgetStatus without = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000").Single();
            Assert.Equal((100000.0m, UsagePrecision.Estimated), (without.Used, without.Precision));
        }

        [Fact]
        public void Budget_OpenSessionWithClaudeSessionId_ShouldCountItsTranscriptOnceInSessionAndDay()
        {
            using TempWorkspace ws = Workspace();
            ws.Write("RLM/config/project-config.json", "{ \"tokenTracking\": { \"enabled\": true, \"budgetSession\": 50000, \"budgetDaily\": 1000000 } }");
            ws.Write("RLM/progress/token-usage/current-session.json", "{ \"session_id\": \"SESSION-2026-11-20-095500\", \"started_at\": \"2026-11-20T09:55:00Z\","
                + " \"claude_session_id\": \"3b7f5a52-8f0e-4c59-9a0b-6f1c2d3e4f50\" }");
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"session_id\": \"SESSION-2026-11-20-095500\", \"started_at\": \"2026-11-20T09:55:00Z\","
                + " \"tokens\": { \"input_estimated\": 40000, \"output_estimated\": 20000, \"total_estimated\": 60000 }, \"estimated_cost_usd\": 0.42 }");
            // The capture of the same Claude session is in the daily file under its Claude id.
            using var ps = new PowerShellHost(ws.Root);

            var statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Date 2026-11-20 -TranscriptRoot transcripts");

            Assert.Empty(ps.Errors);
            TokenBudgetStatus session = statuses.Single(s => s.Period == BudgetPeriod.Session);
            Assert.Equal(("SESSION-2026-11-20-095500", 12800.0m, UsagePrecision.Exact, "Transcripts"), (session.SessionId, session.Used, session.Precision, session.Source));
            TokenBudgetStatus day = statuses.Single(s => s.Period == BudgetPeriod.Daily);
            Assert.Equal(12800.0m, day.Used); // not 12,800 + 60,000 + 100,000: one session, three figures
        }

        [Fact]
        public void Budget_MissingTranscriptRoot_ShouldBeATerminatingFileNotFound()
        {
            using TempWorkspace ws = Workspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Test-TokenBudget -Period Daily -Limit 1 -TranscriptRoot nowhere");

            Assert.Equal("FileNotFound,RlmTokens.Cmdlets.TestTokenBudgetCommand", Assert.Single(ps.Errors).FullyQualifiedErrorId);
        }

        [Fact]
        public void Optimization_WithTranscriptRoot_ShouldReportCacheShareOpusSmallTurnsAndVariance()
        {
            using TempWorkspace ws = Workspace();
            using var ps = new PowerShellHost(ws.Root);

            var findings = ps.RunAs<TokenOptimizationFinding>("Get-TokenOptimization -TranscriptRoot transcripts");

            Assert.Empty(ps.Errors);
            TokenOptimizationFinding cache = findings.Single(f => f.Rule == OptimizationRule.LowCacheReadShare);
            Assert.Equal("3b7f5a52-8f0e-4c59-9a0b-6f1c2d3e4f50", cache.Subject);
            Assert.Equal(System.Math.Round(1800.0 / (1700 + 5000 + 1800), 4), cache.Figure);
            Assert.Equal(0.5, cache.Threshold);
            TokenOptimizationFinding opus = findings.Single(f => f.Rule == OptimizationRule.ExpensiveModelForSmallTurns);
            Assert.Equal(("claude-opus-4-1-20250805", 900.0, "Transcripts"), (opus.Subject, opus.Figure, opus.Evidence));
            TokenOptimizationFinding variance = findings.Single(f => f.Rule == OptimizationRule.EstimateVariance && f.Unit == "TokensRatio");
            Assert.Equal("DailyFiles,Transcripts", variance.Evidence);
            // The transcript's priced cost is the estimate, the captured /cost the exact figure.
            Assert.Equal("Transcripts,DailyFiles", findings.Single(f => f.Rule == OptimizationRule.EstimateVariance && f.Unit == "UsdRatio").Evidence);
            Assert.Equal(System.Math.Round((100000.0 - 12800) / 12800, 4), variance.Figure);
        }
    }
}
