using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    // File models of the capture cmdlets (Import-SessionCost, Register-CompactEvent, Add-TokenUsage).
    // Each keeps unknown properties through RlmFileModel.Extra.

    /// <summary>
    /// cost-&lt;SessionId&gt;.json as Import-SessionCost writes it: RLM's fields (session_id, captured_at,
    /// source, raw_output, parsed, estimation, session_data) plus tokens, models, precision.
    /// </summary>
    internal sealed class CostFile : RlmFileModel
    {
        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SessionId { get; set; }

        [JsonPropertyName("captured_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? CapturedAt { get; set; }

        [JsonPropertyName("source"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Source { get; set; }

        [JsonPropertyName("raw_output"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? RawOutput { get; set; }

        [JsonPropertyName("parsed")]
        public CostParsed Parsed { get; set; } = new CostParsed();

        [JsonPropertyName("estimation")]
        public CostEstimation Estimation { get; set; } = new CostEstimation();

        [JsonPropertyName("session_data")]
        public JsonElement? SessionData { get; set; }

        /// <summary>RlmTokens addition: "exact" (counted from a transcript) or "estimated".</summary>
        [JsonPropertyName("precision"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Precision { get; set; }

        [JsonPropertyName("tokens")]
        public CaptureTokens Tokens { get; set; } = new CaptureTokens();

        [JsonPropertyName("models"), JsonConverter(typeof(FlexibleListConverter<CaptureModelEntry>))]
        public List<CaptureModelEntry> Models { get; set; } = new List<CaptureModelEntry>();

        [JsonPropertyName("transcript_path"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TranscriptPath { get; set; }
    }

    internal sealed class CaptureTokens : RlmFileModel
    {
        [JsonPropertyName("input"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Input { get; set; }

        [JsonPropertyName("output"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Output { get; set; }

        [JsonPropertyName("cache_read"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long CacheRead { get; set; }

        [JsonPropertyName("cache_write"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long CacheWrite { get; set; }

        [JsonPropertyName("total"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Total { get; set; }
    }

    internal sealed class CaptureModelEntry : RlmFileModel
    {
        [JsonPropertyName("model"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Model { get; set; }

        [JsonPropertyName("input_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long InputTokens { get; set; }

        [JsonPropertyName("output_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long OutputTokens { get; set; }

        [JsonPropertyName("cache_read_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long CacheReadTokens { get; set; }

        [JsonPropertyName("cache_write_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long CacheWriteTokens { get; set; }

        [JsonPropertyName("cost_usd"), JsonConverter(typeof(FlexibleNullableDecimalConverter))]
        public decimal? CostUsd { get; set; }
    }

    /// <summary>One element of compact-events.json.</summary>
    internal sealed class CompactEventEntry : RlmFileModel
    {
        [JsonPropertyName("event"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Event { get; set; }

        [JsonPropertyName("timestamp"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Timestamp { get; set; }

        [JsonPropertyName("reason"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Reason { get; set; }

        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SessionId { get; set; }

        [JsonPropertyName("metrics_at_compact")]
        public CompactMetrics MetricsAtCompact { get; set; } = new CompactMetrics();

        /// <summary>RlmTokens additions (null ones are not written).</summary>
        [JsonPropertyName("trigger"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Trigger { get; set; }

        [JsonPropertyName("custom_instructions"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? CustomInstructions { get; set; }

        [JsonPropertyName("transcript_path"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TranscriptPath { get; set; }

        [JsonPropertyName("context_tokens")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public long? ContextTokens { get; set; }
    }

    internal sealed class CompactMetrics : RlmFileModel
    {
        [JsonPropertyName("subagent_calls"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long SubagentCalls { get; set; }

        [JsonPropertyName("files_created"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesCreated { get; set; }

        [JsonPropertyName("files_modified"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesModified { get; set; }
    }

    /// <summary>compact-events.json: an array, or (as RLM leaves it) a bare object or null. Always written as an array.</summary>
    [JsonConverter(typeof(CompactEventsFileConverter))]
    internal sealed class CompactEventsFile
    {
        public List<CompactEventEntry> Events { get; set; } = new List<CompactEventEntry>();
    }

    internal sealed class CompactEventsFileConverter : JsonConverter<CompactEventsFile>
    {
        private static readonly FlexibleListConverter<CompactEventEntry> s_list = new FlexibleListConverter<CompactEventEntry>();

        public override bool HandleNull => true;

        public override CompactEventsFile Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new CompactEventsFile { Events = s_list.Read(ref reader, typeof(List<CompactEventEntry>), options) };

        public override void Write(Utf8JsonWriter writer, CompactEventsFile value, JsonSerializerOptions options) =>
            s_list.Write(writer, value.Events, options);
    }

    /// <summary>
    /// One object of RLM/progress/token-usage.log, the stream token-tracker.sh writes: timestamp, date,
    /// task, agent, model, tokens {input, output, total}, cost, duration; RlmTokens adds branch, tool,
    /// note, session_id and exact.
    /// </summary>
    internal sealed class TokenLogEntry : RlmFileModel
    {
        [JsonPropertyName("timestamp"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Timestamp { get; set; }

        [JsonPropertyName("date"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Date { get; set; }

        [JsonPropertyName("task"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Task { get; set; }

        [JsonPropertyName("agent"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Agent { get; set; }

        [JsonPropertyName("model"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Model { get; set; }

        [JsonPropertyName("tokens")]
        public TokenLogTokens Tokens { get; set; } = new TokenLogTokens();

        /// <summary>The cost in USD; null when the record leaves it empty (token-tracker.sh's <c>"cost": ,</c>).</summary>
        [JsonPropertyName("cost"), JsonConverter(typeof(FlexibleNullableDecimalConverter))]
        public decimal? Cost { get; set; }

        [JsonPropertyName("duration"), JsonConverter(typeof(FlexibleDoubleConverter))]
        public double Duration { get; set; }

        [JsonPropertyName("branch"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Branch { get; set; }

        [JsonPropertyName("tool"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Tool { get; set; }

        [JsonPropertyName("note"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Note { get; set; }

        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? SessionId { get; set; }

        [JsonPropertyName("exact")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public bool? Exact { get; set; }
    }

    internal sealed class TokenLogTokens : RlmFileModel
    {
        [JsonPropertyName("input"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Input { get; set; }

        [JsonPropertyName("output"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Output { get; set; }

        [JsonPropertyName("total"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long Total { get; set; }
    }
}
