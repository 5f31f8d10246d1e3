using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using RlmTokens.Errors;

namespace RlmTokens.Pricing
{
    /// <summary>
    /// The effective prices: the built-in table, then a LiteLLM-format price file, then costPerToken of
    /// project-config.json. Names match through dated (-20250929, @20250929), provider-prefixed
    /// (anthropic/, bedrock/, us.anthropic., vertex_ai/, openai/, gemini/ ...) and versioned (-v1:0) variants.
    /// </summary>
    public sealed class PriceTable
    {
        private static readonly Regex s_date = new Regex(@"([-@]\d{8}|-\d{4}-\d{2}-\d{2})$", RegexOptions.CultureInvariant);
        private static readonly Regex s_bedrockVersion = new Regex(@"-v\d+(:\d+)?$", RegexOptions.CultureInvariant);
        private static readonly Regex s_geminiVersion = new Regex(@"^(gemini-.+)-\d{3}$", RegexOptions.CultureInvariant);
        private static readonly Regex s_prefix = new Regex(@"^((anthropic|bedrock|bedrock_converse|vertex_ai|vertex_ai_beta|openai|azure|gemini|google|openrouter|github_copilot|converse)/)+", RegexOptions.CultureInvariant);
        private static readonly Regex s_region = new Regex(@"^((us|eu|apac|global|au|jp)\.)?(anthropic|openai|google)\.", RegexOptions.CultureInvariant);

        private readonly Dictionary<string, ModelPrice> _exact;
        private readonly Dictionary<string, ModelPrice> _normalized;
        private readonly Dictionary<string, List<string>> _variants = new Dictionary<string, List<string>>(StringComparer.OrdinalIgnoreCase);
        private readonly ConcurrentDictionary<string, ModelPrice?> _lookups = new ConcurrentDictionary<string, ModelPrice?>(StringComparer.Ordinal);

        private PriceTable(IEnumerable<ModelPrice> prices)
        {
            _exact = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
            _normalized = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
            foreach (ModelPrice p in prices) { Put(p); }
        }

        /// <summary>The built-in table alone.</summary>
        public static PriceTable BuiltIn { get; } = new PriceTable(BuiltInPrices.All());

        /// <summary>Every price, ordered by model name.</summary>
        public IReadOnlyList<ModelPrice> Prices
        {
            get
            {
                List<ModelPrice> list = new List<ModelPrice>(_exact.Values);
                list.Sort((a, b) => string.Compare(a.Model, b.Model, StringComparison.OrdinalIgnoreCase));
                return list;
            }
        }

        /// <summary>
        /// Builds the effective table: built-in, then the LiteLLM file (when given), then costPerToken
        /// ("&lt;model&gt;-input" / "&lt;model&gt;-output", USD per token; when given).
        /// </summary>
        public static PriceTable Create(string? priceFile, IDictionary<string, decimal>? costPerToken)
        {
            return Create(priceFile, costPerToken, null);
        }

        /// <summary>As <see cref="Create(string?, IDictionary{string, decimal}?)"/>, naming the config file the costPerToken came from (shown as its source).</summary>
        public static PriceTable Create(string? priceFile, IDictionary<string, decimal>? costPerToken, string? configFile)
        {
            List<ModelPrice> prices = new List<ModelPrice>(BuiltInPrices.All());
            PriceTable table = new PriceTable(prices);
            if (priceFile is not null)
            {
                foreach (ModelPrice p in LiteLlmPriceFile.Read(priceFile)) { table.Put(p); }
            }
            if (costPerToken is not null) { table.ApplyCostPerToken(costPerToken, configFile); }
            return table;
        }

        /// <summary>The date of a file's last change (yyyy-MM-dd, UTC), or empty when it cannot be read.</summary>
        internal static string DateOf(string? path)
        {
            if (path is null) { return string.Empty; }
            try { return File.GetLastWriteTimeUtc(path).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture); }
            catch (IOException) { return string.Empty; }
            catch (UnauthorizedAccessException) { return string.Empty; }
        }

        /// <summary>The price of a model name as a transcript spells it, or null when unknown.</summary>
        public ModelPrice? Find(string model)
        {
            if (string.IsNullOrEmpty(model)) { return null; }
            return _lookups.GetOrAdd(model, FindCore);
        }

        /// <summary>The cost of one entry, or null when its model has no price.</summary>
        public decimal? Cost(UsageEntry entry)
        {
            ModelPrice? p = Find(entry.Model);
            return p?.Cost(entry);
        }

        /// <summary>The name a model is matched by: lower case, without provider prefix, date or version suffix.</summary>
        public static string Normalize(string model)
        {
            string m = WithoutProvider(model);
            m = s_bedrockVersion.Replace(m, string.Empty);
            m = s_geminiVersion.Replace(m, "$1");
            m = s_date.Replace(m, string.Empty);
            if (m.EndsWith("-latest", StringComparison.Ordinal)) { m = m.Substring(0, m.Length - 7); }
            return m;
        }

        // Lower case, without provider prefix or region: openai/gpt-4o-2024-05-13 is still the dated snapshot.
        private static string WithoutProvider(string model)
        {
            string m = model.Trim().ToLowerInvariant();
            m = s_prefix.Replace(m, string.Empty);
            return s_region.Replace(m, string.Empty);
        }

        private ModelPrice? FindCore(string model)
        {
            if (_exact.TryGetValue(model, out ModelPrice? p)) { return p; }
            if (_exact.TryGetValue(WithoutProvider(model), out p)) { return p; }
            string n = Normalize(model);
            if (_exact.TryGetValue(n, out p)) { return p; }
            if (_normalized.TryGetValue(n, out p)) { return p; }
            return null;
        }

        private void Put(ModelPrice p)
        {
            string n = Normalize(p.Model);
            if (p.Source != PriceSource.BuiltIn)
            {
                // An override of the plain name replaces every variant of the model that came from a weaker
                // source; an override of a dated snapshot (gpt-4o-2024-05-13) replaces that snapshot only.
                string own = WithoutProvider(p.Model);
                bool plain = string.Equals(own, n, StringComparison.Ordinal);
                if (_variants.TryGetValue(n, out List<string>? names))
                {
                    for (int i = names.Count - 1; i >= 0; i--)
                    {
                        if (_exact.TryGetValue(names[i], out ModelPrice? v) && v.Source < p.Source
                            && (plain || string.Equals(WithoutProvider(names[i]), own, StringComparison.Ordinal)))
                        {
                            _exact.Remove(names[i]);
                            names.RemoveAt(i);
                        }
                    }
                }
                if (plain && _normalized.TryGetValue(n, out ModelPrice? old) && old.Source < p.Source) { _normalized.Remove(n); }
            }
            _exact[p.Model] = p;
            if (!_variants.TryGetValue(n, out List<string>? list)) { _variants[n] = list = new List<string>(); }
            if (!list.Contains(p.Model, StringComparer.OrdinalIgnoreCase)) { list.Add(p.Model); }
            _lookups.Clear();
            // A plain (undated, unprefixed) name wins the normalized slot over its variants.
            if (!_normalized.TryGetValue(n, out ModelPrice? existing) || string.Equals(p.Model, n, StringComparison.OrdinalIgnoreCase)
                || !string.Equals(existing.Model, n, StringComparison.OrdinalIgnoreCase))
            {
                _normalized[n] = p;
            }
        }

        private void ApplyCostPerToken(IDictionary<string, decimal> costPerToken, string? configFile)
        {
            string asOf = DateOf(configFile);
            foreach (KeyValuePair<string, decimal> kv in costPerToken)
            {
                string key = kv.Key;
                bool input = key.EndsWith("-input", StringComparison.OrdinalIgnoreCase);
                bool output = key.EndsWith("-output", StringComparison.OrdinalIgnoreCase);
                if (!input && !output) { continue; }
                string model = key.Substring(0, key.Length - (input ? 6 : 7));
                ModelPrice? basis = Find(model);
                ModelPrice p;
                if (basis is null)
                {
                    // A model only the config knows: Anthropic's ratios for the cache prices.
                    p = new ModelPrice { Model = model };
                }
                else
                {
                    p = basis.Clone(string.Equals(basis.Model, model, StringComparison.OrdinalIgnoreCase) ? basis.Model : model);
                }
                p.Source = PriceSource.ProjectConfig;
                p.AsOf = asOf;
                p.SourceName = configFile ?? "costPerToken";
                if (input)
                {
                    p.InputPerToken = kv.Value;
                    if (basis is null)
                    {
                        p.CacheWrite5mPerToken = kv.Value * 1.25m;
                        p.CacheWrite1hPerToken = kv.Value * 2;
                        p.CacheReadPerToken = kv.Value * 0.1m;
                    }
                }
                else { p.OutputPerToken = kv.Value; }
                Put(p);
            }
        }
    }

    /// <summary>Reads LiteLLM's model_prices_and_context_window.json format.</summary>
    internal static class LiteLlmPriceFile
    {
        public static List<ModelPrice> Read(string path)
        {
            if (!File.Exists(path)) { throw new DataFileNotFoundException(path); }
            List<ModelPrice> result = new List<ModelPrice>();
            try
            {
                using FileStream s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using JsonDocument doc = JsonDocument.Parse(s, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
                if (doc.RootElement.ValueKind != JsonValueKind.Object)
                {
                    throw new CorruptDataFileException(path, null, Resources.Messages.PriceFileNotObject);
                }
                string asOf = PriceTable.DateOf(path);
                foreach (JsonProperty model in doc.RootElement.EnumerateObject())
                {
                    // LiteLLM's first entry documents the fields and prices nothing.
                    if (model.Value.ValueKind != JsonValueKind.Object || model.Name == "sample_spec") { continue; }
                    JsonElement e = model.Value;
                    decimal? input = Num(e, "input_cost_per_token");
                    decimal? output = Num(e, "output_cost_per_token");
                    if (input is null && output is null) { continue; }
                    decimal i = input ?? 0;
                    // Gemini 1.5's higher rates start past 128k tokens, the others' past 200k.
                    bool tier128k = Num(e, "input_cost_per_token_above_128k_tokens") is not null && Num(e, "input_cost_per_token_above_200k_tokens") is null;
                    string above = tier128k ? "above_128k_tokens" : "above_200k_tokens";
                    decimal? iHi = Num(e, "input_cost_per_token_" + above);
                    ModelPrice p = new ModelPrice
                    {
                        Model = model.Name,
                        Source = PriceSource.PriceFile,
                        AsOf = asOf,
                        SourceName = path,
                        TierThreshold = tier128k ? 128_000 : 200_000,
                        InputPerToken = i,
                        OutputPerToken = output ?? 0,
                        CacheWrite5mPerToken = Num(e, "cache_creation_input_token_cost") ?? i,
                        CacheWrite1hPerToken = Num(e, "cache_creation_input_token_cost_above_1hr") ?? i * 2,
                        CacheReadPerToken = Num(e, "cache_read_input_token_cost") ?? i,
                        InputAbove200kPerToken = iHi,
                        OutputAbove200kPerToken = Num(e, "output_cost_per_token_" + above),
                        CacheWrite5mAbove200kPerToken = Num(e, "cache_creation_input_token_cost_" + above),
                        CacheWrite1hAbove200kPerToken = Num(e, "cache_creation_input_token_cost_above_1hr_" + above) ?? (iHi * 2),
                        CacheReadAbove200kPerToken = Num(e, "cache_read_input_token_cost_" + above),
                        FastMultiplier = FastOf(e),
                    };
                    result.Add(p);
                }
            }
            catch (JsonException e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e);
            }
            catch (IOException e)
            {
                throw new DataFileReadException(path, e);
            }
            catch (UnauthorizedAccessException e)
            {
                throw new DataFileAccessDeniedException(path, e);
            }
            return result;
        }

        /// <summary>provider_specific_entry.fast: a fast-mode response's cost as a multiple of a normal one (1 when absent or not a positive number).</summary>
        private static decimal FastOf(JsonElement e)
        {
            if (!e.TryGetProperty("provider_specific_entry", out JsonElement specific) || specific.ValueKind != JsonValueKind.Object) { return 1m; }
            return Num(specific, "fast") is decimal f && f > 0 && f <= 1000 ? f : 1m;
        }

        // A price as the file writes it (3e-06, "3e-06"): a decimal of its digits; null when absent or past decimal's range.
        private static decimal? Num(JsonElement e, string name)
        {
            if (!e.TryGetProperty(name, out JsonElement v)) { return null; }
            if (v.ValueKind == JsonValueKind.Number) { return v.TryGetDecimal(out decimal n) ? n : null; }
            if (v.ValueKind == JsonValueKind.String && decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out decimal d)) { return d; }
            return null;
        }
    }
}
