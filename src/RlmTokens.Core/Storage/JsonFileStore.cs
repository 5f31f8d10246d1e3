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
    /// <summary>Applies one spooled record inside a transaction (set by the engine that knows the record kinds).</summary>
    internal delegate void SpoolReplayer(FolderTransaction tx, SpoolEntry entry);

    /// <summary>
    /// Reads RLM's JSON files tolerantly and changes them all or nothing (STYLE.md section 6, DESIGN.md
    /// section 6). Readers take no lock; every read-modify-write goes through <see cref="BeginUpdate"/>,
    /// which holds the folder's lock for the whole change, completes a change a crashed writer left in
    /// the folder's journal, and folds in records that hooks spooled while the lock was busy.
    /// </summary>
    internal sealed class JsonFileStore
    {
        /// <summary>UTF-8 with BOM: Windows PowerShell's Get-Content reads BOM-less files as ANSI.</summary>
        internal static readonly UTF8Encoding Utf8WithBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: true);

        /// <summary>Files above this size are not data RLM writes; they are refused rather than loaded.</summary>
        internal const long MaxDataFileBytes = 64L * 1024 * 1024;

        /// <summary>
        /// How often a file that fails to parse (or is empty) is read again before it is taken as it is:
        /// RLM's own scripts rewrite files without a lock (Set-Content truncates, then writes), so a reader
        /// can catch one half-written. Up to 6 reads over about 80 ms, and only for a file written in the
        /// last two seconds that fails where its bytes end (a prefix of a whole file) or is empty.
        /// </summary>
        internal const int ParseAttempts = 6;

        public JsonFileStore(IClock clock, TimeSpan lockTimeout, string? boundary = null)
        {
            Clock = clock;
            LockTimeout = lockTimeout;
            Boundary = boundary is null ? null : Path.GetFullPath(boundary);
        }

        public IClock Clock { get; }

        public TimeSpan LockTimeout { get; }

        /// <summary>The workspace root: no append, lock or journal step may lead outside it. Null: no check.</summary>
        public string? Boundary { get; }

        /// <summary>Told how long a wait for the lock has lasted (about every 250 ms), for progress.</summary>
        public Action<TimeSpan>? LockWaiting { get; set; }

        /// <summary>Folds in spooled records; null leaves the spool alone.</summary>
        public SpoolReplayer? Replayer { get; set; }

        /// <summary>
        /// A temporary file older than this, found under the lock and not named by a journal, was left by
        /// a writer that was killed between writing it and committing; it is deleted. (Under the lock no
        /// live writer of the folder can own one; the age only guards against clock skew on shared folders.)
        /// </summary>
        public TimeSpan StaleTempAge { get; set; } = DefaultStaleTempAge;

        /// <summary>30 seconds.</summary>
        internal static readonly TimeSpan DefaultStaleTempAge = TimeSpan.FromSeconds(30);

        /// <summary>
        /// Reads a file without locking. Null when it does not exist or holds no value. A change whose
        /// journal is committed but not yet applied (a crashed or a busy writer) is seen whole: the file
        /// is read as the journal makes it. <paramref name="dataFolder"/> is the locked folder the file
        /// belongs to (default: its own folder).
        /// </summary>
        /// <exception cref="CorruptDataFileException">The file is not valid JSON of the expected shape (left in place).</exception>
        public T? Read<T>(string path, JsonTypeInfo<T> info, string? dataFolder = null) where T : class
        {
            string folder = dataFolder ?? Path.GetDirectoryName(path)!;
            string source = path;
            if (File.Exists(Journal.PathIn(folder)))
            {
                JournalFile? journal = TryLoadJournal(folder);
                JournalOp? op = journal is null ? null : LastOpFor(journal, folder, path);
                if (op?.Op == JournalOp.Delete) { return null; }
                if (op?.Op == JournalOp.Replace && op.Temp is not null && File.Exists(Path.Combine(folder, op.Temp)))
                {
                    source = Path.Combine(folder, op.Temp);
                }
            }
            try
            {
                T? value = ParseSettled(source, info);
                // The temporary file was renamed into place meanwhile: the target now holds what it held.
                return value is null && source != path ? ParseSettled(path, info) : value;
            }
            catch (FormatFailure e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e.InnerException);
            }
        }

        /// <summary>
        /// Completes what a crashed writer left (a committed journal) and folds in spooled records, when
        /// there is anything to do and the lock can be had at once: readers call it first, so a report
        /// never shows half a change. Returns the problems met; a busy lock is not one (the journal is
        /// then read through).
        /// </summary>
        public IReadOnlyList<RlmTokensException> Recover(string folder, CancellationToken cancellation)
        {
            bool journal = File.Exists(Journal.PathIn(folder));
            bool spool = Replayer is not null && Spool.HasPending(folder);
            if (!journal && !spool) { return Array.Empty<RlmTokensException>(); }
            try
            {
                using FolderTransaction tx = Lock(folder, TimeSpan.FromMilliseconds(50), cancellation);
                tx.Commit();
                return tx.SetAside;
            }
            catch (LockTimeoutException)
            {
                return Array.Empty<RlmTokensException>();
            }
        }

        /// <summary>Takes the lock of <paramref name="folder"/> (created when missing) for one read-modify-write.</summary>
        public FolderTransaction BeginUpdate(string folder, CancellationToken cancellation) => Lock(folder, LockTimeout, cancellation);

        private FolderTransaction Lock(string folder, TimeSpan timeout, CancellationToken cancellation)
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
            var tx = new FolderTransaction(this, FolderLock.Acquire(folder, timeout, cancellation, Boundary, LockWaiting), folder);
            try
            {
                tx.Open(cancellation);
            }
            catch
            {
                tx.Dispose();
                throw;
            }
            return tx;
        }

        private static JournalFile? TryLoadJournal(string folder)
        {
            try { return Journal.Load(folder); }
            catch (RlmTokensException) { return null; }
        }

        internal static JournalOp? LastOpFor(JournalFile journal, string folder, string path)
        {
            string full = Path.GetFullPath(path);
            JournalOp? last = null;
            foreach (JournalOp op in journal.Ops)
            {
                if (string.Equals(Path.GetFullPath(Path.Combine(folder, op.Path)), full, StringComparison.Ordinal)) { last = op; }
            }
            return last;
        }

        /// <summary>The temporary name of a write to <paramref name="path"/>: <c>.&lt;file&gt;.&lt;12 hex&gt;.tmp</c> in <paramref name="folder"/> (default: the file's own folder), a name no reader's pattern matches.</summary>
        internal static string TempNameFor(string path, string? folder = null) =>
            Path.Combine(folder ?? Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");

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

        /// <summary>
        /// Parse, read again briefly while the file fails to parse or is empty: an unlocked
        /// writer may be half-way through rewriting it. What is still unparsable after that is.
        /// </summary>
        internal static T? ParseSettled<T>(string path, JsonTypeInfo<T> info) where T : class
        {
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    T? value = Parse(path, info, out bool blank);
                    if (!blank || attempt >= ParseAttempts || !RecentlyWritten(path)) { return value; }
                }
                catch (FormatFailure e) when (attempt < ParseAttempts && RecentlyWritten(path) && EndsAtEndOfFile(e, path)) { }
                Thread.Sleep(s_settleWaits[attempt - 1]);
            }
        }

        private static readonly int[] s_settleWaits = { 2, 5, 10, 20, 40 };

        // Only a file written in the last two seconds can be in the middle of being written.
        private static bool RecentlyWritten(string path)
        {
            try { return (DateTime.UtcNow - File.GetLastWriteTimeUtc(path)).Duration() < TimeSpan.FromSeconds(2); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
        }

        // A half-written file is a prefix of the whole: it fails where its bytes end. Garbage in the
        // middle of a file is damage, not a write in progress.
        private static bool EndsAtEndOfFile(FormatFailure failure, string path)
        {
            if (failure.InnerException is not JsonException json || json.LineNumber is not long line || json.BytePositionInLine is not long column) { return true; }
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (IOException) { return false; }
            catch (UnauthorizedAccessException) { return false; }
            int end = bytes.Length;
            while (end > 0 && (bytes[end - 1] == (byte)' ' || bytes[end - 1] == (byte)'\t' || bytes[end - 1] == (byte)'\r' || bytes[end - 1] == (byte)'\n')) { end--; }
            long lines = 0;
            int lastStart = 0;
            for (int i = 0; i < end; i++)
            {
                if (bytes[i] == (byte)'\n')
                {
                    lines++;
                    lastStart = i + 1;
                }
            }
            return line > lines || (line == lines && column >= end - lastStart - 1);
        }

        internal static T? Parse<T>(string path, JsonTypeInfo<T> info) where T : class => Parse(path, info, out _);

        private static T? Parse<T>(string path, JsonTypeInfo<T> info, out bool blank) where T : class
        {
            blank = false;
            if (!SafeFiles.CheckReadable(path)) { return null; }
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
                if (IsBlank(stream))
                {
                    blank = true;
                    return null;
                }
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
    /// One locked change of a folder, all or nothing. Writes go to flushed temporary files in the
    /// folder, appends and deletes are noted; nothing touches a target until <see cref="Commit"/>, which
    /// journals the change (when it has more than one step, or an append) and applies it. Reads see the
    /// transaction's own writes. Reads that fail to parse set the file aside (renamed
    /// <c>&lt;file&gt;.corrupt-&lt;UTC stamp&gt;</c>, content intact) and are listed in <see cref="SetAside"/>.
    /// Disposed without Commit, the change is abandoned and its temporary files removed.
    /// </summary>
    internal sealed class FolderTransaction : IDisposable
    {
        private readonly JsonFileStore _store;
        private readonly FolderLock _lock;
        private readonly List<CorruptDataFileException> _setAside = new List<CorruptDataFileException>();
        private readonly List<PendingOp> _ops = new List<PendingOp>();
        private bool _committed;

        internal FolderTransaction(JsonFileStore store, FolderLock folderLock, string folder)
        {
            _store = store;
            _lock = folderLock;
            Folder = Path.GetFullPath(folder);
        }

        /// <summary>The locked folder.</summary>
        public string Folder { get; }

        /// <summary>The clock of the store.</summary>
        public IClock Clock => _store.Clock;

        /// <summary>Files found unparsable and moved aside during this transaction, and spooled records that could not be applied.</summary>
        public IReadOnlyList<CorruptDataFileException> SetAside => _setAside;

        /// <summary>Steps of an interrupted change completed when the lock was taken (0 when there was none).</summary>
        public int RecoveredSteps { get; private set; }

        /// <summary>Spooled records folded into this transaction.</summary>
        public int SpooledApplied { get; private set; }

        /// <summary>Rolls a crashed writer's journal forward, removes its orphan temporary files, folds in the spool.</summary>
        internal void Open(CancellationToken cancellation)
        {
            JournalFile? journal;
            try
            {
                journal = Journal.Load(Folder);
            }
            catch (CorruptDataFileException)
            {
                // Never written by us half-way (the commit is a rename of a complete file): set aside.
                SetAsideFile(Journal.PathIn(Folder), "journal");
                journal = null;
            }
            if (journal is not null) { RecoveredSteps = Journal.RollForward(Folder, journal, _store.Boundary); }
            RemoveStaleTemps(Folder, _store.StaleTempAge);
            if (_store.Replayer is not null) { DrainSpool(cancellation); }
        }

        private void DrainSpool(CancellationToken cancellation)
        {
            foreach (string file in Spool.Pending(Folder))
            {
                cancellation.ThrowIfCancellationRequested();
                int savepoint = _ops.Count;
                try
                {
                    SpoolEntry? entry = Spool.Read(file);
                    if (entry is null) { continue; }
                    _store.Replayer!(this, entry);
                    Delete(file);
                    SpooledApplied++;
                }
                catch (Exception e) when (e is JsonException || e is RlmTokensException)
                {
                    RollbackTo(savepoint);
                    SetAsideFile(file, e.Message);
                }
            }
        }

        /// <summary>Reads a file under the lock (seeing this transaction's writes); an unparsable file is set aside and null returned.</summary>
        public T? Read<T>(string path, JsonTypeInfo<T> info) where T : class
        {
            PendingOp? pending = LastPending(path);
            if (pending is not null)
            {
                if (pending.Kind == JournalOp.Delete) { return null; }
                if (pending.Kind == JournalOp.Replace) { return JsonFileStore.Parse(pending.Temp!, info); }
            }
            try
            {
                return JsonFileStore.ParseSettled(path, info);
            }
            catch (JsonFileStore.FormatFailure e)
            {
                string aside = SetAsideFile(path, null);
                _setAside.Add(new CorruptDataFileException(path, aside, e.Message, e.InnerException));
                return null;
            }
        }

        /// <summary>Stages <paramref name="value"/> for <paramref name="path"/>: serialized to a flushed temporary file now, in place at Commit.</summary>
        /// <exception cref="DataFileWriteException">The value cannot be serialized (a kept unknown property holds an escaped lone surrogate, "\ud800"); nothing is staged.</exception>
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
            Stage(path, json);
        }

        /// <summary>Stages raw UTF-8 content (a BOM is added).</summary>
        public void WriteText(string path, string text) => Stage(path, Encoding.UTF8.GetBytes(text));

        /// <summary>Stages content exactly as given, no BOM added (files bash tools rewrite too, such as RLM's metrics.json, keep their own form).</summary>
        public void WriteBytes(string path, byte[] content) => Stage(path, content, bom: false);

        /// <summary>Stages an append to a log file (Markdown logs, the token-tracker stream); done once at Commit, even across a crash.</summary>
        /// <param name="path">The file; created when missing. Must be a regular file inside the workspace (a link may lead there).</param>
        /// <param name="text">The text, written as UTF-8.</param>
        /// <param name="withBom">Start a new file with a UTF-8 BOM (false for files bash tools such as jq read).</param>
        public void AppendText(string path, string text, bool withBom = true)
        {
            string full = Path.GetFullPath(path);
            SafeFiles.CheckAppendable(full, _store.Boundary);
            long before = 0;
            bool pendingBefore = false;
            foreach (PendingOp op in _ops)
            {
                if (op.Kind == JournalOp.Append && op.Path == full)
                {
                    before = op.LengthBefore + op.Data!.Length;
                    pendingBefore = true;
                }
            }
            if (!pendingBefore)
            {
                try { before = File.Exists(full) ? new FileInfo(full).Length : 0; }
                catch (IOException e) { throw new DataFileReadException(full, e); }
            }
            byte[] bytes = Encoding.UTF8.GetBytes(text);
            if (before == 0 && withBom)
            {
                byte[] bom = JsonFileStore.Utf8WithBom.GetPreamble();
                var data = new byte[bom.Length + bytes.Length];
                bom.CopyTo(data, 0);
                bytes.CopyTo(data, bom.Length);
                bytes = data;
            }
            _ops.Add(new PendingOp(JournalOp.Append, full, null) { Data = bytes, LengthBefore = before });
        }

        /// <summary>Stages the removal of a file (absent is fine).</summary>
        public void Delete(string path)
        {
            string full = Path.GetFullPath(path);
            _ops.Add(new PendingOp(JournalOp.Delete, full, null));
        }

        /// <summary>True when the change has nothing staged.</summary>
        public bool IsEmpty => _ops.Count == 0;

        /// <summary>
        /// Ends the change: every staged write, append and delete takes effect as one unit. A single
        /// replace or delete is one rename or unlink, atomic by itself; anything more is journaled first,
        /// so that after a crash at any point the next lock holder completes it. Disposing without
        /// Commit abandons the change.
        /// </summary>
        public void Commit()
        {
            if (_committed) { return; }
            List<PendingOp> ops = Compact();
            if (ops.Count == 0)
            {
                _committed = true;
                return;
            }
            if (ops.Count == 1 && ops[0].Kind != JournalOp.Append)
            {
                Apply(ops[0]);
                _committed = true;
                NativeFiles.SyncFolder(Path.GetDirectoryName(ops[0].Path)!);
                try { FaultInjection.Step(ops[0].Kind + " " + Path.GetFileName(ops[0].Path)); }
                catch (IOException e) { throw new DataFileWriteException(ops[0].Path, e); }
                return;
            }
            var journal = new JournalFile { CreatedAt = RlmTime.Format(_store.Clock.UtcNow) };
            foreach (PendingOp op in ops)
            {
                journal.Ops.Add(new JournalOp
                {
                    Op = op.Kind,
                    Path = Journal.Relative(Folder, op.Path),
                    Temp = op.Temp is null ? null : Path.GetFileName(op.Temp),
                    Data = op.Data,
                    LengthBefore = op.LengthBefore,
                });
            }
            try
            {
                Journal.Commit(Folder, journal);
            }
            catch (RlmTokensException)
            {
                // A failure after the journal's rename (its folder flush, a full disk reported late): the
                // change is committed, and the next lock holder rolls it forward from the temporary files
                // the journal names. Removing them now (Dispose of an uncommitted change) would leave it
                // half applied: its deletes done, its replaces lost. Under the lock any journal is ours.
                if (File.Exists(Journal.PathIn(Folder))) { _committed = true; }
                throw;
            }
            _committed = true;
            Journal.RollForward(Folder, journal, _store.Boundary);
        }

        // The last replace or delete of each path wins (superseded temporary files are removed); appends
        // keep their order.
        private List<PendingOp> Compact()
        {
            var last = new Dictionary<string, PendingOp>(StringComparer.Ordinal);
            foreach (PendingOp op in _ops)
            {
                if (op.Kind == JournalOp.Append) { continue; }
                if (last.TryGetValue(op.Path, out PendingOp? earlier) && earlier.Temp is not null) { Journal.TryDelete(earlier.Temp); }
                last[op.Path] = op;
            }
            var result = new List<PendingOp>();
            foreach (PendingOp op in _ops)
            {
                if (op.Kind == JournalOp.Append || ReferenceEquals(last[op.Path], op)) { result.Add(op); }
            }
            return result;
        }

        private void Apply(PendingOp op)
        {
            try
            {
                if (op.Kind == JournalOp.Replace)
                {
                    Journal.CreateParent(op.Path);
                    Journal.MoveOver(op.Temp!, op.Path);
                }
                else if (op.Kind == JournalOp.Delete) { File.Delete(op.Path); }
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(op.Path, e); }
            catch (IOException e) { throw new DataFileWriteException(op.Path, e); }
        }

        private void Stage(string path, byte[] content, bool bom = true)
        {
            string full = Path.GetFullPath(path);
            SafeFiles.CheckReplaceable(full);
            string temp = JsonFileStore.TempNameFor(full, Folder);
            try
            {
                if (File.Exists(full) && (File.GetAttributes(full) & FileAttributes.ReadOnly) != 0)
                {
                    throw new UnauthorizedAccessException(Resources.Messages.ReadOnlyFile);
                }
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.None))
                {
                    if (bom)
                    {
                        byte[] preamble = JsonFileStore.Utf8WithBom.GetPreamble();
                        stream.Write(preamble, 0, preamble.Length);
                    }
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                FaultInjection.Step("temp " + Path.GetFileName(full));
            }
            catch (UnauthorizedAccessException e)
            {
                Journal.TryDelete(temp);
                throw new DataFileAccessDeniedException(full, e);
            }
            catch (IOException e)
            {
                Journal.TryDelete(temp);
                throw new DataFileWriteException(full, e);
            }
            _ops.Add(new PendingOp(JournalOp.Replace, full, temp));
        }

        /// <summary>Drops what was staged after <paramref name="savepoint"/> (a spooled record that could not be applied).</summary>
        internal void RollbackTo(int savepoint)
        {
            for (int i = _ops.Count - 1; i >= savepoint; i--)
            {
                if (_ops[i].Temp is string temp) { Journal.TryDelete(temp); }
                _ops.RemoveAt(i);
            }
        }

        private PendingOp? LastPending(string path)
        {
            string full = Path.GetFullPath(path);
            for (int i = _ops.Count - 1; i >= 0; i--)
            {
                if (_ops[i].Path == full && _ops[i].Kind != JournalOp.Append) { return _ops[i]; }
            }
            return null;
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
                    if (Journal.TryDelete(file)) { removed++; }
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return removed;
        }

        private string SetAsideFile(string path, string? reason)
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
            if (reason is not null) { _setAside.Add(new CorruptDataFileException(path, target, reason)); }
            return target;
        }

        public void Dispose()
        {
            if (!_committed)
            {
                foreach (PendingOp op in _ops)
                {
                    if (op.Temp is string temp) { Journal.TryDelete(temp); }
                }
                _ops.Clear();
            }
            _lock.Dispose();
        }

        private sealed class PendingOp
        {
            public PendingOp(string kind, string path, string? temp)
            {
                Kind = kind;
                Path = path;
                Temp = temp;
            }

            public string Kind { get; }

            public string Path { get; }

            public string? Temp { get; }

            public byte[]? Data { get; set; }

            public long LengthBefore { get; set; }
        }
    }
}
