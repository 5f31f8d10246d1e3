using System;

namespace RlmTokens
{
    /// <summary>The span a budget covers.</summary>
    public enum BudgetPeriod
    {
        /// <summary>The open session (token-estimates.json, or an exact source for the same session).</summary>
        Session = 0,

        /// <summary>One local calendar day (the daily file of -Date, plus the open session when it started that day).</summary>
        Daily,

        /// <summary>The calendar month of -Date, from its first day up to -Date.</summary>
        Monthly,
    }

    /// <summary>What a budget is counted in.</summary>
    public enum BudgetUnit
    {
        Tokens = 0,
        Usd,
    }

    /// <summary>Where usage stands against a budget.</summary>
    public enum BudgetState
    {
        /// <summary>Below the warning threshold.</summary>
        Ok = 0,

        /// <summary>At or above the warning threshold (or, for daily tokens, the alertThreshold figure).</summary>
        Warning,

        /// <summary>At or above the critical threshold.</summary>
        Critical,

        /// <summary>At or above the limit.</summary>
        Exceeded,

        /// <summary>Token tracking is switched off (tokenTracking.enabled = false): the figures are shown, nothing is enforced.</summary>
        Disabled,
    }

    /// <summary>One budget checked: what Test-TokenBudget returns per period and unit.</summary>
    public sealed class TokenBudgetStatus
    {
        public BudgetPeriod Period { get; set; }

        public BudgetUnit Unit { get; set; }

        /// <summary>Tokens or USD used in the period.</summary>
        public decimal Used { get; set; }

        public decimal Limit { get; set; }

        /// <summary>Used as a percentage of Limit (0-100+, two decimals).</summary>
        public double Percent { get; set; }

        /// <summary>Limit minus Used, never below zero.</summary>
        public decimal Remaining { get; set; }

        public BudgetState State { get; set; }

        /// <summary>Whether Used is an exact count, an estimate, or a mix of both.</summary>
        public UsagePrecision Precision { get; set; }

        /// <summary>The usage sources the figure came from, comma-separated (for example "DailyFiles,OpenSession").</summary>
        public string? Source { get; set; }

        /// <summary>First day of the period (for Session: the day the session started).</summary>
        public DateTimeOffset From { get; set; }

        /// <summary>Last day of the period (the -Date evaluated).</summary>
        public DateTimeOffset To { get; set; }

        /// <summary>The session checked (Session period only).</summary>
        public string? SessionId { get; set; }

        /// <summary>Fractions of the limit at which the state turns Warning and Critical.</summary>
        public double WarningThreshold { get; set; }

        public double CriticalThreshold { get; set; }

        /// <summary>True when a session has reached cc-config's auto_bundle_threshold: time to bundle the context and start afresh.</summary>
        public bool AutoBundle { get; set; }

        /// <summary>Where the limit came from: "project-config.json" or "parameter".</summary>
        public string? LimitSource { get; set; }

        /// <summary>For Warning, Critical and Exceeded: the threshold that caused the state, with its value and the setting it comes from; else null.</summary>
        public string? Reason { get; set; }

        public string? Workspace { get; set; }
    }
}
