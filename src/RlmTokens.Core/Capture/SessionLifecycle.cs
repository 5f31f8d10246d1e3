using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    internal sealed class SessionStartRequest
    {
        /// <summary>The RLM session id; default SESSION-yyyy-MM-dd-HHmmss of the start time.</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session id (SessionStart's session_id), kept as claude_session_id.</summary>
        public string? ClaudeSessionId { get; set; }

        /// <summary>SessionStart's source: startup, resume, clear or compact.</summary>
        public string? Source { get; set; }

        /// <summary>Close a session that is still open (archive it) instead of failing.</summary>
        public bool Force { get; set; }

        public DateTimeOffset? StartedAt { get; set; }
    }

    internal sealed class SessionStopRequest
    {
        /// <summary>When given, the open session must be this one (RLM id or Claude Code's id).</summary>
        public string? SessionId { get; set; }

        /// <summary>SessionEnd's reason (clear, logout, prompt_input_exit, other).</summary>
        public string? Reason { get; set; }

        public DateTimeOffset? EndedAt { get; set; }
    }

    /// <summary>
    /// Start-TokenSession / Stop-TokenSession's engine: the token parts of RLM's session-start.ps1 and
    /// session-end.ps1. Start creates current-session.json; stop archives it as &lt;session_id&gt;.json with
    /// ended_at and duration_minutes (and the session's estimate under token_estimate), folds the
    /// estimate into the daily file (a captured /cost or transcript entry of the session wins), removes
    /// token-estimates.json and current-session.json. All under the token-usage folder's lock.
    /// </summary>
    internal sealed class SessionLifecycle
    {
        private static readonly string[] s_reserved = { "current-session", "token-estimates", "compact-events" };

        private readonly TokenTracker _tracker;

        public SessionLifecycle(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>The open session, or null.</summary>
        public TokenSessionRecord? GetOpen()
        {
            SessionFile? open = _tracker.Store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
            return open is null ? null : ToRecord(open, Workspace.CurrentSessionFile, isOpen: true, reason: ExtraText(open, "start_source"), estimates: null);
        }

        private enum StartDecision { Create, Keep, Supersede }

        // resume / compact (or the same Claude Code session) keep the open session; anything else needs -Force.
        private StartDecision Decide(SessionFile? open, SessionStartRequest request)
        {
            if (open is null) { return StartDecision.Create; }
            string? openClaude = ExtraText(open, "claude_session_id");
            bool sameClaude = !string.IsNullOrEmpty(request.ClaudeSessionId) && openClaude == request.ClaudeSessionId;
            bool continues = request.Source == "resume" || request.Source == "compact";
            if (sameClaude || (continues && (string.IsNullOrEmpty(openClaude) || string.IsNullOrEmpty(request.ClaudeSessionId))))
            {
                return StartDecision.Keep;
            }
            if (!request.Force) { throw new SessionAlreadyOpenException(open.SessionId ?? string.Empty, Workspace.CurrentSessionFile); }
            return StartDecision.Supersede;
        }

        public Outcome<TokenSessionRecord> Start(SessionStartRequest request, CancellationToken cancellation)
        {
            DateTimeOffset at = request.StartedAt ?? _tracker.Clock.UtcNow;
            string id = CheckId(string.IsNullOrEmpty(request.SessionId) ? SessionCostImporter.NewSessionId(at, _tracker.Clock.LocalZone) : request.SessionId!);
            var problems = new List<RlmTokensException>();

            // Decided once without the lock, so a refusal or a kept session touches nothing (not even the lock file).
            SessionFile? peek = null;
            try { peek = _tracker.Store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile); }
            catch (CorruptDataFileException) { }
            if (Decide(peek, request) == StartDecision.Keep)
            {
                return new Outcome<TokenSessionRecord>(ToRecord(peek!, Workspace.CurrentSessionFile, true, ExtraText(peek!, "start_source"), null), problems);
            }

            TokenSessionRecord record;
            using (FolderTransaction tx = _tracker.Store.BeginUpdate(Workspace.TokenUsageFolder, cancellation))
            {
                SessionFile? open = tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
                switch (Decide(open, request))
                {
                    case StartDecision.Keep:
                        problems.AddRange(tx.SetAside);
                        return new Outcome<TokenSessionRecord>(ToRecord(open!, Workspace.CurrentSessionFile, true, ExtraText(open!, "start_source"), null), problems);
                    case StartDecision.Supersede:
                        Close(tx, open!, at, "superseded");
                        break;
                }
                var session = new SessionFile
                {
                    SessionId = id,
                    StartedAt = RlmTime.Format(at),
                    Workspace = Workspace.Root,
                    SubagentCalls = EmptyArray(),
                    FilesWritten = EmptyArray(),
                    TasksStarted = EmptyArray(),
                    TasksCompleted = EmptyArray(),
                    Metrics = new SessionMetrics(),
                    Extra = new Dictionary<string, JsonElement>(),
                };
                if (!string.IsNullOrEmpty(request.ClaudeSessionId)) { session.Extra["claude_session_id"] = DailyBook.Text(request.ClaudeSessionId!); }
                if (!string.IsNullOrEmpty(request.Source)) { session.Extra["start_source"] = DailyBook.Text(request.Source!); }
                tx.Write(Workspace.CurrentSessionFile, session, RlmJsonContext.Files.SessionFile);
                tx.Commit();
                problems.AddRange(tx.SetAside);
                record = ToRecord(session, Workspace.CurrentSessionFile, true, request.Source, null);
            }
            return new Outcome<TokenSessionRecord>(record, problems);
        }

        public Outcome<TokenSessionRecord> Stop(SessionStopRequest request, CancellationToken cancellation)
        {
            DateTimeOffset at = request.EndedAt ?? _tracker.Clock.UtcNow;
            var problems = new List<RlmTokensException>();

            // Checked once without the lock, so a refusal touches nothing (not even the lock file).
            bool corrupt = false;
            SessionFile? peek = null;
            try { peek = _tracker.Store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile); }
            catch (CorruptDataFileException) { corrupt = true; }
            if (!corrupt) { CheckStop(peek, request); }

            TokenSessionRecord record;
            using (FolderTransaction tx = _tracker.Store.BeginUpdate(Workspace.TokenUsageFolder, cancellation))
            {
                SessionFile? open = tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
                if (open is null && tx.SetAside.Count > 0)
                {
                    // current-session.json could not be parsed: it was set aside and is reported; nothing to close.
                    problems.AddRange(tx.SetAside);
                    return new Outcome<TokenSessionRecord>(new TokenSessionRecord { IsOpen = false, Workspace = Workspace.Root }, problems);
                }
                CheckStop(open, request);
                record = Close(tx, open!, at, request.Reason);
                tx.Commit();
                problems.AddRange(tx.SetAside);
            }
            return new Outcome<TokenSessionRecord>(record, problems);
        }

        private void CheckStop(SessionFile? open, SessionStopRequest request)
        {
            if (open is null) { throw new NoOpenSessionException(Workspace.CurrentSessionFile); }
            if (string.IsNullOrEmpty(request.SessionId) || request.SessionId == open.SessionId) { return; }
            string? claude = ExtraText(open, "claude_session_id");
            // A hook's Claude id matches when the session recorded it, or when it recorded none.
            if (!string.IsNullOrEmpty(claude) && claude != request.SessionId || string.IsNullOrEmpty(claude) && !LooksLikeClaudeId(request.SessionId!))
            {
                throw new InvalidArgumentException("SessionMismatch", request.SessionId,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.SessionMismatch, request.SessionId, open.SessionId));
            }
        }

        private TokenSessionRecord Close(FolderTransaction tx, SessionFile open, DateTimeOffset at, string? reason)
        {
            string stamp = RlmTime.Format(at);
            string id = CheckId(string.IsNullOrEmpty(open.SessionId)
                ? SessionCostImporter.NewSessionId(RlmTime.Parse(open.StartedAt) ?? at, _tracker.Clock.LocalZone)
                : open.SessionId!);
            open.SessionId = id;
            DateTimeOffset? started = RlmTime.Parse(open.StartedAt);
            open.EndedAt = stamp;
            open.DurationMinutes = started is DateTimeOffset s ? Math.Max(0, Math.Round((at - s).TotalMinutes, 2)) : 0;
            open.Extra ??= new Dictionary<string, JsonElement>();
            if (!string.IsNullOrEmpty(reason)) { open.Extra["end_reason"] = DailyBook.Text(reason!); }

            TokenEstimatesFile? estimates = tx.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile);
            bool ours = estimates is not null && (string.IsNullOrEmpty(estimates.SessionId) || estimates.SessionId == id);
            if (ours)
            {
                open.Extra["token_estimate"] = JsonSerializer.SerializeToElement(estimates!, RlmJsonContext.Files.TokenEstimatesFile);
            }
            string archive = Workspace.ArchivedSessionFile(id);
            tx.Write(archive, open, RlmJsonContext.Files.SessionFile);

            DateTime day = TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone).Date;
            var entry = new DailySessionEntry
            {
                SessionId = id,
                CostUsd = ours ? Math.Round(estimates!.EstimatedCostUsd, 6) : 0,
                EstimatedTokens = ours ? estimates!.Tokens.InputEstimated + estimates.Tokens.OutputEstimated : 0,
                CapturedAt = stamp,
                Extra = new Dictionary<string, JsonElement> { ["source"] = DailyBook.Text(DailyBook.EstimateSource) },
            };
            DailyBook.Put(tx, Workspace, day, entry, keepCaptured: true);
            if (ours) { tx.Delete(Workspace.EstimatesFile); }
            tx.Delete(Workspace.CurrentSessionFile);
            return ToRecord(open, archive, false, reason, ours ? estimates : null);
        }

        private TokenSessionRecord ToRecord(SessionFile session, string file, bool isOpen, string? reason, TokenEstimatesFile? estimates) =>
            new TokenSessionRecord
            {
                SessionId = session.SessionId,
                ClaudeSessionId = ExtraText(session, "claude_session_id"),
                StartedAt = RlmTime.Parse(session.StartedAt),
                EndedAt = RlmTime.Parse(session.EndedAt),
                DurationMinutes = isOpen ? (double?)null : session.DurationMinutes,
                TotalTokens = estimates is null ? 0 : estimates.Tokens.InputEstimated + estimates.Tokens.OutputEstimated,
                CostUsd = estimates?.EstimatedCostUsd ?? 0,
                Compactions = session.ContextCompacts.Count,
                Reason = reason,
                IsOpen = isOpen,
                Precision = UsagePrecision.Estimated,
                File = file,
                Workspace = Workspace.Root,
            };

        private static string CheckId(string id)
        {
            Workspace.CheckSessionId(id);
            string lower = id.ToLowerInvariant();
            if (Array.IndexOf(s_reserved, lower) >= 0 || lower.StartsWith("daily-", StringComparison.Ordinal) || lower.StartsWith("cost-", StringComparison.Ordinal))
            {
                throw new InvalidArgumentException("ReservedSessionId", id,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.ReservedSessionId, id));
            }
            return id;
        }

        // Claude Code's session ids are GUIDs; RLM's are SESSION-....
        private static bool LooksLikeClaudeId(string id) => Guid.TryParse(id, out _);

        internal static string? ExtraText(RlmFileModel model, string name) =>
            model.Extra is { } extra && extra.TryGetValue(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static JsonElement EmptyArray()
        {
            using JsonDocument doc = JsonDocument.Parse("[]");
            return doc.RootElement.Clone();
        }
    }
}
