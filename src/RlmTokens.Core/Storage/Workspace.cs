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
        public Workspace(string root)
        {
            Root = Path.GetFullPath(root);
            TokenUsageFolder = Path.Combine(Root, "RLM", "progress", "token-usage");
            ProgressFolder = Path.Combine(Root, "RLM", "progress");
        }

        /// <summary>The workspace root (the folder that holds RLM/).</summary>
        public string Root { get; }

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
