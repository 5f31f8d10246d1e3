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
    /// projects/&lt;project&gt;/&lt;session&gt;/subagents/agent-&lt;id&gt;.jsonl (any .jsonl below a project folder), and
    /// Claude Code 2.0's projects/&lt;project&gt;/agent-&lt;id&gt;.jsonl beside the sessions.
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
        public static IReadOnlyList<TranscriptFile> FindFiles(IEnumerable<string> projectRoots) => FindFiles(projectRoots, null);

        /// <summary>
        /// Every .jsonl below each project folder of the given projects roots, ordered by path. Links are
        /// followed, but each real folder is walked once and each real file listed once (by its path with
        /// every link resolved), so a link to an ancestor folder is no loop and a linked copy no second
        /// count. A .jsonl that is not a regular file (a FIFO, device or socket, which would block a read)
        /// is not listed but added to <paramref name="notRegular"/>.
        /// </summary>
        public static IReadOnlyList<TranscriptFile> FindFiles(IEnumerable<string> projectRoots, ICollection<string>? notRegular)
        {
            List<TranscriptFile> files = new List<TranscriptFile>();
            HashSet<string> seenFiles = new HashSet<string>(PathComparer);
            HashSet<string> seenDirs = new HashSet<string>(PathComparer);
            foreach (string root in projectRoots)
            {
                if (!Directory.Exists(root)) { continue; }
                List<string> projects = new List<string>(SafeDirectories(root));
                projects.Sort(StringComparer.Ordinal);
                foreach (string projectDir in projects)
                {
                    Walk(projectDir, System.IO.Path.GetFileName(projectDir), files, seenFiles, seenDirs, notRegular);
                }
            }
            files.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            return files;
        }

        private static readonly StringComparer PathComparer =
            System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) ? StringComparer.Ordinal : StringComparer.OrdinalIgnoreCase;

        // Depth first, in path order, one real folder at a time (an explicit stack: no recursion depth to blow).
        private static void Walk(string top, string project, List<TranscriptFile> files, HashSet<string> seenFiles, HashSet<string> seenDirs, ICollection<string>? notRegular)
        {
            // Each folder travels with its real path: a subfolder that is no link is where its (real)
            // parent is, so only the top and links are resolved (a walk of every component each).
            Stack<(string Dir, string? Real)> pending = new Stack<(string, string?)>();
            pending.Push((top, null));
            while (pending.Count > 0)
            {
                (string dir, string? known) = pending.Pop();
                string realDir = known ?? Storage.SafeFiles.RealPath(dir);
                if (!seenDirs.Add(realDir)) { continue; }
                List<string> entries = new List<string>(SafeEntries(dir));
                entries.Sort(StringComparer.Ordinal);
                List<(string, string?)> subdirs = new List<(string, string?)>();
                foreach (string entry in entries)
                {
                    Storage.FileKind kind = Storage.NativeFiles.KindOf(entry);
                    // Only a link needs resolving; anything else is where its (already real) folder is.
                    string real = System.IO.Path.Combine(realDir, System.IO.Path.GetFileName(entry));
                    if (kind == Storage.FileKind.SymbolicLink)
                    {
                        real = Storage.SafeFiles.RealPath(entry);
                        kind = Storage.NativeFiles.TargetKindOf(entry);
                    }
                    if (kind == Storage.FileKind.Directory)
                    {
                        subdirs.Add((entry, real));
                        continue;
                    }
                    if (!entry.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase) || kind == Storage.FileKind.Missing) { continue; }
                    if (kind != Storage.FileKind.Regular)
                    {
                        if (seenFiles.Add(real)) { notRegular?.Add(System.IO.Path.GetFullPath(entry)); }
                        continue;
                    }
                    // A link is listed as the file it leads to: the one real file, whichever path found it first.
                    if (seenFiles.Add(real)) { files.Add(new TranscriptFile(real, project)); }
                }
                for (int i = subdirs.Count - 1; i >= 0; i--) { pending.Push(subdirs[i]); }
            }
        }

        /// <summary>
        /// The files of one session: the transcript itself, &lt;session&gt;/subagents/*.jsonl beside it, and (Claude
        /// Code 2.0's layout) the agent-*.jsonl files beside it whose lines name the session (their first sessionId
        /// is the transcript's name). The one discovery of a session's files: Import-SessionCost, the status line and
        /// the hooks all read a session through it.
        /// </summary>
        public static IReadOnlyList<TranscriptFile> SessionFiles(string transcriptPath)
        {
            string full = System.IO.Path.GetFullPath(transcriptPath);
            string project = ProjectOf(full);
            List<TranscriptFile> files = new List<TranscriptFile> { new TranscriptFile(full, project) };
            string folder = System.IO.Path.GetDirectoryName(full) ?? ".";
            string session = System.IO.Path.GetFileNameWithoutExtension(full);
            HashSet<string> seenFiles = new HashSet<string>(PathComparer) { Storage.SafeFiles.RealPath(full) };
            List<TranscriptFile> more = new List<TranscriptFile>();
            List<string> special = new List<string>();
            string dir = System.IO.Path.Combine(folder, session);
            if (Directory.Exists(dir))
            {
                // Walked as discovery walks (each real folder and file once); a FIFO there is left to the
                // reader, which refuses it before opening and reports it.
                Walk(dir, project, more, seenFiles, new HashSet<string>(PathComparer), special);
            }
            if (!session.StartsWith("agent-", StringComparison.OrdinalIgnoreCase))
            {
                foreach (string agent in AgentFilesBeside(folder))
                {
                    string real = Storage.SafeFiles.RealPath(agent);
                    if (seenFiles.Contains(real) || !string.Equals(FirstSessionId(agent), session, StringComparison.Ordinal)) { continue; }
                    seenFiles.Add(real);
                    more.Add(new TranscriptFile(real, project));
                }
            }
            foreach (string f in special) { more.Add(new TranscriptFile(f, project)); }
            more.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
            files.AddRange(more);
            return files;
        }

        /// <summary>The regular agent-*.jsonl files of a folder (Claude Code 2.0 wrote subagent transcripts there).</summary>
        private static IEnumerable<string> AgentFilesBeside(string folder)
        {
            List<string> agents = new List<string>();
            foreach (string entry in SafeEntries(folder))
            {
                string name = System.IO.Path.GetFileName(entry);
                if (name.StartsWith("agent-", StringComparison.OrdinalIgnoreCase) && name.EndsWith(".jsonl", StringComparison.OrdinalIgnoreCase)
                    && Storage.NativeFiles.TargetKindOf(entry) == Storage.FileKind.Regular)
                {
                    agents.Add(entry);
                }
            }
            agents.Sort(StringComparer.Ordinal);
            return agents;
        }

        /// <summary>How far into a file <see cref="FirstSessionId"/> looks for a line that names a session.</summary>
        internal const int SessionIdProbeLines = 64;

        /// <summary>
        /// The sessionId of the first of a transcript's first lines that has one (a string), or null (none, or the
        /// file cannot be read). Lines that are not JSON objects are passed over.
        /// </summary>
        internal static string? FirstSessionId(string path)
        {
            try
            {
                using FileStream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using StreamReader reader = new StreamReader(stream, System.Text.Encoding.UTF8, true);
                for (int i = 0; i < SessionIdProbeLines; i++)
                {
                    string? line = reader.ReadLine();
                    if (line is null) { return null; }
                    if (line.Length > FileScanner.DefaultMaxLineBytes) { continue; }
                    try
                    {
                        using System.Text.Json.JsonDocument doc = System.Text.Json.JsonDocument.Parse(line);
                        if (doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                            && doc.RootElement.TryGetProperty("sessionId", out System.Text.Json.JsonElement id)
                            && id.ValueKind == System.Text.Json.JsonValueKind.String)
                        {
                            return id.GetString();
                        }
                    }
                    catch (System.Text.Json.JsonException) { }
                }
                return null;
            }
            catch (IOException) { return null; }
            catch (UnauthorizedAccessException) { return null; }
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

        private static IEnumerable<string> SafeEntries(string dir)
        {
            try { return Directory.GetFileSystemEntries(dir); }
            catch (IOException) { return Array.Empty<string>(); }
            catch (UnauthorizedAccessException) { return Array.Empty<string>(); }
        }
    }
}
