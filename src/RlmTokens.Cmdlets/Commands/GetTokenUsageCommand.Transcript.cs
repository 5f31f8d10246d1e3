using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Threading.Tasks;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
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

        private void ProcessTranscript()
        {
            UsageGrouping grouping = GroupBy ?? UsageGrouping.Day;
            if (grouping == UsageGrouping.Task || grouping == UsageGrouping.Tool)
            {
                ThrowTerminatingError(ErrorRecords.Create("GroupingNotSupported", ErrorCategory.InvalidArgument, grouping,
                    string.Format(CultureInfo.CurrentCulture, Strings.TranscriptGroupingNotSupported, grouping)));
            }
            TimeZoneInfo zone = ResolveTimeZone(TimeZone);

            TranscriptLocations locations = ResolveTranscriptLocations(TranscriptRoot, CacheFolder, NoCache);

            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(ExistingWorkspaceOrNull(), PriceFile is null ? null : ResolveFilePath(PriceFile));
            WriteProblems(prices);

            TranscriptReadOptions options = new TranscriptReadOptions
            {
                CacheFolder = locations.CacheFolder,
                Cancellation = Cancellation,
                Progress = new TranscriptReadProgress(),
            };
            foreach (string r in locations.ProjectRoots()) { options.ProjectRoots.Add(r); }
            if (options.ProjectRoots.Count == 0)
            {
                WriteWarning(Strings.NoTranscriptsFound);
                return;
            }
            WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ReadingTranscripts, string.Join(", ", options.ProjectRoots), locations.CacheFolder ?? "-"));

            TranscriptReadResult read = ReadWithProgress(options);
            WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.TranscriptsRead, read.Files, read.FilesFromCache, read.BytesRead, read.Entries.Count));
            TranscriptUsageQuery query = new TranscriptUsageQuery { GroupBy = grouping, Since = Since, Until = Until, TimeZone = zone };
            foreach (string p in Project ?? Array.Empty<string>()) { query.Projects.Add(p); }
            TranscriptReportResult report = TranscriptReport.Build(read.Entries, query, prices.Value);
            foreach (string warning in TranscriptUsage.Warnings(read, report)) { WriteWarning(warning); }
            foreach (TranscriptUsageRow row in report.Rows) { WriteObject(row); }
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
