using System;
using System.Collections.Generic;
using System.Globalization;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Live
{
    /// <summary>What a monitor measures against: the plan, its limits, the zone of "today" and "this month", the projects.</summary>
    public sealed class MonitorSettings
    {
        public MonitorPlan Plan { get; set; } = MonitorPlan.Learned;

        /// <summary>The token limit of Custom (required there), or an override of any plan's.</summary>
        public long? TokenLimit { get; set; }

        /// <summary>The cost limit (USD) of Custom, or an override of any plan's.</summary>
        public decimal? CostLimit { get; set; }

        public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;

        /// <summary>Project patterns (* and ?); none = all.</summary>
        public IList<string> Projects { get; } = new List<string>();
    }

    /// <summary>Computes a monitor frame from de-duplicated usage entries at a given time.</summary>
    public static class MonitorCalculator
    {
        /// <summary>
        /// The frame at <paramref name="now"/>: the blocks are those of Get-TokenUsage -Transcript -GroupBy Block
        /// over the entries up to now (so its figures equal that report's row of the active block); the burn
        /// rate is the active block's tokens over the minutes since its start.
        /// </summary>
        public static TokenMonitorFrame Build(IEnumerable<UsageEntry> entries, DateTimeOffset now, MonitorSettings settings, PriceTable prices, out TranscriptReportResult blockReport)
        {
            if (entries is null) { throw new ArgumentNullException(nameof(entries)); }
            if (settings is null) { throw new ArgumentNullException(nameof(settings)); }
            if (prices is null) { throw new ArgumentNullException(nameof(prices)); }
            if (settings.Plan == MonitorPlan.Custom && settings.TokenLimit is null)
            {
                throw new ArgumentException("The Custom plan needs a token limit.", nameof(settings));
            }
            TimeZoneInfo zone = settings.TimeZone ?? TimeZoneInfo.Local;
            DateTime nowUtc = now.UtcDateTime;

            List<UsageEntry> upToNow = new List<UsageEntry>();
            foreach (UsageEntry e in entries) { if (e.Timestamp <= nowUtc) { upToNow.Add(e); } }

            // Blocks exactly as the Block report forms them (UTC keys, so Start and End are UTC).
            TranscriptUsageQuery blockQuery = new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc };
            foreach (string p in settings.Projects) { blockQuery.Projects.Add(p); }
            blockReport = TranscriptReport.Build(upToNow, blockQuery, prices);

            TranscriptUsageRow? active = null;
            List<long> completed = new List<long>();
            foreach (TranscriptUsageRow row in blockReport.Rows)
            {
                DateTime start = row.Start.UtcDateTime, end = row.End.UtcDateTime;
                if (end <= nowUtc) { completed.Add(row.TotalTokens); }
                else if (start <= nowUtc) { active = row; }
            }

            TokenMonitorFrame f = new TokenMonitorFrame
            {
                Now = TimeZoneInfo.ConvertTime(now, zone),
                Plan = settings.Plan,
                PastBlocks = completed.Count,
                CostKnown = true,
            };
            SetLimits(f, settings, completed);

            if (active is not null)
            {
                DateTime start = active.Start.UtcDateTime, end = active.End.UtcDateTime;
                f.BlockActive = true;
                f.BlockStart = ToZone(start, zone);
                f.BlockEnd = ToZone(end, zone);
                f.BlockRecordCount = active.RecordCount;
                f.BlockInputTokens = active.InputTokens;
                f.BlockOutputTokens = active.OutputTokens;
                f.BlockCacheCreationTokens = active.CacheCreationTokens;
                f.BlockCacheReadTokens = active.CacheReadTokens;
                f.BlockTokens = active.TotalTokens;
                f.BlockCostUsd = active.CostUsd;
                f.CostKnown = active.CostKnown;
                f.MinutesElapsed = (nowUtc - start).TotalMinutes;
                f.MinutesLeft = (end - nowUtc).TotalMinutes;
                f.TokensPerMinute = f.MinutesElapsed > 0 ? f.BlockTokens / f.MinutesElapsed : 0;
                // Money in decimal, to the nano-dollar (nine decimals, as the ledger keeps money); the elapsed minutes are a double, so the rate is rounded.
                f.CostPerHourUsd = f.BlockCostUsd is decimal c && f.MinutesElapsed > 0 ? Pricing.Usd.ToNanoDollar(c * (decimal)(60.0 / f.MinutesElapsed)) : (decimal?)null;
                f.ProjectedTokens = checked(f.BlockTokens + (long)Math.Round(f.TokensPerMinute * f.MinutesLeft));
                f.ProjectedCostUsd = f.BlockCostUsd is decimal bc ? Pricing.Usd.ToNanoDollar(bc + (f.CostPerHourUsd ?? 0) * (decimal)(f.MinutesLeft / 60.0)) : (decimal?)null;

                List<UsageEntry> inBlock = BlockEntries(upToNow, start, settings.Projects, blockQuery);
                f.TopModels = TopModels(inBlock, f.BlockTokens);
                if (f.BlockTokens >= f.TokenLimit)
                {
                    f.LimitExceeded = true;
                    long sum = 0;
                    foreach (UsageEntry e in inBlock)
                    {
                        sum = checked(sum + e.TotalTokens);
                        if (sum >= f.TokenLimit) { f.LimitReachedAt = ToZone(e.Timestamp, zone); break; }
                    }
                }
                else if (f.TokensPerMinute > 0)
                {
                    double minutes = (f.TokenLimit - f.BlockTokens) / f.TokensPerMinute;
                    if (minutes < f.MinutesLeft) { f.LimitReachedAt = TimeZoneInfo.ConvertTime(now.AddMinutes(minutes), zone); }
                }
            }
            f.TokensLeft = f.TokenLimit - f.BlockTokens;
            f.PercentUsed = f.TokenLimit > 0 ? f.BlockTokens * 100.0 / f.TokenLimit : 0;

            // Today and this month in the frame's zone, through the Day report (the same sums as -GroupBy Day).
            DateTime localNow = TimeZoneInfo.ConvertTime(now, zone).DateTime;
            TranscriptUsageQuery dayQuery = new TranscriptUsageQuery
            {
                GroupBy = UsageGrouping.Day,
                TimeZone = zone,
                Since = new DateTime(localNow.Year, localNow.Month, 1),
                Until = localNow.Date,
            };
            foreach (string p in settings.Projects) { dayQuery.Projects.Add(p); }
            string today = localNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            bool todayPriced = false, monthPriced = false;
            decimal todayCost = 0, monthCost = 0;
            foreach (TranscriptUsageRow day in TranscriptReport.Build(upToNow, dayQuery, prices).Rows)
            {
                f.MonthTokens = checked(f.MonthTokens + day.TotalTokens);
                if (day.CostUsd is decimal mc) { monthCost += mc; monthPriced = true; }
                if (day.GroupKey == today)
                {
                    f.TodayTokens = day.TotalTokens;
                    if (day.CostUsd is decimal tc) { todayCost = tc; todayPriced = true; }
                }
            }
            // No usage costs nothing; usage with no price at all is unknown.
            f.TodayCostUsd = todayPriced || f.TodayTokens == 0 ? todayCost : (decimal?)null;
            f.MonthCostUsd = monthPriced || f.MonthTokens == 0 ? monthCost : (decimal?)null;
            return f;
        }

        private static void SetLimits(TokenMonitorFrame f, MonitorSettings settings, List<long> completed)
        {
            f.CostLimitUsd = settings.CostLimit ?? MonitorLimits.CostOf(settings.Plan);
            if (settings.TokenLimit is long explicitLimit)
            {
                f.TokenLimit = explicitLimit;
                f.LimitSource = MonitorLimitSource.Custom;
                return;
            }
            if (MonitorLimits.TokensOf(settings.Plan) is long planLimit)
            {
                f.TokenLimit = planLimit;
                f.LimitSource = MonitorLimitSource.Plan;
                return;
            }
            long? learned = MonitorLimits.Learn(completed);
            f.TokenLimit = learned ?? MonitorLimits.ProTokens;
            f.LimitSource = learned is null ? MonitorLimitSource.Default : MonitorLimitSource.Learned;
        }

        private static List<UsageEntry> BlockEntries(List<UsageEntry> upToNow, DateTime start, IList<string> projects, TranscriptUsageQuery query)
        {
            // The active block is the last one: every selected entry from its start on belongs to it.
            List<UsageEntry> list = new List<UsageEntry>();
            List<System.Text.RegularExpressions.Regex>? patterns = null;
            if (projects.Count > 0)
            {
                patterns = new List<System.Text.RegularExpressions.Regex>();
                foreach (string p in projects)
                {
                    patterns.Add(new System.Text.RegularExpressions.Regex("^" + System.Text.RegularExpressions.Regex.Escape(p).Replace(@"\*", ".*").Replace(@"\?", ".") + "$",
                        System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.Singleline));
                }
            }
            foreach (UsageEntry e in upToNow)
            {
                if (e.Timestamp < start) { continue; }
                if (patterns is not null && !patterns.Exists(r => r.IsMatch(e.Project) || (e.Cwd is not null && r.IsMatch(e.Cwd)))) { continue; }
                list.Add(e);
            }
            list.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
            return list;
        }

        private static string TopModels(List<UsageEntry> inBlock, long total)
        {
            Dictionary<string, long> byModel = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (UsageEntry e in inBlock)
            {
                byModel.TryGetValue(e.Model, out long t);
                byModel[e.Model] = checked(t + e.TotalTokens);
            }
            List<KeyValuePair<string, long>> list = new List<KeyValuePair<string, long>>(byModel);
            list.Sort((a, b) => a.Value != b.Value ? b.Value.CompareTo(a.Value) : string.CompareOrdinal(a.Key, b.Key));
            List<string> parts = new List<string>();
            for (int i = 0; i < list.Count && i < 3; i++)
            {
                double share = total > 0 ? list[i].Value * 100.0 / total : 0;
                parts.Add(list[i].Key + " " + share.ToString("0", CultureInfo.InvariantCulture) + "%");
            }
            return string.Join(", ", parts);
        }

        private static DateTimeOffset ToZone(DateTime utc, TimeZoneInfo zone) =>
            TimeZoneInfo.ConvertTime(new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)), zone);
    }
}
