using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Storage
{
    /// <summary>
    /// Reads RLM's JSON files tolerantly and writes them atomically (STYLE.md section 6). Readers take
    /// no lock; every read-modify-write goes through <see cref="BeginUpdate"/>, which holds the folder's
    /// lock for the whole change.
    /// </summary>
    internal sealed class JsonFileStore
    {
        /// <summary>UTF-8 with BOM: Windows PowerShell's Get-Content reads BOM-less files as ANSI.</summary>
        internal static readonly UTF8Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

        /// <summary>Files above this size are not data RLM writes; they are refused rather than loaded.</summary>
        internal const long MaxDataFileBytes = 64L * 1024 * 1024;

        public JsonFileStore(IClock clock, TimeSpan lockTimeout)
        {
            Clock = clock;
            LockTimeout = lockTimeout;
        }

        public IClock Clock { get; }

        public TimeSpan LockTimeout { get; }

        /// <summary>
        /// A temporary file older than this, found under the lock, was left by a writer that was killed
        /// between writing it and the replace; it is deleted. (Under the lock no live writer of the folder
        /// can own one; the age only guards against clock skew on shared folders.)
        /// </summary>
        public TimeSpan StaleTempAge { get; set; } = DefaultStaleTempAge;

        /// <summary>30 seconds.</summary>
        internal static readonly TimeSpan DefaultStaleTempAge = TimeSpan.FromSeconds(30);

        /// <summary>Reads a file without locking. Null when it does not exist or holds no value.</summary>
        /// <exception cref="CorruptDataFileException">The file is not valid JSON of the expected shape (left in place).</exception>
        public T? Read<T>(string path, JsonTypeInfo<T> info) where T : class
        {
            try
            {
                return Parse(path, info);
            }
            catch (FormatFailure e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e.InnerException);
            }
        }

        /// <summary>Takes the lock of <paramref name="folder"/> (created when missing) for one read-modify-write.</summary>
        public FolderTransaction BeginUpdate(string folder, CancellationToken cancellation)
        {
            try
            {
                Directory.CreateDirectory(folder);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(folder, e);
            }
            catch (IOException e)
            {
                throw new DataFileWriteException(folder, e);
            }
            var tx = new FolderTransaction(this, FolderLock.Acquire(folder, LockTimeout, cancellation));
            tx.RemoveStaleTemps(folder, StaleTempAge);
            return tx;
        }

        /// <summary>The temporary name of a write to <paramref name="path"/>: <c>.&lt;file&gt;.&lt;12 hex&gt;.tmp</c>, a name no reader's pattern matches.</summary>
        internal static string TempNameFor(string path) =>
            Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");

        /// <summary>True for a name <see cref="TempNameFor"/> makes.</summary>
        internal static bool IsTempName(string fileName)
        {
            const int hex = 12;
            if (fileName.Length < 1 + 1 + 1 + hex + 4 || fileName[0] != '.' || !fileName.EndsWith(".tmp", StringComparison.Ordinal)) { return false; }
            int start = fileName.Length - 4 - hex;
            if (fileName[start - 1] != '.') { return false; }
            for (int i = start; i < start + hex; i++)
            {
                char c = fileName[i];
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) { return false; }
            }
            return true;
        }

        internal static T? Parse<T>(string path, JsonTypeInfo<T> info) where T : class
        {
            if (Directory.Exists(path))
            {
                throw new DataFileReadException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
            }
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 4096, FileOptions.SequentialScan);
            }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(path, e);
            }
            catch (IOException e)
            {
                throw new DataFileReadException(path, e);
            }

            using (stream)
            {
                if (stream.Length > MaxDataFileBytes)
                {
                    throw new FormatFailure(string.Format(CultureInfo.CurrentCulture, Resources.Messages.FileTooLarge, stream.Length, MaxDataFileBytes), null);
                }
                if (IsBlank(stream)) { return null; }
                try
                {
                    return JsonSerializer.Deserialize(stream, info);
                }
                catch (JsonException e)
                {
                    throw new FormatFailure(e.Message, e);
                }
                catch (InvalidOperationException e)
                {
                    throw new FormatFailure(e.Message, e);
                }
                catch (NotSupportedException e)
                {
                    throw new FormatFailure(e.Message, e);
                }
                catch (IOException e)
                {
                    throw new DataFileReadException(path, e);
                }
            }
        }

        // An empty file (or BOM and white space only) holds no data: treated as absent, never set aside.
        private static bool IsBlank(FileStream stream)
        {
            if (stream.Length > 4096) { return false; }
            var buffer = new byte[(int)stream.Length];
            int read = 0;
            while (read < buffer.Length)
            {
                int n = stream.Read(buffer, read, buffer.Length - read);
                if (n == 0) { break; }
                read += n;
            }
            stream.Position = 0;
            return IsBlank(buffer, read);
        }

        /// <summary>True when the first <paramref name="count"/> bytes are a UTF-8 BOM and white space at most.</summary>
        internal static bool IsBlank(byte[] bytes, int count)
        {
            int start = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            for (int i = start; i < count; i++)
            {
                byte b = bytes[i];
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n') { return false; }
            }
            return true;
        }

        /// <summary>Parse failure inside the store: becomes a <see cref="CorruptDataFileException"/> once we know whether it was set aside.</summary>
        internal sealed class FormatFailure : Exception
        {
            public FormatFailure(string message, Exception? inner) : base(message, inner) { }
        }
    }

    /// <summary>
    /// One locked read-modify-write of a folder. Reads that fail to parse set the file aside (renamed
    /// <c>&lt;file&gt;.corrupt-&lt;UTC stamp&gt;</c>, content intact) and are listed in <see cref="SetAside"/>
    /// for the caller to report; writes go to a temporary file that then replaces the target in one step.
    /// </summary>
    internal sealed class FolderTransaction : IDisposable
    {
        private readonly JsonFileStore _store;
        private readonly FolderLock _lock;
        private readonly List<CorruptDataFileException> _setAside = new List<CorruptDataFileException>();

        internal FolderTransaction(JsonFileStore store, FolderLock folderLock)
        {
            _store = store;
            _lock = folderLock;
        }

        /// <summary>Files found unparsable and moved aside during this transaction.</summary>
        public IReadOnlyList<CorruptDataFileException> SetAside => _setAside;

        /// <summary>Reads a file under the lock; an unparsable file is set aside and null returned.</summary>
        public T? Read<T>(string path, JsonTypeInfo<T> info) where T : class
        {
            try
            {
                return JsonFileStore.Parse(path, info);
            }
            catch (JsonFileStore.FormatFailure e)
            {
                string aside = SetAsideFile(path);
                _setAside.Add(new CorruptDataFileException(path, aside, e.Message, e.InnerException));
                return null;
            }
        }

        /// <summary>Writes <paramref name="value"/> to <paramref name="path"/> atomically (temp file, flush, replace).</summary>
        /// <exception cref="DataFileWriteException">The value cannot be serialized (a kept unknown property holds an escaped lone surrogate, "\ud800"); the file stays as it was.</exception>
        public void Write<T>(string path, T value, JsonTypeInfo<T> info)
        {
            byte[] json;
            try
            {
                json = JsonSerializer.SerializeToUtf8Bytes(value, info);
            }
            catch (JsonException e) { throw new DataFileWriteException(path, e); }
            catch (InvalidOperationException e) { throw new DataFileWriteException(path, e); }
            catch (ArgumentException e) { throw new DataFileWriteException(path, e); }
            WriteBytes(path, json);
        }

        /// <summary>Writes raw UTF-8 content (a BOM is added) atomically.</summary>
        public void WriteText(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

        /// <summary>Appends text to a log file under the lock (Markdown logs, the token-tracker stream).</summary>
        /// <param name="path">The file; created when missing.</param>
        /// <param name="text">The text, written as UTF-8.</param>
        /// <param name="withBom">Start a new file with a UTF-8 BOM (false for files bash tools such as jq read).</param>
        public void AppendText(string path, string text, bool withBom = true)
        {
            try
            {
                bool isNew = !File.Exists(path) || new FileInfo(path).Length == 0;
                using var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read | FileShare.Delete);
                byte[] bytes = Encoding.UTF8.GetBytes(text);
                if (isNew && withBom) { stream.Write(JsonFileStore.Utf8WithBom.GetPreamble(), 0, 3); }
                stream.Write(bytes, 0, bytes.Length);
                stream.Flush(true);
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileWriteException(path, e); }
        }

        /// <summary>
        /// Ends the change: every write, append and delete made through this transaction takes effect
        /// as one unit. Disposing without Commit abandons the change. Every writer calls it last.
        /// </summary>
        public void Commit() { }

        /// <summary>Deletes a file under the lock, if present.</summary>
        public void Delete(string path)
        {
            try { File.Delete(path); }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileWriteException(path, e); }
        }

        private void WriteBytes(string path, byte[] content)
        {
            string temp = JsonFileStore.TempNameFor(path);
            try
            {
                if (File.Exists(path) && (File.GetAttributes(path) & FileAttributes.ReadOnly) != 0)
                {
                    throw new UnauthorizedAccessException(Resources.Messages.ReadOnlyFile);
                }
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    byte[] bom = JsonFileStore.Utf8WithBom.GetPreamble();
                    stream.Write(bom, 0, bom.Length);
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                Replace(temp, path);
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

        // File.Replace swaps in one step; a new target is a rename. On Windows a scanner can hold the
        // target for a moment, so IOExceptions are retried briefly before giving up.
        private static void Replace(string temp, string path)
        {
            for (int attempt = 0; ; attempt++)
            {
                try
                {
                    if (File.Exists(path)) { File.Replace(temp, path, null, ignoreMetadataErrors: true); }
                    else { File.Move(temp, path); }
                    return;
                }
                catch (IOException) when (attempt < 10 && !Directory.Exists(path))
                {
                    Thread.Sleep(5 * (attempt + 1));
                }
            }
        }

        /// <summary>Deletes temporary files of killed writers (older than <paramref name="minAge"/>); failures are ignored.</summary>
        internal int RemoveStaleTemps(string folder, TimeSpan minAge)
        {
            int removed = 0;
            try
            {
                DateTime cutoff = DateTime.UtcNow - minAge;
                foreach (string file in Directory.EnumerateFiles(folder, ".*.tmp"))
                {
                    if (!JsonFileStore.IsTempName(Path.GetFileName(file))) { continue; }
                    if (File.GetLastWriteTimeUtc(file) > cutoff) { continue; }
                    if (TryDelete(file)) { removed++; }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return removed;
        }

        private string SetAsideFile(string path)
        {
            string stamp = _store.Clock.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
            string target = path + ".corrupt-" + stamp;
            for (int n = 1; File.Exists(target) || Directory.Exists(target); n++)
            {
                target = path + ".corrupt-" + stamp + "-" + n.ToString(CultureInfo.InvariantCulture);
            }
            try
            {
                File.Move(path, target);
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileWriteException(path, e); }
            return target;
        }

        private static bool TryDelete(string path)
        {
            try { File.Delete(path); return true; }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        public void Dispose() => _lock.Dispose();
    }
}
