using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Threading;

namespace RlmTokens.Storage
{
    /// <summary>
    /// A test-only switch for the crash tests (issue 11): every durable step of the store (a temporary
    /// file written, the journal committed, each file replaced, deleted or appended to, the journal
    /// removed) calls <see cref="Step"/>. With <c>RLMTOKENS_FAULT_AT=N</c> the process kills itself
    /// (SIGKILL, as a killed hook would be) at step N; with <c>RLMTOKENS_FAULT_MODE=ioerror</c> step N
    /// throws an IOException instead (a full disk). <c>RLMTOKENS_FAULT_TRACE=&lt;file&gt;</c> appends one
    /// line per step, so a test learns how many steps a change has. Unset, a step costs one comparison.
    /// </summary>
    internal static class FaultInjection
    {
        public const string AtVariable = "RLMTOKENS_FAULT_AT";
        public const string ModeVariable = "RLMTOKENS_FAULT_MODE";
        public const string TraceVariable = "RLMTOKENS_FAULT_TRACE";

        private static readonly int s_at = ReadAt();
        private static readonly bool s_ioError = string.Equals(Environment.GetEnvironmentVariable(ModeVariable), "ioerror", StringComparison.OrdinalIgnoreCase);
        private static readonly string? s_trace = Environment.GetEnvironmentVariable(TraceVariable) is { Length: > 0 } t ? t : null;
        private static readonly bool s_active = s_at > 0 || s_trace is not null;
        private static int s_count;

        /// <summary>True when a fault or trace is configured (the store then flushes step by step).</summary>
        public static bool Active => s_active;

        /// <summary>Marks one durable step; see the class remarks.</summary>
        public static void Step(string name)
        {
            if (!s_active) { return; }
            int n = Interlocked.Increment(ref s_count);
            if (s_trace is not null)
            {
                File.AppendAllText(s_trace, n.ToString(CultureInfo.InvariantCulture) + " " + name + Environment.NewLine);
            }
            if (n != s_at) { return; }
            if (s_ioError) { throw new IOException("No space left on device (fault injected at step " + n.ToString(CultureInfo.InvariantCulture) + ")"); }
            Process.GetCurrentProcess().Kill();
            Thread.Sleep(Timeout.Infinite);
        }

        private static int ReadAt() =>
            int.TryParse(Environment.GetEnvironmentVariable(AtVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 0;
    }
}
