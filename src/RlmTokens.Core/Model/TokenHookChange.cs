namespace RlmTokens
{
    /// <summary>What Install-TokenHook or Uninstall-TokenHook did (or, with -WhatIf, would do) to one hook.</summary>
    public enum HookChangeAction
    {
        /// <summary>An RLM script call was replaced in place by a cmdlet command.</summary>
        Replaced = 0,

        /// <summary>A cmdlet command was added for an event RLM misses.</summary>
        Added,

        /// <summary>A hook was taken out (RLM's session-end on Stop, or a command Install added).</summary>
        Removed,

        /// <summary>Uninstall put back what Install replaced or removed.</summary>
        Restored,
    }

    /// <summary>One hook change in a Claude Code settings file (Install-TokenHook / Uninstall-TokenHook -PassThru).</summary>
    public sealed class TokenHookChange
    {
        /// <summary>The settings file changed.</summary>
        public string? File { get; set; }

        /// <summary>The hook event (PostToolUse, PreCompact, SessionStart, SessionEnd, Stop, ...).</summary>
        public string? Event { get; set; }

        /// <summary>The matcher of the hook's group, when it has one.</summary>
        public string? Matcher { get; set; }

        public HookChangeAction Action { get; set; }

        /// <summary>The RLM script concerned (estimate-tokens.ps1, ...), when there is one.</summary>
        public string? Script { get; set; }

        /// <summary>The cmdlet the new command runs (Add-TokenEstimate, ...).</summary>
        public string? Cmdlet { get; set; }

        /// <summary>The command after the change (null when the hook was removed).</summary>
        public string? Command { get; set; }

        /// <summary>The command before the change (null when the hook was added).</summary>
        public string? PreviousCommand { get; set; }

        /// <summary>The copy of the file made before it was changed (null with -WhatIf).</summary>
        public string? BackupPath { get; set; }
    }
}
