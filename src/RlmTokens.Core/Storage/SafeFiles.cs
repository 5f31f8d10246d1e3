using System;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using RlmTokens.Errors;

namespace RlmTokens.Storage
{
    /// <summary>
    /// "Only regular files, only inside" (DESIGN.md section 6): the checks made before a file is opened.
    /// A FIFO or device is refused before the open that would block on it; an append or the lock never
    /// follows a link to a place outside the workspace.
    /// </summary>
    internal static class SafeFiles
    {
        private static readonly StringComparison s_pathComparison =
            RuntimeInformation.IsOSPlatform(OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

        /// <summary>
        /// For a file about to be read: true when it is (or leads to) a regular file, false when it does
        /// not exist. A folder is a <see cref="DataFileReadException"/>; a FIFO, device or socket a
        /// <see cref="NotRegularFileException"/>.
        /// </summary>
        public static bool CheckReadable(string path)
        {
            FileKind kind = NativeFiles.TargetKindOf(path);
            switch (kind)
            {
                case FileKind.Missing: return false;
                case FileKind.Regular: return true;
                case FileKind.Directory:
                    throw new DataFileReadException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
                default:
                    throw new NotRegularFileException(path, Describe(kind));
            }
        }

        /// <summary>
        /// The bytes of a file, or null when it does not exist. It is checked to be a regular file first
        /// (<see cref="CheckReadable"/>: a FIFO or device would block the open), opened without keeping
        /// writers, renames or deletes out, and refused as <see cref="CorruptDataFileException"/> past
        /// <paramref name="maxBytes"/> without being read. Errors as the store reports them.
        /// </summary>
        public static byte[]? ReadAllBytesOrNull(string path, long maxBytes = long.MaxValue)
        {
            try
            {
                if (!CheckReadable(path)) { return null; }
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                if (stream.Length > maxBytes)
                {
                    throw new CorruptDataFileException(path, null, string.Format(System.Globalization.CultureInfo.CurrentCulture, Resources.Messages.FileTooLarge, stream.Length, maxBytes));
                }
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                return copy.ToArray();
            }
            catch (FileNotFoundException) { return null; }
            catch (DirectoryNotFoundException) { return null; }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileReadException(path, e); }
        }

        /// <summary>For a file about to be replaced (rename over it): absent, a regular file or a link (the link itself is replaced).</summary>
        public static void CheckReplaceable(string path)
        {
            FileKind kind = NativeFiles.KindOf(path);
            switch (kind)
            {
                case FileKind.Missing:
                case FileKind.Regular:
                case FileKind.SymbolicLink:
                    return;
                case FileKind.Directory:
                    throw new DataFileWriteException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
                default:
                    throw new NotRegularFileException(path, Describe(kind));
            }
        }

        /// <summary>
        /// For a file about to be appended to (or opened as the lock when <paramref name="allowLink"/> is
        /// false): absent or a regular file, and — through any link, of the file or of a folder above it —
        /// inside <paramref name="boundary"/> when one is given.
        /// </summary>
        public static void CheckAppendable(string path, string? boundary, bool allowLink = true)
        {
            FileKind kind = NativeFiles.KindOf(path);
            if (kind == FileKind.SymbolicLink)
            {
                if (!allowLink) { throw new NotRegularFileException(path, Describe(kind)); }
                FileKind target = NativeFiles.TargetKindOf(path);
                if (target != FileKind.Regular && target != FileKind.Missing) { throw new NotRegularFileException(path, Describe(target)); }
            }
            else if (kind == FileKind.Directory)
            {
                throw new DataFileWriteException(path, new IOException(Resources.Messages.DirectoryInsteadOfFile));
            }
            else if (kind != FileKind.Missing && kind != FileKind.Regular)
            {
                throw new NotRegularFileException(path, Describe(kind));
            }
            CheckInside(path, boundary);
        }

        /// <summary>Throws <see cref="LinkOutsideWorkspaceException"/> when <paramref name="path"/>, links resolved, lies outside <paramref name="boundary"/>.</summary>
        public static void CheckInside(string path, string? boundary)
        {
            if (boundary is null) { return; }
            string real = RealPath(path);
            string root = RealPath(boundary);
            if (!IsInside(real, root)) { throw new LinkOutsideWorkspaceException(path, real, boundary); }
        }

        /// <summary>True when <paramref name="path"/> is <paramref name="root"/> or below it (both already full paths).</summary>
        public static bool IsInside(string path, string root)
        {
            string r = root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar);
            if (path.Equals(r, s_pathComparison)) { return true; }
            return path.Length > r.Length && path.StartsWith(r, s_pathComparison)
                && (path[r.Length] == Path.DirectorySeparatorChar || path[r.Length] == Path.AltDirectorySeparatorChar);
        }

        /// <summary>
        /// The path with every symbolic link resolved, component by component, as realpath(3) does (a
        /// missing tail is kept as it is). A loop of links stops after 40 hops with the path reached so far.
        /// </summary>
        public static string RealPath(string path)
        {
            string full = Path.GetFullPath(path);
            string root = Path.GetPathRoot(full) ?? string.Empty;
            var parts = new List<string>(full.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries));
            string current = root;
            int hops = 0;
            for (int i = 0; i < parts.Count; i++)
            {
                string part = parts[i];
                if (part == ".") { continue; }
                if (part == "..")
                {
                    current = Path.GetDirectoryName(current.TrimEnd(Path.DirectorySeparatorChar)) ?? root;
                    if (current.Length == 0) { current = root; }
                    continue;
                }
                string next = Path.Combine(current, part);
                string? target = null;
                if (NativeFiles.KindOf(next) == FileKind.SymbolicLink)
                {
                    try { target = new FileInfo(next).LinkTarget; }
                    catch (IOException) { target = null; }
                    catch (UnauthorizedAccessException) { target = null; }
                }
                if (target is null || ++hops > 40)
                {
                    current = next;
                    continue;
                }
                string resolved = Path.IsPathRooted(target) ? target : Path.Combine(current, target);
                string resolvedFull = Path.GetFullPath(resolved);
                string resolvedRoot = Path.GetPathRoot(resolvedFull) ?? root;
                var rest = parts.GetRange(i + 1, parts.Count - i - 1);
                parts = new List<string>(resolvedFull.Substring(resolvedRoot.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries));
                parts.AddRange(rest);
                current = resolvedRoot;
                root = resolvedRoot;
                i = -1;
            }
            return current;
        }

        /// <summary>The words for a kind of file, as the messages use them.</summary>
        public static string Describe(FileKind kind)
        {
            switch (kind)
            {
                case FileKind.Fifo: return Resources.Messages.FileKindFifo;
                case FileKind.CharacterDevice: return Resources.Messages.FileKindCharacterDevice;
                case FileKind.BlockDevice: return Resources.Messages.FileKindBlockDevice;
                case FileKind.Socket: return Resources.Messages.FileKindSocket;
                case FileKind.SymbolicLink: return Resources.Messages.FileKindSymbolicLink;
                case FileKind.Directory: return Resources.Messages.FileKindDirectory;
                default: return Resources.Messages.FileKindOther;
            }
        }
    }
}
