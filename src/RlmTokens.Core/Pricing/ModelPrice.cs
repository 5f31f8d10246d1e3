namespace RlmTokens
{
    /// <summary>Where a price came from.</summary>
    public enum PriceSource
    {
        BuiltIn = 0,

        /// <summary>A LiteLLM-format price file (-PriceFile).</summary>
        PriceFile,

        /// <summary>costPerToken in RLM/config/project-config.json.</summary>
        ProjectConfig,
    }

    /// <summary>
    /// The prices of one model in USD per token. The Above200k rates apply per token type per request:
    /// when one request's count of a type exceeds <see cref="TierThreshold"/>, the tokens above it cost
    /// the higher rate.
    /// </summary>
    public sealed class ModelPrice
    {
        public string Model { get; set; } = string.Empty;

        public decimal InputPerToken { get; set; }

        public decimal OutputPerToken { get; set; }

        /// <summary>A 5-minute cache write.</summary>
        public decimal CacheWrite5mPerToken { get; set; }

        /// <summary>A 1-hour cache write (Anthropic: twice the input price).</summary>
        public decimal CacheWrite1hPerToken { get; set; }

        public decimal CacheReadPerToken { get; set; }

        public decimal? InputAbove200kPerToken { get; set; }

        public decimal? OutputAbove200kPerToken { get; set; }

        public decimal? CacheWrite5mAbove200kPerToken { get; set; }

        public decimal? CacheWrite1hAbove200kPerToken { get; set; }

        public decimal? CacheReadAbove200kPerToken { get; set; }

        public long TierThreshold { get; set; } = 200_000;

        /// <summary>
        /// What a fast-mode response (usage.speed "fast") costs as a multiple of a normal one (LiteLLM's
        /// provider_specific_entry.fast; Anthropic: Claude Opus 4.6 six times); 1 where the model has no fast mode.
        /// </summary>
        public decimal FastMultiplier { get; set; } = 1m;

        /// <summary>USD per million input tokens (for display).</summary>
        public decimal InputPerMillion => Pricing.Usd.Exact(InputPerToken * 1_000_000m);

        /// <summary>USD per million output tokens (for display).</summary>
        public decimal OutputPerMillion => Pricing.Usd.Exact(OutputPerToken * 1_000_000m);

        public PriceSource Source { get; set; }

        /// <summary>When the price was taken: the built-in table's date (yyyy-MM), or the price or config file's last change (yyyy-MM-dd).</summary>
        public string AsOf { get; set; } = Pricing.BuiltInPrices.AsOf;

        /// <summary>Where the price came from: the built-in table's sources, or the price or config file's path.</summary>
        public string SourceName { get; set; } = Pricing.BuiltInPrices.SourceName;

        internal ModelPrice Clone(string model) { ModelPrice p = (ModelPrice)MemberwiseClone(); p.Model = model; return p; }

        /// <summary>The cost of one request's usage, exact to the per-token prices' digits (decimal arithmetic throws OverflowException past its range).</summary>
        public decimal Cost(long input, long output, long cacheWrite5m, long cacheWrite1h, long cacheRead) =>
            Tier(input, InputPerToken, InputAbove200kPerToken)
            + Tier(output, OutputPerToken, OutputAbove200kPerToken)
            + Tier(cacheWrite5m, CacheWrite5mPerToken, CacheWrite5mAbove200kPerToken)
            + Tier(cacheWrite1h, CacheWrite1hPerToken, CacheWrite1hAbove200kPerToken)
            + Tier(cacheRead, CacheReadPerToken, CacheReadAbove200kPerToken);

        /// <summary>The cost of one logged response: <see cref="Cost(long, long, long, long, long)"/>, times <see cref="FastMultiplier"/> when it ran in fast mode.</summary>
        public decimal Cost(UsageEntry e)
        {
            decimal cost = Cost(e.InputTokens, e.OutputTokens, e.CacheCreation5mTokens, e.CacheCreation1hTokens, e.CacheReadTokens);
            return e.Fast && FastMultiplier != 1m ? cost * FastMultiplier : cost;
        }

        private decimal Tier(long n, decimal basePrice, decimal? above)
        {
            if (above is decimal a && n > TierThreshold)
            {
                return TierThreshold * basePrice + (n - TierThreshold) * a;
            }
            return n * basePrice;
        }
    }
}
