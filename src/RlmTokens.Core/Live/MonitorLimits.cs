using System;
using System.Collections.Generic;

namespace RlmTokens.Live
{
    /// <summary>Plan limits per 5-hour block, and the limit learned from past blocks (as Claude-Code-Usage-Monitor does).</summary>
    public static class MonitorLimits
    {
        /// <summary>Tokens per block of the fixed plans.</summary>
        public const long ProTokens = 44_000, Max5Tokens = 88_000, Max20Tokens = 220_000;

        /// <summary>A past block at or above this share of one of the plan limits is taken as one that hit its limit.</summary>
        public const double HitThreshold = 0.95;

        private static readonly long[] CommonLimits = { ProTokens, Max5Tokens, Max20Tokens };

        /// <summary>The token limit of a fixed plan; null for Learned and Custom.</summary>
        public static long? TokensOf(MonitorPlan plan) => plan switch
        {
            MonitorPlan.Pro => ProTokens,
            MonitorPlan.Max5 => Max5Tokens,
            MonitorPlan.Max20 => Max20Tokens,
            _ => null,
        };

        /// <summary>The cost limit (USD) of a fixed plan; null for Learned and Custom.</summary>
        public static decimal? CostOf(MonitorPlan plan) => plan switch
        {
            MonitorPlan.Pro => 18m,
            MonitorPlan.Max5 => 35m,
            MonitorPlan.Max20 => 140m,
            _ => null,
        };

        /// <summary>
        /// The learned limit: of the completed blocks' totals, those that came within 95% of a plan limit
        /// (44k, 88k, 220k) or, when none did, all of them; their 90th percentile (Python's
        /// statistics.quantiles(n=10)[8], the exclusive method), never below Pro's 44,000. Null when there is
        /// no completed block with tokens.
        /// </summary>
        public static long? Learn(IEnumerable<long> completedBlockTotals)
        {
            if (completedBlockTotals is null) { throw new ArgumentNullException(nameof(completedBlockTotals)); }
            List<long> all = new List<long>();
            foreach (long t in completedBlockTotals) { if (t > 0) { all.Add(t); } }
            if (all.Count == 0) { return null; }
            List<long> hits = all.FindAll(t => Array.Exists(CommonLimits, l => t >= l * HitThreshold));
            List<long> data = hits.Count > 0 ? hits : all;
            return Math.Max((long)Math.Floor(Percentile90(data)), ProTokens);
        }

        /// <summary>The 90th percentile by the exclusive method (Python statistics.quantiles(data, n=10)[8]).</summary>
        public static double Percentile90(IReadOnlyList<long> values)
        {
            if (values is null) { throw new ArgumentNullException(nameof(values)); }
            if (values.Count == 0) { throw new ArgumentException("No values.", nameof(values)); }
            List<long> data = new List<long>(values);
            data.Sort();
            int ld = data.Count;
            if (ld == 1) { return data[0]; }
            const int n = 10, i = 9;
            int m = ld + 1;
            int j = i * m / n;
            if (j < 1) { j = 1; }
            else if (j > ld - 1) { j = ld - 1; }
            int delta = i * m - j * n;
            return (data[j - 1] * (double)(n - delta) + data[j] * (double)delta) / n;
        }
    }
}
