using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Runtime.CompilerServices;
using System.Linq;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace RlmTokens.Export
{
    /// <summary>Renders an <see cref="ExportTable"/> as CSV, JSON, JSON Lines or Markdown text.</summary>
    public static class TableWriters
    {
        /// <summary>Column names whose figures make no sense summed: left blank in a Markdown totals row.</summary>
        private static readonly string[] s_notSummed = { "Used", "Percent", "Threshold", "Limit", "Remaining", "Rate", "Ratio", "Share", "Average", "PerTask", "Figure", "Year", "Month", "Day" };

        /// <summary>The format a file name implies: .csv, .json, .jsonl/.ndjson, .md/.markdown; null otherwise.</summary>
        public static ExportFormat? FormatOf(string path)
        {
            switch (Path.GetExtension(path).ToLowerInvariant())
            {
                case ".csv": return ExportFormat.Csv;
                case ".json": return ExportFormat.Json;
                case ".jsonl":
                case ".ndjson": return ExportFormat.Jsonl;
                case ".md":
                case ".markdown": return ExportFormat.Markdown;
                default: return null;
            }
        }

        private static readonly char[] s_csvQuoted = { ',', '"', '\r', '\n' };

        /// <summary>RFC 4180: header line, CRLF line ends, fields with a comma, quote or line break quoted, quotes doubled.</summary>
        public static string Csv(ExportTable table, bool header = true)
        {
            using var w = new StringWriter(CultureInfo.InvariantCulture);
            if (header) { CsvHeader(w, table.Columns); }
            foreach (object?[] row in table.Rows) { CsvLine(w, row); }
            return w.ToString();
        }

        /// <summary>The CSV header line of <paramref name="columns"/>, without its line end.</summary>
        internal static string CsvHeaderText(IReadOnlyList<string> columns)
        {
            using var w = new StringWriter(CultureInfo.InvariantCulture);
            CsvHeader(w, columns);
            return w.ToString().TrimEnd('\r', '\n');
        }

        internal static void CsvHeader(TextWriter w, IReadOnlyList<string> columns)
        {
            for (int i = 0; i < columns.Count; i++)
            {
                if (i > 0) { w.Write(','); }
                CsvField(w, columns[i]);
            }
            w.Write("\r\n");
        }

        /// <summary>One CSV line of values.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void CsvLine(TextWriter w, object?[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                if (i > 0) { w.Write(','); }
                CsvField(w, ExportValues.Text(values[i]));
            }
            w.Write("\r\n");
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void CsvField(TextWriter w, string text)
        {
            if (text.IndexOfAny(s_csvQuoted) >= 0 || (text.Length > 0 && (text[0] == ' ' || text[text.Length - 1] == ' ')))
            {
                w.Write('"');
                w.Write(text.Replace("\"", "\"\""));
                w.Write('"');
            }
            else
            {
                w.Write(text);
            }
        }

        /// <summary>A JSON array of flat objects (one per row, properties in column order); <paramref name="prefix"/> elements first (for -Append).</summary>
        public static string Json(ExportTable table, IEnumerable<JsonElement>? prefix = null)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartArray();
                if (prefix is not null) { foreach (JsonElement e in prefix) { e.WriteTo(writer); } }
                foreach (object?[] row in table.Rows) { WriteObject(writer, table.Columns, row); }
                writer.WriteEndArray();
            }
            return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
        }

        /// <summary>JSON Lines: one compact object per line.</summary>
        public static string Jsonl(ExportTable table)
        {
            var sb = new StringBuilder();
            foreach (object?[] row in table.Rows)
            {
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
                {
                    WriteObject(writer, table.Columns, row);
                }
                sb.Append(Encoding.UTF8.GetString(buffer.ToArray())).Append('\n');
            }
            return sb.ToString();
        }

        /// <summary>One row as a flat JSON object, properties in column order.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        internal static void WriteObject(Utf8JsonWriter writer, IReadOnlyList<string> columns, object?[] row)
        {
            writer.WriteStartObject();
            for (int i = 0; i < columns.Count; i++)
            {
                writer.WritePropertyName(columns[i]);
                WriteValue(writer, row[i]);
            }
            writer.WriteEndObject();
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void WriteValue(Utf8JsonWriter writer, object? v)
        {
            switch (v)
            {
                case null: writer.WriteNullValue(); break;
                case bool b: writer.WriteBooleanValue(b); break;
                case long l: writer.WriteNumberValue(l); break;
                case int i: writer.WriteNumberValue(i); break;
                case short s: writer.WriteNumberValue(s); break;
                case byte by: writer.WriteNumberValue(by); break;
                case sbyte sb: writer.WriteNumberValue(sb); break;
                case ushort us: writer.WriteNumberValue(us); break;
                case uint ui: writer.WriteNumberValue(ui); break;
                case ulong ul: writer.WriteNumberValue(ul); break;
                case decimal m: writer.WriteNumberValue(Pricing.Usd.Exact(m)); break;
                case double d when !double.IsNaN(d) && !double.IsInfinity(d): writer.WriteNumberValue(d); break;
                case float f when !float.IsNaN(f) && !float.IsInfinity(f): writer.WriteNumberValue(f); break;
                default: writer.WriteStringValue(ExportValues.Text(v)); break;
            }
        }

        /// <summary>A Markdown section: "## title", a table (numbers right-aligned, pipes escaped) and a bold totals row.</summary>
        public static string Markdown(ExportTable table, string title)
        {
            var sb = new StringBuilder();
            sb.Append("## ").Append(Cell(title)).Append("\n\n");
            int n = table.Columns.Count;
            bool[] numeric = new bool[n];
            bool[] summed = new bool[n];
            for (int c = 0; c < n; c++)
            {
                bool any = false, all = true;
                foreach (object?[] row in table.Rows)
                {
                    if (row[c] is null) { continue; }
                    any = true;
                    if (!ExportValues.IsNumber(row[c])) { all = false; break; }
                }
                numeric[c] = any && all;
                string name = table.Columns[c];
                summed[c] = numeric[c] && !s_notSummed.Any(w => name.IndexOf(w, StringComparison.OrdinalIgnoreCase) >= 0);
            }
            sb.Append('|');
            foreach (string col in table.Columns) { sb.Append(' ').Append(Cell(col)).Append(" |"); }
            sb.Append("\n|");
            for (int c = 0; c < n; c++) { sb.Append(numeric[c] ? " ---: |" : " --- |"); }
            sb.Append('\n');
            foreach (object?[] row in table.Rows)
            {
                sb.Append('|');
                for (int c = 0; c < n; c++) { sb.Append(' ').Append(Cell(ExportValues.Text(row[c]))).Append(" |"); }
                sb.Append('\n');
            }
            // Totals: every summable column summed; "Total (n rows)" in the first column that is not.
            int label = Array.FindIndex(summed, s => !s);
            sb.Append('|');
            for (int c = 0; c < n; c++)
            {
                string cell = string.Empty;
                if (summed[c]) { cell = "**" + Sum(table, c) + "**"; }
                else if (c == label) { cell = "**Total** (" + table.Rows.Count.ToString(CultureInfo.InvariantCulture) + (table.Rows.Count == 1 ? " row)" : " rows)"); }
                sb.Append(' ').Append(cell).Append(" |");
            }
            sb.Append('\n');
            return sb.ToString();
        }

        private static string Sum(ExportTable table, int c)
        {
            // Counts and money (decimal) add up exactly; only a column with floating-point values sums as double.
            bool exact = table.Rows.All(r => r[c] is null || r[c] is decimal || ExportValues.IsInteger(r[c]));
            if (exact)
            {
                decimal total = 0;
                try
                {
                    foreach (object?[] r in table.Rows) { if (r[c] is not null) { total += Convert.ToDecimal(r[c], CultureInfo.InvariantCulture); } }
                }
                catch (OverflowException) { throw Errors.Numbers.OutOfRange(table.Columns[c], "totals"); }
                return ExportValues.Text(total);
            }
            double sum = 0;
            foreach (object?[] r in table.Rows) { if (r[c] is not null) { sum += Convert.ToDouble(r[c], CultureInfo.InvariantCulture); } }
            return Math.Round(sum, 6).ToString("R", CultureInfo.InvariantCulture);
        }

        private static string Cell(string text) =>
            text.Replace("\\", "\\\\").Replace("|", "\\|").Replace("\r\n", "<br>").Replace("\n", "<br>").Replace("\r", "<br>");
    }
}
