using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    // File models: the RLM JSON files exactly as DESIGN.md section 4 lists them. Internal, separate
    // from the output types, each with [JsonExtensionData] so a rewrite keeps what we do not know.

    /// <summary>Common part of every file model: the properties this version does not understand.</summary>
    internal abstract class RlmFileModel
    {
        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Extra { get; set; }
    }

    /// <summary>RLM/progress/token-usage/token-estimates.json</summary>
    internal sealed class TokenEstimatesFile : RlmFileModel
    {
        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SessionId { get; set; }

        [JsonPropertyName("started_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? StartedAt { get; set; }

        [JsonPropertyName("last_updated"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? LastUpdated { get; set; }

        [JsonPropertyName("tokens")]
        public EstimateTokens Tokens { get => _tokens; set => _tokens = value ?? new EstimateTokens(); }

        private EstimateTokens _tokens = new EstimateTokens();

        [JsonPropertyName("operations")]
        public EstimateOperationCounts Operations { get => _operations; set => _operations = value ?? new EstimateOperationCounts(); }

        private EstimateOperationCounts _operations = new EstimateOperationCounts();

        [JsonPropertyName("by_operation"), JsonConverter(typeof(FlexibleListConverter<OperationEntry>))]
        public List<OperationEntry> ByOperation { get; set; } = new List<OperationEntry>();

        [JsonPropertyName("estimated_cost_usd"), JsonConverter(typeof(FlexibleDecimalConverter))]
        public decimal EstimatedCostUsd { get; set; }
    }

    internal sealed class EstimateTokens : RlmFileModel
    {
        [JsonPropertyName("input_estimated"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long InputEstimated { get; set; }

        [JsonPropertyName("output_estimated"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long OutputEstimated { get; set; }

        [JsonPropertyName("total_estimated"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long TotalEstimated { get; set; }
    }

    internal sealed class EstimateOperationCounts : RlmFileModel
    {
        [JsonPropertyName("files_read"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesRead { get; set; }

        [JsonPropertyName("files_written"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesWritten { get; set; }

        [JsonPropertyName("files_edited"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesEdited { get; set; }

        [JsonPropertyName("subagents_spawned"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long SubagentsSpawned { get; set; }

        [JsonPropertyName("tool_calls"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long ToolCalls { get; set; }
    }

    /// <summary>One entry of by_operation. RLM writes timestamp, type, file, tokens_added, subagent_type, tool_name.</summary>
    internal sealed class OperationEntry : RlmFileModel
    {
        [JsonPropertyName("timestamp"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Timestamp { get; set; }

        [JsonPropertyName("type"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Type { get; set; }

        [JsonPropertyName("file"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? File { get; set; }

        [JsonPropertyName("tokens_added"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long TokensAdded { get; set; }

        [JsonPropertyName("subagent_type"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SubagentType { get; set; }

        [JsonPropertyName("tool_name"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? ToolName { get; set; }

        // Added by RlmTokens (RLM's readers ignore unknown fields): the split and the session.
        [JsonPropertyName("input_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public long InputTokens { get; set; }

        [JsonPropertyName("output_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public long OutputTokens { get; set; }

        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? SessionId { get; set; }

        /// <summary>A stable id of the operation (32 hex), for de-duplication by a team ledger; RLM's own entries have none.</summary>
        [JsonPropertyName("id"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Id { get; set; }

        /// <summary>"exact" when the counts are real (a subagent's result carried them); absent for estimates.</summary>
        [JsonPropertyName("precision"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Precision { get; set; }
    }

    /// <summary>RLM/progress/token-usage/current-session.json (and the archived &lt;session_id&gt;.json).</summary>
    internal sealed class SessionFile : RlmFileModel
    {
        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SessionId { get; set; }

        [JsonPropertyName("started_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? StartedAt { get; set; }

        [JsonPropertyName("workspace"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Workspace { get; set; }

        [JsonPropertyName("subagent_calls")]
        public JsonElement? SubagentCalls { get; set; }

        [JsonPropertyName("files_written")]
        public JsonElement? FilesWritten { get; set; }

        [JsonPropertyName("tasks_started")]
        public JsonElement? TasksStarted { get; set; }

        [JsonPropertyName("tasks_completed")]
        public JsonElement? TasksCompleted { get; set; }

        [JsonPropertyName("metrics")]
        public SessionMetrics? Metrics { get; set; }

        [JsonPropertyName("context_compacts"), JsonConverter(typeof(FlexibleListConverter<ContextCompactEntry>))]
        public List<ContextCompactEntry> ContextCompacts { get; set; } = new List<ContextCompactEntry>();

        [JsonPropertyName("ended_at"), JsonConverter(typeof(FlexibleStringConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? EndedAt { get; set; }

        [JsonPropertyName("duration_minutes"), JsonConverter(typeof(FlexibleDoubleConverter))]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public double DurationMinutes { get; set; }
    }

    internal sealed class SessionMetrics : RlmFileModel
    {
        [JsonPropertyName("total_subagent_calls"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long TotalSubagentCalls { get; set; }

        [JsonPropertyName("files_created"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesCreated { get; set; }

        [JsonPropertyName("files_modified"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long FilesModified { get; set; }
    }

    internal sealed class ContextCompactEntry : RlmFileModel
    {
        [JsonPropertyName("timestamp"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Timestamp { get; set; }

        [JsonPropertyName("subagent_calls_at_compact"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long SubagentCallsAtCompact { get; set; }
    }

    /// <summary>RLM/progress/token-usage/daily-yyyy-MM-dd.json</summary>
    internal sealed class DailyFile : RlmFileModel
    {
        [JsonPropertyName("date"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? Date { get; set; }

        [JsonPropertyName("sessions"), JsonConverter(typeof(FlexibleListConverter<DailySessionEntry>))]
        public List<DailySessionEntry> Sessions { get; set; } = new List<DailySessionEntry>();

        [JsonPropertyName("totals")]
        public DailyTotals Totals { get => _totals; set => _totals = value ?? new DailyTotals(); }

        private DailyTotals _totals = new DailyTotals();
    }

    internal sealed class DailySessionEntry : RlmFileModel
    {
        [JsonPropertyName("session_id"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? SessionId { get; set; }

        [JsonPropertyName("cost_usd"), JsonConverter(typeof(FlexibleDecimalConverter))]
        public decimal CostUsd { get; set; }

        [JsonPropertyName("estimated_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long EstimatedTokens { get; set; }

        [JsonPropertyName("captured_at"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? CapturedAt { get; set; }

        /// <summary>RlmTokens addition: true when the token figure is an exact count (transcript, manual log).</summary>
        [JsonPropertyName("exact")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)]
        public bool Exact { get; set; }
    }

    internal sealed class DailyTotals : RlmFileModel
    {
        [JsonPropertyName("total_cost_usd"), JsonConverter(typeof(FlexibleDecimalConverter))]
        public decimal TotalCostUsd { get; set; }

        [JsonPropertyName("estimated_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long EstimatedTokens { get; set; }

        [JsonPropertyName("sessions_count"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long SessionsCount { get; set; }
    }

    internal sealed class CostParsed : RlmFileModel
    {
        [JsonPropertyName("total_cost_usd"), JsonConverter(typeof(FlexibleDecimalConverter))]
        public decimal TotalCostUsd { get; set; }

        [JsonPropertyName("api_duration_seconds"), JsonConverter(typeof(FlexibleDoubleConverter))]
        public double ApiDurationSeconds { get; set; }

        [JsonPropertyName("wall_duration_seconds"), JsonConverter(typeof(FlexibleDoubleConverter))]
        public double WallDurationSeconds { get; set; }

        [JsonPropertyName("lines_added"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long LinesAdded { get; set; }

        [JsonPropertyName("lines_removed"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long LinesRemoved { get; set; }
    }

    internal sealed class CostEstimation : RlmFileModel
    {
        [JsonPropertyName("estimated_tokens"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long EstimatedTokens { get; set; }
    }

    /// <summary>RLM/config/project-config.json: only tokenTracking is read; the rest is never written by us.</summary>
    internal sealed class ProjectConfigFile : RlmFileModel
    {
        [JsonPropertyName("tokenTracking")]
        public TokenTrackingConfig? TokenTracking { get; set; }
    }

    internal sealed class TokenTrackingConfig : RlmFileModel
    {
        [JsonPropertyName("enabled")]
        public bool? Enabled { get; set; }

        [JsonPropertyName("alertThreshold"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long AlertThreshold { get; set; }

        [JsonPropertyName("budgetDaily"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long BudgetDaily { get; set; }

        [JsonPropertyName("budgetMonthly"), JsonConverter(typeof(FlexibleInt64Converter))]
        public long BudgetMonthly { get; set; }

        [JsonPropertyName("costPerToken")]
        public Dictionary<string, decimal>? CostPerToken { get; set; }

        [JsonPropertyName("logFile"), JsonConverter(typeof(FlexibleStringConverter))]
        public string? LogFile { get; set; }

        /// <summary>RlmTokens addition: the estimation constants (defaults are RLM's).</summary>
        [JsonPropertyName("estimation")]
        public EstimationConfig? Estimation { get; set; }

        /// <summary>RlmTokens addition: an open session idle for longer is closed as abandoned (minutes; default 1440, 0 never).</summary>
        [JsonPropertyName("sessionIdleMinutes")]
        public long? SessionIdleMinutes { get; set; }
    }

    /// <summary>tokenTracking.estimation in project-config.json; every key optional.</summary>
    internal sealed class EstimationConfig : RlmFileModel
    {
        [JsonPropertyName("tokensPerChar")] public double? TokensPerChar { get; set; }
        [JsonPropertyName("editInputRatio")] public double? EditInputRatio { get; set; }
        [JsonPropertyName("editOutputRatio")] public double? EditOutputRatio { get; set; }
        [JsonPropertyName("toolCallTokens")] public long? ToolCallTokens { get; set; }
        [JsonPropertyName("subagentInputShare")] public double? SubagentInputShare { get; set; }
        [JsonPropertyName("defaultSubagentTokens")] public long? DefaultSubagentTokens { get; set; }
        [JsonPropertyName("subagentTokens")] public Dictionary<string, long>? SubagentTokens { get; set; }
        [JsonPropertyName("inputUsdPerMillion")] public decimal? InputUsdPerMillion { get; set; }
        [JsonPropertyName("outputUsdPerMillion")] public decimal? OutputUsdPerMillion { get; set; }
        [JsonPropertyName("maxOperations")] public int? MaxOperations { get; set; }
    }
}
