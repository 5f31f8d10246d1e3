using System;
using System.Globalization;
using System.IO;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Json
{
    /// <summary>
    /// Reads a JSON file as a JsonDocument (no serializer at all): for other tools' files and small
    /// settings read field by field. Tolerant as RLM's files need: BOM, comments, trailing commas.
    /// </summary>
    internal static class JsonDocuments
    {
        internal static readonly JsonDocumentOptions Options = new JsonDocumentOptions
        {
            AllowTrailingCommas = true,
            CommentHandling = JsonCommentHandling.Skip,
            MaxDepth = 64,
        };

        /// <summary>The parsed file, or null when it does not exist or is blank.</summary>
        /// <exception cref="CorruptDataFileException">Not JSON.</exception>
        public static JsonDocument? Load(string path)
        {
            byte[]? bytes = SafeFiles.ReadAllBytesOrNull(path, JsonFileStore.MaxDataFileBytes);
            return bytes is null ? null : Parse(path, bytes);
        }

        public static JsonDocument? Parse(string path, byte[] bytes)
        {
            if (JsonFileStore.IsBlank(bytes, bytes.Length)) { return null; }
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            try
            {
                return JsonDocument.Parse(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start), Options);
            }
            catch (JsonException e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e);
            }
        }

        /// <summary>The property of an object, case-insensitively; default when absent or not an object.</summary>
        public static JsonElement Get(this JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object) { return default; }
            if (e.TryGetProperty(name, out JsonElement v)) { return v; }
            foreach (JsonProperty p in e.EnumerateObject())
            {
                if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) { return p.Value; }
            }
            return default;
        }

        /// <summary>A number as RLM writes them: 1234, 1234.0, "1234"; 0 for anything else.</summary>
        public static double Number(this JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Number: return e.TryGetDouble(out double d) ? d : 0;
                case JsonValueKind.String:
                    return double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double s) ? s : 0;
                default: return 0;
            }
        }

        /// <summary>
        /// An amount of money as RLM and other tools write it (0.42, "0.42", "$0.42"): decimal, to a double's
        /// 15 significant digits (0.30000000000000004 is 0.3); null when absent, not a number or out of range.
        /// </summary>
        public static decimal? Money(this JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Number:
                    return e.TryGetDouble(out double d) ? Pricing.Usd.FromDouble(d) : null;
                case JsonValueKind.String:
                    return double.TryParse(e.GetString()?.Trim().TrimStart('$'), NumberStyles.Float, CultureInfo.InvariantCulture, out double s)
                        ? Pricing.Usd.FromDouble(s) : null;
                default: return null;
            }
        }

        public static long Int64(this JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long l)) { return l; }
            double d = e.Number();
            return d >= long.MaxValue || d <= long.MinValue ? 0 : (long)Math.Round(d, MidpointRounding.AwayFromZero);
        }

        /// <summary>
        /// A string (numbers and booleans as their text); null for null, absent, objects and arrays, and
        /// for a string holding an escaped lone surrogate ("\ud800"), which JSON allows but GetString refuses.
        /// </summary>
        public static string? Text(this JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    try { return e.GetString(); }
                    catch (InvalidOperationException) { return null; }
                case JsonValueKind.Number: return e.GetRawText();
                case JsonValueKind.True: return "true";
                case JsonValueKind.False: return "false";
                default: return null;
            }
        }

        public static bool? Bool(this JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.String:
                    string? s = e.GetString();
                    if (bool.TryParse(s, out bool b)) { return b; }
                    return null;
                case JsonValueKind.Number: return e.Number() != 0;
                default: return null;
            }
        }

        /// <summary>Array items; a bare object (PowerShell's one-element array) as one item; nothing for null/{}.</summary>
        public static System.Collections.Generic.IEnumerable<JsonElement> Items(this JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement x in e.EnumerateArray()) { yield return x; }
            }
            else if (e.ValueKind == JsonValueKind.Object)
            {
                using var it = e.EnumerateObject();
                if (it.MoveNext()) { yield return e; }
            }
        }
    }
}
