using System;
using System.Globalization;
using System.IO;
using RlmTokens.Errors;

namespace RlmTokens.Storage
{
    /// <summary>
    /// The paths of one RLM workspace (DESIGN.md section 4). Every file name built from data (session
    /// ids, dates) is checked so no path can leave <c>RLM/progress/token-usage</c>.
    /// </summary>
    public sealed class Workspace
    {
        public Workspace(string root, bool isExplicit = true)
        {
            Root = Path.GetFullPath(root);
            TokenUsageFolder = Path.Combine(Root, "RLM", "progress", "token-usage");
            ProgressFolder = Path.Combine(Root, "RLM", "progress");
            IsExplicit = isExplicit;
        }

        /// <summary>The workspace root (the folder that holds RLM/).</summary>
        public string Root { get; }

        /// <summary>
        /// True when the caller named this folder (-Path, or Core's caller directly): writers may then
        /// create RLM/ in it. A folder the cmdlets found by looking around (a hook's cwd, the current
        /// location) is not explicit and must already hold RLM/.
        /// </summary>
        public bool IsExplicit { get; }

        /// <summary>True when the root holds an RLM/ folder.</summary>
        public bool HasRlmFolder => Directory.Exists(Path.Combine(Root, "RLM"));

        /// <summary>
        /// The workspace that holds <paramref name="start"/>, found as git finds a repository: the folder
        /// itself or the nearest one above it that holds RLM/. Null when none does.
        /// </summary>
        public static string? FindRoot(string start)
        {
            DirectoryInfo? d;
            try { d = new DirectoryInfo(Path.GetFullPath(start)); }
            catch (ArgumentException) { return null; }
            catch (IOException) { return null; }
            for (; d is not null; d = d.Parent)
            {
                if (Directory.Exists(Path.Combine(d.FullName, "RLM"))) { return d.FullName; }
            }
            return null;
        }

        /// <summary>RLM/progress/token-usage/sessions: one record per open session (issue 10).</summary>
        public string SessionsFolder => Path.Combine(TokenUsageFolder, "sessions");

        /// <summary>RLM/progress/token-usage/sessions/closed: the records of ended sessions, by the same key.</summary>
        public string ClosedSessionsFolder => Path.Combine(SessionsFolder, "closed");

        public string SessionStateFile(string key) => Path.Combine(SessionsFolder, CheckSessionId(key) + ".json");

        public string ClosedSessionStateFile(string key) => Path.Combine(ClosedSessionsFolder, CheckSessionId(key) + ".json");

        /// <summary>RLM/progress</summary>
        public string ProgressFolder { get; }

        /// <summary>RLM/progress/token-usage, where every token file lives.</summary>
        public string TokenUsageFolder { get; }

        public string EstimatesFile => Path.Combine(TokenUsageFolder, "token-estimates.json");

        public string CurrentSessionFile => Path.Combine(TokenUsageFolder, "current-session.json");

        public string CompactEventsFile => Path.Combine(TokenUsageFolder, "compact-events.json");

        public string ConfigFile => Path.Combine(Root, "RLM", "config", "project-config.json");

        public string CcConfigFile => Path.Combine(ProgressFolder, "cc-config.json");

        public string LogsFolder => Path.Combine(ProgressFolder, "logs");

        /// <summary>RLM/progress/token-usage.log, token-tracker.sh's log, unless tokenTracking.logFile names another.</summary>
        public string DefaultTokenLogFile => Path.Combine(ProgressFolder, "token-usage.log");

        public string DailyFile(DateTime date) =>
            Path.Combine(TokenUsageFolder, "daily-" + date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".json");

        public string CostFile(string sessionId) => Path.Combine(TokenUsageFolder, "cost-" + CheckSessionId(sessionId) + ".json");

        public string ArchivedSessionFile(string sessionId) => Path.Combine(TokenUsageFolder, CheckSessionId(sessionId) + ".json");

        /// <summary>Returns the id when it is safe as part of a file name; throws otherwise.</summary>
        public static string CheckSessionId(string sessionId)
        {
            if (!IsSafeId(sessionId))
            {
                throw new InvalidArgumentException("InvalidSessionId", sessionId,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.InvalidSessionId, sessionId));
            }
            return sessionId;
        }

        /// <summary>Letters, digits, '.', '_' and '-'; 1 to 128 characters; not starting with '.'; no reserved device name.</summary>
        public static bool IsSafeId(string? id)
        {
            if (string.IsNullOrEmpty(id) || id!.Length > 128 || id[0] == '.') { return false; }
            foreach (char c in id)
            {
                bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
                if (!ok) { return false; }
            }
            string stem = id.Split('.')[0].ToUpperInvariant();
            switch (stem)
            {
                case "CON": case "PRN": case "AUX": case "NUL":
                case "COM1": case "COM2": case "COM3": case "COM4": case "COM5": case "COM6": case "COM7": case "COM8": case "COM9":
                case "LPT1": case "LPT2": case "LPT3": case "LPT4": case "LPT5": case "LPT6": case "LPT7": case "LPT8": case "LPT9":
                    return false;
            }
            return true;
        }
    }
}
