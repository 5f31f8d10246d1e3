using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Agents
{
    /// <summary>
    /// Reads OpenCode's local storage: &lt;data&gt;/storage/message/&lt;sessionID&gt;/&lt;messageID&gt;.json, one JSON
    /// object per message. An assistant message carries id, sessionID, role "assistant", modelID,
    /// providerID, time {created, completed} (Unix milliseconds), path {cwd, root} and tokens {input,
    /// output, reasoning, cache {read, write}}, where input excludes the cache reads and writes and output
    /// excludes reasoning. storage/session/&lt;projectID&gt;/&lt;sessionID&gt;.json gives the session's directory
    /// (sst/opencode, packages/opencode/src/session/message-v2.ts and storage/storage.ts).
    /// </summary>
    /// <remarks>
    /// Dedup rule: each message id counts once (the file is rewritten as the message streams; the id is
    /// the file's name). Entries carry input (InputTokens), output plus reasoning, both billed as output
    /// (OutputTokens), cache writes (CacheCreationTokens, as 5-minute writes) and cache reads. OpenCode
    /// releases that keep their data in a SQLite database (opencode.db) without storage/message are
    /// reported as UnknownAgentFormat.
    /// </remarks>
    internal static class OpenCodeStorageReader
    {
        /// <summary>The database newer OpenCode releases keep their data in.</summary>
        public const string DatabaseFileName = "opencode.db";

        public static void Read(IReadOnlyList<string> dataFolders, AgentReadResult result, CancellationToken cancellation)
        {
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string data in dataFolders)
            {
                string messages = Path.Combine(data, "storage", "message");
                if (!Directory.Exists(messages))
                {
                    string db = Path.Combine(data, DatabaseFileName);
                    if (File.Exists(db)) { result.Problems.Add(new UnknownAgentFormatException(AgentKind.OpenCode, db, Resources.Messages.OpenCodeDatabase)); }
                    continue;
                }
                Dictionary<string, string> directories = SessionDirectories(Path.Combine(data, "storage", "session"));
                foreach (string file in AgentFiles.Find(messages, ".json", maxDepth: 2))
                {
                    cancellation.ThrowIfCancellationRequested();
                    ReadMessage(file, directories, result, seen);
                }
            }
        }

        private static void ReadMessage(string path, Dictionary<string, string> directories, AgentReadResult result, HashSet<string> seen)
        {
            using JsonDocument? doc = AgentFiles.LoadOrReport(path, result);
            if (doc is null) { return; }
            JsonElement m = doc.RootElement;
            string? role = AgentFiles.Str(m, "role");
            if (role is null)
            {
                result.Problems.Add(new UnknownAgentFormatException(AgentKind.OpenCode, path, Resources.Messages.OpenCodeNoRole));
                return;
            }
            if (role != "assistant" || AgentFiles.Obj(m, "tokens") is not JsonElement tokens) { return; }
            JsonElement cache = AgentFiles.Obj(tokens, "cache") ?? default;
            if (!AgentFiles.TryCount(tokens, "input", out long input) || !AgentFiles.TryCount(tokens, "output", out long output)
                || !AgentFiles.TryCount(tokens, "reasoning", out long reasoning)
                || !AgentFiles.TryCount(cache, "read", out long read) || !AgentFiles.TryCount(cache, "write", out long write)
                || !AgentFiles.TryAdd(output, reasoning, out long outputTokens))
            {
                result.Malformed(path, 0);
                return;
            }
            if (input == 0 && outputTokens == 0 && read == 0 && write == 0) { return; }
            JsonElement? time = AgentFiles.Obj(m, "time");
            DateTime? created = time is JsonElement t ? AgentFiles.Time(t, "created") : null;
            if (created is null)
            {
                result.Malformed(path, 0);
                return;
            }
            string id = AgentFiles.Str(m, "id") ?? Path.GetFileNameWithoutExtension(path);
            if (!seen.Add(id))
            {
                result.Duplicates++;
                return;
            }
            string sessionId = AgentFiles.Str(m, "sessionID") ?? Path.GetFileName(Path.GetDirectoryName(path)) ?? string.Empty;
            string? cwd = (AgentFiles.Obj(m, "path") is JsonElement p ? AgentFiles.Str(p, "cwd") : null)
                ?? (directories.TryGetValue(sessionId, out string? dir) ? dir : null);
            result.Entries.Add(new UsageEntry
            {
                Agent = AgentKind.OpenCode,
                Timestamp = created.Value,
                Model = AgentFiles.Str(m, "modelID") ?? "opencode-unknown",
                MessageId = id,
                SessionId = sessionId,
                Project = AgentFiles.ProjectOf(cwd, sessionId),
                Cwd = cwd,
                InputTokens = input,
                OutputTokens = outputTokens,
                CacheCreationTokens = write,
                CacheCreation5mTokens = write,
                CacheReadTokens = read,
                SourceFile = path,
            });
        }

        // sessionID -> directory, from storage/session/<projectID>/<sessionID>.json (best effort: a bad file only loses the directory).
        private static Dictionary<string, string> SessionDirectories(string sessions)
        {
            Dictionary<string, string> map = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!Directory.Exists(sessions)) { return map; }
            foreach (string file in AgentFiles.Find(sessions, ".json", maxDepth: 2))
            {
                try
                {
                    using JsonDocument? doc = Json.JsonDocuments.Load(file);
                    if (doc is null) { continue; }
                    string? id = AgentFiles.Str(doc.RootElement, "id");
                    string? dir = AgentFiles.Str(doc.RootElement, "directory");
                    if (id is not null && dir is not null) { map[id] = dir; }
                }
                catch (RlmTokensException) { }
            }
            return map;
        }
    }
}
