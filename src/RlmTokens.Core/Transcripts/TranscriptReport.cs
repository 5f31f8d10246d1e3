using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using RlmTokens.Pricing;

namespace RlmTokens.Transcripts
{
    /// <summary>What a transcript report covers and how it groups.</summary>
    public sealed class TranscriptUsageQuery
    {
        public UsageGrouping GroupBy { get; set; } = UsageGrouping.Day;

        /// <summary>First day (inclusive, in <see cref="TimeZone"/>); only the date part counts.</summary>
        public DateTime? Since { get; set; }

        /// <summary>Last day (inclusive, in <see cref="TimeZone"/>); only the date part counts.</summary>
        public DateTime? Until { get; set; }

        /// <summary>Project patterns (* and ?), matched against the project folder and the cwd; none = all.</summary>
        public IList<string> Projects { get; } = new List<string>();

        /// <summary>The zone of day, week and month boundaries and of the rows' times.</summary>
        public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;

        /// <summary>Session id patterns (* and ?); none = all.</summary>
        public IList<string> SessionIds { get; } = new List<string>();

        /// <summary>Sub-groups within each group (ccusage's --breakdown is Model): one row per group and sub-group.</summary>
        public IList<UsageGrouping> Breakdown { get; } = new List<UsageGrouping>();

        /// <summary>The first day of a week (Week grouping and the ThisWeek/LastWeek periods).</summary>
        public DayOfWeek WeekStart { get; set; } = DayOfWeek.Monday;

        /// <summary>Block grouping: the time that decides the active block, its minutes left and its projection; null = none is active.</summary>
        public DateTimeOffset? Now { get; set; }

        /// <summary>Block grouping: the token limit blocks are measured against; null = none.</summary>
        public long? TokenLimit { get; set; }

        /// <summary>Block grouping: the limit is the largest total of the blocks before the active one (ccusage's --token-limit max).</summary>
        public bool TokenLimitFromMax { get; set; }

        /// <summary>Block grouping: only the active block's rows (ccusage's blocks --active).</summary>
        public bool ActiveOnly { get; set; }

        /// <summary>Which cost a response gets: calculated (the default), its line's costUSD, or that where present (ccusage's --mode).</summary>
        public CostMode CostMode { get; set; } = CostMode.Calculate;
    }

    /// <summary>Named date ranges of a report, relative to a given now (Get-TokenUsage -Period).</summary>
    public enum ReportPeriod
    {
        Today = 0,
        Yesterday,
        ThisWeek,
        LastWeek,
        ThisMonth,
        LastMonth,
    }

    /// <summary>The rows of a report and the models that had no price.</summary>
    public sealed class TranscriptReportResult
    {
        internal TranscriptReportResult(IReadOnlyList<TranscriptUsageRow> rows, IReadOnlyList<string> unknownModels,
            IReadOnlyList<string>? unmatchedProjects = null, IReadOnlyList<string>? projects = null)
        {
            Rows = rows;
            UnknownModels = unknownModels;
            UnmatchedProjects = unmatchedProjects ?? Array.Empty<string>();
            Projects = projects ?? Array.Empty<string>();
        }

        public IReadOnlyList<TranscriptUsageRow> Rows { get; }

        public IReadOnlyList<string> UnknownModels { get; }

        /// <summary>The -Project patterns that match no entry's project name or folder (at any date).</summary>
        public IReadOnlyList<string> UnmatchedProjects { get; }

        /// <summary>The project names of the entries, sorted, when a -Project pattern matched nothing; else empty.</summary>
        public IReadOnlyList<string> Projects { get; }
    }

    /// <summary>Groups de-duplicated usage entries into report rows.</summary>
    public static class TranscriptReport
    {
        /// <summary>The length of a billing block.</summary>
        public static readonly TimeSpan BlockLength = TimeSpan.FromHours(5);

        public static TranscriptReportResult Build(IEnumerable<UsageEntry> entries, TranscriptUsageQuery query, PriceTable prices)
        {
            if (query is null) { throw new ArgumentNullException(nameof(query)); }
            if (prices is null) { throw new ArgumentNullException(nameof(prices)); }
            TimeZoneInfo zone = query.TimeZone ?? TimeZoneInfo.Local;
            List<Regex> patterns = new List<Regex>();
            foreach (string p in query.Projects) { patterns.Add(Glob(p)); }
            List<Regex> sessionPatterns = new List<Regex>();
            foreach (string p in query.SessionIds) { sessionPatterns.Add(Glob(p)); }
            DateTime? since = query.Since?.Date;
            DateTime? until = query.Until?.Date;

            List<UsageEntry> selected = new List<UsageEntry>();
            // What the -Project patterns could have matched, to say so when one matches nothing.
            HashSet<string> projectNames = new HashSet<string>(StringComparer.Ordinal);
            HashSet<string> projectFolders = new HashSet<string>(StringComparer.Ordinal);
            foreach (UsageEntry e in entries)
            {
                if (patterns.Count > 0)
                {
                    projectNames.Add(e.Project);
                    if (e.Cwd is not null) { projectFolders.Add(e.Cwd); }
                }
                if (since is not null || until is not null)
                {
                    DateTime day = TimeZoneInfo.ConvertTimeFromUtc(e.Timestamp, zone).Date;
                    if (since is DateTime s && day < s) { continue; }
                    if (until is DateTime u && day > u) { continue; }
                }
                if (patterns.Count > 0 && !Matches(patterns, e)) { continue; }
                if (sessionPatterns.Count > 0 && !MatchesSession(sessionPatterns, e)) { continue; }
                selected.Add(e);
            }

            Dictionary<string, Group> groups = new Dictionary<string, Group>(StringComparer.Ordinal);
            SortedSet<string> unknown = new SortedSet<string>(StringComparer.Ordinal);
            if (query.GroupBy == UsageGrouping.Block)
            {
                selected.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
                DateTime blockStart = default, last = default;
                string key = string.Empty;
                bool open = false;
                foreach (UsageEntry e in selected)
                {
                    if (!open || e.Timestamp - blockStart > BlockLength || e.Timestamp - last > BlockLength)
                    {
                        blockStart = new DateTime(e.Timestamp.Year, e.Timestamp.Month, e.Timestamp.Day, e.Timestamp.Hour, 0, 0, DateTimeKind.Utc);
                        key = TimeZoneInfo.ConvertTimeFromUtc(blockStart, zone).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
                        open = true;
                    }
                    last = e.Timestamp;
                    Add(groups, WithBreakdown(key, e, query, zone), e, prices, unknown, blockStart, query.CostMode);
                }
            }
            else
            {
                // Day, week and month keys repeat: format once per local day, not once per entry.
                bool byDate = query.GroupBy == UsageGrouping.Day || query.GroupBy == UsageGrouping.Week || query.GroupBy == UsageGrouping.Month;
                bool utc = zone.Equals(TimeZoneInfo.Utc);
                Dictionary<long, string> dayKeys = new Dictionary<long, string>();
                foreach (UsageEntry e in selected)
                {
                    string key;
                    if (byDate)
                    {
                        DateTime local = utc ? e.Timestamp : TimeZoneInfo.ConvertTimeFromUtc(e.Timestamp, zone);
                        long day = local.Ticks / TimeSpan.TicksPerDay;
                        if (!dayKeys.TryGetValue(day, out string? k))
                        {
                            k = KeyOf(e, query.GroupBy, zone, query.WeekStart);
                            dayKeys.Add(day, k);
                        }
                        key = k;
                    }
                    else { key = KeyOf(e, query.GroupBy, zone, query.WeekStart); }
                    Add(groups, WithBreakdown(key, e, query, zone), e, prices, unknown, null, query.CostMode);
                }
            }

            List<TranscriptUsageRow> rows = new List<TranscriptUsageRow>(groups.Count);
            foreach (KeyValuePair<string, Group> kv in groups)
            {
                int cut = kv.Key.IndexOf(BreakdownSeparator);
                TranscriptUsageRow row = kv.Value.ToRow(cut < 0 ? kv.Key : kv.Key.Substring(0, cut), query.GroupBy, zone);
                if (cut >= 0) { row.Breakdown = kv.Key.Substring(cut + 1); }
                if (query.GroupBy == UsageGrouping.Block && query.Now is DateTimeOffset now) { kv.Value.SetBlockStatus(row, now.UtcDateTime, zone); }
                rows.Add(row);
            }
            if (query.GroupBy == UsageGrouping.Block) { rows = MeasureBlocks(rows, query); }
            if (query.GroupBy == UsageGrouping.Session || query.GroupBy == UsageGrouping.Agent)
            {
                rows.Sort((a, b) => a.Start != b.Start ? a.Start.CompareTo(b.Start) : CompareKeys(a, b));
            }
            else
            {
                rows.Sort(CompareKeys);
            }
            List<string> unmatched = new List<string>();
            for (int i = 0; i < patterns.Count; i++)
            {
                Regex r = patterns[i];
                if (!projectNames.Any(r.IsMatch) && !projectFolders.Any(r.IsMatch)) { unmatched.Add(query.Projects[i]); }
            }
            List<string> names = unmatched.Count > 0 ? projectNames.OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList() : new List<string>();
            return new TranscriptReportResult(rows, new List<string>(unknown), unmatched, names);
        }

        private const char BreakdownSeparator = '\u0001';

        // The limit (a number, or the largest past block) and each block's share of it; -Active keeps the active block.
        private static List<TranscriptUsageRow> MeasureBlocks(List<TranscriptUsageRow> rows, TranscriptUsageQuery query)
        {
            long? limit = query.TokenLimit;
            if (query.TokenLimitFromMax)
            {
                limit = null;
                foreach (TranscriptUsageRow r in rows)
                {
                    if (!r.IsActive && (limit is null || r.TotalTokens > limit)) { limit = r.TotalTokens; }
                }
            }
            List<TranscriptUsageRow> kept = new List<TranscriptUsageRow>(rows.Count);
            foreach (TranscriptUsageRow r in rows)
            {
                if (query.ActiveOnly && !r.IsActive) { continue; }
                if (limit is long l && l > 0)
                {
                    r.TokenLimit = l;
                    r.PercentOfLimit = r.TotalTokens * 100.0 / l;
                    if (r.ProjectedTokens is long projected) { r.ProjectedPercentOfLimit = projected * 100.0 / l; }
                }
                kept.Add(r);
            }
            return kept;
        }

        private static int CompareKeys(TranscriptUsageRow a, TranscriptUsageRow b)
        {
            int c = string.CompareOrdinal(a.GroupKey, b.GroupKey);
            return c != 0 ? c : string.CompareOrdinal(a.Breakdown, b.Breakdown);
        }

        private static string WithBreakdown(string key, UsageEntry e, TranscriptUsageQuery query, TimeZoneInfo zone)
        {
            if (query.Breakdown.Count == 0) { return key; }
            System.Text.StringBuilder b = new System.Text.StringBuilder(key).Append(BreakdownSeparator);
            for (int i = 0; i < query.Breakdown.Count; i++)
            {
                if (i > 0) { b.Append(" / "); }
                b.Append(KeyOf(e, query.Breakdown[i], zone, query.WeekStart));
            }
            return b.ToString();
        }

        /// <summary>
        /// The first and last day (inclusive, dates in <paramref name="zone"/>) of a named period around
        /// <paramref name="now"/>.
        /// </summary>
        public static (DateTime Since, DateTime Until) Range(ReportPeriod period, DateTimeOffset now, TimeZoneInfo zone, DayOfWeek weekStart)
        {
            DateTime today = TimeZoneInfo.ConvertTime(now, zone).Date;
            DateTime week = today.AddDays(-(((int)today.DayOfWeek - (int)weekStart + 7) % 7));
            DateTime month = new DateTime(today.Year, today.Month, 1);
            switch (period)
            {
                case ReportPeriod.Today: return (today, today);
                case ReportPeriod.Yesterday: return (today.AddDays(-1), today.AddDays(-1));
                case ReportPeriod.ThisWeek: return (week, week.AddDays(6));
                case ReportPeriod.LastWeek: return (week.AddDays(-7), week.AddDays(-1));
                case ReportPeriod.ThisMonth: return (month, month.AddMonths(1).AddDays(-1));
                case ReportPeriod.LastMonth: return (month.AddMonths(-1), month.AddDays(-1));
                default: throw new ArgumentOutOfRangeException(nameof(period), period, null);
            }
        }

        /// <summary>The last <paramref name="days"/> days up to and including today in <paramref name="zone"/>.</summary>
        public static (DateTime Since, DateTime Until) LastDays(int days, DateTimeOffset now, TimeZoneInfo zone)
        {
            if (days < 1) { throw new ArgumentOutOfRangeException(nameof(days), days, null); }
            DateTime today = TimeZoneInfo.ConvertTime(now, zone).Date;
            return (today.AddDays(1 - days), today);
        }

        /// <summary>The group key of an entry (not for Block, which depends on the entries before it); weeks start on Monday.</summary>
        public static string KeyOf(UsageEntry e, UsageGrouping grouping, TimeZoneInfo zone) => KeyOf(e, grouping, zone, DayOfWeek.Monday);

        /// <summary>The group key of an entry (not for Block, which depends on the entries before it).</summary>
        public static string KeyOf(UsageEntry e, UsageGrouping grouping, TimeZoneInfo zone, DayOfWeek weekStart)
        {
            switch (grouping)
            {
                case UsageGrouping.Day:
                    return TimeZoneInfo.ConvertTimeFromUtc(e.Timestamp, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                case UsageGrouping.Week:
                    DateTime d = TimeZoneInfo.ConvertTimeFromUtc(e.Timestamp, zone).Date;
                    int back = ((int)d.DayOfWeek - (int)weekStart + 7) % 7;
                    return d.AddDays(-back).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                case UsageGrouping.Month:
                    return TimeZoneInfo.ConvertTimeFromUtc(e.Timestamp, zone).ToString("yyyy-MM", CultureInfo.InvariantCulture);
                case UsageGrouping.Session:
                    return e.SessionId ?? "(unknown)";
                case UsageGrouping.Project:
                    return e.Project;
                case UsageGrouping.Model:
                    return e.Model;
                case UsageGrouping.Agent:
                    return e.IsSidechain ? (e.AgentId ?? "subagent") : "main";
                case UsageGrouping.Branch:
                    return string.IsNullOrEmpty(e.GitBranch) ? "(none)" : e.GitBranch!;
                case UsageGrouping.Cli:
                    return AgentNames[(int)e.Agent];
                default:
                    throw new ArgumentOutOfRangeException(nameof(grouping), grouping, null);
            }
        }

        private static void Add(Dictionary<string, Group> groups, string key, UsageEntry e, PriceTable prices, SortedSet<string> unknown, DateTime? blockStart, CostMode mode)
        {
            if (!groups.TryGetValue(key, out Group? g))
            {
                g = new Group { First = e.Timestamp, Last = e.Timestamp, BlockStart = blockStart };
                groups.Add(key, g);
            }
            g.Add(e);
            if (mode != CostMode.Calculate && e.CostUsd is decimal logged)
            {
                g.Cost = CheckedSums.AddCost(g.Cost, logged, e);
                g.Logged++;
            }
            else if (mode != CostMode.Display && PriceOf(prices, e) is decimal c)
            {
                g.Cost = CheckedSums.AddCost(g.Cost, c, e);
                g.Calculated++;
            }
            else
            {
                g.CostKnown = false;
                // Display mode: no costUSD on the line is no missing price.
                if (mode != CostMode.Display) { unknown.Add(e.Model); }
            }
        }

        [ThreadStatic] private static string? t_lastModel;
        [ThreadStatic] private static ModelPrice? t_lastPrice;
        [ThreadStatic] private static PriceTable? t_lastTable;

        // Entries come in runs of one model: skip the table lookup while the model repeats.
        private static decimal? PriceOf(PriceTable prices, UsageEntry e)
        {
            if (!ReferenceEquals(t_lastTable, prices) || !string.Equals(t_lastModel, e.Model, StringComparison.Ordinal))
            {
                t_lastTable = prices;
                t_lastModel = e.Model;
                t_lastPrice = prices.Find(e.Model);
            }
            return t_lastPrice?.Cost(e);
        }

        private static readonly string[] AgentNames = Enum.GetNames(typeof(AgentKind));

        private static bool MatchesSession(List<Regex> patterns, UsageEntry e)
        {
            if (e.SessionId is null) { return false; }
            foreach (Regex r in patterns)
            {
                if (r.IsMatch(e.SessionId)) { return true; }
            }
            return false;
        }

        private static bool Matches(List<Regex> patterns, UsageEntry e)
        {
            foreach (Regex r in patterns)
            {
                if (r.IsMatch(e.Project) || (e.Cwd is not null && r.IsMatch(e.Cwd))) { return true; }
            }
            return false;
        }

        private static Regex Glob(string pattern) =>
            new Regex("^" + Regex.Escape(pattern).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Singleline);

        private sealed class Group
        {
            private readonly HashSet<string> _sessions = new HashSet<string>(StringComparer.Ordinal);
            private readonly HashSet<string> _models = new HashSet<string>(StringComparer.Ordinal);
            private int _agents;
            private string? _project;
            private string? _lastSession;
            private string? _lastModel;
            private bool _manyProjects;

            public DateTime First;
            public DateTime Last;
            public DateTime? BlockStart;
            public long Records, Input, Output, CacheCreate, CacheRead;
            public decimal? Cost;
            public bool CostKnown = true;
            public long Logged, Calculated;

            public void Add(UsageEntry e)
            {
                if (e.Timestamp < First) { First = e.Timestamp; }
                if (e.Timestamp > Last) { Last = e.Timestamp; }
                try
                {
                    checked
                    {
                        Records++;
                        Input += e.InputTokens;
                        Output += e.OutputTokens;
                        CacheCreate += e.CacheCreationTokens;
                        CacheRead += e.CacheReadTokens;
                        _ = Input + Output + CacheCreate + CacheRead;
                    }
                }
                catch (OverflowException)
                {
                    throw Errors.Numbers.OutOfRange(e.SourceFile ?? e.Model, "token counts");
                }
                if (e.SessionId is not null && !ReferenceEquals(e.SessionId, _lastSession)) { _sessions.Add(e.SessionId); _lastSession = e.SessionId; }
                if (!ReferenceEquals(e.Model, _lastModel)) { _models.Add(e.Model); _lastModel = e.Model; }
                _agents |= 1 << (int)e.Agent;
                if (_project is null) { _project = e.Project; }
                else if (!string.Equals(_project, e.Project, StringComparison.Ordinal)) { _manyProjects = true; }
            }

            private List<string> SortedModels()
            {
                List<string> list = new List<string>(_models);
                list.Sort(StringComparer.Ordinal);
                return list;
            }

            private string AgentList()
            {
                List<string> names = new List<string>();
                for (int i = 0; i < AgentNames.Length; i++)
                {
                    if ((_agents & (1 << i)) != 0) { names.Add(AgentNames[i]); }
                }
                return string.Join(", ", names);
            }

            /// <summary>
            /// ccusage's active block: it has not ended and its last response is less than a block length ago.
            /// The burn rate is its tokens (and cost) over the minutes from its first to its last response;
            /// the projection adds that rate over the minutes left.
            /// </summary>
            public void SetBlockStatus(TranscriptUsageRow row, DateTime nowUtc, TimeZoneInfo zone)
            {
                if (BlockStart is not DateTime start) { return; }
                DateTime end = start + BlockLength;
                if (nowUtc >= end || nowUtc < start || nowUtc - Last >= BlockLength) { return; }
                row.IsActive = true;
                double left = (end - nowUtc).TotalMinutes;
                row.MinutesLeft = Math.Round(left, 1);
                double minutes = (Last - First).TotalMinutes;
                if (minutes <= 0) { return; }
                double perMinute = row.TotalTokens / minutes;
                row.TokensPerMinute = Math.Round(perMinute, 1);
                // Money rates in decimal, to the nano-dollar (nine decimals, as the ledger keeps money) (the minutes are a double: the rate is not exact anyway).
                decimal perHour = (decimal)(60 / minutes);
                decimal hoursLeft = (decimal)(left / 60);
                if (row.CostUsd is decimal cost) { row.CostPerHourUsd = Pricing.Usd.ToNanoDollar(cost * perHour); }
                try { row.ProjectedTokens = checked(row.TotalTokens + (long)Math.Round(perMinute * left)); }
                catch (OverflowException) { throw Errors.Numbers.OutOfRange(row.GroupKey, "token counts"); }
                if (row.CostUsd is decimal c) { row.ProjectedCostUsd = Pricing.Usd.ToNanoDollar(c + c * perHour * hoursLeft); }
            }

            public TranscriptUsageRow ToRow(string key, UsageGrouping grouping, TimeZoneInfo zone)
            {
                DateTime start = BlockStart ?? First;
                DateTime end = BlockStart is DateTime b ? b + BlockLength : Last;
                TranscriptUsageRow row = new TranscriptUsageRow
                {
                    GroupBy = grouping,
                    // Instants with the report zone's offset at each (DESIGN.md section 6), so ToUniversalTime() is right.
                    Start = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(start, DateTimeKind.Utc)), zone),
                    End = TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(end, DateTimeKind.Utc)), zone),
                    Project = _manyProjects ? null : _project,
                    Sessions = _sessions.Count,
                    RecordCount = Records,
                    InputTokens = Input,
                    OutputTokens = Output,
                    CacheCreationTokens = CacheCreate,
                    CacheReadTokens = CacheRead,
                    TotalTokens = Input + Output + CacheCreate + CacheRead,
                    CostUsd = Pricing.Usd.Exact(Cost),
                    CostKnown = CostKnown,
                    CostPrecision = Logged > 0 ? (Calculated > 0 ? CostPrecision.Mixed : CostPrecision.Logged) : Calculated > 0 ? CostPrecision.Calculated : CostPrecision.Unknown,
                    Models = string.Join(", ", SortedModels()),
                    Agents = AgentList(),
                    Precision = UsagePrecision.Exact,
                };
                row.SetKey(grouping, key);
                return row;
            }
        }
    }
}
