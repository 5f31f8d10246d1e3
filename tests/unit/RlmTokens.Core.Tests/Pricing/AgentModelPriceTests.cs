using System;
using System.IO;
using RlmTokens.Pricing;

namespace RlmTokens.Core.Tests.Pricing
{
    /// <summary>
    /// The list prices of the models the agent readers meet (USD per million: input, cached input, output),
    /// as the providers' pricing pages and LiteLLM's table give them (November 2025).
    /// </summary>
    public sealed class AgentModelPriceTests
    {
        [Theory]
        [InlineData("gpt-4", 30, 30, 60)]
        [InlineData("gpt-4-0613", 30, 30, 60)]
        [InlineData("gpt-4-32k", 60, 60, 120)]
        [InlineData("gpt-4-turbo-2024-04-09", 10, 10, 30)]
        [InlineData("gpt-3.5-turbo", 0.5, 0.5, 1.5)]
        [InlineData("gpt-3.5-turbo-1106", 1, 1, 2)]
        [InlineData("gpt-4o", 2.5, 1.25, 10)]
        [InlineData("gpt-4o-2024-08-06", 2.5, 1.25, 10)]
        [InlineData("gpt-4o-2024-05-13", 5, 5, 15)]
        [InlineData("openai/gpt-4o-2024-05-13", 5, 5, 15)]
        [InlineData("gpt-4o-mini-2024-07-18", 0.15, 0.075, 0.6)]
        [InlineData("gpt-4.1-2025-04-14", 2, 0.5, 8)]
        [InlineData("o1", 15, 7.5, 60)]
        [InlineData("o3-mini", 1.1, 0.55, 4.4)]
        [InlineData("o3-2025-04-16", 2, 0.5, 8)]
        [InlineData("o4-mini", 1.1, 0.275, 4.4)]
        [InlineData("codex-mini-latest", 1.5, 0.375, 6)]
        [InlineData("gpt-5", 1.25, 0.125, 10)]
        [InlineData("gpt-5-codex", 1.25, 0.125, 10)]
        [InlineData("gpt-5.1-codex-max", 1.25, 0.125, 10)]
        [InlineData("gpt-5-mini", 0.25, 0.025, 2)]
        [InlineData("gpt-5-pro", 15, 15, 120)]
        [InlineData("gemini-2.5-pro", 1.25, 0.125, 10)]
        [InlineData("gemini-2.5-flash", 0.3, 0.03, 2.5)]
        [InlineData("gemini-2.0-flash", 0.1, 0.025, 0.4)]
        [InlineData("gemini-1.5-pro-002", 1.25, 0.3125, 5)]
        [InlineData("claude-3-opus-20240229", 15, 1.5, 75)]
        public void Find_ModelsTheAgentsUse_ShouldGiveTheirListPrices(string model, double input, double cached, double output)
        {
            ModelPrice p = PriceTable.BuiltIn.Find(model) ?? throw new Xunit.Sdk.XunitException("no price for " + model);
            // Decimal prices: a million tokens cost exactly the list price.
            Assert.Equal((decimal)input, p.InputPerToken * 1_000_000);
            Assert.Equal((decimal)cached, p.CacheReadPerToken * 1_000_000);
            Assert.Equal((decimal)output, p.OutputPerToken * 1_000_000);
            Assert.Equal(PriceSource.BuiltIn, p.Source);
            Assert.Equal("2025-11", p.AsOf);
        }

        [Fact]
        public void Cost_OfLongContextGemini_ShouldUseTheHigherRatesPastTheTier()
        {
            // 2.5 Pro: 250k prompt tokens, 1000 output: 200k at 1.25 and 50k at 2.50; output under the tier.
            ModelPrice pro = PriceTable.BuiltIn.Find("gemini-2.5-pro")!;
            Assert.Equal(200_000 * 1.25e-6m + 50_000 * 2.5e-6m + 1000 * 10e-6m, pro.Cost(250_000, 1000, 0, 0, 0));
            // 1.5 Pro's tier starts at 128k.
            ModelPrice old = PriceTable.BuiltIn.Find("gemini-1.5-pro")!;
            Assert.Equal(128_000, old.TierThreshold);
            Assert.Equal(128_000 * 1.25e-6m + 2_000 * 2.5e-6m, old.Cost(130_000, 0, 0, 0, 0));
        }

        [Fact]
        public void Create_WithLiteLlmFile_ShouldReadThe128kTierSkipSampleSpecAndDateThePrices()
        {
            string dir = Path.Combine(Path.GetTempPath(), "rlmtokens-litellm-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Directory.CreateDirectory(dir);
            try
            {
                string file = Path.Combine(dir, "model_prices_and_context_window.json");
                File.WriteAllText(file, """
                {
                    "sample_spec": { "input_cost_per_token": 0.0, "output_cost_per_token": 0.0, "mode": "one of: chat, embedding" },
                    "gemini-1.5-flash-002": {
                        "input_cost_per_token": 7.5e-08, "input_cost_per_token_above_128k_tokens": 1.5e-07,
                        "output_cost_per_token": 3e-07, "output_cost_per_token_above_128k_tokens": 6e-07,
                        "litellm_provider": "vertex_ai-language-models", "mode": "chat"
                    },
                    "gpt-4o-2024-05-13": { "input_cost_per_token": 5e-06, "output_cost_per_token": 1.5e-05, "litellm_provider": "openai", "mode": "chat" }
                }
                """);
                File.SetLastWriteTimeUtc(file, new DateTime(2026, 3, 4, 5, 6, 7, DateTimeKind.Utc));

                PriceTable t = PriceTable.Create(file, null);

                Assert.Null(t.Find("sample_spec"));
                ModelPrice flash = t.Find("gemini-1.5-flash-002")!;
                Assert.Equal((PriceSource.PriceFile, "2026-03-04", file, 128_000L), (flash.Source, flash.AsOf, flash.SourceName, flash.TierThreshold));
                Assert.Equal(128_000 * 7.5e-8m + 72_000 * 1.5e-7m, flash.Cost(200_000, 0, 0, 0, 0));
                // The file's snapshot stays apart from gpt-4o, whose built-in price is kept.
                Assert.Equal(5e-6m, t.Find("gpt-4o-2024-05-13")!.InputPerToken);
                Assert.Equal(2.5e-6m, t.Find("gpt-4o")!.InputPerToken);
            }
            finally { Directory.Delete(dir, true); }
        }
    }
}
