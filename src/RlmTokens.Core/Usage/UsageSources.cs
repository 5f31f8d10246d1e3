using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Usage
{
    /// <summary>
    /// One usage figure a source knows: a session's (or an entry's) tokens and cost on one local day,
    /// each with its own precision (a captured /cost is an exact cost but an estimated token count; a
    /// transcript is the other way round).
    /// </summary>
    public sealed class UsageFigure
    {
        /// <summary>What identifies the figure across sources: the session id when there is one. Sources
        /// that know the same key describe the same usage, and the more precise figure wins.</summary>
        public string Key { get; set; } = string.Empty;

        public string? SessionId { get; set; }

        /// <summary>The local calendar day the usage belongs to.</summary>
        public DateTime Date { get; set; }

        public long Tokens { get; set; }

        public decimal CostUsd { get; set; }

        public UsagePrecision TokensPrecision { get; set; }

        public UsagePrecision CostPrecision { get; set; }

        /// <summary>The source's name (<see cref="IUsageSource.Name"/>).</summary>
        public string Source { get; set; } = string.Empty;
    }

    /// <summary>The days a usage question covers, in the workspace's local zone.</summary>
    public sealed class UsageQuery
    {
        public UsageQuery(TokenTracker tracker, DateTime from, DateTime to, CancellationToken cancellation = default)
        {
            Tracker = tracker;
            From = from.Date;
            To = to.Date;
            Cancellation = cancellation;
        }

        public TokenTracker Tracker { get; }

        public Workspace Workspace => Tracker.Workspace;

        public DateTime From { get; }

        public DateTime To { get; }

        public CancellationToken Cancellation { get; }

        /// <summary>The local calendar day of an instant (the clock's zone).</summary>
        public DateTime DayOf(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Tracker.Clock.LocalZone).Date;

        public bool Covers(DateTime day) => day.Date >= From && day.Date <= To;

        private IReadOnlyDictionary<string, string>? _aliases;

        /// <summary>
        /// Claude Code session ids mapped to the RLM session ids they belong to (claude_session_id of
        /// current-session.json and of the archived SESSION-*.json files), so a transcript's figure and an
        /// RLM file's figure of the same session are one key. Read once, on first use; unreadable files are skipped.
        /// </summary>
        public IReadOnlyDictionary<string, string> SessionAliases => _aliases ??= LoadAliases(Workspace);

        private static IReadOnlyDictionary<string, string> LoadAliases(Workspace workspace)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!Directory.Exists(workspace.TokenUsageFolder)) { return map; }
            var files = new List<string> { workspace.CurrentSessionFile };
            files.AddRange(Directory.EnumerateFiles(workspace.TokenUsageFolder, "SESSION-*.json"));
            foreach (string file in files)
            {
                try
                {
                    using System.Text.Json.JsonDocument? doc = JsonDocuments.Load(file);
                    if (doc is null) { continue; }
                    string? rlm = doc.RootElement.Get("session_id").Text();
                    string? claude = doc.RootElement.Get("claude_session_id").Text();
                    if (!string.IsNullOrEmpty(rlm) && !string.IsNullOrEmpty(claude) && !map.ContainsKey(claude!)) { map[claude!] = rlm!; }
                }
                catch (RlmTokensException) { }
            }
            return map;
        }
    }

    /// <summary>
    /// The seam through which usage data reaches budgets and reports. Each source reads one kind of
    /// data (daily files, the open session's estimate, transcripts, manual logs) and yields entries; the
    /// <see cref="UsageCombiner"/> keeps, per key and unit, the most precise figure. A new kind of data
    /// is one more implementation registered in <see cref="UsageSources.For"/>.
    /// </summary>
    public interface IUsageSource
    {
        string Name { get; }

        /// <summary>The entries whose day lies in the query's range. Unreadable files go to <paramref name="problems"/>, never thrown.</summary>
        IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems);
    }

    /// <summary>The usage sources of a workspace, in order of preference when two are equally precise.</summary>
    public static class UsageSources
    {
        /// <param name="tracker">The workspace.</param>
        /// <param name="transcripts">Claude Code transcripts to count exactly (null: none; reading them is opt-in, they can be large).</param>
        public static IReadOnlyList<IUsageSource> For(TokenTracker tracker, TranscriptUsageSource? transcripts = null)
        {
            if (tracker is null) { throw new ArgumentNullException(nameof(tracker)); }
            var sources = new List<IUsageSource>();
            // Exact sources first: when precision ties, the earlier source wins.
            if (transcripts is not null) { sources.Add(transcripts); }
            sources.Add(new TokenLogUsageSource());
            sources.Add(new RlmMetricsUsageSource());
            sources.Add(new DailyFilesUsageSource());
            sources.Add(new OpenSessionUsageSource());
            return sources;
        }
    }

    /// <summary>The sum of what the ledger kept.</summary>
    public sealed class UsageTotal
    {
        public long Tokens { get; set; }

        public decimal CostUsd { get; set; }

        public UsagePrecision TokensPrecision { get; set; }

        public UsagePrecision CostPrecision { get; set; }

        /// <summary>Names of the sources whose token figures were kept, in source order.</summary>
        public IReadOnlyList<string> TokenSources { get; set; } = Array.Empty<string>();

        /// <summary>Names of the sources whose cost figures were kept, in source order.</summary>
        public IReadOnlyList<string> CostSources { get; set; } = Array.Empty<string>();

        /// <summary>Number of distinct keys (sessions, entries) counted.</summary>
        public int Entries { get; set; }
    }

    /// <summary>Combines entries of several sources: per key and unit the most precise figure, ties to the earlier source.</summary>
    public static class UsageCombiner
    {
        public static UsageTotal Combine(IEnumerable<UsageFigure> entries, IReadOnlyList<IUsageSource>? order = null)
        {
            var tokens = new Dictionary<string, UsageFigure>(StringComparer.Ordinal);
            var cost = new Dictionary<string, UsageFigure>(StringComparer.Ordinal);
            foreach (UsageFigure e in entries)
            {
                if (!tokens.TryGetValue(e.Key, out UsageFigure? t) || Rank(e.TokensPrecision) > Rank(t.TokensPrecision)) { tokens[e.Key] = e; }
                if (!cost.TryGetValue(e.Key, out UsageFigure? c) || Rank(e.CostPrecision) > Rank(c.CostPrecision)) { cost[e.Key] = e; }
            }
            List<string> Names(IEnumerable<UsageFigure> kept)
            {
                var used = new HashSet<string>(kept.Select(e => e.Source), StringComparer.Ordinal);
                return (order is null ? used.OrderBy(n => n, StringComparer.Ordinal) : order.Select(s => s.Name).Where(used.Contains)).ToList();
            }
            long tokenSum;
            decimal costSum;
            try
            {
                tokenSum = tokens.Values.Sum(e => e.Tokens);
                costSum = Math.Round(cost.Values.Sum(e => e.CostUsd), 6);
            }
            catch (OverflowException)
            {
                throw Numbers.OutOfRange("usage", "token counts and costs");
            }
            return new UsageTotal
            {
                Tokens = tokenSum,
                CostUsd = costSum,
                TokensPrecision = Precision(tokens.Values.Select(e => e.TokensPrecision)),
                CostPrecision = Precision(cost.Values.Select(e => e.CostPrecision)),
                TokenSources = Names(tokens.Values.Where(e => e.Tokens != 0)),
                CostSources = Names(cost.Values.Where(e => e.CostUsd != 0)),
                Entries = tokens.Count,
            };
        }

        /// <summary>Reads every source for the query (in order) and combines the entries.</summary>
        public static UsageTotal Measure(IReadOnlyList<IUsageSource> sources, UsageQuery query, ICollection<RlmTokensException> problems, Func<UsageFigure, bool>? filter = null)
        {
            var all = new List<UsageFigure>();
            foreach (IUsageSource source in sources)
            {
                query.Cancellation.ThrowIfCancellationRequested();
                foreach (UsageFigure e in source.Read(query, problems))
                {
                    Canonicalize(e, query);
                    if (filter is null || filter(e)) { all.Add(e); }
                }
            }
            return Combine(all, sources);
        }

        /// <summary>Gives a figure of a Claude Code session id the RLM session id it belongs to (<see cref="UsageQuery.SessionAliases"/>).</summary>
        public static UsageFigure Canonicalize(UsageFigure figure, UsageQuery query)
        {
            if (figure.SessionId is not null && query.SessionAliases.TryGetValue(figure.SessionId, out string? rlm))
            {
                figure.SessionId = rlm;
                figure.Key = rlm;
            }
            return figure;
        }

        private static int Rank(UsagePrecision p) => p == UsagePrecision.Exact ? 2 : p == UsagePrecision.Mixed ? 1 : 0;

        /// <summary>Exact when all are exact, Estimated when none is (or nothing was counted), Mixed otherwise.</summary>
        public static UsagePrecision Precision(IEnumerable<UsagePrecision> values)
        {
            bool any = false, allExact = true, anyExact = false;
            foreach (UsagePrecision p in values)
            {
                any = true;
                if (p != UsagePrecision.Exact) { allExact = false; }
                if (p != UsagePrecision.Estimated) { anyExact = true; }
            }
            if (!any) { return UsagePrecision.Estimated; }
            return allExact ? UsagePrecision.Exact : anyExact ? UsagePrecision.Mixed : UsagePrecision.Estimated;
        }
    }

    /// <summary>
    /// RLM's daily-yyyy-MM-dd.json files: one entry per session captured (/cost). The cost is what
    /// Claude Code reported (exact); the tokens are derived from it unless the entry says exact.
    /// </summary>
    public sealed class DailyFilesUsageSource : IUsageSource
    {
        public string Name => "DailyFiles";

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            string folder = query.Workspace.TokenUsageFolder;
            if (!Directory.Exists(folder)) { yield break; }
            foreach (string path in Directory.EnumerateFiles(folder, "daily-*.json"))
            {
                string name = Path.GetFileNameWithoutExtension(path);
                if (!DateTime.TryParseExact(name.Substring("daily-".Length), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date)) { continue; }
                if (!query.Covers(date)) { continue; }
                DailyFile? daily = null;
                try { daily = JsonFileStore.Parse(path, RlmJsonContext.Files.DailyFile); }
                catch (JsonFileStore.FormatFailure e) { problems.Add(new CorruptDataFileException(path, null, e.Message, e.InnerException)); }
                catch (RlmTokensException e) { problems.Add(e); }
                if (daily is null) { continue; }
                if (daily.Sessions.Count == 0)
                {
                    yield return new UsageFigure
                    {
                        Key = "daily:" + name,
                        Date = date,
                        Tokens = daily.Totals.EstimatedTokens,
                        CostUsd = daily.Totals.TotalCostUsd,
                        TokensPrecision = UsagePrecision.Estimated,
                        CostPrecision = UsagePrecision.Exact,
                        Source = Name,
                    };
                    continue;
                }
                int i = 0;
                foreach (DailySessionEntry s in daily.Sessions)
                {
                    i++;
                    bool hasId = !string.IsNullOrEmpty(s.SessionId);
                    yield return new UsageFigure
                    {
                        Key = hasId ? s.SessionId! : name + "#" + i.ToString(CultureInfo.InvariantCulture),
                        SessionId = hasId ? s.SessionId : null,
                        Date = date,
                        Tokens = s.EstimatedTokens,
                        CostUsd = s.CostUsd,
                        TokensPrecision = s.Exact ? UsagePrecision.Exact : UsagePrecision.Estimated,
                        CostPrecision = UsagePrecision.Exact,
                        Source = Name,
                    };
                }
            }
        }
    }

    /// <summary>The open session's running estimate (token-estimates.json): estimated tokens and cost.</summary>
    public sealed class OpenSessionUsageSource : IUsageSource
    {
        public string Name => "OpenSession";

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            TokenSessionSummary? summary = null;
            try { summary = query.Tracker.GetSessionSummary(); }
            catch (RlmTokensException e) { problems.Add(e); }
            if (summary is null || (summary.TotalTokens == 0 && summary.CostUsd == 0)) { yield break; }
            DateTimeOffset? when = summary.StartedAt ?? summary.LastUpdated;
            DateTime day = when is { } w ? query.DayOf(w) : query.To;
            if (!query.Covers(day)) { yield break; }
            yield return new UsageFigure
            {
                Key = string.IsNullOrEmpty(summary.SessionId) ? "open-session" : summary.SessionId!,
                SessionId = string.IsNullOrEmpty(summary.SessionId) ? null : summary.SessionId,
                Date = day,
                Tokens = summary.TotalTokens,
                CostUsd = summary.CostUsd,
                TokensPrecision = UsagePrecision.Estimated,
                CostPrecision = UsagePrecision.Estimated,
                Source = Name,
            };
        }
    }
}
