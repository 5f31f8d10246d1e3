using System;

namespace RlmTokens
{
    /// <summary>When Show-TokenStatusLine colours its line.</summary>
    public enum StatusLineColor
    {
        /// <summary>Colour unless $env:NO_COLOR is set (to anything) or $env:TERM is 'dumb'.</summary>
        Auto = 0,

        /// <summary>Always colour (ANSI escape sequences), even with NO_COLOR.</summary>
        Always,

        /// <summary>Never colour.</summary>
        Never,
    }

    /// <summary>
    /// One status line for Claude Code's statusLine command: the model, the session's exact tokens and
    /// cost, today's cost, the active 5-hour block, the context window used and the budget state. Every
    /// figure that could not be had is null; <see cref="Problem"/> says why the line is a fallback.
    /// </summary>
    public sealed class TokenStatusLine
    {
        /// <summary>The line as printed (without colour).</summary>
        public string Line { get; set; } = string.Empty;

        /// <summary>The model's display name (model.display_name), else its id.</summary>
        public string? Model { get; set; }

        /// <summary>The model id (model.id), e.g. claude-opus-4-5 or claude-sonnet-4-5[1m].</summary>
        public string? ModelId { get; set; }

        /// <summary>Claude Code's session id.</summary>
        public string? SessionId { get; set; }

        /// <summary>The session's transcript.</summary>
        public string? TranscriptPath { get; set; }

        /// <summary>The session's exact tokens (its transcript and subagent transcripts, each response once).</summary>
        public long? SessionTokens { get; set; }

        /// <summary>The session's cost at list prices; null when a model has no price.</summary>
        public decimal? SessionCostUsd { get; set; }

        /// <summary>Claude Code's own session cost figure (cost.total_cost_usd of the input).</summary>
        public decimal? ClaudeCostUsd { get; set; }

        /// <summary>Today's exact tokens over every transcript of the transcript roots.</summary>
        public long? TodayTokens { get; set; }

        /// <summary>Today's cost over every transcript of the transcript roots.</summary>
        public decimal? TodayCostUsd { get; set; }

        /// <summary>The cost of the active 5-hour block; null when no block is active.</summary>
        public decimal? BlockCostUsd { get; set; }

        /// <summary>When the active block started (UTC, on the hour).</summary>
        public DateTimeOffset? BlockStart { get; set; }

        /// <summary>When the active block ends (UTC).</summary>
        public DateTimeOffset? BlockEndsAt { get; set; }

        /// <summary>The time left in the active block.</summary>
        public TimeSpan? BlockTimeLeft { get; set; }

        /// <summary>The context window used: the last main-chain response's input, cache read and cache creation tokens.</summary>
        public long? ContextTokens { get; set; }

        /// <summary>The model's context window (context_window.context_window_size, else 1,000,000 for [1m] models, else 200,000).</summary>
        public long ContextWindow { get; set; }

        /// <summary>ContextTokens as a percentage of ContextWindow.</summary>
        public double? ContextPercent { get; set; }

        /// <summary>The worst state of the workspace's budgets (Test-TokenBudget); null when none is configured.</summary>
        public BudgetState? BudgetState { get; set; }

        /// <summary>Exact: the figures are the transcripts' counts.</summary>
        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;

        /// <summary>Why the line is a fallback (no input, bad input, no readable transcript); null when it is not.</summary>
        public string? Problem { get; set; }

        /// <summary>The workspace whose budgets were checked.</summary>
        public string? Workspace { get; set; }

        /// <summary>The instant the line describes.</summary>
        public DateTimeOffset Time { get; set; }
    }
}
