using System;

namespace RlmTokens
{
    /// <summary>The running estimate of the open session (Get-TokenUsage without switches).</summary>
    public sealed class TokenSessionSummary
    {
        public string? SessionId { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? LastUpdated { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long TotalTokens { get; set; }

        public double CostUsd { get; set; }

        public long FilesRead { get; set; }

        public long FilesWritten { get; set; }

        public long FilesEdited { get; set; }

        public long SubagentsSpawned { get; set; }

        public long ToolCalls { get; set; }

        /// <summary>Context compactions recorded for the open session.</summary>
        public long Compactions { get; set; }

        public UsagePrecision Precision { get; set; } = UsagePrecision.Estimated;

        public string? Workspace { get; set; }
    }
}
