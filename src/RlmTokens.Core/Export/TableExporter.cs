using System;
using System.IO;
using System.Threading;
using RlmTokens.Errors;

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

    /// <summary>Writes a whole table to a file in one step, through an <see cref="ExportStream"/>.</summary>
    public static class TableExporter
    {
        public static FileInfo Write(string path, ExportTable table, ExportOptions options, CancellationToken cancellation = default)
        {
            if (table is null) { throw new ArgumentNullException(nameof(table)); }
            using ExportStream export = ExportStream.Open(path, table.Columns, options, cancellation);
            foreach (object?[] row in table.Rows)
            {
                cancellation.ThrowIfCancellationRequested();
                export.Write(row);
            }
            return export.Commit();
        }
    }
}
