using System.Collections;
using System.Collections.Generic;
using System.Management.Automation;
using System.Runtime.CompilerServices;
using RlmTokens.Export;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Objects from the pipeline as export rows, shared by Export-TokenUsage and ConvertTo-TokenUsage: the
    /// columns are the first object's properties (as Export-Csv takes them), each later object's values looked
    /// up by name and reduced to scalars the Core writers know.
    /// </summary>
    internal static class ExportRows
    {
        /// <summary>The column names: the object's property names in order.</summary>
        public static string[] Columns(PSObject first)
        {
            var columns = new List<string>();
            foreach (PSPropertyInfo property in first.Properties) { columns.Add(property.Name); }
            return columns.ToArray();
        }

        /// <summary>The object's values for <paramref name="columns"/> (null where it has no such property).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static object?[] Row(PSObject item, string[] columns)
        {
            object?[] row = new object?[columns.Length];
            for (int i = 0; i < row.Length; i++)
            {
                PSPropertyInfo? property = item.Properties[columns[i]];
                if (property is not null) { row[i] = ValueOf(property); }
            }
            return row;
        }

        // The value as the PowerShell adapter gives it, reduced to a scalar the writers know.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static object? ValueOf(PSPropertyInfo property)
        {
            object? value;
            try { value = property.Value; }
            catch (GetValueException) { return null; }
            if (value is PSObject ps) { value = ps.BaseObject; }
            switch (value)
            {
                case null:
                case string _:
                case bool _:
                case char _:
                case System.DateTime _:
                case System.DateTimeOffset _:
                case System.TimeSpan _:
                case System.Guid _:
                case System.Enum _:
                    return value;
                case IEnumerable items:
                    var parts = new List<string>();
                    foreach (object? item in items)
                    {
                        object? v = item is PSObject p ? p.BaseObject : item;
                        parts.Add(ExportValues.Text(v));
                    }
                    return string.Join(";", parts);
                default:
                    return ExportValues.IsNumber(value) ? value : ExportValues.Text(value);
            }
        }
    }
}
