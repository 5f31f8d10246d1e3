using System;
using System.Collections.Generic;
using System.Linq;

namespace RlmTokens.Completion
{
    /// <summary>The reports Get-TokenUsage groups, each accepting its own -GroupBy values.</summary>
    public enum GroupingReport
    {
        /// <summary>-Transcript -GroupBy.</summary>
        Transcript,

        /// <summary>-Transcript -Breakdown (sub-groups: no blocks).</summary>
        TranscriptBreakdown,

        /// <summary>-Log -GroupBy (what the token log's records carry).</summary>
        Log,

        /// <summary>-Ledger / -ConnectionString -GroupBy (the ledger's columns).</summary>
        Ledger,
    }

    /// <summary>
    /// Which groupings each report accepts: the one list the cmdlet checks a -GroupBy against and the completer offers,
    /// so Tab never offers a value the command then refuses.
    /// </summary>
    public static class UsageGroupings
    {
        private static readonly UsageGrouping[] TranscriptGroupings =
        {
            UsageGrouping.Day, UsageGrouping.Week, UsageGrouping.Month, UsageGrouping.Session, UsageGrouping.Project,
            UsageGrouping.Model, UsageGrouping.Agent, UsageGrouping.Block, UsageGrouping.Branch, UsageGrouping.Cli,
        };

        private static readonly UsageGrouping[] LedgerGroupings =
        {
            UsageGrouping.Day, UsageGrouping.Week, UsageGrouping.Month, UsageGrouping.Session, UsageGrouping.Project,
            UsageGrouping.Model, UsageGrouping.Agent, UsageGrouping.Branch, UsageGrouping.User, UsageGrouping.Machine,
        };

        /// <summary>The groupings <paramref name="report"/> accepts, in the enum's order.</summary>
        public static IReadOnlyList<UsageGrouping> Accepted(GroupingReport report)
        {
            switch (report)
            {
                case GroupingReport.Transcript: return TranscriptGroupings;
                case GroupingReport.TranscriptBreakdown: return TranscriptGroupings.Where(g => g != UsageGrouping.Block).ToList();
                case GroupingReport.Log:
                    return ((UsageGrouping[])Enum.GetValues(typeof(UsageGrouping))).Where(g => TryLogGrouping(g, out _)).ToList();
                case GroupingReport.Ledger: return LedgerGroupings;
                default: throw new ArgumentOutOfRangeException(nameof(report), report, null);
            }
        }

        /// <summary>Whether <paramref name="report"/> accepts <paramref name="grouping"/>.</summary>
        public static bool Accepts(GroupingReport report, UsageGrouping grouping) => Accepted(report).Contains(grouping);

        /// <summary>
        /// The grouping named <paramref name="name"/> (case-insensitive, by name only: no numbers) when <paramref name="report"/>
        /// accepts it.
        /// </summary>
        public static bool TryParse(string? name, GroupingReport report, out UsageGrouping grouping)
        {
            foreach (UsageGrouping g in Accepted(report))
            {
                if (string.Equals(g.ToString(), name?.Trim(), StringComparison.OrdinalIgnoreCase))
                {
                    grouping = g;
                    return true;
                }
            }
            grouping = default;
            return false;
        }

        /// <summary>The token log's grouping for a -GroupBy value: Branch, Agent, Task, Model, Tool or Day.</summary>
        public static bool TryLogGrouping(UsageGrouping grouping, out LogGrouping by)
        {
            switch (grouping)
            {
                case UsageGrouping.Branch: by = LogGrouping.Branch; return true;
                case UsageGrouping.Agent: by = LogGrouping.Agent; return true;
                case UsageGrouping.Task: by = LogGrouping.Task; return true;
                case UsageGrouping.Model: by = LogGrouping.Model; return true;
                case UsageGrouping.Tool: by = LogGrouping.Tool; return true;
                case UsageGrouping.Day: by = LogGrouping.Day; return true;
                default: by = default; return false;
            }
        }
    }
}
