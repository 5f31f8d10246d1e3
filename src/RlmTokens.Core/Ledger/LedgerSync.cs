using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;
using RlmTokens.Usage;

namespace RlmTokens.Ledger
{
    /// <summary>What one sync reads and as whom.</summary>
    public sealed class LedgerSyncRequest
    {
        public LedgerSyncRequest(LedgerIdentity identity) => Identity = identity ?? throw new ArgumentNullException(nameof(identity));

        public LedgerIdentity Identity { get; }

        /// <summary>The workspace whose log, /cost captures and estimates are synced (null: none).</summary>
        public TokenTracker? Workspace { get; set; }

        /// <summary>Transcript folders to read (projects folders); none: no transcripts.</summary>
        public IList<string> TranscriptRoots { get; } = new List<string>();

        /// <summary>Where Codex CLI, Gemini CLI and OpenCode keep their session data (null: those agents are not synced).</summary>
        public Agents.AgentLocations? OtherAgents { get; set; }

        /// <summary>The transcript reader's incremental cache, or null.</summary>
        public string? CacheFolder { get; set; }

        /// <summary>Prices of transcript responses (default: the built-in table).</summary>
        public PriceTable Prices { get; set; } = PriceTable.BuiltIn;

        /// <summary>Which kinds of rows to sync (default: all).</summary>
        public ISet<LedgerSource> Sources { get; } = new HashSet<LedgerSource> { LedgerSource.Transcript, LedgerSource.Log, LedgerSource.CostCapture, LedgerSource.Estimate };

        /// <summary>Export-TokenUsage files of ledger rows; when any are given, only they are synced.</summary>
        public IList<string> InputFiles { get; } = new List<string>();

        public int BatchSize { get; set; } = LedgerStore.DefaultBatchSize;

        public bool WhatIf { get; set; }
    }

    /// <summary>Runs a sync: every source in turn into the store, one result per source or input file.</summary>
    public static class LedgerSync
    {
        public static IEnumerable<LedgerSyncResult> Run(LedgerStore store, LedgerSyncRequest request, ICollection<RlmTokensException> problems, CancellationToken cancellation)
        {
            if (store is null) { throw new ArgumentNullException(nameof(store)); }
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            if (request.InputFiles.Count > 0)
            {
                foreach (string file in request.InputFiles)
                {
                    IEnumerable<LedgerUsageRow> rows;
                    try { rows = LedgerRows.FromExportFile(file, problems); }
                    catch (RlmTokensException e)
                    {
                        problems.Add(e);
                        continue;
                    }
                    yield return store.Write(null, file, rows, request.BatchSize, request.WhatIf, cancellation);
                }
                yield break;
            }
            List<string> agentFolders = OtherAgentFolders(request);
            if (request.Sources.Contains(LedgerSource.Transcript) && (request.TranscriptRoots.Count > 0 || agentFolders.Count > 0))
            {
                yield return store.Write(LedgerSource.Transcript, string.Join(", ", request.TranscriptRoots.Concat(agentFolders)), TranscriptRows(request, problems, cancellation), request.BatchSize, request.WhatIf, cancellation);
            }
            if (request.Workspace is TokenTracker tracker)
            {
                foreach (LedgerSource source in new[] { LedgerSource.Log, LedgerSource.CostCapture, LedgerSource.Estimate })
                {
                    if (!request.Sources.Contains(source)) { continue; }
                    yield return store.Write(source, tracker.Workspace.Root, LedgerRows.FromWorkspace(tracker, source, request.Identity, problems), request.BatchSize, request.WhatIf, cancellation);
                }
            }
        }

        private static readonly AgentKind[] s_otherAgents = { AgentKind.Codex, AgentKind.Gemini, AgentKind.OpenCode };

        /// <summary>The existing folders of the agents other than Claude Code that the request names.</summary>
        public static List<string> OtherAgentFolders(LedgerSyncRequest request) =>
            request?.OtherAgents is Agents.AgentLocations a ? s_otherAgents.SelectMany(a.FoldersOf).ToList() : new List<string>();

        private static IEnumerable<LedgerUsageRow> TranscriptRows(LedgerSyncRequest request, ICollection<RlmTokensException> problems, CancellationToken cancellation)
        {
            foreach (LedgerUsageRow row in ClaudeRows(request, problems, cancellation)) { yield return row; }
            if (OtherAgentFolders(request).Count == 0) { yield break; }
            // Codex CLI, Gemini CLI and OpenCode: each reader's own de-duplication, each row labelled with its agent.
            Agents.AgentReadResult others = Agents.AgentUsage.Read(request.OtherAgents!, s_otherAgents, cancellation);
            foreach (RlmTokensException p in others.Problems) { problems.Add(p); }
            foreach (UsageEntry e in others.Entries)
            {
                yield return LedgerRows.FromTranscript(e, request.Prices, request.Identity);
            }
        }

        private static IEnumerable<LedgerUsageRow> ClaudeRows(LedgerSyncRequest request, ICollection<RlmTokensException> problems, CancellationToken cancellation)
        {
            if (request.TranscriptRoots.Count == 0) { yield break; }
            // -WhatIf writes nothing, not even the transcript reader's cache.
            var options = new TranscriptReadOptions { CacheFolder = request.WhatIf ? null : request.CacheFolder, Cancellation = cancellation };
            foreach (string root in request.TranscriptRoots) { options.ProjectRoots.Add(root); }
            TranscriptReadResult read = TranscriptReader.Read(options);
            foreach (string file in read.UnreadableFiles)
            {
                problems.Add(new InvalidTranscriptException("TranscriptUnreadable", file, string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Messages.TranscriptUnreadable, file)));
            }
            IReadOnlyDictionary<string, string>? aliases = request.Workspace is TokenTracker t
                ? new UsageQuery(t, DateTime.MinValue, DateTime.MaxValue.Date, cancellation).SessionAliases
                : null;
            foreach (UsageEntry e in read.Entries)
            {
                yield return LedgerRows.FromTranscript(e, request.Prices, request.Identity, aliases);
            }
        }
    }
}
