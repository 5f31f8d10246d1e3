using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.HookPayloads;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// A property with a fixed seed and a modest count in CI; RLMTOKENS_FUZZ_ITERATIONS raises the count
    /// and RLMTOKENS_FUZZ_REPLAY (FsCheck's "(seed,gamma)") replays or varies the seed for a long run by hand.
    /// </summary>
    public sealed class FuzzPropertyAttribute : PropertyAttribute
    {
        public const int DefaultIterations = 250;

        public FuzzPropertyAttribute()
        {
            MaxTest = Iterations;
            Replay = Environment.GetEnvironmentVariable("RLMTOKENS_FUZZ_REPLAY") is { Length: > 0 } r ? r : "(20261125,4243)";
            QuietOnSuccess = true;
        }

        public static int Iterations =>
            int.TryParse(Environment.GetEnvironmentVariable("RLMTOKENS_FUZZ_ITERATIONS"), NumberStyles.Integer, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : DefaultIterations;
    }

    /// <summary>One fuzz input: the seed of a mutation run over a valid document.</summary>
    public sealed record Mutation(int Source, int Seed, int Count);

    /// <summary>
    /// Fuzzing of the parsers with FsCheck: random mutations of valid RLM files (every reader and the
    /// writer), of hook documents (HookInput.Parse) and random chunkings for HookDocumentBuffer. The only
    /// exceptions allowed are the project's own; the run finishing is the proof of no hang.
    /// </summary>
    public sealed class FuzzTests
    {
        private static readonly string[] Files = { BadInputCorpus.ValidEstimates, BadInputCorpus.ValidSession, BadInputCorpus.ValidDaily, ValidCost, ValidConfig };

        private const string ValidCost = """
            {
                "session_id": "SESSION-2026-11-22-124012",
                "captured_at": "2026-11-22T17:40:12Z",
                "source": "claude_code_cost_command",
                "raw_output": "Total cost: $2.4130\nTotal duration (API): 12m 4.2s",
                "parsed": { "total_cost_usd": 2.413, "api_duration_seconds": 724.2, "wall_duration_seconds": 4000, "lines_added": 120, "lines_removed": 30 },
                "estimation": { "estimated_tokens": 268111 },
                "session_data": { "session_id": "SESSION-2026-11-22-124012", "metrics": { "files_created": 2 } }
            }
            """;

        private const string ValidConfig = """
            {
                "name": "demo",
                "tokenTracking": {
                    "enabled": true, "alertThreshold": 100000, "budgetDaily": 500000, "budgetMonthly": 10000000,
                    "costPerToken": { "sonnet-input": 0.000003, "sonnet-output": 0.000015 },
                    "logFile": "RLM/progress/token-usage.log",
                    "estimation": { "tokensPerChar": 0.25, "subagentTokens": { "coder": 12000 }, "maxOperations": 100 }
                }
            }
            """;

        private static readonly string[] Hooks =
        {
            "{\"session_id\":\"s-1\",\"transcript_path\":\"/t/s-1.jsonl\",\"cwd\":\"/w\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/w/a.txt\",\"content\":\"hello\"},\"tool_response\":{\"success\":true}}",
            "{\"session_id\":\"s-1\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"MultiEdit\",\"tool_input\":{\"file_path\":\"/w/a.cs\",\"edits\":[{\"old_string\":\"a\",\"new_string\":\"bb\"},{\"old_string\":\"c\",\"new_string\":\"\"}]}}",
            "{\"session_id\":\"s-1\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/w/a.cs\"},\"tool_response\":{\"type\":\"text\",\"file\":{\"filePath\":\"/w/a.cs\",\"content\":\"line\\nline\"}}}",
            "{\"session_id\":\"s-1\",\"hook_event_name\":\"PreCompact\",\"trigger\":\"auto\",\"custom_instructions\":\"\"}",
            "{\"session_id\":\"s-1\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Task\",\"tool_input\":{\"subagent_type\":\"coder\",\"prompt\":\"x\"},\"tool_response\":\"done\"}",
        };

        // Tokens RLM's quirks and hostile inputs are made of, spliced in at random.
        private static readonly string[] Tokens =
        {
            "null", "{}", "[]", "\"\"", "\"x\"", "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999", "NaN", "\"NaN\"", "\"Infinity\"",
            "true", "\"1234\"", "\"1234.0\"", "{\"value\":\"\\/Date(1700000000000)\\/\",\"DateTime\":\"x\"}", "\"\\ud800\"", "\"\\u0000\"",
            new string('[', 80), new string(']', 80), ",", ":", "\"", "\\", "{", "}", "\uFEFF", "\u0001", "\r\n",
        };

        internal static Arbitrary<Mutation> Mutations(int sources) =>
            (from source in Gen.Choose(0, sources - 1)
             from seed in Gen.Choose(0, int.MaxValue - 1)
             from count in Gen.Choose(1, 8)
             select new Mutation(source, seed, count)).ToArbitrary();

        /// <summary>Applies <paramref name="m"/>.Count random edits (byte flips, deletions, duplications, token splices, truncation).</summary>
        internal static byte[] Mutate(string text, Mutation m)
        {
            var rng = new Random(m.Seed);
            var bytes = new List<byte>(BadInputCorpus.Bom(text));
            for (int i = 0; i < m.Count && bytes.Count > 0; i++)
            {
                int at = rng.Next(bytes.Count);
                switch (rng.Next(6))
                {
                    case 0: bytes[at] = (byte)rng.Next(256); break;
                    case 1: bytes.RemoveRange(at, Math.Min(bytes.Count - at, 1 + rng.Next(20))); break;
                    case 2:
                        int len = Math.Min(bytes.Count - at, 1 + rng.Next(60));
                        bytes.InsertRange(rng.Next(bytes.Count), bytes.GetRange(at, len));
                        break;
                    case 3: bytes.InsertRange(at, Encoding.UTF8.GetBytes(Tokens[rng.Next(Tokens.Length)])); break;
                    case 4:
                        // Replace a JSON value (after a ':') with a token.
                        int colon = bytes.IndexOf((byte)':', at);
                        if (colon < 0) { break; }
                        int end = colon + 1;
                        while (end < bytes.Count && bytes[end] != (byte)',' && bytes[end] != (byte)'}' && bytes[end] != (byte)'\n') { end++; }
                        bytes.RemoveRange(colon + 1, end - colon - 1);
                        bytes.InsertRange(colon + 1, Encoding.UTF8.GetBytes(" " + Tokens[rng.Next(Tokens.Length)]));
                        break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }
            return bytes.ToArray();
        }

        [FuzzProperty]
        public Property Readers_WithMutatedRlmFile_ShouldReturnModelOrThrowOwnException()
        {
            return Prop.ForAll(Mutations(Files.Length), m =>
            {
                byte[] bytes = Mutate(Files[m.Source], m);
                using var s = new Scratch();
                string path = s.WriteBytes("file.json", bytes);
                var store = new JsonFileStore(Scratch.Clock, TimeSpan.FromSeconds(5));
                foreach (Action read in new Action[]
                {
                    () => store.Read(path, RlmJsonContext.Files.TokenEstimatesFile),
                    () => store.Read(path, RlmJsonContext.Files.SessionFile),
                    () => store.Read(path, RlmJsonContext.Files.DailyFile),
                    () => store.Read(path, RlmJsonContext.Files.CostFile),
                    () => store.Read(path, RlmJsonContext.Files.ProjectConfigFile),
                })
                {
                    Exception? e = Record.Exception(read);
                    Assert.True(e is null || e is RlmTokensException, Describe(e, bytes));
                }
                Assert.Equal(bytes, File.ReadAllBytes(path));
            });
        }

        [FuzzProperty]
        public Property Tracker_WithMutatedFiles_ShouldAddOrSetAsideIntactAndNeverCrash()
        {
            return Prop.ForAll(Mutations(3), m =>
            {
                byte[] bytes = Mutate(Files[m.Source], m);
                using var s = new Scratch();
                string name = m.Source switch { 0 => "token-estimates.json", 1 => "current-session.json", _ => "daily-2026-11-20.json" };
                string path = s.WriteBytes(name, bytes);
                TokenTracker tracker = s.Tracker();

                Exception? readError = Record.Exception(() => { tracker.GetSessionSummary(); tracker.GetOperations().ToList(); tracker.GetHistory(new DateTime(2026, 11, 1), new DateTime(2026, 11, 30)); });
                Assert.True(readError is null || readError is RlmTokensException, Describe(readError, bytes));

                Outcome<TokenEstimateRecord>? outcome = null;
                Exception? writeError = Record.Exception(() => outcome = tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash" }));
                Assert.True(writeError is null || writeError is RlmTokensException, Describe(writeError, bytes));
                if (outcome is not null)
                {
                    foreach (CorruptDataFileException c in outcome.Problems.OfType<CorruptDataFileException>())
                    {
                        Assert.Equal(bytes, File.ReadAllBytes(c.SetAsidePath!));
                    }
                    // What was written parses again.
                    Assert.NotNull(new JsonFileStore(Scratch.Clock, TimeSpan.FromSeconds(5)).Read(s.Workspace.EstimatesFile, RlmJsonContext.Files.TokenEstimatesFile));
                }
                else if (File.Exists(path))
                {
                    Assert.Equal(bytes, File.ReadAllBytes(path));
                }
            });
        }

        [FuzzProperty]
        public Property HookInputParse_WithMutatedDocument_ShouldParseOrThrowInvalidHookInput()
        {
            return Prop.ForAll(Mutations(Hooks.Length), m =>
            {
                string text = DecodeLoosely(Mutate(Hooks[m.Source], m));
                Exception? e = Record.Exception(() =>
                {
                    HookInput h = HookInput.Parse(text);
                    HookInput.OperationFor(h.ToolName);
                });
                Assert.True(e is null || e is InvalidHookInputException, Describe(e, Encoding.UTF8.GetBytes(text)));
            });
        }

        [FuzzProperty]
        public Property HookInputParse_WithRandomText_ShouldParseOrThrowInvalidHookInput()
        {
            return Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
            {
                Exception? e = Record.Exception(() => HookInput.Parse(text ?? string.Empty));
                Assert.True(e is null || e is InvalidHookInputException, Describe(e, Encoding.UTF8.GetBytes(text ?? string.Empty)));
            });
        }

        [FuzzProperty]
        public Property HookDocumentBuffer_WithValidDocumentsInRandomChunks_ShouldYieldEachDocumentOnce()
        {
            return Prop.ForAll(Mutations(Hooks.Length), m =>
            {
                var rng = new Random(m.Seed);
                string[] docs = Enumerable.Range(0, 1 + m.Count % 4).Select(i => Pretty(Hooks[(m.Source + i) % Hooks.Length], rng.Next(2) == 0)).ToArray();
                string all = string.Join(rng.Next(2) == 0 ? "\n" : "\r\n", docs);
                // $input hands over one line at a time; -HookInput may carry several lines at once.
                string[] lines = all.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
                var buffer = new HookDocumentBuffer();
                var got = new List<string>();
                for (int at = 0; at < lines.Length;)
                {
                    int take = Math.Min(lines.Length - at, 1 + rng.Next(3));
                    got.AddRange(buffer.Append(string.Join("\n", lines, at, take)));
                    at += take;
                }
                Assert.Null(buffer.Flush());
                Assert.Equal(docs.Length, got.Count);
                foreach (string d in got) { HookInput.Parse(d); }
            });
        }

        [FuzzProperty]
        public Property HookDocumentBuffer_WithGarbageChunks_ShouldNeverThrow()
        {
            return Prop.ForAll(Mutations(Hooks.Length), m =>
            {
                var rng = new Random(m.Seed);
                string all = DecodeLoosely(Mutate(Hooks[m.Source] + "\n" + Hooks[(m.Source + 1) % Hooks.Length], m));
                var buffer = new HookDocumentBuffer();
                var docs = new List<string>();
                for (int at = 0; at < all.Length;)
                {
                    int len = Math.Min(all.Length - at, 1 + rng.Next(30));
                    docs.AddRange(buffer.Append(rng.Next(10) == 0 ? null : all.Substring(at, len)));
                    at += len;
                }
                if (buffer.Flush() is string rest) { docs.Add(rest); }
                foreach (string d in docs)
                {
                    Exception? e = Record.Exception(() => HookInput.Parse(d));
                    Assert.True(e is null || e is InvalidHookInputException, Describe(e, Encoding.UTF8.GetBytes(d)));
                }
            });
        }

        private static string Pretty(string json, bool indent)
        {
            if (!indent) { return json; }
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            using var stream = new MemoryStream();
            using (var w = new System.Text.Json.Utf8JsonWriter(stream, new System.Text.Json.JsonWriterOptions { Indented = true })) { doc.WriteTo(w); }
            return Encoding.UTF8.GetString(stream.ToArray());
        }

        private static string DecodeLoosely(byte[] bytes) => Encoding.UTF8.GetString(bytes);

        internal static string Describe(Exception? e, byte[] input) =>
            e is null ? string.Empty : e.GetType().FullName + ": " + e.Message + "\ninput (base64): " + Convert.ToBase64String(input.Take(4000).ToArray());
    }
}
