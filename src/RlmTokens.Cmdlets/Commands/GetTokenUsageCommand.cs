using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Completion;
using RlmTokens.Errors;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Shows token usage: every open session (default; exact when its transcript was counted), the latest one's operations (-Detailed),
    /// or one row per day from the daily files (-History): the replacement for show-token-usage.ps1.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenUsage", DefaultParameterSetName = SessionSet, HelpUri = ProjectLinks.HelpPages + "Get-TokenUsage.md")]
    [OutputType(typeof(TokenSessionSummary), ParameterSetName = new[] { SessionSet })]
    [OutputType(typeof(TokenEstimateRecord), ParameterSetName = new[] { DetailedSet })]
    [OutputType(typeof(TokenUsageDay), ParameterSetName = new[] { HistorySet })]
    [OutputType(typeof(TranscriptUsageRow), ParameterSetName = new[] { TranscriptSet })]
    [OutputType(typeof(LedgerUsageGroup), typeof(LedgerUsageRow), ParameterSetName = new[] { LedgerSet, LedgerServerSet })]
    public sealed partial class GetTokenUsageCommand : RlmTokensCmdlet
    {
        private const string SessionSet = "Session";
        private const string DetailedSet = "Detailed";
        private const string HistorySet = "History";

        /// <summary>List the session's recent operations.</summary>
        [Parameter(Mandatory = true, ParameterSetName = DetailedSet)]
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        public SwitchParameter Detailed { get; set; }

        /// <summary>One row per day from the daily files.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HistorySet)]
        public SwitchParameter History { get; set; }

        /// <summary>How many days back from -Until (default today) -History covers.</summary>
        [Parameter(ParameterSetName = HistorySet)]
        [ValidateRange(1, 36500)]
        public int Days { get; set; } = 7;

        /// <summary>First day of the history (overrides -Days).</summary>
        [Parameter(ParameterSetName = HistorySet)]
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [Alias("After")]
        [DateArgument]
        public DateTime? Since { get; set; }

        /// <summary>Last day of the history (default: today in the local time zone).</summary>
        [Parameter(ParameterSetName = HistorySet)]
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [Alias("Before")]
        [DateArgument]
        public DateTime? Until { get; set; }

        /// <summary>
        /// How report rows are grouped (shared by the Transcript, Log and Ledger parameter sets, each accepting its own
        /// groupings). A name rather than the UsageGrouping enum: PowerShell completes an enum parameter with every value
        /// and ignores its completer, which offers only what the chosen report accepts.
        /// </summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = LogSet)]
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ArgumentCompleter(typeof(GroupingCompleter))]
        [ValidateNotNullOrEmpty]
        public string? GroupBy { get; set; }

        // -GroupBy as the report's grouping (null: none given), parsed in ProcessRecord.
        private UsageGrouping? _grouping;

        protected override void ProcessRecord()
        {
            try
            {
                _grouping = GroupBy is null ? null : ParseGrouping(GroupBy, ParameterSetName switch
                {
                    LogSet => GroupingReport.Log,
                    TranscriptSet => GroupingReport.Transcript,
                    _ => GroupingReport.Ledger,
                });
                switch (ParameterSetName)
                {
                    case LogSet: WriteLog(); break;
                    case DetailedSet:
                        foreach (TokenEstimateRecord record in Tracker.GetOperations())
                        {
                            WriteObject(record);
                        }
                        break;
                    case SourceSet: ProcessSource(); break;
                    case TranscriptSet: ProcessTranscript(); break;
                    case LedgerSet:
                    case LedgerServerSet: ProcessLedger(); break;
                    case HistorySet:
                        DateTime until = (Until ?? Tracker.Today).Date;
                        DateTime since = (Since ?? until.AddDays(1 - Days)).Date;
                        Outcome<System.Collections.Generic.IReadOnlyList<TokenUsageDay>> history = Tracker.GetHistory(since, until);
                        WriteProblems(history);
                        if (history.Value.Count == 0) { WarnEmptyHistory(since, until); }
                        foreach (TokenUsageDay day in history.Value)
                        {
                            WriteObject(day);
                        }
                        break;
                    default:
                        // Every open session, the most recently active last (several Claude Code sessions may run at once).
                        System.Collections.Generic.IReadOnlyList<TokenSessionSummary> open = Tracker.GetOpenSessions();
                        if (open.Count == 0)
                        {
                            WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.NoTokenData, Tracker.Workspace.TokenUsageFolder));
                        }
                        foreach (TokenSessionSummary summary in open)
                        {
                            WriteObject(summary);
                        }
                        break;
                }
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
            }
        }

        /// <summary>The grouping <paramref name="name"/> names, when <paramref name="report"/> accepts it; else a terminating GroupingNotSupported.</summary>
        private UsageGrouping ParseGrouping(string name, GroupingReport report)
        {
            if (!UsageGroupings.TryParse(name, report, out UsageGrouping grouping))
            {
                ThrowTerminatingError(ErrorRecords.Create("GroupingNotSupported", ErrorCategory.InvalidArgument, name,
                    string.Format(CultureInfo.CurrentCulture, Strings.GroupingNotSupported, name, report == GroupingReport.TranscriptBreakdown ? "-Breakdown" : "-" + report,
                        string.Join(", ", UsageGroupings.Accepted(report)))));
            }
            return grouping;
        }

        // Why -History found no day: the range is backwards, the workspace has no daily files, or they lie elsewhere.
        private void WarnEmptyHistory(DateTime since, DateTime until)
        {
            if (since > until)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.HistoryRangeBackwards, since, until));
                return;
            }
            System.Collections.Generic.IReadOnlyList<DateTime> days = Tracker.GetDailyDates();
            if (days.Count == 0)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.HistoryNoDailyFiles, Tracker.Workspace.TokenUsageFolder));
                return;
            }
            WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.HistoryNoDayInRange, since, until, days.Count, days[0], days[days.Count - 1]));
        }
    }
}
