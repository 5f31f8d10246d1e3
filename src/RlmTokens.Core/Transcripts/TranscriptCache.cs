using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// The incremental cache of transcript scans: per file its length, write time, the offset of its
    /// last complete line (with the bytes before it, to tell an append from a rewrite), line and
    /// malformed counts, and its de-duplicated entries (with the ids cross-file de-duplication needs).
    /// One binary file per set of roots in the cache folder; best effort: an unreadable cache is
    /// ignored, a failed write leaves the old one.
    /// </summary>
    internal sealed class TranscriptCache
    {
        private const string Magic = "RLMTOKENS-TRANSCRIPT-CACHE";
        private const int Version = 3;

        private readonly string _file;
        private readonly Dictionary<string, FileScanState> _files;

        private TranscriptCache(string file, Dictionary<string, FileScanState> files)
        {
            _file = file;
            _files = files;
        }

        /// <summary>The default cache folder under the OS local application data folder.</summary>
        public static string DefaultFolder(string localAppData) => Path.Combine(localAppData, "RlmTokens", "cache");

        public static TranscriptCache Load(string folder, string key)
        {
            string file = Path.Combine(folder, "transcripts-" + Hash(key) + ".bin");
            Dictionary<string, FileScanState> files = new Dictionary<string, FileScanState>(StringComparer.Ordinal);
            try
            {
                if (File.Exists(file))
                {
                    byte[] bytes;
                    using (FileStream s = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1))
                    {
                        bytes = new byte[s.Length];
                        int got = 0;
                        while (got < bytes.Length)
                        {
                            int n = s.Read(bytes, got, bytes.Length - got);
                            if (n <= 0) { throw new InvalidDataException(); }
                            got += n;
                        }
                    }
                    // The last 8 bytes are a checksum of the rest: a damaged cache is ignored, never believed.
                    if (bytes.Length < 8 || BitConverter.ToUInt64(bytes, bytes.Length - 8) != Checksum(bytes, bytes.Length - 8)) { throw new InvalidDataException(); }
                    using BinaryReader r = new BinaryReader(new MemoryStream(bytes, 0, bytes.Length - 8, false), Encoding.UTF8);
                    ReadAll(r, files);
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is FormatException || e is ArgumentException || e is InvalidDataException || e is EndOfStreamException || e is IndexOutOfRangeException || e is OverflowException)
            {
                files.Clear();
            }
            return new TranscriptCache(file, files);
        }

        /// <summary>How many files the loaded cache knows.</summary>
        public int Count => _files.Count;

        public FileScanState? Get(string path) => _files.TryGetValue(path, out FileScanState? s) ? s : null;

        /// <summary>Writes the states of this run (files not seen any more drop out).</summary>
        public void Save(IReadOnlyList<FileScanState> states)
        {
            string dir = Path.GetDirectoryName(_file)!;
            string temp = Path.Combine(dir, "." + Path.GetFileName(_file) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                Directory.CreateDirectory(dir);
                MemoryStream payload = new MemoryStream();
                using (BinaryWriter w = new BinaryWriter(payload, Encoding.UTF8, true))
                {
                    WriteAll(w, states);
                }
                byte[] buffer = payload.GetBuffer();
                int length = (int)payload.Length;
                using (FileStream s = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
                {
                    s.Write(buffer, 0, length);
                    s.Write(BitConverter.GetBytes(Checksum(buffer, length)), 0, 8);
                }
                if (File.Exists(_file)) { File.Replace(temp, _file, null, true); }
                else { File.Move(temp, _file); }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }

        /// <summary>FNV-1a over 8-byte words (fast; detects damage, not tampering).</summary>
        private static ulong Checksum(byte[] data, int length)
        {
            ulong h = 14695981039346656037UL;
            ReadOnlySpan<byte> span = data.AsSpan(0, length);
            ReadOnlySpan<ulong> words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(span);
            foreach (ulong w in words) { h = (h ^ w) * 1099511628211UL; }
            for (int i = words.Length * 8; i < length; i++) { h = (h ^ span[i]) * 1099511628211UL; }
            return h ^ (ulong)length;
        }

        private static string Hash(string key)
        {
            using SHA256 sha = SHA256.Create();
            byte[] h = sha.ComputeHash(Encoding.UTF8.GetBytes(key));
            StringBuilder sb = new StringBuilder(16);
            for (int i = 0; i < 8; i++) { sb.Append(h[i].ToString("x2", System.Globalization.CultureInfo.InvariantCulture)); }
            return sb.ToString();
        }

        private static void WriteAll(BinaryWriter w, IReadOnlyList<FileScanState> states)
        {
            Dictionary<string, int> strings = new Dictionary<string, int>(StringComparer.Ordinal);
            List<string> table = new List<string>();
            int Id(string? s)
            {
                if (s is null) { return -1; }
                if (!strings.TryGetValue(s, out int id))
                {
                    id = table.Count;
                    strings.Add(s, id);
                    table.Add(s);
                }
                return id;
            }
            // Shared strings (models, sessions, folders, branches, agents) go into a table first.
            foreach (FileScanState st in states)
            {
                Id(st.Project);
                foreach (UsageEntry e in st.Entries)
                {
                    Id(e.Model); Id(e.SessionId); Id(e.Cwd); Id(e.GitBranch); Id(e.AgentId);
                }
            }
            w.Write(Magic);
            w.Write(Version);
            w.Write(table.Count);
            foreach (string s in table) { w.Write(s); }
            w.Write(states.Count);
            foreach (FileScanState st in states)
            {
                w.Write(st.Path);
                w.Write(Id(st.Project));
                w.Write(st.Length);
                w.Write(st.LastWriteTicks);
                w.Write(st.Offset);
                w.Write(st.Malformed);
                w.Write(st.FirstMalformedLine);
                w.Write(st.Tail.Length);
                w.Write(st.Tail);
                w.Write(st.Entries.Count);
                foreach (UsageEntry e in st.Entries)
                {
                    w.Write(e.Timestamp.Ticks);
                    w.Write(Id(e.Model));
                    w.Write(Id(e.SessionId));
                    w.Write(Id(e.Cwd));
                    w.Write(Id(e.GitBranch));
                    w.Write(Id(e.AgentId));
                    OptionalString(w, e.MessageId);
                    OptionalString(w, e.RequestId);
                    w.Write(e.IsSidechain);
                    w.Write(e.InputTokens);
                    w.Write(e.OutputTokens);
                    w.Write(e.CacheCreationTokens);
                    w.Write(e.CacheCreation5mTokens);
                    w.Write(e.CacheCreation1hTokens);
                    w.Write(e.CacheReadTokens);
                }
            }
        }

        private static void ReadAll(BinaryReader r, Dictionary<string, FileScanState> files)
        {
            if (r.ReadString() != Magic || r.ReadInt32() != Version) { return; }
            int n = ReadCount(r);
            string[] table = new string[n];
            for (int i = 0; i < n; i++) { table[i] = r.ReadString(); }
            string? S(int id) => id < 0 ? null : table[id];
            int count = ReadCount(r);
            for (int f = 0; f < count; f++)
            {
                FileScanState st = new FileScanState
                {
                    Path = r.ReadString(),
                    Project = S(r.ReadInt32()) ?? string.Empty,
                    Length = r.ReadInt64(),
                    LastWriteTicks = r.ReadInt64(),
                    Offset = r.ReadInt64(),
                    Malformed = r.ReadInt32(),
                    FirstMalformedLine = r.ReadInt64(),
                };
                st.Tail = r.ReadBytes(r.ReadInt32());
                int entries = ReadCount(r);
                List<UsageEntry> list = new List<UsageEntry>(entries);
                for (int i = 0; i < entries; i++)
                {
                    list.Add(new UsageEntry
                    {
                        Timestamp = new DateTime(r.ReadInt64(), DateTimeKind.Utc),
                        Model = S(r.ReadInt32()) ?? string.Empty,
                        SessionId = S(r.ReadInt32()),
                        Cwd = S(r.ReadInt32()),
                        GitBranch = S(r.ReadInt32()),
                        AgentId = S(r.ReadInt32()),
                        MessageId = ReadOptionalString(r),
                        RequestId = ReadOptionalString(r),
                        IsSidechain = r.ReadBoolean(),
                        InputTokens = r.ReadInt64(),
                        OutputTokens = r.ReadInt64(),
                        CacheCreationTokens = r.ReadInt64(),
                        CacheCreation5mTokens = r.ReadInt64(),
                        CacheCreation1hTokens = r.ReadInt64(),
                        CacheReadTokens = r.ReadInt64(),
                        Project = st.Project,
                        SourceFile = st.Path,
                    });
                }
                // Counts the parser would have refused (negative, or adding up past long) mean a cache that
                // is not ours to believe: ignore it all and read the transcripts again.
                foreach (UsageEntry e in list)
                {
                    if (e.InputTokens < 0 || e.OutputTokens < 0 || e.CacheCreationTokens < 0 || e.CacheReadTokens < 0
                        || e.CacheCreation5mTokens < 0 || e.CacheCreation1hTokens < 0)
                    {
                        throw new InvalidDataException();
                    }
                    _ = checked(e.InputTokens + e.OutputTokens + e.CacheCreationTokens + e.CacheReadTokens);
                }
                st.Entries = list;
                files[st.Path] = st;
            }
        }

        // A count can never exceed the bytes left: a damaged cache must not allocate gigabytes.
        private static int ReadCount(BinaryReader r)
        {
            int n = r.ReadInt32();
            if (n < 0 || n > r.BaseStream.Length - r.BaseStream.Position) { throw new InvalidDataException(); }
            return n;
        }

        private static void OptionalString(BinaryWriter w, string? s)
        {
            w.Write(s is not null);
            if (s is not null) { w.Write(s); }
        }

        private static string? ReadOptionalString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;
    }
}
