using System.Linq;
using RlmTokens.Import;

namespace RlmTokens.Core.Tests
{
    public sealed class JsonStreamTests
    {
        [Fact]
        public void Split_PrettyPrintedObjectsBackToBack_ShouldYieldEachWithItsLine()
        {
            string text = "\uFEFF{\r\n  \"a\": 1\r\n}{\"b\": \"}\"}\n\n[1, {\"c\": \"\\\"{\"}]\n";

            var parts = JsonStream.Split(text).ToList();

            Assert.Equal(new[] { "{\r\n  \"a\": 1\r\n}", "{\"b\": \"}\"}", "[1, {\"c\": \"\\\"{\"}]" }, parts.Select(p => p.Json));
            Assert.Equal(new[] { 1, 3, 5 }, parts.Select(p => p.Line));
        }

        [Fact]
        public void Split_UnterminatedTail_ShouldBeLeftOut()
        {
            Assert.Single(JsonStream.Split("{\"a\":1}\n{\"b\": {"));
        }
    }
}
