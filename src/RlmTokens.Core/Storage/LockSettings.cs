using System;
using System.Globalization;

namespace RlmTokens.Storage
{
    /// <summary>
    /// How long writers wait for a folder lock. The default is <see cref="TokenTracker.DefaultLockTimeout"/>
    /// (30 seconds); the environment variable <c>RLMTOKENS_LOCK_TIMEOUT_MS</c> (whole milliseconds,
    /// 0 to 600000) overrides it for every cmdlet of the process, so a hook or a test can shorten it.
    /// </summary>
    public static class LockSettings
    {
        /// <summary>The environment variable the cmdlets read.</summary>
        public const string TimeoutVariable = "RLMTOKENS_LOCK_TIMEOUT_MS";

        /// <summary>The largest timeout the variable may set (10 minutes).</summary>
        public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

        /// <summary>
        /// The timeout a value of <see cref="TimeoutVariable"/> stands for: whole milliseconds from 0 to
        /// 600000; anything else (unset, empty, not a number, negative, too large) means the default.
        /// </summary>
        public static TimeSpan FromVariable(string? value)
        {
            if (value is null) { return TokenTracker.DefaultLockTimeout; }
            if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) || ms > MaxTimeout.TotalMilliseconds)
            {
                return TokenTracker.DefaultLockTimeout;
            }
            return TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>The timeout from this process's environment.</summary>
        public static TimeSpan FromEnvironment() => FromVariable(Environment.GetEnvironmentVariable(TimeoutVariable));
    }
}
