using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;

namespace RlmTokens.Transcripts
{
    /// <summary>How to read: which files or roots, a cache folder, parallelism, progress, cancellation.</summary>
    public sealed class TranscriptReadOptions
    {
        /// <summary>Projects folders (see <see cref="TranscriptDiscovery"/>) to search for transcripts.</summary>
        public IList<string> ProjectRoots { get; } = new List<string>();

        /// <summary>Explicit files; when set, <see cref="ProjectRoots"/> is not searched.</summary>
        public IList<TranscriptFile>? Files { get; set; }

        /// <summary>A folder for the incremental cache, or null for none.</summary>
        public string? CacheFolder { get; set; }

        /// <summary>
        /// Only the responses dated from this instant (UTC) on are wanted, or null for all. The result holds
        /// exactly the responses of a full read dated from it on; through the cache, the entries of unchanged
        /// files that hold none of them (nor a copy of one) are not even decoded.
        /// </summary>
        public DateTime? Since { get; set; }

        /// <summary>At most this many files are read at once (default: the processor count).</summary>
        public int MaxParallelism { get; set; } = Environment.ProcessorCount;

        /// <summary>Updated as files are read, from worker threads; poll it for progress.</summary>
        public TranscriptReadProgress? Progress { get; set; }

        public CancellationToken Cancellation { get; set; }

        /// <summary>
        /// The cap on one line (default 64 MiB): a longer line is skipped unread and counted as malformed.
        /// Internal: tests lower it to exercise the cap with small files.
        /// </summary>
        internal int MaxLineBytes { get; set; } = FileScanner.DefaultMaxLineBytes;
    }

    /// <summary>Counters a caller can poll while a read runs on other threads.</summary>
    public sealed class TranscriptReadProgress
    {
        private int _filesDone;
        private long _bytesRead;

        public int FilesTotal { get; internal set; }

        public int FilesDone => Volatile.Read(ref _filesDone);

        public long BytesRead => Interlocked.Read(ref _bytesRead);

        internal void FileDone(long bytes)
        {
            Interlocked.Increment(ref _filesDone);
            Interlocked.Add(ref _bytesRead, bytes);
        }
    }

    /// <summary>The de-duplicated entries of a read, and what was wrong on the way.</summary>
    public sealed class TranscriptReadResult
    {
        internal TranscriptReadResult(IReadOnlyList<UsageEntry> entries, int files, int filesFromCache, long bytesRead, int malformed, string? firstMalformed, IReadOnlyList<string> unreadable, IReadOnlyList<string>? notRegular = null)
        {
            NotRegularFiles = notRegular ?? Array.Empty<string>();
            Entries = entries;
            Files = files;
            FilesFromCache = filesFromCache;
            BytesRead = bytesRead;
            MalformedLines = malformed;
            FirstMalformedLocation = firstMalformed;
            UnreadableFiles = unreadable;
        }

        /// <summary>Each API response once.</summary>
        public IReadOnlyList<UsageEntry> Entries { get; }

        public int Files { get; }

        /// <summary>Files answered entirely from the cache.</summary>
        public int FilesFromCache { get; }

        /// <summary>Bytes of transcript actually read in this run.</summary>
        public long BytesRead { get; }

        /// <summary>
        /// Lines skipped as malformed: lines that could hold usage but were not valid JSON, assistant lines
        /// whose usage holds a negative, fractional or out-of-range count, and lines longer than the cap
        /// (64 MiB; see FileScanner.MaxLineBytes).
        /// </summary>
        public int MalformedLines { get; }

        /// <summary>"path:line" of the first malformed line, or null.</summary>
        public string? FirstMalformedLocation { get; }

        /// <summary>Files that vanished or could not be opened while reading.</summary>
        public IReadOnlyList<string> UnreadableFiles { get; }

        /// <summary>.jsonl files that are FIFOs, devices or sockets: skipped without being opened (an open would block).</summary>
        public IReadOnlyList<string> NotRegularFiles { get; }
    }

    /// <summary>
    /// Reads Claude Code transcripts into exact, de-duplicated usage entries: streaming, parsing only
    /// lines that can hold usage, files in parallel, and (with a cache folder) incrementally.
    /// </summary>
    public static class TranscriptReader
    {
        /// <summary>The de-duplicated entries of one transcript file.</summary>
        public static TranscriptReadResult ReadFile(string path) =>
            Read(new TranscriptReadOptions { Files = new List<TranscriptFile> { new TranscriptFile(System.IO.Path.GetFullPath(path), TranscriptDiscovery.ProjectOf(path)) } });

        /// <summary>
        /// The de-duplicated entries of one session: the transcript (as a hook's transcript_path names
        /// it) plus its subagent transcripts (<see cref="TranscriptDiscovery.SessionFiles"/>).
        /// </summary>
        public static TranscriptReadResult ReadSession(string transcriptPath) =>
            Read(new TranscriptReadOptions { Files = new List<TranscriptFile>(TranscriptDiscovery.SessionFiles(transcriptPath)) });

        /// <summary>Reads every file the options name, in parallel, and de-duplicates across files.</summary>
        public static TranscriptReadResult Read(TranscriptReadOptions options)
        {
            if (options is null) { throw new ArgumentNullException(nameof(options)); }
            List<string> notRegular = new List<string>();
            IList<TranscriptFile> files = options.Files ?? new List<TranscriptFile>(TranscriptDiscovery.FindFiles(options.ProjectRoots, notRegular));
            TranscriptCache? cache = options.CacheFolder is null ? null : TranscriptCache.Load(options.CacheFolder, KeyOf(options, files));
            if (options.Progress is not null) { options.Progress.FilesTotal = files.Count; }
            FileScanResult?[] results = new FileScanResult?[files.Count];
            string?[] failures = new string?[files.Count];
            string?[] special = new string?[files.Count];
            ParallelOptions po = new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelism),
                CancellationToken = options.Cancellation,
            };
            // One file into results[i]: a cached block found damaged on the way makes it read in full.
            void ScanInto(int i, FileScanState? cached)
            {
                TranscriptFile f = files[i];
                results[i] = null;
                try
                {
                    try
                    {
                        results[i] = FileScanner.Scan(f, cached, options.Cancellation, options.MaxLineBytes);
                    }
                    catch (TranscriptCacheDamagedException)
                    {
                        results[i] = FileScanner.Scan(f, null, options.Cancellation, options.MaxLineBytes);
                    }
                }
                catch (System.IO.IOException)
                {
                    failures[i] = f.Path;
                }
                catch (UnauthorizedAccessException)
                {
                    failures[i] = f.Path;
                }
                catch (Errors.NotRegularFileException)
                {
                    // A FIFO, device or socket named as a transcript: refused before the open that would block.
                    special[i] = f.Path;
                }
                catch (Errors.RlmTokensException)
                {
                    failures[i] = f.Path;
                }
            }
            try
            {
                Parallel.For(0, files.Count, po, i =>
                {
                    ScanInto(i, cache?.Get(files[i].Path));
                    options.Progress?.FileDone(results[i]?.BytesRead ?? 0);
                });
                bool[] wanted = Wanted(options.Since, results, cache);
                // The wanted cached blocks are decoded side by side; a damaged one makes its file read again.
                Parallel.For(0, files.Count, po, i =>
                {
                    if (!wanted[i] || results[i] is not FileScanResult r || !r.FromCache || r.State.EntriesLoaded) { return; }
                    try { _ = r.State.Entries; }
                    catch (TranscriptCacheDamagedException) { ScanInto(i, null); }
                });
                options.Cancellation.ThrowIfCancellationRequested();
                return Gather(options, files, cache, results, failures, special, wanted, notRegular);
            }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException oce)
            {
                throw oce;
            }
        }

        /// <summary>
        /// Which files' entries a read needs: all of them, or with <paramref name="since"/> the changed files and
        /// the cached ones whose responses (or copies of them elsewhere) reach that instant, plus every cached
        /// file that shares a message id with a response the changed files gained: de-duplication then sees
        /// every copy of each response it keeps, exactly as in a full read.
        /// </summary>
        private static bool[] Wanted(DateTime? since, FileScanResult?[] results, TranscriptCache? cache)
        {
            bool[] wanted = new bool[results.Length];
            if (since is not DateTime from || cache is null)
            {
                for (int i = 0; i < wanted.Length; i++) { wanted[i] = true; }
                return wanted;
            }
            long cut = from.Ticks;
            HashSet<ulong> gained = new HashSet<ulong>();
            for (int i = 0; i < results.Length; i++)
            {
                if (results[i] is not FileScanResult r) { continue; }
                TranscriptCache.CachedFile? own = cache.RecordOf(r.State);
                if (r.FromCache && own is not null)
                {
                    wanted[i] = own.LinkedMaxTicks >= cut;
                    continue;
                }
                wanted[i] = true;
                HashSet<UsageEntry> before = new HashSet<UsageEntry>(ReferenceEqualityComparer.Instance);
                try
                {
                    if (cache.PreviousOf(r.State.Path) is TranscriptCache.CachedFile previous) { before.UnionWith(previous.State.Entries); }
                }
                catch (TranscriptCacheDamagedException)
                {
                    before.Clear();
                }
                foreach (UsageEntry e in r.Entries)
                {
                    if (e.MessageId is not null && e.RequestId is not null && !before.Contains(e)) { gained.Add(TranscriptCache.IdHash(e.MessageId)); }
                }
            }
            if (gained.Count == 0) { return wanted; }
            for (int i = 0; i < results.Length; i++)
            {
                if (wanted[i] || results[i] is not FileScanResult r || cache.RecordOf(r.State) is not TranscriptCache.CachedFile own) { continue; }
                try { wanted[i] = cache.SharesAny(own, gained); }
                catch (TranscriptCacheDamagedException) { wanted[i] = true; }
            }
            return wanted;
        }

        private static TranscriptReadResult Gather(TranscriptReadOptions options, IList<TranscriptFile> files, TranscriptCache? cache, FileScanResult?[] results,
            string?[] failures, string?[] special, bool[] wanted, List<string> notRegular)
        {
            UsageDeduplicator dedup = new UsageDeduplicator();
            int malformed = 0, fromCache = 0;
            long bytes = 0;
            string? first = null;
            List<string> unreadable = new List<string>();
            List<FileScanState> states = new List<FileScanState>(files.Count);
            for (int i = 0; i < results.Length; i++)
            {
                FileScanResult? r = results[i];
                if (r is null)
                {
                    if (failures[i] is string f) { unreadable.Add(f); }
                    if (special[i] is string sp) { notRegular.Add(sp); }
                    continue;
                }
                if (wanted[i]) { dedup.AddRange(r.Entries); }
                states.Add(r.State);
                bytes += r.BytesRead;
                if (r.FromCache) { fromCache++; }
                if (r.Malformed > 0)
                {
                    malformed += r.Malformed;
                    first ??= string.Format(CultureInfo.InvariantCulture, "{0}:{1}", files[i].Path, r.FirstMalformedLine);
                }
            }
            // Rewrite the cache only when something changed: a file read, added or gone.
            if (cache is not null && (fromCache != states.Count || cache.Count != states.Count)) { cache.Save(states); }
            notRegular.Sort(StringComparer.Ordinal);
            List<UsageEntry> entries = dedup.ToList();
            if (options.Since is DateTime since) { entries.RemoveAll(e => e.Timestamp < since); }
            return new TranscriptReadResult(entries, files.Count, fromCache, bytes, malformed, first, unreadable, notRegular);
        }

        private static string KeyOf(TranscriptReadOptions options, IList<TranscriptFile> files)
        {
            if (options.Files is null)
            {
                List<string> roots = new List<string>(options.ProjectRoots);
                roots.Sort(StringComparer.Ordinal);
                return "roots|" + string.Join("|", roots);
            }
            return files.Count == 0 ? "files|" : "files|" + files[0].Path + "|" + files.Count.ToString(CultureInfo.InvariantCulture);
        }

        /// <summary>
        /// Per-model sums of entries (each response once), priced with <paramref name="prices"/> when given.
        /// Every sum is checked: one that leaves long's range (tokens) or decimal's (USD) is NumberOutOfRange,
        /// never a wrapped or negative figure.
        /// </summary>
        /// <exception cref="Errors.InvalidArgumentException">NumberOutOfRange: a sum out of range.</exception>
        public static IReadOnlyList<ModelUsageTotal> SumByModel(IEnumerable<UsageEntry> entries, Pricing.PriceTable? prices = null)
        {
            Dictionary<string, ModelUsageTotal> byModel = new Dictionary<string, ModelUsageTotal>(StringComparer.Ordinal);
            foreach (UsageEntry e in entries)
            {
                if (!byModel.TryGetValue(e.Model, out ModelUsageTotal? t))
                {
                    t = new ModelUsageTotal { Model = e.Model, CostKnown = prices is not null };
                    byModel.Add(e.Model, t);
                }
                try
                {
                    checked
                    {
                        t.Responses++;
                        t.InputTokens += e.InputTokens;
                        t.OutputTokens += e.OutputTokens;
                        t.CacheCreationTokens += e.CacheCreationTokens;
                        t.CacheReadTokens += e.CacheReadTokens;
                        _ = t.InputTokens + t.OutputTokens + t.CacheCreationTokens + t.CacheReadTokens;
                    }
                }
                catch (OverflowException)
                {
                    throw Errors.Numbers.OutOfRange(e.SourceFile ?? e.Model, "token counts");
                }
                if (prices is not null)
                {
                    decimal? c = prices.Cost(e);
                    if (c is decimal v) { t.Cost = CheckedSums.AddCost(t.Cost, v, e); }
                    else { t.CostKnown = false; }
                }
            }
            List<ModelUsageTotal> list = new List<ModelUsageTotal>(byModel.Values);
            list.Sort((a, b) => string.CompareOrdinal(a.Model, b.Model));
            return list;
        }
    }

    /// <summary>Checked sums of transcript figures (DESIGN.md section 6: checked numbers).</summary>
    internal static class CheckedSums
    {
        /// <summary><paramref name="sum"/> plus one response's cost, in decimal; NumberOutOfRange when the cost is not a finite non-negative number or the sum leaves decimal's range.</summary>
        public static decimal? AddCost(decimal? sum, decimal cost, UsageEntry e)
        {
            try
            {
                if (cost < 0) { throw new OverflowException(); }
                return (sum ?? 0m) + cost;
            }
            catch (OverflowException)
            {
                throw Errors.Numbers.OutOfRange(e.SourceFile ?? e.Model, "costs");
            }
        }

        /// <summary>a + b, checked; NumberOutOfRange on overflow.</summary>
        public static long Add(long a, long b, object target)
        {
            try { return checked(a + b); }
            catch (OverflowException) { throw Errors.Numbers.OutOfRange(target, "token counts"); }
        }
    }

    /// <summary>Exact token totals of one model.</summary>
    public sealed class ModelUsageTotal
    {
        public string Model { get; set; } = string.Empty;

        public long Responses { get; set; }

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }

        /// <summary>The four counts added up (<see cref="TranscriptReader.SumByModel"/> has checked that they fit).</summary>
        public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;

        /// <summary>The cost of the priced responses, summed in decimal and checked; null when none could be priced.</summary>
        public decimal? Cost { get; set; }

        /// <summary>The cost of the priced responses; null when none could be priced.</summary>
        public double? CostUsd
        {
            get => Cost is decimal c ? (double)c : (double?)null;
            set => Cost = value is double v && !double.IsNaN(v) && !double.IsInfinity(v) && Math.Abs(v) < 7.9e28 ? (decimal)v : (decimal?)null;
        }

        /// <summary>False when some response's model has no price.</summary>
        public bool CostKnown { get; set; }
    }
}
