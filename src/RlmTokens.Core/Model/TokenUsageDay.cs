using System;

namespace RlmTokens
{
    /// <summary>One day of the daily files (Get-TokenUsage -History): flat, ready for Export-Csv.</summary>
    public sealed class TokenUsageDay
    {
        /// <summary>The day of the daily file (its local calendar day).</summary>
        public UsageDate Date { get; set; }

        public long Sessions { get; set; }

        public long TotalTokens { get; set; }

        public decimal CostUsd { get; set; }

        /// <summary>Exact when every session entry of the day carries an exact count, Mixed when some do.</summary>
        public UsagePrecision Precision { get; set; }

        public string? Workspace { get; set; }
    }
}
