using System;
using System.Globalization;
using RlmTokens.Errors;

namespace RlmTokens.Usage
{
    /// <summary>
    /// Sums usage rows of any RlmTokens type (or any object with the same property names) into one
    /// <see cref="TokenUsageTotal"/>: token counts checked, costs in decimal, precisions combined.
    /// </summary>
    public sealed class UsageTotaler
    {
        private static readonly string[] TokenColumns = { "InputTokens", "OutputTokens", "CacheCreationTokens", "CacheReadTokens", "TotalTokens" };

        private readonly TokenUsageTotal _total = new TokenUsageTotal();

        /// <summary>The sums so far.</summary>
        public TokenUsageTotal Total => _total;

        /// <summary>
        /// Adds one row, read through <paramref name="valueOf"/> (a property's value, or null when the row has no
        /// such property; <paramref name="has"/> says whether it has it). A row without TotalTokens, or whose
        /// figures are not numbers, is refused with nothing added.
        /// </summary>
        public void Add(Func<string, bool> has, Func<string, object?> valueOf, object row)
        {
            if (!has("TotalTokens"))
            {
                throw new InvalidArgumentException("NotAUsageRow", row,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.NotAUsageRow, row));
            }
            long[] tokens = new long[TokenColumns.Length];
            for (int i = 0; i < TokenColumns.Length; i++)
            {
                tokens[i] = Count(valueOf(TokenColumns[i]), TokenColumns[i], row);
            }
            bool hasCost = has("CostUsd");
            decimal? cost = hasCost ? Money(valueOf("CostUsd"), row) : null;
            UsagePrecision? precision = has("Precision") ? PrecisionOf(valueOf("Precision"), row) : null;
            // All sums first, then the total: a refused row leaves it as it was.
            long input, output, cacheCreation, cacheRead, all;
            decimal? money = _total.CostUsd;
            try
            {
                checked
                {
                    input = _total.InputTokens + tokens[0];
                    output = _total.OutputTokens + tokens[1];
                    cacheCreation = _total.CacheCreationTokens + tokens[2];
                    cacheRead = _total.CacheReadTokens + tokens[3];
                    all = _total.TotalTokens + tokens[4];
                    if (cost is decimal c) { money = (money ?? 0m) + c; }
                }
            }
            catch (OverflowException) { throw Numbers.OutOfRange(row, "token counts"); }
            _total.InputTokens = input;
            _total.OutputTokens = output;
            _total.CacheCreationTokens = cacheCreation;
            _total.CacheReadTokens = cacheRead;
            _total.TotalTokens = all;
            _total.CostUsd = money;
            if (hasCost && cost is null) { _total.CostKnown = false; }
            if (precision is UsagePrecision p)
            {
                _total.Precision = _total.Precision is null || _total.Precision == p ? p : UsagePrecision.Mixed;
            }
            _total.RowCount++;
        }

        private static long Count(object? value, string column, object row)
        {
            switch (value)
            {
                case null: return 0;
                case long l when l >= 0: return l;
                case int i when i >= 0: return i;
                case decimal d when d >= 0 && d <= long.MaxValue && d == decimal.Truncate(d): return (long)d;
                case double f when f >= 0 && f < 9.2e18 && f == Math.Floor(f): return (long)f;
                case string s when long.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out long parsed) && parsed >= 0: return parsed;
                default: throw NotANumber(row, column, value);
            }
        }

        private static decimal? Money(object? value, object row)
        {
            try
            {
                switch (value)
                {
                    case null: return null;
                    case decimal d: return d;
                    case double f when !double.IsNaN(f) && !double.IsInfinity(f): return (decimal)f;
                    case long l: return l;
                    case int i: return i;
                    case string s when s.Length == 0: return null;
                    case string s when decimal.TryParse(s, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal parsed): return parsed;
                    default: throw NotANumber(row, "CostUsd", value);
                }
            }
            catch (OverflowException) { throw NotANumber(row, "CostUsd", value!); }
        }

        private static UsagePrecision? PrecisionOf(object? value, object row)
        {
            switch (value)
            {
                case null: return null;
                case UsagePrecision p: return p;
                case string s when Enum.TryParse(s, true, out UsagePrecision parsed) && Enum.IsDefined(typeof(UsagePrecision), parsed): return parsed;
                default: throw NotANumber(row, "Precision", value);
            }
        }

        private static InvalidArgumentException NotANumber(object row, string column, object value) =>
            new InvalidArgumentException("UsageValueNotValid", row,
                string.Format(CultureInfo.CurrentCulture, Resources.Messages.UsageValueNotValid, column, value, row));
    }
}
