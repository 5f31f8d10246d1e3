using System;
using System.Collections.Generic;
using System.IO;
using RlmTokens.Transcripts;

namespace RlmTokens.Agents
{
    /// <summary>
    /// Where each agent keeps its sessions. The home folder and the environment variables are passed in,
    /// never read here, so tests control them. An explicit root may be a home folder (holding .claude,
    /// .codex, .gemini, .local/share/opencode), an agent's own folder (a Claude config folder holding
    /// projects/, a Codex home holding sessions/, a Gemini home holding tmp/, an OpenCode data folder
    /// holding storage/) or a Claude projects folder; each agent reads what it finds there.
    /// </summary>
    public sealed class AgentLocations
    {
        /// <summary>Explicit roots; when there are any, the defaults are not used.</summary>
        public IList<string> Roots { get; } = new List<string>();

        /// <summary>The user's home folder.</summary>
        public string? Home { get; set; }

        /// <summary>$CLAUDE_CONFIG_DIR (comma-separated folders).</summary>
        public string? ClaudeConfigDir { get; set; }

        /// <summary>$CODEX_HOME: Codex CLI's folder (default ~/.codex).</summary>
        public string? CodexHome { get; set; }

        /// <summary>$GEMINI_CLI_HOME: the folder that holds Gemini CLI's .gemini (default the home folder).</summary>
        public string? GeminiCliHome { get; set; }

        /// <summary>$OPENCODE_DATA_DIR: OpenCode's data folder (default $XDG_DATA_HOME/opencode, else ~/.local/share/opencode).</summary>
        public string? OpenCodeDataDir { get; set; }

        /// <summary>$XDG_DATA_HOME.</summary>
        public string? XdgDataHome { get; set; }

        /// <summary>
        /// The folders to read for <paramref name="agent"/>, existing ones only: Claude projects folders,
        /// Codex sessions/ and archived_sessions/ folders, Gemini tmp/ folders, OpenCode data folders.
        /// </summary>
        public IReadOnlyList<string> FoldersOf(AgentKind agent)
        {
            List<string> result = new List<string>();
            if (Roots.Count == 0)
            {
                if (agent == AgentKind.Claude) { return TranscriptDiscovery.DefaultProjectRoots(Home, ClaudeConfigDir); }
                foreach (string home in DefaultHomes(agent)) { AddAgentFolders(agent, home, result); }
                return Distinct(result);
            }
            foreach (string root in Roots)
            {
                if (agent == AgentKind.Claude)
                {
                    string dotClaude = Path.Combine(root, ".claude");
                    if (Directory.Exists(Path.Combine(dotClaude, "projects"))) { result.Add(Path.Combine(dotClaude, "projects")); }
                    else if (Directory.Exists(Path.Combine(root, "projects")) || !HoldsOtherAgent(root)) { result.Add(TranscriptDiscovery.ResolveRoot(root)); }
                    continue;
                }
                foreach (string home in HomesBelow(agent, root)) { AddAgentFolders(agent, home, result); }
            }
            return Distinct(result);
        }

        private IEnumerable<string> DefaultHomes(AgentKind agent)
        {
            switch (agent)
            {
                case AgentKind.Codex:
                    if (!string.IsNullOrWhiteSpace(CodexHome)) { yield return CodexHome!.Trim(); }
                    else if (!string.IsNullOrEmpty(Home)) { yield return Path.Combine(Home!, ".codex"); }
                    break;
                case AgentKind.Gemini:
                    string? geminiBase = !string.IsNullOrWhiteSpace(GeminiCliHome) ? GeminiCliHome!.Trim() : Home;
                    if (!string.IsNullOrEmpty(geminiBase)) { yield return Path.Combine(geminiBase!, ".gemini"); }
                    break;
                case AgentKind.OpenCode:
                    if (!string.IsNullOrWhiteSpace(OpenCodeDataDir)) { yield return OpenCodeDataDir!.Trim(); }
                    else if (!string.IsNullOrWhiteSpace(XdgDataHome)) { yield return Path.Combine(XdgDataHome!.Trim(), "opencode"); }
                    else if (!string.IsNullOrEmpty(Home)) { yield return Path.Combine(Home!, ".local", "share", "opencode"); }
                    break;
            }
        }

        // A root may be the agent's own folder or a home folder above it.
        private static IEnumerable<string> HomesBelow(AgentKind agent, string root)
        {
            yield return root;
            switch (agent)
            {
                case AgentKind.Codex: yield return Path.Combine(root, ".codex"); break;
                case AgentKind.Gemini: yield return Path.Combine(root, ".gemini"); break;
                case AgentKind.OpenCode: yield return Path.Combine(root, ".local", "share", "opencode"); break;
            }
        }

        private static void AddAgentFolders(AgentKind agent, string home, List<string> result)
        {
            switch (agent)
            {
                case AgentKind.Codex:
                    AddIfExists(Path.Combine(home, "sessions"), result);
                    AddIfExists(Path.Combine(home, "archived_sessions"), result);
                    break;
                case AgentKind.Gemini:
                    AddIfExists(Path.Combine(home, "tmp"), result);
                    break;
                case AgentKind.OpenCode:
                    if (Directory.Exists(Path.Combine(home, "storage")) || File.Exists(Path.Combine(home, OpenCodeStorageReader.DatabaseFileName)))
                    {
                        result.Add(home);
                    }
                    break;
            }
        }

        // Keeps a plain Claude projects folder a Claude root, and a Codex or Gemini home out of Claude's walk.
        private static bool HoldsOtherAgent(string root) =>
            Directory.Exists(Path.Combine(root, "sessions")) || Directory.Exists(Path.Combine(root, "archived_sessions"))
            || Directory.Exists(Path.Combine(root, "tmp")) || Directory.Exists(Path.Combine(root, "storage"))
            || Directory.Exists(Path.Combine(root, ".codex")) || Directory.Exists(Path.Combine(root, ".gemini"))
            || Directory.Exists(Path.Combine(root, ".local"));

        private static void AddIfExists(string dir, List<string> result)
        {
            if (Directory.Exists(dir)) { result.Add(dir); }
        }

        private static IReadOnlyList<string> Distinct(List<string> folders)
        {
            List<string> result = new List<string>();
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string f in folders)
            {
                string full;
                try { full = Path.GetFullPath(f); }
                catch (ArgumentException) { continue; }
                if (seen.Add(full)) { result.Add(full); }
            }
            return result;
        }
    }
}
