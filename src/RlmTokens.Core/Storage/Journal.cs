using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Text.Json.Serialization;
using RlmTokens.Errors;
using RlmTokens.Json;

namespace RlmTokens.Storage
{
    /// <summary>
    /// The intent record of one multi-file change (DESIGN.md section 6, "all or nothing"), as SQLite's
    /// journal and git's lockfile-and-rename: <c>.rlmtokens.journal</c> in the locked folder lists every
    /// replace (a flushed temporary file renamed over its target), delete and append of the change. It is
    /// written to a temporary file, flushed and renamed into place: that rename is the commit point.
    /// Before it, nothing of the change is visible and its temporary files are orphans; after it, the
    /// change happens, whoever completes it. The committing writer applies the steps and removes the
    /// journal; after a crash the next lock holder finds the journal and rolls it forward. Every step is
    /// idempotent: a replace whose temporary file is gone was done, an append checks the bytes already
    /// there (a torn append is completed, never doubled).
    /// </summary>
    internal sealed class JournalFile
    {
        public const string FileName = ".rlmtokens.journal";

        [JsonPropertyName("version")]
        public int Version { get; set; } = 1;

        [JsonPropertyName("created_at")]
        public string? CreatedAt { get; set; }

        [JsonPropertyName("ops")]
        public List<JournalOp> Ops { get; set; } = new List<JournalOp>();
    }

    internal sealed class JournalOp
    {
        public const string Replace = "replace";
        public const string Delete = "delete";
        public const string Append = "append";

        [JsonPropertyName("op")]
        public string Op { get; set; } = Replace;

        /// <summary>The target, relative to the journal's folder ('/' separated).</summary>
        [JsonPropertyName("path")]
        public string Path { get; set; } = string.Empty;

        /// <summary>Replace: the flushed temporary file (in the journal's folder) that becomes the target.</summary>
        [JsonPropertyName("temp")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public string? Temp { get; set; }

        /// <summary>Append: the bytes to append (base64).</summary>
        [JsonPropertyName("data")]
        [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
        public byte[]? Data { get; set; }

        /// <summary>Append: the target's length before the append (0 for a new file).</summary>
        [JsonPropertyName("length_before")]
        public long LengthBefore { get; set; }
    }

    /// <summary>Reading, writing and rolling forward the journal of a folder.</summary>
    internal static class Journal
    {
        public static string PathIn(string folder) => Path.Combine(folder, JournalFile.FileName);

        /// <summary>The journal of <paramref name="folder"/>, or null when there is none (or it vanished while being read).</summary>
        /// <exception cref="CorruptDataFileException">A journal that cannot be parsed (never written by us: the commit is a rename of a complete file).</exception>
        public static JournalFile? Load(string folder)
        {
            string path = PathIn(folder);
            byte[]? bytes = SafeFiles.ReadAllBytesOrNull(path);
            if (bytes is null) { return null; }
            try
            {
                return JsonSerializer.Deserialize(bytes, RlmJsonContext.Files.JournalFile);
            }
            catch (JsonException e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e);
            }
        }

        /// <summary>Writes the journal durably (temporary file, flush, rename, folder flush): the commit point.</summary>
        public static void Commit(string folder, JournalFile journal)
        {
            string path = PathIn(folder);
            string temp = JsonFileStore.TempNameFor(path);
            byte[] bytes = JsonSerializer.SerializeToUtf8Bytes(journal, RlmJsonContext.Files.JournalFile);
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    stream.Write(bytes, 0, bytes.Length);
                    stream.Flush(true);
                }
                FaultInjection.Step("journal-written");
                File.Move(temp, path, overwrite: true);
                NativeFiles.SyncFolder(folder);
                // Inside the try: an injected full disk here is reported as a real one would be.
                FaultInjection.Step("journal-committed");
            }
            catch (UnauthorizedAccessException e)
            {
                TryDelete(temp);
                throw new DataFileAccessDeniedException(path, e);
            }
            catch (IOException e)
            {
                TryDelete(temp);
                throw new DataFileWriteException(path, e);
            }
        }

        /// <summary>Applies every step of the journal (each idempotent), flushes the folders and removes the journal.</summary>
        public static int RollForward(string folder, JournalFile journal, string? boundary)
        {
            var folders = new HashSet<string>(StringComparer.Ordinal) { folder };
            foreach (JournalOp op in journal.Ops)
            {
                string target = Resolve(folder, op.Path, boundary);
                Apply(folder, op, target);
                folders.Add(Path.GetDirectoryName(target)!);
            }
            foreach (string f in folders) { NativeFiles.SyncFolder(f); }
            string path = PathIn(folder);
            try
            {
                File.Delete(path);
                NativeFiles.SyncFolder(folder);
                FaultInjection.Step("journal-removed");
            }
            catch (IOException e) { throw new DataFileWriteException(path, e); }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            return journal.Ops.Count;
        }

        /// <summary>The full path of a journal entry's target, checked to stay inside the workspace.</summary>
        public static string Resolve(string folder, string relative, string? boundary)
        {
            string full = Path.GetFullPath(Path.Combine(folder, relative.Replace('/', Path.DirectorySeparatorChar)));
            if (boundary is not null && !SafeFiles.IsInside(full, Path.GetFullPath(boundary)))
            {
                throw new LinkOutsideWorkspaceException(Path.Combine(folder, relative), full, boundary);
            }
            return full;
        }

        /// <summary>The journal form of <paramref name="target"/>: relative to the folder, '/' separated.</summary>
        public static string Relative(string folder, string target) =>
            Path.GetRelativePath(folder, target).Replace(Path.DirectorySeparatorChar, '/');

        private static void Apply(string folder, JournalOp op, string target)
        {
            try
            {
                switch (op.Op)
                {
                    case JournalOp.Replace:
                        string temp = Path.Combine(folder, op.Temp ?? string.Empty);
                        if (op.Temp is not null && File.Exists(temp))
                        {
                            CreateParent(target);
                            MoveOver(temp, target);
                        }
                        break;
                    case JournalOp.Delete:
                        if (File.Exists(target)) { File.Delete(target); }
                        break;
                    case JournalOp.Append:
                        CreateParent(target);
                        AppendOnce(target, op.Data ?? Array.Empty<byte>(), op.LengthBefore);
                        break;
                }
                FaultInjection.Step(op.Op + " " + Path.GetFileName(target));
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(target, e); }
            catch (IOException e) { throw new DataFileWriteException(target, e); }
        }

        // A rename over the target in one step; on Windows a scanner can hold the target for a moment, so
        // IOExceptions are retried briefly before giving up.
        internal static void MoveOver(string temp, string target)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    File.Move(temp, target, overwrite: true);
                    return;
                }
                catch (IOException) when (attempt < 10 && !Directory.Exists(target) && File.Exists(temp))
                {
                    System.Threading.Thread.Sleep(5 * (attempt + 1));
                }
            }
        }

        // The append happens once, whatever happened before: the bytes are there (done), partly there at
        // the recorded offset (a torn append: the rest is written), or the file is as it was (written
        // now). A file that another writer changed meanwhile gets the bytes at its end.
        private static void AppendOnce(string target, byte[] data, long lengthBefore)
        {
            using var stream = new FileStream(target, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read | FileShare.Delete);
            long length = stream.Length;
            long start = length;
            if (length > lengthBefore)
            {
                int present = (int)Math.Min(length - lengthBefore, data.Length);
                var existing = new byte[present];
                stream.Position = lengthBefore;
                int read = 0;
                while (read < present)
                {
                    int n = stream.Read(existing, read, present - read);
                    if (n == 0) { break; }
                    read += n;
                }
                if (read == present && existing.AsSpan().SequenceEqual(data.AsSpan(0, present)))
                {
                    if (present == data.Length) { return; }
                    if (length - lengthBefore == present)
                    {
                        // A torn append: complete it.
                        stream.Position = length;
                        stream.Write(data, present, data.Length - present);
                        stream.Flush(true);
                        return;
                    }
                }
            }
            else if (length < lengthBefore)
            {
                start = length;
            }
            stream.Position = start;
            stream.Write(data, 0, data.Length);
            stream.Flush(true);
        }

        /// <summary>Creates the folder of a target at the moment the change reaches it (a change that is abandoned leaves no folder behind).</summary>
        internal static void CreateParent(string target)
        {
            string parent = Path.GetDirectoryName(target)!;
            if (!Directory.Exists(parent)) { Directory.CreateDirectory(parent); }
        }

        internal static bool TryDelete(string path)
        {
            try { File.Delete(path); return true; }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }
    }
}
