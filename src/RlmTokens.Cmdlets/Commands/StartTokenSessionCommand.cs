using System;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Hooks;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Opens a token session: creates current-session.json (the token part of RLM's session-start.ps1).
    /// From parameters, or from a SessionStart hook's JSON on the pipeline (session_id, source).
    /// </summary>
    [Cmdlet(VerbsLifecycle.Start, "TokenSession", SupportsShouldProcess = true)]
    [OutputType(typeof(TokenSessionRecord))]
    public sealed class StartTokenSessionCommand : RlmTokensCmdlet
    {
        private bool _hookMode;

        /// <summary>The RLM session id; default SESSION-yyyy-MM-dd-HHmmss of the start time.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        public string? SessionId { get; set; }

        /// <summary>Why the session starts: startup, resume, clear or compact (SessionStart's source). resume and compact keep an open session.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("startup", "resume", "clear", "compact", IgnoreCase = true)]
        public string? Source { get; set; }

        /// <summary>A SessionStart hook document; lines of one document may come one by one.</summary>
        [Parameter(ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>Close (archive) a session that is still open instead of failing. Hook mode always does.</summary>
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
            Start(tracker, new SessionStartRequest
            {
                SessionId = SessionId,
                ClaudeSessionId = hook.SessionId,
                Source = Source?.ToLowerInvariant() ?? hook.Source,
                Force = true,
                StartedAt = StartedAt,
            });
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
