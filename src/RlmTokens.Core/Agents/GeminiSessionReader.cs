using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Agents
{
    /// <summary>
    /// Reads Gemini CLI's chat recordings: ~/.gemini/tmp/&lt;project&gt;/chats/session-&lt;time&gt;-&lt;id&gt;.json, one
    /// JSON document per session {sessionId, projectHash, startTime, lastUpdated, messages[]}, rewritten
    /// whole as the session goes on. A message of type "gemini" carries model and tokens {input, output,
    /// cached, thoughts, tool, total}: input is the prompt (cached part included), output the candidates,
    /// thoughts the thinking tokens, tool the tool-use prompt (google-gemini/gemini-cli,
    /// packages/core/src/services/chatRecordingService.ts; Gemini API usageMetadata).
    /// </summary>
    /// <remarks>
    /// Dedup rule: each (sessionId, message id) counts once, whichever file holds it (a resumed session
    /// rewrites its file; a copy keeps the ids). Entries carry input without its cached part plus the
    /// tool-use prompt (InputTokens), the cached part (CacheReadTokens) and candidates plus thoughts, both
    /// billed as output (OutputTokens), so TotalTokens equals the message's total.
    /// </remarks>
    internal static class GeminiSessionReader
    {
        public static void Read(IReadOnlyList<string> tmpFolders, AgentReadResult result, CancellationToken cancellation)
        {
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string tmp in tmpFolders)
            {
                List<string> projects = new List<string>(AgentFiles.Entries(tmp));
                projects.Sort(StringComparer.Ordinal);
                foreach (string project in projects)
                {
                    string chats = Path.Combine(project, "chats");
                    if (!Directory.Exists(chats)) { continue; }
                    List<string> files = new List<string>(AgentFiles.Entries(chats));
                    files.Sort(StringComparer.Ordinal);
                    foreach (string file in files)
                    {
                        cancellation.ThrowIfCancellationRequested();
                        if (Directory.Exists(file)) { continue; }
                        if (!file.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                        {
                            result.Problems.Add(new UnknownAgentFormatException(AgentKind.Gemini, file, Resources.Messages.GeminiNotJson));
                            continue;
                        }
                        ReadFile(file, Path.GetFileName(project), result, seen);
                    }
                }
            }
        }

        private static void ReadFile(string path, string project, AgentReadResult result, HashSet<string> seen)
        {
            using JsonDocument? doc = AgentFiles.LoadOrReport(path, result);
            if (doc is null) { return; }
            JsonElement root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("messages", out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
            {
                result.Problems.Add(new UnknownAgentFormatException(AgentKind.Gemini, path, Resources.Messages.GeminiNoMessages));
                return;
            }
            string sessionId = AgentFiles.Str(root, "sessionId") ?? Path.GetFileNameWithoutExtension(path);
            DateTime? fallbackTime = AgentFiles.Time(root, "lastUpdated") ?? AgentFiles.Time(root, "startTime");
            int index = 0;
            foreach (JsonElement m in messages.EnumerateArray())
            {
                index++;
                if (AgentFiles.Str(m, "type") != "gemini" || AgentFiles.Obj(m, "tokens") is not JsonElement tokens) { continue; }
                if (!AgentFiles.TryCount(tokens, "input", out long input) || !AgentFiles.TryCount(tokens, "output", out long output)
                    || !AgentFiles.TryCount(tokens, "cached", out long cached) || !AgentFiles.TryCount(tokens, "thoughts", out long thoughts)
                    || !AgentFiles.TryCount(tokens, "tool", out long tool)
                    || !AgentFiles.TryAdd(Math.Max(0, input - cached), tool, out long inputTokens)
                    || !AgentFiles.TryAdd(output, thoughts, out long outputTokens))
                {
                    result.Malformed(path, 0);
                    continue;
                }
                if (inputTokens == 0 && outputTokens == 0 && cached == 0) { continue; }
                DateTime? time = AgentFiles.Time(m, "timestamp") ?? fallbackTime;
                if (time is null)
                {
                    result.Malformed(path, 0);
                    continue;
                }
                string id = AgentFiles.Str(m, "id") ?? "#" + index.ToString(System.Globalization.CultureInfo.InvariantCulture) + "@" + time.Value.Ticks.ToString(System.Globalization.CultureInfo.InvariantCulture);
                if (!seen.Add(sessionId + "|" + id))
                {
                    result.Duplicates++;
                    continue;
                }
                result.Entries.Add(new UsageEntry
                {
                    Agent = AgentKind.Gemini,
                    Timestamp = time.Value,
                    Model = AgentFiles.Str(m, "model") ?? UnknownModel,
                    MessageId = id,
                    SessionId = sessionId,
                    Project = project,
                    InputTokens = inputTokens,
                    CacheReadTokens = Math.Min(cached, input),
                    OutputTokens = outputTokens,
                    SourceFile = path,
                });
            }
        }

        /// <summary>The model of a message that names none (unpriced, so reported).</summary>
        public const string UnknownModel = "gemini-unknown";
    }
}
