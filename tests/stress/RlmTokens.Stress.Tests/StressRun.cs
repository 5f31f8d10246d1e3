using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;

namespace RlmTokens.Stress.Tests
{
    /// <summary>What happened during a run, besides the writes themselves.</summary>
    public sealed class RunStats
    {
        public int Kills { get; set; }

        /// <summary>Kills that landed while a cmdlet call was in flight (its attempt logged, no acknowledgement yet).</summary>
        public int KillsMidWrite { get; set; }

        /// <summary>Writers that exited with a non-zero code without being killed.</summary>
        public int Crashes { get; set; }

        public TimeSpan Elapsed { get; set; }

        public StringBuilder Stderr { get; } = new StringBuilder();
    }

    /// <summary>
    /// A stress workspace with its writers: each writer is an rlm-pwsh OS process running the writer
    /// script; the killer (this process) SIGKILLs random writers mid-flight and restarts them, and a
    /// restarted writer resumes after its last logged attempt.
    /// </summary>
    public sealed class StressRun : IDisposable
    {
        private readonly object _gate = new object();

        public StressRun(string name, string script)
        {
            Base = Path.Combine(Path.GetTempPath(), "rlmtokens-stress", name + "-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Workspace = Path.Combine(Base, "ws");
            TokenUsage = Path.Combine(Workspace, "RLM", "progress", "token-usage");
            LogFolder = Path.Combine(Base, "logs");
            ScriptPath = Path.Combine(Base, "writer.ps1");
            Directory.CreateDirectory(TokenUsage);
            Directory.CreateDirectory(LogFolder);
            File.WriteAllText(ScriptPath, script, new UTF8Encoding(true));
        }

        public string Base { get; }

        public string Workspace { get; }

        public string TokenUsage { get; }

        public string LogFolder { get; }

        public string ScriptPath { get; }

        public string LogOf(int writer) => Path.Combine(LogFolder, "writer-" + writer.ToString("00", System.Globalization.CultureInfo.InvariantCulture) + ".log");

        public IEnumerable<string> Logs => Directory.EnumerateFiles(LogFolder, "writer-*.log");

        /// <summary>Runs <paramref name="processes"/> writers of <paramref name="writes"/> each to the end, killing at random when asked.</summary>
        public RunStats Run(StressOptions options, bool kill, TimeSpan limit)
        {
            var stats = new RunStats();
            var clock = Stopwatch.StartNew();
            var writers = new Process?[options.Processes];
            var killedBy = new int[options.Processes];
            var rng = new Random(options.Seed);
            bool waitingForInFlight = false;
            try
            {
                for (int w = 0; w < writers.Length; w++) { writers[w] = StartWriter(w, options.Writes, stats); }
                while (true)
                {
                    for (int w = 0; w < writers.Length; w++)
                    {
                        Process? p = writers[w];
                        if (p is null || !p.HasExited) { continue; }
                        if (p.ExitCode != 0) { stats.Crashes++; }
                        p.Dispose();
                        writers[w] = null;
                    }
                    int[] alive = Enumerable.Range(0, writers.Length).Where(w => writers[w] is not null).ToArray();
                    if (alive.Length == 0) { break; }
                    if (clock.Elapsed > limit) { throw new TimeoutException($"The stress run did not finish within {limit}."); }
                    if (!kill)
                    {
                        Thread.Sleep(50);
                        continue;
                    }
                    if (!waitingForInFlight) { Thread.Sleep(rng.Next(options.MinKillDelayMs, options.MaxKillDelayMs + 1)); }
                    int[] candidates = alive.Where(w => killedBy[w] < options.MaxKillsPerWriter && writers[w] is { HasExited: false }).ToArray();
                    if (candidates.Length == 0) { Thread.Sleep(20); continue; }
                    // Kill a writer caught inside a cmdlet call (attempt logged, no acknowledgement yet);
                    // poll until one is, and only now and then kill one that is starting up or between calls.
                    int[] inFlight = candidates.Where(w => LastLineIsAttempt(LogOf(w))).ToArray();
                    int[] pool;
                    if (inFlight.Length > 0) { pool = inFlight; }
                    else if (!waitingForInFlight && rng.Next(8) == 0) { pool = candidates; }
                    else
                    {
                        waitingForInFlight = true;
                        Thread.Sleep(2);
                        continue;
                    }
                    waitingForInFlight = false;
                    int victim = pool[rng.Next(pool.Length)];
                    Process target = writers[victim]!;
                    try { target.Kill(); } catch (InvalidOperationException) { continue; }
                    target.WaitForExit();
                    stats.Kills++;
                    killedBy[victim]++;
                    if (LastLineIsAttempt(LogOf(victim))) { stats.KillsMidWrite++; }
                    // Mark the kill, so a writer still starting up again is not taken for one in flight.
                    MarkKilled(LogOf(victim));
                    target.Dispose();
                    writers[victim] = StartWriter(victim, options.Writes, stats);
                }
            }
            finally
            {
                foreach (Process? p in writers)
                {
                    if (p is null) { continue; }
                    try { if (!p.HasExited) { p.Kill(); } } catch (InvalidOperationException) { }
                    p.Dispose();
                }
            }
            stats.Elapsed = clock.Elapsed;
            return stats;
        }

        /// <summary>Runs one command in rlm-pwsh against the workspace (for the final write after a run).</summary>
        public (int ExitCode, string Output) RunOnce(string command)
        {
            ProcessStartInfo psi = Shell("-Command", command);
            using Process p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }

        private Process StartWriter(int writer, int writes, RunStats stats)
        {
            ProcessStartInfo psi = Shell("-File", ScriptPath);
            psi.ArgumentList.Add("-Workspace");
            psi.ArgumentList.Add(Workspace);
            psi.ArgumentList.Add("-Writer");
            psi.ArgumentList.Add(writer.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("-Writes");
            psi.ArgumentList.Add(writes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            psi.ArgumentList.Add("-Log");
            psi.ArgumentList.Add(LogOf(writer));
            psi.ArgumentList.Add("-Manifest");
            psi.ArgumentList.Add(Repo.Manifest);
            var p = new Process { StartInfo = psi };
            p.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (_gate) { stats.Stderr.AppendLine("[" + writer + "] " + e.Data); } } };
            p.OutputDataReceived += (_, _) => { };
            p.Start();
            p.BeginErrorReadLine();
            p.BeginOutputReadLine();
            return p;
        }

        private ProcessStartInfo Shell(string mode, string commandOrFile)
        {
            var psi = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Workspace,
                RedirectStandardInput = false,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            psi.ArgumentList.Add(Repo.ShellDll);
            psi.ArgumentList.Add("-NoProfile");
            psi.ArgumentList.Add("-NonInteractive");
            psi.ArgumentList.Add(mode);
            psi.ArgumentList.Add(commandOrFile);
            psi.Environment["CLAUDE_PROJECT_DIR"] = null;
            psi.Environment["NO_COLOR"] = "1";
            psi.Environment["TERM"] = "dumb";
            psi.Environment["RLMTOKENS_LOCK_TIMEOUT_MS"] = null;
            return psi;
        }

        private static void MarkKilled(string log)
        {
            try
            {
                string text = File.Exists(log) ? File.ReadAllText(log) : string.Empty;
                File.AppendAllText(log, (text.Length > 0 && !text.EndsWith('\n') ? "\n" : string.Empty) + "X|killed\n");
            }
            catch (IOException) { }
        }

        private static bool LastLineIsAttempt(string log)
        {
            try
            {
                string last = File.ReadAllText(log).TrimEnd('\n').Split('\n').LastOrDefault() ?? string.Empty;
                return last.StartsWith("A|", StringComparison.Ordinal);
            }
            catch (IOException) { return false; }
        }

        public void Dispose()
        {
            if (Environment.GetEnvironmentVariable("RLMTOKENS_STRESS_KEEP") == "1") { return; }
            try { Directory.Delete(Base, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }
}
