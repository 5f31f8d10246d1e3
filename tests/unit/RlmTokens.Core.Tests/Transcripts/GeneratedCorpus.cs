using System;
using System.Diagnostics;
using System.IO;
using System.Text.Json;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>
    /// A small corpus from /work/shared/bench/gen-claude-transcripts.py (fixed seed), generated once
    /// per test class into a temp folder; its manifest.json holds the ground truth.
    /// </summary>
    public sealed class GeneratedCorpus : IDisposable
    {
        public GeneratedCorpus()
        {
            Root = Path.Combine(Path.GetTempPath(), "rlmtokens-corpus-" + Guid.NewGuid().ToString("N").Substring(0, 8));
            Generate(Root, 2.5, projects: 4, sessions: 3, days: 12, seed: 20261125);
            Manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "manifest.json")));
        }

        public string Root { get; }

        public string ProjectsRoot => Path.Combine(Root, "projects");

        public JsonDocument Manifest { get; }

        public static string Generator
        {
            get
            {
                string? env = Environment.GetEnvironmentVariable("RLMTOKENS_TRANSCRIPT_GENERATOR");
                if (!string.IsNullOrEmpty(env)) { return env; }
                for (DirectoryInfo? d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
                {
                    string candidate = Path.Combine(d.FullName, "shared", "bench", "gen-claude-transcripts.py");
                    if (File.Exists(candidate)) { return candidate; }
                    string inRepo = Path.Combine(d.FullName, "bench", "gen-claude-transcripts.py");
                    if (File.Exists(inRepo)) { return inRepo; }
                }
                throw new FileNotFoundException("gen-claude-transcripts.py not found; set RLMTOKENS_TRANSCRIPT_GENERATOR.");
            }
        }

        public static void Generate(string outDir, double totalMb, int projects, int sessions, int days, int seed)
        {
            ProcessStartInfo psi = new ProcessStartInfo("python3")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (string a in new[] { Generator, "--out", outDir, "--total-mb", totalMb.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--projects", projects.ToString(System.Globalization.CultureInfo.InvariantCulture), "--sessions", sessions.ToString(System.Globalization.CultureInfo.InvariantCulture),
                "--days", days.ToString(System.Globalization.CultureInfo.InvariantCulture), "--seed", seed.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                psi.ArgumentList.Add(a);
            }
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) { throw new InvalidOperationException("generator failed: " + err); }
        }

        public void Dispose()
        {
            Manifest.Dispose();
            try { Directory.Delete(Root, true); } catch (IOException) { }
        }
    }
}
