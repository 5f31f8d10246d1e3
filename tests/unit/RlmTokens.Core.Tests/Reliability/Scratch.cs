using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>A throw-away workspace root for one Core test, with snapshot helpers.</summary>
    internal sealed class Scratch : IDisposable
    {
        public Scratch()
        {
            Parent = Path.Combine(Path.GetTempPath(), "rlmtokens-core-tests", Guid.NewGuid().ToString("N").Substring(0, 12));
            Root = Path.Combine(Parent, "ws");
            Directory.CreateDirectory(Root);
            Workspace = new Workspace(Root);
            Directory.CreateDirectory(Workspace.TokenUsageFolder);
        }

        /// <summary>The folder above the workspace: a snapshot of it proves nothing was written outside.</summary>
        public string Parent { get; }

        public string Root { get; }

        public Workspace Workspace { get; }

        public static readonly FixedClock Clock = new FixedClock(new DateTimeOffset(2026, 11, 23, 10, 0, 0, TimeSpan.Zero));

        public TokenTracker Tracker(TimeSpan? lockTimeout = null) => new TokenTracker(Workspace, Clock, lockTimeout ?? TimeSpan.FromSeconds(5));

        public string TokenFile(string name) => Path.Combine(Workspace.TokenUsageFolder, name);

        public string Write(string name, string text)
        {
            string path = TokenFile(name);
            File.WriteAllText(path, text, new UTF8Encoding(true));
            return path;
        }

        public string WriteBytes(string name, byte[] bytes)
        {
            string path = TokenFile(name);
            File.WriteAllBytes(path, bytes);
            return path;
        }

        /// <summary>Every entry under <paramref name="folder"/> (default: the parent of the workspace) with its bytes.</summary>
        public IDictionary<string, string> Snapshot(string? folder = null)
        {
            string top = folder ?? Parent;
            return Directory.EnumerateFileSystemEntries(top, "*", SearchOption.AllDirectories)
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToDictionary(p => Path.GetRelativePath(top, p), Fingerprint);
        }

        // Content hash; files above 64 MiB (the sparse giant) by length and time, without reading them.
        private static string Fingerprint(string p)
        {
            if (!File.Exists(p)) { return "<dir>"; }
            var info = new FileInfo(p);
            if (info.Length > 64L * 1024 * 1024) { return "len " + info.Length + " at " + info.LastWriteTimeUtc.Ticks; }
            return Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(p)));
        }

        public void Dispose()
        {
            try
            {
                foreach (string f in Directory.EnumerateFiles(Parent, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(f, FileAttributes.Normal);
                }
                foreach (string d in Directory.EnumerateDirectories(Parent, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(d, FileAttributes.Normal);
                    if (!OperatingSystem.IsWindows()) { File.SetUnixFileMode(d, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute); }
                }
                Directory.Delete(Parent, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
