using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    public sealed class TranscriptReaderTests : IClassFixture<GeneratedCorpus>, IDisposable
    {
        private readonly GeneratedCorpus _corpus;
        private readonly string _temp = Path.Combine(Path.GetTempPath(), "rlmtokens-tr-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public TranscriptReaderTests(GeneratedCorpus corpus)
        {
            _corpus = corpus;
            Directory.CreateDirectory(_temp);
        }

        public void Dispose()
        {
            try { Directory.Delete(_temp, true); } catch (IOException) { }
        }

        private TranscriptReadResult ReadCorpus(string? cache = null)
        {
            TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = cache };
            o.ProjectRoots.Add(TranscriptDiscovery.ResolveRoot(_corpus.Root));
            return TranscriptReader.Read(o);
        }

        [Fact]
        public void Read_GeneratedCorpus_ShouldMatchManifestPerDay()
        {
            TranscriptReadResult result = ReadCorpus();
            JsonElement days = _corpus.Manifest.RootElement.GetProperty("expected").GetProperty("days");
            Dictionary<string, List<UsageEntry>> byDay = result.Entries
                .GroupBy(e => e.Timestamp.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture))
                .ToDictionary(g => g.Key, g => g.ToList());
            Assert.Equal(days.EnumerateObject().Select(p => p.Name).OrderBy(x => x, StringComparer.Ordinal), byDay.Keys.OrderBy(x => x, StringComparer.Ordinal));
            foreach (JsonProperty day in days.EnumerateObject())
            {
                AssertBucket(day.Value, byDay[day.Name], day.Name);
            }
            Assert.Equal(0, result.MalformedLines);
        }

        [Fact]
        public void Read_GeneratedCorpus_ShouldMatchManifestPerModel()
        {
            TranscriptReadResult result = ReadCorpus();
            JsonElement models = _corpus.Manifest.RootElement.GetProperty("expected").GetProperty("models");
            IReadOnlyList<ModelUsageTotal> sums = TranscriptReader.SumByModel(result.Entries, PriceTable.BuiltIn);
            Assert.Equal(models.EnumerateObject().Count(), sums.Count);
            foreach (JsonProperty m in models.EnumerateObject())
            {
                ModelUsageTotal t = sums.Single(s => s.Model == m.Name);
                Assert.Equal(m.Value.GetProperty("input").GetInt64(), t.InputTokens);
                Assert.Equal(m.Value.GetProperty("output").GetInt64(), t.OutputTokens);
                Assert.Equal(m.Value.GetProperty("cacheCreation").GetInt64(), t.CacheCreationTokens);
                Assert.Equal(m.Value.GetProperty("cacheRead").GetInt64(), t.CacheReadTokens);
                Assert.Equal(m.Value.GetProperty("responses").GetInt64(), t.Responses);
                Assert.True(t.CostKnown);
                AssertRelative(m.Value.GetProperty("cost").GetDouble(), t.CostUsd!.Value, m.Name);
            }
        }

        [Fact]
        public void Read_WithCacheAfterAppendTruncateDeleteAndRewrite_ShouldEqualColdRead()
        {
            string copy = Path.Combine(_temp, "corpus");
            CopyDirectory(_corpus.Root, copy);
            string cache = Path.Combine(_temp, "cache");
            TranscriptReadOptions Options(string? c)
            {
                TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = c };
                o.ProjectRoots.Add(Path.Combine(copy, "projects"));
                return o;
            }
            TranscriptReadResult first = TranscriptReader.Read(Options(cache));
            AssertSame(TranscriptReader.Read(Options(null)), first);

            TranscriptReadResult warm = TranscriptReader.Read(Options(cache));
            Assert.Equal(0, warm.BytesRead);
            Assert.Equal(warm.Files, warm.FilesFromCache);
            AssertSame(first, warm);

            string[] files = Directory.GetFiles(Path.Combine(copy, "projects"), "*.jsonl", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal).ToArray();
            // Append: half of a file's lines moved out, then appended back (plus a torn line, then completed).
            string grow = files.OrderByDescending(f => new FileInfo(f).Length).First();
            string[] lines = File.ReadAllLines(grow);
            File.WriteAllLines(grow, lines.Take(lines.Length / 2));
            TranscriptReadResult afterShrink = TranscriptReader.Read(Options(cache));
            AssertSame(TranscriptReader.Read(Options(null)), afterShrink);
            long before = new FileInfo(grow).Length;
            string rest = string.Join("\n", lines.Skip(lines.Length / 2)) + "\n";
            File.AppendAllText(grow, rest.Substring(0, rest.Length - 40));
            TranscriptReadResult torn = TranscriptReader.Read(Options(cache));
            AssertSame(TranscriptReader.Read(Options(null)), torn);
            File.AppendAllText(grow, rest.Substring(rest.Length - 40));
            TranscriptReadResult appended = TranscriptReader.Read(Options(cache));
            Assert.True(appended.BytesRead < new FileInfo(grow).Length - before + 4096, "only the grown part is read");
            AssertSame(TranscriptReader.Read(Options(null)), appended);
            AssertSame(first, appended);

            // Truncation, deletion, and a same-length rewrite.
            string[] other = File.ReadAllLines(files[0]);
            File.WriteAllLines(files[0], other.Take(3));
            File.Delete(files[1]);
            byte[] bytes = File.ReadAllBytes(files[2]);
            int at = IndexOf(bytes, "\"output_tokens\":");
            if (at >= 0)
            {
                int digit = at + "\"output_tokens\":".Length;
                bytes[digit] = bytes[digit] == (byte)'9' ? (byte)'8' : (byte)(bytes[digit] + 1);
            }
            File.WriteAllBytes(files[2], bytes);
            File.SetLastWriteTimeUtc(files[2], DateTime.UtcNow.AddMinutes(1));
            AssertSame(TranscriptReader.Read(Options(null)), TranscriptReader.Read(Options(cache)));
        }

        [Fact]
        public void Read_WithDamagedCacheFile_ShouldIgnoreItAndEqualColdRead()
        {
            string cache = Path.Combine(_temp, "damaged");
            TranscriptReadResult cold = ReadCorpus();
            ReadCorpus(cache);
            string file = Directory.GetFiles(cache, "transcripts-*.bin").Single();
            byte[] bytes = File.ReadAllBytes(file);
            // One flipped bit inside a token count keeps the structure valid: the checksum must catch it.
            byte[] flipped = (byte[])bytes.Clone();
            flipped[flipped.Length / 2] ^= 0x01;
            File.WriteAllBytes(file, flipped);
            AssertSame(cold, ReadCorpus(cache));
            File.WriteAllBytes(file, bytes.Take(bytes.Length / 2).ToArray());
            TranscriptReadResult damaged = ReadCorpus(cache);
            AssertSame(cold, damaged);
            AssertSame(cold, ReadCorpus(cache));
        }

        private TranscriptReadOptions CopyOptions(string copy, string? cache, DateTime? since = null)
        {
            TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = cache, Since = since };
            o.ProjectRoots.Add(Path.Combine(copy, "projects"));
            return o;
        }

        private static TranscriptReadResult From(TranscriptReadResult full, DateTime since) =>
            new TranscriptReadResult(full.Entries.Where(e => e.Timestamp >= since).ToList(), full.Files, 0, 0, full.MalformedLines, full.FirstMalformedLocation, full.UnreadableFiles);

        [Fact]
        public void Read_WithCacheOfOneFileOfManyResponses_ShouldAnswerTheSecondReadFromTheCache()
        {
            // Few header bytes, many entries: the header's entry count must not be bounded by the header's size.
            string root = Path.Combine(_temp, "many", "projects", "p");
            Directory.CreateDirectory(root);
            var text = new System.Text.StringBuilder();
            for (int i = 0; i < 2000; i++)
            {
                text.Append("{\"type\":\"assistant\",\"timestamp\":\"2026-11-20T10:00:00Z\",\"requestId\":\"r").Append(i)
                    .Append("\",\"message\":{\"id\":\"m").Append(i).Append("\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":").Append(i)
                    .Append(",\"output_tokens\":1,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}\n");
            }
            File.WriteAllText(Path.Combine(root, "s.jsonl"), text.ToString());
            TranscriptReadOptions o = new TranscriptReadOptions { CacheFolder = Path.Combine(_temp, "many-cache") };
            o.ProjectRoots.Add(Path.Combine(_temp, "many", "projects"));
            TranscriptReadResult cold = TranscriptReader.Read(o);
            TranscriptReadResult warm = TranscriptReader.Read(o);
            Assert.Equal((1, 0L), (warm.FilesFromCache, warm.BytesRead));
            Assert.Equal(2000, warm.Entries.Count);
            AssertSame(cold, warm);
        }

        [Fact]
        public void Read_WithSinceThroughTheCache_ShouldEqualAFullReadFromThatInstant()
        {
            string copy = Path.Combine(_temp, "since");
            CopyDirectory(_corpus.Root, copy);
            string cache = Path.Combine(_temp, "since-cache");
            TranscriptReadResult full = TranscriptReader.Read(CopyOptions(copy, null));
            List<DateTime> times = full.Entries.Select(e => e.Timestamp).OrderBy(t => t).ToList();
            DateTime[] cuts = { times[0], times[times.Count / 4], times[times.Count / 2], times[times.Count * 9 / 10], times[times.Count - 1], times[times.Count - 1].AddDays(1) };

            foreach (DateTime cut in cuts) { AssertSame(From(full, cut), TranscriptReader.Read(CopyOptions(copy, null, cut))); } // no cache: filtered only
            AssertSame(full, TranscriptReader.Read(CopyOptions(copy, cache)));
            foreach (DateTime cut in cuts)
            {
                TranscriptReadResult windowed = TranscriptReader.Read(CopyOptions(copy, cache, cut));
                Assert.Equal(windowed.Files, windowed.FilesFromCache);
                AssertSame(From(full, cut), windowed);
            }
            // The windowed reads left a cache a full read still believes (every block copied or re-encoded intact).
            TranscriptReadResult again = TranscriptReader.Read(CopyOptions(copy, cache));
            Assert.Equal(0, again.BytesRead);
            AssertSame(full, again);
        }

        // A changed file gains a copy of an old response of another file, dated after the cut. Whether the copy or the
        // old line wins (the larger usage), the windowed read must see both, as the full read does.
        [Theory]
        [InlineData(1000000L)]
        [InlineData(0L)]
        public void Read_WithSinceAfterAChangedFileCopiesAnOlderResponse_ShouldEqualAFullRead(long extraOutput)
        {
            string copy = Path.Combine(_temp, "copy-" + extraOutput);
            CopyDirectory(_corpus.Root, copy);
            string cache = Path.Combine(_temp, "copy-cache-" + extraOutput);
            TranscriptReadResult before = TranscriptReader.Read(CopyOptions(copy, cache));
            List<DateTime> times = before.Entries.Select(e => e.Timestamp).OrderBy(t => t).ToList();
            DateTime cut = times[times.Count - 1].AddHours(1);
            UsageEntry old = before.Entries.Where(e => e.MessageId is not null && e.RequestId is not null && !e.IsSidechain && e.Timestamp < times[times.Count / 2])
                .OrderBy(e => e.Timestamp).First();
            string target = Directory.GetFiles(Path.Combine(copy, "projects"), "*.jsonl", SearchOption.AllDirectories)
                .First(f => !string.Equals(Path.GetFileName(f), Path.GetFileName(old.SourceFile), StringComparison.Ordinal));
            string line = "{\"type\":\"assistant\",\"isSidechain\":false,\"timestamp\":\"" + cut.AddMinutes(5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture)
                + "\",\"sessionId\":\"copy\",\"requestId\":\"" + old.RequestId + "\",\"message\":{\"id\":\"" + old.MessageId + "\",\"model\":\"" + old.Model
                + "\",\"usage\":{\"input_tokens\":1,\"output_tokens\":" + (extraOutput == 0 ? 0 : old.OutputTokens + extraOutput) + ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}\n";
            File.AppendAllText(target, line);

            TranscriptReadResult full = TranscriptReader.Read(CopyOptions(copy, null));
            TranscriptReadResult windowed = TranscriptReader.Read(CopyOptions(copy, cache, cut));
            AssertSame(From(full, cut), windowed);
            Assert.Equal(extraOutput == 0 ? 0 : 1, windowed.Entries.Count); // the copy counts only where it is the larger
            // And a later windowed read through the cache this one saved still agrees.
            AssertSame(From(full, cut), TranscriptReader.Read(CopyOptions(copy, cache, cut)));
            AssertSame(From(full, times[times.Count / 2]), TranscriptReader.Read(CopyOptions(copy, cache, times[times.Count / 2])));
        }

        [Fact]
        public void StatusLine_TodayAndBlockThroughTheCacheSummaries_ShouldEqualAFullReadsReport()
        {
            string cache = Path.Combine(_temp, "statusline-cache");
            TranscriptReadResult full = ReadCorpus();
            List<UsageEntry> sorted = full.Entries.OrderBy(e => e.Timestamp).ToList();
            string session = sorted[sorted.Count - 1].SourceFile!;
            TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
            foreach (int at in new[] { sorted.Count / 3, sorted.Count / 2, sorted.Count - 1 })
            {
                DateTimeOffset now = new DateTimeOffset(DateTime.SpecifyKind(sorted[at].Timestamp, DateTimeKind.Utc)).AddMinutes(30);
                foreach (string? folder in new[] { cache, cache, null })
                {
                    var request = new RlmTokens.Live.StatusLineRequest
                    {
                        Now = now,
                        TimeZone = zone,
                        CacheFolder = folder,
                        Prices = PriceTable.BuiltIn,
                        Input = new RlmTokens.Live.StatusLineInput { TranscriptPath = session, ModelId = "claude-sonnet-4-5" },
                    };
                    request.ProjectRoots.Add(TranscriptDiscovery.ResolveRoot(_corpus.Root));
                    TokenStatusLine s = RlmTokens.Live.StatusLineBuilder.Build(request).Status;

                    DateTime today = TimeZoneInfo.ConvertTime(now, zone).Date;
                    var day = new TranscriptUsageQuery { GroupBy = UsageGrouping.Day, Since = today, Until = today, TimeZone = zone };
                    TranscriptUsageRow? todayRow = TranscriptReport.Build(full.Entries, day, PriceTable.BuiltIn).Rows.SingleOrDefault();
                    Assert.Equal(todayRow?.TotalTokens ?? 0, s.TodayTokens);
                    Assert.Equal(todayRow is null ? 0m : todayRow.CostUsd, s.TodayCostUsd);
                    var blocks = new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc };
                    TranscriptUsageRow last = TranscriptReport.Build(full.Entries.Where(e => e.Timestamp <= now.UtcDateTime), blocks, PriceTable.BuiltIn).Rows.Last();
                    if (last.End > now.UtcDateTime)
                    {
                        Assert.Equal(last.CostUsd, s.BlockCostUsd);
                        Assert.Equal(last.Start, s.BlockStart!.Value.UtcDateTime);
                    }
                    else
                    {
                        Assert.Null(s.BlockCostUsd);
                    }
                }
            }
        }

        [Fact]
        public void ReadFile_WithBlockCopiesProgressReplayAndSynthetic_ShouldCountEachResponseOnce()
        {
            string project = Path.Combine(_temp, "projects", "-home-dev-x");
            string session = "11111111-2222-3333-4444-555555555555";
            string main = Path.Combine(project, session + ".jsonl");
            string sub = Path.Combine(project, session, "subagents", "agent-a1.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(sub)!);
            File.WriteAllText(main, string.Join("\n",
                Line("msg_1", "req_1", 10, false, "2026-09-01T10:00:00.000Z"),
                Line("msg_1", "req_1", 250, false, "2026-09-01T10:00:00.200Z"),
                "{\"type\":\"progress\",\"data\":{\"message\":{\"type\":\"assistant\",\"message\":{\"id\":\"msg_9\",\"model\":\"claude-haiku-4-5-20251001\",\"usage\":{\"input_tokens\":5,\"output_tokens\":5}}},\"requestId\":\"req_9\"},\"timestamp\":\"2026-09-01T10:00:01.000Z\"}",
                "{\"type\":\"assistant\",\"timestamp\":\"2026-09-01T10:00:02.000Z\",\"message\":{\"id\":\"x\",\"model\":\"<synthetic>\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":0}}}",
                "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":1 BROKEN",
                "") );
            File.WriteAllText(sub, string.Join("\n",
                Line("msg_9", "req_9", 5, true, "2026-09-01T10:00:00.500Z"),
                Line("msg_1", "req_other", 250, true, "2026-09-01T10:00:00.200Z"),
                ""));

            TranscriptReadResult session1 = TranscriptReader.ReadSession(main);
            Assert.Equal(2, session1.Entries.Count);
            UsageEntry parent = session1.Entries.Single(e => e.MessageId == "msg_1");
            Assert.Equal(250, parent.OutputTokens);
            Assert.False(parent.IsSidechain);
            Assert.Equal(100, parent.CacheCreation5mTokens);
            Assert.Equal(20, parent.CacheCreation1hTokens);
            Assert.Equal(120, parent.CacheCreationTokens);
            Assert.Equal("-home-dev-x", parent.Project);
            Assert.Equal("feat/x", parent.GitBranch);
            Assert.Equal("/home/dev/x", parent.Cwd);
            Assert.Equal(session, parent.SessionId);
            Assert.Equal(new DateTime(2026, 9, 1, 10, 0, 0, 200, DateTimeKind.Utc), parent.Timestamp);
            Assert.True(session1.Entries.Single(e => e.MessageId == "msg_9").IsSidechain);
            Assert.Equal(1, session1.MalformedLines);
            Assert.Equal(main + ":5", session1.FirstMalformedLocation);

            TranscriptReadResult onlyMain = TranscriptReader.ReadFile(main);
            Assert.Single(onlyMain.Entries);
        }

        [Fact]
        public void DefaultProjectRoots_WithCommaSeparatedConfigDirs_ShouldListExistingProjectsFolders()
        {
            string home = Path.Combine(_temp, "home");
            string a = Path.Combine(_temp, "a");
            string b = Path.Combine(_temp, "b");
            Directory.CreateDirectory(Path.Combine(home, ".claude", "projects"));
            Directory.CreateDirectory(Path.Combine(home, ".config", "claude", "projects"));
            Directory.CreateDirectory(Path.Combine(a, "projects"));
            Directory.CreateDirectory(b);
            IReadOnlyList<string> roots = TranscriptDiscovery.DefaultProjectRoots(home, a + " , " + b);
            Assert.Equal(new[]
            {
                Path.Combine(a, "projects"),
                Path.Combine(home, ".claude", "projects"),
                Path.Combine(home, ".config", "claude", "projects"),
            }, roots);
            Assert.Empty(TranscriptDiscovery.DefaultProjectRoots(null, null));
        }

        internal static string Line(string id, string req, long output, bool sidechain, string ts) =>
            "{\"parentUuid\":null,\"isSidechain\":" + (sidechain ? "true" : "false") + ",\"cwd\":\"/home/dev/x\",\"sessionId\":\"11111111-2222-3333-4444-555555555555\",\"gitBranch\":\"feat/x\",\"type\":\"assistant\",\"message\":{\"model\":\"claude-sonnet-4-5-20250929\",\"id\":\"" + id + "\",\"content\":[{\"type\":\"text\",\"text\":\"usage \\\"quoted\\\"\"}],\"usage\":{\"input_tokens\":3,\"cache_creation_input_tokens\":120,\"cache_read_input_tokens\":1000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":100,\"ephemeral_1h_input_tokens\":20},\"output_tokens\":" + output + "}},\"requestId\":\"" + req + "\",\"timestamp\":\"" + ts + "\"}";

        private static void AssertBucket(JsonElement expected, List<UsageEntry> actual, string what)
        {
            Assert.Equal(expected.GetProperty("input").GetInt64(), actual.Sum(e => e.InputTokens));
            Assert.Equal(expected.GetProperty("output").GetInt64(), actual.Sum(e => e.OutputTokens));
            Assert.Equal(expected.GetProperty("cacheCreation").GetInt64(), actual.Sum(e => e.CacheCreationTokens));
            Assert.Equal(expected.GetProperty("cacheRead").GetInt64(), actual.Sum(e => e.CacheReadTokens));
            Assert.Equal(expected.GetProperty("responses").GetInt64(), actual.Count);
            AssertRelative(expected.GetProperty("cost").GetDouble(), (double)actual.Sum(e => PriceTable.BuiltIn.Cost(e)!.Value), what);
        }

        internal static void AssertRelative(double expected, double actual, string what)
        {
            double rel = Math.Abs(expected - actual) / Math.Max(1e-12, Math.Abs(expected));
            Assert.True(rel <= 1e-9, $"{what}: expected {expected:R}, got {actual:R} (relative {rel:E2})");
        }

        private static void AssertSame(TranscriptReadResult expected, TranscriptReadResult actual)
        {
            static string Key(UsageEntry e) => string.Join("|", e.MessageId, e.RequestId, e.Timestamp.Ticks, e.Model, e.SessionId, e.Project, e.Cwd, e.GitBranch, e.AgentId, e.IsSidechain,
                e.InputTokens, e.OutputTokens, e.CacheCreationTokens, e.CacheCreation5mTokens, e.CacheCreation1hTokens, e.CacheReadTokens, e.SourceFile);
            Assert.Equal(expected.Entries.Select(Key).OrderBy(k => k, StringComparer.Ordinal), actual.Entries.Select(Key).OrderBy(k => k, StringComparer.Ordinal));
            Assert.Equal(expected.MalformedLines, actual.MalformedLines);
            Assert.Equal(expected.FirstMalformedLocation, actual.FirstMalformedLocation);
        }

        private static int IndexOf(byte[] bytes, string s)
        {
            byte[] pat = System.Text.Encoding.UTF8.GetBytes(s);
            return bytes.AsSpan().IndexOf(pat);
        }

        private static void CopyDirectory(string from, string to)
        {
            foreach (string dir in Directory.GetDirectories(from, "*", SearchOption.AllDirectories))
            {
                Directory.CreateDirectory(dir.Replace(from, to));
            }
            Directory.CreateDirectory(to);
            foreach (string file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
            {
                File.Copy(file, file.Replace(from, to));
            }
        }
    }
}
