using System;

namespace RlmTokens
{
    /// <summary>The database engine of a ledger.</summary>
    public enum LedgerEngine
    {
        /// <summary>One file, no server: the default.</summary>
        Sqlite = 0,

        /// <summary>A server a team shares, named by a connection string.</summary>
        PostgreSql,
    }

    /// <summary>What kind of record a ledger row came from, finest grain first.</summary>
    public enum LedgerSource
    {
        /// <summary>One API response of a Claude Code transcript (exact; keyed by message.id + requestId).</summary>
        Transcript = 0,

        /// <summary>One record of the token log (Add-TokenUsage, RLM's token-tracker.sh).</summary>
        Log,

        /// <summary>A session's /cost capture (cost-&lt;SessionId&gt;.json; a later capture of the session replaces it).</summary>
        CostCapture,

        /// <summary>One estimated operation of token-estimates.json.</summary>
        Estimate,
    }

    /// <summary>
    /// One row of a ledger, at the finest grain its source gives (Get-TokenUsage -Ledger -Detailed). Its
    /// properties are what Export-TokenUsage writes and Sync-TokenUsage -InputFile reads back, so a
    /// machine's rows travel to another ledger unchanged.
    /// </summary>
    public sealed class LedgerUsageRow
    {
        /// <summary>The natural key: the same usage has the same key on every machine (see <see cref="Ledger.LedgerRows"/>).</summary>
        public string RowKey { get; set; } = string.Empty;

        public LedgerSource Source { get; set; }

        /// <summary>When the usage happened (UTC).</summary>
        public DateTimeOffset Timestamp { get; set; }

        public string User { get; set; } = string.Empty;

        public string Machine { get; set; } = string.Empty;

        /// <summary>The coding agent (claude-code, or what a log record names).</summary>
        public string Agent { get; set; } = string.Empty;

        public string? Model { get; set; }

        public string? SessionId { get; set; }

        public string? Project { get; set; }

        public string? GitBranch { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        /// <summary>USD, exact to the nano-dollar the ledger stores.</summary>
        public decimal CostUsd { get; set; }

        /// <summary>Whether the token figures are counted or estimated.</summary>
        public UsagePrecision Precision { get; set; }

        /// <summary>Whether the cost is reported (a /cost capture), computed from counted tokens at list prices, or estimated.</summary>
        public UsagePrecision CostPrecision { get; set; }
    }

    /// <summary>The sums of one group of ledger rows (Get-TokenUsage -Ledger -GroupBy ...).</summary>
    public sealed class LedgerUsageGroup
    {
        public UsageGrouping GroupBy { get; set; }

        /// <summary>The group's key as text, for sorting and messages; the output carries it typed under the property of its grouping.</summary>
        internal string GroupKey { get; set; } = string.Empty;

        /// <summary>-GroupBy Day: the day (UTC).</summary>
        public UsageDate? Date { get; set; }

        /// <summary>-GroupBy Week: the week's Monday (UTC).</summary>
        public UsageDate? Week { get; set; }

        /// <summary>-GroupBy Month: the month (UTC).</summary>
        public UsageMonth? Month { get; set; }

        /// <summary>-GroupBy User: the user the rows were synced as.</summary>
        public string? User { get; set; }

        /// <summary>-GroupBy Machine: the machine the rows were synced from.</summary>
        public string? Machine { get; set; }

        /// <summary>-GroupBy Branch: the git branch ("(none)" for rows without one).</summary>
        public string? Branch { get; set; }

        /// <summary>-GroupBy Project: the project.</summary>
        public string? Project { get; set; }

        /// <summary>-GroupBy Agent: the coding agent.</summary>
        public string? Agent { get; set; }

        /// <summary>-GroupBy Model: the model.</summary>
        public string? Model { get; set; }

        /// <summary>-GroupBy Session: the session id.</summary>
        public string? SessionId { get; set; }

        /// <summary>The first row's time (UTC).</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>The last row's time (UTC).</summary>
        public DateTimeOffset End { get; set; }

        /// <summary>Ledger rows counted (responses, log records, captures, operations).</summary>
        public long RecordCount { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal CostUsd { get; set; }

        public UsagePrecision Precision { get; set; }

        /// <summary>Sets the key as text and under the property its grouping names.</summary>
        internal void SetKey(UsageGrouping grouping, string key)
        {
            GroupKey = key;
            switch (grouping)
            {
                case UsageGrouping.Day: Date = UsageDate.Parse(key); break;
                case UsageGrouping.Week: Week = UsageDate.Parse(key); break;
                case UsageGrouping.Month: Month = UsageMonth.Parse(key); break;
                case UsageGrouping.User: User = key; break;
                case UsageGrouping.Machine: Machine = key; break;
                case UsageGrouping.Branch: Branch = key; break;
                case UsageGrouping.Project: Project = key; break;
                case UsageGrouping.Agent: Agent = key; break;
                case UsageGrouping.Model: Model = key; break;
                case UsageGrouping.Session: SessionId = key; break;
            }
        }
    }

    /// <summary>What one Sync-TokenUsage run did to a ledger, per source.</summary>
    public sealed class LedgerSyncResult
    {
        public string Ledger { get; set; } = string.Empty;

        /// <summary>The kind of rows, or null for an input file (whose rows keep their own sources).</summary>
        public LedgerSource? Source { get; set; }

        /// <summary>Where the rows came from: the transcript folders, the workspace or the input file.</summary>
        public string Origin { get; set; } = string.Empty;

        /// <summary>Rows read from the source.</summary>
        public long Read { get; set; }

        /// <summary>Rows new to the ledger.</summary>
        public long Added { get; set; }

        /// <summary>Rows that replaced an older version of themselves (a later /cost capture of a session).</summary>
        public long Updated { get; set; }

        /// <summary>Rows the ledger already had.</summary>
        public long Skipped { get; set; }

        /// <summary>True under -WhatIf: the counts say what a run would do; nothing was written.</summary>
        public bool WhatIf { get; set; }
    }
}
