using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Linq;

namespace RlmTokens.Export
{
    /// <summary>The file formats Export-TokenUsage writes.</summary>
    public enum ExportFormat
    {
        Csv = 0,
        Json,
        Jsonl,
        Markdown,
    }

    /// <summary>
    /// A neutral table: ordered column names and rows of scalar values (string, numbers, bool, enums,
    /// DateTime, DateTimeOffset, TimeSpan, null). The cmdlet fills it from objects' properties; Core
    /// formats it, so no writer knows anything about PowerShell.
    /// </summary>
    public sealed class ExportTable
    {
        private readonly Dictionary<string, int> _index;

        public ExportTable(IEnumerable<string> columns)
        {
            Columns = columns?.ToList() ?? throw new ArgumentNullException(nameof(columns));
            _index = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < Columns.Count; i++)
            {
                if (!_index.ContainsKey(Columns[i])) { _index[Columns[i]] = i; }
            }
        }

        public IReadOnlyList<string> Columns { get; }

        public List<object?[]> Rows { get; } = new List<object?[]>();

        /// <summary>Adds a row from name/value pairs; names not among the columns are dropped (as Export-Csv does).</summary>
        public void AddRow(IEnumerable<KeyValuePair<string, object?>> values)
        {
            var row = new object?[Columns.Count];
            foreach (KeyValuePair<string, object?> kv in values)
            {
                if (_index.TryGetValue(kv.Key, out int i)) { row[i] = kv.Value; }
            }
            Rows.Add(row);
        }

        /// <summary>The index of a column, or -1.</summary>
        public int IndexOf(string column) => _index.TryGetValue(column, out int i) ? i : -1;

        /// <summary>The daily history as a table (the rows of Get-TokenUsage -History).</summary>
        public static ExportTable FromDays(IEnumerable<TokenUsageDay> days)
        {
            var table = new ExportTable(new[] { "Date", "Sessions", "TotalTokens", "CostUsd", "Precision", "Workspace" });
            foreach (TokenUsageDay d in days)
            {
                table.Rows.Add(new object?[] { d.Date, d.Sessions, d.TotalTokens, d.CostUsd, d.Precision, d.Workspace });
            }
            return table;
        }
    }

    /// <summary>Invariant, ISO-8601 text of scalar values.</summary>
    public static class ExportValues
    {
        public static bool IsNumber(object? v) =>
            v is byte || v is sbyte || v is short || v is ushort || v is int || v is uint || v is long || v is ulong
            || v is float || v is double || v is decimal;

        public static bool IsInteger(object? v) =>
            v is byte || v is sbyte || v is short || v is ushort || v is int || v is uint || v is long || v is ulong;

        /// <summary>The text of a value: invariant numbers ("R" for floating point; decimal money with the digits it carries, no trailing zeros), ISO-8601 times with their offset, enum names, "true"/"false", "" for null.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static string Text(object? v)
        {
            switch (v)
            {
                case null: return string.Empty;
                case string s: return s;
                case bool b: return b ? "true" : "false";
                case decimal m: return Pricing.Usd.Exact(m).ToString(CultureInfo.InvariantCulture);
                case double d: return d.ToString("R", CultureInfo.InvariantCulture);
                case float f: return f.ToString("R", CultureInfo.InvariantCulture);
                case DateTime dt: return Iso(dt);
                case DateTimeOffset dto: return Iso(dto);
                case TimeSpan ts: return ts.ToString("c", CultureInfo.InvariantCulture);
                case Enum e: return e.ToString();
                case IFormattable f2: return f2.ToString(null, CultureInfo.InvariantCulture);
                default: return v.ToString() ?? string.Empty;
            }
        }

        /// <summary>A date alone (yyyy-MM-dd) for a calendar day, the round-trip form otherwise.</summary>
        public static string Iso(DateTime value)
        {
            if (value.Kind == DateTimeKind.Unspecified && value.TimeOfDay == TimeSpan.Zero)
            {
                return value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            }
            return value.ToString("o", CultureInfo.InvariantCulture);
        }

        public static string Iso(DateTimeOffset value) =>
            value.Offset == TimeSpan.Zero
                ? value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture)
                : value.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture);
    }
}
