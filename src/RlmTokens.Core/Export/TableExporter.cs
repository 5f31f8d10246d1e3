using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;

namespace RlmTokens.Export
{
    /// <summary>How an export writes its file.</summary>
    public sealed class ExportOptions
    {
        public ExportFormat Format { get; set; }

        /// <summary>Add to the end of an existing file (CSV rows without a second header, JSON array items, JSONL lines, a new Markdown section).</summary>
        public bool Append { get; set; }

        /// <summary>Refuse to replace an existing file.</summary>
        public bool NoClobber { get; set; }

        /// <summary>Replace a read-only file.</summary>
        public bool Force { get; set; }

        /// <summary>The Markdown heading.</summary>
        public string Title { get; set; } = "Token usage";
    }

    /// <summary>The file exists and -NoClobber was given.</summary>
    public sealed class ExportFileExistsException : RlmTokensException
    {
        public ExportFileExistsException(string path)
            : base("ExportFileExists", path, Format(Resources.Messages.ExportFileExists, path)) =>
            RecommendedAction = Resources.Messages.ExportFileExistsAction;
    }

    /// <summary>-Append to a CSV whose header has other columns, or to a JSON file that is not an array.</summary>
    public sealed class ExportAppendMismatchException : RlmTokensException
    {
        public ExportAppendMismatchException(string path, string detail)
            : base("ExportAppendMismatch", path, Format(Resources.Messages.ExportAppendMismatch, path, detail)) { }
    }

    /// <summary>Writes a table to a file in one step: a temporary file in the same folder, then a replace.</summary>
    public static class TableExporter
    {
        private static readonly UTF8Encoding s_utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        public static FileInfo Write(string path, ExportTable table, ExportOptions options, CancellationToken cancellation = default)
        {
            if (path is null) { throw new ArgumentNullException(nameof(path)); }
            if (table is null) { throw new ArgumentNullException(nameof(table)); }
            options ??= new ExportOptions();
            bool exists = File.Exists(path);
            if (Directory.Exists(path))
            {
                throw new DataFileWriteException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
            }
            if (exists && options.NoClobber && !options.Append) { throw new ExportFileExistsException(path); }
            cancellation.ThrowIfCancellationRequested();

            string existing = exists && options.Append ? ReadText(path) : string.Empty;
            bool hasContent = existing.Trim().Length > 0;
            string text;
            switch (options.Format)
            {
                case ExportFormat.Json:
                    text = TableWriters.Json(table, hasContent ? ExistingArray(path, existing) : null);
                    existing = string.Empty;
                    break;
                case ExportFormat.Jsonl:
                    text = TableWriters.Jsonl(table);
                    if (hasContent && !existing.EndsWith("\n", StringComparison.Ordinal)) { existing += "\n"; }
                    break;
                case ExportFormat.Markdown:
                    text = TableWriters.Markdown(table, options.Title);
                    if (hasContent) { existing = existing.TrimEnd('\r', '\n') + "\n\n"; }
                    break;
                default:
                    if (hasContent)
                    {
                        CheckHeader(path, existing, table);
                        text = TableWriters.Csv(table, header: false);
                        if (!existing.EndsWith("\n", StringComparison.Ordinal)) { existing += "\r\n"; }
                    }
                    else
                    {
                        text = TableWriters.Csv(table);
                    }
                    break;
            }
            WriteAtomically(path, existing + text, options.Force);
            return new FileInfo(path);
        }

        private static string ReadText(string path)
        {
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var reader = new StreamReader(stream, s_utf8, detectEncodingFromByteOrderMarks: true);
                return reader.ReadToEnd();
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileReadException(path, e); }
        }

        private static List<JsonElement> ExistingArray(string path, string text)
        {
            JsonDocument? doc = JsonDocuments.Parse(path, s_utf8.GetBytes(text));
            if (doc is null) { return new List<JsonElement>(); }
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw new ExportAppendMismatchException(path, Resources.Messages.ExportNotJsonArray);
            }
            return doc.RootElement.EnumerateArray().Select(e => e.Clone()).ToList();
        }

        private static void CheckHeader(string path, string existing, ExportTable table)
        {
            int end = existing.IndexOf('\n');
            string first = (end < 0 ? existing : existing.Substring(0, end)).TrimEnd('\r');
            string expected = TableWriters.Csv(new ExportTable(table.Columns)).TrimEnd('\r', '\n');
            if (!string.Equals(first, expected, StringComparison.Ordinal))
            {
                throw new ExportAppendMismatchException(path, string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Messages.ExportHeaderMismatch, first, expected));
            }
        }

        private static void WriteAtomically(string path, string content, bool force)
        {
            string folder = Path.GetDirectoryName(Path.GetFullPath(path))!;
            string temp = Path.Combine(folder, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
            try
            {
                if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
                {
                    if (!force) { throw new UnauthorizedAccessException(Resources.Messages.ReadOnlyFile); }
                    File.SetAttributes(path, File.GetAttributes(path) & ~FileAttributes.ReadOnly);
                }
                byte[] bytes = s_utf8.GetBytes(content);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                for (int attempt = 0; ; attempt++)
                {
                    try
                    {
                        if (File.Exists(path)) { File.Replace(temp, path, null, ignoreMetadataErrors: true); }
                        else { File.Move(temp, path); }
                        return;
                    }
                    catch (IOException) when (attempt < 10)
                    {
                        Thread.Sleep(5 * (attempt + 1));
                    }
                }
            }
            catch (UnauthorizedAccessException e)
            {
                TryDelete(temp);
                throw new DataFileAccessDeniedException(path, e);
            }
            catch (IOException e)
            {
                TryDelete(temp);
                throw new DataFileWriteException(path, e);
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
