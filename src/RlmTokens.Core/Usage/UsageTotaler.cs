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
            // A split column (input, output, cache) that a row lacks is unknown for the total from then on.
            long?[] tokens = new long?[TokenColumns.Length];
            for (int i = 0; i < TokenColumns.Length; i++)
            {
                object? value = has(TokenColumns[i]) ? valueOf(TokenColumns[i]) : null;
                tokens[i] = value is null ? null : Count(value, TokenColumns[i], row);
            }
            bool hasCost = has("CostUsd");
            decimal? cost = hasCost ? Money(valueOf("CostUsd"), row) : null;
            UsagePrecision? precision = has("Precision") ? PrecisionOf(valueOf("Precision"), row) : null;
            // All sums first, then the total: a refused row leaves it as it was.
            long?[] sums = new long?[TokenColumns.Length];
            decimal? money = _total.CostUsd;
            bool first = _total.RowCount == 0;
            try
            {
                checked
                {
                    for (int i = 0; i < TokenColumns.Length - 1; i++)
                    {
                        sums[i] = tokens[i] is long n && (first || Split(i) is not null) ? (Split(i) ?? 0) + n : null;
                    }
                    sums[4] = _total.TotalTokens + (tokens[4] ?? 0);
                    if (cost is decimal c) { money = (money ?? 0m) + c; }
                }
            }
            catch (OverflowException) { throw Numbers.OutOfRange(row, "token counts"); }
            _total.InputTokens = sums[0];
            _total.OutputTokens = sums[1];
            _total.CacheCreationTokens = sums[2];
            _total.CacheReadTokens = sums[3];
            _total.TotalTokens = sums[4]!.Value;
            _total.CostUsd = money;
            if (hasCost && cost is null) { _total.CostKnown = false; }
            if (precision is UsagePrecision p)
            {
                _total.Precision = _total.Precision is null || _total.Precision == p ? p : UsagePrecision.Mixed;
            }
            _total.RowCount++;
        }

        private long? Split(int column) => column switch
        {
            0 => _total.InputTokens,
            1 => _total.OutputTokens,
            2 => _total.CacheCreationTokens,
            _ => _total.CacheReadTokens,
        };

        private static long Count(object value, string column, object row)
        {
            switch (value)
            {
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
