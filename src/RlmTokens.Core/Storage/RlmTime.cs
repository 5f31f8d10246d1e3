using System;
using System.Globalization;

namespace RlmTokens.Storage
{
    /// <summary>Timestamps as RLM files carry them: ISO-8601 ("o"), or Windows PowerShell's "\/Date(ms)\/".</summary>
    public static class RlmTime
    {
        /// <summary>The "o" form RLM's scripts write: 2026-11-25T13:00:00.0000000Z.</summary>
        public static string Format(DateTimeOffset value) =>
            value.UtcDateTime.ToString("o", CultureInfo.InvariantCulture);

        /// <summary>
        /// A wall-clock time of <paramref name="zone"/> (a DateTime of any kind, read as that zone's clock) as an
        /// instant carrying the zone's offset at that moment (DESIGN.md section 6: every timestamp a DateTimeOffset).
        /// A time skipped by a daylight-saving jump takes the offset from before the jump.
        /// </summary>
        public static DateTimeOffset InZone(DateTime wallClock, TimeZoneInfo zone)
        {
            DateTime t = DateTime.SpecifyKind(wallClock, DateTimeKind.Unspecified);
            TimeSpan offset = zone.IsInvalidTime(t) ? zone.GetUtcOffset(t.AddHours(-3)) : zone.GetUtcOffset(t);
            return new DateTimeOffset(t, offset);
        }

        /// <summary>
        /// A calendar day written as ccusage writes it on its command line (-Since 20260801): exactly eight ASCII
        /// digits, yyyyMMdd, a real date. Anything else is false, so other forms stay PowerShell's to convert.
        /// </summary>
        public static bool TryParseCompactDate(string? text, out DateTime day)
        {
            day = default;
            if (text is null) { return false; }
            string t = text.Trim();
            if (t.Length != 8) { return false; }
            foreach (char c in t) { if (c < '0' || c > '9') { return false; } }
            return DateTime.TryParseExact(t, "yyyyMMdd", CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
        }

        public static DateTimeOffset? Parse(string? text)
        {
            if (string.IsNullOrWhiteSpace(text)) { return null; }
            string t = text!.Trim();
            if (t.StartsWith("/Date(", StringComparison.Ordinal) || t.StartsWith("\\/Date(", StringComparison.Ordinal))
            {
                int open = t.IndexOf('(');
                int end = open + 1;
                if (end < t.Length && (t[end] == '-' || t[end] == '+')) { end++; }
                while (end < t.Length && char.IsDigit(t[end])) { end++; }
                if (long.TryParse(t.Substring(open + 1, end - open - 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ms))
                {
                    try { return DateTimeOffset.FromUnixTimeMilliseconds(ms); }
                    catch (ArgumentOutOfRangeException) { return null; }
                }
                return null;
            }
            if (DateTimeOffset.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset v))
            {
                return v;
            }
            return null;
        }
    }
}
