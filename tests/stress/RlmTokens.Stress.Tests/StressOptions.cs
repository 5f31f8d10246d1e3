using System;
using System.Globalization;
using System.IO;

namespace RlmTokens.Stress.Tests
{
    /// <summary>
    /// The size of a run. CI (default): 6 processes x 40 writes. By hand: RLMTOKENS_STRESS=full gives
    /// 16 x 100; RLMTOKENS_STRESS_PROCESSES, RLMTOKENS_STRESS_WRITES and RLMTOKENS_STRESS_SEED override.
    /// </summary>
    public sealed record StressOptions(int Processes, int Writes, int Seed, int MinKillDelayMs, int MaxKillDelayMs, int MaxKillsPerWriter)
    {
        public static StressOptions FromEnvironment()
        {
            bool full = string.Equals(Environment.GetEnvironmentVariable("RLMTOKENS_STRESS"), "full", StringComparison.OrdinalIgnoreCase);
            return new StressOptions(
                Processes: Int("RLMTOKENS_STRESS_PROCESSES", full ? 16 : 6),
                Writes: Int("RLMTOKENS_STRESS_WRITES", full ? 100 : 40),
                Seed: Int("RLMTOKENS_STRESS_SEED", 7),
                MinKillDelayMs: 30,
                MaxKillDelayMs: full ? 300 : 400,
                MaxKillsPerWriter: full ? 10 : 4);
        }

        private static int Int(string name, int fallback) =>
            int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0 ? v : fallback;
    }

    /// <summary>Where the repository, the staged module and the pwsh host are.</summary>
    public static class Repo
    {
        public static string Root { get; } = FindRoot();

        public static string Manifest => Path.Combine(Root, "out", "RlmTokens", "RlmTokens.psd1");

        public static string ShellDll
        {
            get
            {
                string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
                string path = Path.Combine(Root, "tools", "RlmTokens.Shell", "bin", configuration, "net10.0", "rlm-pwsh.dll");
                if (!File.Exists(path)) { throw new FileNotFoundException("Build tools/RlmTokens.Shell first (dotnet test builds it).", path); }
                return path;
            }
        }

        /// <summary>out/stress: the reports of the last runs.</summary>
        public static string ReportFolder => Path.Combine(Root, "out", "stress");

        private static string FindRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "RlmTokens.sln"))) { return d.FullName; }
            }
            throw new InvalidOperationException("RlmTokens.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
