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
    /// Closes a token session (the token part of RLM's session-end.ps1): archives it as
    /// &lt;session_id&gt;.json with ended_at and duration_minutes and books it once in the daily file at its
    /// best precision — from a SessionEnd hook's JSON, the exact usage of its transcript (tokens per
    /// model and cost, subagents included; also into cost-&lt;id&gt;.json), else its running estimate. Other
    /// open sessions stay open. From parameters (default: the most recently active open session), or
    /// from the hook's JSON on the pipeline (session_id, transcript_path, reason).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Stop, "TokenSession", SupportsShouldProcess = true, DefaultParameterSetName = "Parameters", HelpUri = ProjectLinks.HelpPages + "Stop-TokenSession.md")]
    [OutputType(typeof(TokenSessionRecord))]
    public sealed class StopTokenSessionCommand : RlmTokensCmdlet
    {
        private bool _hookMode;

        /// <summary>The session to close: its RLM id or Claude Code's id. Default: the most recently active open session (in hook mode, the hook's session).</summary>
        [Parameter(Position = 0, ParameterSetName = "Parameters", ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = "Hook")]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>Why the session ended (SessionEnd's reason: clear, logout, prompt_input_exit, other).</summary>
        [Parameter(ParameterSetName = "Parameters", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Hook")]
        public string? Reason { get; set; }

        /// <summary>
        /// A SessionEnd hook document; lines of one document may come one by one. In its own parameter set, the default being
        /// the other: otherwise PowerShell also bound a piped session object (Get-TokenUsage's) here, as text.
        /// </summary>
        [Parameter(ParameterSetName = "Hook", ValueFromPipeline = true)]
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
            Stop(tracker, HookEvents.Stop(hook, SessionId, Reason, EndedAt), hook);
        }

        private void Stop(TokenTracker tracker, SessionStopRequest request, HookInput? hook = null)
        {
            string file = tracker.Workspace.CurrentSessionFile;
            if (!ShouldProcess(file, Strings.StopSessionAction)) { return; }
            // The transcript is read before the lock is taken (and not at all under -WhatIf: the cache would be written).
            if (hook is not null) { request.Exact = ReadExactUsage(tracker, hook.TranscriptPath, hook.SessionId); }
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
