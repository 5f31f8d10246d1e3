using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Get-TokenUsage -Transcript over samples/agents, a home folder holding Claude Code, Codex CLI, Gemini
    /// CLI and OpenCode data; every figure computed by hand from the sample files (see the Core
    /// AgentReaderTests for the arithmetic of each agent).
    /// </summary>
    public sealed class GetTokenUsageAgentTests
    {
        private static string Agents => Path.Combine(Repo.Samples, "agents");

        private const string Read = "Get-TokenUsage -Transcript -TranscriptRoot $args[0] -TimeZone UTC -NoCache ";

        [Fact]
        public void Transcript_OverAHomeWithFourAgents_ShouldGiveEachAgentsHandComputedTotals()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Cli", Agents);

            Assert.Empty(ps.Errors);
            Assert.Empty(ps.Warnings);
            Assert.Equal(new[] { "Claude", "Codex", "Gemini", "OpenCode" }, rows.Select(r => r.GroupKey));
            Assert.Equal(new[] { "Claude", "Codex", "Gemini", "OpenCode" }, rows.Select(r => r.Agents));
            // Claude: one response on two lines (10 in, 200 out, 1000 5-minute writes, 5000 reads of Sonnet 4.5).
            Assert.Equal(new[] { (10L, 200L, 1000L, 5000L), (3100L, 1050L, 0L, 2000L), (8350L, 920L, 0L, 4000L), (750L, 560L, 3000L, 12300L) },
                rows.Select(r => (r.InputTokens, r.OutputTokens, r.CacheCreationTokens, r.CacheReadTokens)));
            Assert.Equal(new[] { 1L, 5L, 3L, 2L }, rows.Select(r => r.RecordCount));
            decimal[] costs = { 0.00828m, 0.014625m, 0.017005m, 0.0235125m };
            for (int i = 0; i < costs.Length; i++) { Assert.Equal(costs[i], rows[i].CostUsd!.Value, 9); }

            var day = ps.RunAs<TranscriptUsageRow>(Read + "-Since 2026-11-20 -Until 2026-11-20", Agents).Single();
            Assert.Equal("Claude, Codex, Gemini, OpenCode", day.Agents);
            // 11-20: Claude 6210, Codex 1500 + 2000 + 1400 (not 11-21's 1100 and 150), Gemini 10800 + 2150 + 320,
            // OpenCode 15450 + 1160.
            Assert.Equal(6210 + 4900 + 13270 + 16610, day.TotalTokens);
        }

        [Fact]
        public void Transcript_WithAgentSessionIdAndBreakdown_ShouldFilterAndSplitRows()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var onlyTwo = ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Cli -Agent Gemini, OpenCode", Agents);
            Assert.Equal(new[] { "Gemini", "OpenCode" }, onlyTwo.Select(r => r.GroupKey));

            TranscriptUsageRow session = ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Session -SessionId '0199aaaa*'", Agents).Single();
            Assert.Equal((3000L, 1000L, 2000L, 6000L), (session.InputTokens, session.OutputTokens, session.CacheReadTokens, session.TotalTokens));

            var byModel = ps.RunAs<TranscriptUsageRow>(Read + "-Agent Codex -Breakdown Model", Agents);
            Assert.Empty(ps.Errors);
            Assert.Equal(new[] { ("2026-11-20", "gpt-5", 1400L), ("2026-11-20", "gpt-5-codex", 3500L), ("2026-11-21", "gpt-5", 150L), ("2026-11-21", "gpt-5-codex", 1100L) },
                byModel.Select(r => (r.GroupKey, r.Breakdown, r.TotalTokens)));
            Assert.All(byModel, r => Assert.Equal(r.Breakdown, r.Models));

            var projectDay = ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Project -Breakdown Day -Agent Codex", Agents);
            Assert.Equal(new[] { ("acme-api", "2026-11-20"), ("acme-api", "2026-11-21"), ("web-dashboard", "2026-11-21") }, projectDay.Select(r => (r.GroupKey, r.Breakdown)));
        }

        [Fact]
        public void Transcript_WithPeriodLastAndWeekStart_ShouldCountFromNow()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            const string now = "-Now ([DateTimeOffset]'2026-11-21T12:00:00Z') ";

            TranscriptUsageRow today = ps.RunAs<TranscriptUsageRow>(Read + now + "-Period Today -Agent Codex", Agents).Single();
            Assert.Equal(("2026-11-21", 1250L), (today.GroupKey, today.TotalTokens));
            TranscriptUsageRow yesterday = ps.RunAs<TranscriptUsageRow>(Read + now + "-Period Yesterday -Agent Codex", Agents).Single();
            Assert.Equal("2026-11-20", yesterday.GroupKey);
            Assert.Equal(2, ps.RunAs<TranscriptUsageRow>(Read + now + "-Last 2 -Agent Codex", Agents).Count);
            Assert.Empty(ps.RunAs<TranscriptUsageRow>(Read + now + "-Period LastMonth", Agents));
            Assert.Empty(ps.Errors);

            // Friday 20 and Saturday 21 November 2026: one week from Monday the 16th, two from Saturday.
            Assert.Equal(new[] { "2026-11-16" }, ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Week -Agent Codex", Agents).Select(r => r.GroupKey));
            Assert.Equal(new[] { "2026-11-14", "2026-11-21" }, ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Week -WeekStart Saturday -Agent Codex", Agents).Select(r => r.GroupKey));
            var thisWeek = ps.RunAs<TranscriptUsageRow>(Read + now + "-Period ThisWeek -WeekStart Saturday -Agent Codex", Agents);
            Assert.Equal(new[] { "2026-11-21" }, thisWeek.Select(r => r.GroupKey));
        }

        [Fact]
        public void Transcript_WithConflictingRangesBlockBreakdownAndUnknownFormat_ShouldWriteStableErrors()
        {
            using var ws = new TempWorkspace();
            string old = ws.Write("home/.codex/sessions/rollout-2025-05-01-old.jsonl", "{\"id\":\"old\",\"instructions\":null}\n", bom: false, crlf: false);
            ws.Write("home/.codex/sessions/rollout-2026-01-01T00-00-00-new.jsonl",
                "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"last_token_usage\":{\"input_tokens\":7,\"output_tokens\":3}}}}\n", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run(Read + "-Since 2026-11-01 -Last 3", Agents);
            Assert.Equal(ErrorCategory.InvalidArgument, ps.SingleError("ConflictingDateRange,RlmTokens.Cmdlets.GetTokenUsageCommand").CategoryInfo.Category);
            ps.Run(Read + "-Breakdown Block", Agents);
            ps.SingleError("GroupingNotSupported,RlmTokens.Cmdlets.GetTokenUsageCommand");
            ps.Run(Read + "-Agent Copilot", Agents);
            ErrorRecord agent = ps.SingleError("UnknownAgent,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal((ErrorCategory.InvalidArgument, (object)"Copilot"), (agent.CategoryInfo.Category, agent.TargetObject));
            // Case does not matter, and the ledger's label of Claude Code names Claude too.
            Assert.Equal(new[] { "Claude", "Codex" }, ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Cli -Agent codex, claude-code", Agents).Select(r => r.GroupKey).OrderBy(k => k, System.StringComparer.Ordinal));
            Assert.Empty(ps.Errors);

            TranscriptUsageRow row = ps.RunAs<TranscriptUsageRow>(Read + "-GroupBy Cli", ws.PathOf("home")).Single();
            ErrorRecord unknown = ps.SingleError("UnknownAgentFormat,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidData, unknown.CategoryInfo.Category);
            Assert.Equal(old, unknown.TargetObject);
            Assert.Equal(("Codex", 10L), (row.GroupKey, row.TotalTokens));
        }

        [Fact]
        public void Transcript_ActiveBlockWithTokenLimit_ShouldShowBurnRateAndProjection()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            // OpenCode's two responses, 11:02:30 (15,450 tokens) and 11:03:00 (1,160), open the 11:00-16:00 block:
            // 16,610 tokens in half a minute; at 11:30, 270 minutes are left.
            TranscriptUsageRow active = ps.RunAs<TranscriptUsageRow>(Read + "-Agent OpenCode -Active -Now ([DateTimeOffset]'2026-11-20T11:30:00Z') -TokenLimit '1,000,000'", Agents).Single();
            Assert.Empty(ps.Errors);
            Assert.Equal((UsageGrouping.Block, "2026-11-20 11:00", true, 270.0), (active.GroupBy, active.GroupKey, active.IsActive, active.MinutesLeft!.Value));
            Assert.Equal(33_220, active.TokensPerMinute);
            Assert.Equal(16_610 + 33_220 * 270, active.ProjectedTokens);
            Assert.Equal(0.0235125m * 120, active.CostPerHourUsd!.Value, 9);
            Assert.Equal(0.0235125m * 541, active.ProjectedCostUsd!.Value, 9);
            Assert.Equal((1_000_000L, 1.661), (active.TokenLimit!.Value, active.PercentOfLimit!.Value));

            // Codex: the 11-20 block (4,900 tokens) is past at noon on the 21st; the 11-21 block (1,250) is active.
            var blocks = ps.RunAs<TranscriptUsageRow>(Read + "-Agent Codex -TokenLimit max -Now ([DateTimeOffset]'2026-11-21T12:00:00Z')", Agents);
            Assert.Equal(new[] { ("2026-11-20 09:00", false), ("2026-11-21 08:00", true) }, blocks.Select(b => (b.GroupKey, b.IsActive)));
            Assert.All(blocks, b => Assert.Equal(4900, b.TokenLimit));
            Assert.Empty(ps.RunAs<TranscriptUsageRow>(Read + "-Agent Codex -Active -Now ([DateTimeOffset]'2026-11-22T12:00:00Z')", Agents));
            Assert.Contains(ps.Warnings, w => w.Message.Contains("No 5-hour block is active"));

            ps.Run(Read + "-TokenLimit lots", Agents);
            Assert.Equal("lots", ps.SingleError("InvalidTokenLimit,RlmTokens.Cmdlets.GetTokenUsageCommand").TargetObject);
            ps.Run(Read + "-Active -GroupBy Day", Agents);
            ps.SingleError("BlockOptionWithoutBlocks,RlmTokens.Cmdlets.GetTokenUsageCommand");
        }

        [Fact]
        public void Agent_Completion_ShouldOfferTheAgents()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            PSObject result = Assert.Single(ps.RunClean(
                "[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null)", "Get-TokenUsage -Transcript -Agent "));
            List<string> offered = Assert.IsType<CommandCompletion>(result.BaseObject).CompletionMatches.Select(m => m.CompletionText).ToList();
            Assert.Equal(new[] { "Claude", "Codex", "Gemini", "OpenCode" }, offered);
            PSObject limit = Assert.Single(ps.RunClean(
                "[System.Management.Automation.CommandCompletion]::CompleteInput($args[0], $args[0].Length, $null)", "Get-TokenUsage -Transcript -TokenLimit m"));
            Assert.Equal(new[] { "Max" }, Assert.IsType<CommandCompletion>(limit.BaseObject).CompletionMatches.Select(m => m.CompletionText));
        }
    }
}
