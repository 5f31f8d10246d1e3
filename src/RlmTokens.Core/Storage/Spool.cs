using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Text.Json.Serialization;
using RlmTokens.Errors;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    /// <summary>
    /// One record a hook could not write because the folder lock was busy past the hook's bound (a
    /// writer hung or stopped while holding it). It is kept durably in the folder's spool and folded in,
    /// exactly once, by the next holder of the lock: applying it and deleting its spool file are one
    /// journaled change.
    /// </summary>
    internal sealed class SpoolEntry
    {
        /// <summary>What the record is (see the kinds in Capture/DeferredChanges).</summary>
        [JsonPropertyName("kind")]
        public string Kind { get; set; } = string.Empty;

        [JsonPropertyName("created_at")]
        public string? CreatedAt { get; set; }

        [JsonPropertyName("pid")]
        public int Pid { get; set; }

        /// <summary>The request, as the writer would have applied it (times and sizes already fixed).</summary>
        [JsonPropertyName("payload")]
        public JsonElement Payload { get; set; }

        /// <summary>The spool file this entry was read from (not serialized).</summary>
        [JsonIgnore]
        public string File { get; set; } = string.Empty;
    }

    /// <summary>The spool of a data folder: <c>.rlmtokens-spool/</c>, one file per record, written without the lock.</summary>
    internal static class Spool
    {
        public const string FolderName = ".rlmtokens-spool";

        /// <summary>A spool temp file older than this belongs to a writer killed mid-write.</summary>
        private static readonly TimeSpan s_staleTemp = TimeSpan.FromMinutes(5);

        private static long s_sequence;

        public static string FolderIn(string dataFolder) => Path.Combine(dataFolder, FolderName);

        /// <summary>Writes one record durably (temporary file, flush, rename) and returns its path.</summary>
        public static string Write(string dataFolder, string kind, JsonElement payload, DateTimeOffset at)
        {
            string folder = FolderIn(dataFolder);
            var entry = new SpoolEntry
            {
                Kind = kind,
                CreatedAt = RlmTime.Format(at),
                Pid = Environment.ProcessId,
                Payload = payload,
            };
            // Time, then process, then this process's own sequence: records of one process written in the
            // same tick (a coarse or fixed clock) fold in the order they were written.
            string name = at.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfffffff", CultureInfo.InvariantCulture)
                + "-" + Environment.ProcessId.ToString("D10", CultureInfo.InvariantCulture)
                + "-" + Interlocked.Increment(ref s_sequence).ToString("D10", CultureInfo.InvariantCulture)
                + "-" + Guid.NewGuid().ToString("N").Substring(0, 8) + ".json";
            string path = Path.Combine(folder, name);
            string temp = JsonFileStore.TempNameFor(path);
            try
            {
                Directory.CreateDirectory(folder);
                byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(entry, RlmJsonContext.Files.SpoolEntry);
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                File.Move(temp, path);
                NativeFiles.SyncFolder(folder);
            }
            catch (UnauthorizedAccessException e)
            {
                Journal.TryDelete(temp);
                throw new DataFileAccessDeniedException(path, e);
            }
            catch (IOException e)
            {
                Journal.TryDelete(temp);
                throw new DataFileWriteException(path, e);
            }
            return path;
        }

        /// <summary>True when the folder has records waiting (a cheap check: one folder stat when there is no spool).</summary>
        public static bool HasPending(string dataFolder)
        {
            string folder = FolderIn(dataFolder);
            if (!Directory.Exists(folder)) { return false; }
            try
            {
                foreach (string file in Directory.EnumerateFiles(folder, "*.json")) { return true; }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return false;
        }

        /// <summary>The spool files of the folder, oldest first (their names start with the UTC time of the record).</summary>
        public static List<string> Pending(string dataFolder)
        {
            var files = new List<string>();
            string folder = FolderIn(dataFolder);
            if (!Directory.Exists(folder)) { return files; }
            try
            {
                DateTime cutoff = DateTime.UtcNow - s_staleTemp;
                foreach (string file in Directory.EnumerateFiles(folder))
                {
                    string name = Path.GetFileName(file);
                    if (name.EndsWith(".json", StringComparison.Ordinal) && name[0] != '.') { files.Add(file); }
                    else if (JsonFileStore.IsTempName(name) && File.GetLastWriteTimeUtc(file) < cutoff) { Journal.TryDelete(file); }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            files.Sort(StringComparer.Ordinal);
            return files;
        }

        /// <summary>Reads one spool file; null when it vanished (another holder folded it in).</summary>
        /// <exception cref="JsonException">The file is not a spool entry.</exception>
        public static SpoolEntry? Read(string path)
        {
            byte[]? bytes = SafeFiles.ReadAllBytesOrNull(path);
            if (bytes is null) { return null; }
            SpoolEntry? entry = JsonSerializer.Deserialize(bytes, RlmJsonContext.Files.SpoolEntry);
            if (entry is null || entry.Kind.Length == 0) { throw new JsonException("not a spool entry"); }
            entry.File = path;
            return entry;
        }
    }
}
