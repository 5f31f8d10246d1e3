using System;

namespace RlmTokens
{
    /// <summary>
    /// One group of exact transcript usage (Get-TokenUsage -Transcript): flat, ready for Export-Csv.
    /// Times are in the report's time zone.
    /// </summary>
    public sealed class TranscriptUsageRow
    {
        public UsageGrouping GroupBy { get; set; }

        /// <summary>The group's key as text (a date, a week's first day, a month, a block start, a session id ...), for sorting and messages; the output carries it typed under the property of its grouping (Date, Week, Month, SessionId, Project, Model, Agent, Branch, Cli; Start for Block).</summary>
        internal string GroupKey { get; set; } = string.Empty;

        /// <summary>-GroupBy Day: the day.</summary>
        public UsageDate? Date { get; set; }

        /// <summary>-GroupBy Week: the week's first day.</summary>
        public UsageDate? Week { get; set; }

        /// <summary>-GroupBy Month: the month.</summary>
        public UsageMonth? Month { get; set; }

        /// <summary>-GroupBy Session: the Claude Code session id ("(unknown)" for responses without one).</summary>
        public string? SessionId { get; set; }

        /// <summary>-GroupBy Model: the model.</summary>
        public string? Model { get; set; }

        /// <summary>-GroupBy Agent: "main", or the subagent's id ("subagent" when it has none).</summary>
        public string? Agent { get; set; }

        /// <summary>-GroupBy Branch: the git branch ("(none)" for responses without one).</summary>
        public string? Branch { get; set; }

        /// <summary>-GroupBy Cli: the coding agent (Claude, Codex, Gemini, OpenCode).</summary>
        public string? Cli { get; set; }

        /// <summary>With -Breakdown: the sub-group (a model, a project, an agent ...; several joined with " / "); else empty.</summary>
        public string Breakdown { get; set; } = string.Empty;

        /// <summary>The first response in the group (for Block: the block's start, floored to the hour).</summary>
        public DateTimeOffset Start { get; set; }

        /// <summary>The last response in the group (for Block: the block's end, five hours after its start).</summary>
        public DateTimeOffset End { get; set; }

        /// <summary>The project folder: the key of -GroupBy Project, else set when the group holds one project only.</summary>
        public string? Project { get; set; }

        public long Sessions { get; set; }

        /// <summary>API responses, each counted once.</summary>
        public long RecordCount { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens { get; set; }

        /// <summary>USD at list prices; null when no response of the group has a known price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>False when some response's model has no price (CostUsd then covers the priced ones only).</summary>
        public bool CostKnown { get; set; }

        /// <summary>Where CostUsd comes from: Calculated from tokens and prices, Logged (the lines' costUSD, -CostMode Auto or Display), Mixed, or Unknown.</summary>
        public CostPrecision CostPrecision { get; set; }

        /// <summary>The models used, sorted, joined with ", ".</summary>
        public string Models { get; set; } = string.Empty;

        /// <summary>The coding agents of the group (Claude, Codex, Gemini, OpenCode), joined with ", ".</summary>
        public string Agents { get; set; } = string.Empty;

        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;

        /// <summary>Block rows: the block has not ended and its last response is less than five hours old (at the report's -Now).</summary>
        public bool IsActive { get; set; }

        /// <summary>The active block: minutes until it ends.</summary>
        public double? MinutesLeft { get; set; }

        /// <summary>The active block: tokens per minute from its first to its last response.</summary>
        public double? TokensPerMinute { get; set; }

        /// <summary>The active block: USD per hour at the same rate.</summary>
        public decimal? CostPerHourUsd { get; set; }

        /// <summary>The active block: its tokens at its end if the rate holds.</summary>
        public long? ProjectedTokens { get; set; }

        /// <summary>The active block: its cost at its end if the rate holds.</summary>
        public decimal? ProjectedCostUsd { get; set; }

        /// <summary>Block rows with -TokenLimit: the limit (a number, or the largest past block's total).</summary>
        public long? TokenLimit { get; set; }

        /// <summary>Block rows with -TokenLimit: TotalTokens as a percentage of the limit.</summary>
        public double? PercentOfLimit { get; set; }

        /// <summary>The active block with -TokenLimit: ProjectedTokens as a percentage of the limit.</summary>
        public double? ProjectedPercentOfLimit { get; set; }

        /// <summary>Sets the key as text and under the property its grouping names.</summary>
        internal void SetKey(UsageGrouping grouping, string key)
        {
            GroupKey = key;
            switch (grouping)
            {
                case UsageGrouping.Day: Date = UsageDate.Parse(key); break;
                case UsageGrouping.Week: Week = UsageDate.Parse(key); break;
                case UsageGrouping.Month: Month = UsageMonth.Parse(key); break;
                case UsageGrouping.Session: SessionId = key; break;
                case UsageGrouping.Project: Project = key; break;
                case UsageGrouping.Model: Model = key; break;
                case UsageGrouping.Agent: Agent = key; break;
                case UsageGrouping.Branch: Branch = key; break;
                case UsageGrouping.Cli: Cli = key; break;
            }
        }
    }
}
