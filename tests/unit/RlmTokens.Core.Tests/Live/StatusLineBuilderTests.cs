using System;
using System.IO;
using RlmTokens.Live;

namespace RlmTokens.Core.Tests
{
    public sealed class StatusLineBuilderTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 10, 5, 12, 0, 0, TimeSpan.Zero);

        [Fact]
        public void TryParse_WithClaudeCodesStatusDocument_ShouldTakeEveryFieldUsed()
        {
            StatusLineInput? i = StatusLineInput.TryParse(
                "{\"hook_event_name\":\"Status\",\"session_id\":\"s\",\"transcript_path\":\"/t/s.jsonl\",\"cwd\":\"/w\","
                + "\"model\":{\"id\":\"claude-opus-4-5\",\"display_name\":\"Opus\"},\"workspace\":{\"current_dir\":\"/w/sub\",\"project_dir\":\"/w\"},"
                + "\"version\":\"2.0.31\",\"output_style\":{\"name\":\"default\"},\"cost\":{\"total_cost_usd\":\"0.5\",\"total_lines_added\":3},"
                + "\"context_window\":{\"context_window_size\":400000.0},\"extra\":[1,2]}");
            Assert.NotNull(i);
            Assert.Equal("s", i!.SessionId);
            Assert.Equal("/t/s.jsonl", i.TranscriptPath);
            Assert.Equal("claude-opus-4-5", i.ModelId);
            Assert.Equal("Opus", i.ModelDisplayName);
            Assert.Equal("/w", i.ProjectDir);
            Assert.Equal("/w/sub", i.CurrentDir);
            Assert.Equal(0.5m, i.TotalCostUsd);
            Assert.Equal(400000, i.ContextWindowSize);
            Assert.Equal("2.0.31", i.Version);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   \n")]
        [InlineData("null")]
        [InlineData("[{}]")]
        [InlineData("{\"a\":")]
        [InlineData("\"text\"")]
        public void TryParse_WithNoObject_ShouldReturnNull(string text) => Assert.Null(StatusLineInput.TryParse(text));

        [Theory]
        [InlineData("claude-sonnet-4-5[1m]", null, 1_000_000)]
        [InlineData("claude-sonnet-4-5", "Sonnet 4.5 (1M context)", 1_000_000)]
        [InlineData("claude-opus-4-5", "Opus", 200_000)]
        [InlineData(null, null, 200_000)]
        public void DefaultContextWindow_OfModel_ShouldBeOneMillionOnlyForOneMillionModels(string? id, string? name, long expected) =>
            Assert.Equal(expected, StatusLineBuilder.DefaultContextWindow(id, name));

        [Theory]
        [InlineData(0, "0")]
        [InlineData(999, "999")]
        [InlineData(18040, "18k")]
        [InlineData(52240, "52.2k")]
        [InlineData(200000, "200k")]
        [InlineData(8_512_345, "8.5M")]
        public void Compact_OfTokens_ShouldBeShort(long n, string expected) => Assert.Equal(expected, StatusLineBuilder.Compact(n));

        [Fact]
        public void Build_WithoutInput_ShouldBeTheFallbackLine()
        {
            StatusLineResult r = StatusLineBuilder.Build(new StatusLineRequest { Now = Now, Color = true });
            Assert.Equal("Claude | no status input", r.Text);
            Assert.Equal("no status input", r.Status.Problem);
        }

        [Fact]
        public void Build_WithTranscriptAndNoRoots_ShouldCountTheSessionAndLeaveTodayOut()
        {
            using var dir = new TempDir();
            string path = Path.Combine(dir.Root, "s.jsonl");
            File.WriteAllText(path,
                "{\"type\":\"assistant\",\"timestamp\":\"2026-10-05T11:00:00Z\",\"sessionId\":\"s\",\"requestId\":\"r1\",\"message\":{\"id\":\"m1\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":10,\"output_tokens\":20,\"cache_creation_input_tokens\":30,\"cache_read_input_tokens\":40}}}\n");
            var request = new StatusLineRequest { Now = Now, Input = new StatusLineInput { TranscriptPath = path, ModelId = "claude-sonnet-4-6" } };
            StatusLineResult r = StatusLineBuilder.Build(request);
            Assert.Null(r.Status.Problem);
            Assert.Equal(100, r.Status.SessionTokens);
            Assert.Equal(80, r.Status.ContextTokens);
            Assert.Null(r.Status.TodayCostUsd);
            Assert.Null(r.Status.BlockTimeLeft);
            Assert.StartsWith("claude-sonnet-4-6 | session 100 tok $0.00 | ctx 80/200k (0%)", r.Text);
        }
    }
}
