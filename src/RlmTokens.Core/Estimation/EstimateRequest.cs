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

        public string? SessionId { get; set; }
    }
}
