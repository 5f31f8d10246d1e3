using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.HookPayloads;
using RlmTokens.Storage;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Base of every RlmTokens cmdlet: the -Path (alias WorkspaceRoot) parameter, workspace resolution
    /// through PowerShell's current location, error mapping, and a cancellation token that Ctrl+C
    /// (StopProcessing) cancels, so a wait for a lock ends at once.
    /// </summary>
    public abstract class RlmTokensCmdlet : PSCmdlet
    {
        private readonly CancellationTokenSource _cancellation = new CancellationTokenSource();
        private readonly HookDocumentBuffer _hookBuffer = new HookDocumentBuffer();
        private TokenTracker? _tracker;

        /// <summary>The workspace root (the folder that holds RLM/). Default: the nearest folder holding RLM/ from the hook's cwd or the current location upwards, else $env:CLAUDE_PROJECT_DIR.</summary>
        [Parameter]
        [Alias("WorkspaceRoot")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Cancelled when the user presses Ctrl+C.</summary>
        protected CancellationToken Cancellation => _cancellation.Token;

        /// <summary>The clock. Cmdlets that stamp records take the time as a parameter where a test or a replay needs it.</summary>
        protected IClock Clock => SystemClock.Instance;

        /// <summary>The tracker of the resolved workspace (resolved on first use), for interactive use: it waits for the lock with progress.</summary>
        protected TokenTracker Tracker => _tracker ??= NewTracker(ResolveWorkspace(null), hookMode: false);

        /// <summary>How long an interactive writer waits for a folder lock: 30 seconds, or $env:RLMTOKENS_LOCK_TIMEOUT_MS.</summary>
        protected TimeSpan LockTimeout => LockSettings.FromEnvironment();

        /// <summary>
        /// Resolves the workspace as git finds a repository: -Path (through PowerShell's location; writers
        /// may create RLM/ there); else the hook's cwd, or without one the current location, or the nearest
        /// folder above it that holds RLM/; else $env:CLAUDE_PROJECT_DIR (or the folder above it holding
        /// RLM/); else the current location, which is then no workspace (readers find nothing, writers
        /// report NotAWorkspace). A -Path that does not exist is a terminating WorkspaceNotFound error.
        /// </summary>
        protected Workspace ResolveWorkspace(string? hookCwd)
        {
            if (!string.IsNullOrEmpty(Path))
            {
                string named = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
                if (!Directory.Exists(named))
                {
                    ThrowTerminatingError(ErrorRecords.From(new WorkspaceNotFoundException(named)));
                }
                return new Workspace(named, isExplicit: true);
            }
            string current = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            bool fromHook = !string.IsNullOrEmpty(hookCwd) && System.IO.Path.IsPathRooted(hookCwd);
            if (fromHook && !Directory.Exists(hookCwd))
            {
                ThrowTerminatingError(ErrorRecords.From(new WorkspaceNotFoundException(hookCwd!)));
            }
            string start = fromHook ? hookCwd! : current;
            string? root = Workspace.FindRoot(start);
            if (root is null && Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is string env && env.Length > 0)
            {
                string project = SessionState.Path.GetUnresolvedProviderPathFromPSPath(env);
                root = Workspace.FindRoot(project) ?? (Directory.Exists(project) ? project : null);
            }
            return new Workspace(root ?? current, isExplicit: false);
        }

        /// <summary>Uses the given workspace from now on (hook mode resolves it per document): the lock wait is bounded and a busy lock spools the record.</summary>
        protected TokenTracker UseWorkspace(Workspace workspace)
        {
            if (_tracker is null || _tracker.Workspace.Root != workspace.Root || !_tracker.Options.HookMode)
            {
                _tracker = NewTracker(workspace, hookMode: true);
            }
            return _tracker;
        }

        private TokenTracker NewTracker(Workspace workspace, bool hookMode) =>
            hookMode
                ? new TokenTracker(workspace, Clock, LockSettings.HookFromEnvironment(), new TrackerOptions { HookMode = true })
                : new TokenTracker(workspace, Clock, LockTimeout, new TrackerOptions { LockWaiting = ReportLockWait });

        // Interactive waits for a busy lock say so (Write-Progress), and Ctrl+C ends them at once.
        private void ReportLockWait(TimeSpan waited)
        {
            var progress = new ProgressRecord(0x524C4D, Resources.Strings.LockWaitActivity,
                string.Format(CultureInfo.CurrentCulture, Resources.Strings.LockWaitStatus, Math.Round(waited.TotalSeconds, 1), Math.Round(LockTimeout.TotalSeconds)));
            WriteProgress(progress);
        }

        /// <summary>
        /// The incremental transcript cache: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local
        /// application data folder; null when neither can be had.
        /// </summary>
        protected static string? DefaultTranscriptCacheFolder() => Transcripts.TranscriptCache.FolderFromEnvironment();

        /// <summary>A transcript reader's cache: none with -NoCache, else -CacheFolder resolved, else <see cref="DefaultTranscriptCacheFolder"/>.</summary>
        protected string? TranscriptCacheFolder(string? cacheFolder, bool noCache) =>
            noCache ? null : cacheFolder is not null ? ResolveFilePath(cacheFolder) : DefaultTranscriptCacheFolder();

        /// <summary>
        /// Where a transcript reader looks: each of <paramref name="roots"/> resolved through PowerShell's
        /// location (a folder that does not exist ends the cmdlet with its not-found error), else Claude
        /// Code's own folders (under the home folder, or $env:CLAUDE_CONFIG_DIR); and its cache.
        /// </summary>
        protected Transcripts.TranscriptLocations ResolveTranscriptLocations(string[]? roots, string? cacheFolder, bool noCache)
        {
            var locations = new Transcripts.TranscriptLocations
            {
                Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ClaudeConfigDir = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"),
                CacheFolder = TranscriptCacheFolder(cacheFolder, noCache),
            };
            foreach (string root in roots ?? Array.Empty<string>())
            {
                string full = ResolveFilePath(root);
                if (!Directory.Exists(full))
                {
                    ThrowTerminatingError(ErrorRecords.From(new DataFileNotFoundException(full)));
                }
                locations.Roots.Add(full);
            }
            return locations;
        }

        /// <summary>
        /// Where the other agents' readers look: the transcript roots (home folders or an agent's own folder),
        /// else each agent's default folder under the home folder or its environment variable.
        /// </summary>
        protected static Agents.AgentLocations ResolveAgentLocations(Transcripts.TranscriptLocations locations)
        {
            var agents = new Agents.AgentLocations
            {
                Home = locations.Home,
                ClaudeConfigDir = locations.ClaudeConfigDir,
                CodexHome = Environment.GetEnvironmentVariable("CODEX_HOME"),
                GeminiCliHome = Environment.GetEnvironmentVariable("GEMINI_CLI_HOME"),
                OpenCodeDataDir = Environment.GetEnvironmentVariable("OPENCODE_DATA_DIR"),
                XdgDataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME"),
            };
            foreach (string root in locations.Roots) { agents.Roots.Add(root); }
            return agents;
        }

        /// <summary>A -TimeZone id as a zone (none: the local zone); an unknown id ends the cmdlet with UnknownTimeZone.</summary>
        protected TimeZoneInfo ResolveTimeZone(string? id)
        {
            if (string.IsNullOrEmpty(id)) { return TimeZoneInfo.Local; }
            try
            {
                return TimeZoneInfo.FindSystemTimeZoneById(id);
            }
            catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException)
            {
                ThrowTerminatingError(ErrorRecords.Create("UnknownTimeZone", ErrorCategory.InvalidArgument, id,
                    string.Format(CultureInfo.CurrentCulture, Resources.Strings.UnknownTimeZone, id)));
                throw;
            }
        }

        /// <summary>
        /// The workspace whose configuration (prices) a transcript reader uses: -Path, else
        /// $env:CLAUDE_PROJECT_DIR, else the current location, when that folder exists; null otherwise.
        /// </summary>
        protected Workspace? ExistingWorkspaceOrNull()
        {
            string root = !string.IsNullOrEmpty(Path) ? ResolveFilePath(Path!)
                : Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is string env && env.Length > 0 ? ResolveFilePath(env)
                : SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            return Directory.Exists(root) ? new Workspace(root) : null;
        }

        /// <summary>
        /// A session's exact usage from its transcript (through the incremental cache, so
        /// a Stop hook each turn reads only what was appended), or null when it names none. A transcript
        /// that cannot be read is written as an error and null returned: the session is then booked at
        /// its estimate.
        /// </summary>
        internal Storage.ExactUsageFile? ReadExactUsage(TokenTracker tracker, string? transcriptPath, string? claudeSessionId)
        {
            if (string.IsNullOrEmpty(transcriptPath)) { return null; }
            string path = ResolveFilePath(transcriptPath!);
            try
            {
                var (exact, warnings) = HookPayloads.HookEvents.ReadExactUsage(tracker, path, claudeSessionId, DefaultTranscriptCacheFolder(), Cancellation);
                foreach (string warning in warnings) { WriteWarning(warning); }
                return exact;
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
                return null;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        /// <summary>Resolves a user-supplied file path through PowerShell's location (not the process's).</summary>
        protected string ResolveFilePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>
        /// Writes a grouping row with its grouping in its type names (RlmTokens.TranscriptUsageRow#Model ...), so
        /// the format file's view for that grouping shows the key under its own property name; a sub-grouping
        /// (-Breakdown) adds a type name before it (RlmTokens.TranscriptUsageRow#Model#Breakdown).
        /// </summary>
        protected void WriteGroupRow(object row, string grouping, string? subGrouping = null)
        {
            PSObject wrapped = new PSObject(row);
            string name = row.GetType().FullName + "#" + grouping;
            wrapped.TypeNames.Insert(0, name);
            if (subGrouping is not null) { wrapped.TypeNames.Insert(0, name + "#" + subGrouping); }
            WriteObject(wrapped);
        }

        /// <summary>Writes each non-fatal problem of an outcome as a non-terminating error, and each of its warnings.</summary>
        protected void WriteProblems<T>(Outcome<T> outcome)
        {
            foreach (RlmTokensException problem in outcome.Problems)
            {
                WriteError(ErrorRecords.From(problem));
            }
            foreach (string warning in outcome.Warnings)
            {
                WriteWarning(warning);
            }
        }

        /// <summary>
        /// Hook input arrives as pipeline strings ($input gives a pretty-printed document line by line):
        /// adds one chunk and returns the documents it completed, as raw JSON text.
        /// </summary>
        protected IReadOnlyList<string> AppendHookText(string? chunk) => _hookBuffer.Append(chunk);

        /// <summary>True while a hook document has started but not ended.</summary>
        protected bool HookTextPending => _hookBuffer.HasPartial;

        /// <summary>Adds one chunk of hook input and returns each completed document parsed; one that is not a hook JSON object is written as InvalidHookInput and skipped.</summary>
        protected IEnumerable<HookInput> ReadHookInput(string? chunk)
        {
            foreach (string document in AppendHookText(chunk))
            {
                HookInput? hook = ParseHookDocument(document);
                if (hook is not null) { yield return hook; }
            }
        }

        /// <summary>Parses one hook document; writes InvalidHookInput and returns null when it is not one.</summary>
        protected HookInput? ParseHookDocument(string document)
        {
            try
            {
                return HookInput.Parse(document);
            }
            catch (InvalidHookInputException e)
            {
                WriteError(ErrorRecords.From(e));
                return null;
            }
        }

        /// <summary>At the end of input: writes InvalidHookInput for a document the input ended inside.</summary>
        protected void FlushHookInput()
        {
            string? rest = _hookBuffer.Flush();
            if (rest is not null)
            {
                WriteError(ErrorRecords.From(new InvalidHookInputException(HookInput.Excerpt(rest), Resources.Strings.HookInputIncomplete)));
            }
        }

        protected override void StopProcessing() => _cancellation.Cancel();

        protected override void EndProcessing() => _cancellation.Dispose();
    }
}
