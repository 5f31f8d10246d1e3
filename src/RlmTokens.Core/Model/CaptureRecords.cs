using System;

namespace RlmTokens
{
    /// <summary>What triggered a context compaction (PreCompact's "trigger").</summary>
    public enum CompactTrigger
    {
        Unknown = 0,
        Manual,
        Auto,
    }

    /// <summary>The keys Get-TokenUsage -Log -GroupBy groups token-usage.log records by.</summary>
    public enum LogGrouping
    {
        Branch,
        Agent,
        Task,
        Model,
        Tool,
        Day,
    }

    /// <summary>One captured session cost (Import-SessionCost -PassThru): what cost-&lt;SessionId&gt;.json holds.</summary>
    public sealed class SessionCostRecord
    {
        public string? SessionId { get; set; }

        public DateTimeOffset CapturedAt { get; set; }

        /// <summary>The local day whose daily file carries the session.</summary>
        public UsageDate Date { get; set; }

        public decimal CostUsd { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        /// <summary>All tokens (input, output, cache read and write); derived from the cost when /cost shows no per-model block.</summary>
        public long TotalTokens { get; set; }

        public double? ApiDurationSeconds { get; set; }

        public double? WallDurationSeconds { get; set; }

        public long? LinesAdded { get; set; }

        public long? LinesRemoved { get; set; }

        /// <summary>The models used, comma-separated (per-model figures are in the cost file).</summary>
        public string? Models { get; set; }

        /// <summary>claude_code_cost_command or claude_code_transcript.</summary>
        public string? Source { get; set; }

        /// <summary>Exact when counted from a transcript; Estimated for /cost figures.</summary>
        public UsagePrecision Precision { get; set; }

        public string? File { get; set; }

        public string? Workspace { get; set; }
    }

    /// <summary>One recorded context compaction (Register-CompactEvent -PassThru).</summary>
    public sealed class CompactEventRecord
    {
        public DateTimeOffset Timestamp { get; set; }

        public string? SessionId { get; set; }

        public CompactTrigger Trigger { get; set; }

        public string? CustomInstructions { get; set; }

        public long SubagentCalls { get; set; }

        public long FilesCreated { get; set; }

        public long FilesModified { get; set; }

        /// <summary>The context size before the compaction (last assistant turn's input + cache tokens), when a transcript told.</summary>
        public long? ContextTokens { get; set; }

        /// <summary>How many compactions compact-events.json now holds.</summary>
        public long EventCount { get; set; }

        public string? TranscriptPath { get; set; }

        public string? Workspace { get; set; }
    }

    /// <summary>A token session opened or closed by Start-TokenSession / Stop-TokenSession.</summary>
    public sealed class TokenSessionRecord
    {
        public string? SessionId { get; set; }

        /// <summary>Claude Code's own session id (from the hook), when known.</summary>
        public string? ClaudeSessionId { get; set; }

        public DateTimeOffset? StartedAt { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public double? DurationMinutes { get; set; }

        /// <summary>The exact transcript figure when known (Precision Exact), else the running estimate.</summary>
        public long TotalTokens { get; set; }

        /// <summary>RLM's running estimate of the session, whatever the precision of TotalTokens.</summary>
        public long EstimatedTokens { get; set; }

        public decimal CostUsd { get; set; }

        public long Compactions { get; set; }

        /// <summary>Why the session started (startup, resume, clear, compact) or ended (SessionEnd's reason).</summary>
        public string? Reason { get; set; }

        public bool IsOpen { get; set; }

        public SessionStatus Status { get; set; }

        public UsagePrecision Precision { get; set; } = UsagePrecision.Estimated;

        public string? File { get; set; }

        public string? Workspace { get; set; }
    }

    /// <summary>One record of RLM/progress/token-usage.log (Add-TokenUsage -PassThru, Get-TokenUsage -Log).</summary>
    public sealed class TokenUsageLogRecord
    {
        public DateTimeOffset? Timestamp { get; set; }

        public string? Task { get; set; }

        public string? Agent { get; set; }

        public string? Model { get; set; }

        public string? Tool { get; set; }

        public string? Branch { get; set; }

        public string? SessionId { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long TotalTokens { get; set; }

        /// <summary>The cost the record states; null when it states none (token-tracker.sh's <c>"cost": ,</c>).</summary>
        public decimal? CostUsd { get; set; }

        public double DurationSeconds { get; set; }

        public string? Note { get; set; }

        /// <summary>Exact for records marked "exact" (Add-TokenUsage); token-tracker.sh records carry no such mark and count as Estimated.</summary>
        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;

        public string? Workspace { get; set; }
    }

    /// <summary>token-usage.log records summed per key (Get-TokenUsage -Log -GroupBy).</summary>
    public sealed class TokenUsageLogGroup
    {
        public LogGrouping GroupBy { get; set; }

        /// <summary>The key as text: the branch, agent, task, model, tool or day; "(none)" for records without one. The output carries it under the property of its grouping.</summary>
        internal string GroupKey { get; set; } = string.Empty;

        /// <summary>-GroupBy Branch: the branch ("(none)" for records without one).</summary>
        public string? Branch { get; set; }

        /// <summary>-GroupBy Agent: the agent ("(none)" for records without one).</summary>
        public string? Agent { get; set; }

        /// <summary>-GroupBy Task: the task ("(none)" for records without one).</summary>
        public string? Task { get; set; }

        /// <summary>-GroupBy Model: the model ("(none)" for records without one).</summary>
        public string? Model { get; set; }

        /// <summary>-GroupBy Tool: the tool ("(none)" for records without one).</summary>
        public string? Tool { get; set; }

        /// <summary>-GroupBy Day: the day; null for the group of records without a time.</summary>
        public UsageDate? Date { get; set; }

        /// <summary>Log records summed.</summary>
        public long RecordCount { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long TotalTokens { get; set; }

        public decimal CostUsd { get; set; }

        /// <summary>The first record's time.</summary>
        public DateTimeOffset? Start { get; set; }

        /// <summary>The last record's time.</summary>
        public DateTimeOffset? End { get; set; }

        public UsagePrecision Precision { get; set; }

        public string? Workspace { get; set; }

        /// <summary>Sets the key as text and under the property its grouping names.</summary>
        internal void SetKey(LogGrouping grouping, string key)
        {
            GroupKey = key;
            switch (grouping)
            {
                case LogGrouping.Branch: Branch = key; break;
                case LogGrouping.Agent: Agent = key; break;
                case LogGrouping.Task: Task = key; break;
                case LogGrouping.Model: Model = key; break;
                case LogGrouping.Tool: Tool = key; break;
                case LogGrouping.Day: Date = UsageDate.TryParse(key, null, out UsageDate day) ? day : (UsageDate?)null; break;
            }
        }
    }
}
