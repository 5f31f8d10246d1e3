using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Management.Automation;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Export;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Writes what it receives (any RlmTokens output object), or without input the workspace's daily
    /// history, to a CSV, JSON, JSON Lines or Markdown file: the replacement for token-tracker.sh export.
    /// </summary>
    [Cmdlet(VerbsData.Export, "TokenUsage", SupportsShouldProcess = true, HelpUri = ProjectLinks.HelpPages + "Export-TokenUsage.md")]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportTokenUsageCommand : RlmTokensCmdlet, IDisposable
    {
        private string[]? _columns;
        private ExportStream? _export;
        private bool _received;
        private bool _declined;
        private string? _file;
        private ExportFormat _format;

        /// <summary>The file to write, as on Export-Csv (the first positional parameter; not a wildcard pattern).</summary>
        [Parameter(Position = 0)]
        [ValidateNotNullOrEmpty]
        public new string? Path { get; set; }

        /// <summary>The file to write, used exactly as typed. Position 1 only for the deprecated spelling (a workspace as -Path).</summary>
        [Parameter(Position = 1)]
        [Alias("PSPath", "LP", "FilePath")]
        [ValidateNotNullOrEmpty]
        public string? LiteralPath { get; set; }

        /// <summary>The workspace root whose daily history is written when nothing is piped.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? WorkspaceRoot { get; set; }

        /// <summary>An object to write: any RlmTokens output object (its properties become the columns).</summary>
        [Parameter(ValueFromPipeline = true)]
        public PSObject? InputObject { get; set; }

        /// <summary>Csv, Json, Jsonl or Markdown; default: from the file's extension.</summary>
        [Parameter]
        public ExportFormat? Format { get; set; }

        /// <summary>The Markdown heading (default "Token usage").</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Title { get; set; } = "Token usage";

        /// <summary>Add to the end of the file instead of replacing it.</summary>
        [Parameter]
        public SwitchParameter Append { get; set; }

        /// <summary>Replace a read-only file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Do not replace an existing file.</summary>
        [Parameter]
        [Alias("NoOverwrite")]
        public SwitchParameter NoClobber { get; set; }

        /// <summary>Return the written file.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void BeginProcessing()
        {
            string named = TargetFile();
            _file = ResolveFilePath(named);
            ExportFormat? format = Format ?? TableWriters.FormatOf(_file);
            if (format is null)
            {
                ThrowTerminatingError(ErrorRecords.Create("UnknownExportFormat", ErrorCategory.InvalidArgument, named,
                    string.Format(CultureInfo.CurrentCulture, Append ? Strings.UnknownExportFormatAppend : Strings.UnknownExportFormat, named)));
            }
            _format = format!.Value;
            string? folder = System.IO.Path.GetDirectoryName(_file);
            if (!string.IsNullOrEmpty(folder) && !Directory.Exists(folder))
            {
                ThrowTerminatingError(ErrorRecords.Create("ExportFolderNotFound", ErrorCategory.ObjectNotFound, folder,
                    string.Format(CultureInfo.CurrentCulture, Strings.ExportFolderNotFound, folder)));
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        protected override void ProcessRecord()
        {
            if (InputObject is null) { return; }
            _received = true;
            if (_declined) { return; }
            if (_columns is null)
            {
                _columns = ExportRows.Columns(InputObject);
                if (!Start(_columns)) { return; }
            }
            // Each row goes to the file as it arrives; the columns are the first object's, looked up by name.
            Write(ExportRows.Row(InputObject, _columns));
        }

        protected override void EndProcessing()
        {
            try
            {
                if (!_received)
                {
                    if (MyInvocation.ExpectingInput)
                    {
                        WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.ExportNothingReceived, _file));
                        return;
                    }
                    Outcome<IReadOnlyList<TokenUsageDay>> history = Tracker.GetHistory(DateTime.MinValue, DateTime.MaxValue.Date);
                    WriteProblems(history);
                    if (history.Value.Count == 0)
                    {
                        WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.ExportNoHistory, Tracker.Workspace.Root, _file));
                        return;
                    }
                    ExportTable table = ExportTable.FromDays(history.Value);
                    if (!Start(table.Columns)) { return; }
                    foreach (object?[] row in table.Rows) { Write(row); }
                }
                if (_export is null) { return; }
                FileInfo written = _export.Commit();
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ExportWritten, _export.Rows, written.FullName));
                if (PassThru)
                {
                    // Through the provider, so the FileInfo carries PSPath and shows as Get-Item shows it.
                    foreach (PSObject item in SessionState.InvokeProvider.Item.Get(new[] { written.FullName }, true, true))
                    {
                        WriteObject(item);
                    }
                }
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
            }
            finally
            {
                Dispose();
                base.EndProcessing();
            }
        }

        /// <summary>Deletes the temporary file of an export that did not finish (an error, Ctrl+C).</summary>
        public void Dispose()
        {
            _export?.Dispose();
            _export = null;
        }

        /// <summary>
        /// The output file as typed. -Path or -LiteralPath names it, as on Export-Csv. Both at once is the spelling
        /// of versions before 0.2 (the workspace as -Path, the file as -LiteralPath or second positionally): it
        /// still works, with a deprecation warning; with -WorkspaceRoot too it is ambiguous and refused.
        /// </summary>
        private string TargetFile()
        {
            bool path = MyInvocation.BoundParameters.ContainsKey(nameof(Path));
            bool literal = MyInvocation.BoundParameters.ContainsKey(nameof(LiteralPath));
            if (path && literal)
            {
                if (WorkspaceRoot is not null)
                {
                    ThrowTerminatingError(ErrorRecords.Create("ExportPathAmbiguous", ErrorCategory.InvalidArgument, Path,
                        string.Format(CultureInfo.CurrentCulture, Strings.ExportPathAmbiguous, Path, LiteralPath, WorkspaceRoot)));
                }
                WriteWarning(string.Format(CultureInfo.CurrentCulture, Strings.ExportPathDeprecated, Path, LiteralPath));
                base.Path = Path;
                return LiteralPath!;
            }
            base.Path = WorkspaceRoot;
            if (literal) { return LiteralPath!; }
            if (path) { return Path!; }
            ThrowTerminatingError(ErrorRecords.Create("ExportPathMissing", ErrorCategory.InvalidArgument, null, Strings.ExportPathMissing));
            return string.Empty;
        }

        // Asks once, before anything is touched, and opens the export; false when declined or failed.
        private bool Start(IReadOnlyList<string> columns)
        {
            string action = string.Format(CultureInfo.CurrentCulture, Append ? Strings.ExportAppendAction : Strings.ExportWriteAction, _format);
            if (!ShouldProcess(_file, action))
            {
                _declined = true;
                return false;
            }
            try
            {
                _export = ExportStream.Open(_file!, columns,
                    new ExportOptions { Format = _format, Append = Append, NoClobber = NoClobber, Force = Force, Title = Title }, Cancellation);
                return true;
            }
            catch (RlmTokensException e)
            {
                _declined = true;
                WriteError(ErrorRecords.From(e));
                return false;
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void Write(object?[] row)
        {
            if (_export is null) { return; }
            try
            {
                _export.Write(row);
            }
            catch (RlmTokensException e)
            {
                _declined = true;
                Dispose();
                WriteError(ErrorRecords.From(e));
            }
        }
    }
}
