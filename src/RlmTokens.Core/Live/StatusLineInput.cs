using System;
using System.Globalization;
using System.Text.Json;

namespace RlmTokens.Live
{
    /// <summary>
    /// The JSON Claude Code pipes to a statusLine command: session_id, transcript_path, cwd,
    /// model {id, display_name}, workspace {current_dir, project_dir}, cost {total_cost_usd, ...},
    /// context_window {context_window_size, ...}, version, output_style. Unknown fields are ignored.
    /// </summary>
    public sealed class StatusLineInput
    {
        public string? SessionId { get; set; }

        public string? TranscriptPath { get; set; }

        public string? Cwd { get; set; }

        public string? ModelId { get; set; }

        public string? ModelDisplayName { get; set; }

        public string? CurrentDir { get; set; }

        public string? ProjectDir { get; set; }

        public decimal? TotalCostUsd { get; set; }

        public long? ContextWindowSize { get; set; }

        public string? Version { get; set; }

        /// <summary>Parses the status document; null when the text is empty or not a JSON object.</summary>
        public static StatusLineInput? TryParse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) { return null; }
            try
            {
                using JsonDocument doc = JsonDocument.Parse(text!, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) { return null; }
                return new StatusLineInput
                {
                    SessionId = Str(root, "session_id"),
                    TranscriptPath = Str(root, "transcript_path"),
                    Cwd = Str(root, "cwd"),
                    ModelId = Str(Obj(root, "model"), "id"),
                    ModelDisplayName = Str(Obj(root, "model"), "display_name"),
                    CurrentDir = Str(Obj(root, "workspace"), "current_dir"),
                    ProjectDir = Str(Obj(root, "workspace"), "project_dir"),
                    TotalCostUsd = Num(Obj(root, "cost"), "total_cost_usd") is double cost ? Pricing.Usd.FromDouble(cost) : null,
                    ContextWindowSize = Num(Obj(root, "context_window"), "context_window_size") is double w && w >= 1 && w < 1e12 ? (long)w : (long?)null,
                    Version = Str(root, "version"),
                };
            }
            catch (JsonException)
            {
                return null;
            }
        }

        private static JsonElement? Obj(JsonElement e, string name) =>
            e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Object ? v : (JsonElement?)null;

        private static string? Str(JsonElement? e, string name) =>
            e is JsonElement o && o.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && v.GetString() is string s && s.Length > 0 ? s : null;

        private static double? Num(JsonElement? e, string name)
        {
            if (e is not JsonElement o || !o.TryGetProperty(name, out JsonElement v)) { return null; }
            double d;
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out d)) { }
            else if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)) { }
            else { return null; }
            return double.IsNaN(d) || double.IsInfinity(d) || d < 0 ? (double?)null : d;
        }
    }
}
