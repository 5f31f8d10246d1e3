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
