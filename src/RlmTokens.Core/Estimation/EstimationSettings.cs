using System;
using System.Collections.Generic;
using RlmTokens.Storage;

namespace RlmTokens.Estimation
{
    /// <summary>
    /// The constants of RLM's estimate-tokens.ps1, configurable under <c>tokenTracking.estimation</c>
    /// in RLM/config/project-config.json. Defaults are RLM's.
    /// </summary>
    public sealed class EstimationSettings
    {
        public double TokensPerChar { get; set; } = 0.25;

        public double EditInputRatio { get; set; } = 0.5;

        public double EditOutputRatio { get; set; } = 0.3;

        public long ToolCallTokens { get; set; } = 50;

        public double SubagentInputShare { get; set; } = 0.6;

        public long DefaultSubagentTokens { get; set; } = 2000;

        public Dictionary<string, long> SubagentTokens { get; } = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase)
        {
            ["Explore"] = 4000,
            ["research"] = 5000,
            ["reviewer"] = 6000,
            ["architect"] = 8000,
            ["tester"] = 8000,
            ["general-purpose"] = 8000,
            ["designer"] = 10000,
            ["verifier"] = 10000,
            ["coder"] = 12000,
        };

        public decimal InputUsdPerMillion { get; set; } = 3;

        public decimal OutputUsdPerMillion { get; set; } = 15;

        /// <summary>How many recent operations by_operation keeps.</summary>
        public int MaxOperations { get; set; } = 100;

        public static EstimationSettings Default => new EstimationSettings();

        internal static EstimationSettings From(EstimationConfig? config)
        {
            var s = new EstimationSettings();
            if (config is null) { return s; }
            if (config.TokensPerChar is double tpc && tpc >= 0) { s.TokensPerChar = tpc; }
            if (config.EditInputRatio is double ei && ei >= 0) { s.EditInputRatio = ei; }
            if (config.EditOutputRatio is double eo && eo >= 0) { s.EditOutputRatio = eo; }
            if (config.ToolCallTokens is long tc && tc >= 0) { s.ToolCallTokens = tc; }
            if (config.SubagentInputShare is double share && share >= 0 && share <= 1) { s.SubagentInputShare = share; }
            if (config.DefaultSubagentTokens is long d && d >= 0) { s.DefaultSubagentTokens = d; }
            if (config.InputUsdPerMillion is decimal ip && ip >= 0) { s.InputUsdPerMillion = ip; }
            if (config.OutputUsdPerMillion is decimal op && op >= 0) { s.OutputUsdPerMillion = op; }
            if (config.MaxOperations is int max && max > 0) { s.MaxOperations = max; }
            if (config.SubagentTokens is not null)
            {
                foreach (KeyValuePair<string, long> pair in config.SubagentTokens)
                {
                    if (pair.Value >= 0) { s.SubagentTokens[pair.Key] = pair.Value; }
                }
            }
            return s;
        }

        /// <summary>The figure for a subagent type: the table's, else the default for unknown types.</summary>
        public long TokensForSubagent(string? type) =>
            type is not null && SubagentTokens.TryGetValue(type, out long t) ? t : DefaultSubagentTokens;

        /// <summary>Cost of an estimate at the configured per-million prices: exact in decimal; past decimal's range, the NumberOutOfRange error.</summary>
        public decimal CostUsd(long input, long output)
        {
            try { return Pricing.Usd.Exact((input * InputUsdPerMillion + output * OutputUsdPerMillion) / 1_000_000m); }
            catch (System.OverflowException) { throw Errors.Numbers.OutOfRange("inputUsdPerMillion/outputUsdPerMillion", "USD"); }
        }
    }
}
