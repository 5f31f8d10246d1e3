using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;

namespace RlmTokens.Agents
{
    /// <summary>
    /// Reads OpenAI Codex CLI rollouts: $CODEX_HOME/sessions/yyyy/MM/dd/rollout-&lt;time&gt;-&lt;id&gt;.jsonl and
    /// archived_sessions/. Each line is {"timestamp", "type", "payload"}: type session_meta (payload.id,
    /// cwd, git.branch), turn_context (payload.model, cwd) and event_msg whose payload.type is token_count
    /// with payload.info {total_token_usage, last_token_usage, model_context_window}; each usage is
    /// {input_tokens, cached_input_tokens, output_tokens, reasoning_output_tokens, total_tokens}, where
    /// cached input is part of input and reasoning part of output (openai/codex, codex-rs/protocol TokenUsage).
    /// </summary>
    /// <remarks>
    /// Dedup rule: total_token_usage is cumulative per session, and Codex repeats a token_count event with
    /// unchanged totals (rate-limit updates). An event counts its delta from the session's previous totals,
    /// once: unchanged totals count nothing; totals that go down (a counter restarted) count
    /// last_token_usage; an event without totals counts last_token_usage. An event already seen (same time
    /// and totals: the archived copy of a rollout, a fork or resume that replays history into a new file)
    /// is skipped. Entries carry input without its cached part (InputTokens), the cached part
    /// (CacheReadTokens) and output with reasoning (OutputTokens). A rollout without a model (before Codex
    /// wrote turn_context) is priced as gpt-5, Codex's default then, as ccusage does.
    /// </remarks>
    internal static class CodexRolloutReader
    {
        /// <summary>The model of rollouts that name none.</summary>
        public const string FallbackModel = "gpt-5";

        private static readonly byte[] s_tokenCount = System.Text.Encoding.UTF8.GetBytes("\"token_count\"");
        private static readonly byte[] s_turnContext = System.Text.Encoding.UTF8.GetBytes("\"turn_context\"");
        private static readonly byte[] s_sessionMeta = System.Text.Encoding.UTF8.GetBytes("\"session_meta\"");

        private readonly struct Usage : IEquatable<Usage>
        {
            public Usage(long input, long cached, long output, long reasoning)
            {
                Input = input;
                Cached = cached;
                Output = output;
                Reasoning = reasoning;
            }

            public long Input { get; }
            public long Cached { get; }
            public long Output { get; }
            public long Reasoning { get; }

            public bool IsZero => Input == 0 && Cached == 0 && Output == 0 && Reasoning == 0;

            public bool Equals(Usage o) => Input == o.Input && Cached == o.Cached && Output == o.Output && Reasoning == o.Reasoning;

            public override bool Equals(object? obj) => obj is Usage u && Equals(u);

            public override int GetHashCode() => HashCode.Combine(Input, Cached, Output, Reasoning);

            public Usage Minus(Usage o) => new Usage(Input - o.Input, Cached - o.Cached, Output - o.Output, Reasoning - o.Reasoning);

            public bool AnyNegative => Input < 0 || Cached < 0 || Output < 0 || Reasoning < 0;

            public string Key => string.Format(CultureInfo.InvariantCulture, "{0}/{1}/{2}/{3}", Input, Cached, Output, Reasoning);
        }

        public static void Read(IReadOnlyList<string> folders, AgentReadResult result, CancellationToken cancellation)
        {
            List<string> files = new List<string>();
            foreach (string folder in folders) { files.AddRange(AgentFiles.Find(folder, ".jsonl")); }
            // Rollout names start with their creation time: a session's files are read in the order written.
            files.Sort(AgentFiles.ByNameThenPath);
            Dictionary<string, Usage> lastTotals = new Dictionary<string, Usage>(StringComparer.Ordinal);
            HashSet<string> seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (string file in files)
            {
                cancellation.ThrowIfCancellationRequested();
                ReadOnlyMemory<byte>? bytes = AgentFiles.ReadOrReport(file, result);
                if (bytes is ReadOnlyMemory<byte> b) { ReadFile(file, b, result, lastTotals, seen); }
            }
        }

        private static void ReadFile(string path, ReadOnlyMemory<byte> bytes, AgentReadResult result, Dictionary<string, Usage> lastTotals, HashSet<string> seen)
        {
            string sessionId = SessionIdOfName(path);
            string? cwd = null, branch = null, model = null;
            bool known = false, anyLine = false;
            ReadOnlySpan<byte> all = bytes.Span;
            int offset = 0, lineNo = 0;
            while (offset < all.Length)
            {
                ReadOnlySpan<byte> rest = all.Slice(offset);
                int nl = rest.IndexOf((byte)'\n');
                bool terminated = nl >= 0;
                int length = terminated ? nl : rest.Length;
                ReadOnlyMemory<byte> line = bytes.Slice(offset, length);
                offset += terminated ? nl + 1 : length;
                lineNo++;
                ReadOnlySpan<byte> span = line.Span.TrimEnd((byte)'\r');
                if (span.Trim((byte)' ').IsEmpty) { continue; }
                anyLine = true;
                bool relevant = span.IndexOf(s_tokenCount) >= 0 || span.IndexOf(s_turnContext) >= 0 || span.IndexOf(s_sessionMeta) >= 0;
                if (!relevant && known) { continue; }
                JsonDocument doc;
                try { doc = JsonDocument.Parse(line.Slice(0, span.Length)); }
                catch (JsonException)
                {
                    if (terminated) { result.Malformed(path, lineNo); }
                    else { result.TornTails++; }
                    continue;
                }
                using (doc)
                {
                    JsonElement root = doc.RootElement;
                    string? type = AgentFiles.Str(root, "type");
                    JsonElement? payload = AgentFiles.Obj(root, "payload");
                    if (type is null || payload is null) { continue; }
                    known = true;
                    JsonElement p = payload.Value;
                    switch (type)
                    {
                        case "session_meta":
                            sessionId = AgentFiles.Str(p, "id") ?? sessionId;
                            cwd = AgentFiles.Str(p, "cwd") ?? cwd;
                            if (AgentFiles.Obj(p, "git") is JsonElement git) { branch = AgentFiles.Str(git, "branch") ?? branch; }
                            model = AgentFiles.Str(p, "model") ?? model;
                            break;
                        case "turn_context":
                            model = AgentFiles.Str(p, "model") ?? model;
                            cwd = AgentFiles.Str(p, "cwd") ?? cwd;
                            break;
                        case "event_msg":
                            if (AgentFiles.Str(p, "type") != "token_count") { break; }
                            if (AgentFiles.Obj(p, "info") is not JsonElement info) { break; }
                            if (!TryUsage(info, "total_token_usage", out Usage? total) || !TryUsage(info, "last_token_usage", out Usage? last))
                            {
                                result.Malformed(path, lineNo);
                                break;
                            }
                            string? stamp = AgentFiles.Str(root, "timestamp");
                            DateTime? time = AgentFiles.Time(root, "timestamp");
                            if (time is null)
                            {
                                result.Malformed(path, lineNo);
                                break;
                            }
                            Usage delta;
                            string key;
                            if (total is Usage t)
                            {
                                bool hadPrevious = lastTotals.TryGetValue(sessionId, out Usage previous);
                                lastTotals[sessionId] = t;
                                key = "t|" + stamp + "|" + t.Key;
                                if (!seen.Add(key) || (hadPrevious && t.Equals(previous)))
                                {
                                    result.Duplicates++;
                                    break;
                                }
                                delta = hadPrevious ? t.Minus(previous) : t;
                                if (delta.AnyNegative) { delta = last ?? t; }
                            }
                            else if (last is Usage l)
                            {
                                key = "l|" + sessionId + "|" + stamp + "|" + l.Key;
                                if (!seen.Add(key))
                                {
                                    result.Duplicates++;
                                    break;
                                }
                                delta = l;
                            }
                            else { break; }
                            if (delta.IsZero) { break; }
                            string entryModel = AgentFiles.Str(info, "model") ?? model ?? FallbackModel;
                            result.Entries.Add(new UsageEntry
                            {
                                Agent = AgentKind.Codex,
                                Timestamp = time.Value,
                                Model = entryModel,
                                SessionId = sessionId,
                                Project = AgentFiles.ProjectOf(cwd, sessionId),
                                Cwd = cwd,
                                GitBranch = branch,
                                InputTokens = Math.Max(0, delta.Input - delta.Cached),
                                CacheReadTokens = Math.Min(delta.Cached, delta.Input),
                                OutputTokens = delta.Output,
                                SourceFile = path,
                            });
                            break;
                    }
                }
            }
            if (anyLine && !known)
            {
                result.Problems.Add(new UnknownAgentFormatException(AgentKind.Codex, path, Resources.Messages.CodexNoRolloutLines));
            }
        }

        // A usage object, null when absent; false when present but not counts.
        private static bool TryUsage(JsonElement info, string name, out Usage? usage)
        {
            usage = null;
            if (!info.TryGetProperty(name, out JsonElement u) || u.ValueKind == JsonValueKind.Null) { return true; }
            if (u.ValueKind != JsonValueKind.Object) { return false; }
            if (!AgentFiles.TryCount(u, "input_tokens", out long input)
                || !AgentFiles.TryCount(u, "cached_input_tokens", out long cached)
                || !AgentFiles.TryCount(u, "output_tokens", out long output)
                || !AgentFiles.TryCount(u, "reasoning_output_tokens", out long reasoning))
            {
                return false;
            }
            usage = new Usage(input, cached, output, reasoning);
            return true;
        }

        // rollout-2025-09-14T10-02-11-0199...-uuid.jsonl: the id is what follows the time; else the name.
        private static string SessionIdOfName(string path)
        {
            string name = Path.GetFileNameWithoutExtension(path);
            if (name.StartsWith("rollout-", StringComparison.Ordinal) && name.Length > 28) { return name.Substring(28); }
            return name;
        }
    }
}
