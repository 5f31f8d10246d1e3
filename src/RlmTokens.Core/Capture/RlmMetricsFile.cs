using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    /// <summary>
    /// RLM/progress/metrics.json as token-tracker.sh keeps it: each logged record adds its tokens to
    /// <c>agents.&lt;agent&gt;.tokensUsed</c> {input, output, total, cost}, to <c>tokenUsage</c> {input,
    /// output, total, totalCost}, to <c>tokenUsage.dailyUsage[date]</c>, <c>tokenUsage.byAgent[agent]</c> and
    /// <c>tokenUsage.byTask[task]</c> (totals), in that order. The file is edited as a tree, so every
    /// property this version does not know stays where it is, byte for byte; new properties go last, as jq
    /// puts them. Like token-tracker.sh, a missing file is not created (RLM's init writes it).
    /// </summary>
    internal static class RlmMetricsFile
    {
        public const string FileName = "metrics.json";

        private static readonly UTF8Encoding StrictUtf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

        private static readonly JsonDocumentOptions ReadOptions = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 };

        /// <summary>
        /// Stages the update of <paramref name="path"/> for <paramref name="entry"/> in <paramref name="tx"/>.
        /// Nothing is staged when the file is missing or blank (token-tracker.sh's jq leaves it empty when
        /// it fails); a file that is not JSON, whose totals are not numbers, or that is no regular file (a FIFO) is left unchanged and
        /// reported in <paramref name="problems"/>, and the log record is still written.
        /// </summary>
        public static void Stage(FolderTransaction tx, string path, TokenLogEntry entry, ICollection<RlmTokensException> problems)
        {
            byte[]? bytes;
            try { bytes = ReadAll(path); }
            catch (RlmTokensException e) when (e is CorruptDataFileException || e is NotRegularFileException)
            {
                problems.Add(e);
                return;
            }
            if (bytes is null || JsonFileStore.IsBlank(bytes, bytes.Length)) { return; }
            bool bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
            int start = bom ? 3 : 0;
            byte[] rendered;
            try
            {
                // Invalid UTF-8 is damage, not text to carry over as U+FFFD (DecoderFallbackException is an ArgumentException).
                string text = StrictUtf8.GetString(bytes, start, bytes.Length - start);
                using JsonDocument doc = JsonDocument.Parse(new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start), ReadOptions);
                // JSON null holds nothing, as a blank file: jq would fail on it too.
                if (doc.RootElement.ValueKind == JsonValueKind.Null) { return; }
                JsonObject root = ToNode(doc.RootElement) as JsonObject
                    ?? throw new InvalidOperationException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsNotObject, "$"));
                Apply(root, entry);
                rendered = Render(root, bom, text.Contains("\r\n"));
            }
            catch (Exception e) when (e is JsonException || e is InvalidOperationException || e is FormatException || e is ArgumentException)
            {
                problems.Add(new CorruptDataFileException(path, null,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsLeftUnchanged, e.Message), e));
                return;
            }
            tx.WriteBytes(path, rendered);
        }

        // A tree of the document; a key given twice keeps its last value in its first place, as jq does.
        private static JsonNode? ToNode(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    var obj = new JsonObject();
                    foreach (JsonProperty p in e.EnumerateObject()) { obj[p.Name] = ToNode(p.Value); }
                    return obj;
                case JsonValueKind.Array:
                    var array = new JsonArray();
                    foreach (JsonElement item in e.EnumerateArray()) { array.Add(ToNode(item)); }
                    return array;
                default:
                    return JsonValue.Create(e);
            }
        }

        /// <summary>What token-tracker.sh's jq program does to the file for one record (records without an agent or task leave those maps alone).</summary>
        internal static void Apply(JsonObject root, TokenLogEntry entry)
        {
            long input = entry.Tokens.Input, output = entry.Tokens.Output;
            long total = entry.Tokens.Total != 0 ? entry.Tokens.Total : input + output;
            decimal cost = entry.Cost ?? 0;
            string? agent = string.IsNullOrWhiteSpace(entry.Agent) ? null : entry.Agent;
            string? task = string.IsNullOrWhiteSpace(entry.Task) ? null : entry.Task;
            if (agent is not null)
            {
                JsonObject agentNode = ObjectAt(ObjectAt(root, "agents"), agent);
                string where = "agents." + agent + ".tokensUsed";
                if (agentNode["tokensUsed"] is JsonValue)
                {
                    // Some RLM versions keep a plain count here (jq would fail on it): it stays a count.
                    Add(agentNode, "tokensUsed", total, where);
                }
                else
                {
                    JsonObject used = ObjectAt(agentNode, "tokensUsed");
                    Add(used, "input", input, where + ".input");
                    Add(used, "output", output, where + ".output");
                    Add(used, "total", total, where + ".total");
                    Add(used, "cost", cost, where + ".cost");
                }
            }
            JsonObject usage = ObjectAt(root, "tokenUsage");
            Add(usage, "input", input, "tokenUsage.input");
            Add(usage, "output", output, "tokenUsage.output");
            Add(usage, "total", total, "tokenUsage.total");
            Add(usage, "totalCost", cost, "tokenUsage.totalCost");
            if (!string.IsNullOrWhiteSpace(entry.Date)) { AddToEntry(ObjectAt(usage, "dailyUsage"), entry.Date!, total, "tokenUsage.dailyUsage." + entry.Date); }
            if (agent is not null) { AddToEntry(ObjectAt(usage, "byAgent"), agent, total, "tokenUsage.byAgent." + agent); }
            if (task is not null) { AddToEntry(ObjectAt(usage, "byTask"), task, total, "tokenUsage.byTask." + task); }
        }

        // A map entry is a count (token-tracker.sh) or an object with a total (other RLM versions, which Get-TokenUsage -Source RlmMetrics reads too).
        private static void AddToEntry(JsonObject map, string name, long total, string where)
        {
            if (map[name] is JsonObject entry) { Add(entry, "total", total, where + ".total"); }
            else { Add(map, name, total, where); }
        }

        private static JsonObject ObjectAt(JsonObject parent, string name)
        {
            JsonNode? node = parent[name];
            if (node is null)
            {
                var created = new JsonObject();
                parent[name] = created;
                return created;
            }
            return node as JsonObject ?? throw new InvalidOperationException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsNotObject, name));
        }

        // jq's "+=" and "(. // 0) +": null or missing counts as 0; a number is added to (integers stay integers).
        private static void Add(JsonObject parent, string name, long value, string where)
        {
            JsonNode? node = parent[name];
            if (node is null) { parent[name] = JsonValue.Create(value); return; }
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number)
            {
                if (v.TryGetValue(out long l) && (value >= 0 ? l <= long.MaxValue - value : l >= long.MinValue - value)) { parent[name] = JsonValue.Create(l + value); return; }
                parent[name] = JsonValue.Create(v.GetValue<double>() + value);
                return;
            }
            throw new InvalidOperationException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsNotNumber, where));
        }

        // An amount of money: the file's number (a float jq wrote, read to its 15 significant digits) plus the
        // record's, in decimal, written back with the digits the sum carries.
        private static void Add(JsonObject parent, string name, decimal value, string where)
        {
            JsonNode? node = parent[name];
            if (node is null) { parent[name] = JsonValue.Create(Pricing.Usd.Exact(value)); return; }
            if (node is JsonValue v && v.GetValueKind() == JsonValueKind.Number
                && Pricing.Usd.FromDouble(v.GetValue<double>()) is decimal old)
            {
                decimal sum;
                try { sum = old + value; }
                catch (OverflowException) { throw new InvalidOperationException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsNotNumber, where)); }
                parent[name] = JsonValue.Create(Pricing.Usd.Exact(sum));
                return;
            }
            throw new InvalidOperationException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.MetricsNotNumber, where));
        }

        /// <summary>Two-space indentation as jq prints, characters unescaped as jq leaves them, a final newline; the original's BOM and line ends.</summary>
        internal static byte[] Render(JsonObject root, bool bom, bool crlf)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                root.WriteTo(writer);
            }
            string text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n") + "\n";
            if (crlf) { text = text.Replace("\n", "\r\n"); }
            byte[] body = new UTF8Encoding(false).GetBytes(text);
            if (!bom) { return body; }
            var withBom = new byte[body.Length + 3];
            withBom[0] = 0xEF;
            withBom[1] = 0xBB;
            withBom[2] = 0xBF;
            body.CopyTo(withBom, 3);
            return withBom;
        }

        private static byte[]? ReadAll(string path) => SafeFiles.ReadAllBytesOrNull(path, JsonFileStore.MaxDataFileBytes);
    }
}
