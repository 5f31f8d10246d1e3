using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.HookPayloads
{
    /// <summary>
    /// What each Claude Code hook event does with its document, as the cmdlets of the README's hook recipe
    /// do it (PostToolUse: Add-TokenEstimate; SessionStart: Start-TokenSession; Stop/SubagentStop:
    /// Update-TokenSession; SessionEnd: Stop-TokenSession; PreCompact: Register-CompactEvent). The
    /// request builders are shared by those cmdlets and by the native hook (rlmtokens-hook), so both book
    /// the same figures in the same files under the same lock, spooling when the lock is busy.
    /// </summary>
    internal static class HookEvents
    {
        /// <summary>The event names the native hook handles.</summary>
        public static readonly IReadOnlyList<string> Names = new[] { "PostToolUse", "SessionStart", "Stop", "SubagentStop", "SessionEnd", "PreCompact" };

        /// <summary>Add-TokenEstimate's request for a PostToolUse document.</summary>
        public static EstimateRequest Estimate(HookInput hook, string? sessionId) => new EstimateRequest
        {
            Operation = HookInput.OperationFor(hook.ToolName),
            FilePath = hook.FilePath,
            Size = hook.MovedCharacters,
            SubagentType = hook.SubagentType,
            ToolName = hook.ToolName,
            SessionId = sessionId,
            ClaudeSessionId = hook.SessionId,
            ExactInputTokens = hook.SubagentUsage?.Input,
            ExactOutputTokens = hook.SubagentUsage?.Output,
            ExactTotalTokens = hook.SubagentUsage?.Total,
        };

        /// <summary>Start-TokenSession's request for a SessionStart document (a hook always keeps a session already open).</summary>
        public static SessionStartRequest Start(HookInput hook, string? sessionId, string? source, DateTimeOffset? startedAt) => new SessionStartRequest
        {
            SessionId = sessionId,
            ClaudeSessionId = hook.SessionId,
            Source = source ?? hook.Source,
            TranscriptPath = hook.TranscriptPath,
            Force = true,
            StartedAt = startedAt,
        };

        /// <summary>Stop-TokenSession's request for a SessionEnd document (the exact figure is added by the caller, before the lock).</summary>
        public static SessionStopRequest Stop(HookInput hook, string? sessionId, string? reason, DateTimeOffset? endedAt) => new SessionStopRequest
        {
            SessionId = sessionId,
            ClaudeSessionId = hook.SessionId,
            Reason = reason ?? hook.Reason,
            EndedAt = endedAt,
            TranscriptPath = hook.TranscriptPath,
        };

        /// <summary>Register-CompactEvent's request for a PreCompact document; <paramref name="transcriptPath"/> is the hook's, resolved by the caller.</summary>
        public static CompactRequest Compact(HookInput hook, string? sessionId, string? transcriptPath, DateTimeOffset? timestamp) => new CompactRequest
        {
            Trigger = CompactEventRecorder.ParseTrigger(hook.Trigger),
            CustomInstructions = hook.CustomInstructions,
            SessionId = sessionId,
            HookSessionId = hook.SessionId,
            TranscriptPath = string.IsNullOrEmpty(transcriptPath) ? null : transcriptPath,
            Timestamp = timestamp,
        };

        /// <summary>
        /// The workspace of a hook run outside PowerShell, as the cmdlets resolve it: the hook's cwd (a rooted
        /// one that does not exist is WorkspaceNotFound), else <paramref name="current"/>, or the nearest folder
        /// above it that holds RLM/; else <paramref name="projectDir"/> ($CLAUDE_PROJECT_DIR) or the folder above
        /// it holding RLM/; else the start folder, which is then no workspace (writers report NotAWorkspace).
        /// </summary>
        public static Workspace ResolveWorkspace(string? hookCwd, string current, string? projectDir)
        {
            bool fromHook = !string.IsNullOrEmpty(hookCwd) && Path.IsPathRooted(hookCwd);
            if (fromHook && !Directory.Exists(hookCwd)) { throw new WorkspaceNotFoundException(hookCwd!); }
            string start = fromHook ? hookCwd! : current;
            string? root = Workspace.FindRoot(start);
            if (root is null && !string.IsNullOrEmpty(projectDir))
            {
                string project = Path.GetFullPath(projectDir!, current);
                root = Workspace.FindRoot(project) ?? (Directory.Exists(project) ? project : null);
            }
            return new Workspace(root ?? current, isExplicit: false);
        }

        /// <summary>
        /// A session's exact usage from its transcript through the incremental cache (counted from the
        /// session's start), with the reader's warnings; the caller reports a failure and books the estimate.
        /// </summary>
        public static (Storage.ExactUsageFile Exact, IReadOnlyList<string> Warnings) ReadExactUsage(TokenTracker tracker, string transcriptPath, string? claudeSessionId, string? cacheFolder, CancellationToken cancellation)
        {
            DateTimeOffset? since = new SessionLifecycle(tracker).CountSince(claudeSessionId);
            CostCapture capture = TranscriptCost.Read(transcriptPath, tracker, cancellation, since, cacheFolder);
            return (Sessions.ExactUsage.From(capture, tracker.Clock.UtcNow, since), capture.Report.Warnings);
        }
    }
}
