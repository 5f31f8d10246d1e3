using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlmTokens.Storage;

namespace RlmTokens.Json
{
    /// <summary>
    /// The one source-generated context: every read and write passes one of its JsonTypeInfo. Register
    /// new file models here, in this declaration: the System.Text.Json 8 generator treats each partial
    /// declaration that carries [JsonSerializable] as a context of its own and fails on shared types.
    /// </summary>
    [JsonSourceGenerationOptions(
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(TokenEstimatesFile))]
    [JsonSerializable(typeof(OperationEntry))]
    [JsonSerializable(typeof(SessionFile))]
    [JsonSerializable(typeof(ContextCompactEntry))]
    [JsonSerializable(typeof(DailyFile))]
    [JsonSerializable(typeof(DailySessionEntry))]
    [JsonSerializable(typeof(ProjectConfigFile))]
    [JsonSerializable(typeof(CostFile))]
    [JsonSerializable(typeof(CaptureModelEntry))]
    [JsonSerializable(typeof(CompactEventsFile))]
    [JsonSerializable(typeof(CompactEventEntry))]
    [JsonSerializable(typeof(TokenLogEntry))]
    [JsonSerializable(typeof(JournalFile))]
    [JsonSerializable(typeof(SessionStateFile))]
    [JsonSerializable(typeof(ExactUsageFile))]
    [JsonSerializable(typeof(RlmTokens.Estimation.EstimateRequest))]
    [JsonSerializable(typeof(RlmTokens.Capture.CompactRequest))]
    [JsonSerializable(typeof(RlmTokens.Capture.SessionStartRequest))]
    [JsonSerializable(typeof(RlmTokens.Capture.SessionStopRequest))]
    [JsonSerializable(typeof(RlmTokens.Capture.SessionUpdateRequest))]
    [JsonSerializable(typeof(SpoolEntry))]
    [JsonSerializable(typeof(string))]
    internal partial class RlmJsonContext : JsonSerializerContext
    {
        /// <summary>The context used for files: indented, non-ASCII text kept readable.</summary>
        public static RlmJsonContext Files { get; } = new RlmJsonContext(new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNameCaseInsensitive = true,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            NumberHandling = JsonNumberHandling.AllowReadingFromString,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            MaxDepth = 64,
        });
    }
}
