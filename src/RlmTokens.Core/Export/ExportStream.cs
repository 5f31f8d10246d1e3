using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Export
{
    /// <summary>
    /// Writes an export as its rows arrive: each row goes straight to a temporary file beside the target
    /// (CSV, JSON and JSON Lines hold no copy of the output), and <see cref="Commit"/> replaces the target in one
    /// step. Disposed without a commit, it deletes the temporary file and leaves the target as it was. Markdown
    /// keeps its rows until the commit: its alignment row and totals depend on every row.
    /// </summary>
    public sealed class ExportStream : IDisposable
    {
        private const int FlushBytes = 1 << 16;
        private static readonly UTF8Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        private static readonly JsonWriterOptions s_indented = new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        private static readonly JsonWriterOptions s_compact = new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly string _path;
        private readonly string _temp;
        private readonly ExportOptions _options;
        private readonly IReadOnlyList<string> _columns;
        private FileStream? _stream;
        private StreamWriter? _text;
        private Utf8JsonWriter? _json;
        private ExportTable? _markdown;
        private bool _committed;

        private ExportStream(string path, IReadOnlyList<string> columns, ExportOptions options)
        {
            _path = path;
            _columns = columns;
            _options = options;
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            _temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
        }

        /// <summary>The rows written so far.</summary>
        public long Rows { get; private set; }

        /// <summary>
        /// Starts an export of rows with <paramref name="columns"/> to <paramref name="path"/>: checks the target
        /// (a folder, -NoClobber, for -Append the existing header or array), then writes what comes before the rows.
        /// </summary>
        /// <exception cref="ExportFileExistsException">The file exists and NoClobber was set.</exception>
        /// <exception cref="ExportAppendMismatchException">Appending to a CSV with other columns or to JSON that is no array.</exception>
        /// <exception cref="DataFileWriteException">The target is a folder, or the temporary file cannot be written.</exception>
        public static ExportStream Open(string path, IReadOnlyList<string> columns, ExportOptions options, CancellationToken cancellation = default)
        {
            if (path is null) { throw new ArgumentNullException(nameof(path)); }
            if (columns is null) { throw new ArgumentNullException(nameof(columns)); }
            options ??= new ExportOptions();
            if (Directory.Exists(path))
            {
                throw new DataFileWriteException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
            }
            bool exists = File.Exists(path);
            if (exists && options.NoClobber && !options.Append) { throw new ExportFileExistsException(path); }
            cancellation.ThrowIfCancellationRequested();
            var export = new ExportStream(path, columns, options);
            try
            {
                export.Start(exists && options.Append);
                return export;
            }
            catch
            {
                export.Dispose();
                throw;
            }
        }

        /// <summary>Writes one row (values in column order).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Write(object?[] row)
        {
            if (row is null) { throw new ArgumentNullException(nameof(row)); }
            try
            {
                switch (_options.Format)
                {
                    case ExportFormat.Json:
                        TableWriters.WriteObject(_json!, _columns, row);
                        if (_json!.BytesPending > FlushBytes) { _json.Flush(); }
                        break;
                    case ExportFormat.Jsonl:
                        TableWriters.WriteObject(_json!, _columns, row);
                        _json!.Flush();
                        _stream!.WriteByte((byte)'\n');
                        _json.Reset();
                        break;
                    case ExportFormat.Markdown:
                        _markdown!.Rows.Add(row);
                        break;
                    default:
                        TableWriters.CsvLine(_text!, row);
                        break;
                }
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(_path, e);
            }
            catch (IOException e)
            {
                throw new DataFileWriteException(_path, e);
            }
            Rows++;
        }

        /// <summary>Finishes the file, flushes it to disk and replaces the target with it.</summary>
        public FileInfo Commit()
        {
            Guard(() =>
            {
                switch (_options.Format)
                {
                    case ExportFormat.Json:
                        _json!.WriteEndArray();
                        _json.Flush();
                        _stream!.WriteByte((byte)'\n');
                        break;
                    case ExportFormat.Markdown:
                        _text!.Write(TableWriters.Markdown(_markdown!, _options.Title));
                        break;
                }
                _json?.Flush();
                _text?.Flush();
                _stream!.Flush(true);
                _json?.Dispose();
                _json = null;
                _text?.Dispose();
                _text = null;
                _stream.Dispose();
                _stream = null;
                ReplaceTarget();
            });
            _committed = true;
            return new FileInfo(_path);
        }

        /// <summary>Without a commit: deletes the temporary file; the target stays as it was.</summary>
        public void Dispose()
        {
            try
            {
                _json?.Dispose();
                _text?.Dispose();
                _stream?.Dispose();
            }
            catch (IOException) { }
            _json = null;
            _text = null;
            _stream = null;
            if (!_committed) { TryDelete(_temp); }
        }

        private void Start(bool append)
        {
            Guard(() =>
            {
                _stream = new FileStream(_temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, FlushBytes);
                ExportFormat format = _options.Format;
                if (format == ExportFormat.Json)
                {
                    List<JsonElement>? prefix = append ? ExistingArray() : null;
                    _json = new Utf8JsonWriter(_stream, s_indented);
                    _json.WriteStartArray();
                    if (prefix is not null) { foreach (JsonElement e in prefix) { e.WriteTo(_json); } }
                    return;
                }
                _text = new StreamWriter(_stream, s_utf8, FlushBytes);
                bool hasContent = false;
                if (append) { hasContent = CopyExisting(format); }
                if (format == ExportFormat.Jsonl)
                {
                    _text.Flush();
                    _json = new Utf8JsonWriter(_stream, s_compact);
                }
                else if (format == ExportFormat.Markdown)
                {
                    _markdown = new ExportTable(_columns);
                }
                else if (!hasContent)
                {
                    TableWriters.CsvHeader(_text, _columns);
                }
            });
        }

        /// <summary>
        /// Copies the existing file's text (decoded as before: a BOM dropped) into the temporary file, with what
        /// the format needs between old and new (a line end; for Markdown one blank line), and checks a CSV's
        /// header against the columns. True when the file held more than whitespace.
        /// </summary>
        private bool CopyExisting(ExportFormat format)
        {
            using var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FlushBytes);
            using var reader = new StreamReader(stream, s_utf8, detectEncodingFromByteOrderMarks: true, FlushBytes);
            char[] buffer = new char[8192];
            var firstLine = new StringBuilder();
            bool inFirstLine = true, hasContent = false;
            char last = '\0';
            // Markdown drops the trailing line ends of the old text: hold them back until something follows.
            var pendingBreaks = new StringBuilder();
            int n;
            while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    char c = buffer[i];
                    if (inFirstLine)
                    {
                        if (c == '\n') { inFirstLine = false; }
                        else { firstLine.Append(c); }
                    }
                    hasContent |= !char.IsWhiteSpace(c);
                    if (format == ExportFormat.Markdown)
                    {
                        if (c == '\r' || c == '\n') { pendingBreaks.Append(c); continue; }
                        if (pendingBreaks.Length > 0) { _text!.Write(pendingBreaks.ToString()); pendingBreaks.Clear(); }
                    }
                    _text!.Write(c);
                    last = c;
                }
            }
            if (format == ExportFormat.Markdown)
            {
                _text!.Write(hasContent ? "\n\n" : pendingBreaks.ToString());
                return hasContent;
            }
            if (!hasContent) { return false; }
            if (format == ExportFormat.Csv)
            {
                string first = firstLine.ToString().TrimEnd('\r');
                string expected = TableWriters.CsvHeaderText(_columns);
                if (!string.Equals(first, expected, StringComparison.Ordinal))
                {
                    throw new ExportAppendMismatchException(_path, string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Messages.ExportHeaderMismatch, first, expected));
                }
                if (last != '\n') { _text!.Write("\r\n"); }
            }
            else if (last != '\n')
            {
                _text!.Write('\n');
            }
            return true;
        }

        private List<JsonElement>? ExistingArray()
        {
            string text;
            using (var stream = new FileStream(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            using (var reader = new StreamReader(stream, s_utf8, detectEncodingFromByteOrderMarks: true))
            {
                text = reader.ReadToEnd();
            }
            if (text.Trim().Length == 0) { return null; }
            using JsonDocument? doc = Json.JsonDocuments.Parse(_path, s_utf8.GetBytes(text));
            if (doc is null) { return new List<JsonElement>(); }
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ExportAppendMismatchException(_path, Resources.Messages.ExportNotJsonArray);
            }
            var items = new List<JsonElement>();
            foreach (JsonElement e in doc.RootElement.EnumerateArray()) { items.Add(e.Clone()); }
            return items;
        }

        private void ReplaceTarget()
        {
            if (File.Exists(_path) && (File.GetAttributes(_path) & FileAttributes.ReadOnly) != 0)
            {
                if (!_options.Force) { throw new UnauthorizedAccessException(Resources.Messages.ReadOnlyFile); }
                File.SetAttributes(_path, File.GetAttributes(_path) & ~FileAttributes.ReadOnly);
            }
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    if (File.Exists(_path)) { File.Replace(_temp, _path, null, ignoreMetadataErrors: true); }
                    else { File.Move(_temp, _path); }
                    return;
                }
                catch (IOException) when (attempt < 10)
                {
                    // A scanner holding the file open on Windows: try again shortly.
                    Thread.Sleep(5 * (attempt + 1));
                }
            }
        }

        // Every file error as the project's exception for the target, the temporary file removed by Dispose.
        private void Guard(Action action)
        {
            try
            {
                action();
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(_path, e);
            }
            catch (IOException e)
            {
                throw new DataFileWriteException(_path, e);
            }
        }

        private static void TryDelete(string path)
        {
            try { File.Delete(path); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
