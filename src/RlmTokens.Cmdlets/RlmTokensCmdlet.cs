using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Hooks;
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

        /// <summary>The workspace root (the folder that holds RLM/). Default: $env:CLAUDE_PROJECT_DIR, else the current location.</summary>
        [Parameter]
        [Alias("WorkspaceRoot")]
        [ValidateNotNullOrEmpty]
        public string? Path { get; set; }

        /// <summary>Cancelled when the user presses Ctrl+C.</summary>
        protected CancellationToken Cancellation => _cancellation.Token;

        /// <summary>The clock. Cmdlets that stamp records take the time as a parameter where a test or a replay needs it.</summary>
        protected IClock Clock => SystemClock.Instance;

        /// <summary>The tracker of the resolved workspace (resolved on first use).</summary>
        protected TokenTracker Tracker => _tracker ??= new TokenTracker(ResolveWorkspace(null), Clock, LockTimeout);

        /// <summary>How long a writer waits for a folder lock: 30 seconds, or $env:RLMTOKENS_LOCK_TIMEOUT_MS.</summary>
        protected TimeSpan LockTimeout => LockSettings.FromEnvironment();

        /// <summary>
        /// Resolves the workspace: -Path (through PowerShell's location), else the hook's cwd (the
        /// nearest folder upwards that holds RLM/), else $env:CLAUDE_PROJECT_DIR, else the current
        /// file-system location. A folder that does not exist is a terminating WorkspaceNotFound error.
        /// </summary>
        protected Workspace ResolveWorkspace(string? hookCwd)
        {
            string root;
            if (!string.IsNullOrEmpty(Path))
            {
                root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
            }
            else if (!string.IsNullOrEmpty(hookCwd) && System.IO.Path.IsPathRooted(hookCwd))
            {
                root = FindRlmRoot(hookCwd!);
            }
            else if (Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is string env && env.Length > 0)
            {
                root = SessionState.Path.GetUnresolvedProviderPathFromPSPath(env);
            }
            else
            {
                root = SessionState.Path.CurrentFileSystemLocation.ProviderPath;
            }
            if (!Directory.Exists(root))
            {
                ThrowTerminatingError(ErrorRecords.From(new WorkspaceNotFoundException(root)));
            }
            return new Workspace(root);
        }

        /// <summary>Uses the given workspace from now on (hook mode resolves it per document).</summary>
        protected TokenTracker UseWorkspace(Workspace workspace)
        {
            if (_tracker is null || _tracker.Workspace.Root != workspace.Root)
            {
                _tracker = new TokenTracker(workspace, Clock, LockTimeout);
            }
            return _tracker;
        }

        private static string FindRlmRoot(string cwd)
        {
            for (DirectoryInfo? d = new DirectoryInfo(cwd); d is not null; d = d.Parent)
            {
                if (Directory.Exists(System.IO.Path.Combine(d.FullName, "RLM"))) { return d.FullName; }
            }
            return cwd;
        }

        /// <summary>Resolves a user-supplied file path through PowerShell's location (not the process's).</summary>
        protected string ResolveFilePath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>Writes each non-fatal problem of an outcome as a non-terminating error.</summary>
        protected void WriteProblems<T>(Outcome<T> outcome)
        {
            foreach (RlmTokensException problem in outcome.Problems)
            {
                WriteError(ErrorRecords.From(problem));
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
