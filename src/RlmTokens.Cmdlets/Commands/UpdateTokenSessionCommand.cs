using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.HookPayloads;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Keeps an open session's exact running figure: counts its transcript (through the incremental
    /// cache, so each call reads only what was appended since the last) into the session's record, so
    /// Get-TokenUsage and the budgets show the exact figure while the session runs. Made for Claude
    /// Code's Stop hook (the end of each turn); also marks the session active, so it becomes the one
    /// current-session.json shows.
    /// </summary>
    [Cmdlet(VerbsData.Update, "TokenSession", SupportsShouldProcess = true, DefaultParameterSetName = HookSet, HelpUri = ProjectLinks.HelpPages + "Update-TokenSession.md")]
    [OutputType(typeof(TokenSessionRecord))]
    public sealed class UpdateTokenSessionCommand : RlmTokensCmdlet
    {
        private const string ParametersSet = "Parameters";
        private const string HookSet = "Hook";

        /// <summary>The session: its RLM id or Claude Code's id. Default: the hook's session, else the most recently active one.</summary>
        [Parameter(Position = 0, ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>The session's Claude Code transcript (.jsonl) to count.</summary>
        [Parameter(Mandatory = true, ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? TranscriptPath { get; set; }

        /// <summary>A Stop (or SubagentStop) hook document with session_id and transcript_path; lines of one document may come one by one.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HookSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>Return the session with its updated figure.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == HookSet)
            {
                foreach (HookInput hook in ReadHookInput(HookInput))
                {
                    if (string.IsNullOrEmpty(hook.TranscriptPath))
                    {
                        WriteError(ErrorRecords.From(new InvalidHookInputException(RlmTokens.HookPayloads.HookInput.Excerpt(hook.SessionId ?? string.Empty), RlmTokens.Resources.Messages.HookNoTranscript)));
                        continue;
                    }
                    Update(UseWorkspace(ResolveWorkspace(hook.Cwd)), null, hook.SessionId, hook.TranscriptPath!);
                }
                return;
            }
            Update(Tracker, SessionId, null, TranscriptPath!);
        }

        protected override void EndProcessing()
        {
            FlushHookInput();
            base.EndProcessing();
        }

        private void Update(TokenTracker tracker, string? sessionId, string? claudeSessionId, string transcriptPath)
        {
            string file = tracker.Workspace.SessionsFolder;
            if (!ShouldProcess(file, string.Format(CultureInfo.CurrentCulture, Strings.UpdateSessionAction, sessionId ?? claudeSessionId))) { return; }
            var request = new SessionUpdateRequest
            {
                SessionId = sessionId,
                ClaudeSessionId = string.IsNullOrEmpty(claudeSessionId) ? null : claudeSessionId,
                TranscriptPath = ResolveFilePath(transcriptPath),
                Exact = ReadExactUsage(tracker, transcriptPath, claudeSessionId),
            };
            if (request.Exact is null) { return; }
            try
            {
                Outcome<TokenSessionRecord> done = new SessionLifecycle(tracker).Update(request, Cancellation);
                WriteProblems(done);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.UpdatedSession, done.Value.SessionId, done.Value.TotalTokens, done.Value.CostUsd));
                if (PassThru) { WriteObject(done.Value); }
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
