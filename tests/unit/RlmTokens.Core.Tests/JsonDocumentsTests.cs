using System.IO;
using System.Text.Json;
using RlmTokens.Json;

namespace RlmTokens.Core.Tests
{
    public sealed class JsonDocumentsTests
    {
        [Fact]
        public void Text_WithEscapedLoneSurrogate_ShouldReadAsNoTextNotThrow()
        {
            using JsonDocument doc = JsonDocument.Parse("{\"agent\":\"\\ud800\",\"n\":12,\"b\":true}");
            Assert.Null(doc.RootElement.GetProperty("agent").Text());
            Assert.Equal("12", doc.RootElement.GetProperty("n").Text());
            Assert.Equal("true", doc.RootElement.GetProperty("b").Text());
        }

        [Theory]
        [InlineData("")]
        [InlineData("\uFEFF")]
        [InlineData(" \r\n\t")]
        public void Load_WithBlankFile_ShouldBeAbsentLikeTheStoreReadsIt(string content)
        {
            using var dir = new TempDir();
            string path = dir.Write("x.json", content);
            Assert.Null(JsonDocuments.Load(path));
        }
    }
}

namespace RlmTokens.Core.Tests
{
    public sealed class TokenLogPathTests
    {
        [Fact]
        public void SeedRlmLogDefault_WithConfiguredLogFile_ShouldBeTheFileAddTokenUsageWrites()
        {
            using var dir = new TempDir();
            dir.Write("RLM/config/project-config.json", "{\"tokenTracking\":{\"logFile\":\"RLM/progress/tokens/usage.log\"}}");
            var ws = new RlmTokens.Storage.Workspace(dir.Root);

            string seed = RlmTokens.OtherTrackers.OtherTrackerReader.DefaultPath(UsageSourceKind.RlmLog, ws);

            Assert.Equal(new RlmTokens.Capture.TokenUsageLog(new TokenTracker(ws)).LogFile, seed);
            Assert.Equal(System.IO.Path.Combine(dir.Root, "RLM", "progress", "tokens", "usage.log"), seed);
        }
    }
}
