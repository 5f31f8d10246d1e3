using System;

namespace RlmTokens
{
    /// <summary>
    /// One open session (Get-TokenUsage without switches): its exact transcript figure when known
    /// (Precision Exact; the estimate beside it in EstimatedTokens), else its running estimate.
    /// </summary>
    public sealed class TokenSessionSummary
    {
        /// <summary>The RLM id (SESSION-...), the name of its archive and daily entry.</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session id, when the session came from a hook.</summary>
        public string? ClaudeSessionId { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? LastUpdated { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        /// <summary>Exact when the transcript was counted (input, output and cache tokens), else the estimate.</summary>
        public long TotalTokens { get; set; }

        public decimal CostUsd { get; set; }

        /// <summary>RLM's running estimate, whatever the precision of TotalTokens.</summary>
        public long EstimatedTokens { get; set; }

        public decimal EstimatedCostUsd { get; set; }

        public long FilesRead { get; set; }

        public long FilesWritten { get; set; }

        public long FilesEdited { get; set; }

        public long SubagentsSpawned { get; set; }

        public long ToolCalls { get; set; }

        /// <summary>Context compactions recorded for the open session.</summary>
        public long Compactions { get; set; }

        public UsagePrecision Precision { get; set; } = UsagePrecision.Estimated;

        /// <summary>The transcript the exact figure was counted from.</summary>
        public string? TranscriptPath { get; set; }

        public string? Workspace { get; set; }
    }
}
