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
    /// Records a context compaction: compact-events.json (always an array afterwards), the open
    /// session's context_compacts and the day's Markdown log. From a PreCompact hook's JSON or from
    /// parameters. Replaces pre-compact.ps1.
    /// </summary>
    [Cmdlet(VerbsLifecycle.Register, "CompactEvent", SupportsShouldProcess = true, DefaultParameterSetName = HookSet, HelpUri = ProjectLinks.HelpPages + "Register-CompactEvent.md")]
    [OutputType(typeof(CompactEventRecord))]
    public sealed class RegisterCompactEventCommand : RlmTokensCmdlet
    {
        private const string ParametersSet = "Parameters";
        private const string HookSet = "Hook";

        /// <summary>manual (/compact) or auto (the context window filled up).</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        public CompactTrigger Trigger { get; set; }

        /// <summary>The instructions given to /compact, if any.</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        public string? CustomInstructions { get; set; }

        /// <summary>The session's transcript: the context size before the compaction is read from it.</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        public string? TranscriptPath { get; set; }

        /// <summary>A PreCompact hook document (trigger, custom_instructions, session_id, transcript_path).</summary>
        [Parameter(Mandatory = true, ParameterSetName = HookSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>The session to record; default: the open session, else the hook's session_id, else UNKNOWN.</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [Parameter(ParameterSetName = HookSet)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>When the compaction happened (default: now).</summary>
        [Parameter]
        public DateTimeOffset? Timestamp { get; set; }

        /// <summary>Return the recorded event.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == HookSet)
            {
                foreach (HookInput hook in ReadHookInput(HookInput))
                {
                    RecordFromHook(hook);
                }
                return;
            }
            if (Trigger == CompactTrigger.Unknown)
            {
                WriteError(ErrorRecords.Create("UnknownTrigger", ErrorCategory.InvalidArgument, Trigger,
                    string.Format(CultureInfo.CurrentCulture, Strings.UnknownTrigger, Trigger)));
                return;
            }
            string? transcript = string.IsNullOrEmpty(TranscriptPath) ? null : ResolveFilePath(TranscriptPath!);
            Record(Tracker, new CompactRequest
            {
                Trigger = Trigger,
                CustomInstructions = CustomInstructions,
                SessionId = SessionId,
                TranscriptPath = transcript,
                Timestamp = Timestamp,
            });
        }

        protected override void EndProcessing()
        {
            FlushHookInput();
            base.EndProcessing();
        }

        private void RecordFromHook(HookInput hook)
        {
            TokenTracker tracker = UseWorkspace(ResolveWorkspace(hook.Cwd));
            Record(tracker, HookEvents.Compact(hook, SessionId, string.IsNullOrEmpty(hook.TranscriptPath) ? null : ResolveFilePath(hook.TranscriptPath!), Timestamp));
        }

        private void Record(TokenTracker tracker, CompactRequest request)
        {
            string file = tracker.Workspace.CompactEventsFile;
            string action = string.Format(CultureInfo.CurrentCulture, Strings.RegisterCompactAction, CompactEventRecorder.TriggerName(request.Trigger));
            if (!ShouldProcess(file, action)) { return; }
            try
            {
                if (!string.IsNullOrEmpty(request.TranscriptPath))
                {
                    // The context size is extra: a transcript that cannot be read (a FIFO, refused before any
                    // open) is reported, and the compaction is still recorded without it.
                    try { request.ContextTokens = TranscriptCost.LastContextTokens(request.TranscriptPath!); }
                    catch (RlmTokensException e) { WriteError(ErrorRecords.From(e)); }
                }
                Outcome<CompactEventRecord> done = new CompactEventRecorder(tracker).Record(request, Cancellation);
                WriteProblems(done);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.RegisteredCompact, done.Value.Trigger, done.Value.SessionId, file));
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
