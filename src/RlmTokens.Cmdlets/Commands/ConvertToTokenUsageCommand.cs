using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Export;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Writes what it receives (any RlmTokens output object), or without input the workspace's daily history,
    /// as Markdown, CSV, JSON or JSON Lines text to the pipeline: Export-TokenUsage's formats for a job summary
    /// ($env:GITHUB_STEP_SUMMARY) or the screen, with no file in between.
    /// </summary>
    [Cmdlet(VerbsData.ConvertTo, "TokenUsage", HelpUri = ProjectLinks.HelpPages + "ConvertTo-TokenUsage.md")]
    [OutputType(typeof(string))]
    public sealed class ConvertToTokenUsageCommand : RlmTokensCmdlet
    {
        private string[]? _columns;
        private ExportText? _text;
        private bool _received;

        /// <summary>An object to convert: any RlmTokens output object (its properties become the columns).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Markdown (default), Csv, Json or Jsonl.</summary>
        [Parameter(Position = 0)]
        public ExportFormat Format { get; set; } = ExportFormat.Markdown;

        /// <summary>The Markdown heading (default "Token usage").</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "Token usage";

        protected override void ProcessRecord()
        {
            if (InputObject is null) { return; }
            _received = true;
            if (_columns is null)
            {
                _columns = ExportRows.Columns(InputObject);
                Begin(_columns);
            }
            Emit(_text!.Row(ExportRows.Row(InputObject, _columns)));
        }

        protected override void EndProcessing()
        {
            if (!_received)
            {
                if (MyInvocation.ExpectingInput)
                {
                    WriteWarning(Strings.ConvertNothingReceived);
                    return;
                }
                Outcome<IReadOnlyList<TokenUsageDay>> history = Tracker.GetHistory(DateTime.MinValue, DateTime.MaxValue.Date);
                WriteProblems(history);
                if (history.Value.Count == 0)
                {
                    WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.ConvertNoHistory, Tracker.Workspace.Root));
                    return;
                }
                ExportTable table = ExportTable.FromDays(history.Value);
                Begin(table.Columns);
                foreach (object?[] row in table.Rows) { Emit(_text!.Row(row)); }
            }
            Emit(_text?.Finish());
        }

        private void Begin(IReadOnlyList<string> columns)
        {
            _text = new ExportText(columns, Format, Title);
            Emit(_text.Header());
        }

        private void Emit(string? text)
        {
            if (text is not null) { WriteObject(text); }
        }
    }
}
