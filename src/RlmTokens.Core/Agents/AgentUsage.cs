using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Agents
{
    /// <summary>What reading the other agents' session data found: entries, each counted once, and what could not be read.</summary>
    public sealed class AgentReadResult
    {
        internal AgentReadResult() { }

        /// <summary>Usage entries in the order the files were read, each response counted once.</summary>
        public List<UsageEntry> Entries { get; } = new List<UsageEntry>();

        /// <summary>Files that could not be used (UnknownAgentFormat, CorruptDataFile, DataFileReadException, NotRegularFile ...).</summary>
        public List<RlmTokensException> Problems { get; } = new List<RlmTokensException>();

        /// <summary>Files read.</summary>
        public int Files { get; internal set; }

        /// <summary>Lines or records skipped because they were not JSON or held impossible numbers.</summary>
        public int MalformedRecords { get; internal set; }

        /// <summary>The file and line of the first malformed record.</summary>
        public string? FirstMalformedLocation { get; internal set; }

        /// <summary>Unterminated last lines that did not parse (a file being written); left for the next read.</summary>
        public int TornTails { get; internal set; }

        /// <summary>Records skipped as copies of ones already counted (cumulative repeats, archived or forked copies).</summary>
        public long Duplicates { get; internal set; }

        /// <summary>The warnings worth showing: malformed records.</summary>
        public IReadOnlyList<string> Warnings()
        {
            List<string> warnings = new List<string>();
            if (MalformedRecords > 0)
            {
                warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.AgentMalformedRecords, MalformedRecords, FirstMalformedLocation));
            }
            return warnings;
        }

        internal void Malformed(string path, int line)
        {
            MalformedRecords++;
            FirstMalformedLocation ??= line > 0 ? path + ":" + line.ToString(CultureInfo.InvariantCulture) : path;
        }
    }

    /// <summary>Reads the session data of Codex CLI, Gemini CLI and OpenCode into usage entries.</summary>
    public static class AgentUsage
    {
        /// <summary>Reads every agent of <paramref name="agents"/> other than Claude (whose transcripts the transcript reader reads).</summary>
        public static AgentReadResult Read(AgentLocations locations, IEnumerable<AgentKind> agents, CancellationToken cancellation = default)
        {
            if (locations is null) { throw new ArgumentNullException(nameof(locations)); }
            AgentReadResult result = new AgentReadResult();
            foreach (AgentKind agent in agents)
            {
                IReadOnlyList<string> folders = locations.FoldersOf(agent);
                switch (agent)
                {
                    case AgentKind.Codex: CodexRolloutReader.Read(folders, result, cancellation); break;
                    case AgentKind.Gemini: GeminiSessionReader.Read(folders, result, cancellation); break;
                    case AgentKind.OpenCode: OpenCodeStorageReader.Read(folders, result, cancellation); break;
                }
            }
            return result;
        }
    }

    /// <summary>What the three readers share: file walks, safe reads, JSON values.</summary>
    internal static class AgentFiles
    {
        /// <summary>Files below <paramref name="root"/> whose name ends with <paramref name="suffix"/>, ordered by name then path (walked without recursion).</summary>
        public static List<string> Find(string root, string suffix, int maxDepth = 16)
        {
            List<string> files = new List<string>();
            Stack<(string Dir, int Depth)> pending = new Stack<(string, int)>();
            pending.Push((root, 0));
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            while (pending.Count > 0)
            {
                (string dir, int depth) = pending.Pop();
                if (!seen.Add(SafeFiles.RealPath(dir))) { continue; }
                foreach (string entry in Entries(dir))
                {
                    FileKind kind = NativeFiles.TargetKindOf(entry);
                    if (kind == FileKind.Directory)
                    {
                        if (depth < maxDepth) { pending.Push((entry, depth + 1)); }
                    }
                    else if (entry.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && kind != FileKind.Missing)
                    {
                        files.Add(entry);
                    }
                }
            }
            files.Sort(ByNameThenPath);
            return files;
        }

        /// <summary>Orders files by name (rollouts and sessions start with their time), then by path.</summary>
        public static int ByNameThenPath(string a, string b)
        {
            int c = string.CompareOrdinal(Path.GetFileName(a), Path.GetFileName(b));
            return c != 0 ? c : string.CompareOrdinal(a, b);
        }

        public static IEnumerable<string> Entries(string dir)
        {
            try { return Directory.GetFileSystemEntries(dir); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        /// <summary>The bytes of a file (BOM removed), or null when it is gone or cannot be read (then reported).</summary>
        public static ReadOnlyMemory<byte>? ReadOrReport(string path, AgentReadResult result)
        {
            try
            {
                byte[]? bytes = SafeFiles.ReadAllBytesOrNull(path);
                if (bytes is null) { return null; }
                result.Files++;
                int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
                return new ReadOnlyMemory<byte>(bytes, start, bytes.Length - start);
            }
            catch (RlmTokensException e)
            {
                result.Problems.Add(e);
                return null;
            }
        }

        /// <summary>One whole JSON file, or null when it is gone, blank or cannot be used (then reported: CorruptDataFile when it is not JSON).</summary>
        public static JsonDocument? LoadOrReport(string path, AgentReadResult result)
        {
            try
            {
                JsonDocument? doc = Json.JsonDocuments.Load(path);
                if (doc is not null) { result.Files++; }
                return doc;
            }
            catch (RlmTokensException e)
            {
                result.Problems.Add(e);
                return null;
            }
        }

        public static string? Str(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        public static JsonElement? Obj(JsonElement e, string name) =>
            e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Object ? v : (JsonElement?)null;

        /// <summary>
        /// A token count: absent or null is 0; an integer from 0 to long.MaxValue (also written 12.0 or "12")
        /// is itself; anything else (negative, fractional, too large, not a number) makes the record malformed.
        /// </summary>
        public static bool TryCount(JsonElement e, string name, out long value)
        {
            value = 0;
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) { return true; }
            if (v.ValueKind == JsonValueKind.Number)
            {
                if (v.TryGetInt64(out value)) { return value >= 0; }
                if (v.TryGetDecimal(out decimal d) && d >= 0 && d <= long.MaxValue && decimal.Truncate(d) == d) { value = (long)d; return true; }
                return false;
            }
            if (v.ValueKind == JsonValueKind.String)
            {
                return long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
            }
            return false;
        }

        /// <summary>An ISO-8601 time (as UTC), or a Unix time in milliseconds.</summary>
        public static DateTime? Time(JsonElement e, string name)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out JsonElement v)) { return null; }
            if (v.ValueKind == JsonValueKind.String
                && DateTimeOffset.TryParse(v.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset t))
            {
                return t.UtcDateTime;
            }
            if (v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long ms) && ms > 0 && ms < 253402300799999L)
            {
                return DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
            }
            return null;
        }

        /// <summary>The last folder name of a working directory (the project a row shows), or the fallback.</summary>
        public static string ProjectOf(string? cwd, string fallback)
        {
            if (string.IsNullOrEmpty(cwd)) { return fallback; }
            string trimmed = cwd!.TrimEnd('/', '\\');
            int cut = Math.Max(trimmed.LastIndexOf('/'), trimmed.LastIndexOf('\\'));
            string leaf = cut >= 0 ? trimmed.Substring(cut + 1) : trimmed;
            return leaf.Length == 0 ? fallback : leaf;
        }

        public static bool TryAdd(long a, long b, out long sum)
        {
            try { sum = checked(a + b); return true; }
            catch (OverflowException) { sum = 0; return false; }
        }
    }
}
