using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using RlmTokens.Agents;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Completion;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Cmdlets
{
    /// <summary>Get-TokenUsage -Transcript: exact usage from Claude Code transcripts.</summary>
    public sealed partial class GetTokenUsageCommand
    {
        private const string TranscriptSet = "Transcript";

        /// <summary>The environment variable that overrides the default cache folder.</summary>

        /// <summary>Report exact usage from Claude Code's transcripts.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TranscriptSet)]
        public SwitchParameter Transcript { get; set; }

        /// <summary>Where the transcripts are: a Claude config folder (holding projects/) or a projects folder. Default: ~/.claude, ~/.config/claude and $env:CLAUDE_CONFIG_DIR.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>Only these projects (wildcards; matched against the project folder and the working directory).</summary>
        [Parameter(ParameterSetName = TranscriptSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string[]? Project { get; set; }

        /// <summary>The time zone of day, week and month boundaries (an id such as 'UTC' or 'Europe/Berlin'). Default: local.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        public string? TimeZone { get; set; }

        /// <summary>A LiteLLM-format price file that overrides the built-in prices.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        public string? PriceFile { get; set; }

        /// <summary>The incremental cache folder. Default: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local application data folder.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full and leave the cache alone.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public SwitchParameter NoCache { get; set; }

        /// <summary>
        /// Which cost a response gets (ccusage's --mode): Calculate (default) from tokens and prices, Auto the line's
        /// costUSD where it has one, Display only the line's costUSD. Rows say which in CostPrecision.
        /// </summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public CostMode CostMode { get; set; } = CostMode.Calculate;

        /// <summary>
        /// Only these agents. With -Transcript: Claude, Codex, Gemini, OpenCode (default: every agent whose data
        /// is found). With -Ledger: the ledger's agent names (Claude stands for Claude Code's claude-code, other
        /// names as a log record gives them).
        /// </summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = LedgerSet)]
        [Parameter(ParameterSetName = LedgerServerSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(AgentNameCompleter))]
        public string[]? Agent { get; set; }

        /// <summary>Only these sessions (wildcards).</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TranscriptSessionCompleter))]
        public string[]? SessionId { get; set; }

        /// <summary>One row per group and sub-group (ccusage's --breakdown is -Breakdown Model).</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(GroupingCompleter))]
        public string[]? Breakdown { get; set; }

        /// <summary>A named date range counted from -Now: Today, Yesterday, ThisWeek, LastWeek, ThisMonth, LastMonth.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public ReportPeriod? Period { get; set; }

        /// <summary>The last n days up to and including today (from -Now).</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateRange(1, 36500)]
        public int? Last { get; set; }

        /// <summary>The first day of a week, for -GroupBy Week and -Period ThisWeek/LastWeek. Default: Monday.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>Only the active 5-hour block, with its burn rate and projection (ccusage's blocks --active); implies -GroupBy Block.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public SwitchParameter Active { get; set; }

        /// <summary>The token limit blocks are measured against: a number, or Max (the largest past block); implies -GroupBy Block.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TokenLimitCompleter))]
        public string? TokenLimit { get; set; }

        /// <summary>The time -Period and -Last count from and the active block is found at. Default: the current time.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        public DateTimeOffset? Now { get; set; }

        private void ProcessTranscript()
        {
            bool blockOptions = Active || TokenLimit is not null;
            UsageGrouping grouping = _grouping ?? (blockOptions ? UsageGrouping.Block : UsageGrouping.Day);
            if (blockOptions && grouping != UsageGrouping.Block)
            {
                ThrowTerminatingError(ErrorRecords.Create("BlockOptionWithoutBlocks", ErrorCategory.InvalidArgument, grouping,
                    string.Format(CultureInfo.CurrentCulture, Strings.BlockOptionWithoutBlocks, grouping)));
            }
            (long? tokenLimit, bool limitFromMax) = ParseTokenLimit(TokenLimit);
            TimeZoneInfo zone = ResolveTimeZone(TimeZone);

            TranscriptLocations locations = ResolveTranscriptLocations(TranscriptRoot, CacheFolder, NoCache);
            (DateTime? since, DateTime? until) = ResolveDateRange(zone);

            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(ExistingWorkspaceOrNull(), PriceFile is null ? null : ResolveFilePath(PriceFile));
            WriteProblems(prices);

            AgentLocations agentLocations = ResolveAgentLocations(locations);
            HashSet<AgentKind> agents = new HashSet<AgentKind>((AgentKind[])Enum.GetValues(typeof(AgentKind)));
            if (Agent is not null)
            {
                agents.Clear();
                foreach (string name in Agent)
                {
                    if (!AgentNames.TryParse(name, out AgentKind kind))
                    {
                        ThrowTerminatingError(ErrorRecords.Create("UnknownAgent", ErrorCategory.InvalidArgument, name,
                            string.Format(CultureInfo.CurrentCulture, Strings.UnknownAgent, name, string.Join(", ", Enum.GetNames(typeof(AgentKind))))));
                    }
                    agents.Add(kind);
                }
            }
            List<UsageEntry> entries = new List<UsageEntry>();
            TranscriptReadResult? read = null;
            bool anyFolder = false;
            if (agents.Contains(AgentKind.Claude))
            {
                TranscriptReadOptions options = new TranscriptReadOptions
                {
                    CacheFolder = locations.CacheFolder,
                    Cancellation = Cancellation,
                    Progress = new TranscriptReadProgress(),
                };
                foreach (string r in agentLocations.FoldersOf(AgentKind.Claude)) { options.ProjectRoots.Add(r); }
                if (options.ProjectRoots.Count > 0)
                {
                    anyFolder = true;
                    WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ReadingTranscripts, string.Join(", ", options.ProjectRoots), locations.CacheFolder ?? "-"));
                    read = ReadWithProgress(options);
                    WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.TranscriptsRead, read.Files, read.FilesFromCache, read.BytesRead, read.Entries.Count));
                    entries.AddRange(read.Entries);
                }
            }
            agents.Remove(AgentKind.Claude);
            if (agents.Count > 0)
            {
                foreach (AgentKind a in agents)
                {
                    IReadOnlyList<string> folders = agentLocations.FoldersOf(a);
                    if (folders.Count > 0)
                    {
                        anyFolder = true;
                        WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ReadingAgentFolders, a, string.Join(", ", folders)));
                    }
                }
                AgentReadResult others = AgentUsage.Read(agentLocations, agents, Cancellation);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.AgentFilesRead, others.Files, others.Entries.Count, others.Duplicates, others.TornTails));
                foreach (RlmTokensException problem in others.Problems) { WriteError(ErrorRecords.From(problem)); }
                foreach (string warning in others.Warnings()) { WriteWarning(warning); }
                entries.AddRange(others.Entries);
            }
            if (!anyFolder)
            {
                WriteWarning(Strings.NoTranscriptsFound);
                return;
            }

            TranscriptUsageQuery query = new TranscriptUsageQuery
            {
                GroupBy = grouping,
                Since = since,
                Until = until,
                TimeZone = zone,
                WeekStart = WeekStart,
                Now = Now ?? Clock.UtcNow,
                TokenLimit = tokenLimit,
                TokenLimitFromMax = limitFromMax,
                ActiveOnly = Active,
                CostMode = CostMode,
            };
            foreach (string p in Project ?? Array.Empty<string>()) { query.Projects.Add(p); }
            foreach (string id in SessionId ?? Array.Empty<string>()) { query.SessionIds.Add(id); }
            foreach (string b in Breakdown ?? Array.Empty<string>())
            {
                query.Breakdown.Add(ParseGrouping(b, GroupingReport.TranscriptBreakdown));
            }
            TranscriptReportResult report = TranscriptReport.Build(entries, query, prices.Value);
            if (read is not null)
            {
                foreach (string warning in TranscriptUsage.Warnings(read, report)) { WriteWarning(warning); }
            }
            else
            {
                foreach (string warning in TranscriptUsage.ReportWarnings(report)) { WriteWarning(warning); }
            }
            if (Active && report.Rows.Count == 0)
            {
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.NoActiveBlock, query.Now));
            }
            foreach (TranscriptUsageRow row in report.Rows)
            {
                WriteGroupRow(row, row.GroupBy.ToString(), row.Breakdown.Length > 0 ? "Breakdown" : null);
            }
        }

        // -Since/-Until, or -Period, or -Last: one way to name the days.
        private (DateTime? Since, DateTime? Until) ResolveDateRange(TimeZoneInfo zone)
        {
            int ways = (Since is not null || Until is not null ? 1 : 0) + (Period is not null ? 1 : 0) + (Last is not null ? 1 : 0);
            if (ways > 1)
            {
                ThrowTerminatingError(ErrorRecords.Create("ConflictingDateRange", ErrorCategory.InvalidArgument, null, Strings.ConflictingDateRange));
            }
            DateTimeOffset now = Now ?? Clock.UtcNow;
            if (Period is ReportPeriod period)
            {
                (DateTime s, DateTime u) = TranscriptReport.Range(period, now, zone, WeekStart);
                return (s, u);
            }
            if (Last is int days)
            {
                (DateTime s, DateTime u) = TranscriptReport.LastDays(days, now, zone);
                return (s, u);
            }
            return (Since, Until);
        }

        // A positive count of tokens, or Max.
        private (long? Limit, bool FromMax) ParseTokenLimit(string? text)
        {
            if (text is null) { return (null, false); }
            if (string.Equals(text.Trim(), "Max", StringComparison.OrdinalIgnoreCase)) { return (null, true); }
            if (long.TryParse(text.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture, out long limit) && limit > 0) { return (limit, false); }
            ThrowTerminatingError(ErrorRecords.Create("InvalidTokenLimit", ErrorCategory.InvalidArgument, text,
                string.Format(CultureInfo.CurrentCulture, Strings.InvalidTokenLimit, text)));
            return (null, false);
        }

        private TranscriptReadResult ReadWithProgress(TranscriptReadOptions options)
        {
            Task<TranscriptReadResult> task = Task.Run(() => TranscriptReader.Read(options));
            ProgressRecord? progress = null;
            TranscriptReadProgress p = options.Progress!;
            while (!task.Wait(250))
            {
                progress ??= new ProgressRecord(1, Strings.ReadingTranscriptsActivity, Strings.ReadingTranscriptsActivity);
                int total = Math.Max(1, p.FilesTotal);
                progress.StatusDescription = string.Format(CultureInfo.CurrentCulture, Strings.ReadingTranscriptsStatus, p.FilesDone, p.FilesTotal, p.BytesRead / (1024 * 1024));
                progress.PercentComplete = Math.Min(100, p.FilesDone * 100 / total);
                WriteProgress(progress);
            }
            if (progress is not null)
            {
                progress.RecordType = ProgressRecordType.Completed;
                WriteProgress(progress);
            }
            try
            {
                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }


    }
}
