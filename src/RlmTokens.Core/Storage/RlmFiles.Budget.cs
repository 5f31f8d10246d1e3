using System.Text.Json;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    /// <summary>RLM/progress/cc-config.json token_reporting: fractions of a session budget (read field by field).</summary>
    internal sealed class TokenReportingConfig
    {
        public double WarningThreshold { get; set; }

        public double CriticalThreshold { get; set; }

        public double AutoBundleThreshold { get; set; }

        /// <summary>Reads token_reporting from cc-config.json; null when the file or the section is absent.</summary>
        public static TokenReportingConfig? Load(string path)
        {
            using JsonDocument? doc = JsonDocuments.Load(path);
            if (doc is null) { return null; }
            JsonElement r = doc.RootElement.Get("token_reporting");
            if (r.ValueKind != JsonValueKind.Object) { return null; }
            return new TokenReportingConfig
            {
                WarningThreshold = r.Get("warning_threshold").Number(),
                CriticalThreshold = r.Get("critical_threshold").Number(),
                AutoBundleThreshold = r.Get("auto_bundle_threshold").Number(),
            };
        }
    }
}
