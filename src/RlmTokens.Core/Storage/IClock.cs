using System;

namespace RlmTokens.Storage
{
    /// <summary>The time source, injected so tests never depend on the clock.</summary>
    public interface IClock
    {
        DateTimeOffset UtcNow { get; }

        /// <summary>The zone in which "today" and daily files are counted.</summary>
        TimeZoneInfo LocalZone { get; }
    }

    /// <summary>The real clock, local zone of the machine.</summary>
    public sealed class SystemClock : IClock
    {
        public static SystemClock Instance { get; } = new SystemClock();

        public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

        public TimeZoneInfo LocalZone => TimeZoneInfo.Local;
    }

    /// <summary>A clock that always answers one instant: for tests and for replaying data.</summary>
    public sealed class FixedClock : IClock
    {
        public FixedClock(DateTimeOffset now, TimeZoneInfo? zone = null)
        {
            UtcNow = now.ToUniversalTime();
            LocalZone = zone ?? TimeZoneInfo.Utc;
        }

        public DateTimeOffset UtcNow { get; set; }

        public TimeZoneInfo LocalZone { get; }
    }
}
