using System;

namespace RlmTokens
{
    /// <summary>
    /// One frame of Watch-TokenUsage: the active 5-hour block against a plan's limit, its burn rate and
    /// projection, and today's and this month's totals. Exact figures from Claude Code transcripts; times in
    /// the frame's time zone.
    /// </summary>
    public sealed class TokenMonitorFrame
    {
        /// <summary>The time the frame describes.</summary>
        public DateTimeOffset Now { get; set; }

        public MonitorPlan Plan { get; set; }

        public MonitorLimitSource LimitSource { get; set; }

        /// <summary>Tokens per 5-hour block.</summary>
        public long TokenLimit { get; set; }

        /// <summary>USD per 5-hour block; null when the plan has none.</summary>
        public decimal? CostLimitUsd { get; set; }

        /// <summary>False when no block is active at <see cref="Now"/> (nothing used in the last five hours).</summary>
        public bool BlockActive { get; set; }

        /// <summary>The start of the active block (the hour of its first response, UTC-aligned); null when none is active.</summary>
        public DateTimeOffset? BlockStart { get; set; }

        /// <summary>When the active block resets (its start plus five hours).</summary>
        public DateTimeOffset? BlockEnd { get; set; }

        public long BlockRecordCount { get; set; }

        public long BlockInputTokens { get; set; }

        public long BlockOutputTokens { get; set; }

        public long BlockCacheCreationTokens { get; set; }

        public long BlockCacheReadTokens { get; set; }

        /// <summary>The four counts added up: what the limit measures.</summary>
        public long BlockTokens { get; set; }

        /// <summary>The cost of the block's priced responses; null when none could be priced.</summary>
        public decimal? BlockCostUsd { get; set; }

        /// <summary>False when some response of the block has no price.</summary>
        public bool CostKnown { get; set; }

        /// <summary>BlockTokens as a percentage of TokenLimit.</summary>
        public double PercentUsed { get; set; }

        /// <summary>TokenLimit minus BlockTokens (negative once the limit is passed).</summary>
        public long TokensLeft { get; set; }

        /// <summary>Minutes from the block's start to Now.</summary>
        public double MinutesElapsed { get; set; }

        /// <summary>Minutes from Now to the block's reset.</summary>
        public double MinutesLeft { get; set; }

        /// <summary>The burn rate: the block's tokens over the minutes elapsed since its start.</summary>
        public double TokensPerMinute { get; set; }

        /// <summary>The block's cost over the hours elapsed since its start.</summary>
        public decimal? CostPerHourUsd { get; set; }

        /// <summary>BlockTokens plus the burn rate over the minutes left: the block's total at its reset at this pace.</summary>
        public long ProjectedTokens { get; set; }

        public decimal? ProjectedCostUsd { get; set; }

        /// <summary>True when the block's tokens have reached the limit.</summary>
        public bool LimitExceeded { get; set; }

        /// <summary>
        /// When the limit is (or was) reached: the response that crossed it when LimitExceeded, else the time
        /// the burn rate reaches it; null when it is not reached before the block resets.
        /// </summary>
        public DateTimeOffset? LimitReachedAt { get; set; }

        public long TodayTokens { get; set; }

        public decimal? TodayCostUsd { get; set; }

        public long MonthTokens { get; set; }

        public decimal? MonthCostUsd { get; set; }

        /// <summary>The block's models by share of its tokens, largest first (at most three): "claude-opus-4-1 80%, claude-haiku-4-5 20%".</summary>
        public string TopModels { get; set; } = string.Empty;

        /// <summary>Completed blocks seen (those a learned limit is drawn from).</summary>
        public int PastBlocks { get; set; }

        /// <summary>Transcript files considered for this frame.</summary>
        public int Files { get; set; }

        /// <summary>Transcript bytes read for this frame (with the cache, only what was appended since the last frame).</summary>
        public long BytesRead { get; set; }

        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;
    }
}
