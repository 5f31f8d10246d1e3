using System;
using System.IO;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace RlmTokens.Storage
{
    /// <summary>What a path names, as the operating system sees it.</summary>
    internal enum FileKind
    {
        Missing,
        Regular,
        Directory,
        SymbolicLink,
        Fifo,
        CharacterDevice,
        BlockDevice,
        Socket,
        Other,
    }

    /// <summary>
    /// The few operating-system calls the store needs that .NET does not expose: the type of a file
    /// (a FIFO looks like an empty regular file to <see cref="FileInfo"/>, and opening one blocks),
    /// the advisory lock of a lock file (flock, whatever the runtime's own file-locking switch says),
    /// and flushing a folder's entries after a rename. On Windows the sharing mode of an open file is
    /// the lock and the folder flush is a no-op; file types come from the attributes.
    /// </summary>
    internal static unsafe class NativeFiles
    {
        private static readonly bool s_unix = !RuntimeInformation.IsOSPlatform(OSPlatform.Windows);
        private static bool s_statMissing;
        private static bool s_flockMissing;

        /// <summary>The kind of <paramref name="path"/> itself (a link is reported as a link).</summary>
        public static FileKind KindOf(string path) => Kind(path, followLinks: false);

        /// <summary>The kind of what <paramref name="path"/> finally names (links followed; a dangling link is Missing).</summary>
        public static FileKind TargetKindOf(string path) => Kind(path, followLinks: true);

        private static FileKind Kind(string path, bool followLinks)
        {
            if (s_unix && !s_statMissing)
            {
                try
                {
                    // System.Native's FileStatus starts with { int Flags; int Mode; }; Mode carries the
                    // portable S_IFMT bits (0xF000) on every Unix .NET runs on. 512 bytes covers the struct.
                    byte* status = stackalloc byte[512];
                    int result = followLinks ? SystemNativeStat(path, status) : SystemNativeLStat(path, status);
                    if (result != 0) { return FileKind.Missing; }
                    int mode = *(int*)(status + 4) & 0xF000;
                    switch (mode)
                    {
                        case 0x8000: return FileKind.Regular;
                        case 0x4000: return FileKind.Directory;
                        case 0xA000: return FileKind.SymbolicLink;
                        case 0x1000: return FileKind.Fifo;
                        case 0x2000: return FileKind.CharacterDevice;
                        case 0x6000: return FileKind.BlockDevice;
                        case 0xC000: return FileKind.Socket;
                        default: return FileKind.Other;
                    }
                }
                catch (EntryPointNotFoundException) { s_statMissing = true; }
                catch (DllNotFoundException) { s_statMissing = true; }
            }
            return KindFromAttributes(path, followLinks);
        }

        private static FileKind KindFromAttributes(string path, bool followLinks)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists && !Directory.Exists(path))
                {
                    return info.LinkTarget is null ? FileKind.Missing : (followLinks ? FileKind.Missing : FileKind.SymbolicLink);
                }
                FileAttributes attributes = info.Attributes;
                if ((attributes & FileAttributes.ReparsePoint) != 0 && info.LinkTarget is not null)
                {
                    if (!followLinks) { return FileKind.SymbolicLink; }
                    FileSystemInfo? target = info.ResolveLinkTarget(returnFinalTarget: true);
                    if (target is null || !target.Exists) { return FileKind.Missing; }
                    attributes = target.Attributes;
                }
                if ((attributes & FileAttributes.Directory) != 0) { return FileKind.Directory; }
                if ((attributes & FileAttributes.Device) != 0) { return FileKind.CharacterDevice; }
                return FileKind.Regular;
            }
            catch (IOException) { return FileKind.Missing; }
            catch (UnauthorizedAccessException) { return FileKind.Other; }
        }

        /// <summary>
        /// Takes the operating system's exclusive advisory lock on an open lock file without waiting
        /// (flock LOCK_EX | LOCK_NB on Unix). False when another open file holds it. On Windows the
        /// handle was opened with FileShare.None, which is already the exclusive lock: always true.
        /// </summary>
        public static bool TryLockExclusive(SafeFileHandle handle)
        {
            if (!s_unix || s_flockMissing) { return true; }
            try
            {
                const int LockExclusive = 2, LockNonBlocking = 4;
                int fd = (int)handle.DangerousGetHandle();
                while (true)
                {
                    if (Flock(fd, LockExclusive | LockNonBlocking) == 0) { return true; }
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno == Eintr) { continue; }
                    if (errno == EwouldblockLinux || errno == EwouldblockBsd) { return false; }
                    throw new IOException("flock failed with errno " + errno.ToString(System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (EntryPointNotFoundException) { s_flockMissing = true; return true; }
            catch (DllNotFoundException) { s_flockMissing = true; return true; }
        }

        /// <summary>Makes the folder's entries (renames, deletions) durable: fsync of the folder on Unix. Failures are ignored.</summary>
        public static void SyncFolder(string folder)
        {
            if (!s_unix) { return; }
            try
            {
                int fd = Open(folder, 0);
                if (fd < 0) { return; }
                Fsync(fd);
                Close(fd);
            }
            catch (EntryPointNotFoundException) { }
            catch (DllNotFoundException) { }
        }

        private const int Eintr = 4;
        private const int EwouldblockLinux = 11;
        private const int EwouldblockBsd = 35;

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_LStat", SetLastError = true)]
        private static extern int SystemNativeLStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* status);

        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", SetLastError = true)]
        private static extern int SystemNativeStat([MarshalAs(UnmanagedType.LPUTF8Str)] string path, byte* status);

        [DllImport("libc", EntryPoint = "flock", SetLastError = true)]
        private static extern int Flock(int fd, int operation);

        [DllImport("libc", EntryPoint = "open", SetLastError = true)]
        private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

        [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
        private static extern int Fsync(int fd);

        [DllImport("libc", EntryPoint = "close", SetLastError = true)]
        private static extern int Close(int fd);
    }
}
