using System;
using System.Runtime.CompilerServices;
using System.Buffers;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace RlmTokens.Transcripts
{
    /// <summary>What is known about one transcript file after a scan: what the cache keeps.</summary>
    internal sealed class FileScanState
    {
        public const int TailLength = 64;

        public string Path { get; set; } = string.Empty;

        public string Project { get; set; } = string.Empty;

        public long Length { get; set; }

        public long LastWriteTicks { get; set; }

        /// <summary>The end of the last complete (newline-terminated) line.</summary>
        public long Offset { get; set; }

        public int Malformed { get; set; }

        /// <summary>1-based line number of the first malformed line, 0 when none.</summary>
        public long FirstMalformedLine { get; set; }

        /// <summary>The bytes just before <see cref="Offset"/>: an append must leave them unchanged.</summary>
        public byte[] Tail { get; set; } = Array.Empty<byte>();

        private List<UsageEntry>? _entries = new List<UsageEntry>();
        private Func<List<UsageEntry>>? _loader;

        /// <summary>Entries of the complete lines, de-duplicated within the file (a cached state decodes them on first use).</summary>
        /// <exception cref="TranscriptCacheDamagedException">The cache's block of them is damaged.</exception>
        public List<UsageEntry> Entries
        {
            get
            {
                if (_entries is null)
                {
                    _entries = _loader!();
                    _loader = null;
                }
                return _entries;
            }
            set
            {
                _entries = value;
                _loader = null;
            }
        }

        /// <summary>True unless the entries still wait in the cache's undecoded block.</summary>
        public bool EntriesLoaded => _entries is not null;

        /// <summary>Makes <see cref="Entries"/> come from <paramref name="loader"/> on first use (the cache's lazy block).</summary>
        public void SetLoader(Func<List<UsageEntry>> loader)
        {
            _entries = null;
            _loader = loader;
        }
    }

    /// <summary>The outcome of reading one file in this run.</summary>
    internal sealed class FileScanResult
    {
        private readonly List<UsageEntry>? _entries;

        // entries: this run's; null for the state's own (a cached state's are decoded only when asked for).
        public FileScanResult(FileScanState state, List<UsageEntry>? entries, int malformed, long firstMalformedLine, long bytesRead, bool fromCache)
        {
            State = state;
            _entries = entries;
            Malformed = malformed;
            FirstMalformedLine = firstMalformedLine;
            BytesRead = bytesRead;
            FromCache = fromCache;
        }

        public FileScanState State { get; }

        /// <summary>Entries for this run (including an unterminated last line, which the cache does not keep).</summary>
        public List<UsageEntry> Entries => _entries ?? State.Entries;

        public int Malformed { get; }

        public long FirstMalformedLine { get; }

        public long BytesRead { get; }

        public bool FromCache { get; }
    }

    /// <summary>Streams one JSONL file line by line, from the start or from where a cached scan stopped.</summary>
    internal static class FileScanner
    {
        private const int BufferSize = 1 << 20;

        /// <summary>The documented cap on one transcript line: 64 MiB (67,108,864 bytes, its newline not included).</summary>
        public const int DefaultMaxLineBytes = 64 << 20;

        /// <summary>Scans a file, reusing <paramref name="cached"/> when the file is unchanged or only grew.</summary>
        /// <exception cref="Errors.NotRegularFileException">The path is a FIFO, device or socket: refused before the open that would block.</exception>
        /// <param name="file">The transcript.</param>
        /// <param name="cached">What the cache knows of it, or null.</param>
        /// <param name="ct">Ctrl+C.</param>
        /// <param name="maxLineBytes">
        /// A line that reaches this many bytes without its newline is skipped unread and counted as malformed:
        /// the read buffer never grows past it, so a multi-gigabyte line costs no more memory than the cap.
        /// </param>
        public static FileScanResult Scan(TranscriptFile file, FileScanState? cached, CancellationToken ct, int maxLineBytes = DefaultMaxLineBytes)
        {
            if (!Storage.SafeFiles.CheckReadable(file.Path)) { throw new FileNotFoundException(file.Path); }
            // Through a link, the length and write time are the target's (a link's own are those of its text).
            FileInfo info = new FileInfo(Storage.NativeFiles.KindOf(file.Path) == Storage.FileKind.SymbolicLink ? Storage.SafeFiles.RealPath(file.Path) : file.Path);
            info.Refresh();
            long length = info.Length;
            long ticks = info.LastWriteTimeUtc.Ticks;
            if (cached is not null && cached.Length == length && cached.LastWriteTicks == ticks && cached.Offset == length)
            {
                return new FileScanResult(cached, null, cached.Malformed, cached.FirstMalformedLine, 0, true);
            }
            using FileStream stream = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            FileScanState? resume = null;
            // Resume only when the file grew (an append) or is untouched with an unterminated last line;
            // same length with a new write time, or shorter, means rewritten: read it all again.
            bool grew = length > cached?.Length || (length == cached?.Length && ticks == cached.LastWriteTicks);
            if (cached is not null && grew && length >= cached.Offset && TailMatches(stream, cached))
            {
                resume = cached;
            }
            return Read(stream, file, resume, length, ticks, maxLineBytes, ct);
        }

        private static bool TailMatches(FileStream stream, FileScanState cached)
        {
            int n = cached.Tail.Length;
            if (cached.Offset < n) { return false; }
            if (n == 0) { return cached.Offset == 0; }
            byte[] buf = new byte[n];
            stream.Position = cached.Offset - n;
            int got = 0;
            while (got < n)
            {
                int r = stream.Read(buf, got, n - got);
                if (r <= 0) { return false; }
                got += r;
            }
            return buf.AsSpan().SequenceEqual(cached.Tail);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static FileScanResult Read(FileStream stream, TranscriptFile file, FileScanState? resume, long length, long ticks, int maxLineBytes, CancellationToken ct)
        {
            TranscriptLineParser parser = new TranscriptLineParser();
            UsageDeduplicator dedup = new UsageDeduplicator();
            long offset = 0, firstBad = 0, firstBadOffset = -1;
            int malformed = 0;
            if (resume is not null)
            {
                dedup.AddRange(resume.Entries);
                offset = resume.Offset;
                malformed = resume.Malformed;
                firstBad = resume.FirstMalformedLine;
            }
            stream.Position = offset;
            long toRead = length - offset;
            long bytesRead = 0;
            int cap = Math.Max(1, maxLineBytes);
            byte[] buffer = ArrayPool<byte>.Shared.Rent(Math.Min(BufferSize, cap));
            int filled = 0;
            // While skipping a line past the cap: where it started (its bytes are read and dropped, never kept).
            long skipStart = -1;
            try
            {
                while (toRead > 0)
                {
                    ct.ThrowIfCancellationRequested();
                    int room = Math.Min(buffer.Length, cap);
                    if (filled == room)
                    {
                        if (room >= cap)
                        {
                            // A line of cap bytes and no newline yet: too long. Count it, drop what is buffered, skip to its end.
                            malformed++;
                            if (firstBad == 0 && firstBadOffset < 0) { firstBadOffset = offset; }
                            skipStart = offset;
                            offset += filled;
                            filled = 0;
                        }
                        else
                        {
                            byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, cap));
                            Buffer.BlockCopy(buffer, 0, bigger, 0, filled);
                            ArrayPool<byte>.Shared.Return(buffer);
                            buffer = bigger;
                            room = Math.Min(buffer.Length, cap);
                        }
                    }
                    int n = stream.Read(buffer, filled, (int)Math.Min(room - filled, toRead));
                    if (n <= 0) { break; }
                    toRead -= n;
                    bytesRead += n;
                    int end = filled + n;
                    if (skipStart >= 0)
                    {
                        int nl = buffer.AsSpan(0, end).IndexOf((byte)'\n');
                        if (nl < 0)
                        {
                            offset += end;
                            filled = 0;
                            continue;
                        }
                        // The long line ends here: go on with the bytes after its newline.
                        skipStart = -1;
                        offset += nl + 1;
                        end -= nl + 1;
                        if (end > 0) { Buffer.BlockCopy(buffer, nl + 1, buffer, 0, end); }
                        filled = 0;
                    }
                    int complete = ByteSearch.LastIndexOf(buffer.AsSpan(0, end), (byte)'\n') + 1;
                    if (complete == 0)
                    {
                        filled = end;
                        continue;
                    }
                    // One pass over the bytes: jump from one "usage" to the next and parse only the
                    // lines around them; lines without usage (most of the bytes) are never split out.
                    ReadOnlySpan<byte> region = buffer.AsSpan(0, complete);
                    int pos = 0;
                    while (pos < complete)
                    {
                        int hit = ByteSearch.IndexOf(region.Slice(pos), "\"usage\""u8);
                        if (hit < 0) { break; }
                        hit += pos;
                        int lineStart = ByteSearch.LastIndexOf(region.Slice(pos, hit - pos), (byte)'\n') + 1 + pos;
                        int lineEnd = ByteSearch.IndexOf(region.Slice(hit), (byte)'\n') + hit;
                        LineKind kind = parser.ParseWithUsage(Trim(region.Slice(lineStart, lineEnd - lineStart)), file.Project, file.Path, out UsageEntry? entry);
                        if (kind == LineKind.Usage) { dedup.Add(entry!); }
                        else if (kind == LineKind.Malformed)
                        {
                            malformed++;
                            if (firstBad == 0 && firstBadOffset < 0) { firstBadOffset = offset + lineStart; }
                        }
                        pos = lineEnd + 1;
                    }
                    offset += complete;
                    filled = end - complete;
                    if (filled > 0) { Buffer.BlockCopy(buffer, complete, buffer, 0, filled); }
                }
                int runExtra = 0;
                if (skipStart >= 0)
                {
                    // The file ends inside a line past the cap: counted in this run, but the cache resumes at
                    // its start (the line may still grow) and does not keep the count.
                    offset = skipStart;
                    malformed--;
                    runExtra = 1;
                    if (firstBadOffset == skipStart) { firstBadOffset = -1; }
                }
                if (firstBadOffset >= 0) { firstBad = LineNumberAt(stream, firstBadOffset); }
                FileScanState state = new FileScanState
                {
                    Path = file.Path,
                    Project = file.Project,
                    Length = length - toRead,
                    LastWriteTicks = ticks,
                    Offset = offset,
                    Malformed = malformed,
                    FirstMalformedLine = firstBad,
                    Tail = TailOf(stream, offset),
                    Entries = dedup.ToList(),
                };
                List<UsageEntry> runEntries = state.Entries;
                int runMalformed = malformed + runExtra;
                long runFirstBad = firstBad;
                if (runExtra > 0 && runFirstBad == 0) { runFirstBad = LineNumberAt(stream, skipStart); }
                if (filled > 0 && !IsBlank(buffer.AsSpan(0, filled)))
                {
                    // An unterminated last line: count it now, keep it out of the cache (it may still grow).
                    LineKind kind = parser.Parse(Trim(buffer.AsSpan(0, filled)), file.Project, file.Path, out UsageEntry? entry);
                    if (kind == LineKind.Usage)
                    {
                        dedup.Add(entry!);
                        runEntries = dedup.ToList();
                    }
                    else if (kind == LineKind.Malformed)
                    {
                        runMalformed++;
                        if (runFirstBad == 0) { runFirstBad = LineNumberAt(stream, offset); }
                    }
                }
                return new FileScanResult(state, runEntries, runMalformed, runFirstBad, bytesRead, false);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        /// <summary>The 1-based line number of the line that starts at <paramref name="at"/> (rare path: counts from the start).</summary>
        private static long LineNumberAt(FileStream stream, long at)
        {
            long saved = stream.Position;
            stream.Position = 0;
            byte[] buf = new byte[1 << 16];
            long line = 1, left = at;
            while (left > 0)
            {
                int n = stream.Read(buf, 0, (int)Math.Min(buf.Length, left));
                if (n <= 0) { break; }
                ReadOnlySpan<byte> span = buf.AsSpan(0, n);
                int i;
                while ((i = span.IndexOf((byte)'\n')) >= 0)
                {
                    line++;
                    span = span.Slice(i + 1);
                }
                left -= n;
            }
            stream.Position = saved;
            return line;
        }

        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> line)
        {
            int end = line.Length;
            while (end > 0 && (line[end - 1] == '\r' || line[end - 1] == ' ' || line[end - 1] == '\t')) { end--; }
            return line.Slice(0, end);
        }

        private static bool IsBlank(ReadOnlySpan<byte> s)
        {
            foreach (byte b in s)
            {
                if (b != ' ' && b != '\t' && b != '\r' && b != '\n') { return false; }
            }
            return true;
        }

        private static byte[] TailOf(FileStream stream, long offset)
        {
            int n = (int)Math.Min(FileScanState.TailLength, offset);
            if (n == 0) { return Array.Empty<byte>(); }
            byte[] tail = new byte[n];
            stream.Position = offset - n;
            int got = 0;
            while (got < n)
            {
                int r = stream.Read(tail, got, n - got);
                if (r <= 0) { return Array.Empty<byte>(); }
                got += r;
            }
            return tail;
        }
    }
}
