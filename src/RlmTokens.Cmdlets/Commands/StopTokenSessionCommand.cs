using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Hooks;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Closes the open token session (the token part of RLM's session-end.ps1): archives
    /// current-session.json as &lt;session_id&gt;.json with ended_at and duration_minutes, folds the
    /// session's estimate into the daily file, and clears the open session and its estimate. From
    /// parameters, or from a SessionEnd hook's JSON on the pipeline (session_id, reason).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "TokenSession", SupportsShouldProcess = true)]
    [OutputType(typeof(TokenSessionRecord))]
    public sealed class StopTokenSessionCommand : RlmTokensCmdlet
    {
        private bool _hookMode;

        /// <summary>When given, the open session must be this one (its RLM id, or Claude Code's id).</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>Why the session ended (SessionEnd's reason: clear, logout, prompt_input_exit, other).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Reason { get; set; }

        /// <summary>A SessionEnd hook document; lines of one document may come one by one.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>The end time (default: now).</summary>
        [Parameter]
        public DateTimeOffset? EndedAt { get; set; }

        /// <summary>Return the closed session.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(HookInput)))
            {
                _hookMode = true;
                foreach (HookInput hook in ReadHookInput(HookInput))
                {
                    StopFromHook(hook);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (!_hookMode)
            {
                Stop(Tracker, new SessionStopRequest { SessionId = SessionId, Reason = Reason, EndedAt = EndedAt });
            }
            FlushHookInput();
            base.EndProcessing();
        }

        private void StopFromHook(HookInput hook)
        {
            TokenTracker tracker = UseWorkspace(ResolveWorkspace(hook.Cwd));
            Stop(tracker, new SessionStopRequest { SessionId = SessionId ?? hook.SessionId, Reason = Reason ?? hook.Reason, EndedAt = EndedAt });
        }

        private void Stop(TokenTracker tracker, SessionStopRequest request)
        {
            string file = tracker.Workspace.CurrentSessionFile;
            if (!ShouldProcess(file, Strings.StopSessionAction)) { return; }
            try
            {
                Outcome<TokenSessionRecord> done = new SessionLifecycle(tracker).Stop(request, Cancellation);
                WriteProblems(done);
                if (done.Value.SessionId is null) { return; }
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.StoppedSession, done.Value.SessionId, done.Value.File));
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
