using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Bench
{
    /// <summary>
    /// `RlmTokens.Bench daily &lt;root&gt; [--cache DIR] [--tz ID] [--check manifest.json] [--quiet]`:
    /// the daily report of Get-TokenUsage -Transcript through Core alone (no PowerShell start-up),
    /// printed as JSON shaped like `ccusage daily --json`. bench/ccusage.sh times it against ccusage;
    /// --check compares the per-day and per-model totals with a generator manifest.
    /// </summary>
    internal static class TranscriptDaily
    {
        public static int Run(string[] args)
        {
            string root = args[1];
            string? cache = null, check = null;
            string tz = "UTC";
            bool quiet = false;
            for (int i = 2; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--cache": cache = args[++i]; break;
                    case "--tz": tz = args[++i]; break;
                    case "--check": check = args[++i]; break;
                    case "--quiet": quiet = true; break;
                    default: Console.Error.WriteLine("unknown argument " + args[i]); return 2;
                }
            }
            TranscriptReadOptions options = new TranscriptReadOptions { CacheFolder = cache };
            options.ProjectRoots.Add(TranscriptDiscovery.ResolveRoot(root));
            System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
            TranscriptReadResult read = TranscriptReader.Read(options);
            long readMs = clock.ElapsedMilliseconds;
            TranscriptUsageQuery query = new TranscriptUsageQuery { GroupBy = UsageGrouping.Day, TimeZone = TimeZoneInfo.FindSystemTimeZoneById(tz) };
            TranscriptReportResult report = TranscriptReport.Build(read.Entries, query, PriceTable.BuiltIn);
            long reportMs = clock.ElapsedMilliseconds - readMs;
            if (!quiet)
            {
                using Stream stdout = Console.OpenStandardOutput();
                using Utf8JsonWriter w = new Utf8JsonWriter(stdout, new JsonWriterOptions { Indented = true });
                w.WriteStartObject();
                w.WriteStartArray("daily");
                long i = 0, o = 0, cc = 0, cr = 0;
                decimal cost = 0;
                foreach (TranscriptUsageRow r in report.Rows)
                {
                    w.WriteStartObject();
                    w.WriteString("date", r.GroupKey);
                    w.WriteNumber("inputTokens", r.InputTokens);
                    w.WriteNumber("outputTokens", r.OutputTokens);
                    w.WriteNumber("cacheCreationTokens", r.CacheCreationTokens);
                    w.WriteNumber("cacheReadTokens", r.CacheReadTokens);
                    w.WriteNumber("totalTokens", r.TotalTokens);
                    w.WriteNumber("totalCost", r.CostUsd ?? 0);
                    w.WriteStartArray("modelsUsed");
                    foreach (string m in r.Models.Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries)) { w.WriteStringValue(m); }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    i += r.InputTokens; o += r.OutputTokens; cc += r.CacheCreationTokens; cr += r.CacheReadTokens; cost += r.CostUsd ?? 0;
                }
                w.WriteEndArray();
                w.WriteStartObject("totals");
                w.WriteNumber("inputTokens", i);
                w.WriteNumber("outputTokens", o);
                w.WriteNumber("cacheCreationTokens", cc);
                w.WriteNumber("cacheReadTokens", cr);
                w.WriteNumber("totalTokens", i + o + cc + cr);
                w.WriteNumber("totalCost", cost);
                w.WriteEndObject();
                w.WriteEndObject();
            }
            Console.Error.WriteLine($"read={readMs}ms report={reportMs}ms total={clock.ElapsedMilliseconds}ms files={read.Files} fromCache={read.FilesFromCache} bytesRead={read.BytesRead} responses={read.Entries.Count} malformed={read.MalformedLines}");
            return check is null ? 0 : Check(check, read.Entries);
        }

        private static int Check(string manifestPath, IReadOnlyList<UsageEntry> entries)
        {
            using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(manifestPath));
            JsonElement expected = manifest.RootElement.GetProperty("expected");
            int failures = 0;
            void Compare(string what, JsonElement e, IEnumerable<UsageEntry> actual)
            {
                List<UsageEntry> list = actual.ToList();
                long[] a = { list.Sum(x => x.InputTokens), list.Sum(x => x.OutputTokens), list.Sum(x => x.CacheCreationTokens), list.Sum(x => x.CacheReadTokens), list.Count };
                long[] x2 = { e.GetProperty("input").GetInt64(), e.GetProperty("output").GetInt64(), e.GetProperty("cacheCreation").GetInt64(), e.GetProperty("cacheRead").GetInt64(), e.GetProperty("responses").GetInt64() };
                double cost = list.Any(x => PriceTable.BuiltIn.Cost(x) is null) ? double.NaN : (double)list.Sum(x => PriceTable.BuiltIn.Cost(x) ?? 0m);
                double ec = e.GetProperty("cost").GetDouble();
                bool ok = a.SequenceEqual(x2) && Math.Abs(cost - ec) <= 1e-9 * Math.Abs(ec);
                if (!ok)
                {
                    failures++;
                    Console.Error.WriteLine($"MISMATCH {what}: got [{string.Join(",", a)}] ${cost:R}, expected [{string.Join(",", x2)}] ${ec:R}");
                }
            }
            ILookup<string, UsageEntry> byDay = entries.ToLookup(x => x.Timestamp.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
            ILookup<string, UsageEntry> byModel = entries.ToLookup(x => x.Model);
            int days = 0, models = 0;
            foreach (JsonProperty d in expected.GetProperty("days").EnumerateObject()) { Compare("day " + d.Name, d.Value, byDay[d.Name]); days++; }
            foreach (JsonProperty m in expected.GetProperty("models").EnumerateObject()) { Compare("model " + m.Name, m.Value, byModel[m.Name]); models++; }
            if (byDay.Count != days || byModel.Count != models) { failures++; Console.Error.WriteLine($"MISMATCH group counts: {byDay.Count} days, {byModel.Count} models"); }
            Console.Error.WriteLine(failures == 0 ? $"CHECK OK: {days} days and {models} models equal the manifest (tokens exact, cost within 1e-9 relative)" : $"CHECK FAILED: {failures} mismatches");
            return failures == 0 ? 0 : 1;
        }
    }
}
