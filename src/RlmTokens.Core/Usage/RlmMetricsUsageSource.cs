using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Usage
{
    /// <summary>
    /// RLM/progress/metrics.json's <c>tokenUsage.dailyUsage</c> {date: tokens}, the figure token-tracker.sh's
    /// <c>check</c> compares with the daily budget. token-tracker.sh (and Add-TokenUsage) add each record
    /// to the log and to this map alike, so the two are never added up. The rule, per date: the log's
    /// records count (each at its own precision, with its cost, and a session's records give way to an
    /// exact figure of that session); metrics.json counts only for what the log lacks that day, its figure
    /// minus the log's total for the same date key when that is positive (a log cut short, rotated or
    /// written by another tool), as one Estimated token figure without a cost (the file keeps no daily cost).
    /// </summary>
    public sealed class RlmMetricsUsageSource : IUsageSource
    {
        public string Name => "RlmMetrics";

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            string path = Path.Combine(query.Workspace.ProgressFolder, RlmMetricsFile.FileName);
            if (!File.Exists(path)) { return Array.Empty<UsageFigure>(); }
            var figures = new List<UsageFigure>();
            JsonDocument? doc;
            try { doc = JsonDocuments.Load(path); }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                return figures;
            }
            if (doc is null) { return figures; }
            using (doc)
            {
                JsonElement daily = doc.RootElement.Get("tokenUsage").Get("dailyUsage");
                if (daily.ValueKind != JsonValueKind.Object) { return figures; }
                Dictionary<string, long>? logged = null;
                foreach (JsonProperty day in daily.EnumerateObject())
                {
                    if (!DateTime.TryParseExact(day.Name, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime date) || !query.Covers(date)) { continue; }
                    long tokens = day.Value.ValueKind == JsonValueKind.Number || day.Value.ValueKind == JsonValueKind.String ? day.Value.Int64() : 0;
                    if (tokens <= 0) { continue; }
                    logged ??= LoggedPerDate(query);
                    long rest = tokens - (logged.TryGetValue(day.Name, out long l) ? l : 0);
                    if (rest <= 0) { continue; }
                    figures.Add(new UsageFigure
                    {
                        Key = "metrics:" + day.Name,
                        Date = date,
                        Tokens = rest,
                        CostUsd = 0,
                        TokensPrecision = UsagePrecision.Estimated,
                        CostPrecision = UsagePrecision.Estimated,
                        Source = Name,
                    });
                }
            }
            return figures;
        }

        // The log's tokens per date key as written ("date", else the UTC day of "timestamp"); its problems are the log source's to report.
        private static Dictionary<string, long> LoggedPerDate(UsageQuery query)
        {
            var sums = new Dictionary<string, long>(StringComparer.Ordinal);
            Outcome<IReadOnlyList<TokenLogEntry>> read;
            try { read = new TokenUsageLog(query.Tracker).ReadEntries(); }
            catch (RlmTokensException) { return sums; }
            foreach (TokenLogEntry e in read.Value)
            {
                string? key = string.IsNullOrWhiteSpace(e.Date) ? RlmTime.Parse(e.Timestamp)?.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : e.Date!.Trim();
                if (key is null) { continue; }
                long total = e.Tokens.Total != 0 ? e.Tokens.Total : e.Tokens.Input + e.Tokens.Output;
                sums[key] = (sums.TryGetValue(key, out long s) ? s : 0) + total;
            }
            return sums;
        }
    }
}
