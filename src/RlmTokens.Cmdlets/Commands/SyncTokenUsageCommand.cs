using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Ledger;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Pushes a workspace's token log, /cost captures and estimates and the local Claude Code transcripts
    /// (or Export-TokenUsage files of ledger rows from another machine) into a SQLite or PostgreSQL ledger,
    /// idempotently: every row has a natural key, so re-running, from any machine, adds only what is new.
    /// </summary>
    [Cmdlet(VerbsData.Sync, "TokenUsage", SupportsShouldProcess = true, HelpUri = ProjectLinks.HelpPages + "Sync-TokenUsage.md")]
    [OutputType(typeof(LedgerSyncResult))]
    public sealed class SyncTokenUsageCommand : RlmTokensCmdlet
    {
        /// <summary>A SQLite ledger file (created when missing). Default: $env:RLMTOKENS_LEDGER.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Ledger { get; set; }

        /// <summary>A PostgreSQL connection string. Default: $env:RLMTOKENS_LEDGER_CONNECTION.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? ConnectionString { get; set; }

        /// <summary>Export-TokenUsage files (JSON or JSONL) of ledger rows to import instead of the local data.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string[]? InputFile { get; set; }

        /// <summary>Which kinds of local rows to sync (default: all).</summary>
        [Parameter]
        public LedgerSource[]? Source { get; set; }

        /// <summary>Where the transcripts are: a Claude config folder (holding projects/) or a projects folder. Default: Claude Code's own folders.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>The transcript reader's incremental cache folder (default as Get-TokenUsage -Transcript).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full and leave the cache alone.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        /// <summary>The user the rows are recorded as (default: the login name).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? User { get; set; }

        /// <summary>The machine the rows are recorded as (default: the machine name).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? Machine { get; set; }

        /// <summary>Rows per transaction.</summary>
        [Parameter]
        [ValidateRange(1, 1000000)]
        public int BatchSize { get; set; } = LedgerStore.DefaultBatchSize;

        protected override void ProcessRecord()
        {
            LedgerTarget target = LedgerTargets.RequireOrStop(this, Ledger, ConnectionString);
            var request = new LedgerSyncRequest(new LedgerIdentity(User ?? Environment.UserName, Machine ?? Environment.MachineName)) { BatchSize = BatchSize };
            foreach (string file in InputFile ?? Array.Empty<string>())
            {
                request.InputFiles.Add(ResolveFilePath(file));
            }
            if (Source is not null)
            {
                request.Sources.Clear();
                foreach (LedgerSource s in Source) { request.Sources.Add(s); }
            }
            if (request.InputFiles.Count == 0)
            {
                Workspace? workspace = ExistingWorkspaceOrNull();
                if (workspace is not null && workspace.HasRlmFolder) { request.Workspace = UseWorkspace(workspace); }
                if (request.Sources.Contains(LedgerSource.Transcript))
                {
                    TranscriptLocations locations = ResolveTranscriptLocations(TranscriptRoot, CacheFolder, NoCache);
                    // The same folders as Get-TokenUsage -Transcript: Claude Code's projects and the other agents' data.
                    Agents.AgentLocations agents = ResolveAgentLocations(locations);
                    foreach (string root in agents.FoldersOf(AgentKind.Claude)) { request.TranscriptRoots.Add(root); }
                    request.OtherAgents = agents;
                    request.CacheFolder = locations.CacheFolder;
                    Outcome<Pricing.PriceTable> prices = TranscriptUsage.LoadPrices(workspace, null);
                    WriteProblems(prices);
                    request.Prices = prices.Value;
                }
            }
            string origins = request.InputFiles.Count > 0 ? string.Join(", ", request.InputFiles)
                : string.Join(", ", Origins(request));
            if (!ShouldProcess(target.Display, string.Format(CultureInfo.CurrentCulture, Strings.LedgerSyncAction, origins)))
            {
                // -WhatIf still says what a run would add and skip, reading the ledger without changing it.
                if (!MyInvocation.BoundParameters.ContainsKey("WhatIf")) { return; }
                request.WhatIf = true;
            }
            var problems = new List<RlmTokensException>();
            try
            {
                using LedgerStore store = LedgerStore.Open(target, readOnly: request.WhatIf, Cancellation);
                foreach (LedgerSyncResult result in LedgerSync.Run(store, request, problems, Cancellation))
                {
                    WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.LedgerSynced, result.Origin, result.Read, result.Added, result.Updated, result.Skipped));
                    WriteObject(result);
                }
            }
            catch (RlmTokensException e)
            {
                WriteReported(problems);
                ThrowTerminatingError(ErrorRecords.From(e));
            }
            WriteReported(problems);
        }

        private static IEnumerable<string> Origins(LedgerSyncRequest request)
        {
            List<string> folders = request.TranscriptRoots.Concat(LedgerSync.OtherAgentFolders(request)).ToList();
            if (folders.Count > 0) { yield return string.Join(", ", folders); }
            if (request.Workspace is not null) { yield return request.Workspace.Workspace.Root; }
        }

        private void WriteReported(List<RlmTokensException> problems)
        {
            foreach (RlmTokensException p in problems) { WriteError(ErrorRecords.From(p)); }
            problems.Clear();
        }
    }
}
