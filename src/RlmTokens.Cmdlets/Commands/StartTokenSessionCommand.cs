using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.HookPayloads;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Opens a token session (the token part of RLM's session-start.ps1): a record of its own under
    /// sessions/, keyed by Claude Code's session id, shown in current-session.json while it is the most
    /// recently active. Any number may be open at once; a start never closes another session. From
    /// parameters, or from a SessionStart hook's JSON on the pipeline (session_id, source, transcript_path).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "TokenSession", DefaultParameterSetName = "Parameters", SupportsShouldProcess = true, HelpUri = ProjectLinks.HelpPages + "Start-TokenSession.md")]
    [OutputType(typeof(TokenSessionRecord))]
    public sealed class StartTokenSessionCommand : RlmTokensCmdlet
    {
        private bool _hookMode;

        /// <summary>The RLM session id; default SESSION-yyyy-MM-dd-HHmmss of the start time (-2, -3... when that second is taken).</summary>
        [Parameter(Position = 0, ParameterSetName = "Parameters", ValueFromPipelineByPropertyName = true)]
        [Parameter(Position = 0, ParameterSetName = "Hook")]
        public string? SessionId { get; set; }

        /// <summary>Why the session starts: startup, resume, clear or compact (SessionStart's source).</summary>
        [Parameter(ParameterSetName = "Parameters", ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = "Hook")]
        [ValidateSet("startup", "resume", "clear", "compact", IgnoreCase = true)]
        public string? Source { get; set; }

        /// <summary>
        /// A SessionStart hook document; lines of one document may come one by one. In its own parameter set, the default being
        /// the other: otherwise PowerShell also bound a piped object with a SessionId here, as text.
        /// </summary>
        [Parameter(ParameterSetName = "Hook", ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>Keep a session that is already open under the same -SessionId instead of failing with SessionAlreadyOpen. Hook mode always keeps it.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The start time (default: now).</summary>
        [Parameter]
        public DateTimeOffset? StartedAt { get; set; }

        /// <summary>Return the opened session.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (MyInvocation.BoundParameters.ContainsKey(nameof(HookInput)))
            {
                _hookMode = true;
                foreach (HookInput hook in ReadHookInput(HookInput))
                {
                    StartFromHook(hook);
                }
            }
        }

        protected override void EndProcessing()
        {
            if (!_hookMode)
            {
                Start(Tracker, new SessionStartRequest { SessionId = SessionId, Source = Source?.ToLowerInvariant(), Force = Force, StartedAt = StartedAt });
            }
            FlushHookInput();
            base.EndProcessing();
        }

        private void StartFromHook(HookInput hook)
        {
            TokenTracker tracker = UseWorkspace(ResolveWorkspace(hook.Cwd));
            Start(tracker, HookEvents.Start(hook, SessionId, Source?.ToLowerInvariant(), StartedAt));
        }

        private void Start(TokenTracker tracker, SessionStartRequest request)
        {
            string file = tracker.Workspace.CurrentSessionFile;
            string action = string.Format(CultureInfo.CurrentCulture, Strings.StartSessionAction, request.SessionId ?? Strings.NewSessionName);
            if (!ShouldProcess(file, action)) { return; }
            try
            {
                Outcome<TokenSessionRecord> done = new SessionLifecycle(tracker).Start(request, Cancellation);
                WriteProblems(done);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.StartedSession, done.Value.SessionId, file));
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
