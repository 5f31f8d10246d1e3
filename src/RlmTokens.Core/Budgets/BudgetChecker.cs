using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;
using RlmTokens.Usage;

namespace RlmTokens.Budgets
{
    /// <summary>What to check: periods (null: every configured one), limits that override the file, the day.</summary>
    public sealed class BudgetRequest
    {
        /// <summary>The periods to check; null or empty checks every period with a configured limit.</summary>
        public IReadOnlyList<BudgetPeriod>? Periods { get; set; }

        /// <summary>A token limit that replaces the file's for every period checked. When this or <see cref="LimitUsd"/> is set, only the units given are checked.</summary>
        public decimal? LimitTokens { get; set; }

        public decimal? LimitUsd { get; set; }

        /// <summary>The day evaluated (local calendar day); null: today in the tracker's clock.</summary>
        public DateTime? Date { get; set; }
    }

    /// <summary>The statuses of one check, and whether tracking is switched on.</summary>
    public sealed class BudgetReport
    {
        public bool Enabled { get; set; }

        public IReadOnlyList<TokenBudgetStatus> Statuses { get; set; } = Array.Empty<TokenBudgetStatus>();

        /// <summary>Periods asked for by name that have no limit (file or parameter).</summary>
        public IReadOnlyList<BudgetPeriod> Unconfigured { get; set; } = Array.Empty<BudgetPeriod>();

        /// <summary>False when any budget is exceeded (never false for a disabled configuration).</summary>
        public bool Passed => Statuses.All(s => s.State != BudgetState.Exceeded);
    }

    /// <summary>Checks usage against budgets: the engine of Test-TokenBudget.</summary>
    public sealed class BudgetChecker
    {
        private readonly TokenTracker _tracker;
        private readonly IReadOnlyList<IUsageSource> _sources;

        public BudgetChecker(TokenTracker tracker, IReadOnlyList<IUsageSource>? sources = null)
        {
            _tracker = tracker ?? throw new ArgumentNullException(nameof(tracker));
            _sources = sources ?? UsageSources.For(tracker);
        }

        /// <summary>The budgets of project-config.json and the thresholds of cc-config.json (defaults for what is missing).</summary>
        public Outcome<BudgetSettings> LoadSettings()
        {
            var problems = new List<RlmTokensException>();
            ProjectConfigFile? config = null;
            TokenReportingConfig? cc = null;
            try { config = _tracker.Store.Read(_tracker.Workspace.ConfigFile, RlmJsonContext.Files.ProjectConfigFile); }
            catch (RlmTokensException e) { problems.Add(e); }
            try { cc = TokenReportingConfig.Load(_tracker.Workspace.CcConfigFile); }
            catch (RlmTokensException e) { problems.Add(e); }
            return new Outcome<BudgetSettings>(BudgetSettings.From(config?.TokenTracking, cc), problems);
        }

        public Outcome<BudgetReport> Check(BudgetRequest request, CancellationToken cancellation = default)
        {
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            Outcome<BudgetSettings> loaded = LoadSettings();
            var problems = new List<RlmTokensException>(loaded.Problems);
            BudgetReport report = Check(loaded.Value, request, problems, cancellation);
            return new Outcome<BudgetReport>(report, problems);
        }

        public BudgetReport Check(BudgetSettings settings, BudgetRequest request, ICollection<RlmTokensException> problems, CancellationToken cancellation = default)
        {
            DateTime date = (request.Date ?? _tracker.Today).Date;
            bool explicitLimits = request.LimitTokens.HasValue || request.LimitUsd.HasValue;
            IReadOnlyList<BudgetPeriod> periods = request.Periods is { Count: > 0 } p
                ? p.Distinct().OrderBy(x => x).ToList()
                : explicitLimits
                    ? new[] { BudgetPeriod.Daily }
                    : Enum.GetValues(typeof(BudgetPeriod)).Cast<BudgetPeriod>().ToList();
            bool named = request.Periods is { Count: > 0 };

            var statuses = new List<TokenBudgetStatus>();
            var unconfigured = new List<BudgetPeriod>();
            foreach (BudgetPeriod period in periods)
            {
                var checks = new List<(BudgetUnit Unit, decimal Limit, string From)>();
                foreach (BudgetUnit unit in new[] { BudgetUnit.Tokens, BudgetUnit.Usd })
                {
                    decimal? given = unit == BudgetUnit.Tokens ? request.LimitTokens : request.LimitUsd;
                    if (explicitLimits)
                    {
                        if (given is decimal g && g > 0) { checks.Add((unit, g, "parameter")); }
                    }
                    else if (settings.LimitOf(period, unit) is decimal f)
                    {
                        checks.Add((unit, f, "project-config.json"));
                    }
                }
                if (checks.Count == 0)
                {
                    if (named) { unconfigured.Add(period); }
                    continue;
                }
                (UsageTotal total, DateTime from, string? sessionId) = Measure(period, date, problems, cancellation);
                foreach ((BudgetUnit unit, decimal limit, string limitSource) in checks)
                {
                    statuses.Add(Evaluate(settings, period, unit, limit, limitSource, total, from, date, sessionId));
                }
            }
            return new BudgetReport { Enabled = settings.Enabled, Statuses = statuses, Unconfigured = unconfigured };
        }

        private (UsageTotal Total, DateTime From, string? SessionId) Measure(BudgetPeriod period, DateTime date, ICollection<RlmTokensException> problems, CancellationToken cancellation)
        {
            switch (period)
            {
                case BudgetPeriod.Session:
                    TokenSessionSummary? open = null;
                    try { open = _tracker.GetSessionSummary(); }
                    catch (RlmTokensException e) { problems.Add(e); }
                    string? id = open?.SessionId;
                    DateTime started = open?.StartedAt is { } s ? TimeZoneInfo.ConvertTime(s, _tracker.Clock.LocalZone).Date : date;
                    if (string.IsNullOrEmpty(id))
                    {
                        // No session id: only the open estimate itself can be counted.
                        var q0 = new UsageQuery(_tracker, DateTime.MinValue, DateTime.MaxValue.Date, cancellation);
                        UsageTotal t0 = UsageCombiner.Measure(_sources.Where(x => x is OpenSessionUsageSource).ToList(), q0, problems);
                        return (t0, started, null);
                    }
                    var qs = new UsageQuery(_tracker, DateTime.MinValue, DateTime.MaxValue.Date, cancellation);
                    return (UsageCombiner.Measure(_sources, qs, problems, e => string.Equals(e.SessionId, id, StringComparison.Ordinal)), started, id);
                case BudgetPeriod.Monthly:
                    DateTime first = new DateTime(date.Year, date.Month, 1);
                    return (UsageCombiner.Measure(_sources, new UsageQuery(_tracker, first, date, cancellation), problems), first, null);
                default:
                    return (UsageCombiner.Measure(_sources, new UsageQuery(_tracker, date, date, cancellation), problems), date, null);
            }
        }

        internal TokenBudgetStatus Evaluate(BudgetSettings settings, BudgetPeriod period, BudgetUnit unit, decimal limit, string limitSource,
            UsageTotal total, DateTime from, DateTime to, string? sessionId)
        {
            decimal used = unit == BudgetUnit.Tokens ? total.Tokens : Math.Round(total.CostUsd, 4);
            double fraction = limit > 0 ? (double)(used / limit) : 0;
            BudgetState state = StateOf(fraction, settings);
            string? reason = ReasonOf(state, settings, unit, limit, limitSource);
            if (state == BudgetState.Ok && period == BudgetPeriod.Daily && unit == BudgetUnit.Tokens
                && settings.AlertThreshold > 0 && used >= settings.AlertThreshold)
            {
                state = BudgetState.Warning;
                reason = Format(Resources.Messages.BudgetReasonAlert, settings.AlertThreshold);
            }
            if (!settings.Enabled)
            {
                state = BudgetState.Disabled;
                reason = null;
            }
            return new TokenBudgetStatus
            {
                Period = period,
                Unit = unit,
                Used = used,
                Limit = limit,
                Percent = Math.Round(fraction * 100, 2),
                Remaining = Math.Max(0, limit - used),
                State = state,
                Precision = unit == BudgetUnit.Tokens ? total.TokensPrecision : total.CostPrecision,
                Source = SourceText(unit == BudgetUnit.Tokens ? total.TokenSources : total.CostSources),
                From = Storage.RlmTime.InZone(from, _tracker.Clock.LocalZone),
                To = Storage.RlmTime.InZone(to, _tracker.Clock.LocalZone),
                SessionId = sessionId,
                WarningThreshold = settings.WarningThreshold,
                CriticalThreshold = settings.CriticalThreshold,
                AutoBundle = period == BudgetPeriod.Session && fraction >= settings.AutoBundleThreshold,
                LimitSource = limitSource,
                Reason = reason,
                Workspace = _tracker.Workspace.Root,
            };
        }

        // The threshold a state was reached at, named by its value and the setting it comes from.
        private static string? ReasonOf(BudgetState state, BudgetSettings settings, BudgetUnit unit, decimal limit, string limitSource)
        {
            switch (state)
            {
                case BudgetState.Exceeded:
                    return Format(Resources.Messages.BudgetReasonLimit,
                        limit.ToString(unit == BudgetUnit.Usd ? "N2" : "N0", CultureInfo.CurrentCulture), unit, limitSource);
                case BudgetState.Critical:
                    return Format(Resources.Messages.BudgetReasonCritical, settings.CriticalThreshold * 100);
                case BudgetState.Warning:
                    return Format(Resources.Messages.BudgetReasonWarning, settings.WarningThreshold * 100);
                default:
                    return null;
            }
        }

        private static string Format(string format, params object[] args) => string.Format(CultureInfo.CurrentCulture, format, args);

        private static string SourceText(IReadOnlyList<string> names) => names.Count == 0 ? "None" : string.Join(",", names);

        /// <summary>Exceeded at or above the limit, Critical at or above the critical fraction, Warning at or above the warning fraction.</summary>
        public static BudgetState StateOf(double fraction, BudgetSettings settings)
        {
            if (fraction >= 1) { return BudgetState.Exceeded; }
            if (fraction >= settings.CriticalThreshold) { return BudgetState.Critical; }
            if (fraction >= settings.WarningThreshold) { return BudgetState.Warning; }
            return BudgetState.Ok;
        }
    }
}
