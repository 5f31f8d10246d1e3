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

        /// <summary>At most this many files are read at once (default: the processor count).</summary>
        public int MaxParallelism { get; set; } = Environment.ProcessorCount;

        /// <summary>Updated as files are read, from worker threads; poll it for progress.</summary>
        public TranscriptReadProgress? Progress { get; set; }

        public CancellationToken Cancellation { get; set; }
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
        internal TranscriptReadResult(IReadOnlyList<UsageEntry> entries, int files, int filesFromCache, long bytesRead, int malformed, string? firstMalformed, IReadOnlyList<string> unreadable)
        {
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

        /// <summary>Lines that could hold usage but were not valid JSON; skipped.</summary>
        public int MalformedLines { get; }

        /// <summary>"path:line" of the first malformed line, or null.</summary>
        public string? FirstMalformedLocation { get; }

        /// <summary>Files that vanished or could not be opened while reading.</summary>
        public IReadOnlyList<string> UnreadableFiles { get; }
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
        /// it) plus its subagent transcripts in &lt;session&gt;/subagents/.
        /// </summary>
        public static TranscriptReadResult ReadSession(string transcriptPath) =>
            Read(new TranscriptReadOptions { Files = new List<TranscriptFile>(TranscriptDiscovery.SessionFiles(transcriptPath)) });

        /// <summary>Reads every file the options name, in parallel, and de-duplicates across files.</summary>
        public static TranscriptReadResult Read(TranscriptReadOptions options)
        {
            if (options is null) { throw new ArgumentNullException(nameof(options)); }
            IList<TranscriptFile> files = options.Files ?? new List<TranscriptFile>(TranscriptDiscovery.FindFiles(options.ProjectRoots));
            TranscriptCache? cache = options.CacheFolder is null ? null : TranscriptCache.Load(options.CacheFolder, KeyOf(options, files));
            if (options.Progress is not null) { options.Progress.FilesTotal = files.Count; }
            FileScanResult?[] results = new FileScanResult?[files.Count];
            string?[] failures = new string?[files.Count];
            ParallelOptions po = new ParallelOptions
            {
                MaxDegreeOfParallelism = Math.Max(1, options.MaxParallelism),
                CancellationToken = options.Cancellation,
            };
            try
            {
                Parallel.For(0, files.Count, po, i =>
                {
                    TranscriptFile f = files[i];
                    try
                    {
                        results[i] = FileScanner.Scan(f, cache?.Get(f.Path), options.Cancellation);
                    }
                    catch (System.IO.IOException)
                    {
                        failures[i] = f.Path;
                    }
                    catch (UnauthorizedAccessException)
                    {
                        failures[i] = f.Path;
                    }
                    options.Progress?.FileDone(results[i]?.BytesRead ?? 0);
                });
            }
            catch (AggregateException e) when (e.InnerException is OperationCanceledException oce)
            {
                throw oce;
            }
            options.Cancellation.ThrowIfCancellationRequested();

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
                    continue;
                }
                dedup.AddRange(r.Entries);
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
            return new TranscriptReadResult(dedup.ToList(), files.Count, fromCache, bytes, malformed, first, unreadable);
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

        /// <summary>Per-model sums of entries (each response once), priced with <paramref name="prices"/> when given.</summary>
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
                t.Responses++;
                t.InputTokens += e.InputTokens;
                t.OutputTokens += e.OutputTokens;
                t.CacheCreationTokens += e.CacheCreationTokens;
                t.CacheReadTokens += e.CacheReadTokens;
                if (prices is not null)
                {
                    double? c = prices.Cost(e);
                    if (c is double v) { t.CostUsd = (t.CostUsd ?? 0) + v; }
                    else { t.CostKnown = false; }
                }
            }
            List<ModelUsageTotal> list = new List<ModelUsageTotal>(byModel.Values);
            list.Sort((a, b) => string.CompareOrdinal(a.Model, b.Model));
            return list;
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

        public long TotalTokens => InputTokens + OutputTokens + CacheCreationTokens + CacheReadTokens;

        /// <summary>The cost of the priced responses; null when none could be priced.</summary>
        public double? CostUsd { get; set; }

        /// <summary>False when some response's model has no price.</summary>
        public bool CostKnown { get; set; }
    }
}
