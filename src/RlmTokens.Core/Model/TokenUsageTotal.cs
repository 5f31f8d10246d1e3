namespace RlmTokens
{
    /// <summary>
    /// The sums of a report's rows (Measure-TokenUsage): its own type, so a total never mixes with the rows
    /// an export writes, and a view that marks it as the total.
    /// </summary>
    public sealed class TokenUsageTotal
    {
        /// <summary>The rows summed.</summary>
        public long RowCount { get; set; }

        /// <summary>The split of the tokens: each null unless every row has it (daily history rows carry totals only), so a total never shows 0 for a figure it does not know.</summary>
        public long? InputTokens { get; set; }

        public long? OutputTokens { get; set; }

        public long? CacheCreationTokens { get; set; }

        public long? CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        /// <summary>USD: the sum of the rows' known costs; null when no row has one.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>False when some row's cost is unknown (CostUsd then covers the others only).</summary>
        public bool CostKnown { get; set; } = true;

        /// <summary>Exact or Estimated when every row says so, Mixed otherwise; null when no row says.</summary>
        public UsagePrecision? Precision { get; set; }
    }
}
