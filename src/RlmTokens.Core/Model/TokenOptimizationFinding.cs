namespace RlmTokens
{
    /// <summary>The rules Get-TokenOptimization applies.</summary>
    public enum OptimizationRule
    {
        /// <summary>Tokens per task of each agent, rated as RLM does: Excellent below 10k, Good below 20k, Fair below 35k, Poor above.</summary>
        AgentTokensPerTask = 0,

        /// <summary>A task that used more than the per-task target (20k by default).</summary>
        TaskAboveTarget,

        /// <summary>A session whose share of input served from the prompt cache is low (exact transcript data only).</summary>
        LowCacheReadShare,

        /// <summary>An expensive model (Opus by default) used for small turns.</summary>
        ExpensiveModelForSmallTurns,

        /// <summary>A session compacted its context often.</summary>
        FrequentCompactions,

        /// <summary>A session's estimate differs much from its exact count or captured cost.</summary>
        EstimateVariance,
    }

    /// <summary>How much a finding matters.</summary>
    public enum FindingSeverity
    {
        Info = 0,
        Low,
        Medium,
        High,
    }

    /// <summary>One optimization finding, with the figure that triggered it and the threshold it was held against.</summary>
    public sealed class TokenOptimizationFinding
    {
        public OptimizationRule Rule { get; set; }

        public FindingSeverity Severity { get; set; }

        /// <summary>What the finding is about: an agent, a task, a model, a session.</summary>
        public string? Subject { get; set; }

        /// <summary>The measured figure (tokens per task, tokens, a share, a count, a variance).</summary>
        public double Figure { get; set; }

        /// <summary>The threshold the figure was compared with.</summary>
        public double Threshold { get; set; }

        /// <summary>What Figure and Threshold count: tokens, share, count, ratio.</summary>
        public string? Unit { get; set; }

        /// <summary>RLM's rating for AgentTokensPerTask (Excellent, Good, Fair, Poor); null for other rules.</summary>
        public string? Rating { get; set; }

        public string? Message { get; set; }

        /// <summary>The data the figure came from (for example "RlmLog", "RlmMetrics", "compact-events.json").</summary>
        public string? Evidence { get; set; }

        public UsagePrecision Precision { get; set; }

        public string? Workspace { get; set; }
    }
}
