using System;

namespace RlmTokens
{
    /// <summary>The kinds of other tools' files Get-TokenUsage -Source reads.</summary>
    public enum UsageSourceKind
    {
        /// <summary>claude-flow's .claude-flow/token-usage.json {total, input, output, byAgent}, and ~/.claude/metrics/usage.json {sessions[].tokenUsage}.</summary>
        ClaudeFlow = 0,

        /// <summary>Memory Banker's memory-bank/token-reports/token_usage_*.json (one report per run, agent_usage[] rows).</summary>
        MemoryBanker,

        /// <summary>The older RLM token-tracker.sh log: RLM/progress/token-usage.log, pretty-printed JSON objects one after another.</summary>
        RlmLog,

        /// <summary>The older RLM RLM/progress/metrics.json: tokenUsage {input, output, total, totalCost, dailyUsage, byAgent, byTask} and agents.&lt;name&gt;.tokensUsed.</summary>
        RlmMetrics,

        /// <summary>Per-branch manual logs (track-tokens add): token_metrics/local_tracking/tokens_&lt;branch&gt;.json {branch, total_tokens, sessions[{timestamp, tokens, notes}]}.</summary>
        BranchLog,
    }

    /// <summary>What one imported row stands for. Rows of one file with the same scope add up; rows of different scopes are different breakdowns of the same usage.</summary>
    public enum UsageScope
    {
        /// <summary>One logged entry (a token-tracker.sh record, a manual log line).</summary>
        Entry = 0,

        /// <summary>One session or run.</summary>
        Session,

        /// <summary>One agent's share.</summary>
        Agent,

        /// <summary>One task's share.</summary>
        Task,

        /// <summary>One calendar day.</summary>
        Day,

        /// <summary>The whole file's total.</summary>
        Total,
    }

    /// <summary>One row of another tool's token data (Get-TokenUsage -Source): flat, ready for Export-TokenUsage.</summary>
    public sealed class TokenUsageRecord
    {
        public UsageSourceKind Source { get; set; }

        public UsageScope Scope { get; set; }

        public DateTimeOffset? Timestamp { get; set; }

        public string? SessionId { get; set; }

        public string? Agent { get; set; }

        public string? Task { get; set; }

        public string? Model { get; set; }

        /// <summary>The command that ran (Memory Banker: init, update, refresh).</summary>
        public string? Command { get; set; }

        public string? Branch { get; set; }

        public string? Note { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal? CostUsd { get; set; }

        /// <summary>Tasks the row covers (agent rows of RLM metrics), 0 when unknown.</summary>
        public long Tasks { get; set; }

        public double DurationSeconds { get; set; }

        /// <summary>Whether the agent run succeeded (Memory Banker), null when the file does not say.</summary>
        public bool? Success { get; set; }

        public string? Error { get; set; }

        public UsagePrecision Precision { get; set; }

        /// <summary>The file the row was read from.</summary>
        public string? File { get; set; }
    }

    /// <summary>One file of another tool's token data, summed (Get-TokenUsage -Source ... -List).</summary>
    public sealed class TokenUsageReport
    {
        public UsageSourceKind Source { get; set; }

        public string? File { get; set; }

        public string? SessionId { get; set; }

        public string? Model { get; set; }

        public string? Command { get; set; }

        public string? Branch { get; set; }

        public DateTimeOffset? Start { get; set; }

        public DateTimeOffset? End { get; set; }

        public double DurationSeconds { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal? CostUsd { get; set; }

        /// <summary>Rows the file yields.</summary>
        public long RecordCount { get; set; }

        public long Succeeded { get; set; }

        public long Failed { get; set; }

        public UsagePrecision Precision { get; set; }
    }
}
