using System.Collections.Generic;

namespace RlmTokens.Pricing
{
    /// <summary>
    /// List prices (USD per million tokens in this file, per token in the table) of the models coding
    /// agents use, as LiteLLM's model_prices_and_context_window.json lists them. Anthropic: a 1-hour
    /// cache write costs twice the input price; the above-200k rates apply per token type per request.
    /// OpenAI and Gemini bill no cache writes separately: a cache write is priced as input; a model
    /// without a cached-input price (gpt-4, gpt-3.5-turbo, gpt-4o-2024-05-13) prices cached input as input.
    /// Sources, as of <see cref="AsOf"/>: Anthropic's pricing page (docs.anthropic.com, "Pricing"), OpenAI's
    /// (platform.openai.com/docs/pricing, Standard tier, November 2025; legacy models under "Other models"),
    /// Google's (ai.google.dev/gemini-api/docs/pricing, paid tier), each checked against LiteLLM's table.
    /// </summary>
    internal static class BuiltInPrices
    {
        /// <summary>When the built-in prices were taken from their sources (Get-TokenPrice shows it).</summary>
        public const string AsOf = "2025-11";

        /// <summary>What Get-TokenPrice shows as the built-in table's source.</summary>
        public const string SourceName = "Anthropic, OpenAI and Google list prices (LiteLLM-checked)";

        public static IEnumerable<ModelPrice> All()
        {
            // Anthropic
            // Fast mode (usage.speed "fast", research preview): six times the standard rates (LiteLLM: provider_specific_entry.fast 6).
            yield return Fast(Claude("claude-opus-4-6", 5, 25, 6.25, 0.5), 6m);
            yield return Claude("claude-opus-4-5", 5, 25, 6.25, 0.5);
            yield return Claude("claude-opus-4-5-20251101", 5, 25, 6.25, 0.5);
            yield return Claude("claude-opus-4-1", 15, 75, 18.75, 1.5);
            yield return Claude("claude-opus-4-1-20250805", 15, 75, 18.75, 1.5);
            yield return Claude("claude-opus-4", 15, 75, 18.75, 1.5);
            yield return Claude("claude-opus-4-20250514", 15, 75, 18.75, 1.5);
            yield return Claude("claude-sonnet-4-6", 3, 15, 3.75, 0.3);
            yield return Claude("claude-sonnet-4-5", 3, 15, 3.75, 0.3, 6, 22.5, 7.5, 0.6);
            yield return Claude("claude-sonnet-4-5-20250929", 3, 15, 3.75, 0.3, 6, 22.5, 7.5, 0.6);
            yield return Claude("claude-sonnet-4", 3, 15, 3.75, 0.3, 6, 22.5, 7.5, 0.6);
            yield return Claude("claude-sonnet-4-20250514", 3, 15, 3.75, 0.3, 6, 22.5, 7.5, 0.6);
            yield return Claude("claude-3-7-sonnet", 3, 15, 3.75, 0.3);
            yield return Claude("claude-3-7-sonnet-20250219", 3, 15, 3.75, 0.3);
            yield return Claude("claude-3-5-sonnet", 3, 15, 3.75, 0.3);
            yield return Claude("claude-haiku-4-5", 1, 5, 1.25, 0.1);
            yield return Claude("claude-haiku-4-5-20251001", 1, 5, 1.25, 0.1);
            yield return Claude("claude-3-5-haiku", 0.8, 4, 1, 0.08);
            yield return Claude("claude-3-5-haiku-20241022", 0.8, 4, 1, 0.08);
            yield return Claude("claude-3-haiku", 0.25, 1.25, 0.3, 0.03);
            yield return Claude("claude-3-opus", 15, 75, 18.75, 1.5);
            yield return Claude("claude-3-opus-20240229", 15, 75, 18.75, 1.5);

            // OpenAI (Codex CLI, Copilot)
            yield return Plain("gpt-5", 1.25, 10, 0.125);
            yield return Plain("gpt-5-codex", 1.25, 10, 0.125);
            yield return Plain("gpt-5.1", 1.25, 10, 0.125);
            yield return Plain("gpt-5.1-codex", 1.25, 10, 0.125);
            yield return Plain("gpt-5.1-codex-max", 1.25, 10, 0.125);
            yield return Plain("gpt-5-mini", 0.25, 2, 0.025);
            yield return Plain("gpt-5.1-codex-mini", 0.25, 2, 0.025);
            yield return Plain("gpt-5-nano", 0.05, 0.4, 0.005);
            yield return Plain("gpt-4.1", 2, 8, 0.5);
            yield return Plain("gpt-4.1-mini", 0.4, 1.6, 0.1);
            yield return Plain("gpt-4.1-nano", 0.1, 0.4, 0.025);
            yield return Plain("gpt-5-pro", 15, 120, 15);
            yield return Plain("gpt-5-chat", 1.25, 10, 0.125);
            yield return Plain("gpt-5.1-chat", 1.25, 10, 0.125);
            yield return Plain("gpt-4o", 2.5, 10, 1.25);
            yield return Plain("gpt-4o-2024-11-20", 2.5, 10, 1.25);
            yield return Plain("gpt-4o-2024-08-06", 2.5, 10, 1.25);
            // The first gpt-4o snapshot kept its launch price, and had no cached-input discount.
            yield return Plain("gpt-4o-2024-05-13", 5, 15, 5);
            yield return Plain("chatgpt-4o-latest", 5, 15, 5);
            yield return Plain("gpt-4o-mini", 0.15, 0.6, 0.075);
            yield return Plain("gpt-4-turbo", 10, 30, 10);
            yield return Plain("gpt-4-0125-preview", 10, 30, 10);
            yield return Plain("gpt-4-1106-preview", 10, 30, 10);
            yield return Plain("gpt-4", 30, 60, 30);
            yield return Plain("gpt-4-0613", 30, 60, 30);
            yield return Plain("gpt-4-0314", 30, 60, 30);
            yield return Plain("gpt-4-32k", 60, 120, 60);
            yield return Plain("gpt-3.5-turbo", 0.5, 1.5, 0.5);
            yield return Plain("gpt-3.5-turbo-0125", 0.5, 1.5, 0.5);
            yield return Plain("gpt-3.5-turbo-1106", 1, 2, 1);
            yield return Plain("gpt-3.5-turbo-0613", 1.5, 2, 1.5);
            yield return Plain("gpt-3.5-turbo-16k", 3, 4, 3);
            yield return Plain("gpt-3.5-turbo-instruct", 1.5, 2, 1.5);
            yield return Plain("o1", 15, 60, 7.5);
            yield return Plain("o1-pro", 150, 600, 150);
            yield return Plain("o1-mini", 1.1, 4.4, 0.55);
            yield return Plain("o3", 2, 8, 0.5);
            yield return Plain("o3-pro", 20, 80, 20);
            yield return Plain("o3-mini", 1.1, 4.4, 0.55);
            yield return Plain("o4-mini", 1.1, 4.4, 0.275);
            yield return Plain("codex-mini", 1.5, 6, 0.375);

            // Google (Gemini CLI)
            yield return Tiered("gemini-2.5-pro", 1.25, 10, 0.125, 2.5, 15, 0.25);
            yield return Plain("gemini-2.5-flash", 0.3, 2.5, 0.03);
            yield return Plain("gemini-2.5-flash-lite", 0.1, 0.4, 0.01);
            yield return Tiered("gemini-3-pro-preview", 2, 12, 0.2, 4, 18, 0.4);
            yield return Plain("gemini-2.0-flash", 0.1, 0.4, 0.025);
            yield return Plain("gemini-2.0-flash-lite", 0.075, 0.3, 0.075);
            // Gemini 1.5: the higher rates apply past 128k tokens.
            yield return Tiered("gemini-1.5-pro", 1.25, 5, 0.3125, 2.5, 10, 0.625, 128_000);
            yield return Tiered("gemini-1.5-flash", 0.075, 0.3, 0.01875, 0.15, 0.6, 0.0375, 128_000);
        }

        // The table is written in USD per million tokens; a double literal such as 0.3 converts to exactly
        // 0.3m (decimal keeps a double's 15 significant digits), and the division by a million is exact.
        private static decimal M(double perMillion) => (decimal)perMillion / 1_000_000m;

        private static decimal? M(double? perMillion) => perMillion is double d ? M(d) : null;

        private static ModelPrice Claude(string model, double input, double output, double write5m, double read,
            double? inputHi = null, double? outputHi = null, double? write5mHi = null, double? readHi = null) => new ModelPrice
        {
            Model = model,
            InputPerToken = M(input),
            OutputPerToken = M(output),
            CacheWrite5mPerToken = M(write5m),
            CacheWrite1hPerToken = M(input) * 2,
            CacheReadPerToken = M(read),
            InputAbove200kPerToken = M(inputHi),
            OutputAbove200kPerToken = M(outputHi),
            CacheWrite5mAbove200kPerToken = M(write5mHi),
            CacheWrite1hAbove200kPerToken = M(inputHi) * 2,
            CacheReadAbove200kPerToken = M(readHi),
        };

        private static ModelPrice Fast(ModelPrice p, decimal multiplier)
        {
            p.FastMultiplier = multiplier;
            return p;
        }

        private static ModelPrice Plain(string model, double input, double output, double read) => new ModelPrice
        {
            Model = model,
            InputPerToken = M(input),
            OutputPerToken = M(output),
            CacheWrite5mPerToken = M(input),
            CacheWrite1hPerToken = M(input),
            CacheReadPerToken = M(read),
        };

        private static ModelPrice Tiered(string model, double input, double output, double read, double inputHi, double outputHi, double readHi, long threshold = 200_000)
        {
            ModelPrice p = Plain(model, input, output, read);
            p.TierThreshold = threshold;
            p.InputAbove200kPerToken = M(inputHi);
            p.OutputAbove200kPerToken = M(outputHi);
            p.CacheWrite5mAbove200kPerToken = M(inputHi);
            p.CacheWrite1hAbove200kPerToken = M(inputHi);
            p.CacheReadAbove200kPerToken = M(readHi);
            return p;
        }
    }
}
