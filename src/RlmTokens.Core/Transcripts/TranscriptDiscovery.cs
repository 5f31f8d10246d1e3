using System;
using System.Collections.Generic;
using System.IO;

namespace RlmTokens.Transcripts
{
    /// <summary>One transcript file and the project folder it belongs to.</summary>
    public sealed class TranscriptFile
    {
        public TranscriptFile(string path, string project)
        {
            Path = path;
            Project = project;
        }

        public string Path { get; }

        /// <summary>The folder below projects/ (Claude Code's encoded working directory).</summary>
        public string Project { get; }
    }

    /// <summary>
    /// Finds Claude Code transcripts. The home folder and $CLAUDE_CONFIG_DIR are passed in, never read
    /// here, so tests control them. Layouts: projects/&lt;project&gt;/&lt;session&gt;.jsonl and
    /// projects/&lt;project&gt;/&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl (any .jsonl below a project folder).
    /// </summary>
    public static class TranscriptDiscovery
    {
        /// <summary>
        /// The projects folders that exist: every comma-separated folder of <paramref name="claudeConfigDir"/>,
        /// then ~/.claude and ~/.config/claude, each with projects/ appended.
        /// </summary>
        public static IReadOnlyList<string> DefaultProjectRoots(string? home, string? claudeConfigDir)
        {
            List<string> candidates = new List<string>();
            if (!string.IsNullOrWhiteSpace(claudeConfigDir))
            {
                foreach (string part in claudeConfigDir!.Split(','))
                {
                    string dir = part.Trim();
                    if (dir.Length > 0) { candidates.Add(System.IO.Path.Combine(dir, "projects")); }
                }
            }
            if (!string.IsNullOrEmpty(home))
            {
                candidates.Add(System.IO.Path.Combine(home!, ".claude", "projects"));
                candidates.Add(System.IO.Path.Combine(home!, ".config", "claude", "projects"));
            }
            return Existing(candidates);
        }

        /// <summary>
        /// The projects folder of an explicit root: root/projects when it exists (a Claude config
        /// folder), else the root itself (a projects folder).
        /// </summary>
        public static string ResolveRoot(string root)
        {
            string projects = System.IO.Path.Combine(root, "projects");
            return Directory.Exists(projects) ? projects : root;
        }

        /// <summary>Every .jsonl below each project folder of the given projects roots, ordered by path.</summary>
        public static IReadOnlyList<TranscriptFile> FindFiles(IEnumerable<string> projectRoots)
        {
            List<TranscriptFile> files = new List<TranscriptFile>();
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string root in projectRoots)
            {
                if (!Directory.Exists(root)) { continue; }
                foreach (string projectDir in SafeDirectories(root))
                {
                    string project = System.IO.Path.GetFileName(projectDir);
                    foreach (string file in SafeFiles(projectDir))
                    {
                        string full = System.IO.Path.GetFullPath(file);
                        if (seen.Add(full)) { files.Add(new TranscriptFile(full, project)); }
                    }
                }
            }
            files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return files;
        }

        /// <summary>
        /// The files of one session: the transcript itself and &lt;session&gt;/subagents/*.jsonl beside it.
        /// </summary>
        public static IReadOnlyList<TranscriptFile> SessionFiles(string transcriptPath)
        {
            string full = System.IO.Path.GetFullPath(transcriptPath);
            string project = ProjectOf(full);
            List<TranscriptFile> files = new List<TranscriptFile> { new TranscriptFile(full, project) };
            string dir = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full) ?? ".", System.IO.Path.GetFileNameWithoutExtension(full));
            if (Directory.Exists(dir))
            {
                List<string> more = new List<string>(SafeFiles(dir));
                more.Sort(StringComparer.Ordinal);
                foreach (string f in more) { files.Add(new TranscriptFile(System.IO.Path.GetFullPath(f), project)); }
            }
            return files;
        }

        /// <summary>The project folder name of a transcript path (either layout).</summary>
        public static string ProjectOf(string transcriptPath)
        {
            DirectoryInfo? dir = new FileInfo(transcriptPath).Directory;
            if (dir is not null && string.Equals(dir.Name, "subagents", StringComparison.OrdinalIgnoreCase) && dir.Parent?.Parent is DirectoryInfo p)
            {
                return p.Name;
            }
            return dir?.Name ?? string.Empty;
        }

        private static IReadOnlyList<string> Existing(List<string> candidates)
        {
            List<string> result = new List<string>();
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string c in candidates)
            {
                string full;
                try { full = System.IO.Path.GetFullPath(c); }
                catch (ArgumentException) { continue; }
                if (Directory.Exists(full) && seen.Add(full)) { result.Add(full); }
            }
            return result;
        }

        private static IEnumerable<string> SafeDirectories(string root)
        {
            try { return Directory.GetDirectories(root); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }

        private static IEnumerable<string> SafeFiles(string dir)
        {
            try { return Directory.GetFiles(dir, "*.jsonl", SearchOption.AllDirectories); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }
    }
}
