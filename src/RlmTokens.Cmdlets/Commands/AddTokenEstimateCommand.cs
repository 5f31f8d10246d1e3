using System.Globalization;
using System.Management.Automation;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.HookPayloads;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Adds one operation's token estimate to RLM/progress/token-usage/token-estimates.json: the
    /// replacement for RLM's estimate-tokens.ps1, from parameters or from a Claude Code hook's JSON.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "TokenEstimate", SupportsShouldProcess = true, DefaultParameterSetName = ParametersSet, HelpUri = ProjectLinks.HelpPages + "Add-TokenEstimate.md")]
    [OutputType(typeof(TokenEstimateRecord))]
    public sealed class AddTokenEstimateCommand : RlmTokensCmdlet
    {
        private const string ParametersSet = "Parameters";
        private const string HookSet = "Hook";

        /// <summary>
        /// read, write, edit, subagent or tool (the set refuses Unknown, so Tab offers only these). Required, but checked in
        /// ProcessRecord rather than declared Mandatory: with a mandatory by-property-name parameter in the default set,
        /// PowerShell would no longer bind a piped hook document (a string) to -HookInput, and with the Hook set as default it
        /// bound a piped estimate record to -HookInput as text instead of to these parameters by name.
        /// </summary>
        [Parameter(Position = 0, ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Read", "Write", "Edit", "Subagent", "Tool", IgnoreCase = true)]
        public OperationKind Operation { get; set; }

        /// <summary>The file read, written or edited; its size on disk is used when -FileSize is 0 or absent.</summary>
        [Parameter(Position = 1, ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [Alias("File")]
        public string? FilePath { get; set; }

        /// <summary>Characters or bytes moved; 0 means "measure the file".</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Size")]
        public long FileSize { get; set; }

        /// <summary>The subagent type for -Operation subagent (Explore, coder, reviewer, ...).</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SubagentTypeCompleter))]
        public string? SubagentType { get; set; }

        /// <summary>The tool's name, for the record.</summary>
        [Parameter(ParameterSetName = ParametersSet, ValueFromPipelineByPropertyName = true)]
        public string? ToolName { get; set; }

        /// <summary>The session to attribute the operation to (recorded on the entry).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>A Claude Code hook document (PostToolUse JSON); lines of one document may come one by one.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HookSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        public string? HookInput { get; set; }

        /// <summary>Return the added operation.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == HookSet)
            {
                foreach (HookInput hook in ReadHookInput(HookInput))
                {
                    AddFromHook(hook);
                }
                return;
            }

            if (!MyInvocation.BoundParameters.ContainsKey(nameof(Operation)))
            {
                WriteError(ErrorRecords.Create("OperationRequired", ErrorCategory.InvalidArgument, null, Strings.OperationRequired));
                return;
            }
            var request = new EstimateRequest
            {
                Operation = Operation,
                FilePath = string.IsNullOrEmpty(FilePath) ? null : ResolveFilePath(FilePath!),
                Size = FileSize,
                SubagentType = SubagentType,
                ToolName = ToolName,
                SessionId = SessionId,
            };
            Add(Tracker, request);
        }

        protected override void EndProcessing()
        {
            FlushHookInput();
            base.EndProcessing();
        }

        private void AddFromHook(HookInput hook)
        {
            TokenTracker tracker = UseWorkspace(ResolveWorkspace(hook.Cwd));
            Add(tracker, HookEvents.Estimate(hook, SessionId));
        }

        private void Add(TokenTracker tracker, EstimateRequest request)
        {
            string file = tracker.Workspace.EstimatesFile;
            string action = string.Format(CultureInfo.CurrentCulture, Strings.AddEstimateAction, request.Operation, request.FilePath ?? request.SubagentType ?? request.ToolName);
            if (!ShouldProcess(file, action)) { return; }
            try
            {
                Outcome<TokenEstimateRecord> added = tracker.AddEstimate(request, Cancellation);
                WriteProblems(added);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.AddedEstimate, added.Value.TotalTokens, file));
                if (PassThru) { WriteObject(added.Value); }
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
            }
            catch (System.OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
