using System;

namespace RlmTokens
{
    /// <summary>
    /// One group of exact transcript usage (Get-TokenUsage -Transcript): flat, ready for Export-Csv.
    /// Times are in the report's time zone.
    /// </summary>
    public sealed class TranscriptUsageRow
    {
        public UsageGrouping GroupBy { get; set; }

        /// <summary>The group: a date (yyyy-MM-dd), a week's Monday, a month (yyyy-MM), a block start, a session id, a project, a model, an agent or a branch.</summary>
        public string Key { get; set; } = string.Empty;

        /// <summary>With -Breakdown: the sub-group (a model, a project, an agent ...; several joined with " / "); else empty.</summary>
        public string Breakdown { get; set; } = string.Empty;

        /// <summary>The first response in the group (for Block: the block's start, floored to the hour).</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>The last response in the group (for Block: the block's end, five hours after its start).</summary>
        public DateTimeOffset End { get; set; }

        /// <summary>The project folder, when the group holds one project only.</summary>
        public string? Project { get; set; }

        public long Sessions { get; set; }

        /// <summary>API responses, each counted once.</summary>
        public long Responses { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        /// <summary>USD at list prices; null when no response of the group has a known price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>False when some response's model has no price (CostUsd then covers the priced ones only).</summary>
        public bool CostKnown { get; set; }

        /// <summary>Where CostUsd comes from: Calculated from tokens and prices, Logged (the lines' costUSD, -CostMode Auto or Display), Mixed, or Unknown.</summary>
        public CostPrecision CostPrecision { get; set; }

        /// <summary>The models used, sorted, joined with ", ".</summary>
        public string Models { get; set; } = string.Empty;

        /// <summary>The coding agents of the group (Claude, Codex, Gemini, OpenCode), joined with ", ".</summary>
        public string Agents { get; set; } = string.Empty;

        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;

        /// <summary>Block rows: the block has not ended and its last response is less than five hours old (at the report's -Now).</summary>
        public bool IsActive { get; set; }

        /// <summary>The active block: minutes until it ends.</summary>
        public double? MinutesLeft { get; set; }

        /// <summary>The active block: tokens per minute from its first to its last response.</summary>
        public double? TokensPerMinute { get; set; }

        /// <summary>The active block: USD per hour at the same rate.</summary>
        public decimal? CostPerHour { get; set; }

        /// <summary>The active block: its tokens at its end if the rate holds.</summary>
        public long? ProjectedTokens { get; set; }

        /// <summary>The active block: its cost at its end if the rate holds.</summary>
        public decimal? ProjectedCostUsd { get; set; }

        /// <summary>Block rows with -TokenLimit: the limit (a number, or the largest past block's total).</summary>
        public long? TokenLimit { get; set; }

        /// <summary>Block rows with -TokenLimit: TotalTokens as a percentage of the limit.</summary>
        public double? PercentOfLimit { get; set; }

        /// <summary>The active block with -TokenLimit: ProjectedTokens as a percentage of the limit.</summary>
        public double? ProjectedPercentOfLimit { get; set; }
    }
}
