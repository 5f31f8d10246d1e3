using System;
using System.Collections.Generic;
using System.IO;
using RlmTokens.Errors;
using RlmTokens.Pricing;

namespace RlmTokens.Core.Tests.Pricing
{
    public sealed class PriceTableTests : IDisposable
    {
        private readonly string _temp = Path.Combine(Path.GetTempPath(), "rlmtokens-price-" + Guid.NewGuid().ToString("N").Substring(0, 8));

        public PriceTableTests() => Directory.CreateDirectory(_temp);

        public void Dispose()
        {
            try { Directory.Delete(_temp, true); } catch (IOException) { }
        }

        [Theory]
        [InlineData("claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929")]
        [InlineData("anthropic/claude-sonnet-4-5", "claude-sonnet-4-5")]
        [InlineData("us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5")]
        [InlineData("bedrock/anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5")]
        [InlineData("claude-opus-4-6@20260101", "claude-opus-4-6")]
        [InlineData("CLAUDE-OPUS-4-1", "claude-opus-4-1")]
        [InlineData("openai/gpt-5-codex", "gpt-5-codex")]
        [InlineData("gemini/gemini-2.5-pro", "gemini-2.5-pro")]
        [InlineData("claude-3-5-haiku-latest", "claude-3-5-haiku")]
        public void Find_WithDatedOrPrefixedName_ShouldMatchTheModel(string name, string expected)
        {
            ModelPrice? p = PriceTable.BuiltIn.Find(name);
            Assert.NotNull(p);
            Assert.Equal(PriceTable.Normalize(expected), PriceTable.Normalize(p!.Model));
        }

        [Fact]
        public void Find_WithUnknownModel_ShouldReturnNull()
        {
            Assert.Null(PriceTable.BuiltIn.Find("mystery-model-9"));
            Assert.Null(PriceTable.BuiltIn.Cost(new UsageEntry { Model = "mystery-model-9", InputTokens = 10 }));
        }

        [Fact]
        public void Cost_AboveTierThreshold_ShouldPriceEachTypeSeparately()
        {
            ModelPrice p = PriceTable.BuiltIn.Find("claude-sonnet-4-5")!;
            // input under the threshold, cache read over it: only the cache read tokens above 200k cost more.
            decimal cost = p.Cost(1000, 100, 0, 0, 300_000);
            decimal expected = 1000 * 3e-6m + 100 * 15e-6m + 200_000 * 0.3e-6m + 100_000 * 0.6e-6m;
            Assert.Equal(expected, cost);
            Assert.Equal(2 * 3e-6m, p.CacheWrite1hPerToken, 15);
        }

        [Fact]
        public void Create_WithLiteLlmFileAndCostPerToken_ShouldApplyBothInOrder()
        {
            string file = Path.Combine(_temp, "prices.json");
            File.WriteAllText(file, """
            {
              "sample_spec": { "max_tokens": 1 },
              "claude-sonnet-4-5": { "input_cost_per_token": 4e-6, "output_cost_per_token": 2e-5, "cache_read_input_token_cost": 4e-7,
                                     "cache_creation_input_token_cost": 5e-6, "input_cost_per_token_above_200k_tokens": 8e-6 },
              "my-local-model": { "input_cost_per_token": 1e-7, "output_cost_per_token": 2e-7 }
            }
            """);
            PriceTable t = PriceTable.Create(file, new Dictionary<string, decimal> { ["claude-sonnet-4-5-output"] = 3e-5m, ["brand-new-input"] = 1e-6m });
            ModelPrice s = t.Find("claude-sonnet-4-5-20250929")!;
            Assert.Equal(4e-6m, s.InputPerToken);
            Assert.Equal(3e-5m, s.OutputPerToken);
            Assert.Equal(8e-6m * 2, s.CacheWrite1hAbove200kPerToken!.Value, 15);
            Assert.Equal(PriceSource.ProjectConfig, s.Source);
            Assert.Equal(PriceSource.PriceFile, t.Find("my-local-model")!.Source);
            ModelPrice n = t.Find("brand-new")!;
            Assert.Equal(1e-6m, n.InputPerToken);
            Assert.Equal(1e-7m, n.CacheReadPerToken, 15);
            Assert.Equal(PriceSource.BuiltIn, t.Find("claude-opus-4-6")!.Source);
        }

        [Fact]
        public void Create_WithBrokenPriceFile_ShouldThrowCorruptDataFile()
        {
            string file = Path.Combine(_temp, "bad.json");
            File.WriteAllText(file, "{ not json");
            CorruptDataFileException e = Assert.Throws<CorruptDataFileException>(() => PriceTable.Create(file, null));
            Assert.Equal(file, e.Target);
            Assert.Throws<DataFileNotFoundException>(() => PriceTable.Create(Path.Combine(_temp, "none.json"), null));
        }
    }
}
