using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens
{
    /// <summary>A result with the problems met on the way (files set aside, a config that could not be read).</summary>
    public sealed class Outcome<T>
    {
        internal Outcome(T value, IReadOnlyList<RlmTokensException> problems)
        {
            Value = value;
            Problems = problems;
        }

        public T Value { get; }

        /// <summary>Non-fatal problems to report, each with its error id and target.</summary>
        public IReadOnlyList<RlmTokensException> Problems { get; }
    }

    /// <summary>
    /// The RLM token files of one workspace: estimates of the open session, the daily history. Every
    /// cmdlet of the foundation is a thin call into this class.
    /// </summary>
    public sealed class TokenTracker
    {
        /// <summary>How long a writer waits for the folder lock before reporting LockTimeout.</summary>
        public static readonly TimeSpan DefaultLockTimeout = TimeSpan.FromSeconds(30);

        private static readonly object s_configCacheGate = new object();
        private static (string Path, DateTime Stamp, long Length, EstimationSettings Settings)? s_configCache;

        private readonly JsonFileStore _store;

        public TokenTracker(Workspace workspace, IClock? clock = null, TimeSpan? lockTimeout = null)
        {
            Workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
            Clock = clock ?? SystemClock.Instance;
            _store = new JsonFileStore(Clock, lockTimeout ?? DefaultLockTimeout);
        }

        public Workspace Workspace { get; }

        public IClock Clock { get; }

        internal JsonFileStore Store => _store;

        /// <summary>
        /// The estimation constants from project-config.json (tokenTracking.estimation), RLM's defaults
        /// for what is not there. Cached per file stamp, so repeated calls in one process read it once.
        /// </summary>
        public Outcome<EstimationSettings> LoadSettings()
        {
            string path = Workspace.ConfigFile;
            var problems = new List<RlmTokensException>();
            FileInfo info = new FileInfo(path);
            if (!info.Exists) { return new Outcome<EstimationSettings>(EstimationSettings.Default, problems); }
            lock (s_configCacheGate)
            {
                if (s_configCache is { } c && c.Path == path && c.Stamp == info.LastWriteTimeUtc && c.Length == info.Length)
                {
                    return new Outcome<EstimationSettings>(c.Settings, problems);
                }
            }
            EstimationSettings settings;
            try
            {
                ProjectConfigFile? config = _store.Read(path, RlmJsonContext.Files.ProjectConfigFile);
                settings = EstimationSettings.From(config?.TokenTracking?.Estimation);
            }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                return new Outcome<EstimationSettings>(EstimationSettings.Default, problems);
            }
            lock (s_configCacheGate)
            {
                s_configCache = (path, info.LastWriteTimeUtc, info.Length, settings);
            }
            return new Outcome<EstimationSettings>(settings, problems);
        }

        /// <summary>
        /// Adds one operation's estimate to token-estimates.json under the folder lock, keeping the most
        /// recent operations (100 by default) and every property the file had.
        /// </summary>
        public Outcome<TokenEstimateRecord> AddEstimate(EstimateRequest request, CancellationToken cancellation = default)
        {
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            if (request.Size is long size && size < 0)
            {
                throw new InvalidArgumentException("NegativeFileSize", size,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.NegativeValue, size, "FileSize"));
            }
            Outcome<EstimationSettings> loaded = LoadSettings();
            EstimationSettings settings = loaded.Value;
            var problems = new List<RlmTokensException>(loaded.Problems);

            (long input, long output, long added, long measured) = Estimator.Estimate(request, settings);
            DateTimeOffset now = Clock.UtcNow;
            string stamp = RlmTime.Format(now);
            TokenEstimateRecord record;

            using (FolderTransaction tx = _store.BeginUpdate(Workspace.TokenUsageFolder, cancellation))
            {
                TokenEstimatesFile estimates = tx.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile)
                    ?? new TokenEstimatesFile { SessionId = string.Empty, StartedAt = stamp };
                SessionFile? session = tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);

                // RLM takes the session id from current-session.json when there is one.
                string? fileSession = session?.SessionId;
                if (!string.IsNullOrEmpty(fileSession)) { estimates.SessionId = fileSession; }
                else if (string.IsNullOrEmpty(estimates.SessionId) && !string.IsNullOrEmpty(request.SessionId)) { estimates.SessionId = request.SessionId; }
                if (string.IsNullOrEmpty(estimates.StartedAt)) { estimates.StartedAt = stamp; }
                estimates.LastUpdated = stamp;

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
                    Timestamp = stamp,
                    Type = TypeName(request.Operation),
                    File = request.FilePath ?? string.Empty,
                    TokensAdded = added,
                    SubagentType = request.SubagentType ?? string.Empty,
                    ToolName = request.ToolName ?? string.Empty,
                    InputTokens = input,
                    OutputTokens = output,
                    SessionId = string.IsNullOrEmpty(request.SessionId) ? null : request.SessionId,
                };
                estimates.ByOperation.Add(entry);
                int excess = estimates.ByOperation.Count - settings.MaxOperations;
                if (excess > 0) { estimates.ByOperation.RemoveRange(0, excess); }

                tx.Write(Workspace.EstimatesFile, estimates, RlmJsonContext.Files.TokenEstimatesFile);
                tx.Commit();
                problems.AddRange(tx.SetAside);
                record = ToRecord(entry, request.SessionId ?? estimates.SessionId, measured);
            }
            return new Outcome<TokenEstimateRecord>(record, problems);
        }

        /// <summary>The running estimate of the open session, or null when nothing has been recorded.</summary>
        public TokenSessionSummary? GetSessionSummary()
        {
            TokenEstimatesFile? estimates = _store.Read(Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile);
            SessionFile? session = _store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
            if (estimates is null && session is null) { return null; }
            estimates ??= new TokenEstimatesFile();
            return new TokenSessionSummary
            {
                SessionId = !string.IsNullOrEmpty(session?.SessionId) ? session!.SessionId : estimates.SessionId,
                StartedAt = RlmTime.Parse(session?.StartedAt) ?? RlmTime.Parse(estimates.StartedAt),
                LastUpdated = RlmTime.Parse(estimates.LastUpdated),
                InputTokens = estimates.Tokens.InputEstimated,
                OutputTokens = estimates.Tokens.OutputEstimated,
                TotalTokens = estimates.Tokens.InputEstimated + estimates.Tokens.OutputEstimated,
                CostUsd = estimates.EstimatedCostUsd,
                FilesRead = estimates.Operations.FilesRead,
                FilesWritten = estimates.Operations.FilesWritten,
                FilesEdited = estimates.Operations.FilesEdited,
                SubagentsSpawned = estimates.Operations.SubagentsSpawned,
                ToolCalls = estimates.Operations.ToolCalls,
                Compactions = session?.ContextCompacts.Count ?? 0,
                Precision = UsagePrecision.Estimated,
                Workspace = Workspace.Root,
            };
        }

        /// <summary>Like <see cref="GetSessionSummary"/>, but null instead of an error for an unreadable file (completers).</summary>
        public TokenSessionSummary? GetSessionSummaryOrNull()
        {
            try { return GetSessionSummary(); }
            catch (RlmTokensException) { return null; }
        }

        /// <summary>The recent operations of by_operation, oldest first.</summary>
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
            string folder = Workspace.TokenUsageFolder;
            if (!Directory.Exists(folder)) { return new Outcome<IReadOnlyList<TokenUsageDay>>(rows, problems); }
            foreach (string path in Directory.EnumerateFiles(folder, "daily-*.json"))
            {
                string name = Path.GetFileNameWithoutExtension(path);
                if (!DateTime.TryParseExact(name.Substring("daily-".Length), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date))
                {
                    continue;
                }
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

        /// <summary>Today's date in the clock's zone: the day whose daily file is current.</summary>
        public DateTime Today => TimeZoneInfo.ConvertTime(Clock.UtcNow, Clock.LocalZone).Date;

        private TokenUsageDay ToDay(DateTime date, DailyFile daily)
        {
            int exact = daily.Sessions.Count(s => s.Exact);
            long tokens = daily.Totals.EstimatedTokens;
            double cost = daily.Totals.TotalCostUsd;
            long sessions = daily.Totals.SessionsCount;
            // Totals are what RLM reads; when they are missing but entries exist, sum the entries.
            if (tokens == 0 && cost == 0 && daily.Sessions.Count > 0)
            {
                tokens = daily.Sessions.Sum(s => s.EstimatedTokens);
                cost = daily.Sessions.Sum(s => s.CostUsd);
            }
            if (sessions == 0) { sessions = daily.Sessions.Count; }
            return new TokenUsageDay
            {
                Date = date,
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
            TokensAdded = entry.TokensAdded,
            Precision = UsagePrecision.Estimated,
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
