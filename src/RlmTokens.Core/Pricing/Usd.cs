using System;
using System.Collections.Generic;
using System.Linq;
using RlmTokens.Errors;

namespace RlmTokens.Pricing
{
    /// <summary>
    /// Money as decimal (DESIGN.md section 6). Costs computed from per-token decimal prices are exact;
    /// an amount that arrives as a double (a JSON float of RLM's scripts, Claude Code's cost) keeps the
    /// 15 significant digits a double holds, so 0.4265512999999999 reads as 0.4265513. Trailing zeros
    /// of the decimal's scale are dropped, so exports show the digits the amount carries and no more.
    /// </summary>
    internal static class Usd
    {
        /// <summary>The same amount without trailing zeros of its scale (1.2500 becomes 1.25; 0 stays 0).</summary>
        public static decimal Exact(decimal value) => value / 1.000000000000000000000000000000000m;

        /// <summary><see cref="Exact(decimal)"/> of a known amount; null stays null (unknown).</summary>
        public static decimal? Exact(decimal? value) => value is decimal d ? Exact(d) : null;

        /// <summary>A computed rate or projection rounded to the nano-dollar (nine decimals, the ledger's unit), without trailing zeros.</summary>
        public static decimal ToNanoDollar(decimal value) => Exact(Math.Round(value, 9));

        /// <summary>A double amount as decimal, rounded to the 15 significant digits a double carries; null when it is not finite or past decimal's range.</summary>
        public static decimal? FromDouble(double value)
        {
            if (double.IsNaN(value) || double.IsInfinity(value) || Math.Abs(value) >= 7.9e28) { return null; }
            return Exact((decimal)value);
        }

        /// <summary>The sum of amounts rounded to <paramref name="decimals"/>, or the NumberOutOfRange error naming <paramref name="target"/> past decimal's range.</summary>
        public static decimal Sum(IEnumerable<decimal> amounts, int decimals, object target)
        {
            try { return Math.Round(amounts.Sum(), decimals); }
            catch (OverflowException) { throw Numbers.OutOfRange(target, "USD"); }
        }
    }
}
