using System.Globalization;

namespace RlmTokens.Errors
{
    /// <summary>The NumberOutOfRange error of a sum or a stored figure (DESIGN.md section 6: checked numbers).</summary>
    internal static class Numbers
    {
        /// <summary>A sum of <paramref name="what"/> in <paramref name="target"/> that is negative, not finite or past long.MaxValue.</summary>
        public static InvalidArgumentException OutOfRange(object target, string what) =>
            new InvalidArgumentException("NumberOutOfRange", target,
                string.Format(CultureInfo.CurrentCulture, Resources.Messages.NumberSumOutOfRange, target, what));
    }
}
