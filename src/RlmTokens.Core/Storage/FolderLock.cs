using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Storage
{
    /// <summary>
    /// The cross-process lock of one data folder: <c>.rlmtokens.lock</c>, held through the operating
    /// system's own primitive — flock(LOCK_EX) on Unix, taken by us on the open file whatever the
    /// runtime's file-locking switch (DOTNET_SYSTEM_IO_DISABLEFILELOCKING) says; the exclusive sharing
    /// mode of the open file on Windows. The system releases it when the holder exits or is killed.
    /// The file is never deleted (deleting it would let two writers each hold "the" lock), must be a
    /// regular file (a FIFO or a link there is refused, never followed or created through), and its
    /// folder must lie inside the workspace.
    /// </summary>
    internal sealed class FolderLock : IDisposable
    {
        public const string FileName = ".rlmtokens.lock";

        private FileStream? _stream;

        private FolderLock(FileStream stream, string path)
        {
            _stream = stream;
            LockPath = path;
        }

        public string LockPath { get; }

        /// <summary>
        /// Takes the lock of <paramref name="folder"/>, retrying with short jittered polls until
        /// <paramref name="timeout"/> (zero: one attempt). <paramref name="waiting"/>, when given, is
        /// told about every 250 ms how long the wait has lasted (progress for interactive cmdlets).
        /// </summary>
        /// <exception cref="LockTimeoutException">Another holder kept it past the timeout.</exception>
        public static FolderLock Acquire(string folder, TimeSpan timeout, CancellationToken cancellation, string? boundary = null, Action<TimeSpan>? waiting = null)
        {
            string path = Path.Combine(folder, FileName);
            SafeFiles.CheckAppendable(path, boundary, allowLink: false);
            var clock = Stopwatch.StartNew();
            TimeSpan reported = TimeSpan.Zero;
            int delay = 1;
            var jitter = new Random(Environment.TickCount ^ Environment.CurrentManagedThreadId);
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                FolderLock? taken = TryTake(path);
                if (taken is not null) { return taken; }
                TimeSpan elapsed = clock.Elapsed;
                if (elapsed >= timeout) { throw new LockTimeoutException(path, timeout); }
                if (waiting is not null && elapsed - reported >= TimeSpan.FromMilliseconds(250))
                {
                    reported = elapsed;
                    waiting(elapsed);
                }
                // Short, jittered polls: a waiter that slept long would lose every race to those that
                // poll often, and under load could starve until the timeout.
                int wait = delay + jitter.Next(0, delay + 1);
                TimeSpan left = timeout - elapsed;
                if (left.TotalMilliseconds < wait) { wait = Math.Max(1, (int)left.TotalMilliseconds); }
                if (cancellation.WaitHandle.WaitOne(wait)) { cancellation.ThrowIfCancellationRequested(); }
                delay = Math.Min(delay * 2, 8);
            }
        }

        private static FolderLock? TryTake(string path)
        {
            FileStream stream;
            try
            {
                // FileShare.None: the sharing lock on Windows, and the runtime's own flock on Unix unless
                // switched off; TryLockExclusive below then takes flock itself, so the lock holds either way.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(path, e);
            }
            catch (DirectoryNotFoundException e)
            {
                throw new DataFileWriteException(path, e);
            }
            catch (IOException e) when (IsContention(e))
            {
                return null;
            }
            try
            {
                if (NativeFiles.TryLockExclusive(stream.SafeFileHandle)) { return new FolderLock(stream, path); }
            }
            catch (IOException e)
            {
                stream.Dispose();
                throw new DataFileWriteException(path, e);
            }
            stream.Dispose();
            return null;
        }

        // A sharing violation (Windows) or EWOULDBLOCK from flock (Unix) means another holder; a path
        // that is a directory or similar is a real failure and must not be retried until the timeout.
        private static bool IsContention(IOException e) =>
            e is not FileNotFoundException && e is not DirectoryNotFoundException && e is not PathTooLongException;

        public void Dispose()
        {
            _stream?.Dispose();
            _stream = null;
        }
    }
}
