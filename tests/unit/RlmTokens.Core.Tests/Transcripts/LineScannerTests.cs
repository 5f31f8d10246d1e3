using System;
using System.IO;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using RlmTokens.Core.Tests.Reliability;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>
    /// The fast line scanner against the Utf8JsonReader parser it stands in for: on every line both must give
    /// the same kind and the same entry, and on the generator's lines the fast path must decide alone.
    /// </summary>
    public sealed class LineScannerTests : IClassFixture<GeneratedCorpus>
    {
        private const string Assistant =
            "{\"parentUuid\":\"p\",\"isSidechain\":false,\"cwd\":\"/src/acme-api\",\"sessionId\":\"0f3c2a9e\",\"gitBranch\":\"main\",\"type\":\"assistant\","
            + "\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\","
            + "\"content\":[{\"type\":\"text\",\"text\":\"line\\nwith \\\"quotes\\\" and \\u00e9 \\\\ path\"},{\"type\":\"tool_use\",\"input\":{\"n\":[1,-2.5e3,true,null,{}]}}],"
            + "\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":1000,\"output_tokens\":50,"
            + "\"cache_creation\":{\"ephemeral_5m_input_tokens\":150,\"ephemeral_1h_input_tokens\":50},\"service_tier\":\"standard\"}},"
            + "\"requestId\":\"req_01\",\"uuid\":\"u\",\"timestamp\":\"2026-11-23T09:20:00.000Z\"}";

        private static readonly string[] Sources =
        {
            Assistant,
            "{\"isSidechain\":true,\"agentId\":\"a1\",\"sessionId\":\"s\",\"type\":\"assistant\",\"message\":{\"id\":\"msg_02\",\"model\":\"<synthetic>\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0}},\"requestId\":\"r2\",\"timestamp\":\"2026-11-23T09:21:00Z\"}",
            "{\"type\":\"user\",\"sessionId\":\"s\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"content\":\"assistant \\\"usage\\\" [1,2]\"}]},\"uuid\":\"u1\",\"timestamp\":\"2026-11-23T09:19:58.000Z\"}",
            "{\"cwd\":\"C:\\\\Users\\\\dev\\\\acme\",\"type\":\"assistant\",\"message\":{\"model\":\"claude-opus-4-6\",\"usage\":{\"input_tokens\":7,\"output_tokens\":8}},\"timestamp\":\"2026-01-02T03:04:05.1234567Z\"}",
            // A progress line's agent_progress copy of a subagent response, data before type.
            "{\"data\":{\"type\":\"agent_progress\",\"agentId\":\"a9\",\"message\":{\"type\":\"assistant\",\"timestamp\":\"2026-11-23T09:22:00.000Z\",\"message\":{\"id\":\"msg_07\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":4,\"output_tokens\":2,\"speed\":\"fast\"}},\"requestId\":\"r7\",\"costUSD\":0.5}},\"type\":\"progress\",\"sessionId\":\"s\",\"timestamp\":\"2026-11-23T09:22:01.000Z\"}",
            // No top-level type (ccusage's fixtures), with costUSD.
            "{\"timestamp\":\"2026-11-23T09:23:00.000Z\",\"sessionId\":\"s\",\"message\":{\"role\":\"assistant\",\"id\":\"msg_08\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":9,\"output_tokens\":1}},\"requestId\":\"r8\",\"costUSD\":1.25e-3,\"version\":\"1.0.0\"}",
        };

        private readonly GeneratedCorpus _corpus;

        public LineScannerTests(GeneratedCorpus corpus) => _corpus = corpus;

        public static TheoryData<string> EdgeLines()
        {
            string a = Assistant;
            var data = new TheoryData<string>();
            foreach (string line in new[]
            {
                a,
                a.Replace("\"output_tokens\":50", "\"output_tokens\":\"50\""),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":50.0"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":50.5"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":-50"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":5e1"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":null"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":true"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":[50]"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":050"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":999999999999999999"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":9999999999999999999"),
                a.Replace("\"output_tokens\":50", "\"output_tokens\":9223372036854775807"),
                a.Replace("\"input_tokens\":100", "\"input_tokens\":922337203685477580"),
                a.Replace("\"usage\":{", "\"usage\":[],\"x\":{"),
                a.Replace("\"cache_creation\":{", "\"cache_creation\":7,\"y\":{"),
                a.Replace("\"ephemeral_1h_input_tokens\":50", "\"ephemeral_1h_input_tokens\":500"),
                a.Replace("\"id\":\"msg_01\"", "\"id\":{\"model\":\"x\"}"),
                a.Replace("\"id\":\"msg_01\"", "\"id\":17"),
                a.Replace("\"id\":\"msg_01\"", "\"id\":\"m\\u0041g\""),
                a.Replace("\"requestId\":\"req_01\"", "\"requestId\":[\"a\"]"),
                a.Replace("\"requestId\":\"req_01\"", "\"requestId\":null"),
                a.Replace("\"timestamp\":\"2026-11-23T09:20:00.000Z\"", "\"timestamp\":\"2026-11-23T10:20:00+01:00\""),
                a.Replace("\"timestamp\":\"2026-11-23T09:20:00.000Z\"", "\"timestamp\":\"2026-11-23T09:20:00.000\\u005a\""),
                a.Replace("\"timestamp\":\"2026-11-23T09:20:00.000Z\"", "\"timestamp\":{\"type\":\"user\"}"),
                a.Replace("\"timestamp\":\"2026-11-23T09:20:00.000Z\"", "\"timestamp\":1700000000"),
                a.Replace("\"timestamp\":\"2026-11-23T09:20:00.000Z\"", "\"timestamp\":\"yesterday\""),
                a.Replace("\"isSidechain\":false", "\"isSidechain\":true"),
                a.Replace("\"isSidechain\":false", "\"isSidechain\":\"true\""),
                a.Replace("\"isSidechain\":false", "\"isSidechain\":{\"type\":\"user\"}"),
                a.Replace("\"type\":\"assistant\",", "\"type\":\"assistant\",\"type\":\"user\","),
                a.Replace("\"type\":\"assistant\",", "\"type\":\"assist\\u0061nt\","),
                a.Replace("\"type\":\"assistant\",", "\"type\":[\"assistant\"],"),
                a.Replace("\"type\":\"assistant\",", "\"t\\u0079pe\":\"assistant\","),
                a.Replace("\"type\":\"assistant\",", "") + " ",
                a.Replace("\"model\":\"claude-sonnet-4-6\"", "\"model\":\"claude\\/sonnet\\t\\u263A\""),
                a.Replace("\"model\":\"claude-sonnet-4-6\"", "\"model\":7"),
                a.Replace("\"model\":\"claude-sonnet-4-6\"", "\"model\":{\"usage\":{\"input_tokens\":1}}"),
                a.Replace("\"cwd\":\"/src/acme-api\"", "\"cwd\":\"C:\\\\src\\\\acme\""),
                a.Replace("\"cwd\":\"/src/acme-api\"", "\"cwd\":\"\\ud83d\\ude00\""),
                a.Replace("and \\u00e9", "and \\ud83d\\ude00"),
                a.Replace("and \\u00e9", "and \\ud800"),
                a.Replace("and \\u00e9", "and \\x41"),
                a.Replace("and \\u00e9", "and \\u00g9"),
                a.Replace("and \\u00e9", "and \t tab"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[1,-2.5e3,true,null,{},]"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[1,-2.5e,true]"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[1,.5]"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[tru]"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[1 2]"),
                a.Replace("[1,-2.5e3,true,null,{}]", "[1]/* note */"),
                a.Replace("[1,-2.5e3,true,null,{}]", "{\"a\" 1}"),
                a.Replace("[1,-2.5e3,true,null,{}]", new string('[', 70) + new string(']', 70)),
                a.Replace("[1,-2.5e3,true,null,{}]", new string('[', 300) + new string(']', 300)),
                a + " // trailing comment",
                a + " {}",
                a + "}",
                "\uFEFF" + a,
                "  \t" + a + " \t",
                a.Substring(0, a.Length - 1),
                a.Substring(0, a.Length / 2),
                "[" + a + "]",
                "{}",
                "{\"usage\":1, \"assistant\":2}",
                "{\"type\":\"user\",\"x\":\"assistant\",\"usage\":{} }",
                "{\"type\":\"user\",\"x\":\"assistant\",\"usage\":{} } x",
                "{\"type\":\"user\",\"x\":\"assistant\",\"usage\":{}",
                "{\"message\":{\"usage\":{\"input_tokens\":1}},\"timestamp\":\"2026-11-23T09:20:00Z\",\"type\":\"assistant\"}",
                "{\"message\":{\"usage\":{\"input_tokens\":1}},\"timestamp\":\"2026-11-23T09:20:00Z\",\"type\":\"assistant\",\"message\":{\"usage\":{\"output_tokens\":2}}}",
                Sources[1],
                Sources[1].Replace("\"input_tokens\":0", "\"input_tokens\":1"),
                Sources[2],
                Sources[3],
            })
            {
                data.Add(line);
            }
            return data;
        }

        [Theory]
        [MemberData(nameof(EdgeLines))]
        public void Parse_WithEdgeLine_ShouldEqualTheReaderParser(string line) =>
            AssertSame(Encoding.UTF8.GetBytes(line));

        [Fact]
        public void Parse_WithInvalidUtf8_ShouldEqualTheReaderParser()
        {
            byte[] plain = Encoding.UTF8.GetBytes(Assistant);
            foreach (string field in new[] { "claude-sonnet-4-6", "with ", "0f3c2a9e", "msg_01", "main" })
            {
                int at = IndexOf(plain, Encoding.UTF8.GetBytes(field));
                byte[] bad = (byte[])plain.Clone();
                bad[at + 1] = 0xC3;
                AssertSame(bad);
                bad[at + 1] = 0xFF;
                AssertSame(bad);
            }
        }

        [FuzzProperty]
        public Property Parse_WithMutatedLine_ShouldEqualTheReaderParser()
        {
            return Prop.ForAll(FuzzTests.Mutations(Sources.Length), m =>
            {
                // Mutate adds a BOM first; keep it on some lines, drop it on most.
                byte[] line = FuzzTests.Mutate(Sources[m.Source], m);
                AssertSame(m.Seed % 4 == 0 ? line : line.Skip(3).ToArray());
            });
        }

        [Fact]
        public void TryRead_OnEveryUsageLineOfTheGeneratedCorpus_ShouldDecideWithoutTheReaderAndAgree()
        {
            int candidates = 0;
            foreach (string file in Directory.EnumerateFiles(_corpus.ProjectsRoot, "*.jsonl", SearchOption.AllDirectories))
            {
                foreach (string text in File.ReadLines(file))
                {
                    byte[] line = Encoding.UTF8.GetBytes(text);
                    if (!TranscriptLineParser.MayHoldUsage(line)) { continue; }
                    candidates++;
                    LineFields f = default;
                    var strings = Enumerable.Range(0, 5).Select(_ => new RepeatedString()).ToArray();
                    Assert.True(LineScanner.TryRead(line, ref f, out _, strings[0], strings[1], strings[2], strings[3], strings[4]), "fell back on: " + text);
                    AssertSame(line);
                }
            }
            Assert.True(candidates > 500, $"only {candidates} usage lines in the corpus");
        }

        private static void AssertSame(byte[] line)
        {
            LineKind fast = new TranscriptLineParser().Parse(line, "p", "f.jsonl", out UsageEntry? a);
            UsageEntry? b = null;
            LineKind reference = TranscriptLineParser.MayHoldUsage(line)
                ? new TranscriptLineParser().ParseWithReader(line, "p", "f.jsonl", out b)
                : LineKind.Skip;
            string shown = Encoding.UTF8.GetString(line);
            Assert.True(reference == fast, $"reader {reference}, scanner {fast}: {shown}");
            Assert.Equal(Describe(b), Describe(a));
        }

        private static string Describe(UsageEntry? e) => e is null ? "none" : string.Join("|",
            e.Timestamp.Ticks, e.Timestamp.Kind, e.Model, e.MessageId ?? "<null>", e.RequestId ?? "<null>", e.SessionId ?? "<null>", e.Cwd ?? "<null>",
            e.GitBranch ?? "<null>", e.AgentId ?? "<null>", e.IsSidechain, e.InputTokens, e.OutputTokens, e.CacheCreationTokens,
            e.CacheCreation5mTokens, e.CacheCreation1hTokens, e.CacheReadTokens, e.Project, e.SourceFile, e.FromProgressCopy, e.Fast,
            e.CostUsd?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "<null>");

        private static int IndexOf(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle);
    }
}
