using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Storage
{
    /// <summary>
    /// The cross-process lock of one data folder: <c>.rlmtokens.lock</c> opened with FileShare.None
    /// (an exclusive flock on Unix, a sharing lock on Windows). The operating system releases it when
    /// the holder exits or is killed, so no lock outlives its process. The file is never deleted:
    /// deleting it would let two writers each hold "the" lock.
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

        /// <summary>Takes the lock of <paramref name="folder"/>, retrying with short backoff until <paramref name="timeout"/>.</summary>
        public static FolderLock Acquire(string folder, TimeSpan timeout, CancellationToken cancellation)
        {
            string path = Path.Combine(folder, FileName);
            var clock = Stopwatch.StartNew();
            int delay = 1;
            var jitter = new Random(Environment.TickCount ^ Thread.CurrentThread.ManagedThreadId);
            while (true)
            {
                cancellation.ThrowIfCancellationRequested();
                try
                {
                    var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None);
                    return new FolderLock(stream, path);
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
                    if (clock.Elapsed >= timeout) { throw new LockTimeoutException(path, timeout); }
                    // Short, jittered polls: a waiter that slept long would lose every race to those that
                    // poll often, and under load could starve until the timeout.
                    int wait = delay + jitter.Next(0, delay + 1);
                    if (cancellation.WaitHandle.WaitOne(wait)) { cancellation.ThrowIfCancellationRequested(); }
                    delay = Math.Min(delay * 2, 8);
                }
            }
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
