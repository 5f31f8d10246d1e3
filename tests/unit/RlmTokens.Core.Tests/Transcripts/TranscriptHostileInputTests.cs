using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;
using Xunit.Abstractions;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>
    /// Issue 11, items 4 and 5, for transcripts: numbers that are not counts, sums past long, FIFOs where a
    /// transcript should be, a link loop under the transcripts folder, and a line past the length cap.
    /// </summary>
    public sealed class TranscriptHostileInputTests
    {
        private static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        private static readonly TimeSpan DoesNotHang = TimeSpan.FromSeconds(60);
        private readonly ITestOutputHelper _out;

        public TranscriptHostileInputTests(ITestOutputHelper output) => _out = output;

        /// <summary>An assistant line with the given usage JSON (no requestId unless given: never de-duplicated).</summary>
        internal static string Usage(string usage, string model = "claude-sonnet-4-6", string? id = null, string ts = "2026-11-23T09:00:00Z") =>
            "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/w\",\"timestamp\":\"" + ts + "\"" + (id is null ? string.Empty : ",\"requestId\":\"" + id + "\"")
            + ",\"message\":{\"model\":\"" + model + "\"" + (id is null ? string.Empty : ",\"id\":\"" + id + "\"") + ",\"usage\":" + usage + "}}";

        private static string Counts(string input, string output = "1") => "{\"input_tokens\":" + input + ",\"output_tokens\":" + output + "}";

        public static IEnumerable<object[]> BadCounts => new[]
        {
            new object[] { "-1000000" },
            new object[] { "-1" },
            new object[] { "99999999999999999999" },
            new object[] { "9223372036854775808" },
            new object[] { "1e400" },
            new object[] { "12.5" },
            new object[] { "\"many\"" },
            new object[] { "\"-5\"" },
            new object[] { "true" },
            new object[] { "{\"n\":1}" },
            new object[] { "[1]" },
        };

        [Theory]
        [MemberData(nameof(BadCounts))]
        public void ReadFile_WithUsageThatIsNotACount_ShouldCountAMalformedLineAndSumNothingOfIt(string count)
        {
            using var dir = new TempDir();
            string file = dir.Write("p/t.jsonl", Usage(Counts("100")) + "\n" + Usage(Counts(count)) + "\n" + Usage(Counts("7", count)) + "\n");

            TranscriptReadResult read = TranscriptReader.ReadFile(file);

            UsageEntry only = Assert.Single(read.Entries);
            Assert.Equal(100, only.InputTokens);
            Assert.Equal(2, read.MalformedLines);
            Assert.Equal(file + ":2", read.FirstMalformedLocation);
            Assert.Contains(TranscriptUsage.Warnings(read, null), w => w.Contains(file + ":2", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData("1234.0", 1234)]
        [InlineData("\"1234\"", 1234)]
        [InlineData("null", 0)]
        [InlineData("9223372036854775806", 9223372036854775806)]
        public void ReadFile_WithCountsAsPowerShellWritesThem_ShouldAcceptThem(string count, long expected)
        {
            using var dir = new TempDir();
            string file = dir.Write("p/t.jsonl", Usage(Counts(count, "0")) + "\n");

            TranscriptReadResult read = TranscriptReader.ReadFile(file);

            Assert.Equal(expected, Assert.Single(read.Entries).InputTokens);
            Assert.Equal(0, read.MalformedLines);
        }

        [Fact]
        public void ReadFile_WithOneLineWhoseCountsAddUpPastLong_ShouldCountItMalformed()
        {
            using var dir = new TempDir();
            string file = dir.Write("p/t.jsonl", Usage(Counts("9223372036854775807", "1")) + "\n"
                + Usage("{\"input_tokens\":1,\"cache_creation_input_tokens\":5,\"cache_creation\":{\"ephemeral_5m_input_tokens\":-9,\"ephemeral_1h_input_tokens\":3}}") + "\n");

            TranscriptReadResult read = TranscriptReader.ReadFile(file);

            Assert.Empty(read.Entries);
            Assert.Equal(2, read.MalformedLines);
        }

        [Fact]
        public void ReadFile_WithNegativeUsage_ShouldNeverYieldANegativeCost()
        {
            // Before: -1,000,000 input tokens were summed, a cost of -$3.00 at $3 per million.
            using var dir = new TempDir();
            using var ws = new ScratchWorkspace();
            string file = dir.Write("p/t.jsonl", Usage(Counts("1000000", "0"), id: "a") + "\n" + Usage(Counts("-2000000", "0"), id: "b") + "\n");

            CostCapture capture = TranscriptCost.Read(file, ws.Tracker(Noon), default);

            Assert.Equal(3.0m, capture.Report.CostUsd);
            Assert.Equal(1000000, Assert.Single(capture.Report.Models).InputTokens);
            Assert.Contains(capture.Report.Warnings, w => w.Contains(file + ":2", StringComparison.Ordinal));
        }

        private static string Overflowing(TempDir dir) =>
            // Each line is a valid count; their sum is past long.MaxValue (it used to wrap to -8446744073709551616).
            dir.Write("projects/p/t.jsonl", Usage(Counts("5000000000000000000", "0"), id: "a") + "\n" + Usage(Counts("5000000000000000000", "0"), id: "b") + "\n");

        [Fact]
        public void SumByModel_PastLong_ShouldThrowNumberOutOfRangeNotWrap()
        {
            using var dir = new TempDir();
            string file = Overflowing(dir);
            TranscriptReadResult read = TranscriptReader.ReadFile(file);
            Assert.Equal(2, read.Entries.Count);

            var e = Assert.Throws<InvalidArgumentException>(() => TranscriptReader.SumByModel(read.Entries, PriceTable.BuiltIn));

            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal(file, e.Target);
        }

        [Theory]
        [InlineData(UsageGrouping.Day)]
        [InlineData(UsageGrouping.Session)]
        [InlineData(UsageGrouping.Block)]
        public void ReportBuild_PastLong_ShouldThrowNumberOutOfRangeNotWrap(UsageGrouping grouping)
        {
            using var dir = new TempDir();
            Overflowing(dir);
            var options = new TranscriptReadOptions();
            options.ProjectRoots.Add(Path.Combine(dir.Root, "projects"));
            TranscriptReadResult read = TranscriptReader.Read(options);

            var e = Assert.Throws<InvalidArgumentException>(() =>
                TranscriptReport.Build(read.Entries, new TranscriptUsageQuery { GroupBy = grouping, TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn));

            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }

        [Fact]
        public void TranscriptCostAndExactUsage_PastLong_ShouldThrowNumberOutOfRangeAndWriteNothing()
        {
            using var dir = new TempDir();
            using var ws = new ScratchWorkspace();
            string file = Overflowing(dir);

            var e = Assert.Throws<InvalidArgumentException>(() => TranscriptCost.Read(file, ws.Tracker(Noon), default));

            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "*.json"));
        }

        [Fact]
        public void TranscriptUsageSource_PastLong_ShouldThrowNumberOutOfRangeNotWrap()
        {
            using var dir = new TempDir();
            using var ws = new ScratchWorkspace();
            dir.Write("projects/p/t.jsonl",
                Usage(Counts("5000000000000000000", "0"), id: "a").Replace("\"/w\"", "\"" + ws.Root + "\"", StringComparison.Ordinal) + "\n"
                + Usage(Counts("5000000000000000000", "0"), id: "b").Replace("\"/w\"", "\"" + ws.Root + "\"", StringComparison.Ordinal) + "\n");
            var source = new RlmTokens.Usage.TranscriptUsageSource(new[] { Path.Combine(dir.Root, "projects") });
            var query = new RlmTokens.Usage.UsageQuery(ws.Tracker(Noon), new DateTime(2026, 11, 1), new DateTime(2026, 11, 30));

            var e = Assert.Throws<InvalidArgumentException>(() => source.Read(query, new List<RlmTokensException>()).ToList());

            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }

        [Theory]
        [InlineData("-3.0")]
        [InlineData("79228162514264337593543950335")]
        public void AddCost_WithACostThatIsNoMoney_ShouldThrowNumberOutOfRange(string text)
        {
            decimal cost = decimal.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            var e = Assert.Throws<InvalidArgumentException>(() => CheckedSums.AddCost(1m, cost, new UsageEntry { Model = "m", SourceFile = "/t.jsonl" }));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal("/t.jsonl", e.Target);
        }

        [Fact]
        public void CacheLoad_WithEntriesTheParserWouldRefuse_ShouldIgnoreTheCache()
        {
            using var dir = new TempDir();
            string cache = Path.Combine(dir.Root, "cache");
            var state = new FileScanState { Path = "/t.jsonl", Project = "p", Length = 10, Offset = 10 };
            state.Entries.Add(new UsageEntry { Model = "m", InputTokens = -1000000 });
            TranscriptCache.Load(cache, "k").Save(new[] { state });
            Assert.Equal(0, TranscriptCache.Load(cache, "k").Count);

            state.Entries[0] = new UsageEntry { Model = "m", InputTokens = long.MaxValue, OutputTokens = 1 };
            TranscriptCache.Load(cache, "k").Save(new[] { state });
            Assert.Equal(0, TranscriptCache.Load(cache, "k").Count);

            state.Entries[0] = new UsageEntry { Model = "m", InputTokens = 5 };
            TranscriptCache.Load(cache, "k").Save(new[] { state });
            Assert.Equal(1, TranscriptCache.Load(cache, "k").Count);
        }

        // ---- FIFOs ----

        [Fact]
        public async Task Read_WithAFifoNamedXJsonlInTheTranscriptsFolder_ShouldSkipItWithAWarningAndNotHang()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var dir = new TempDir();
            dir.Write("projects/p/good.jsonl", Usage(Counts("10")) + "\n");
            string fifo = Path.Combine(dir.Root, "projects", "p", "x.jsonl");
            Assert.Equal(0, Mkfifo(fifo, 0x1B6));
            var options = new TranscriptReadOptions();
            options.ProjectRoots.Add(Path.Combine(dir.Root, "projects"));

            Task<TranscriptReadResult> task = Task.Run(() => TranscriptReader.Read(options));
            Assert.Same(task, await Task.WhenAny(task, Task.Delay(DoesNotHang)));
            TranscriptReadResult read = await task;

            Assert.Equal(10, Assert.Single(read.Entries).InputTokens);
            Assert.Equal(new[] { fifo }, read.NotRegularFiles);
            Assert.Contains(TranscriptUsage.Warnings(read, null), w => w.Contains(fifo, StringComparison.Ordinal) && w.Contains("FIFO", StringComparison.Ordinal));
        }

        [Fact]
        public async Task Read_WithAFifoAmongASessionsSubagentTranscripts_ShouldSkipItAndNotHang()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var dir = new TempDir();
            string main = dir.Write("projects/p/s1.jsonl", Usage(Counts("10")) + "\n");
            Directory.CreateDirectory(Path.Combine(dir.Root, "projects", "p", "s1", "subagents"));
            string fifo = Path.Combine(dir.Root, "projects", "p", "s1", "subagents", "agent-1.jsonl");
            Assert.Equal(0, Mkfifo(fifo, 0x1B6));

            Task<TranscriptReadResult> task = Task.Run(() => TranscriptReader.ReadSession(main));
            Assert.Same(task, await Task.WhenAny(task, Task.Delay(DoesNotHang)));

            TranscriptReadResult read = await task;
            Assert.Single(read.Entries);
            Assert.Equal(new[] { fifo }, read.NotRegularFiles);
        }

        [Fact]
        public async Task TranscriptCost_OnAFifo_ShouldRefuseItAtOnceWithNotARegularFile()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new ScratchWorkspace();
            string fifo = Path.Combine(ws.Root, "t.jsonl");
            Assert.Equal(0, Mkfifo(fifo, 0x1B6));

            var read = Task.Run(() => Record.Exception(() => TranscriptCost.Read(fifo, ws.Tracker(Noon), default)));
            var context = Task.Run(() => Record.Exception(() => TranscriptCost.LastContextTokens(fifo)));
            Task both = Task.WhenAll(read, context);
            Assert.Same(both, await Task.WhenAny(both, Task.Delay(DoesNotHang)));

            Assert.Equal("NotARegularFile", Assert.IsType<NotRegularFileException>(await read).ErrorId);
            var e = Assert.IsType<NotRegularFileException>(await context);
            Assert.Equal(fifo, e.Target);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, FolderLock.FileName)));
        }

        // ---- A link loop ----

        [Fact]
        public async Task FindFiles_WithALinkToAnAncestorFolder_ShouldFollowEachRealFileOnce()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var dir = new TempDir();
            string projects = Path.Combine(dir.Root, "projects");
            string file = dir.Write("projects/p/s1.jsonl", Usage(Counts("10")) + "\n" + "{\"type\":\"assistant\",\"message\":{\"usage\":{ BROKEN\n");
            Directory.CreateDirectory(Path.Combine(projects, "p", "s1", "subagents"));
            Directory.CreateSymbolicLink(Path.Combine(projects, "p", "loop"), projects);
            // With this one loop, the listing the reader used before (GetFiles, AllDirectories) went round it
            // until the OS refused the path (ELOOP): the same file under ever longer paths.
            Task<int> naiveTask = Task.Run(() => CountNaively(projects));
            int naive = await Task.WhenAny(naiveTask, Task.Delay(DoesNotHang)) == naiveTask ? await naiveTask : -1;
            Directory.CreateSymbolicLink(Path.Combine(projects, "p", "s1", "subagents", "up"), Path.Combine(projects, "p"));
            File.CreateSymbolicLink(Path.Combine(projects, "p", "again.jsonl"), file);
            Directory.CreateSymbolicLink(Path.Combine(projects, "q"), Path.Combine(projects, "p"));
            var options = new TranscriptReadOptions();
            options.ProjectRoots.Add(projects);

            TranscriptReadResult read = TranscriptReader.Read(options);

            _out.WriteLine("one loop link, old recursive listing: {0} .jsonl paths; discovery with four links now: {1} file(s), {2} entr(ies), {3} malformed", naive, read.Files, read.Entries.Count, read.MalformedLines);
            Assert.Equal(1, read.Files);
            Assert.Equal(10, Assert.Single(read.Entries).InputTokens);
            Assert.Equal(1, read.MalformedLines);
            TranscriptReadResult session = TranscriptReader.ReadSession(file);
            Assert.Single(session.Entries);
            Assert.Equal(1, session.Files);
        }

        // What Directory.GetFiles(AllDirectories) made of the same tree (the reader's listing before this fix).
        private static int CountNaively(string projects)
        {
            try { return Directory.GetDirectories(projects).Sum(p => Directory.GetFiles(p, "*.jsonl", SearchOption.AllDirectories).Length); }
            catch (IOException) { return -1; }
        }

        // ---- A line past the cap ----

        [Fact]
        public void Read_WithALineAboveTheCap_ShouldSkipItAsMalformedAndCountTheOthers()
        {
            using var dir = new TempDir();
            string longLine = Usage(Counts("999", "0")).Replace("\"cwd\":\"/w\"", "\"cwd\":\"/w\",\"pad\":\"" + new string('x', 5000) + "\"", StringComparison.Ordinal);
            string justUnder = Usage(Counts("5", "0")).Replace("\"cwd\":\"/w\"", "\"cwd\":\"/w\",\"pad\":\"\"", StringComparison.Ordinal);
            justUnder = justUnder.Replace("\"pad\":\"\"", "\"pad\":\"" + new string('y', 4095 - justUnder.Length) + "\"", StringComparison.Ordinal);
            Assert.Equal(4095, justUnder.Length);
            string file = dir.Write("projects/p/t.jsonl", Usage(Counts("1", "0")) + "\n" + longLine + "\n" + justUnder + "\n" + Usage(Counts("2", "0")) + "\n");

            TranscriptReadResult read = TranscriptReader.Read(new TranscriptReadOptions { Files = new List<TranscriptFile> { new TranscriptFile(file, "p") }, MaxLineBytes = 4096 });

            Assert.Equal(new long[] { 1, 5, 2 }, read.Entries.Select(e => e.InputTokens).ToArray());
            Assert.Equal(1, read.MalformedLines);
            Assert.Equal(file + ":2", read.FirstMalformedLocation);
        }

        [Fact]
        public void Read_WithCacheAndAnUnterminatedLineAboveTheCap_ShouldCountItOnceAndPickItUpWhenItEnds()
        {
            using var dir = new TempDir();
            string cache = Path.Combine(dir.Root, "cache");
            string file = dir.Write("projects/p/t.jsonl", Usage(Counts("1", "0")) + "\n{\"pad\":\"" + new string('x', 9000));
            TranscriptReadOptions Options() => new TranscriptReadOptions { Files = new List<TranscriptFile> { new TranscriptFile(file, "p") }, MaxLineBytes = 4096, CacheFolder = cache };

            TranscriptReadResult first = TranscriptReader.Read(Options());
            TranscriptReadResult again = TranscriptReader.Read(Options());
            File.AppendAllText(file, "\"}\n" + Usage(Counts("2", "0")) + "\n");
            TranscriptReadResult grown = TranscriptReader.Read(Options());

            Assert.Equal((1, 1), (first.Entries.Count, first.MalformedLines));
            Assert.Equal((1, 1), (again.Entries.Count, again.MalformedLines));
            Assert.Equal((2, 1), (grown.Entries.Count, grown.MalformedLines));
            Assert.Equal(file + ":2", grown.FirstMalformedLocation);
        }

        [Fact]
        public void Read_WithAnEightyMegabyteLineAtTheDefaultCap_ShouldSkipItWithoutHoldingIt()
        {
            using var dir = new TempDir();
            string file = Path.Combine(dir.Root, "projects", "p", "big.jsonl");
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            using (var f = new FileStream(file, FileMode.CreateNew))
            {
                byte[] head = System.Text.Encoding.UTF8.GetBytes(Usage(Counts("1", "0")) + "\n");
                f.Write(head);
                // 80 MB of zero bytes (sparse where the file system allows it): one line with no newline.
                f.SetLength(head.Length + 80L * 1000 * 1000);
                f.Seek(0, SeekOrigin.End);
                f.Write(System.Text.Encoding.UTF8.GetBytes("\n" + Usage(Counts("2", "0")) + "\n"));
            }
            long before = GC.GetTotalAllocatedBytes(precise: true);

            TranscriptReadResult read = TranscriptReader.ReadFile(file);

            long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
            _out.WriteLine("80 MB line at the 64 MiB cap: {0:N0} bytes allocated by the read (and by any test running beside it)", allocated);
            Assert.Equal(new long[] { 1, 2 }, read.Entries.Select(e => e.InputTokens).ToArray());
            Assert.Equal(1, read.MalformedLines);
            Assert.Equal(file + ":2", read.FirstMalformedLocation);
            Assert.True(allocated < 1L << 30, "allocated " + allocated);
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        private static extern int Mkfifo(string path, int mode);
    }
}
