using System;
using System.Linq;
using System.Management.Automation;
using RlmTokens.Agents;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Ledger;

namespace RlmTokens.Cmdlets
{
    /// <summary>Get-TokenUsage -Ledger / -ConnectionString: a team's usage from a SQLite or PostgreSQL ledger.</summary>
    public sealed partial class GetTokenUsageCommand
    {
        private const string LedgerSet = "Ledger";
        private const string LedgerServerSet = "LedgerServer";

        /// <summary>A SQLite ledger file (Sync-TokenUsage -Ledger writes it).</summary>
        [Parameter(Mandatory = true, ParameterSetName = LedgerSet)]
        [ValidateNotNullOrEmpty]
        public string? Ledger { get; set; }

        /// <summary>A PostgreSQL ledger's connection string.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        public string? ConnectionString { get; set; }

        /// <summary>Only rows of these users.</summary>
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        public string[]? User { get; set; }

        /// <summary>Only rows of these machines.</summary>
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Machine { get; set; }

        /// <summary>Only rows of these git branches.</summary>
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        public string[]? Branch { get; set; }

        /// <summary>Only rows of these models.</summary>
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string[]? Model { get; set; }

        private void ProcessLedger()
        {
            LedgerTarget target = LedgerTargets.RequireOrStop(this, Ledger, ConnectionString);
            var filter = new LedgerFilter
            {
                // -Since and -Until are UTC days, as the ledger's day, week and month keys.
                From = Since is DateTime s ? new DateTimeOffset(DateTime.SpecifyKind(s.Date, DateTimeKind.Utc)) : (DateTimeOffset?)null,
                To = Until is DateTime u ? new DateTimeOffset(DateTime.SpecifyKind(u.Date.AddDays(1), DateTimeKind.Utc)) : (DateTimeOffset?)null,
                Users = User,
                Machines = Machine,
                Branches = Branch,
                Agents = Agent?.Select(AgentNames.LedgerLabel).ToList(),
                Models = Model,
            };
            using LedgerStore store = LedgerStore.Open(target, readOnly: true, Cancellation);
            if (Detailed)
            {
                foreach (LedgerUsageRow row in store.ReadRows(filter)) { WriteObject(row); }
                return;
            }
            foreach (LedgerUsageGroup group in store.Report(filter, _grouping ?? UsageGrouping.Day, Cancellation)) { WriteGroupRow(group, group.GroupBy.ToString()); }
        }
    }
}
