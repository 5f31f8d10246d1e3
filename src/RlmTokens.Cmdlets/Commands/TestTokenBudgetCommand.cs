using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Budgets;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Checks token and USD usage against the session, daily and monthly budgets of
    /// project-config.json (thresholds from cc-config.json): the replacement for token-tracker.sh check.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Test, "TokenBudget", HelpUri = ProjectLinks.HelpPages + "Test-TokenBudget.md")]
    [OutputType(typeof(TokenBudgetStatus))]
    [OutputType(typeof(bool))]
    public sealed class TestTokenBudgetCommand : RlmTokensCmdlet
    {
        /// <summary>The periods to check (default: every period with a configured limit).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public BudgetPeriod[]? Period { get; set; }

        /// <summary>A token limit that replaces the configured one (only the units given are checked).</summary>
        [Parameter]
        [ValidateRange(1, double.MaxValue)]
        public decimal? Limit { get; set; }

        /// <summary>A USD limit that replaces the configured one.</summary>
        [Parameter]
        [ValidateRange(0.000001, double.MaxValue)]
        public decimal? LimitUsd { get; set; }

        /// <summary>The day to evaluate (default: today in the local time zone).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DateTime? Date { get; set; }

        /// <summary>Claude Code transcript folders (a config folder holding projects/, or a projects folder) to count exactly; off by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>The incremental transcript cache folder. Default: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local application data folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full and leave the cache alone.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        /// <summary>Check the team's usage in a SQLite ledger instead of this workspace's files (limits still from the workspace or -Limit/-LimitUsd).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Ledger { get; set; }

        /// <summary>Check the team's usage in a PostgreSQL ledger.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConnectionString { get; set; }

        /// <summary>Return only $true (no budget exceeded) or $false.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        protected override void ProcessRecord()
        {
            Outcome<BudgetReport> outcome;
            try
            {
                using RlmTokens.Ledger.LedgerStore? ledger = OpenLedger();
                var checker = new BudgetChecker(Tracker, ledger is not null
                    ? new Usage.IUsageSource[] { new RlmTokens.Ledger.LedgerUsageSource(ledger) }
                    : Usage.UsageSources.For(Tracker, TranscriptRoots.Source(this, Tracker.Workspace, TranscriptRoot, TranscriptCacheFolder(CacheFolder, NoCache))));
                outcome = checker.Check(new BudgetRequest { Periods = Period, LimitTokens = Limit, LimitUsd = LimitUsd, Date = Date }, Cancellation);
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
                if (Quiet) { WriteObject(false); }
                return;
            }
            WriteProblems(outcome);
            BudgetReport report = outcome.Value;
            if (!report.Enabled)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.BudgetTrackingDisabled, Tracker.Workspace.ConfigFile));
            }
            foreach (BudgetPeriod missing in report.Unconfigured)
            {
                WriteError(ErrorRecords.Create("BudgetNotConfigured", ErrorCategory.ObjectNotFound, missing,
                    string.Format(CultureInfo.CurrentCulture, Strings.BudgetNotConfigured, missing, Tracker.Workspace.ConfigFile)));
            }
            if (report.Statuses.Count == 0 && report.Unconfigured.Count == 0)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.NoBudgetConfigured, Tracker.Workspace.ConfigFile));
            }
            foreach (TokenBudgetStatus status in report.Statuses)
            {
                if (status.State == BudgetState.Warning || status.State == BudgetState.Critical || status.State == BudgetState.Exceeded)
                {
                    WriteWarning(Describe(status));
                }
                if (!Quiet) { WriteObject(status); }
            }
            if (Quiet) { WriteObject(report.Passed); }
        }

        /// <summary>The ledger named by -Ledger or -ConnectionString, opened read-only; null without either (the workspace's own sources count then).</summary>
        private RlmTokens.Ledger.LedgerStore? OpenLedger()
        {
            if (Ledger is null && ConnectionString is null) { return null; }
            return RlmTokens.Ledger.LedgerStore.Open(LedgerTargets.RequireOrStop(this, Ledger, ConnectionString), readOnly: true, Cancellation);
        }

        private static string Describe(TokenBudgetStatus s)
        {
            string format = s.Unit == BudgetUnit.Usd ? "N2" : "N0";
            return string.Format(CultureInfo.CurrentCulture, Strings.BudgetCrossed, s.Period, s.Unit,
                s.Used.ToString(format, CultureInfo.CurrentCulture), s.Limit.ToString(format, CultureInfo.CurrentCulture),
                s.Percent, s.State, s.Precision, s.Reason);
        }
    }
}
