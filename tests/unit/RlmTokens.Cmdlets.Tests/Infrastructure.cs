using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Runspaces;
using System.Runtime.CompilerServices;
using System.Text;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Where the repository, the staged module, the samples and the pwsh host are.</summary>
    public static class Repo
    {
        public static string Root { get; } = FindRoot();

        /// <summary>The module folder the build stages and users import.</summary>
        public static string ModuleFolder => Path.Combine(Root, "out", "RlmTokens");

        public static string Manifest => Path.Combine(ModuleFolder, "RlmTokens.psd1");

        public static string Samples => Path.Combine(Root, "samples");

        /// <summary>rlm-pwsh.dll, the console host built from tools/RlmTokens.Shell (same configuration as the tests).</summary>
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

        private static string FindRoot()
        {
            for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            {
                if (File.Exists(Path.Combine(d.FullName, "RlmTokens.sln"))) { return d.FullName; }
            }
            throw new InvalidOperationException("RlmTokens.sln not found above " + AppContext.BaseDirectory);
        }

        [ModuleInitializer]
        internal static void PinCulture()
        {
            CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
            CultureInfo.DefaultThreadCurrentUICulture = new CultureInfo("en-US");
        }
    }

    /// <summary>A throw-away workspace folder (with RLM/progress/token-usage) for one test.</summary>
    public sealed class TempWorkspace : IDisposable
    {
        public TempWorkspace(bool withRlm = true)
        {
            Root = Path.Combine(Path.GetTempPath(), "rlmtokens-tests", Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Root);
            if (withRlm) { Directory.CreateDirectory(TokenUsage); }
        }

        public string Root { get; }

        public string TokenUsage => Path.Combine(Root, "RLM", "progress", "token-usage");

        public string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

        /// <summary>Writes a file as RLM's scripts do by default: UTF-8 with BOM, CRLF line ends.</summary>
        public string Write(string relative, string content, bool bom = true, bool crlf = true)
        {
            string path = PathOf(relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            string text = crlf ? content.Replace("\r\n", "\n").Replace("\n", "\r\n") : content;
            File.WriteAllText(path, text, new UTF8Encoding(bom));
            return path;
        }

        public string Read(string relative) => File.ReadAllText(PathOf(relative));

        public bool Exists(string relative) => File.Exists(PathOf(relative));

        /// <summary>Copies a folder of the repository (samples/...) into the workspace.</summary>
        public void CopyFrom(string sourceFolder)
        {
            foreach (string file in Directory.EnumerateFiles(sourceFolder, "*", SearchOption.AllDirectories))
            {
                string target = Path.Combine(Root, Path.GetRelativePath(sourceFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
        }

        /// <summary>Every file under the workspace with its bytes: to prove -WhatIf or a failure changed nothing.</summary>
        public IDictionary<string, string> Snapshot() =>
            Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories)
                .OrderBy(p => p, StringComparer.Ordinal)
                .ToDictionary(p => Path.GetRelativePath(Root, p),
                    p => File.Exists(p) ? Convert.ToBase64String(File.ReadAllBytes(p)) : "<dir>");

        public void Dispose()
        {
            try
            {
                foreach (string f in Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories))
                {
                    File.SetAttributes(f, FileAttributes.Normal);
                }
                Directory.Delete(Root, recursive: true);
            }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// The real PowerShell engine with the staged module imported through its manifest, as a user has
    /// it. Each instance is one runspace whose location is set to <paramref name="location"/>.
    /// </summary>
    public sealed class PowerShellHost : IDisposable
    {
        private readonly Runspace _runspace;

        // Cmdlets that read transcripts use the incremental cache by default: in tests it lives in a
        // temporary folder of this test process, never under the home folder.
        static PowerShellHost()
        {
            if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RLMTOKENS_CACHE_DIR")))
            {
                Environment.SetEnvironmentVariable("RLMTOKENS_CACHE_DIR", Path.Combine(Path.GetTempPath(), "rlmtokens-tests-cache-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
        }

        public PowerShellHost(string? location = null)
        {
            InitialSessionState iss = InitialSessionState.CreateDefault2();
            iss.ImportPSModule(new[] { Repo.Manifest });
            if (OperatingSystem.IsWindows()) { iss.ExecutionPolicy = Microsoft.PowerShell.ExecutionPolicy.Bypass; }
            _runspace = RunspaceFactory.CreateRunspace(iss);
            _runspace.Open();
            if (location is not null)
            {
                Run("Set-Location -LiteralPath $args[0]", location);
            }
            // Hooks find the workspace through $env:CLAUDE_PROJECT_DIR; tests never inherit one.
            _runspace.SessionStateProxy.SetVariable("env:CLAUDE_PROJECT_DIR", null);
        }

        /// <summary>The runspace, for tests that drive a pipeline themselves (BeginInvoke, Stop).</summary>
        public Runspace Runspace => _runspace;

        public List<ErrorRecord> Errors { get; } = new List<ErrorRecord>();

        public List<WarningRecord> Warnings { get; } = new List<WarningRecord>();

        public List<VerboseRecord> Verbose { get; } = new List<VerboseRecord>();

        /// <summary>Runs a script (arguments as $args) and returns its output; errors and warnings are collected, not thrown.</summary>
        public Collection<PSObject> Run(string script, params object?[] args)
        {
            using PowerShell ps = PowerShell.Create();
            ps.Runspace = _runspace;
            ps.AddScript(script);
            foreach (object? a in args) { ps.AddArgument(a); }
            Errors.Clear();
            Warnings.Clear();
            Verbose.Clear();
            Collection<PSObject> output;
            try
            {
                output = ps.Invoke();
            }
            catch (RuntimeException e)
            {
                Errors.Add(e.ErrorRecord);
                output = new Collection<PSObject>();
            }
            Errors.AddRange(ps.Streams.Error);
            Warnings.AddRange(ps.Streams.Warning);
            Verbose.AddRange(ps.Streams.Verbose);
            return output;
        }

        /// <summary>Runs a script and returns its output objects as <typeparamref name="T"/> (every one must be).</summary>
        public List<T> RunAs<T>(string script, params object?[] args) =>
            Run(script, args).Select(o => Assert.IsType<T>(o.BaseObject)).ToList();

        /// <summary>Asserts the script wrote no error and returns its output.</summary>
        public Collection<PSObject> RunClean(string script, params object?[] args)
        {
            Collection<PSObject> output = Run(script, args);
            Assert.True(Errors.Count == 0, "Unexpected errors: " + string.Join(" | ", Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            return output;
        }

        /// <summary>The single error written, with its fully qualified id.</summary>
        public ErrorRecord SingleError(string fullyQualifiedErrorId)
        {
            ErrorRecord e = Assert.Single(Errors);
            Assert.Equal(fullyQualifiedErrorId, e.FullyQualifiedErrorId);
            return e;
        }

        public void Dispose() => _runspace.Dispose();
    }

    /// <summary>Runs rlm-pwsh (pwsh's console host) as a separate OS process, as a hook would.</summary>
    public static class ShellProcess
    {
        public sealed record Result(int ExitCode, string Stdout, string Stderr);

        public static Process Start(string command, string workingDirectory, string? stdin = null, IDictionary<string, string?>? env = null) =>
            StartProcess("dotnet", new[] { Repo.ShellDll, "-NoProfile", "-NonInteractive", "-Command", command }, workingDirectory, stdin, env);

        /// <summary>Starts <c>bash -c <paramref name="command"/></c>, as Claude Code runs a hook or statusLine command.</summary>
        public static Process StartBash(string command, string workingDirectory, string? stdin = null, IDictionary<string, string?>? env = null) =>
            StartProcess("bash", new[] { "-c", command }, workingDirectory, stdin, env);

        /// <summary>Runs <c>bash -c <paramref name="command"/></c> to its end (see <see cref="StartBash"/>).</summary>
        public static Result RunBash(string command, string workingDirectory, string? stdin = null, IDictionary<string, string?>? env = null, int timeoutSeconds = 120) =>
            WaitFor(StartBash(command, workingDirectory, stdin, env), timeoutSeconds, "bash -c did not finish: " + command);

        // Standard streams redirected as UTF-8; CLAUDE_PROJECT_DIR cleared and colour off unless env says otherwise.
        private static Process StartProcess(string file, IEnumerable<string> arguments, string workingDirectory, string? stdin, IDictionary<string, string?>? env)
        {
            var psi = new ProcessStartInfo(file)
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardInput = true,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                StandardOutputEncoding = Encoding.UTF8,
                StandardErrorEncoding = Encoding.UTF8,
            };
            foreach (string argument in arguments) { psi.ArgumentList.Add(argument); }
            psi.Environment["CLAUDE_PROJECT_DIR"] = null;
            psi.Environment["NO_COLOR"] = "1";
            psi.Environment["TERM"] = "dumb";
            if (env is not null) { foreach (var kv in env) { psi.Environment[kv.Key] = kv.Value; } }
            var p = Process.Start(psi)!;
            if (stdin is not null) { p.StandardInput.Write(stdin); }
            p.StandardInput.Close();
            return p;
        }

        public static Result Run(string command, string workingDirectory, string? stdin = null, IDictionary<string, string?>? env = null, int timeoutSeconds = 120) =>
            WaitFor(Start(command, workingDirectory, stdin, env), timeoutSeconds, "rlm-pwsh did not finish: " + command);

        private static Result WaitFor(Process started, int timeoutSeconds, string timeoutMessage)
        {
            using Process p = started;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(timeoutSeconds * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException(timeoutMessage);
            }
            return new Result(p.ExitCode, stdout.Result, stderr.Result);
        }

        /// <summary>Single-quotes a value for a PowerShell command line.</summary>
        public static string Quote(string value) => "'" + value.Replace("'", "''") + "'";
    }
}
