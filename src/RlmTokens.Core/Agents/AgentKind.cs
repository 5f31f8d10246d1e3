namespace RlmTokens
{
    /// <summary>The coding agent a usage entry came from (Get-TokenUsage -Transcript -Agent).</summary>
    public enum AgentKind
    {
        /// <summary>Claude Code transcripts (~/.claude/projects).</summary>
        Claude = 0,

        /// <summary>OpenAI Codex CLI rollouts (~/.codex/sessions/**/rollout-*.jsonl).</summary>
        Codex,

        /// <summary>Google Gemini CLI chat recordings (~/.gemini/tmp/&lt;project&gt;/chats/session-*.json).</summary>
        Gemini,

        /// <summary>OpenCode's local storage (~/.local/share/opencode/storage/message).</summary>
        OpenCode,
    }
}
