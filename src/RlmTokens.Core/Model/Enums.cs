namespace RlmTokens
{
    /// <summary>The operations an estimate is made for (RLM's estimate-tokens.ps1 -Operation values).</summary>
    public enum OperationKind
    {
        /// <summary>An entry RLM logged as "unknown"; never accepted as input.</summary>
        Unknown = 0,
        Read,
        Write,
        Edit,
        Subagent,
        Tool,
    }

    /// <summary>Whether a number is an estimate or an exact count.</summary>
    public enum UsagePrecision
    {
        /// <summary>Derived from sizes with RLM's per-character rules, or from cost.</summary>
        Estimated = 0,

        /// <summary>Counted: transcripts' message.usage, manual logs of real counts.</summary>
        Exact,

        /// <summary>An aggregate of exact and estimated figures.</summary>
        Mixed,
    }

    /// <summary>Where a session stands.</summary>
    public enum SessionStatus
    {
        Open = 0,

        /// <summary>Ended by its SessionEnd (or Stop-TokenSession).</summary>
        Closed,

        /// <summary>Closed by RlmTokens after no activity for longer than tokenTracking.sessionIdleMinutes, on the day it was last active.</summary>
        Abandoned,
    }
}
