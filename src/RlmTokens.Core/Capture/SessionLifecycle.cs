using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Sessions;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    internal sealed class SessionStartRequest
    {
        /// <summary>The RLM session id; default SESSION-yyyy-MM-dd-HHmmss of the start time (unique: -2, -3... when taken).</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session id (SessionStart's session_id): the session's key.</summary>
        public string? ClaudeSessionId { get; set; }

        /// <summary>SessionStart's source: startup, resume, clear or compact.</summary>
        public string? Source { get; set; }

        public string? TranscriptPath { get; set; }

        /// <summary>Keep a session that is already open under the same id instead of failing (hooks always do).</summary>
        public bool Force { get; set; }

        public DateTimeOffset? StartedAt { get; set; }
    }

    internal sealed class SessionStopRequest
    {
        /// <summary>The session to close (its RLM id, key or Claude Code's id); default: the most recently active open session.</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session id from a SessionEnd document.</summary>
        public string? ClaudeSessionId { get; set; }

        /// <summary>SessionEnd's reason (clear, logout, prompt_input_exit, other).</summary>
        public string? Reason { get; set; }

        public DateTimeOffset? EndedAt { get; set; }

        public string? TranscriptPath { get; set; }

        /// <summary>The session's exact usage, counted from its transcript before the lock was taken.</summary>
        public ExactUsageFile? Exact { get; set; }
    }

    internal sealed class SessionUpdateRequest
    {
        public string? SessionId { get; set; }

        public string? ClaudeSessionId { get; set; }

        public string? TranscriptPath { get; set; }

        public DateTimeOffset? At { get; set; }

        /// <summary>The exact running figure, counted from the transcript through the incremental cache.</summary>
        public ExactUsageFile? Exact { get; set; }
    }

    /// <summary>
    /// Start-, Stop- and Update-TokenSession's engine: the token parts of RLM's session-start.ps1 and
    /// session-end.ps1, for any number of sessions at once (issue 10). Start opens a session record keyed
    /// by Claude Code's session id (a start for a session already open keeps it; a session never
    /// supersedes another). Stop archives it as &lt;RLM id&gt;.json and books it once in the daily file at its
    /// best precision: the exact transcript figure when the transcript is known, else its estimate.
    /// Update keeps an exact running figure (the Stop hook, each turn). Each is one all-or-nothing
    /// change under the token-usage folder's lock; in hook mode a busy lock spools the change.
    /// </summary>
    internal sealed class SessionLifecycle
    {
        private readonly TokenTracker _tracker;

        public SessionLifecycle(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>The most recently active open session, or null.</summary>
        public TokenSessionRecord? GetOpen()
        {
            TokenSessionSummary? open = _tracker.GetSessionSummary();
            if (open is null) { return null; }
            return new TokenSessionRecord
            {
                SessionId = open.SessionId,
                ClaudeSessionId = open.ClaudeSessionId,
                StartedAt = open.StartedAt,
                TotalTokens = open.TotalTokens,
                EstimatedTokens = open.EstimatedTokens,
                CostUsd = open.CostUsd,
                Compactions = open.Compactions,
                IsOpen = true,
                Status = SessionStatus.Open,
                Precision = open.Precision,
                File = Workspace.CurrentSessionFile,
                Workspace = Workspace.Root,
            };
        }

        /// <summary>
        /// The time from which a session's transcript is counted, read without the lock: the start of a
        /// session resumed under a new id (its transcript repeats the earlier session's responses, which
        /// that session already booked), else null (everything counts).
        /// </summary>
        public DateTimeOffset? CountSince(string? claudeSessionId)
        {
            if (string.IsNullOrEmpty(claudeSessionId) || !Workspace.IsSafeId(claudeSessionId)) { return null; }
            SessionStateFile? state = SessionRecords.Open(_tracker).FirstOrDefault(s => s.Key == claudeSessionId);
            return state?.StartSource == "resume" ? RlmTime.Parse(state.StartedAt) : null;
        }

        public Outcome<TokenSessionRecord> Start(SessionStartRequest request, CancellationToken cancellation)
        {
            DateTimeOffset at = request.StartedAt ?? _tracker.Clock.UtcNow;
            request.StartedAt = at;
            if (!string.IsNullOrEmpty(request.SessionId)) { SessionBook.CheckRlmId(request.SessionId!); }
            if (!string.IsNullOrEmpty(request.ClaudeSessionId)) { Workspace.CheckSessionId(request.ClaudeSessionId!); }
            // A refusal touches nothing, not even the lock file.
            if (!request.Force && string.IsNullOrEmpty(request.ClaudeSessionId) && !string.IsNullOrEmpty(request.SessionId) && SessionRecords.IsOpen(_tracker, request.SessionId!))
            {
                throw new SessionAlreadyOpenException(request.SessionId!, Workspace.SessionStateFile(request.SessionId!));
            }
            return _tracker.ChangeOrSpool(DeferredChanges.SessionStart,
                () => JsonSerializer.SerializeToElement(request, RlmJsonContext.Files.SessionStartRequest),
                tx => ApplyStart(tx, request),
                () => new TokenSessionRecord { SessionId = request.SessionId, ClaudeSessionId = request.ClaudeSessionId, StartedAt = at, IsOpen = true, Status = SessionStatus.Open, Reason = request.Source, Workspace = Workspace.Root },
                cancellation);
        }

        internal Outcome<TokenSessionRecord> ApplyStart(FolderTransaction tx, SessionStartRequest request)
        {
            DateTimeOffset at = request.StartedAt ?? _tracker.Clock.UtcNow;
            var book = new SessionBook(_tracker, tx);
            book.AdoptView();
            book.SweepAbandoned(at);
            string? named = !string.IsNullOrEmpty(request.ClaudeSessionId) ? request.ClaudeSessionId : request.SessionId;
            SessionStateFile? session = named is null ? null : book.FindOpen(named);
            if (session is not null)
            {
                // The same session again (resume, compact, a repeated hook): it stays as it is.
                if (!request.Force && string.IsNullOrEmpty(request.ClaudeSessionId))
                {
                    throw new SessionAlreadyOpenException(named!, Workspace.SessionStateFile(session.Key!));
                }
                book.Touch(session, at);
            }
            else if (named is not null && book.FindClosed(named) is not null)
            {
                session = book.Resolve(new SessionRef { SessionId = named, TranscriptPath = request.TranscriptPath }, at, create: true)!;
            }
            else
            {
                session = book.Create(string.IsNullOrEmpty(request.ClaudeSessionId) ? null : request.ClaudeSessionId,
                    string.IsNullOrEmpty(request.SessionId) ? null : request.SessionId, at, request.Source ?? "manual");
            }
            if (!string.IsNullOrEmpty(request.TranscriptPath)) { session.TranscriptPath = request.TranscriptPath; }
            book.Flush();
            return new Outcome<TokenSessionRecord>(ToRecord(session, Workspace.SessionStateFile(session.Key!), request.Source), new List<RlmTokensException>(), book.Warnings);
        }

        public Outcome<TokenSessionRecord> Stop(SessionStopRequest request, CancellationToken cancellation)
        {
            DateTimeOffset at = request.EndedAt ?? _tracker.Clock.UtcNow;
            request.EndedAt = at;
            string? named = !string.IsNullOrEmpty(request.ClaudeSessionId) ? request.ClaudeSessionId : request.SessionId;
            if (named is not null) { Workspace.CheckSessionId(named); }
            // A refusal touches nothing, not even the lock file (a hook's SessionEnd always closes, opening a record if need be).
            if (string.IsNullOrEmpty(request.ClaudeSessionId) && !SessionRecords.MayBeOpen(_tracker, request.SessionId))
            {
                throw new NoOpenSessionException(string.IsNullOrEmpty(request.SessionId) ? Workspace.CurrentSessionFile : request.SessionId!);
            }
            return _tracker.ChangeOrSpool(DeferredChanges.SessionStop,
                () => JsonSerializer.SerializeToElement(request, RlmJsonContext.Files.SessionStopRequest),
                tx => ApplyStop(tx, request),
                () => new TokenSessionRecord { SessionId = request.SessionId, ClaudeSessionId = request.ClaudeSessionId, EndedAt = at, Reason = request.Reason, Status = SessionStatus.Closed, Precision = request.Exact is null ? UsagePrecision.Estimated : UsagePrecision.Exact, TotalTokens = request.Exact?.Total ?? 0, CostUsd = request.Exact?.CostUsd ?? 0, Workspace = Workspace.Root },
                cancellation);
        }

        internal Outcome<TokenSessionRecord> ApplyStop(FolderTransaction tx, SessionStopRequest request)
        {
            DateTimeOffset at = request.EndedAt ?? _tracker.Clock.UtcNow;
            var book = new SessionBook(_tracker, tx);
            book.AdoptView();
            bool fromHook = !string.IsNullOrEmpty(request.ClaudeSessionId);
            SessionStateFile? session = book.Resolve(new SessionRef
            {
                ClaudeSessionId = request.ClaudeSessionId,
                SessionId = request.SessionId,
                TranscriptPath = request.TranscriptPath,
            }, at, create: fromHook);
            if (session is null)
            {
                if (book.Warnings.Count > 0)
                {
                    // current-session.json could not be parsed: it was set aside and is reported; nothing to close.
                    return new Outcome<TokenSessionRecord>(new TokenSessionRecord { IsOpen = false, Status = SessionStatus.Closed, Workspace = Workspace.Root }, new List<RlmTokensException>(), book.Warnings);
                }
                throw new NoOpenSessionException(string.IsNullOrEmpty(request.SessionId) ? Workspace.CurrentSessionFile : request.SessionId!);
            }
            ClosedSession closed = book.Close(session, at, request.Reason, SessionStateFile.Closed, request.Exact);
            book.SweepAbandoned(at);
            book.Flush();
            return new Outcome<TokenSessionRecord>(ToRecord(closed.State, closed.Archive, request.Reason), new List<RlmTokensException>(), book.Warnings);
        }

        public Outcome<TokenSessionRecord> Update(SessionUpdateRequest request, CancellationToken cancellation)
        {
            DateTimeOffset at = request.At ?? _tracker.Clock.UtcNow;
            request.At = at;
            string? named = !string.IsNullOrEmpty(request.ClaudeSessionId) ? request.ClaudeSessionId : request.SessionId;
            if (named is not null) { Workspace.CheckSessionId(named); }
            return _tracker.ChangeOrSpool(DeferredChanges.SessionUpdate,
                () => JsonSerializer.SerializeToElement(request, RlmJsonContext.Files.SessionUpdateRequest),
                tx => ApplyUpdate(tx, request),
                () => new TokenSessionRecord { SessionId = request.SessionId, ClaudeSessionId = request.ClaudeSessionId, IsOpen = true, Status = SessionStatus.Open, Precision = request.Exact is null ? UsagePrecision.Estimated : UsagePrecision.Exact, TotalTokens = request.Exact?.Total ?? 0, CostUsd = request.Exact?.CostUsd ?? 0, Workspace = Workspace.Root },
                cancellation);
        }

        internal Outcome<TokenSessionRecord> ApplyUpdate(FolderTransaction tx, SessionUpdateRequest request)
        {
            DateTimeOffset at = request.At ?? _tracker.Clock.UtcNow;
            var book = new SessionBook(_tracker, tx);
            book.AdoptView();
            SessionStateFile? session = book.Resolve(new SessionRef
            {
                ClaudeSessionId = request.ClaudeSessionId,
                SessionId = request.SessionId,
                TranscriptPath = request.TranscriptPath,
            }, at, create: true)!;
            if (request.Exact is not null) { session.Exact = request.Exact; }
            book.Touch(session, at);
            book.Flush();
            return new Outcome<TokenSessionRecord>(ToRecord(session, Workspace.SessionStateFile(session.Key!), null), new List<RlmTokensException>(), book.Warnings);
        }

        private TokenSessionRecord ToRecord(SessionStateFile state, string file, string? reason)
        {
            bool open = state.Status == SessionStateFile.Open;
            long estimated = state.Estimate is null ? 0 : state.Estimate.Tokens.InputEstimated + state.Estimate.Tokens.OutputEstimated;
            return new TokenSessionRecord
            {
                SessionId = state.RlmSessionId,
                ClaudeSessionId = state.ClaudeSessionId,
                StartedAt = RlmTime.Parse(state.StartedAt),
                EndedAt = RlmTime.Parse(state.EndedAt),
                DurationMinutes = open ? (double?)null : state.Session.DurationMinutes,
                TotalTokens = state.Exact?.Total ?? estimated,
                EstimatedTokens = estimated,
                CostUsd = state.Exact?.CostUsd ?? state.Estimate?.EstimatedCostUsd ?? 0,
                Compactions = state.Session.ContextCompacts.Count,
                Reason = reason ?? (open ? state.StartSource : state.EndReason),
                IsOpen = open,
                Status = open ? SessionStatus.Open : state.Status == SessionStateFile.Abandoned ? SessionStatus.Abandoned : SessionStatus.Closed,
                Precision = state.Exact is null ? UsagePrecision.Estimated : UsagePrecision.Exact,
                File = file,
                Workspace = Workspace.Root,
            };
        }

        internal static string? ExtraText(RlmFileModel model, string name) =>
            model.Extra is { } extra && extra.TryGetValue(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
    }

    /// <summary>The session settings of project-config.json's tokenTracking.</summary>
    internal sealed class SessionSettings
    {
        /// <summary>24 hours.</summary>
        public static readonly TimeSpan DefaultIdleTime = TimeSpan.FromHours(24);

        public static SessionSettings Default { get; } = new SessionSettings();

        /// <summary>An open session idle for longer is closed as abandoned; zero: never.</summary>
        public TimeSpan IdleTime { get; private set; } = DefaultIdleTime;

        public static SessionSettings From(TokenTrackingConfig? config)
        {
            if (config?.SessionIdleMinutes is not long minutes || minutes < 0) { return Default; }
            return new SessionSettings { IdleTime = minutes == 0 ? TimeSpan.Zero : TimeSpan.FromMinutes(Math.Min(minutes, (long)TimeSpan.MaxValue.TotalMinutes - 1)) };
        }
    }
}
