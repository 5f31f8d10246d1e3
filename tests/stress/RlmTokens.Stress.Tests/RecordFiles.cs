using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace RlmTokens.Stress.Tests
{
    /// <summary>Lists the ids in RLM's record files, parsing them with System.Text.Json directly.</summary>
    public static class RecordFiles
    {
        private static string TokenUsage(string ws) => Path.Combine(ws, "RLM", "progress", "token-usage");

        /// <summary>session_id of every cost-*.json.</summary>
        public static IEnumerable<string> CostFiles(string ws)
        {
            string folder = TokenUsage(ws);
            if (!Directory.Exists(folder)) { yield break; }
            foreach (string f in Directory.EnumerateFiles(folder, "cost-*.json"))
            {
                using JsonDocument doc = Workload.ParseFile(f);
                yield return doc.RootElement.GetProperty("session_id").GetString() ?? string.Empty;
            }
        }

        /// <summary>session_id of every sessions entry of every daily-*.json.</summary>
        public static IEnumerable<string> DailyEntries(string ws)
        {
            string folder = TokenUsage(ws);
            if (!Directory.Exists(folder)) { yield break; }
            foreach (string f in Directory.EnumerateFiles(folder, "daily-*.json"))
            {
                using JsonDocument doc = Workload.ParseFile(f);
                foreach (JsonElement e in Items(doc.RootElement.GetProperty("sessions")))
                {
                    yield return e.GetProperty("session_id").GetString() ?? string.Empty;
                }
            }
        }

        /// <summary>session_id of every event of compact-events.json.</summary>
        public static IEnumerable<string> CompactEvents(string ws)
        {
            string f = Path.Combine(TokenUsage(ws), "compact-events.json");
            if (!File.Exists(f)) { yield break; }
            using JsonDocument doc = Workload.ParseFile(f);
            foreach (JsonElement e in Items(doc.RootElement))
            {
                yield return e.GetProperty("session_id").GetString() ?? string.Empty;
            }
        }

        /// <summary>The "- **Session**: id" line of every compaction entry of RLM/progress/logs/*.md.</summary>
        public static IEnumerable<string> CompactLogEntries(string ws)
        {
            string folder = Path.Combine(ws, "RLM", "progress", "logs");
            if (!Directory.Exists(folder)) { yield break; }
            foreach (string f in Directory.EnumerateFiles(folder, "*.md"))
            {
                foreach (string line in File.ReadAllLines(f))
                {
                    const string Prefix = "- **Session**: ";
                    if (line.StartsWith(Prefix, StringComparison.Ordinal)) { yield return line.Substring(Prefix.Length).Trim(); }
                }
            }
        }

        /// <summary>note of every object of RLM/progress/token-usage.log (pretty-printed objects one after another).</summary>
        public static IEnumerable<string> UsageLog(string ws)
        {
            string f = Path.Combine(ws, "RLM", "progress", "token-usage.log");
            if (!File.Exists(f)) { return Array.Empty<string>(); }
            byte[] bytes = File.ReadAllBytes(f);
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            var reader = new Utf8JsonReader(bytes.AsSpan(start), new JsonReaderOptions { AllowMultipleValues = true });
            var notes = new List<string>();
            while (reader.Read())
            {
                using JsonDocument doc = JsonDocument.ParseValue(ref reader);
                notes.Add(doc.RootElement.TryGetProperty("note", out JsonElement n) ? n.GetString() ?? string.Empty : string.Empty);
            }
            return notes;
        }

        private static IEnumerable<JsonElement> Items(JsonElement e) =>
            e.ValueKind == JsonValueKind.Array ? e.EnumerateArray().ToArray()
            : e.ValueKind == JsonValueKind.Object ? new[] { e }
            : Array.Empty<JsonElement>();
    }
}
