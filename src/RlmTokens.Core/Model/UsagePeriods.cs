using System;
using System.Globalization;

namespace RlmTokens
{
    /// <summary>
    /// A calendar day as output rows carry it (Date, Week): sorts and compares as a date, converts from
    /// the text a user types ('2026-12-01', '20261201') or a DateTime, and always shows as ISO yyyy-MM-dd,
    /// whatever the culture, so Export-Csv and string comparison see the same text.
    /// </summary>
    public readonly struct UsageDate : IComparable, IComparable<UsageDate>, IEquatable<UsageDate>, IFormattable
    {
        private readonly DateOnly _day;

        public UsageDate(int year, int month, int day) { _day = new DateOnly(year, month, day); }

        private UsageDate(DateOnly day) { _day = day; }

        public int Year => _day.Year;

        public int Month => _day.Month;

        public int Day => _day.Day;

        public DayOfWeek DayOfWeek => _day.DayOfWeek;

        /// <summary>The day of a DateTime (its time of day is dropped).</summary>
        public static UsageDate FromDateTime(DateTime value) => new UsageDate(DateOnly.FromDateTime(value));

        /// <summary>Midnight at the start of the day (Kind Unspecified).</summary>
        public DateTime ToDateTime() => _day.ToDateTime(TimeOnly.MinValue);

        public UsageDate AddDays(int days) => new UsageDate(_day.AddDays(days));

        /// <summary>yyyy-MM-dd, yyyyMMdd, or any date the invariant culture reads.</summary>
        public static UsageDate Parse(string text) => Parse(text, CultureInfo.InvariantCulture);

        public static UsageDate Parse(string text, IFormatProvider? provider)
        {
            if (TryParse(text, provider, out UsageDate day)) { return day; }
            throw new FormatException(string.Format(CultureInfo.InvariantCulture, "'{0}' is not a date (yyyy-MM-dd).", text));
        }

        public static bool TryParse(string? text, IFormatProvider? provider, out UsageDate day)
        {
            day = default;
            if (text is null) { return false; }
            string s = text.Trim();
            if (DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly exact))
            {
                day = new UsageDate(exact);
                return true;
            }
            // ccusage's yyyyMMdd, by the rule -Since/-Until use (RlmTime.TryParseCompactDate).
            if (Storage.RlmTime.TryParseCompactDate(s, out DateTime compact))
            {
                day = FromDateTime(compact);
                return true;
            }
            if (DateTime.TryParse(s, provider ?? CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime any))
            {
                day = FromDateTime(any);
                return true;
            }
            return false;
        }

        public static explicit operator UsageDate(DateTime value) => FromDateTime(value);

        public static implicit operator DateTime(UsageDate value) => value.ToDateTime();

        public int CompareTo(UsageDate other) => _day.CompareTo(other._day);

        public int CompareTo(object? obj)
        {
            switch (obj)
            {
                case null: return 1;
                case UsageDate d: return CompareTo(d);
                case DateTime t: return ToDateTime().CompareTo(t);
                case DateTimeOffset o: return ToDateTime().CompareTo(o.DateTime);
                case string s: return CompareTo(Parse(s));
                default: throw new ArgumentException("Not a date.", nameof(obj));
            }
        }

        public bool Equals(UsageDate other) => _day == other._day;

        public override bool Equals(object? obj) => obj is UsageDate d && Equals(d);

        public override int GetHashCode() => _day.GetHashCode();

        public static bool operator ==(UsageDate a, UsageDate b) => a.Equals(b);

        public static bool operator !=(UsageDate a, UsageDate b) => !a.Equals(b);

        public static bool operator <(UsageDate a, UsageDate b) => a.CompareTo(b) < 0;

        public static bool operator >(UsageDate a, UsageDate b) => a.CompareTo(b) > 0;

        public static bool operator <=(UsageDate a, UsageDate b) => a.CompareTo(b) <= 0;

        public static bool operator >=(UsageDate a, UsageDate b) => a.CompareTo(b) >= 0;

        public override string ToString() => _day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        /// <summary>The day in a DateOnly format string, in the invariant culture.</summary>
        public string ToString(string? format) => ToString(format, CultureInfo.InvariantCulture);

        /// <summary>A null or empty format gives yyyy-MM-dd in every culture; any other is DateOnly's.</summary>
        public string ToString(string? format, IFormatProvider? formatProvider) =>
            string.IsNullOrEmpty(format) ? ToString() : _day.ToString(format, formatProvider ?? CultureInfo.InvariantCulture);
    }

    /// <summary>
    /// A calendar month as output rows carry it (Month): sorts as a date, converts from '2026-12' or
    /// '202612' or a DateTime, and always shows as yyyy-MM.
    /// </summary>
    public readonly struct UsageMonth : IComparable, IComparable<UsageMonth>, IEquatable<UsageMonth>, IFormattable
    {
        public UsageMonth(int year, int month)
        {
            if (year < 1 || year > 9999) { throw new ArgumentOutOfRangeException(nameof(year)); }
            if (month < 1 || month > 12) { throw new ArgumentOutOfRangeException(nameof(month)); }
            Year = year;
            Month = month;
        }

        public int Year { get; }

        public int Month { get; }

        /// <summary>The first day of the month.</summary>
        public UsageDate FirstDay => new UsageDate(Year, Month, 1);

        public static UsageMonth FromDateTime(DateTime value) => new UsageMonth(value.Year, value.Month);

        /// <summary>yyyy-MM, yyyyMM, or any date the invariant culture reads (its month).</summary>
        public static UsageMonth Parse(string text) => Parse(text, CultureInfo.InvariantCulture);

        public static UsageMonth Parse(string text, IFormatProvider? provider)
        {
            if (TryParse(text, provider, out UsageMonth month)) { return month; }
            throw new FormatException(string.Format(CultureInfo.InvariantCulture, "'{0}' is not a month (yyyy-MM).", text));
        }

        public static bool TryParse(string? text, IFormatProvider? provider, out UsageMonth month)
        {
            month = default;
            if (text is null) { return false; }
            string s = text.Trim();
            if (DateTime.TryParseExact(s, new[] { "yyyy-MM", "yyyyMM" }, CultureInfo.InvariantCulture, DateTimeStyles.None, out DateTime exact)
                || DateTime.TryParse(s, provider ?? CultureInfo.InvariantCulture, DateTimeStyles.None, out exact))
            {
                month = FromDateTime(exact);
                return true;
            }
            return false;
        }

        public static explicit operator UsageMonth(DateTime value) => FromDateTime(value);

        public static implicit operator DateTime(UsageMonth value) => new DateTime(value.Year, value.Month, 1);

        public int CompareTo(UsageMonth other) => Year != other.Year ? Year.CompareTo(other.Year) : Month.CompareTo(other.Month);

        public int CompareTo(object? obj)
        {
            switch (obj)
            {
                case null: return 1;
                case UsageMonth m: return CompareTo(m);
                case DateTime t: return ((DateTime)this).CompareTo(t);
                case DateTimeOffset o: return ((DateTime)this).CompareTo(o.DateTime);
                case string s: return CompareTo(Parse(s));
                default: throw new ArgumentException("Not a month.", nameof(obj));
            }
        }

        public bool Equals(UsageMonth other) => Year == other.Year && Month == other.Month;

        public override bool Equals(object? obj) => obj is UsageMonth m && Equals(m);

        public override int GetHashCode() => Year * 16 + Month;

        public static bool operator ==(UsageMonth a, UsageMonth b) => a.Equals(b);

        public static bool operator !=(UsageMonth a, UsageMonth b) => !a.Equals(b);

        public static bool operator <(UsageMonth a, UsageMonth b) => a.CompareTo(b) < 0;

        public static bool operator >(UsageMonth a, UsageMonth b) => a.CompareTo(b) > 0;

        public static bool operator <=(UsageMonth a, UsageMonth b) => a.CompareTo(b) <= 0;

        public static bool operator >=(UsageMonth a, UsageMonth b) => a.CompareTo(b) >= 0;

        public override string ToString() => Year.ToString("0000", CultureInfo.InvariantCulture) + "-" + Month.ToString("00", CultureInfo.InvariantCulture);

        /// <summary>The month's first day in a DateTime format string, in the invariant culture.</summary>
        public string ToString(string? format) => ToString(format, CultureInfo.InvariantCulture);

        /// <summary>A null or empty format gives yyyy-MM in every culture; any other formats the month's first day.</summary>
        public string ToString(string? format, IFormatProvider? formatProvider) =>
            string.IsNullOrEmpty(format) ? ToString() : ((DateTime)this).ToString(format, formatProvider ?? CultureInfo.InvariantCulture);
    }
}
