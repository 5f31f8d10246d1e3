using System;

namespace RlmTokens.Estimation
{
    /// <summary>What one Add-TokenEstimate call asks for: from parameters or derived from hook JSON.</summary>
    public sealed class EstimateRequest
    {
        public OperationKind Operation { get; set; }

        /// <summary>Absolute path of the file involved, if any.</summary>
        public string? FilePath { get; set; }

        /// <summary>Characters or bytes moved; null or 0 means "look at the file on disk", as RLM does.</summary>
        public long? Size { get; set; }

        public string? SubagentType { get; set; }

        public string? ToolName { get; set; }

        /// <summary>The session the user named (-SessionId): a session's key, its RLM id or a Claude Code id.</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session_id from the hook document: the key of the session.</summary>
        public string? ClaudeSessionId { get; set; }

        /// <summary>When the operation happened (default: now). A spooled record keeps its own time.</summary>
        public DateTimeOffset? Timestamp { get; set; }

        /// <summary>
        /// The real token counts a subagent's result carried (a PostToolUse Task document's
        /// tool_response.usage and totalTokens): input (with cache reads and writes), output, total. When
        /// set, they are booked instead of the per-type estimate and the operation is Exact.
        /// </summary>
        public long? ExactInputTokens { get; set; }

        public long? ExactOutputTokens { get; set; }

        public long? ExactTotalTokens { get; set; }

        /// <summary>True when the request carries real counts.</summary>
        public bool IsExact => ExactTotalTokens is not null;
    }
}
