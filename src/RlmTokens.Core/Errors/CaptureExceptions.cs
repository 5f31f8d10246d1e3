namespace RlmTokens.Errors
{
    /// <summary>/cost text that cannot be captured: empty, no total cost, an unreadable or conflicting total.</summary>
    public sealed class InvalidCostOutputException : RlmTokensException
    {
        public InvalidCostOutputException(string errorId, object? target, string message)
            : base(errorId, target, message) =>
            RecommendedAction = Resources.Messages.InvalidCostOutputAction;
    }

    /// <summary>A session operation needs an open session (current-session.json) and there is none.</summary>
    public sealed class NoOpenSessionException : RlmTokensException
    {
        public NoOpenSessionException(string path)
            : base("NoOpenSession", path, Format(Resources.Messages.NoOpenSession, path)) =>
            RecommendedAction = Resources.Messages.NoOpenSessionAction;
    }

    /// <summary>Start-TokenSession found another session still open.</summary>
    public sealed class SessionAlreadyOpenException : RlmTokensException
    {
        public SessionAlreadyOpenException(string sessionId, string path)
            : base("SessionAlreadyOpen", sessionId, Format(Resources.Messages.SessionAlreadyOpen, sessionId, path)) =>
            RecommendedAction = Resources.Messages.SessionAlreadyOpenAction;
    }

    /// <summary>A Claude Code transcript (JSONL) could not be used.</summary>
    public sealed class InvalidTranscriptException : RlmTokensException
    {
        public InvalidTranscriptException(string errorId, string path, string message)
            : base(errorId, path, message) { }
    }
}
