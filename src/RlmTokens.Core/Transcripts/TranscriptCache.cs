using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// The incremental cache of transcript scans, one binary file per set of roots in the cache folder.
    /// Per transcript it keeps the length, write time, the offset of its last complete line (with the bytes
    /// before it, to tell an append from a rewrite), line and malformed counts, a summary (entry count,
    /// first and last response time, and the last time of any response that shares a message.id with one
    /// of the file's, here or in another file), the sorted hashes of its message ids, and its de-duplicated
    /// entries in a block of their own.
    /// <para>
    /// Loading reads the file and checks the header; a block is decoded (and its checksum checked) only
    /// when its entries are asked for, so a read that needs a few files' entries (the status line's today
    /// and active block) decodes only those, and a save copies the undecoded blocks as they are.
    /// Best effort: a damaged header is ignored as a whole, a damaged block makes its file read again
    /// (<see cref="TranscriptCacheDamagedException"/>), never believed; a failed write leaves the old file.
    /// </para>
    /// </summary>
    internal sealed class TranscriptCache
    {
        // "RLMTKC06" little-endian: the format of this class (version 5 kept only the sidechain flag in an entry's
        // flags byte and no costUSD, version 4 wrote one undivided entry list).
        private const ulong Magic = 0x36304B43544D4C52UL;

        // An entry's flags byte.
        private const byte SidechainFlag = 1, ProgressCopyFlag = 2, FastFlag = 4, CostFlag = 8;
        private const int Prefix = 12;

        private readonly string _file;
        private readonly Dictionary<string, CachedFile> _files;
        private readonly byte[] _data;
        private readonly int _dataStart;

        private TranscriptCache(string file, Dictionary<string, CachedFile> files, byte[] data, int dataStart)
        {
            _file = file;
            _files = files;
            _data = data;
            _dataStart = dataStart;
        }

        /// <summary>The default cache folder under the OS local application data folder.</summary>
        public static string DefaultFolder(string localAppData) => Path.Combine(localAppData, "RlmTokens", "cache");

        /// <summary>The environment variable that moves the incremental transcript cache.</summary>
        public const string FolderVariable = "RLMTOKENS_CACHE_DIR";

        /// <summary>
        /// The cache folder of the cmdlets and rlmtokens-hook: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache
        /// under the local application data folder; null when neither can be had.
        /// </summary>
        public static string? FolderFromEnvironment()
        {
            string? env = Environment.GetEnvironmentVariable(FolderVariable);
            if (!string.IsNullOrEmpty(env)) { return env; }
            string local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData);
            return string.IsNullOrEmpty(local) ? null : DefaultFolder(local);
        }

        /// <summary>The cache file of <paramref name="key"/> in <paramref name="folder"/>.</summary>
        public static string FileOf(string folder, string key) => Path.Combine(folder, "transcripts-" + Hash(key) + ".bin");

        public static TranscriptCache Load(string folder, string key)
        {
            string file = FileOf(folder, key);
            Dictionary<string, CachedFile> files = new Dictionary<string, CachedFile>(StringComparer.Ordinal);
            byte[] bytes = Array.Empty<byte>();
            int dataStart = 0;
            try
            {
                if (File.Exists(file))
                {
                    bytes = ReadAll(file);
                    dataStart = ReadHeader(bytes, files);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException || e is ArgumentException
                || e is InvalidDataException || e is IndexOutOfRangeException || e is OverflowException || e is DecoderFallbackException)
            {
                files.Clear();
                bytes = Array.Empty<byte>();
            }
            TranscriptCache cache = new TranscriptCache(file, files, bytes, dataStart);
            foreach (CachedFile f in files.Values)
            {
                CachedFile record = f;
                record.State.SetLoader(() => cache.Decode(record));
            }
            return cache;
        }

        /// <summary>How many files the loaded cache knows.</summary>
        public int Count => _files.Count;

        /// <summary>What the cache knows of <paramref name="path"/>: its state, whose entries are decoded on first use.</summary>
        public FileScanState? Get(string path) => _files.TryGetValue(path, out CachedFile? f) ? f.State : null;

        /// <summary>The summary of <paramref name="state"/> when it is this cache's own (unchanged since the load), else null.</summary>
        public CachedFile? RecordOf(FileScanState state) =>
            _files.TryGetValue(state.Path, out CachedFile? f) && ReferenceEquals(f.State, state) ? f : null;

        /// <summary>The record of the previous scan of <paramref name="path"/>, whatever happened to the file since.</summary>
        public CachedFile? PreviousOf(string path) => _files.TryGetValue(path, out CachedFile? f) ? f : null;

        /// <summary>True when any message-id hash of <paramref name="record"/> is in <paramref name="hashes"/>.</summary>
        /// <exception cref="TranscriptCacheDamagedException">The hashes fail their checksum.</exception>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public bool SharesAny(CachedFile record, HashSet<ulong> hashes)
        {
            ReadOnlySpan<byte> bytes = Slice(record.HashStart, checked(record.HashCount * 8), record.HashSum);
            foreach (ulong h in MemoryMarshal.Cast<byte, ulong>(bytes))
            {
                if (hashes.Contains(h)) { return true; }
            }
            return false;
        }

        /// <summary>
        /// Writes the states of this run (files not seen any more drop out). States of entries the parser
        /// would have refused (a negative count, a total past long) are left out: such a file is read again.
        /// </summary>
        public void Save(IReadOnlyList<FileScanState> states)
        {
            string dir = Path.GetDirectoryName(_file)!;
            string temp = Path.Combine(dir, "." + Path.GetFileName(_file) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                byte[] payload = Encode(states, out int length);
                Directory.CreateDirectory(dir);
                using (FileStream s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    s.Write(payload, 0, length);
                }
                if (File.Exists(_file)) { File.Replace(temp, _file, null, true); }
                else { File.Move(temp, _file); }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        // ---- writing ----

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private byte[] Encode(IReadOnlyList<FileScanState> states, out int length)
        {
            // The time of each message id's last response over every file whose entries are at hand: the
            // "linked" time of a file is the latest of those over its ids (a file whose entries are not at
            // hand keeps the time of its last save; the reader decodes every file that shares an id with a
            // changed one, so none can have gained a link since).
            Dictionary<string, long> lastOfId = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (FileScanState st in states)
            {
                CachedFile? own = RecordOf(st);
                if (own is not null && !st.EntriesLoaded) { continue; }
                foreach (UsageEntry e in st.Entries)
                {
                    if (e.MessageId is null || e.RequestId is null) { continue; }
                    long t = e.Timestamp.Ticks;
                    if (!lastOfId.TryGetValue(e.MessageId, out long seen) || t > seen) { lastOfId[e.MessageId] = t; }
                }
            }

            ByteBuffer header = new ByteBuffer(64 * 1024 + states.Count * 160);
            ByteBuffer data = new ByteBuffer(1 << 16);
            int count = 0;
            ByteBuffer records = new ByteBuffer(states.Count * 160);
            foreach (FileScanState st in states)
            {
                CachedFile? own = RecordOf(st);
                CachedFile record = new CachedFile(st);
                if (own is not null)
                {
                    // Unchanged since the load: its block and hashes are copied as they are; a decoded one may have gained links.
                    record.CopySummary(own);
                    if (st.EntriesLoaded)
                    {
                        CachedFile now = new CachedFile(st);
                        if (Summarize(st, now, lastOfId) && now.LinkedMaxTicks > record.LinkedMaxTicks) { record.LinkedMaxTicks = now.LinkedMaxTicks; }
                    }
                    record.BlockStart = data.Length;
                    data.Write(_data.AsSpan(_dataStart + own.BlockStart, own.BlockLength));
                    record.HashStart = data.Length;
                    data.Write(_data.AsSpan(_dataStart + own.HashStart, own.HashCount * 8));
                }
                else
                {
                    if (!Summarize(st, record, lastOfId)) { continue; }
                    long previous = PreviousOf(st.Path)?.LinkedMaxTicks ?? long.MinValue;
                    if (previous > record.LinkedMaxTicks) { record.LinkedMaxTicks = previous; }
                    record.BlockStart = data.Length;
                    EncodeEntries(st.Entries, data);
                    record.BlockLength = data.Length - record.BlockStart;
                    record.BlockSum = Checksum(data.Span(record.BlockStart, record.BlockLength));
                    record.HashStart = data.Length;
                    ulong[] hashes = HashesOf(st.Entries);
                    data.Write(MemoryMarshal.AsBytes(hashes.AsSpan()));
                    record.HashCount = hashes.Length;
                    record.HashSum = Checksum(data.Span(record.HashStart, record.HashCount * 8));
                }
                WriteRecord(records, record);
                count++;
            }
            header.WriteUInt64(Magic);
            header.WriteInt32(0); // header length, set below
            header.WriteVar((ulong)count);
            header.Write(records.Span(0, records.Length));
            int headerLength = header.Length;
            BinaryPrimitives.WriteInt32LittleEndian(header.Span(8, 4), headerLength - Prefix);
            header.WriteUInt64(Checksum(header.Span(0, headerLength)));
            header.Write(data.Span(0, data.Length));
            length = header.Length;
            return header.Buffer;
        }

        // Counts, times and hashes of a state whose entries are at hand; false when an entry holds a count the parser would refuse.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static bool Summarize(FileScanState st, CachedFile record, Dictionary<string, long> lastOfId)
        {
            record.EntryCount = st.Entries.Count;
            record.MinTicks = long.MaxValue;
            record.MaxTicks = long.MinValue;
            record.LinkedMaxTicks = long.MinValue;
            foreach (UsageEntry e in st.Entries)
            {
                if (!Plausible(e)) { return false; }
                long t = e.Timestamp.Ticks;
                if (t < record.MinTicks) { record.MinTicks = t; }
                if (t > record.MaxTicks) { record.MaxTicks = t; }
                long linked = e.MessageId is not null && e.RequestId is not null && lastOfId.TryGetValue(e.MessageId, out long l) ? Math.Max(l, t) : t;
                if (linked > record.LinkedMaxTicks) { record.LinkedMaxTicks = linked; }
            }
            return true;
        }

        private static bool Plausible(UsageEntry e)
        {
            if (e.InputTokens < 0 || e.OutputTokens < 0 || e.CacheCreationTokens < 0 || e.CacheReadTokens < 0
                || e.CacheCreation5mTokens < 0 || e.CacheCreation1hTokens < 0)
            {
                return false;
            }
            try
            {
                _ = checked(e.InputTokens + e.OutputTokens + e.CacheCreationTokens + e.CacheReadTokens);
                return true;
            }
            catch (OverflowException)
            {
                return false;
            }
        }

        /// <summary>The sorted, distinct hashes of the message ids of entries that carry both ids (the ones de-duplication matches).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static ulong[] HashesOf(IEnumerable<UsageEntry> entries)
        {
            List<ulong> list = new List<ulong>();
            foreach (UsageEntry e in entries)
            {
                if (e.MessageId is not null && e.RequestId is not null) { list.Add(IdHash(e.MessageId)); }
            }
            list.Sort();
            int n = 0;
            for (int i = 0; i < list.Count; i++)
            {
                if (n == 0 || list[i] != list[n - 1]) { list[n++] = list[i]; }
            }
            return list.GetRange(0, n).ToArray();
        }

        /// <summary>FNV-1a over the id's UTF-16 code units.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static ulong IdHash(string id)
        {
            ulong h = 14695981039346656037UL;
            foreach (char c in id) { h = (h ^ c) * 1099511628211UL; }
            return h;
        }

        private static void WriteRecord(ByteBuffer w, CachedFile r)
        {
            FileScanState st = r.State;
            w.WriteString(st.Path);
            w.WriteString(st.Project);
            w.WriteInt64(st.Length);
            w.WriteInt64(st.LastWriteTicks);
            w.WriteInt64(st.Offset);
            w.WriteInt32(st.Malformed);
            w.WriteInt64(st.FirstMalformedLine);
            w.WriteVar((ulong)st.Tail.Length);
            w.Write(st.Tail);
            w.WriteVar((ulong)r.EntryCount);
            w.WriteInt64(r.MinTicks);
            w.WriteInt64(r.MaxTicks);
            w.WriteInt64(r.LinkedMaxTicks);
            w.WriteInt32(r.BlockStart);
            w.WriteInt32(r.BlockLength);
            w.WriteUInt64(r.BlockSum);
            w.WriteInt32(r.HashStart);
            w.WriteInt32(r.HashCount);
            w.WriteUInt64(r.HashSum);
        }

        // One file's entries: a table of its shared strings (models, sessions, folders, branches, agents), then each entry.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static void EncodeEntries(List<UsageEntry> entries, ByteBuffer w)
        {
            Dictionary<string, int> ids = new Dictionary<string, int>(StringComparer.Ordinal);
            List<string> table = new List<string>();
            int Id(string? s)
            {
                if (s is null) { return 0; }
                if (!ids.TryGetValue(s, out int id))
                {
                    table.Add(s);
                    id = table.Count;
                    ids.Add(s, id);
                }
                return id;
            }
            foreach (UsageEntry e in entries) { Id(e.Model); Id(e.SessionId); Id(e.Cwd); Id(e.GitBranch); Id(e.AgentId); }
            w.WriteVar((ulong)table.Count);
            foreach (string s in table) { w.WriteString(s); }
            w.WriteVar((ulong)entries.Count);
            foreach (UsageEntry e in entries)
            {
                w.WriteInt64(e.Timestamp.Ticks);
                w.WriteVar((ulong)Id(e.Model));
                w.WriteVar((ulong)Id(e.SessionId));
                w.WriteVar((ulong)Id(e.Cwd));
                w.WriteVar((ulong)Id(e.GitBranch));
                w.WriteVar((ulong)Id(e.AgentId));
                w.WriteOptionalString(e.MessageId);
                w.WriteOptionalString(e.RequestId);
                w.WriteByte((byte)((e.IsSidechain ? SidechainFlag : 0) | (e.FromProgressCopy ? ProgressCopyFlag : 0) | (e.Fast ? FastFlag : 0) | (e.CostUsd is null ? 0 : CostFlag)));
                if (e.CostUsd is decimal cost)
                {
                    // decimal.GetBits: the four 32-bit words that are the value exactly.
                    foreach (int part in decimal.GetBits(cost)) { w.WriteInt32(part); }
                }
                w.WriteVar((ulong)e.InputTokens);
                w.WriteVar((ulong)e.OutputTokens);
                w.WriteVar((ulong)e.CacheCreationTokens);
                w.WriteVar((ulong)e.CacheCreation5mTokens);
                w.WriteVar((ulong)e.CacheCreation1hTokens);
                w.WriteVar((ulong)e.CacheReadTokens);
            }
        }

        // ---- reading ----

        private static byte[] ReadAll(string file)
        {
            using FileStream s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1);
            long size = s.Length;
            if (size < Prefix + 8 || size > int.MaxValue) { throw new InvalidDataException(); }
            byte[] bytes = new byte[size];
            int got = 0;
            while (got < bytes.Length)
            {
                int n = s.Read(bytes, got, bytes.Length - got);
                if (n <= 0) { throw new InvalidDataException(); }
                got += n;
            }
            return bytes;
        }

        // Checks the header (its checksum covers the magic, the length and every record) and returns where the blocks start.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static int ReadHeader(byte[] bytes, Dictionary<string, CachedFile> files)
        {
            if (BinaryPrimitives.ReadUInt64LittleEndian(bytes) != Magic) { throw new InvalidDataException(); }
            int headerLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(8));
            if (headerLength < 0 || headerLength > bytes.Length - Prefix - 8) { throw new InvalidDataException(); }
            int end = Prefix + headerLength;
            if (BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(end)) != Checksum(bytes.AsSpan(0, end))) { throw new InvalidDataException(); }
            int dataStart = end + 8;
            int dataLength = bytes.Length - dataStart;
            SpanReader r = new SpanReader(bytes.AsSpan(Prefix, headerLength));
            int count = r.ReadCount();
            for (int i = 0; i < count; i++)
            {
                FileScanState st = new FileScanState
                {
                    Path = r.ReadString(),
                    Project = r.ReadString(),
                    Length = r.ReadInt64(),
                    LastWriteTicks = r.ReadInt64(),
                    Offset = r.ReadInt64(),
                    Malformed = r.ReadInt32(),
                    FirstMalformedLine = r.ReadInt64(),
                };
                st.Tail = r.ReadBytes(r.ReadCount()).ToArray();
                CachedFile f = new CachedFile(st)
                {
                    EntryCount = r.ReadInt(),
                    MinTicks = r.ReadInt64(),
                    MaxTicks = r.ReadInt64(),
                    LinkedMaxTicks = r.ReadInt64(),
                    BlockStart = r.ReadInt32(),
                    BlockLength = r.ReadInt32(),
                    BlockSum = r.ReadUInt64(),
                    HashStart = r.ReadInt32(),
                    HashCount = r.ReadInt32(),
                    HashSum = r.ReadUInt64(),
                };
                if (f.BlockStart < 0 || f.BlockLength < 0 || f.BlockLength > dataLength - f.BlockStart
                    || f.HashStart < 0 || f.HashCount < 0 || f.HashCount > (dataLength - f.HashStart) / 8)
                {
                    throw new InvalidDataException();
                }
                files[st.Path] = f;
            }
            if (!r.AtEnd) { throw new InvalidDataException(); }
            return dataStart;
        }

        private ReadOnlySpan<byte> Slice(int start, int length, ulong sum)
        {
            ReadOnlySpan<byte> bytes = _data.AsSpan(_dataStart + start, length);
            if (Checksum(bytes) != sum) { throw new TranscriptCacheDamagedException(); }
            return bytes;
        }

        // The entries of one file, checked as the parser checks them; a block that fails is damage, never believed.
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private List<UsageEntry> Decode(CachedFile record)
        {
            FileScanState st = record.State;
            try
            {
                SpanReader r = new SpanReader(Slice(record.BlockStart, record.BlockLength, record.BlockSum));
                int n = r.ReadCount();
                string[] table = new string[n + 1];
                for (int i = 1; i <= n; i++) { table[i] = r.ReadString(); }
                string? S(int id) => id == 0 ? null : table[id];
                int count = r.ReadCount();
                if (count != record.EntryCount) { throw new TranscriptCacheDamagedException(); }
                List<UsageEntry> list = new List<UsageEntry>(count);
                for (int i = 0; i < count; i++)
                {
                    byte flags = 0;
                    // Members are read in the order they were written (an initializer runs top to bottom).
                    UsageEntry e = new UsageEntry
                    {
                        Timestamp = new DateTime(r.ReadInt64(), DateTimeKind.Utc),
                        Model = S(r.ReadIndex(n)) ?? string.Empty,
                        SessionId = S(r.ReadIndex(n)),
                        Cwd = S(r.ReadIndex(n)),
                        GitBranch = S(r.ReadIndex(n)),
                        AgentId = S(r.ReadIndex(n)),
                        MessageId = r.ReadOptionalString(),
                        RequestId = r.ReadOptionalString(),
                        IsSidechain = ((flags = r.ReadByte()) & SidechainFlag) != 0,
                        FromProgressCopy = (flags & ProgressCopyFlag) != 0,
                        Fast = (flags & FastFlag) != 0,
                        CostUsd = (flags & CostFlag) != 0 ? r.ReadDecimal() : null,
                        InputTokens = r.ReadCountLong(),
                        OutputTokens = r.ReadCountLong(),
                        CacheCreationTokens = r.ReadCountLong(),
                        CacheCreation5mTokens = r.ReadCountLong(),
                        CacheCreation1hTokens = r.ReadCountLong(),
                        CacheReadTokens = r.ReadCountLong(),
                        Project = st.Project,
                        SourceFile = st.Path,
                    };
                    if (!Plausible(e) || (flags & ~(SidechainFlag | ProgressCopyFlag | FastFlag | CostFlag)) != 0 || e.CostUsd < 0) { throw new TranscriptCacheDamagedException(); }
                    list.Add(e);
                }
                if (!r.AtEnd) { throw new TranscriptCacheDamagedException(); }
                return list;
            }
            catch (Exception e) when (e is InvalidDataException || e is IndexOutOfRangeException || e is ArgumentException || e is OverflowException || e is DecoderFallbackException)
            {
                throw new TranscriptCacheDamagedException();
            }
        }

        /// <summary>FNV-1a over 8-byte words (fast; detects damage, not tampering).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static ulong Checksum(ReadOnlySpan<byte> span)
        {
            ulong h = 14695981039346656037UL;
            ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(span);
            foreach (ulong w in words) { h = (h ^ w) * 1099511628211UL; }
            for (int i = words.Length * 8; i < span.Length; i++) { h = (h ^ span[i]) * 1099511628211UL; }
            return h ^ (ulong)span.Length;
        }

        private static string Hash(string key)
        {
            using SHA256 sha = SHA256.Create();
            byte[] h = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
            StringBuilder sb = new StringBuilder(16);
            for (int i = 0; i < 8; i++) { sb.Append(h[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); }
            return sb.ToString();
        }

        /// <summary>What the cache file says of one transcript besides its entries.</summary>
        internal sealed class CachedFile
        {
            public CachedFile(FileScanState state) => State = state;

            public FileScanState State { get; }

            public int EntryCount { get; set; }

            public long MinTicks { get; set; }

            public long MaxTicks { get; set; }

            /// <summary>The latest time of any response sharing a message id with one of this file's (its own included).</summary>
            public long LinkedMaxTicks { get; set; }

            public int BlockStart { get; set; }

            public int BlockLength { get; set; }

            public ulong BlockSum { get; set; }

            public int HashStart { get; set; }

            public int HashCount { get; set; }

            public ulong HashSum { get; set; }

            public void CopySummary(CachedFile from)
            {
                EntryCount = from.EntryCount;
                MinTicks = from.MinTicks;
                MaxTicks = from.MaxTicks;
                LinkedMaxTicks = from.LinkedMaxTicks;
                BlockLength = from.BlockLength;
                BlockSum = from.BlockSum;
                HashCount = from.HashCount;
                HashSum = from.HashSum;
            }
        }

        private sealed class ByteBuffer
        {
            private byte[] _buffer;

            public ByteBuffer(int capacity) => _buffer = new byte[Math.Max(capacity, 256)];

            public int Length { get; private set; }

            public byte[] Buffer => _buffer;

            public Span<byte> Span(int start, int length) => _buffer.AsSpan(start, length);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            private Span<byte> Grow(int n)
            {
                if (Length + n > _buffer.Length) { Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, Length + n)); }
                Span<byte> s = _buffer.AsSpan(Length, n);
                Length += n;
                return s;
            }

            public void Write(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Grow(bytes.Length));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void WriteByte(byte b) => Grow(1)[0] = b;

            public void WriteInt32(int v) => BinaryPrimitives.WriteInt32LittleEndian(Grow(4), v);

            public void WriteInt64(long v) => BinaryPrimitives.WriteInt64LittleEndian(Grow(8), v);

            public void WriteUInt64(ulong v) => BinaryPrimitives.WriteUInt64LittleEndian(Grow(8), v);

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public void WriteVar(ulong v)
            {
                while (v >= 0x80)
                {
                    WriteByte((byte)(v | 0x80));
                    v >>= 7;
                }
                WriteByte((byte)v);
            }

            public void WriteString(string s)
            {
                int n = Encoding.UTF8.GetByteCount(s);
                WriteVar((ulong)n);
                Encoding.UTF8.GetBytes(s, Grow(n));
            }

            public void WriteOptionalString(string? s)
            {
                if (s is null) { WriteVar(0); return; }
                int n = Encoding.UTF8.GetByteCount(s);
                WriteVar((ulong)n + 1);
                Encoding.UTF8.GetBytes(s, Grow(n));
            }
        }

        private ref struct SpanReader
        {
            private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);
            private readonly ReadOnlySpan<byte> _span;
            private int _pos;

            public SpanReader(ReadOnlySpan<byte> span)
            {
                _span = span;
                _pos = 0;
            }

            public bool AtEnd => _pos == _span.Length;

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public ReadOnlySpan<byte> ReadBytes(int n)
            {
                if (n < 0 || n > _span.Length - _pos) { throw new InvalidDataException(); }
                ReadOnlySpan<byte> s = _span.Slice(_pos, n);
                _pos += n;
                return s;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public byte ReadByte() => ReadBytes(1)[0];

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int ReadInt32() => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(4));

            /// <summary>A decimal as decimal.GetBits wrote it; bits that are no decimal throw ArgumentException (a damaged block).</summary>
            public decimal ReadDecimal() => new decimal(new[] { ReadInt32(), ReadInt32(), ReadInt32(), ReadInt32() });

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public long ReadInt64() => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(8));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(8));

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public ulong ReadVar()
            {
                ulong v = 0;
                for (int shift = 0; shift < 64; shift += 7)
                {
                    byte b = ReadByte();
                    v |= (ulong)(b & 0x7F) << shift;
                    if (b < 0x80) { return v; }
                }
                throw new InvalidDataException();
            }

            // A count can never exceed the bytes left: a damaged cache must not allocate gigabytes.
            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int ReadCount()
            {
                ulong n = ReadVar();
                if (n > (ulong)(_span.Length - _pos)) { throw new InvalidDataException(); }
                return (int)n;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int ReadInt()
            {
                ulong n = ReadVar();
                if (n > int.MaxValue) { throw new InvalidDataException(); }
                return (int)n;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public long ReadCountLong()
            {
                ulong n = ReadVar();
                if (n > long.MaxValue) { throw new InvalidDataException(); }
                return (long)n;
            }

            [MethodImpl(MethodImplOptions.AggressiveInlining)]
            public int ReadIndex(int max)
            {
                ulong n = ReadVar();
                if (n > (ulong)max) { throw new InvalidDataException(); }
                return (int)n;
            }

            public string ReadString() => Strict.GetString(ReadBytes(ReadCount()));

            public string? ReadOptionalString()
            {
                ulong n = ReadVar();
                if (n == 0) { return null; }
                if (n - 1 > (ulong)(_span.Length - _pos)) { throw new InvalidDataException(); }
                return Strict.GetString(ReadBytes((int)(n - 1)));
            }
        }
    }

    /// <summary>A cache block failed its checksum or its checks: the file it describes is read again.</summary>
    internal sealed class TranscriptCacheDamagedException : Exception
    {
        public TranscriptCacheDamagedException()
            : base("The transcript cache is damaged.")
        {
        }
    }
}
