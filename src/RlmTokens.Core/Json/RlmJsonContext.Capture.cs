using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlmTokens.Storage;

namespace RlmTokens.Json
{
    /// <summary>
    /// Source-generated context of the capture file models (Import-SessionCost, Register-CompactEvent,
    /// Add-TokenUsage). A separate class, not a partial of <see cref="RlmJsonContext"/>: the System.Text.Json 8
    /// generator treats each partial declaration carrying [JsonSerializable] as a context of its own and
    /// fails on the shared primitive types ("hintName RlmJsonContext.Boolean.g.cs must be unique").
    /// Same options as <see cref="RlmJsonContext.Files"/>.
    /// </summary>
    [JsonSourceGenerationOptions(
        WriteIndented = true,
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        NumberHandling = JsonNumberHandling.AllowReadingFromString)]
    [JsonSerializable(typeof(CostCaptureFile))]
    [JsonSerializable(typeof(CaptureModelEntry))]
    [JsonSerializable(typeof(CompactEventsFile))]
    [JsonSerializable(typeof(CompactEventEntry))]
    [JsonSerializable(typeof(TokenLogEntry))]
    [JsonSerializable(typeof(string))]
    internal partial class CaptureJsonContext : JsonSerializerContext
    {
        public static CaptureJsonContext Files { get; } = new CaptureJsonContext(new JsonSerializerOptions
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
