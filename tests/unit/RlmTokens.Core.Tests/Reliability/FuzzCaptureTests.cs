using System;
using System.Linq;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// Fuzzing of the capture parsers: /cost text (CostOutputParser) and transcript lines
    /// (TranscriptLineParser). /cost text parses or throws InvalidCostOutputException; a transcript line
    /// is Skip, Usage or Malformed and never throws.
    /// </summary>
    public sealed class FuzzCaptureTests
    {
        private static readonly string[] CostTexts =
        {
            "> /cost\n  ⎿  Total cost:            $0.55\n     Total duration (API):  6m 19.7s\n     Total duration (wall): 6h 33m 10.2s\n     Total code changes:    12 lines added, 3 lines removed\n",
            "Total cost:            $1,234.56\nTotal duration (API):  1h 2m 3.5s\nTotal duration (wall): 1d 2h 0m 0s\nTotal code changes:    1 line added, 1,024 lines removed\nUsage by model:\n"
                + "         claude-haiku-4-5:  12.3k input, 1.0k output, 0 cache read, 0 cache write ($0.02)\n"
                + "        claude-sonnet-4-6:  1.2k input, 5.3k output, 940.0k cache read, 50.0k cache write ($1,234.54)\n",
            "Total cost: $0.0000\nTotal duration (API): 0s\nTotal duration (wall): 2.1s\nTotal code changes: 0 lines added, 0 lines removed\n",
        };

        private static readonly string[] Lines =
        {
            "{\"parentUuid\":null,\"isSidechain\":false,\"cwd\":\"/src/acme-api\",\"sessionId\":\"0f3c2a9e\",\"type\":\"assistant\",\"message\":{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\",\"model\":\"claude-sonnet-4-6\",\"content\":[{\"type\":\"text\",\"text\":\"...\"}],\"usage\":{\"input_tokens\":100,\"cache_creation_input_tokens\":200,\"cache_read_input_tokens\":1000,\"output_tokens\":50}},\"requestId\":\"req_01\",\"uuid\":\"u\",\"timestamp\":\"2026-11-23T09:20:00.000Z\"}",
            "{\"isSidechain\":true,\"agentId\":\"a1\",\"gitBranch\":\"main\",\"sessionId\":\"s\",\"type\":\"assistant\",\"message\":{\"id\":\"msg_02\",\"model\":\"claude-haiku-4-5\",\"usage\":{\"input_tokens\":1,\"output_tokens\":2,\"cache_creation\":{\"ephemeral_5m_input_tokens\":3}}},\"requestId\":\"r2\",\"timestamp\":\"2026-11-23T09:21:00Z\"}",
            "{\"type\":\"user\",\"sessionId\":\"s\",\"message\":{\"role\":\"user\",\"content\":\"assistant usage\"},\"uuid\":\"u1\",\"timestamp\":\"2026-11-23T09:19:58.000Z\"}",
        };

        [FuzzProperty]
        public Property CostOutputParser_WithMutatedText_ShouldParseOrThrowInvalidCostOutput()
        {
            return Prop.ForAll(FuzzTests.Mutations(CostTexts.Length), m =>
            {
                string text = Encoding.UTF8.GetString(FuzzTests.Mutate(CostTexts[m.Source], m));
                Exception? e = Record.Exception(() => CostOutputParser.Parse(text));
                Assert.True(e is null || e is InvalidCostOutputException, FuzzTests.Describe(e, Encoding.UTF8.GetBytes(text)));
            });
        }

        [FuzzProperty]
        public Property CostOutputParser_WithRandomText_ShouldParseOrThrowInvalidCostOutput()
        {
            return Prop.ForAll(ArbMap.Default.ArbFor<string>(), text =>
            {
                Exception? e = Record.Exception(() => CostOutputParser.Parse(text));
                Assert.True(e is null || e is InvalidCostOutputException, FuzzTests.Describe(e, Encoding.UTF8.GetBytes(text ?? string.Empty)));
            });
        }

        [FuzzProperty]
        public Property TranscriptLineParser_WithMutatedLine_ShouldNeverThrow()
        {
            return Prop.ForAll(FuzzTests.Mutations(Lines.Length), m =>
            {
                byte[] line = FuzzTests.Mutate(Lines[m.Source], m).Skip(3).ToArray();
                var parser = new TranscriptLineParser();
                UsageEntry? entry = null;
                LineKind kind = LineKind.Skip;
                Exception? e = Record.Exception(() => kind = parser.Parse(line, "project", "file.jsonl", out entry));
                Assert.True(e is null, FuzzTests.Describe(e, line));
                Assert.True(kind != LineKind.Usage || entry is not null);
            });
        }
    }
}
