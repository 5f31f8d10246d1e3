using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Sessions
{
    /// <summary>The session records read without the lock (reports, completion, a capture's session).</summary>
    internal static class SessionRecords
    {
        /// <summary>The open sessions' records, most recently active last. Unreadable ones are reported in <paramref name="problems"/>.</summary>
        public static List<SessionStateFile> Open(TokenTracker tracker, List<RlmTokensException>? problems = null) =>
            ReadFolder(tracker, tracker.Workspace.SessionsFolder, problems, null);

        /// <summary>The closed sessions' records changed at or after <paramref name="since"/> (file time), in no particular order.</summary>
        public static List<SessionStateFile> Closed(TokenTracker tracker, DateTime? since = null) =>
            ReadFolder(tracker, tracker.Workspace.ClosedSessionsFolder, null, since);

        private static List<SessionStateFile> ReadFolder(TokenTracker tracker, string folder, List<RlmTokensException>? problems, DateTime? since)
        {
            var states = new List<SessionStateFile>();
            if (!Directory.Exists(folder)) { return states; }
            foreach (string file in Directory.EnumerateFiles(folder, "*.json"))
            {
                string key = Path.GetFileNameWithoutExtension(file);
                if (!Workspace.IsSafeId(key)) { continue; }
                if (since is DateTime cutoff && File.GetLastWriteTimeUtc(file) < cutoff) { continue; }
                try
                {
                    SessionStateFile? state = tracker.Store.Read(file, RlmJsonContext.Files.SessionStateFile, tracker.Workspace.TokenUsageFolder);
                    if (state is null) { continue; }
                    state.Key = key;
                    states.Add(state);
                }
                catch (RlmTokensException e)
                {
                    problems?.Add(e);
                }
            }
            states.Sort((a, b) => (RlmTime.Parse(a.LastActive) ?? DateTimeOffset.MinValue).CompareTo(RlmTime.Parse(b.LastActive) ?? DateTimeOffset.MinValue));
            return states;
        }

        /// <summary>True when an open session surely has this key, RLM id or Claude Code id (its record, or the view RLM's scripts keep).</summary>
        public static bool IsOpen(TokenTracker tracker, string id)
        {
            if (Open(tracker).Any(s => s.Key == id || s.RlmSessionId == id || s.ClaudeSessionId == id)) { return true; }
            try
            {
                SessionFile? view = tracker.Store.Read(tracker.Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
                return view is not null && (view.SessionId == id || Capture.SessionLifecycle.ExtraText(view, "claude_session_id") == id);
            }
            catch (RlmTokensException)
            {
                return false;
            }
        }

        /// <summary>
        /// Whether a session is open that <paramref name="id"/> names (any, when null), read without the
        /// lock so that a refusal touches nothing: false when surely not, true when there is one or the
        /// files cannot tell (an unreadable view is left to the locked change, which sets it aside).
        /// </summary>
        public static bool MayBeOpen(TokenTracker tracker, string? id)
        {
            var problems = new List<RlmTokensException>();
            List<SessionStateFile> open = Open(tracker, problems);
            if (problems.Count > 0) { return true; }
            if (open.Any(s => id is null || s.Key == id || s.RlmSessionId == id || s.ClaudeSessionId == id)) { return true; }
            SessionFile? view;
            TokenEstimatesFile? estimates;
            try
            {
                view = tracker.Store.Read(tracker.Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
                estimates = id is null ? tracker.Store.Read(tracker.Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile) : null;
            }
            catch (RlmTokensException)
            {
                return true;
            }
            if (id is null) { return view is not null || estimates is not null; }
            return view is not null && (view.SessionId == id || Capture.SessionLifecycle.ExtraText(view, "claude_session_id") == id);
        }

        /// <summary>
        /// The session whose time span holds <paramref name="at"/>: the most recently active open session
        /// started at or before it, else a closed one that started before it and ended after it; for a
        /// workspace without records, the session current-session.json names. Null when none.
        /// </summary>
        public static SessionStateFile? Containing(TokenTracker tracker, DateTimeOffset at)
        {
            List<SessionStateFile> open = Open(tracker);
            SessionStateFile? hit = open.LastOrDefault(s => (RlmTime.Parse(s.StartedAt) ?? DateTimeOffset.MinValue) <= at);
            if (hit is not null) { return hit; }
            hit = Closed(tracker, at.UtcDateTime.AddMinutes(-1))
                .Where(s => (RlmTime.Parse(s.StartedAt) ?? DateTimeOffset.MaxValue) <= at && (RlmTime.Parse(s.EndedAt) ?? DateTimeOffset.MinValue) >= at)
                .OrderBy(s => RlmTime.Parse(s.StartedAt))
                .LastOrDefault();
            if (hit is not null || open.Count > 0) { return hit; }
            SessionFile? view = null;
            try { view = tracker.Store.Read(tracker.Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile); }
            catch (RlmTokensException) { }
            return string.IsNullOrEmpty(view?.SessionId) ? null : new SessionStateFile { Key = view!.SessionId, RlmSessionId = view.SessionId, StartedAt = view.StartedAt };
        }
    }
}
