using System;
using System.IO;

namespace RlmTokens.Capture
{
    /// <summary>The current git branch, read from .git/HEAD without running git.</summary>
    internal static class GitInfo
    {
        /// <summary>
        /// The branch checked out in the repository that holds <paramref name="folder"/> (searched upwards):
        /// "main" for <c>ref: refs/heads/main</c>; "(HEAD detached at abc1234)" for a detached HEAD; null
        /// outside a repository or when HEAD cannot be read. A worktree's or submodule's <c>.git</c> file
        /// (<c>gitdir: ...</c>) is followed.
        /// </summary>
        public static string? Branch(string folder)
        {
            try
            {
                for (DirectoryInfo? d = new DirectoryInfo(folder); d is not null; d = d.Parent)
                {
                    string dotGit = Path.Combine(d.FullName, ".git");
                    string? gitDir = null;
                    if (Directory.Exists(dotGit)) { gitDir = dotGit; }
                    else if (File.Exists(dotGit)) { gitDir = FollowGitFile(dotGit); }
                    if (gitDir is null) { continue; }
                    string head = Path.Combine(gitDir, "HEAD");
                    return File.Exists(head) ? FromHead(File.ReadAllText(head)) : null;
                }
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
            return null;
        }

        /// <summary>The branch named by the text of a HEAD file.</summary>
        public static string? FromHead(string text)
        {
            string head = text.Trim();
            if (head.StartsWith("ref:", StringComparison.Ordinal))
            {
                string target = head.Substring(4).Trim();
                const string heads = "refs/heads/";
                return target.StartsWith(heads, StringComparison.Ordinal) ? target.Substring(heads.Length) : target;
            }
            if (head.Length >= 7 && IsHex(head)) { return "(HEAD detached at " + head.Substring(0, 7) + ")"; }
            return null;
        }

        private static string? FollowGitFile(string dotGitFile)
        {
            foreach (string line in File.ReadAllLines(dotGitFile))
            {
                string l = line.Trim();
                if (!l.StartsWith("gitdir:", StringComparison.Ordinal)) { continue; }
                string target = l.Substring("gitdir:".Length).Trim();
                string full = Path.IsPathRooted(target) ? target : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(dotGitFile)!, target));
                return Directory.Exists(full) ? full : null;
            }
            return null;
        }

        private static bool IsHex(string s)
        {
            foreach (char c in s)
            {
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) { return false; }
            }
            return true;
        }
    }
}
