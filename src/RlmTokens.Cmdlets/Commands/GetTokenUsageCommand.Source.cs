using System.Collections.Generic;
using System.Management.Automation;
using RlmTokens.Errors;
using RlmTokens.OtherTrackers;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Get-TokenUsage -Source: the token data of the tools RlmTokens replaces (claude-flow, Memory Banker,
    /// the older RLM token-tracker.sh log and metrics.json, per-branch manual logs) as typed rows.
    /// </summary>
    [OutputType(typeof(TokenUsageRecord), ParameterSetName = new[] { SourceSet })]
    [OutputType(typeof(TokenUsageReport), ParameterSetName = new[] { SourceSet })]
    public sealed partial class GetTokenUsageCommand
    {
        private const string SourceSet = "Source";

        /// <summary>The kind of file to read.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SourceSet)]
        public UsageSourceKind Source { get; set; }

        /// <summary>Files or folders to read (default: where the tool keeps its data in the workspace).</summary>
        [Parameter(Position = 0, ParameterSetName = SourceSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "LP")]
        [ValidateNotNullOrEmpty]
        public string[]? LiteralPath { get; set; }

        /// <summary>One summary per file (report) instead of the rows.</summary>
        [Parameter(ParameterSetName = SourceSet)]
        public SwitchParameter List { get; set; }

        private void ProcessSource()
        {
            IEnumerable<string> paths = LiteralPath is { Length: > 0 } given
                ? ResolveAll(given)
                : new[] { OtherTrackerReader.DefaultPath(Source, Tracker.Workspace) };
            int readCount = 0, rows = 0;
            foreach (string path in paths)
            {
                IReadOnlyList<string> files;
                try
                {
                    files = OtherTrackerReader.FilesOf(Source, path);
                }
                catch (RlmTokensException e)
                {
                    WriteError(ErrorRecords.From(e));
                    continue;
                }
                if (files.Count == 0)
                {
                    WriteWarning(string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Strings.SourceNoFiles, Source, path));
                }
                foreach (string file in files)
                {
                    if (Cancellation.IsCancellationRequested) { return; }
                    Outcome<OtherTrackerFile> read;
                    try
                    {
                        read = OtherTrackerReader.Read(Source, file);
                    }
                    catch (RlmTokensException e)
                    {
                        WriteError(ErrorRecords.From(e));
                        continue;
                    }
                    WriteProblems(read);
                    readCount++;
                    rows += read.Value.Rows.Count;
                    if (List)
                    {
                        WriteObject(read.Value.Report);
                        continue;
                    }
                    foreach (TokenUsageRecord row in read.Value.Rows)
                    {
                        WriteObject(row);
                    }
                }
            }
            if (readCount > 0 && rows == 0)
            {
                WriteWarning(string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Strings.SourceNoRows, Source, readCount));
            }
        }

        private IEnumerable<string> ResolveAll(string[] given)
        {
            foreach (string p in given) { yield return ResolveFilePath(p); }
        }
    }
}
