using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Json;
using RlmTokens.Sessions;
using RlmTokens.Storage;

namespace RlmTokens
{
    /// <summary>A result with the problems met on the way (files set aside, a config that could not be read).</summary>
    public sealed class Outcome<T>
    {
        internal Outcome(T value, IReadOnlyList<RlmTokensException> problems, IReadOnlyList<string>? warnings = null)
        {
            Value = value;
            Problems = problems;
            Warnings = warnings ?? Array.Empty<string>();
        }

        public T Value { get; }

        /// <summary>Non-fatal problems to report, each with its error id and target.</summary>
        public IReadOnlyList<RlmTokensException> Problems { get; }

        /// <summary>Things the user should know that are not errors (a session closed as abandoned, a record spooled).</summary>
        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>How a tracker behaves where the caller's situation matters.</summary>
    public sealed class TrackerOptions
    {
        /// <summary>
        /// Hook mode: the lock wait is bounded (<see cref="LockSettings.HookTimeoutVariable"/>, 2 s by
        /// default) and a record that cannot get the lock in time is spooled, to be folded in once by the
        /// next lock holder, instead of failing. Claude Code waits for hooks; they must never stall it.
        /// </summary>
        public bool HookMode { get; set; }

        /// <summary>Told how long a wait for the lock has lasted (progress for interactive cmdlets).</summary>
        public Action<TimeSpan>? LockWaiting { get; set; }
    }

    /// <summary>
    /// The RLM token files of one workspace: the sessions (any number open at once), their estimates,
    /// the daily history. Every cmdlet is a thin call into this class or the engines beside it.
    /// </summary>
    public sealed class TokenTracker
    {
        /// <summary>How long an interactive writer waits for the folder lock before reporting LockTimeout.</summary>
        public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

        /// <summary>How long a hook waits for the folder lock before spooling its record.</summary>
        public static readonly TimeSpan DefaultHookLockTimeout = TimeSpan.FromSeconds(2);

        private static readonly object s_configCacheGate = new object();
        private static (string Path, DateTime Stamp, long Length, EstimationSettings Settings, SessionSettings Sessions)? s_configCache;

        private readonly JsonFileStore _store;

        public TokenTracker(Workspace workspace, IClock? clock = null, TimeSpan? lockTimeout = null, TrackerOptions? options = null)
        {
            Workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
            Clock = clock ?? SystemClock.Instance;
            Options = options ?? new TrackerOptions();
            TimeSpan timeout = lockTimeout ?? (Options.HookMode ? DefaultHookLockTimeout : DefaultLockTimeout);
            _store = new JsonFileStore(Clock, timeout, Workspace.Root)
            {
                LockWaiting = Options.LockWaiting,
                Replayer = (tx, entry) => DeferredChanges.Replay(this, tx, entry),
            };
        }

        public Workspace Workspace { get; }

        public IClock Clock { get; }

        public TrackerOptions Options { get; }

        internal JsonFileStore Store => _store;

        /// <summary>
        /// The estimation constants from project-config.json (tokenTracking.estimation), RLM's defaults
        /// for what is not there. Cached per file stamp, so repeated calls in one process read it once.
        /// </summary>
        public Outcome<EstimationSettings> LoadSettings()
        {
            var problems = new List<RlmTokensException>();
            return new Outcome<EstimationSettings>(LoadConfig(problems).Settings, problems);
        }

        /// <summary>The session settings from project-config.json (tokenTracking.sessionIdleMinutes); defaults when unreadable.</summary>
        internal SessionSettings LoadSessionSettings() => LoadConfig(new List<RlmTokensException>()).Sessions;

        private (EstimationSettings Settings, SessionSettings Sessions) LoadConfig(List<RlmTokensException> problems)
        {
            string path = Workspace.ConfigFile;
            FileInfo info = new FileInfo(path);
            if (!info.Exists) { return (EstimationSettings.Default, SessionSettings.Default); }
            lock (s_configCacheGate)
            {
                if (s_configCache is { } c && c.Path == path && c.Stamp == info.LastWriteTimeUtc && c.Length == info.Length)
                {
                    return (c.Settings, c.Sessions);
                }
            }
            EstimationSettings settings;
            SessionSettings sessions;
            try
            {
                ProjectConfigFile? config = _store.Read(path, RlmJsonContext.Files.ProjectConfigFile);
                settings = EstimationSettings.From(config?.TokenTracking?.Estimation);
                sessions = SessionSettings.From(config?.TokenTracking);
            }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                return (EstimationSettings.Default, SessionSettings.Default);
            }
            lock (s_configCacheGate)
            {
                s_configCache = (path, info.LastWriteTimeUtc, info.Length, settings, sessions);
            }
            return (settings, sessions);
        }

        /// <summary>
        /// Runs one change of the token-usage folder under its lock, all or nothing: <paramref name="apply"/>
        /// stages the writes, then they are committed as one unit. Files set aside on the way join the
        /// outcome's problems. A sum that would overflow is NumberOutOfRange, with nothing written.
        /// </summary>
        internal Outcome<T> Change<T>(Func<FolderTransaction, Outcome<T>> apply, CancellationToken cancellation) =>
            Change(Workspace.TokenUsageFolder, apply, cancellation);

        /// <summary><see cref="Change{T}(Func{FolderTransaction, Outcome{T}}, CancellationToken)"/> for another data folder of the workspace.</summary>
        internal Outcome<T> Change<T>(string folder, Func<FolderTransaction, Outcome<T>> apply, CancellationToken cancellation)
        {
            EnsureWritable();
            Outcome<T> result;
            IReadOnlyList<CorruptDataFileException> setAside;
            int recovered;
            try
            {
                using FolderTransaction tx = _store.BeginUpdate(folder, cancellation);
                result = apply(tx);
                tx.Commit();
                setAside = tx.SetAside;
                recovered = tx.RecoveredSteps;
            }
            catch (OverflowException)
            {
                throw Numbers.OutOfRange(folder, "token counts");
            }
            var problems = new List<RlmTokensException>(result.Problems);
            foreach (CorruptDataFileException e in setAside)
            {
                if (!problems.Contains(e)) { problems.Add(e); }
            }
            var warnings = new List<string>(result.Warnings);
            if (recovered > 0) { warnings.Insert(0, string.Format(CultureInfo.CurrentCulture, Resources.Messages.JournalRolledForward, folder, recovered)); }
            return new Outcome<T>(result.Value, problems, warnings);
        }

        /// <summary>
        /// <see cref="Change{T}(Func{FolderTransaction, Outcome{T}}, CancellationToken)"/>, and in hook mode,
        /// when the lock stays busy past the hook's bound: the request is spooled durably as
        /// <paramref name="kind"/> (folded in once by the next lock holder) and <paramref name="spooled"/>
        /// is returned with a warning.
        /// </summary>
        internal Outcome<T> ChangeOrSpool<T>(string kind, Func<JsonElement> payload, Func<FolderTransaction, Outcome<T>> apply, Func<T> spooled, CancellationToken cancellation)
        {
            if (!Options.HookMode) { return Change(apply, cancellation); }
            try
            {
                return Change(apply, cancellation);
            }
            catch (LockTimeoutException e)
            {
                string file = Spool.Write(Workspace.TokenUsageFolder, kind, payload(), Clock.UtcNow);
                string warning = string.Format(CultureInfo.CurrentCulture, Resources.Messages.LockBusySpooled,
                    e.Target, (long)_store.LockTimeout.TotalMilliseconds, file);
                return new Outcome<T>(spooled(), new List<RlmTokensException>(), new[] { warning });
            }
        }

        /// <summary>A writer records only in a workspace: a folder that holds RLM/, or one -Path named.</summary>
        internal void EnsureWritable()
        {
            if (!Workspace.HasRlmFolder && !Workspace.IsExplicit) { throw new NotAWorkspaceException(Workspace.Root); }
        }

        /// <summary>
        /// Completes a change a crashed writer left half-done and folds in spooled records, when there is
        /// any and the lock is free: readers call it first so that a report never shows half a change.
        /// </summary>
        public IReadOnlyList<RlmTokensException> Recover(CancellationToken cancellation = default) =>
            RecoverFolder(Workspace.TokenUsageFolder, cancellation);

        /// <summary>
        /// <see cref="Recover"/> for another locked folder of the workspace: the token log's folder
        /// (RLM/progress), whose appends are journaled there. A reader of the log calls it first, so an
        /// append committed by a killed writer is seen once it is committed, not only after the next write.
        /// </summary>
        public IReadOnlyList<RlmTokensException> RecoverFolder(string folder, CancellationToken cancellation = default)
        {
            if (!Directory.Exists(folder)) { return Array.Empty<RlmTokensException>(); }
            try
            {
                return _store.Recover(folder, cancellation);
            }
            catch (RlmTokensException e)
            {
                return new[] { e };
            }
        }

        /// <summary>
        /// Adds one operation's estimate to its session's running estimate (the hook's session_id, else
        /// -SessionId, else the most recently active open session; a session is opened when there is
        /// none), keeping the most recent operations (100 by default) and every property the files had.
        /// token-estimates.json shows the most recently active session, as RLM's scripts expect.
        /// </summary>
        public Outcome<TokenEstimateRecord> AddEstimate(EstimateRequest request, CancellationToken cancellation = default)
        {
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            if (request.Size is long size && size < 0)
            {
                throw new InvalidArgumentException("NegativeFileSize", size,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.NegativeValue, size, "FileSize"));
            }
            foreach (long? exact in new[] { request.ExactInputTokens, request.ExactOutputTokens, request.ExactTotalTokens })
            {
                if (exact is long n && n < 0) { throw Numbers.OutOfRange(request.ToolName ?? "tool_response", "usage"); }
            }
            Outcome<EstimationSettings> loaded = LoadSettings();
            EstimationSettings settings = loaded.Value;
            (long input, long output, long added, long measured) = Estimator.Estimate(request, settings);
            request.Timestamp ??= Clock.UtcNow;
            if (measured > 0) { request.Size = measured; } // a spooled record keeps the size the file had now
            Outcome<TokenEstimateRecord> done = ChangeOrSpool(DeferredChanges.Estimate,
                () => JsonSerializer.SerializeToElement(request, RlmJsonContext.Files.EstimateRequest),
                tx => ApplyEstimate(tx, request, input, output, added, measured, settings),
                () => ToRecord(new OperationEntry
                {
                    Timestamp = RlmTime.Format(request.Timestamp.Value),
                    Type = TypeName(request.Operation),
                    File = request.FilePath,
                    TokensAdded = added,
                    SubagentType = request.SubagentType,
                    ToolName = request.ToolName,
                    InputTokens = input,
                    OutputTokens = output,
                    Precision = request.IsExact ? "exact" : null,
                }, request.SessionId, measured),
                cancellation);
            if (loaded.Problems.Count == 0) { return done; }
            var problems = new List<RlmTokensException>(loaded.Problems);
            problems.AddRange(done.Problems);
            return new Outcome<TokenEstimateRecord>(done.Value, problems, done.Warnings);
        }

        /// <summary>Applies an estimate inside a change (also when a spooled one is folded in).</summary>
        internal Outcome<TokenEstimateRecord> ApplyEstimate(FolderTransaction tx, EstimateRequest request, long input, long output, long added, long measured, EstimationSettings settings)
        {
            DateTimeOffset now = request.Timestamp ?? Clock.UtcNow;
            string stamp = RlmTime.Format(now);
            var book = new SessionBook(this, tx);
            book.AdoptView();
            SessionStateFile session = book.Resolve(new SessionRef { ClaudeSessionId = request.ClaudeSessionId, SessionId = request.SessionId }, now, create: true)!;
            TokenEstimatesFile estimates = book.EstimateOf(session, now);
            if (string.IsNullOrEmpty(estimates.StartedAt)) { estimates.StartedAt = stamp; }
            DateTimeOffset? last = RlmTime.Parse(estimates.LastUpdated);
            if (last is null || now > last) { estimates.LastUpdated = stamp; }

            try
            {
                checked
                {
                    EstimateOperationCounts ops = estimates.Operations;
                    switch (request.Operation)
                    {
                        case OperationKind.Read: ops.FilesRead++; break;
                        case OperationKind.Write: ops.FilesWritten++; break;
                        case OperationKind.Edit: ops.FilesEdited++; break;
                        case OperationKind.Subagent: ops.SubagentsSpawned++; break;
                        case OperationKind.Tool: ops.ToolCalls++; break;
                    }
                    estimates.Tokens.InputEstimated += input;
                    estimates.Tokens.OutputEstimated += output;
                    estimates.Tokens.TotalEstimated = estimates.Tokens.InputEstimated + estimates.Tokens.OutputEstimated;
                }
            }
            catch (OverflowException)
            {
                // Counts near long.MaxValue in the file (hand-edited, or damaged) would wrap silently.
                throw new InvalidArgumentException("NumberOutOfRange", Workspace.EstimatesFile,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.NumberOutOfRange, estimates.Tokens.InputEstimated, "token-estimates.json"));
            }
            estimates.EstimatedCostUsd = Math.Round(settings.CostUsd(estimates.Tokens.InputEstimated, estimates.Tokens.OutputEstimated), 4);

            var entry = new OperationEntry
            {
                Id = OperationId(session.Key!, stamp, estimates.Operations),
                Timestamp = stamp,
                Type = TypeName(request.Operation),
                File = request.FilePath ?? string.Empty,
                TokensAdded = added,
                SubagentType = request.SubagentType ?? string.Empty,
                ToolName = request.ToolName ?? string.Empty,
                InputTokens = input,
                OutputTokens = output,
                SessionId = string.IsNullOrEmpty(request.SessionId) ? request.ClaudeSessionId : request.SessionId,
                Precision = request.IsExact ? "exact" : null,
            };
            estimates.ByOperation.Add(entry);
            int excess = estimates.ByOperation.Count - settings.MaxOperations;
            if (excess > 0) { estimates.ByOperation.RemoveRange(0, excess); }
            book.Touch(session, now);
            book.Flush();
            return new Outcome<TokenEstimateRecord>(ToRecord(entry, session.RlmSessionId, measured), new List<RlmTokensException>(), book.Warnings);
        }

        // A stable id for the team ledger's de-duplication: the session, the time and the position of
        // the operation in the session's count, hashed (the same operation always gets the same id).
        private static string OperationId(string key, string stamp, EstimateOperationCounts ops)
        {
            string seed = key + "|" + stamp + "|" + (ops.FilesRead + ops.FilesWritten + ops.FilesEdited + ops.SubagentsSpawned + ops.ToolCalls).ToString(CultureInfo.InvariantCulture);
            byte[] hash = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(seed));
            return Convert.ToHexString(hash, 0, 16).ToLowerInvariant();
        }

        /// <summary>The most recently active open session's running figures, or null when nothing has been recorded.</summary>
        public TokenSessionSummary? GetSessionSummary() => GetOpenSessions().LastOrDefault();

        /// <summary>
        /// Every open session, most recently active last: its exact transcript figure when known (Precision
        /// Exact, the estimate beside it), else its running estimate. A workspace whose sessions have no
        /// records yet (RLM's own scripts) shows the session of current-session.json.
        /// </summary>
        public IReadOnlyList<TokenSessionSummary> GetOpenSessions()
        {
            Recover();
            TokenEstimatesFile? estimates = _store.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile);
            SessionFile? view = _store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
            List<SessionStateFile> open = SessionRecords.Open(this);
            var rows = new List<TokenSessionSummary>();
            bool viewShown = false;
            foreach (SessionStateFile state in open)
            {
                bool isView = view is not null && view.SessionId == state.RlmSessionId;
                // The view may hold what RLM's scripts wrote since the record was last written.
                SessionFile session = isView ? view! : state.Session;
                TokenEstimatesFile? estimate = isView && estimates is not null && (string.IsNullOrEmpty(estimates.SessionId) || estimates.SessionId == state.RlmSessionId) ? estimates : state.Estimate;
                rows.Add(Summary(state.RlmSessionId, state.ClaudeSessionId, RlmTime.Parse(state.StartedAt), RlmTime.Parse(state.LastActive), session, estimate, state.Exact));
                viewShown |= isView;
            }
            if (!viewShown && (view is not null || estimates is not null) && open.Count == 0)
            {
                TokenEstimatesFile e = estimates ?? new TokenEstimatesFile();
                rows.Add(Summary(!string.IsNullOrEmpty(view?.SessionId) ? view!.SessionId : e.SessionId,
                    view is null ? null : SessionLifecycle.ExtraText(view, "claude_session_id"),
                    RlmTime.Parse(view?.StartedAt) ?? RlmTime.Parse(e.StartedAt), RlmTime.Parse(e.LastUpdated), view, e, null));
            }
            return rows;
        }

        private TokenSessionSummary Summary(string? sessionId, string? claudeSessionId, DateTimeOffset? started, DateTimeOffset? lastActive, SessionFile? session, TokenEstimatesFile? estimate, ExactUsageFile? exact)
        {
            TokenEstimatesFile e = estimate ?? new TokenEstimatesFile();
            long estimated = e.Tokens.InputEstimated + e.Tokens.OutputEstimated;
            return new TokenSessionSummary
            {
                SessionId = string.IsNullOrEmpty(sessionId) ? null : sessionId,
                ClaudeSessionId = claudeSessionId,
                StartedAt = started,
                LastUpdated = RlmTime.Parse(e.LastUpdated) ?? lastActive,
                InputTokens = exact?.Input ?? e.Tokens.InputEstimated,
                OutputTokens = exact?.Output ?? e.Tokens.OutputEstimated,
                CacheReadTokens = exact?.CacheRead ?? 0,
                CacheCreationTokens = exact?.CacheWrite ?? 0,
                TotalTokens = exact?.Total ?? estimated,
                CostUsd = exact?.CostUsd ?? e.EstimatedCostUsd,
                EstimatedTokens = estimated,
                EstimatedCostUsd = e.EstimatedCostUsd,
                FilesRead = e.Operations.FilesRead,
                FilesWritten = e.Operations.FilesWritten,
                FilesEdited = e.Operations.FilesEdited,
                SubagentsSpawned = e.Operations.SubagentsSpawned,
                ToolCalls = e.Operations.ToolCalls,
                Compactions = session?.ContextCompacts.Count ?? 0,
                Precision = exact is null ? UsagePrecision.Estimated : UsagePrecision.Exact,
                TranscriptPath = exact?.TranscriptPath,
                Workspace = Workspace.Root,
            };
        }

        /// <summary>Like <see cref="GetSessionSummary"/>, but null instead of an error for an unreadable file (completers).</summary>
        public TokenSessionSummary? GetSessionSummaryOrNull()
        {
            try { return GetSessionSummary(); }
            catch (RlmTokensException) { return null; }
        }

        /// <summary>The recent operations of the most recently active session (by_operation of token-estimates.json), oldest first.</summary>
        public IEnumerable<TokenEstimateRecord> GetOperations()
        {
            TokenEstimatesFile? estimates = _store.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile);
            if (estimates is null) { yield break; }
            foreach (OperationEntry entry in estimates.ByOperation)
            {
                yield return ToRecord(entry, entry.SessionId ?? estimates.SessionId, 0);
            }
        }

        /// <summary>
        /// One row per daily-yyyy-MM-dd.json whose date lies in [<paramref name="from"/>, <paramref name="to"/>],
        /// oldest first. A file that cannot be parsed is reported in Problems and skipped.
        /// </summary>
        public Outcome<IReadOnlyList<TokenUsageDay>> GetHistory(DateTime from, DateTime to)
        {
            var rows = new List<TokenUsageDay>();
            var problems = new List<RlmTokensException>();
            foreach ((string path, DateTime date) in DailyFiles())
            {
                if (date < from.Date || date > to.Date) { continue; }
                DailyFile? daily;
                try
                {
                    daily = _store.Read(path, RlmJsonContext.Files.DailyFile);
                }
                catch (RlmTokensException e)
                {
                    problems.Add(e);
                    continue;
                }
                if (daily is null) { continue; }
                rows.Add(ToDay(date, daily));
            }
            rows.Sort((a, b) => a.Date.CompareTo(b.Date));
            return new Outcome<IReadOnlyList<TokenUsageDay>>(rows, problems);
        }

        /// <summary>The days that have a daily-yyyy-MM-dd.json, oldest first, from the file names alone (nothing is parsed).</summary>
        public IReadOnlyList<DateTime> GetDailyDates()
        {
            var dates = new List<DateTime>();
            foreach ((string _, DateTime date) in DailyFiles()) { dates.Add(date); }
            dates.Sort();
            return dates;
        }

        private IEnumerable<(string Path, DateTime Date)> DailyFiles()
        {
            string folder = Workspace.TokenUsageFolder;
            if (!Directory.Exists(folder)) { yield break; }
            foreach (string path in Directory.EnumerateFiles(folder, "daily-*.json"))
            {
                string name = Path.GetFileNameWithoutExtension(path);
                if (DateTime.TryParseExact(name.Substring("daily-".Length), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
                {
                    yield return (path, date);
                }
            }
        }

        /// <summary>Today's date in the clock's zone: the day whose daily file is current.</summary>
        public DateTime Today => TimeZoneInfo.ConvertTime(Clock.UtcNow, Clock.LocalZone).Date;

        private TokenUsageDay ToDay(DateTime date, DailyFile daily)
        {
            int exact = daily.Sessions.Count(s => s.Exact);
            long tokens = daily.Totals.EstimatedTokens;
            decimal cost = daily.Totals.TotalCostUsd;
            long sessions = daily.Totals.SessionsCount;
            // Totals are what RLM reads; when they are missing but entries exist, sum the entries.
            if (tokens == 0 && cost == 0 && daily.Sessions.Count > 0)
            {
                tokens = daily.Sessions.Sum(s => s.EstimatedTokens);
                cost = Pricing.Usd.Sum(daily.Sessions.Select(s => s.CostUsd), 6, Workspace.DailyFile(date));
            }
            if (sessions == 0) { sessions = daily.Sessions.Count; }
            return new TokenUsageDay
            {
                Date = UsageDate.FromDateTime(date),
                Sessions = sessions,
                TotalTokens = tokens,
                CostUsd = Math.Round(cost, 6),
                Precision = exact == 0 ? UsagePrecision.Estimated : exact == daily.Sessions.Count ? UsagePrecision.Exact : UsagePrecision.Mixed,
                Workspace = Workspace.Root,
            };
        }

        private TokenEstimateRecord ToRecord(OperationEntry entry, string? sessionId, long size)
        {
            (long input, long output) = SplitOf(entry);
            return new TokenEstimateRecord
            {
            Timestamp = RlmTime.Parse(entry.Timestamp),
            SessionId = string.IsNullOrEmpty(sessionId) ? null : sessionId,
            Operation = KindOf(entry.Type),
            File = string.IsNullOrEmpty(entry.File) ? null : entry.File,
            Size = size,
            SubagentType = string.IsNullOrEmpty(entry.SubagentType) ? null : entry.SubagentType,
            ToolName = string.IsNullOrEmpty(entry.ToolName) ? null : entry.ToolName,
            InputTokens = input,
            OutputTokens = output,
            TotalTokens = entry.TokensAdded,
            Precision = entry.Precision == "exact" ? UsagePrecision.Exact : UsagePrecision.Estimated,
            Workspace = Workspace.Root,
            };
        }

        // RLM's own entries carry only tokens_added; the split follows from its rules: reads and tool
        // calls are input, writes output, edits 0.5 : 0.3, subagents 60 : 40.
        private static (long Input, long Output) SplitOf(OperationEntry entry)
        {
            if (entry.InputTokens != 0 || entry.OutputTokens != 0 || entry.TokensAdded == 0)
            {
                return (entry.InputTokens, entry.OutputTokens);
            }
            long t = entry.TokensAdded;
            switch (KindOf(entry.Type))
            {
                case OperationKind.Read:
                case OperationKind.Tool: return (t, 0);
                case OperationKind.Write: return (0, t);
                case OperationKind.Edit:
                    long i = (long)Math.Round(t * 5 / 8.0, MidpointRounding.ToEven);
                    return (i, t - i);
                case OperationKind.Subagent:
                    long si = (long)Math.Round(t * 0.6, MidpointRounding.ToEven);
                    return (si, t - si);
                default: return (0, 0);
            }
        }

        /// <summary>The by_operation "type" RLM writes for an operation.</summary>
        public static string TypeName(OperationKind kind)
        {
            switch (kind)
            {
                case OperationKind.Read: return "file_read";
                case OperationKind.Write: return "file_write";
                case OperationKind.Edit: return "file_edit";
                case OperationKind.Subagent: return "subagent_spawn";
                case OperationKind.Tool: return "tool_call";
                default: return "unknown";
            }
        }

        public static OperationKind KindOf(string? typeName)
        {
            switch (typeName)
            {
                case "file_read": return OperationKind.Read;
                case "file_write": return OperationKind.Write;
                case "file_edit": return OperationKind.Edit;
                case "subagent_spawn": return OperationKind.Subagent;
                case "tool_call": return OperationKind.Tool;
                default: return OperationKind.Unknown;
            }
        }
    }
}
