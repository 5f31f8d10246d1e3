using System;

namespace RlmTokens
{
    /// <summary>
    /// One API response from a Claude Code transcript, counted once (after de-duplication on
    /// message.id + requestId). Token counts are exact: they are what the API reported.
    /// </summary>
    public sealed class UsageEntry
    {
        /// <summary>The agent that logged the response (Claude for every Claude Code transcript and cached entry).</summary>
        public AgentKind Agent { get; set; }

        /// <summary>When the response was logged (UTC).</summary>
        public DateTime Timestamp { get; set; }

        public string Model { get; set; } = string.Empty;

        public string? MessageId { get; set; }

        public string? RequestId { get; set; }

        public string? SessionId { get; set; }

        /// <summary>The transcript folder below projects/ (Claude Code's encoded working directory).</summary>
        public string Project { get; set; } = string.Empty;

        public string? Cwd { get; set; }

        public string? GitBranch { get; set; }

        /// <summary>True for subagent turns.</summary>
        public bool IsSidechain { get; set; }

        public string? AgentId { get; set; }

        /// <summary>
        /// True when the response was read from a progress line of the parent session (an agent_progress copy of a
        /// subagent's response), not from the subagent's own transcript: counted only when no line of a transcript
        /// holds the same response (same message.id and requestId).
        /// </summary>
        public bool FromProgressCopy { get; set; }

        /// <summary>True when the response was served in fast mode (usage.speed "fast"), priced at the model's fast rate.</summary>
        public bool Fast { get; set; }

        /// <summary>The cost the line itself carries (costUSD, written by older Claude Code versions), or null; -CostMode chooses whether it is used.</summary>
        public decimal? CostUsd { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        /// <summary>All cache-creation tokens (5-minute plus 1-hour writes).</summary>
        public long CacheCreationTokens { get; set; }

        public long CacheCreation5mTokens { get; set; }

        public long CacheCreation1hTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;

        /// <summary>The transcript file the entry was read from.</summary>
        public string? SourceFile { get; set; }

        internal UsageEntry Clone() => (UsageEntry)MemberwiseClone();
    }
}
