using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using RlmTokens.Completion;

namespace RlmTokens.Cmdlets.Completion
{
    /// <summary>Completes time zone ids (the system's list).</summary>
    public sealed class TimeZoneCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(string parameterName, IDictionary bound) =>
            TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id);
    }

    /// <summary>Completes -TokenLimit with Max (a number is typed).</summary>
    public sealed class TokenLimitCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(string parameterName, IDictionary bound) => new[] { "Max" };
    }

    /// <summary>Completes -Agent with the agents RlmTokens reads (Claude, Codex, Gemini, OpenCode).</summary>
    public sealed class AgentNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(string parameterName, IDictionary bound) => Enum.GetNames(typeof(AgentKind));
    }

    /// <summary>Completes model names of the built-in price table.</summary>
    public sealed class ModelNameCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(string parameterName, IDictionary bound) =>
            Pricing.PriceTable.BuiltIn.Prices.Select(p => p.Model);
    }

    /// <summary>
    /// Completes Get-TokenUsage's -GroupBy and -Breakdown with the groupings of the report the command line asks for
    /// (-Log, -Ledger/-ConnectionString, -Transcript; a block option allows Block alone); before the report is chosen,
    /// every grouping some report accepts.
    /// </summary>
    public sealed class GroupingCompleter : NameCompleter
    {
        protected override IEnumerable<string> Names(string parameterName, IDictionary bound)
        {
            IEnumerable<UsageGrouping> accepted;
            if (string.Equals(parameterName, "Breakdown", StringComparison.OrdinalIgnoreCase))
            {
                accepted = UsageGroupings.Accepted(GroupingReport.TranscriptBreakdown);
            }
            else if (IsBound(bound, "Log"))
            {
                accepted = UsageGroupings.Accepted(GroupingReport.Log);
            }
            else if (IsBound(bound, "Ledger") || IsBound(bound, "ConnectionString"))
            {
                accepted = UsageGroupings.Accepted(GroupingReport.Ledger);
            }
            else if (IsBound(bound, "Active") || IsBound(bound, "TokenLimit"))
            {
                accepted = new[] { UsageGrouping.Block };
            }
            else if (IsBound(bound, "Transcript"))
            {
                accepted = UsageGroupings.Accepted(GroupingReport.Transcript);
            }
            else
            {
                accepted = ((GroupingReport[])Enum.GetValues(typeof(GroupingReport))).SelectMany(UsageGroupings.Accepted).Distinct();
            }
            return accepted.Select(g => g.ToString());
        }
    }
}
