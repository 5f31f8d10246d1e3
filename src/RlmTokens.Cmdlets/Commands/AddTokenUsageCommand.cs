using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Logs exact token counts by hand (agents that expose no data: Copilot, Cursor, Aider, a pasted
    /// "Token usage: 54161/200000" line) to RLM/progress/token-usage.log, in the stream format
    /// token-tracker.sh writes, with the git branch read from .git/HEAD.
    /// </summary>
    [Cmdlet(VerbsCommon.Add, "TokenUsage", SupportsShouldProcess = true, DefaultParameterSetName = SplitSet, HelpUri = ProjectLinks.HelpPages + "Add-TokenUsage.md")]
    [OutputType(typeof(TokenUsageLogRecord))]
    public sealed class AddTokenUsageCommand : RlmTokensCmdlet
    {
        private const string SplitSet = "Split";
        private const string TotalSet = "Total";
        private const string TextSet = "Text";

        /// <summary>Input (prompt) tokens.</summary>
        [Parameter(Mandatory = true, ParameterSetName = SplitSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Input")]
        public long InputTokens { get; set; }

        /// <summary>Output (completion) tokens.</summary>
        [Parameter(ParameterSetName = SplitSet, ValueFromPipelineByPropertyName = true)]
        [Alias("Output")]
        public long OutputTokens { get; set; }

        /// <summary>A total without an input/output split.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TotalSet, ValueFromPipelineByPropertyName = true)]
        [Alias("TotalTokens")]
        public long Tokens { get; set; }

        /// <summary>A pasted usage line such as "Token usage: 54161/200000", or a JSON document from a hook or script (hook form).</summary>
        [Parameter(Mandatory = true, ParameterSetName = TextSet, ValueFromPipeline = true)]
        [ValidateNotNullOrEmpty]
        public string? UsageText { get; set; }

        /// <summary>The model (priced from project-config.json's costPerToken when listed there).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>The agent (coder, reviewer, copilot, cursor, ...).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(AgentCompleter))]
        public string? Agent { get; set; }

        /// <summary>The task (TASK-014, a ticket, ...).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(TaskIdCompleter))]
        public string? Task { get; set; }

        /// <summary>The tool that spent the tokens (Copilot, Cursor, Aider, Codex CLI, ...).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Tool { get; set; }

        /// <summary>A free note.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Note { get; set; }

        /// <summary>The session the usage belongs to (recorded as session_id).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>The branch to record; default: read from the workspace's .git/HEAD (no git process).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? Branch { get; set; }

        /// <summary>The cost in USD; default: priced from the model's costPerToken, else $3 / $15 per million.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public decimal? CostUsd { get; set; }

        /// <summary>How long the work took, in seconds (token-tracker.sh's duration).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, double.MaxValue)]
        public double DurationSeconds { get; set; }

        /// <summary>When the usage happened (default: now).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public DateTimeOffset? Timestamp { get; set; }

        /// <summary>Return the logged record.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            if (ParameterSetName == TextSet && (HookTextPending || UsageText!.TrimStart('\uFEFF', ' ', '\t').StartsWith("{", StringComparison.Ordinal)))
            {
                foreach (string document in AppendHookText(UsageText))
                {
                    AddFromJson(document);
                }
                return;
            }
            UsageEntryRequest request = Overlay(new UsageEntryRequest());
            switch (ParameterSetName)
            {
                case SplitSet:
                    request.InputTokens = InputTokens;
                    request.OutputTokens = OutputTokens;
                    break;
                case TotalSet:
                    request.Tokens = Tokens;
                    break;
                default:
                    long? parsed = TokenUsageLog.ParseUsageText(UsageText!);
                    if (parsed is null)
                    {
                        WriteError(ErrorRecords.Create("UsageTextUnreadable", ErrorCategory.InvalidData, UsageText,
                            string.Format(CultureInfo.CurrentCulture, Strings.UsageTextUnreadable, UsageText)));
                        return;
                    }
                    request.Tokens = parsed;
                    request.Note ??= UsageText!.Trim();
                    break;
            }
            Add(Tracker, request);
        }

        protected override void EndProcessing()
        {
            FlushHookInput();
            base.EndProcessing();
        }

        // Hook form: a JSON document from a hook or script (token fields, model, agent, ..., cwd).
        private void AddFromJson(string document)
        {
            UsageEntryRequest request;
            string? cwd;
            try
            {
                request = TokenUsageLog.RequestFromJson(document, out cwd);
            }
            catch (InvalidHookInputException e)
            {
                WriteError(ErrorRecords.From(e));
                return;
            }
            Add(UseWorkspace(ResolveWorkspace(cwd)), Overlay(request));
        }

        // Parameters given on the command line win over what a document says.
        private UsageEntryRequest Overlay(UsageEntryRequest request)
        {
            var bound = MyInvocation.BoundParameters;
            if (bound.ContainsKey(nameof(Model))) { request.Model = Model; }
            if (bound.ContainsKey(nameof(Agent))) { request.Agent = Agent; }
            if (bound.ContainsKey(nameof(Task))) { request.Task = Task; }
            if (bound.ContainsKey(nameof(Tool))) { request.Tool = Tool; }
            if (bound.ContainsKey(nameof(Note))) { request.Note = Note; }
            if (bound.ContainsKey(nameof(SessionId))) { request.SessionId = SessionId; }
            if (bound.ContainsKey(nameof(Branch))) { request.Branch = Branch; }
            if (bound.ContainsKey(nameof(CostUsd))) { request.CostUsd = CostUsd; }
            if (bound.ContainsKey(nameof(DurationSeconds))) { request.DurationSeconds = DurationSeconds; }
            if (bound.ContainsKey(nameof(Timestamp))) { request.Timestamp = Timestamp; }
            return request;
        }

        private void Add(TokenTracker tracker, UsageEntryRequest request)
        {
            var log = new TokenUsageLog(tracker);
            try
            {
                TokenLogEntry entry = log.Build(request);
                string file = log.LogFile;
                string action = string.Format(CultureInfo.CurrentCulture, Strings.AddUsageAction, entry.Tokens.Total, entry.Branch ?? "-");
                if (!ShouldProcess(file, action)) { return; }
                // RLM/progress/metrics.json, kept up to date as token-tracker.sh keeps it (only when it exists).
                string metrics = log.MetricsFile;
                bool updateMetrics = File.Exists(metrics)
                    && ShouldProcess(metrics, string.Format(CultureInfo.CurrentCulture, Strings.AddUsageMetricsAction, entry.Tokens.Total));
                Outcome<TokenUsageLogRecord> added = log.Append(entry, updateMetrics, Cancellation);
                TokenUsageLogRecord record = added.Value;
                WriteProblems(added);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.AddedUsage, record.TotalTokens, file));
                if (PassThru) { WriteObject(record); }
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
