using System;
using System.IO;
using System.Linq;
using RlmTokens.Capture;
using RlmTokens.Errors;

namespace RlmTokens.Core.Tests
{
    public sealed class TranscriptCostTests
    {
        private static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);

        private static string Fixture => Path.Combine(AppContext.BaseDirectory, "Fixtures", "transcripts", "0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl");

        [Fact]
        public void Read_TranscriptWithDuplicatedLines_ShouldCountEachResponseOnceAndPriceIt()
        {
            using var ws = new ScratchWorkspace();

            CostCapture capture = TranscriptCost.Read(Fixture, ws.Tracker(Noon), default);

            Assert.True(capture.Exact);
            Assert.Empty(capture.Report.Warnings);
            ModelUsage sonnet = capture.Report.Models.Single(m => m.Model == "claude-sonnet-4-6");
            // By hand: msg_01 (twice) 100/50/1000/200, msg_02 10/5/2000/0, msg_04 1/7/3000/100.
            Assert.Equal((111L, 62L, 6000L, 300L), (sonnet.InputTokens, sonnet.OutputTokens, sonnet.CacheReadTokens, sonnet.CacheWriteTokens));
            ModelUsage haiku = capture.Report.Models.Single(m => m.Model == "claude-haiku-4-5");
            Assert.Equal((300L, 40L, 0L, 0L), (haiku.InputTokens, haiku.OutputTokens, haiku.CacheReadTokens, haiku.CacheWriteTokens));
            // Built-in prices per million: sonnet 3 / 15 / 3.75 write / 0.3 read; haiku 1 / 5.
            Assert.Equal(0.004188m, sonnet.CostUsd!.Value, 9);
            Assert.Equal(0.0005m, haiku.CostUsd!.Value, 9);
            Assert.Equal(0.004688m, capture.Report.CostUsd, 9);
        }

        [Fact]
        public void Import_FromTranscript_ShouldMarkFilesExact()
        {
            using var ws = new ScratchWorkspace();
            TokenTracker tracker = ws.Tracker(Noon);

            SessionCostRecord r = new SessionCostImporter(tracker).Import("S-X", TranscriptCost.Read(Fixture, tracker, default), Noon, default).Value;

            Assert.Equal(UsagePrecision.Exact, r.Precision);
            Assert.Equal(411 + 102 + 6000 + 300, r.TotalTokens);
            using var cost = ws.Json("RLM/progress/token-usage/cost-S-X.json");
            Assert.Equal("exact", cost.RootElement.GetProperty("precision").GetString());
            Assert.Equal("claude_code_transcript", cost.RootElement.GetProperty("source").GetString());
            using var daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.True(daily.RootElement.GetProperty("sessions")[0].GetProperty("exact").GetBoolean());
        }

        [Fact]
        public void LastContextTokens_ShouldTakeTheLastMainChainTurn() =>
            Assert.Equal(1 + 3000 + 100, TranscriptCost.LastContextTokens(Fixture));

        [Fact]
        public void Read_MissingTranscript_ShouldThrowFileNotFound()
        {
            using var ws = new ScratchWorkspace();
            var e = Assert.Throws<DataFileNotFoundException>(() => TranscriptCost.Read(Path.Combine(ws.Root, "nope.jsonl"), ws.Tracker(Noon), default));
            Assert.Equal("FileNotFound", e.ErrorId);
            Assert.Null(TranscriptCost.LastContextTokens(Path.Combine(ws.Root, "nope.jsonl")));
        }

        [Fact]
        public void Read_TwoModelsWithSubMicroDollarCosts_ShouldRoundTheSessionCostOnceNotPerModel()
        {
            // 1 cache-read token of sonnet 4.6 and of sonnet 4.5: $0.0000003 each. Rounded per model (to $0.000001)
            // they vanish; the session cost is their sum, $0.0000006, rounded once: $0.000001.
            using var ws = new ScratchWorkspace();
            string path = Path.Combine(ws.Root, "two-models.jsonl");
            string Line(string id, string model) =>
                "{\"type\":\"assistant\",\"sessionId\":\"s\",\"timestamp\":\"2026-11-23T09:00:00.000Z\",\"requestId\":\"r" + id + "\",\"message\":{\"id\":\"m" + id
                + "\",\"model\":\"" + model + "\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0,\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":1}}}\n";
            File.WriteAllText(path, Line("1", "claude-sonnet-4-6") + Line("2", "claude-sonnet-4-5"));

            CostCapture capture = TranscriptCost.Read(path, ws.Tracker(Noon), default);

            Assert.Equal(2, capture.Report.Models.Count);
            Assert.All(capture.Report.Models, m => Assert.Equal(0, m.CostUsd!.Value, 9));
            Assert.Equal(0.000001m, capture.Report.CostUsd, 9);
        }
    }
}
