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

        /// <summary>The wait of a cmdlet in hook mode (whole milliseconds, 0 to 600000; default 2000), after which its record is spooled.</summary>
        public const string HookTimeoutVariable = "RLMTOKENS_HOOK_LOCK_TIMEOUT_MS";

        /// <summary>The largest timeout the variable may set (10 minutes).</summary>
        public static readonly TimeSpan MaxTimeout = TimeSpan.FromMinutes(10);

        /// <summary>
        /// The timeout a value of <see cref="TimeoutVariable"/> stands for: whole milliseconds from 0 to
        /// 600000; anything else (unset, empty, not a number, negative, too large) means the default.
        /// </summary>
        public static TimeSpan FromVariable(string? value) => FromVariable(value, TokenTracker.DefaultLockTimeout);

        private static TimeSpan FromVariable(string? value, TimeSpan fallback)
        {
            if (value is null) { return fallback; }
            if (!int.TryParse(value.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int ms) || ms > MaxTimeout.TotalMilliseconds)
            {
                return fallback;
            }
            return TimeSpan.FromMilliseconds(ms);
        }

        /// <summary>The timeout from this process's environment.</summary>
        public static TimeSpan FromEnvironment() => FromVariable(Environment.GetEnvironmentVariable(TimeoutVariable));

        /// <summary>The hook-mode wait from this process's environment (<see cref="HookTimeoutVariable"/>, default 2 s).</summary>
        public static TimeSpan HookFromEnvironment() =>
            FromVariable(Environment.GetEnvironmentVariable(HookTimeoutVariable), TokenTracker.DefaultHookLockTimeout);
    }
}
