using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Sessions
{
    /// <summary>How a change names the session it belongs to.</summary>
    internal sealed class SessionRef
    {
        /// <summary>Claude Code's session_id (from a hook document).</summary>
        public string? ClaudeSessionId { get; set; }

        /// <summary>An id the user gave (-SessionId): a session's key, its RLM id or a Claude Code id.</summary>
        public string? SessionId { get; set; }

        public string? TranscriptPath { get; set; }

        /// <summary>SessionStart's source, for a session this change creates.</summary>
        public string? Source { get; set; }

        public bool IsEmpty => string.IsNullOrEmpty(ClaudeSessionId) && string.IsNullOrEmpty(SessionId);
    }

    /// <summary>
    /// The sessions of a workspace inside one locked change (issue 10). Every session has its own record
    /// under sessions/ keyed by Claude Code's session_id (or, without one, its RLM id); any number may
    /// be open. RLM's current-session.json and token-estimates.json are a view of the most recently
    /// active open session: <see cref="AdoptView"/> first takes back what RLM's own scripts wrote into
    /// them (they write without a lock), <see cref="Flush"/> writes the records changed and the view.
    /// A session never supersedes another; one idle past the configured time is closed as abandoned
    /// on the day it was last active. RLM ids are unique whatever the clock says (-2, -3... when a
    /// second is taken), so no two sessions share an archive or a daily entry.
    /// </summary>
    internal sealed class SessionBook
    {
        private static readonly string[] s_reserved = { "current-session", "token-estimates", "compact-events" };

        // The session files (records, archives, cost files) each transaction has staged, written or deleted.
        // Spooled records are folded in one after another inside the next holder's transaction, each with a
        // book of its own: a session a folded SessionStart opened, or closed, is not on disk yet, and a later
        // change of the same transaction must see it as it is staged (or it opens the session again, and
        // hands out an RLM id already taken).
        private static readonly ConditionalWeakTable<FolderTransaction, StagedFiles> s_staged = new ConditionalWeakTable<FolderTransaction, StagedFiles>();

        private readonly TokenTracker _tracker;
        private readonly FolderTransaction _tx;
        private readonly Dictionary<string, SessionStateFile> _open = new Dictionary<string, SessionStateFile>(StringComparer.Ordinal);
        private readonly HashSet<string> _dirty = new HashSet<string>(StringComparer.Ordinal);
        private readonly List<string> _warnings = new List<string>();
        private bool _loadedAll;
        private string? _viewOwner;
        private bool _viewChanged;
        private byte[]? _viewOnDisk;
        private byte[]? _estimatesOnDisk;

        public SessionBook(TokenTracker tracker, FolderTransaction tx)
        {
            _tracker = tracker;
            _tx = tx;
        }

        private Workspace Workspace => _tracker.Workspace;

        private StagedFiles Staged => s_staged.GetValue(_tx, _ => new StagedFiles());

        /// <summary>Whether the file exists as this transaction has it (staged writes and deletes first, then the disk).</summary>
        private bool Exists(string path) => Staged.Exists(path);

        private void Put<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info)
        {
            _tx.Write(path, value, info);
            Staged.Written(path);
        }

        private void Remove(string path)
        {
            _tx.Delete(path);
            Staged.Deleted(path);
        }

        /// <summary>What the user should be told (sessions closed as abandoned, view files recovered).</summary>
        public IReadOnlyList<string> Warnings => _warnings;

        /// <summary>Every open session, most recently active last.</summary>
        public IReadOnlyList<SessionStateFile> OpenSessions()
        {
            LoadAll();
            return _open.Values.OrderBy(s => RlmTime.Parse(s.LastActive) ?? DateTimeOffset.MinValue).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
        }

        private void LoadAll()
        {
            if (_loadedAll) { return; }
            _loadedAll = true;
            IEnumerable<string> files = Directory.Exists(Workspace.SessionsFolder)
                ? Directory.EnumerateFiles(Workspace.SessionsFolder, "*.json")
                : Enumerable.Empty<string>();
            foreach (string file in files.Concat(Staged.WrittenIn(Workspace.SessionsFolder)).Distinct(StringComparer.Ordinal).ToList())
            {
                if (!Exists(file)) { continue; }
                string key = Path.GetFileNameWithoutExtension(file);
                if (_open.ContainsKey(key) || !Workspace.IsSafeId(key)) { continue; }
                SessionStateFile? state = ReadState(file, key);
                if (state is not null) { _open[key] = state; }
            }
        }

        private SessionStateFile? ReadState(string file, string key)
        {
            SessionStateFile? state = _tx.Read(file, RlmJsonContext.Files.SessionStateFile);
            if (state is null) { return null; }
            state.Key = key;
            return state;
        }

        /// <summary>The open session with this key, RLM id or Claude Code id; null when none is open.</summary>
        public SessionStateFile? FindOpen(string id)
        {
            if (_open.TryGetValue(id, out SessionStateFile? known)) { return known; }
            if (Workspace.IsSafeId(id) && !_loadedAll)
            {
                string file = Workspace.SessionStateFile(id);
                if (Exists(file))
                {
                    SessionStateFile? state = ReadState(file, id);
                    if (state is not null)
                    {
                        _open[id] = state;
                        return state;
                    }
                }
            }
            LoadAll();
            return _open.Values.FirstOrDefault(s => s.RlmSessionId == id || s.ClaudeSessionId == id);
        }

        /// <summary>The closed record of the session with this key; null when there is none.</summary>
        public SessionStateFile? FindClosed(string key)
        {
            if (!Workspace.IsSafeId(key)) { return null; }
            string file = Workspace.ClosedSessionStateFile(key);
            if (!Exists(file)) { return null; }
            SessionStateFile? state = _tx.Read(file, RlmJsonContext.Files.SessionStateFile);
            if (state is not null) { state.Key = key; }
            return state;
        }

        /// <summary>
        /// Takes back into the records what the view holds: RLM's scripts rewrite current-session.json
        /// (post-subagent.ps1: subagent calls, tasks, metrics) and token-estimates.json (estimate-tokens.ps1)
        /// without a lock. A view that belongs to no record (written by RLM's session-start.ps1, or by
        /// RlmTokens before sessions had records) becomes a session of its own, so it is never lost. A view
        /// file that cannot be parsed is set aside and reported; the session goes on from its record.
        /// </summary>
        public void AdoptView()
        {
            SessionFile? view = _tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
            TokenEstimatesFile? estimates = _tx.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile);
            foreach (CorruptDataFileException aside in _tx.SetAside)
            {
                if (aside.Target is string path && (path == Workspace.CurrentSessionFile || path == Workspace.EstimatesFile))
                {
                    _warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.ViewSetAside, path, aside.SetAsidePath));
                    _viewChanged = true;
                }
            }
            if (view is null && estimates is null) { return; }
            _viewOnDisk = view is null ? null : Serialize(view, RlmJsonContext.Files.SessionFile, Workspace.CurrentSessionFile);
            _estimatesOnDisk = estimates is null ? null : Serialize(estimates, RlmJsonContext.Files.TokenEstimatesFile, Workspace.EstimatesFile);

            SessionStateFile? owner = null;
            string? claude = view is null ? null : SessionLifecycle.ExtraText(view, "claude_session_id");
            string? rlmId = !string.IsNullOrEmpty(view?.SessionId) ? view!.SessionId : (!string.IsNullOrEmpty(estimates?.SessionId) ? estimates!.SessionId : null);
            if (!string.IsNullOrEmpty(claude)) { owner = FindOpen(claude!); }
            if (owner is null && !string.IsNullOrEmpty(rlmId)) { owner = FindOpen(rlmId!); }
            if (owner is null && view is null && string.IsNullOrEmpty(estimates!.SessionId))
            {
                // RLM's estimate-tokens.ps1 with no session open: the estimate belongs to the current session, if any.
                owner = OpenSessions().LastOrDefault();
            }
            if (owner is null)
            {
                if (!string.IsNullOrEmpty(claude))
                {
                    // The view of a session that has already been closed (its record is in closed/): the view is stale.
                    if (FindClosed(claude!) is not null)
                    {
                        _viewChanged = true;
                        return;
                    }
                }
                if (!string.IsNullOrEmpty(rlmId) && Workspace.IsSafeId(rlmId) && Exists(Workspace.ArchivedSessionFile(rlmId!)))
                {
                    // An RLM id whose session was archived: stale view.
                    _viewChanged = true;
                    return;
                }
                DateTimeOffset started = RlmTime.Parse(view?.StartedAt) ?? RlmTime.Parse(estimates?.StartedAt) ?? _tracker.Clock.UtcNow;
                string id = !string.IsNullOrEmpty(rlmId) && Workspace.IsSafeId(rlmId) ? rlmId! : AllocateRlmId(started);
                owner = NewState(!string.IsNullOrEmpty(claude) && Workspace.IsSafeId(claude) ? claude! : id, claude, id, started, string.IsNullOrEmpty(claude) ? AdoptedSource : "implicit");
                owner.LastActive = RlmTime.Format(RlmTime.Parse(estimates?.LastUpdated) ?? started);
            }
            _viewOwner = owner.Key;
            if (view is not null && (string.IsNullOrEmpty(view.SessionId) || view.SessionId == owner.RlmSessionId))
            {
                StripProjection(view);
                if (!SameJson(view, owner.Session, RlmJsonContext.Files.SessionFile))
                {
                    owner.Session = view;
                    MarkDirty(owner);
                }
            }
            if (estimates is not null && (string.IsNullOrEmpty(estimates.SessionId) || estimates.SessionId == owner.RlmSessionId))
            {
                estimates.SessionId = owner.RlmSessionId;
                if (owner.Estimate is null || !SameJson(estimates, owner.Estimate, RlmJsonContext.Files.TokenEstimatesFile))
                {
                    owner.Estimate = estimates;
                    MarkDirty(owner);
                }
            }
        }

        /// <summary>
        /// The session a change belongs to: the one named (key, RLM id or Claude Code id), reopened when
        /// it was closed; without a name, the most recently active open session. Created when there is
        /// none and <paramref name="create"/> is set; null otherwise.
        /// </summary>
        public SessionStateFile? Resolve(SessionRef reference, DateTimeOffset at, bool create)
        {
            string? named = !string.IsNullOrEmpty(reference.SessionId) ? reference.SessionId : reference.ClaudeSessionId;
            SessionStateFile? state;
            if (named is null)
            {
                state = OpenSessions().LastOrDefault();
                if (state is null && create) { state = Create(null, null, at, reference.Source ?? "implicit"); }
            }
            else
            {
                Workspace.CheckSessionId(named);
                state = FindOpen(named);
                if (state is null && !string.IsNullOrEmpty(reference.ClaudeSessionId) && reference.ClaudeSessionId != named)
                {
                    state = FindOpen(reference.ClaudeSessionId!);
                }
                if (state is null)
                {
                    SessionStateFile? closed = FindClosed(named);
                    if (closed is not null && create) { state = Reopen(closed, at); }
                }
                if (state is null && create && !string.IsNullOrEmpty(reference.ClaudeSessionId)) { state = BindUnclaimed(reference.ClaudeSessionId!); }
                if (state is null && create)
                {
                    bool claude = !string.IsNullOrEmpty(reference.ClaudeSessionId) && named == reference.ClaudeSessionId || LooksLikeClaudeId(named);
                    state = claude ? Create(named, null, at, reference.Source ?? "implicit") : Create(null, CheckRlmId(named), at, reference.Source ?? "implicit");
                }
            }
            if (state is not null && !string.IsNullOrEmpty(reference.TranscriptPath) && state.TranscriptPath != reference.TranscriptPath)
            {
                state.TranscriptPath = reference.TranscriptPath;
                MarkDirty(state);
            }
            return state;
        }

        // A session that RLM's own session-start.ps1 opened (adopted from the view, no Claude Code id)
        // belongs to the Claude Code session whose hooks meet it first: the only such session is bound to
        // that id (re-keyed), so RLM's start and our hooks book one session, not two.
        private SessionStateFile? BindUnclaimed(string claudeSessionId)
        {
            List<SessionStateFile> unclaimed = OpenSessions().Where(s => string.IsNullOrEmpty(s.ClaudeSessionId) && s.StartSource == AdoptedSource).ToList();
            if (unclaimed.Count != 1) { return null; }
            SessionStateFile state = unclaimed[0];
            Remove(Workspace.SessionStateFile(state.Key!));
            _open.Remove(state.Key!);
            _dirty.Remove(state.Key!);
            if (_viewOwner == state.Key) { _viewOwner = claudeSessionId; }
            state.Key = claudeSessionId;
            state.ClaudeSessionId = claudeSessionId;
            _open[claudeSessionId] = state;
            MarkDirty(state);
            return state;
        }

        /// <summary>The start source of a session adopted from a view that RLM's own scripts wrote.</summary>
        public const string AdoptedSource = "rlm";

        /// <summary>Opens a new session. A Claude Code id is its key; an RLM id is allocated (unique) unless given.</summary>
        public SessionStateFile Create(string? claudeSessionId, string? rlmId, DateTimeOffset at, string source)
        {
            string id = rlmId ?? AllocateRlmId(at);
            string key = claudeSessionId ?? id;
            Workspace.CheckSessionId(key);
            SweepAbandoned(at);
            return NewState(key, claudeSessionId, id, at, source);
        }

        private SessionStateFile NewState(string key, string? claudeSessionId, string rlmId, DateTimeOffset at, string source)
        {
            string stamp = RlmTime.Format(at);
            var state = new SessionStateFile
            {
                Key = key,
                ClaudeSessionId = claudeSessionId,
                RlmSessionId = rlmId,
                Status = SessionStateFile.Open,
                StartedAt = stamp,
                LastActive = stamp,
                StartSource = source,
                Session = new SessionFile
                {
                    SessionId = rlmId,
                    StartedAt = stamp,
                    Workspace = Workspace.Root,
                    SubagentCalls = EmptyArray(),
                    FilesWritten = EmptyArray(),
                    TasksStarted = EmptyArray(),
                    TasksCompleted = EmptyArray(),
                    Metrics = new SessionMetrics(),
                },
            };
            _open[key] = state;
            MarkDirty(state);
            return state;
        }

        private SessionStateFile Reopen(SessionStateFile closed, DateTimeOffset at)
        {
            closed.Status = SessionStateFile.Open;
            closed.EndedAt = null;
            closed.EndReason = null;
            closed.Session.EndedAt = null;
            closed.Session.DurationMinutes = 0;
            closed.LastActive = RlmTime.Format(at);
            _open[closed.Key!] = closed;
            Remove(Workspace.ClosedSessionStateFile(closed.Key!));
            MarkDirty(closed);
            return closed;
        }

        /// <summary>Marks activity of a session at <paramref name="at"/> (it becomes the view when it is the latest).</summary>
        public void Touch(SessionStateFile state, DateTimeOffset at)
        {
            DateTimeOffset last = RlmTime.Parse(state.LastActive) ?? DateTimeOffset.MinValue;
            if (at > last) { state.LastActive = RlmTime.Format(at); }
            MarkDirty(state);
        }

        public void MarkDirty(SessionStateFile state) => _dirty.Add(state.Key!);

        /// <summary>The running estimate of a session, created on first use.</summary>
        public TokenEstimatesFile EstimateOf(SessionStateFile state, DateTimeOffset at)
        {
            if (state.Estimate is null)
            {
                string stamp = RlmTime.Format(at);
                state.Estimate = new TokenEstimatesFile { SessionId = state.RlmSessionId, StartedAt = state.StartedAt ?? stamp, LastUpdated = stamp };
            }
            return state.Estimate;
        }

        /// <summary>
        /// Closes a session: archives it as &lt;RLM id&gt;.json (RLM's form, with ended_at, duration_minutes
        /// and the estimate), books it once in the daily file at its best precision (the exact transcript
        /// figure when there is one, with its cost file, else the estimate, which never replaces a captured
        /// or exact entry), and moves its record to sessions/closed/.
        /// </summary>
        public ClosedSession Close(SessionStateFile state, DateTimeOffset at, string? reason, string status, ExactUsageFile? exact)
        {
            string rlmId = CheckRlmId(state.RlmSessionId ?? AllocateRlmId(RlmTime.Parse(state.StartedAt) ?? at));
            state.RlmSessionId = rlmId;
            DateTimeOffset ended = status == SessionStateFile.Abandoned ? RlmTime.Parse(state.LastActive) ?? at : at;
            string stamp = RlmTime.Format(ended);
            DateTimeOffset? started = RlmTime.Parse(state.StartedAt);
            exact ??= state.Exact;
            state.Exact = exact;

            SessionFile archive = state.Session;
            archive.SessionId = rlmId;
            archive.StartedAt ??= state.StartedAt;
            archive.Workspace ??= Workspace.Root;
            archive.EndedAt = stamp;
            archive.DurationMinutes = started is DateTimeOffset s ? Math.Max(0, Math.Round((ended - s).TotalMinutes, 2)) : 0;
            archive.Extra ??= new Dictionary<string, JsonElement>();
            if (!string.IsNullOrEmpty(state.ClaudeSessionId)) { archive.Extra["claude_session_id"] = DailyBook.Text(state.ClaudeSessionId!); }
            if (!string.IsNullOrEmpty(reason)) { archive.Extra["end_reason"] = DailyBook.Text(reason!); }
            archive.Extra["status"] = DailyBook.Text(status);
            if (state.Estimate is not null)
            {
                archive.Extra["token_estimate"] = JsonSerializer.SerializeToElement(state.Estimate, RlmJsonContext.Files.TokenEstimatesFile);
            }
            if (exact is not null)
            {
                archive.Extra["exact_usage"] = JsonSerializer.SerializeToElement(exact, RlmJsonContext.Files.ExactUsageFile);
            }
            string archivePath = Workspace.ArchivedSessionFile(rlmId);
            Put(archivePath, archive, RlmJsonContext.Files.SessionFile);

            DateTime day = TimeZoneInfo.ConvertTime(ended, _tracker.Clock.LocalZone).Date;
            long estimateTokens = state.Estimate is null ? 0 : checked(state.Estimate.Tokens.InputEstimated + state.Estimate.Tokens.OutputEstimated);
            DailySessionEntry entry;
            if (exact is not null)
            {
                new SessionCostImporter(_tracker).WriteCost(_tx, rlmId, state.ClaudeSessionId, ExactUsage.ToCapture(exact), ended);
                Staged.Written(Workspace.CostFile(rlmId));
                entry = DailyBook.ExactEntry(rlmId, exact, stamp);
            }
            else
            {
                entry = new DailySessionEntry
                {
                    SessionId = rlmId,
                    CostUsd = state.Estimate is null ? 0 : Math.Round(state.Estimate.EstimatedCostUsd, 6),
                    EstimatedTokens = estimateTokens,
                    CapturedAt = stamp,
                    Extra = new Dictionary<string, JsonElement> { ["source"] = DailyBook.Text(DailyBook.EstimateSource) },
                };
            }
            if (!string.IsNullOrEmpty(state.ClaudeSessionId)) { (entry.Extra ??= new Dictionary<string, JsonElement>())["claude_session_id"] = DailyBook.Text(state.ClaudeSessionId!); }
            DailyBook.Put(_tx, Workspace, day, entry);
            if (DateTime.TryParseExact(state.BookedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime before) && before != day)
            {
                DailyBook.Remove(_tx, Workspace, before, rlmId);
            }
            state.BookedOn = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            state.Status = status;
            state.EndedAt = stamp;
            state.EndReason = reason;
            Put(Workspace.ClosedSessionStateFile(state.Key!), state, RlmJsonContext.Files.SessionStateFile);
            Remove(Workspace.SessionStateFile(state.Key!));
            _open.Remove(state.Key!);
            _dirty.Remove(state.Key!);
            if (_viewOwner == state.Key) { _viewChanged = true; }
            return new ClosedSession(state, archivePath, day, exact is not null);
        }

        /// <summary>Closes, as abandoned on the day they were last active, the open sessions idle for longer than the configured time.</summary>
        public void SweepAbandoned(DateTimeOffset now)
        {
            TimeSpan idle = _tracker.LoadSessionSettings().IdleTime;
            if (idle <= TimeSpan.Zero) { return; }
            foreach (SessionStateFile state in OpenSessions())
            {
                if (_dirty.Contains(state.Key!)) { continue; }
                DateTimeOffset last = RlmTime.Parse(state.LastActive) ?? RlmTime.Parse(state.StartedAt) ?? now;
                if (now - last <= idle) { continue; }
                Close(state, now, "abandoned", SessionStateFile.Abandoned, null);
                _warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.SessionAbandoned,
                    state.RlmSessionId, state.ClaudeSessionId ?? state.Key, RlmTime.Format(last), state.BookedOn, Math.Round(idle.TotalHours, 1)));
            }
        }

        /// <summary>
        /// A new RLM id for a session starting at <paramref name="at"/>: SESSION-yyyy-MM-dd-HHmmss in the
        /// local zone, with -2, -3, ... appended while that name is taken by an archive, a cost file or
        /// another session's record.
        /// </summary>
        public string AllocateRlmId(DateTimeOffset at)
        {
            string stem = SessionCostImporter.NewSessionId(at, _tracker.Clock.LocalZone);
            for (int n = 1; ; n++)
            {
                string id = n == 1 ? stem : stem + "-" + n.ToString(CultureInfo.InvariantCulture);
                if (!Taken(id)) { return id; }
            }
        }

        private bool Taken(string id)
        {
            if (Exists(Workspace.ArchivedSessionFile(id)) || Exists(Workspace.CostFile(id))) { return true; }
            if (Exists(Workspace.SessionStateFile(id)) || Exists(Workspace.ClosedSessionStateFile(id))) { return true; }
            LoadAll();
            return _open.Values.Any(s => s.RlmSessionId == id || s.Key == id);
        }

        /// <summary>Writes every session record changed and the view of the most recently active open session.</summary>
        public void Flush()
        {
            foreach (string key in _dirty)
            {
                if (_open.TryGetValue(key, out SessionStateFile? state))
                {
                    Put(Workspace.SessionStateFile(key), state, RlmJsonContext.Files.SessionStateFile);
                }
            }
            SessionStateFile? latest = OpenSessions().LastOrDefault();
            if (latest is null)
            {
                if (_viewOwner is not null || _viewChanged || Exists(Workspace.CurrentSessionFile) || Exists(Workspace.EstimatesFile))
                {
                    Remove(Workspace.CurrentSessionFile);
                    Remove(Workspace.EstimatesFile);
                }
                return;
            }
            if (latest.Key == _viewOwner && !_viewChanged && !_dirty.Contains(latest.Key!)) { return; }
            bool sameOwner = latest.Key == _viewOwner;
            WriteIfChanged(Workspace.CurrentSessionFile, Project(latest), RlmJsonContext.Files.SessionFile, sameOwner ? _viewOnDisk : null);
            if (latest.Estimate is not null) { WriteIfChanged(Workspace.EstimatesFile, latest.Estimate, RlmJsonContext.Files.TokenEstimatesFile, sameOwner ? _estimatesOnDisk : null); }
            else if (_estimatesOnDisk is not null || Exists(Workspace.EstimatesFile)) { Remove(Workspace.EstimatesFile); }
        }

        // A view file is rewritten only when what it would hold differs from what it holds (as read, in
        // our serialized form): an estimate touches token-estimates.json, not current-session.json, and a
        // file RLM's scripts keep is not rewritten for nothing.
        private void WriteIfChanged<T>(string path, T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, byte[]? onDisk)
        {
            if (onDisk is not null && Serialize(value, info, path).AsSpan().SequenceEqual(onDisk)) { return; }
            Put(path, value, info);
        }

        // current-session.json as RLM's scripts expect it, plus the keys that tie it to its record.
        private SessionFile Project(SessionStateFile state)
        {
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(state.Session, RlmJsonContext.Files.SessionFile);
            SessionFile view = JsonSerializer.Deserialize(bytes, RlmJsonContext.Files.SessionFile)!;
            view.SessionId = state.RlmSessionId;
            view.StartedAt ??= state.StartedAt;
            view.Workspace ??= Workspace.Root;
            if (!string.IsNullOrEmpty(state.ClaudeSessionId))
            {
                view.Extra ??= new Dictionary<string, JsonElement>();
                view.Extra["claude_session_id"] = DailyBook.Text(state.ClaudeSessionId!);
                if (!string.IsNullOrEmpty(state.StartSource)) { view.Extra["start_source"] = DailyBook.Text(state.StartSource!); }
            }
            return view;
        }

        private static void StripProjection(SessionFile view)
        {
            if (view.Extra is null) { return; }
            view.Extra.Remove("claude_session_id");
            view.Extra.Remove("start_source");
            if (view.Extra.Count == 0) { view.Extra = null; }
        }

        private bool SameJson<T>(T a, T b, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) =>
            Serialize(a, info, Workspace.CurrentSessionFile).AsSpan().SequenceEqual(Serialize(b, info, Workspace.CurrentSessionFile));

        // A kept unknown property can hold what cannot be written back (an escaped lone surrogate,
        // "\ud800"): that is WriteFailed for the file, which stays as it was.
        private static byte[] Serialize<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info, string path)
        {
            try { return JsonSerializer.SerializeToUtf8Bytes(value, info); }
            catch (JsonException e) { throw new DataFileWriteException(path, e); }
            catch (InvalidOperationException e) { throw new DataFileWriteException(path, e); }
        }

        /// <summary>An RLM id used for file names: safe, and not one of RLM's own file names.</summary>
        public static string CheckRlmId(string id)
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
        public static bool LooksLikeClaudeId(string id) => Guid.TryParse(id, out _);

        private static JsonElement EmptyArray()
        {
            using JsonDocument doc = JsonDocument.Parse("[]");
            return doc.RootElement.Clone();
        }
    }

    /// <summary>The files one transaction has staged: the last staged operation on a path wins over the disk.</summary>
    internal sealed class StagedFiles
    {
        private readonly Dictionary<string, bool> _last = new Dictionary<string, bool>(StringComparer.Ordinal);

        public void Written(string path) => _last[Path.GetFullPath(path)] = true;

        public void Deleted(string path) => _last[Path.GetFullPath(path)] = false;

        public bool Exists(string path) =>
            _last.TryGetValue(Path.GetFullPath(path), out bool written) ? written : File.Exists(path);

        /// <summary>The files staged as written directly in <paramref name="folder"/>.</summary>
        public IEnumerable<string> WrittenIn(string folder)
        {
            string full = Path.GetFullPath(folder);
            return _last.Where(kv => kv.Value && string.Equals(Path.GetDirectoryName(kv.Key), full, StringComparison.Ordinal)).Select(kv => kv.Key).ToList();
        }
    }

    /// <summary>What closing a session did.</summary>
    internal sealed class ClosedSession
    {
        public ClosedSession(SessionStateFile state, string archive, DateTime bookedOn, bool exact)
        {
            State = state;
            Archive = archive;
            BookedOn = bookedOn;
            Exact = exact;
        }

        public SessionStateFile State { get; }

        public string Archive { get; }

        public DateTime BookedOn { get; }

        public bool Exact { get; }
    }
}
