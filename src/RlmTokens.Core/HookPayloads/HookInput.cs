using System;
using System.Collections.Generic;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Json;

namespace RlmTokens.HookPayloads
{
    /// <summary>
    /// One JSON document Claude Code hands a hook on standard input: session_id, transcript_path, cwd,
    /// hook_event_name, tool_name, tool_input, tool_response, trigger, reason, source, ...
    /// Parsed with JsonDocument; the parts other hooks need are kept as raw JSON text.
    /// </summary>
    public sealed class HookInput
    {
        private HookInput() { }

        public string? SessionId { get; private set; }

        public string? TranscriptPath { get; private set; }

        public string? Cwd { get; private set; }

        public string? HookEventName { get; private set; }

        public string? ToolName { get; private set; }

        /// <summary>PreCompact: "manual" or "auto".</summary>
        public string? Trigger { get; private set; }

        /// <summary>SessionEnd: why the session ended.</summary>
        public string? Reason { get; private set; }

        /// <summary>SessionStart: startup, resume, clear or compact.</summary>
        public string? Source { get; private set; }

        public string? CustomInstructions { get; private set; }

        /// <summary>tool_input.file_path (or notebook_path).</summary>
        public string? FilePath { get; private set; }

        /// <summary>tool_input.subagent_type for Agent/Task.</summary>
        public string? SubagentType { get; private set; }

        /// <summary>Characters the tool actually moved, when the document tells (see <see cref="Parse"/>).</summary>
        public long? MovedCharacters { get; private set; }

        /// <summary>
        /// A subagent's real token counts from a PostToolUse Agent/Task document (tool_response.usage and
        /// totalTokens): input with cache reads and writes, output, and the total Claude Code reports.
        /// Null when the response carries none.
        /// </summary>
        public (long Input, long Output, long Total)? SubagentUsage { get; private set; }

        /// <summary>Parses one hook document.</summary>
        /// <exception cref="InvalidHookInputException">Not JSON, or not a JSON object.</exception>
        public static HookInput Parse(string json)
        {
            if (json is null) { throw new ArgumentNullException(nameof(json)); }
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 256, AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                throw new InvalidHookInputException(Excerpt(json), e.Message, e);
            }
            using (doc)
            {
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidHookInputException(Excerpt(json), Resources.Messages.HookInputNotObject);
                }
                var hook = new HookInput
                {
                    SessionId = Text(root, "session_id"),
                    TranscriptPath = Text(root, "transcript_path"),
                    Cwd = Text(root, "cwd"),
                    HookEventName = Text(root, "hook_event_name"),
                    ToolName = Text(root, "tool_name"),
                    Trigger = Text(root, "trigger"),
                    Reason = Text(root, "reason"),
                    Source = Text(root, "source"),
                    CustomInstructions = Text(root, "custom_instructions"),
                };
                if (root.TryGetProperty("tool_input", out JsonElement input) && input.ValueKind == JsonValueKind.Object)
                {
                    hook.FilePath = Text(input, "file_path") ?? Text(input, "notebook_path") ?? Text(input, "path");
                    hook.SubagentType = Text(input, "subagent_type");
                }
                root.TryGetProperty("tool_response", out JsonElement response);
                hook.MovedCharacters = Moved(hook.ToolName, input, response);
                if (OperationFor(hook.ToolName) == OperationKind.Subagent) { hook.SubagentUsage = Usage(response); }
                return hook;
            }
        }

        /// <summary>The operation a tool name stands for (Read, Write, Edit/MultiEdit/NotebookEdit, Agent/Task, else Tool).</summary>
        public static OperationKind OperationFor(string? toolName)
        {
            switch (toolName)
            {
                case "Read": return OperationKind.Read;
                case "Write": return OperationKind.Write;
                case "Edit":
                case "MultiEdit":
                case "NotebookEdit": return OperationKind.Edit;
                case "Agent":
                case "Task": return OperationKind.Subagent;
                default: return OperationKind.Tool;
            }
        }

        // What the tool actually moved, in characters:
        //   Write: tool_input.content; Edit: old_string + new_string; MultiEdit: every edit's pair;
        //   NotebookEdit: new_source; Read: the returned content (tool_response.file.content, a string
        //   response, or tool_response.content), else null so the file on disk is measured.
        private static long? Moved(string? toolName, JsonElement input, JsonElement response)
        {
            bool hasInput = input.ValueKind == JsonValueKind.Object;
            switch (toolName)
            {
                case "Write":
                    return hasInput ? Length(input, "content") : null;
                case "Edit":
                    return hasInput ? Sum(Length(input, "old_string"), Length(input, "new_string")) : null;
                case "MultiEdit":
                    if (hasInput && input.TryGetProperty("edits", out JsonElement edits) && edits.ValueKind == JsonValueKind.Array)
                    {
                        long? total = null;
                        foreach (JsonElement edit in edits.EnumerateArray())
                        {
                            if (edit.ValueKind != JsonValueKind.Object) { continue; }
                            total = Sum(total, Sum(Length(edit, "old_string"), Length(edit, "new_string")));
                        }
                        return total;
                    }
                    return null;
                case "NotebookEdit":
                    return hasInput ? Length(input, "new_source") : null;
                case "Read":
                    switch (response.ValueKind)
                    {
                        case JsonValueKind.String:
                            return CharCount(response);
                        case JsonValueKind.Object:
                            if (response.TryGetProperty("file", out JsonElement file) && file.ValueKind == JsonValueKind.Object)
                            {
                                return Length(file, "content");
                            }
                            return Length(response, "content");
                        default:
                            return null;
                    }
                default:
                    return null;
            }
        }

        // tool_response of Agent/Task: { totalTokens, usage { input_tokens, output_tokens,
        // cache_creation_input_tokens, cache_read_input_tokens }, ... }. Negative or non-integral counts
        // are not counts: the response is then treated as carrying none.
        private static (long Input, long Output, long Total)? Usage(JsonElement response)
        {
            if (response.ValueKind != JsonValueKind.Object || !response.TryGetProperty("usage", out JsonElement usage) || usage.ValueKind != JsonValueKind.Object)
            {
                return null;
            }
            long? input = Count(usage, "input_tokens");
            long? output = Count(usage, "output_tokens");
            long? creation = Count(usage, "cache_creation_input_tokens");
            long? read = Count(usage, "cache_read_input_tokens");
            if (input is null || output is null) { return null; }
            try
            {
                checked
                {
                    long allInput = input.Value + (creation ?? 0) + (read ?? 0);
                    long total = Count(response, "totalTokens") ?? allInput + output.Value;
                    if (total < output.Value) { return null; }
                    return (total - output.Value, output.Value, total);
                }
            }
            catch (OverflowException)
            {
                return null;
            }
        }

        private static long? Count(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) && n >= 0 ? n : null;

        private static long? Sum(long? a, long? b) => a is null ? b : b is null ? a : a + b;

        private static long? Length(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? CharCount(v) : null;

        // GetString throws InvalidOperationException for an escaped lone surrogate ("\ud800"), which
        // JSON allows: such a value counts by its raw text and reads as no text, never as a crash.
        private static long CharCount(JsonElement s)
        {
            try { return s.GetString()!.Length; }
            catch (InvalidOperationException) { return Math.Max(0, s.GetRawText().Length - 2); }
        }

        // Exact-case property, read by the shared tolerant text reader (lone surrogates read as no text).
        private static string? Text(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) ? v.Text() : null;

        internal static string Excerpt(string text)
        {
            string t = text.Trim();
            return t.Length <= 80 ? t : t.Substring(0, 80) + "...";
        }
    }

    /// <summary>
    /// Collects hook JSON arriving as pipeline lines ($input gives one string per line, so a
    /// pretty-printed document comes in pieces) and yields each complete document: a single line, a
    /// document over several lines, or several documents one after another (JSON Lines).
    /// </summary>
    public sealed class HookDocumentBuffer
    {
        private readonly System.Text.StringBuilder _text = new System.Text.StringBuilder();
        private int _depth;
        private bool _inString;
        private bool _escape;
        private bool _started;
        private bool _structured;

        /// <summary>True when a partial document is waiting for more lines.</summary>
        public bool HasPartial => _started;

        /// <summary>
        /// Adds one line (or several lines in one string); returns the documents it completed. A chunk
        /// must end where a line ended: a line break is assumed after it (fuzzing showed that a chunk cut
        /// inside a JSON string would get a raw line break there).
        /// </summary>
        public IReadOnlyList<string> Append(string? chunk)
        {
            var done = new List<string>();
            if (chunk is null) { return done; }
            foreach (char c in chunk)
            {
                if (!_started)
                {
                    if (char.IsWhiteSpace(c) || c == '\uFEFF') { continue; }
                    _started = true;
                    _structured = c == '{' || c == '[';
                }
                _text.Append(c);
                if (!_structured) { continue; }
                if (_inString)
                {
                    if (_escape) { _escape = false; }
                    else if (c == '\\') { _escape = true; }
                    else if (c == '"') { _inString = false; }
                    continue;
                }
                switch (c)
                {
                    case '"': _inString = true; break;
                    case '{':
                    case '[': _depth++; break;
                    case '}':
                    case ']':
                        _depth--;
                        if (_depth <= 0) { done.Add(Take()); }
                        break;
                }
            }
            // A line that does not start a JSON object or array is a document of its own (it will fail
            // to parse and be reported), so garbage never swallows the documents after it.
            if (_started && !_structured) { done.Add(Take()); }
            else if (_started) { _text.Append('\n'); }
            return done;
        }

        /// <summary>Whatever is left at the end of input (an unfinished document), or null.</summary>
        public string? Flush() => _started ? Take() : null;

        private string Take()
        {
            string s = _text.ToString();
            _text.Clear();
            _depth = 0;
            _inString = false;
            _escape = false;
            _started = false;
            _structured = false;
            return s;
        }
    }
}
