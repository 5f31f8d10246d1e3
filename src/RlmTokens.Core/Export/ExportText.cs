using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RlmTokens.Export
{
    /// <summary>
    /// Renders rows as text for the pipeline (ConvertTo-TokenUsage) with the same writers as a file export:
    /// CSV and JSON Lines give one line per row as it arrives (the CSV header first), JSON and Markdown one
    /// text at the end (an array; a table whose alignment and totals row depend on every row).
    /// </summary>
    public sealed class ExportText
    {
        private static readonly JsonWriterOptions s_compact = new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        private readonly ExportFormat _format;
        private readonly string _title;
        private readonly ExportTable _table;

        public ExportText(IReadOnlyList<string> columns, ExportFormat format, string title)
        {
            if (columns is null) { throw new ArgumentNullException(nameof(columns)); }
            _format = format;
            _title = title ?? throw new ArgumentNullException(nameof(title));
            _table = new ExportTable(columns);
        }

        /// <summary>What comes before the rows: the CSV header line; nothing for the other formats.</summary>
        public string? Header() => _format == ExportFormat.Csv ? TableWriters.CsvHeaderText(_table.Columns) : null;

        /// <summary>One row: its CSV or JSON Lines line (no line end); null for JSON and Markdown, which keep it for <see cref="Finish"/>.</summary>
        public string? Row(object?[] row)
        {
            if (row is null) { throw new ArgumentNullException(nameof(row)); }
            switch (_format)
            {
                case ExportFormat.Csv:
                    using (var w = new StringWriter(CultureInfo.InvariantCulture))
                    {
                        TableWriters.CsvLine(w, row);
                        return w.ToString().Substring(0, w.GetStringBuilder().Length - 2);
                    }
                case ExportFormat.Jsonl:
                    using (var buffer = new MemoryStream())
                    {
                        using (var writer = new Utf8JsonWriter(buffer, s_compact)) { TableWriters.WriteObject(writer, _table.Columns, row); }
                        return Encoding.UTF8.GetString(buffer.ToArray());
                    }
                default:
                    _table.Rows.Add(row);
                    return null;
            }
        }

        /// <summary>What comes after the rows: the JSON array or the Markdown section (without a final line end); null for CSV and JSON Lines.</summary>
        public string? Finish()
        {
            switch (_format)
            {
                case ExportFormat.Json: return TableWriters.Json(_table).TrimEnd('\n');
                case ExportFormat.Markdown: return TableWriters.Markdown(_table, _title).TrimEnd('\n');
                default: return null;
            }
        }
    }
}
