using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>What the store must do with a file's content: take it (Tolerated) or report CorruptDataFile.</summary>
    public enum Expect
    {
        /// <summary>Readers return a model, writers keep the file's data and add to it.</summary>
        Tolerated,

        /// <summary>Readers throw CorruptDataFile and leave the file; writers set it aside intact and start afresh.</summary>
        Corrupt,

        /// <summary>The content holds no data (empty, white space, JSON null): readers see nothing, writers start afresh.</summary>
        Empty,
    }

    /// <summary>One bad-input case: a name, the bytes of the file and what must happen.</summary>
    public sealed record BadFile(string Name, byte[] Bytes, Expect Expect)
    {
        public override string ToString() => Name;
    }

    /// <summary>
    /// The bad-input corpus for RLM's JSON files: wrong types in every field, truncation, garbage,
    /// encodings, NaN/Infinity, huge and negative numbers, duplicate keys, deep nesting, empty files.
    /// </summary>
    public static class BadInputCorpus
    {
        public const string ValidEstimates = """
            {
                "session_id": "SESSION-2026-11-23-091500",
                "started_at": "2026-11-23T09:15:00.0000000Z",
                "last_updated": "2026-11-23T10:21:00.0000000Z",
                "tokens": { "input_estimated": 1200, "output_estimated": 300, "total_estimated": 1500 },
                "operations": { "files_read": 3, "files_written": 1, "files_edited": 0, "subagents_spawned": 0, "tool_calls": 2 },
                "by_operation": [
                    { "timestamp": "2026-11-23T09:15:00.0000000Z", "type": "file_read", "file": "a.cs", "tokens_added": 100, "subagent_type": "", "tool_name": "" }
                ],
                "estimated_cost_usd": 0.0081,
                "rlm_extra": { "kept": true }
            }
            """;

        public const string ValidDaily = """
            {
                "date": "2026-11-20",
                "sessions": [ { "session_id": "SESSION-2026-11-20-090000", "cost_usd": 1.25, "estimated_tokens": 138889, "captured_at": "2026-11-20T17:00:00Z" } ],
                "totals": { "total_cost_usd": 1.25, "estimated_tokens": 138889, "sessions_count": 1 }
            }
            """;

        public const string ValidSession = """
            {
                "session_id": "SESSION-2026-11-23-091500",
                "started_at": "2026-11-23T09:15:00Z",
                "workspace": "/w",
                "subagent_calls": [],
                "files_written": [],
                "tasks_started": [],
                "tasks_completed": [],
                "metrics": { "total_subagent_calls": 2, "files_created": 1, "files_modified": 3 },
                "context_compacts": [ { "timestamp": "2026-11-23T10:00:00Z", "subagent_calls_at_compact": 2 } ]
            }
            """;

        private enum Shape { Int, Double, Text, Object, List }

        private static readonly (string Path, Shape Shape)[] EstimateFields =
        {
            ("session_id", Shape.Text), ("started_at", Shape.Text), ("last_updated", Shape.Text),
            ("tokens", Shape.Object), ("tokens.input_estimated", Shape.Int), ("tokens.output_estimated", Shape.Int), ("tokens.total_estimated", Shape.Int),
            ("operations", Shape.Object), ("operations.files_read", Shape.Int), ("operations.files_written", Shape.Int), ("operations.files_edited", Shape.Int),
            ("operations.subagents_spawned", Shape.Int), ("operations.tool_calls", Shape.Int),
            ("by_operation", Shape.List), ("by_operation.0.timestamp", Shape.Text), ("by_operation.0.type", Shape.Text), ("by_operation.0.file", Shape.Text),
            ("by_operation.0.tokens_added", Shape.Int), ("by_operation.0.subagent_type", Shape.Text), ("by_operation.0.tool_name", Shape.Text),
            ("estimated_cost_usd", Shape.Double),
        };

        private static readonly (string Path, Shape Shape)[] DailyFields =
        {
            ("date", Shape.Text), ("sessions", Shape.List), ("sessions.0.session_id", Shape.Text), ("sessions.0.cost_usd", Shape.Double),
            ("sessions.0.estimated_tokens", Shape.Int), ("sessions.0.captured_at", Shape.Text),
            ("totals", Shape.Object), ("totals.total_cost_usd", Shape.Double), ("totals.estimated_tokens", Shape.Int), ("totals.sessions_count", Shape.Int),
        };

        private static readonly (string Path, Shape Shape)[] SessionFields =
        {
            ("session_id", Shape.Text), ("started_at", Shape.Text), ("workspace", Shape.Text), ("metrics", Shape.Object),
            ("metrics.total_subagent_calls", Shape.Int), ("context_compacts", Shape.List), ("context_compacts.0.timestamp", Shape.Text),
            ("context_compacts.0.subagent_calls_at_compact", Shape.Int),
        };

        // The wrong values put into every field, and what each shape must make of them.
        private static readonly string[] WrongValues = { "\"abc\"", "true", "[]", "[1]", "{}", "{\"a\":1}", "null", "\"\"", "12.5", "\"NaN\"", "\"-Infinity\"", "1e400", "-7", "99999999999999999999" };

        private static Expect ExpectFor(Shape shape, string value)
        {
            switch (shape)
            {
                case Shape.Int:
                case Shape.Double:
                    // null and "" are RLM's empty; a float is rounded; -7 is kept; the rest is not a count.
                    return value is "null" or "\"\"" or "12.5" or "-7" ? Expect.Tolerated
                        : value == "99999999999999999999" && shape == Shape.Double ? Expect.Tolerated
                        : Expect.Corrupt;
                case Shape.Text:
                    // Scalars are kept as their text; {} is PowerShell's serialized DateTime (no value).
                    return value is "[]" or "[1]" ? Expect.Corrupt : Expect.Tolerated;
                case Shape.Object:
                    return value is "{}" or "{\"a\":1}" or "null" ? Expect.Tolerated : Expect.Corrupt;
                default:
                    // null, {} and a bare object are RLM's empty and one-element lists.
                    return value is "[]" or "{}" or "{\"a\":1}" or "null" ? Expect.Tolerated : Expect.Corrupt;
            }
        }

        public static IEnumerable<BadFile> WrongTypes(string valid, string file)
        {
            (string, Shape)[] fields = file switch
            {
                "estimates" => EstimateFields,
                "daily" => DailyFields,
                _ => SessionFields,
            };
            foreach ((string path, Shape shape) in fields)
            {
                foreach (string value in WrongValues)
                {
                    JsonNode root = JsonNode.Parse(valid)!;
                    Set(root, path, value);
                    // 1e400 is not representable by JsonNode: splice the token into the text.
                    string text = root.ToJsonString().Replace("\"__RAW__\"", value, StringComparison.Ordinal);
                    yield return new BadFile($"{file}: {path} = {value}", Bom(text), ExpectFor(shape, value));
                }
            }
        }

        private static void Set(JsonNode root, string path, string value)
        {
            string[] parts = path.Split('.');
            JsonNode node = root;
            for (int i = 0; i < parts.Length - 1; i++)
            {
                node = int.TryParse(parts[i], out int n) ? node[n]! : node[parts[i]]!;
            }
            string last = parts[^1];
            JsonNode? v = value is "1e400" or "99999999999999999999" ? JsonValue.Create("__RAW__") : JsonNode.Parse(value);
            if (int.TryParse(last, out int index)) { node[index] = v; } else { node[last] = v; }
        }

        /// <summary>Damaged and hostile content that is not about one field.</summary>
        public static IEnumerable<BadFile> Damaged(string valid)
        {
            byte[] bytes = Bom(valid);
            foreach (int cut in new[] { 1, 2, 10, bytes.Length / 3, bytes.Length / 2, bytes.Length - 2 })
            {
                yield return new BadFile($"truncated at {cut} of {bytes.Length} bytes", bytes.Take(cut).ToArray(), cut == 3 ? Expect.Empty : Expect.Corrupt);
            }
            var rng = new Random(1234);
            for (int i = 0; i < 6; i++)
            {
                byte[] g = new byte[1 + rng.Next(2000)];
                rng.NextBytes(g);
                if (g[0] == 0xEF || g[0] == (byte)'{' || g[0] == (byte)'[' || char.IsWhiteSpace((char)g[0])) { g[0] = 0x01; }
                yield return new BadFile($"garbage bytes #{i} ({g.Length})", g, Expect.Corrupt);
            }
            yield return new BadFile("zero bytes mid-file", Bom(valid.Substring(0, 40)).Concat(new byte[64]).Concat(Encoding.UTF8.GetBytes(valid.Substring(40))).ToArray(), Expect.Corrupt);
            yield return new BadFile("invalid UTF-8 in a string", Bom(valid).Select(b => b == (byte)'S' ? (byte)0xC3 : b).ToArray(), Expect.Corrupt);
            yield return new BadFile("UTF-16 LE with BOM", Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(valid)).ToArray(), Expect.Corrupt);
            yield return new BadFile("UTF-8 without BOM, LF", Encoding.UTF8.GetBytes(valid.Replace("\r\n", "\n", StringComparison.Ordinal)), Expect.Tolerated);
            yield return new BadFile("two BOMs", Encoding.UTF8.GetPreamble().Concat(Bom(valid)).ToArray(), Expect.Corrupt);
            yield return new BadFile("bare NaN token", Bom(valid.Replace("\"session_id\"", "\"x\": NaN, \"session_id\"", StringComparison.Ordinal)), Expect.Corrupt);
            yield return new BadFile("bare Infinity token", Bom(valid.Replace("\"session_id\"", "\"x\": Infinity, \"session_id\"", StringComparison.Ordinal)), Expect.Corrupt);
            yield return new BadFile("duplicate keys", Bom(valid.Replace("\"session_id\"", "\"session_id\": \"first\", \"session_id\"", StringComparison.Ordinal)), Expect.Tolerated);
            yield return new BadFile("single quotes", Bom(valid.Replace('"', '\'')), Expect.Corrupt);
            yield return new BadFile("trailing commas and comments", Bom(valid.Replace("\"session_id\"", "/* c */ \"session_id\"", StringComparison.Ordinal).TrimEnd().TrimEnd('}') + ",}"), Expect.Tolerated);
            yield return new BadFile("trailing garbage", Bom(valid + " }}}"), Expect.Corrupt);
            yield return new BadFile("two documents", Bom(valid + valid), Expect.Corrupt);
            yield return new BadFile("deep nesting 1000 in an unknown property", Bom(valid.Replace("\"session_id\"", "\"deep\": " + new string('[', 1000) + new string(']', 1000) + ", \"session_id\"", StringComparison.Ordinal)), Expect.Corrupt);
            yield return new BadFile("nesting 20 in an unknown property (kept)", Bom(valid.Replace("\"session_id\"", "\"deep\": " + new string('[', 20) + new string(']', 20) + ", \"session_id\"", StringComparison.Ordinal)), Expect.Tolerated);
            yield return new BadFile("a 1 MB string value", Bom(valid.Replace("\"SESSION-", "\"" + new string('x', 1 << 20) + "SESSION-", StringComparison.Ordinal)), Expect.Tolerated);
            yield return new BadFile("control characters escaped in strings", Bom(valid.Replace("\"SESSION-", "\"\\u0000\\u001b[31m\\r\\nSESSION-", StringComparison.Ordinal)), Expect.Tolerated);
            yield return new BadFile("raw control character in a string", Bom(valid.Replace("\"SESSION-", "\"\u0001SESSION-", StringComparison.Ordinal)), Expect.Corrupt);
            yield return new BadFile("top-level array", Bom("[" + valid + "]"), Expect.Corrupt);
            yield return new BadFile("top-level string", Bom("\"text\""), Expect.Corrupt);
            yield return new BadFile("top-level number", Bom("42"), Expect.Corrupt);
            yield return new BadFile("top-level null", Bom("null"), Expect.Empty);
            yield return new BadFile("empty file", Array.Empty<byte>(), Expect.Empty);
            yield return new BadFile("BOM only", Encoding.UTF8.GetPreamble(), Expect.Empty);
            yield return new BadFile("white space only", Bom(" \r\n\t \r\n"), Expect.Empty);
            yield return new BadFile("empty object", Bom("{}"), Expect.Tolerated);
        }

        internal static byte[] Bom(string text) => Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal))).ToArray();
    }
}
