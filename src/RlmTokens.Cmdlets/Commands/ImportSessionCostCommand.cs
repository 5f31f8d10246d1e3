using System;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Text;
using RlmTokens.Capture;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.HookPayloads;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Captures a session's cost into cost-&lt;SessionId&gt;.json and daily-&lt;date&gt;.json: from the text
    /// /cost prints (parameter, pipeline or a saved file), or exactly from a Claude Code transcript
    /// (-TranscriptPath, or a SessionEnd hook's JSON on the pipeline). Replaces capture-session-cost.ps1.
    /// </summary>
    [Cmdlet(VerbsData.Import, "SessionCost", SupportsShouldProcess = true, DefaultParameterSetName = PathSet, HelpUri = ProjectLinks.HelpPages + "Import-SessionCost.md")]
    [OutputType(typeof(SessionCostRecord))]
    public sealed class ImportSessionCostCommand : RlmTokensCmdlet
    {
        private const string TextSet = "Text";
        private const string PathSet = "LiteralPath";
        private const string TranscriptSet = "Transcript";
        private const string HookSet = "Hook";

        private readonly StringBuilder _text = new StringBuilder();
        private bool _sawText;

        /// <summary>The /cost output: one string, or lines from the pipeline. A hook's JSON document on the pipeline is recognised too.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = TextSet, ValueFromPipeline = true)]
        [AllowEmptyString]
        [AllowEmptyCollection]
        public string[]? CostOutput { get; set; }

        /// <summary>A file holding saved /cost output.</summary>
        [Parameter(Mandatory = true, ParameterSetName = PathSet, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath")]
        [ValidateNotNullOrEmpty]
        public string? LiteralPath { get; set; }

        /// <summary>A Claude Code transcript (.jsonl): exact tokens per model, cost from the price table.</summary>
        [Parameter(Mandatory = true, ParameterSetName = TranscriptSet, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        public string? TranscriptPath { get; set; }

        /// <summary>A SessionEnd (or Stop) hook document with session_id and transcript_path.</summary>
        [Parameter(Mandatory = true, ParameterSetName = HookSet)]
        [ValidateNotNullOrEmpty]
        public string? HookInput { get; set; }

        /// <summary>The session; default: the open session, else (hook) Claude Code's session id, else a new SESSION-yyyy-MM-dd-HHmmss.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(SessionIdCompleter))]
        public string? SessionId { get; set; }

        /// <summary>The capture time (default: now); decides the daily file.</summary>
        [Parameter]
        public DateTimeOffset? CapturedAt { get; set; }

        /// <summary>Return the captured cost.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The incremental transcript cache folder. Default: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local application data folder.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = HookSet)]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read the transcript in full and leave the cache alone.</summary>
        [Parameter(ParameterSetName = TranscriptSet)]
        [Parameter(ParameterSetName = HookSet)]
        public SwitchParameter NoCache { get; set; }

        protected override void ProcessRecord()
        {
            switch (ParameterSetName)
            {
                case TextSet:
                    foreach (string line in CostOutput ?? Array.Empty<string>())
                    {
                        if (_sawText) { _text.Append('\n'); }
                        _text.Append(line);
                        _sawText = true;
                    }
                    break;
                case PathSet:
                    string path = ResolveFilePath(LiteralPath!);
                    string text;
                    try
                    {
                        text = File.ReadAllText(path);
                    }
                    catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
                    {
                        WriteError(ErrorRecords.From(new DataFileNotFoundException(path)));
                        return;
                    }
                    catch (UnauthorizedAccessException e)
                    {
                        WriteError(ErrorRecords.From(new DataFileAccessDeniedException(path, e)));
                        return;
                    }
                    catch (IOException e)
                    {
                        WriteError(ErrorRecords.From(new DataFileReadException(path, e)));
                        return;
                    }
                    ImportText(Tracker, text);
                    break;
                case TranscriptSet:
                    ImportTranscript(Tracker, ResolveFilePath(TranscriptPath!), null);
                    break;
                case HookSet:
                    ImportHookText(HookInput!);
                    break;
            }
        }

        protected override void EndProcessing()
        {
            if (ParameterSetName == TextSet && _sawText)
            {
                string text = _text.ToString();
                if (text.TrimStart('\uFEFF', ' ', '\t', '\r', '\n').StartsWith("{", StringComparison.Ordinal))
                {
                    ImportHookText(text);
                }
                else
                {
                    ImportText(Tracker, text);
                }
            }
            base.EndProcessing();
        }

        private void ImportHookText(string text)
        {
            foreach (string document in AppendHookText(text))
            {
                ImportHook(document);
            }
            FlushHookInput();
        }

        private void ImportHook(string document)
        {
            HookInput? hook = ParseHookDocument(document);
            if (hook is null) { return; }
            if (string.IsNullOrEmpty(hook.TranscriptPath))
            {
                WriteError(ErrorRecords.From(new InvalidHookInputException(RlmTokens.HookPayloads.HookInput.Excerpt(document), RlmTokens.Resources.Messages.HookNoTranscript)));
                return;
            }
            TokenTracker tracker = UseWorkspace(ResolveWorkspace(hook.Cwd));
            // Claude Code passes an absolute path; a relative one (hand-written JSON) is resolved from PowerShell's location.
            ImportTranscript(tracker, ResolveFilePath(hook.TranscriptPath!), hook.SessionId);
        }

        private void ImportText(TokenTracker tracker, string text)
        {
            CostReport report;
            try
            {
                report = CostOutputParser.Parse(text);
            }
            catch (InvalidCostOutputException e)
            {
                WriteError(ErrorRecords.From(e));
                return;
            }
            foreach (string warning in report.Warnings) { WriteWarning(warning); }
            Import(tracker, new CostCapture { Report = report, RawOutput = text.Replace("\r\n", "\n").Trim() }, null);
        }

        private void ImportTranscript(TokenTracker tracker, string path, string? hookSessionId)
        {
            CostCapture capture;
            try
            {
                capture = TranscriptCost.Read(path, tracker, Cancellation, null, TranscriptCacheFolder(CacheFolder, NoCache));
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
                return;
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            foreach (string warning in capture.Report.Warnings) { WriteWarning(warning); }
            Import(tracker, capture, hookSessionId);
        }

        private void Import(TokenTracker tracker, CostCapture capture, string? fallbackSessionId)
        {
            DateTimeOffset at = CapturedAt ?? tracker.Clock.UtcNow;
            var importer = new SessionCostImporter(tracker);
            try
            {
                string id = importer.ResolveSessionId(SessionId, fallbackSessionId, at);
                string file = tracker.Workspace.CostFile(id);
                string action = string.Format(CultureInfo.CurrentCulture, Strings.ImportCostAction, id, capture.Report.CostUsd);
                if (!ShouldProcess(file, action)) { return; }
                Outcome<SessionCostRecord> done = importer.Import(id, capture, at, Cancellation);
                WriteProblems(done);
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ImportedCost, id, done.Value.CostUsd, file));
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
