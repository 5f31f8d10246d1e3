namespace RlmTokens
{
    /// <summary>
    /// The subscription plan whose 5-hour block limits Watch-TokenUsage measures against. The figures are
    /// Claude-Code-Usage-Monitor's (src/claude_monitor/core/plans.py): Pro 44,000 tokens and $18, Max5 88,000
    /// and $35, Max20 220,000 and $140 per block.
    /// </summary>
    public enum MonitorPlan
    {
        /// <summary>The limit learned from past blocks: the 90th percentile of their totals (at least Pro's).</summary>
        Learned,
        Pro,
        Max5,
        Max20,
        /// <summary>A limit given with -TokenLimit (and optionally -CostLimit).</summary>
        Custom,
    }

    /// <summary>Where a monitor frame's token limit came from.</summary>
    public enum MonitorLimitSource
    {
        Plan,
        Custom,
        Learned,
        /// <summary>Learned, but there was no completed block to learn from: Pro's limit stands in.</summary>
        Default,
    }
}
