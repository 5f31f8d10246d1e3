using System.Collections.Generic;
using System.Text.Json.Serialization;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    /// <summary>
    /// RLM/progress/token-usage/sessions/&lt;key&gt;.json: the record of one session, the source of truth
    /// (issue 10). The key is Claude Code's session_id when the session came from a hook, else the RLM
    /// id. Any number may be open at once; closed ones move to sessions/closed/. RLM's
    /// current-session.json and token-estimates.json are a view of the most recently active open
    /// session, projected from <see cref="Session"/> and <see cref="Estimate"/>; what RLM's own scripts
    /// write into that view is adopted back here before the next change.
    /// </summary>
    internal sealed class SessionStateFile : RlmFileModel
    {
        public const string Open = "open";
        public const string Closed = "closed";
        public const string Abandoned = "abandoned";

        [JsonPropertyName("key"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Key { get; set; }

        [JsonPropertyName("claude_session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? ClaudeSessionId { get; set; }

        /// <summary>The RLM id (SESSION-yyyy-MM-dd-HHmmss, with -2, -3... when taken): the name of the archive and the daily entry.</summary>
        [JsonPropertyName("rlm_session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? RlmSessionId { get; set; }

        [JsonPropertyName("status"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Status { get; set; }

        [JsonPropertyName("started_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? StartedAt { get; set; }

        [JsonPropertyName("last_active"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? LastActive { get; set; }

        [JsonPropertyName("ended_at"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? EndedAt { get; set; }

        [JsonPropertyName("end_reason"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? EndReason { get; set; }

        /// <summary>SessionStart's source (startup, resume, clear, compact), "implicit" when the first event was not a start.</summary>
        [JsonPropertyName("start_source"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? StartSource { get; set; }

        [JsonPropertyName("transcript_path"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TranscriptPath { get; set; }

        /// <summary>The local day the session's daily entry was booked on (when closed), so a later re-booking can move it.</summary>
        [JsonPropertyName("booked_on"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? BookedOn { get; set; }

        /// <summary>The RLM-shaped session record (what current-session.json shows for this session).</summary>
        [JsonPropertyName("session")]
        public SessionFile Session { get => _session; set => _session = value ?? new SessionFile(); }

        private SessionFile _session = new SessionFile();

        /// <summary>The running estimate (what token-estimates.json shows for this session).</summary>
        [JsonPropertyName("estimate")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public TokenEstimatesFile? Estimate { get; set; }

        /// <summary>The exact usage from the session's transcript, as last read (Stop hook, SessionEnd).</summary>
        [JsonPropertyName("exact")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public ExactUsageFile? Exact { get; set; }
    }

    /// <summary>A session's exact usage, counted from its transcript: totals and per model.</summary>
    internal sealed class ExactUsageFile : RlmFileModel
    {
        [JsonPropertyName("counted_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? CountedAt { get; set; }

        [JsonPropertyName("transcript_path"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? TranscriptPath { get; set; }

        /// <summary>Responses counted only from this time on (a resumed session whose transcript repeats an earlier one).</summary>
        [JsonPropertyName("since"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Since { get; set; }

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

        [JsonPropertyName("cost_usd"), JsonConverter(typeof(FlexibleDecimalConverter))]
        public decimal CostUsd { get; set; }

        [JsonPropertyName("models"), JsonConverter(typeof(FlexibleListConverter<CaptureModelEntry>))]
        public List<CaptureModelEntry> Models { get; set; } = new List<CaptureModelEntry>();
    }
}
