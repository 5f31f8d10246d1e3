using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Storage;

namespace RlmTokens.Completion
{
    /// <summary>
    /// The names argument completers offer, read cheaply from a workspace: a directory listing and at
    /// most one or two small files, read without a lock and without throwing on a bad file.
    /// </summary>
    public static class WorkspaceNames
    {
        private const long MaxFileBytes = 1024 * 1024;

        /// <summary>The token log is read for names only while it is this small (a completer stays fast).</summary>
        private const long MaxLogBytes = 8 * 1024 * 1024;

        /// <summary>Models priced in project-config.json (costPerToken keys without -input/-output) and in the estimates' config.</summary>
        public static IEnumerable<string> Models(Workspace workspace)
        {
            var names = new List<string>();
            using (JsonDocument? config = TryRead(workspace.ConfigFile))
            {
                if (config is not null
                    && config.RootElement.ValueKind == JsonValueKind.Object
                    && config.RootElement.TryGetProperty("tokenTracking", out JsonElement tracking)
                    && tracking.ValueKind == JsonValueKind.Object
                    && tracking.TryGetProperty("costPerToken", out JsonElement prices)
                    && prices.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty price in prices.EnumerateObject())
                    {
                        names.Add(StripSuffix(StripSuffix(price.Name, "-input"), "-output"));
                    }
                }
            }
            return Distinct(names);
        }

        /// <summary>Agents the open session called (subagent_calls[].agent) and the subagent types of the estimation table.</summary>
        public static IEnumerable<string> Agents(Workspace workspace, IEnumerable<string> subagentTypes)
        {
            var names = new List<string>(subagentTypes ?? Enumerable.Empty<string>());
            using (JsonDocument? session = TryRead(workspace.CurrentSessionFile))
            {
                foreach (JsonElement call in Items(session, "subagent_calls"))
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("agent", out JsonElement agent) && agent.ValueKind == JsonValueKind.String)
                    {
                        names.Add(agent.GetString()!);
                    }
                }
            }
            return Distinct(names);
        }

        /// <summary>Task ids: the open session's started, completed and delegated tasks, and TASK-*.md files under RLM/tasks (two levels).</summary>
        public static IEnumerable<string> TaskIds(Workspace workspace)
        {
            var names = new List<string>();
            using (JsonDocument? session = TryRead(workspace.CurrentSessionFile))
            {
                foreach (string list in new[] { "tasks_started", "tasks_completed" })
                {
                    foreach (JsonElement task in Items(session, list))
                    {
                        if (task.ValueKind == JsonValueKind.String) { names.Add(task.GetString()!); }
                    }
                }
                foreach (JsonElement call in Items(session, "subagent_calls"))
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("task", out JsonElement task) && task.ValueKind == JsonValueKind.String)
                    {
                        names.Add(task.GetString()!);
                    }
                }
            }
            string tasks = Path.Combine(workspace.Root, "RLM", "tasks");
            if (Directory.Exists(tasks))
            {
                IEnumerable<string> folders = new[] { tasks }.Concat(Directory.EnumerateDirectories(tasks));
                foreach (string folder in folders)
                {
                    foreach (string file in Directory.EnumerateFiles(folder, "TASK-*.md"))
                    {
                        names.Add(Path.GetFileNameWithoutExtension(file));
                    }
                }
            }
            return Distinct(names);
        }

        /// <summary>Session ids: archived sessions (SESSION-*.json), captured costs (cost-*.json), the open session.</summary>
        public static IEnumerable<string> SessionIds(Workspace workspace)
        {
            var names = new List<string>();
            if (!Directory.Exists(workspace.TokenUsageFolder)) { return names; }
            foreach (string file in Directory.EnumerateFiles(workspace.TokenUsageFolder, "*.json"))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                if (name.StartsWith("cost-", StringComparison.Ordinal)) { names.Add(name.Substring(5)); }
                else if (name.StartsWith("SESSION-", StringComparison.Ordinal)) { names.Add(name); }
            }
            foreach (string file in new[] { workspace.CurrentSessionFile, workspace.EstimatesFile })
            {
                using (JsonDocument? doc = TryRead(file))
                {
                    if (doc is not null && doc.RootElement.ValueKind == JsonValueKind.Object
                        && doc.RootElement.TryGetProperty("session_id", out JsonElement id) && id.ValueKind == JsonValueKind.String)
                    {
                        names.Add(id.GetString()!);
                    }
                }
            }
            return Distinct(names);
        }

        /// <summary>Models, agents and tasks the token log's records carry (the log of project-config.json's logFile, read while small).</summary>
        public static LogNames FromLog(Workspace workspace)
        {
            var names = new LogNames();
            try
            {
                string file = new TokenUsageLog(new TokenTracker(workspace)).LogFile;
                byte[]? bytes = SafeFiles.ReadAllBytesOrNull(file, MaxLogBytes);
                if (bytes is null) { return names; }
                foreach (TokenLogEntry entry in TokenUsageLog.Parse(bytes, file, new List<Errors.RlmTokensException>()))
                {
                    if (!string.IsNullOrWhiteSpace(entry.Model)) { names.Models.Add(entry.Model!); }
                    if (!string.IsNullOrWhiteSpace(entry.Agent)) { names.Agents.Add(entry.Agent!); }
                    if (!string.IsNullOrWhiteSpace(entry.Task)) { names.Tasks.Add(entry.Task!); }
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is Errors.RlmTokensException)
            {
                return new LogNames();
            }
            return names;
        }

        /// <summary>
        /// Project names of Claude Code's transcripts: the folders under each projects root (the names -Project matches and
        /// report rows show). A listing only; no transcript is opened.
        /// </summary>
        public static IEnumerable<string> Projects(IEnumerable<string> projectRoots)
        {
            var names = new List<string>();
            foreach (string root in projectRoots)
            {
                try
                {
                    if (!Directory.Exists(root)) { continue; }
                    foreach (string dir in Directory.EnumerateDirectories(root)) { names.Add(Path.GetFileName(dir)); }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // An unreadable root offers nothing.
                }
            }
            return Distinct(names);
        }

        /// <summary>Session ids of Claude Code's transcripts: the &lt;session-id&gt;.jsonl names in each project folder (a listing only).</summary>
        public static IEnumerable<string> TranscriptSessions(IEnumerable<string> projectRoots)
        {
            var names = new List<string>();
            foreach (string root in projectRoots)
            {
                try
                {
                    if (!Directory.Exists(root)) { continue; }
                    foreach (string dir in Directory.EnumerateDirectories(root))
                    {
                        foreach (string file in Directory.EnumerateFiles(dir, "*.jsonl")) { names.Add(Path.GetFileNameWithoutExtension(file)); }
                    }
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // An unreadable root offers nothing.
                }
            }
            return Distinct(names);
        }

        private static IEnumerable<string> Distinct(IEnumerable<string> names) =>
            names.Where(n => !string.IsNullOrWhiteSpace(n)).Distinct(StringComparer.OrdinalIgnoreCase).ToList();

        private static string StripSuffix(string value, string suffix) =>
            value.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) ? value.Substring(0, value.Length - suffix.Length) : value;

        /// <summary>An array property, or the bare object PowerShell writes for a one-element array.</summary>
        private static IEnumerable<JsonElement> Items(JsonDocument? doc, string property)
        {
            if (doc is null || doc.RootElement.ValueKind != JsonValueKind.Object
                || !doc.RootElement.TryGetProperty(property, out JsonElement value))
            {
                return Enumerable.Empty<JsonElement>();
            }
            if (value.ValueKind == JsonValueKind.Array) { return value.EnumerateArray().ToList(); }
            if (value.ValueKind == JsonValueKind.Object || value.ValueKind == JsonValueKind.String) { return new[] { value }; }
            return Enumerable.Empty<JsonElement>();
        }

        /// <summary>Parses a small JSON file (BOM skipped by the stream overload), or null when it is missing, big or unreadable.</summary>
        private static JsonDocument? TryRead(string path)
        {
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || info.Length > MaxFileBytes) { return null; }
                using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
                {
                    return JsonDocument.Parse(stream, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                }
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException || e is JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>The names the token log's records carry.</summary>
    public sealed class LogNames
    {
        /// <summary>Models (model).</summary>
        public List<string> Models { get; } = new List<string>();

        /// <summary>Agents (agent).</summary>
        public List<string> Agents { get; } = new List<string>();

        /// <summary>Tasks (task).</summary>
        public List<string> Tasks { get; } = new List<string>();
    }
}
