using System;

namespace RlmTokens
{
    /// <summary>One estimated operation: what Add-TokenEstimate -PassThru returns and Get-TokenUsage -Detailed lists.</summary>
    public sealed class TokenEstimateRecord
    {
        public DateTimeOffset? Timestamp { get; set; }

        public string? SessionId { get; set; }

        public OperationKind Operation { get; set; }

        /// <summary>The file read, written or edited, when there is one.</summary>
        public string? File { get; set; }

        /// <summary>Characters (or bytes on disk) the estimate was made from; 0 for subagents and tools.</summary>
        public long Size { get; set; }

        public string? SubagentType { get; set; }

        public string? ToolName { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        /// <summary>Tokens RLM counts for the operation (for subagents the table figure, for edits input + output).</summary>
        public long TotalTokens { get; set; }

        /// <summary>Always Estimated: these figures come from sizes, not from the API.</summary>
        public UsagePrecision Precision { get; set; } = UsagePrecision.Estimated;

        public string? Workspace { get; set; }
    }
}
