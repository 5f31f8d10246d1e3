using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using RlmTokens.Storage;

namespace RlmTokens.Budgets
{
    /// <summary>
    /// The budgets of a workspace. From RLM/config/project-config.json tokenTracking: enabled,
    /// budgetDaily, budgetMonthly, alertThreshold (tokens), and the RlmTokens additions budgetSession
    /// (tokens), budgetDailyUsd, budgetMonthlyUsd, budgetSessionUsd (USD). From RLM/progress/cc-config.json
    /// token_reporting: warning_threshold (0.5), critical_threshold (0.75), auto_bundle_threshold (0.9).
    /// A limit of 0 or less (or none) means "not configured".
    /// </summary>
    public sealed class BudgetSettings
    {
        public const double DefaultWarningThreshold = 0.5;
        public const double DefaultCriticalThreshold = 0.75;
        public const double DefaultAutoBundleThreshold = 0.9;

        public bool Enabled { get; set; } = true;

        public long AlertThreshold { get; set; }

        public double WarningThreshold { get; set; } = DefaultWarningThreshold;

        public double CriticalThreshold { get; set; } = DefaultCriticalThreshold;

        public double AutoBundleThreshold { get; set; } = DefaultAutoBundleThreshold;

        private readonly Dictionary<(BudgetPeriod, BudgetUnit), decimal> _limits = new Dictionary<(BudgetPeriod, BudgetUnit), decimal>();

        /// <summary>The configured limit, or null when there is none.</summary>
        public decimal? LimitOf(BudgetPeriod period, BudgetUnit unit) =>
            _limits.TryGetValue((period, unit), out decimal v) && v > 0 ? v : (decimal?)null;

        /// <summary>Sets a limit in tokens or USD (decimal holds both exactly); null or 0 removes it.</summary>
        public void SetLimit(BudgetPeriod period, BudgetUnit unit, decimal? value)
        {
            if (value is decimal v && v > 0) { _limits[(period, unit)] = v; }
            else { _limits.Remove((period, unit)); }
        }

        internal static BudgetSettings From(TokenTrackingConfig? tracking, TokenReportingConfig? reporting)
        {
            var s = new BudgetSettings();
            if (tracking is not null)
            {
                s.Enabled = tracking.Enabled ?? true;
                s.AlertThreshold = tracking.AlertThreshold;
                s.SetLimit(BudgetPeriod.Daily, BudgetUnit.Tokens, tracking.BudgetDaily);
                s.SetLimit(BudgetPeriod.Monthly, BudgetUnit.Tokens, tracking.BudgetMonthly);
                s.SetLimit(BudgetPeriod.Session, BudgetUnit.Tokens, Extra(tracking, "budgetSession"));
                s.SetLimit(BudgetPeriod.Daily, BudgetUnit.Usd, Extra(tracking, "budgetDailyUsd"));
                s.SetLimit(BudgetPeriod.Monthly, BudgetUnit.Usd, Extra(tracking, "budgetMonthlyUsd"));
                s.SetLimit(BudgetPeriod.Session, BudgetUnit.Usd, Extra(tracking, "budgetSessionUsd"));
            }
            if (reporting is not null)
            {
                if (reporting.WarningThreshold > 0) { s.WarningThreshold = reporting.WarningThreshold; }
                if (reporting.CriticalThreshold > 0) { s.CriticalThreshold = reporting.CriticalThreshold; }
                if (reporting.AutoBundleThreshold > 0) { s.AutoBundleThreshold = reporting.AutoBundleThreshold; }
            }
            return s;
        }

        // The USD and session keys are RlmTokens additions: they live in the model's extension data, so
        // RLM's own file model stays as it is and the keys survive any rewrite.
        private static decimal? Extra(RlmFileModel model, string key)
        {
            if (model.Extra is null) { return null; }
            foreach (KeyValuePair<string, JsonElement> kv in model.Extra)
            {
                if (!string.Equals(kv.Key, key, StringComparison.OrdinalIgnoreCase)) { continue; }
                JsonElement v = kv.Value;
                if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)) { return Pricing.Usd.FromDouble(d); }
                if (v.ValueKind == JsonValueKind.String
                    && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double ds)) { return Pricing.Usd.FromDouble(ds); }
                return null;
            }
            return null;
        }
    }
}
