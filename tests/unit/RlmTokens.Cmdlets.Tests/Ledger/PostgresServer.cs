using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace RlmTokens.Cmdlets.Tests.Ledger
{
    /// <summary>
    /// A real PostgreSQL server that the test run starts on loopback from the distribution's binaries
    /// (.ci/run installs the postgresql package when missing): initdb and pg_ctl into a temporary folder,
    /// as an unprivileged user when the tests run as root (postgres refuses to run as root).
    /// </summary>
    public sealed class PostgresServer : IDisposable
    {
        private readonly string _folder;
        private readonly string _bin;
        private readonly bool _asNobody;
        private int _databases;

        public PostgresServer()
        {
            _bin = FindBin() ?? string.Empty;
            _folder = string.Empty;
            if (_bin.Length == 0 || OperatingSystem.IsWindows()) { return; }
            Available = true;
            _asNobody = Environment.UserName == "root";
            _folder = Path.Combine(Path.GetTempPath(), "rlmtokens-pg-" + Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(_folder);
            if (_asNobody) { Run("chown", "nobody", _folder); }
            Port = FreePort();
            RunPg("initdb", "-D", Data, "-U", "rlm", "--auth=trust", "-E", "UTF8", "--no-sync");
            RunPg("pg_ctl", "-D", Data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "120",
                "-o", "-c listen_addresses=127.0.0.1 -p " + Port + " -k " + _folder + " -c fsync=off", "start");
        }

        public int Port { get; }

        /// <summary>False where no PostgreSQL is installed (the tests that need it are skipped then).</summary>
        public bool Available { get; }

        private string Data => Path.Combine(_folder, "data");

        /// <summary>A new, empty database on the server; its connection string.</summary>
        public string NewDatabase()
        {
            string name = "ledger_" + System.Threading.Interlocked.Increment(ref _databases);
            RunPg("psql", "-h", "127.0.0.1", "-p", Port.ToString(), "-U", "rlm", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", "CREATE DATABASE " + name);
            return "Host=127.0.0.1;Port=" + Port + ";Username=rlm;Database=" + name + ";Pooling=false";
        }

        public void Dispose()
        {
            if (!Available) { return; }
            try { RunPg("pg_ctl", "-D", Data, "-m", "immediate", "-w", "stop"); }
            catch (InvalidOperationException) { }
            try { Directory.Delete(_folder, recursive: true); }
            catch (IOException) { }
        }

        internal static string? FindBin()
        {
            const string debian = "/usr/lib/postgresql";
            if (Directory.Exists(debian))
            {
                string? newest = Directory.GetDirectories(debian)
                    .Where(d => File.Exists(Path.Combine(d, "bin", "initdb")))
                    .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out int v) ? v : 0)
                    .FirstOrDefault();
                if (newest is not null) { return Path.Combine(newest, "bin"); }
            }
            foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
            {
                if (dir.Length > 0 && File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl"))) { return dir; }
            }
            return null;
        }

        private void RunPg(string tool, params string[] args)
        {
            string exe = Path.Combine(_bin, tool);
            if (_asNobody) { Run("runuser", new[] { "-u", "nobody", "--", exe }.Concat(args).ToArray()); }
            else { Run(exe, args); }
        }

        private static void Run(string file, params string[] args)
        {
            var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
            foreach (string a in args) { psi.ArgumentList.Add(a); }
            using Process p = Process.Start(psi)!;
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(180_000)) { p.Kill(true); throw new InvalidOperationException(file + " did not finish"); }
            if (p.ExitCode != 0) { throw new InvalidOperationException(file + " " + string.Join(" ", args) + " failed: " + stdout.Result + stderr.Result); }
        }

        private static int FreePort()
        {
            var l = new TcpListener(IPAddress.Loopback, 0);
            l.Start();
            int port = ((IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }
    }

    /// <summary>A fact skipped, with its reason shown, only where no PostgreSQL binaries exist (.ci/run installs them).</summary>
    public sealed class PostgresFactAttribute : FactAttribute
    {
        internal const string Missing = "PostgreSQL is not installed (no initdb under /usr/lib/postgresql/*/bin or on PATH; .ci/run installs the postgresql package): the PostgreSQL ledger tests are skipped.";

        public PostgresFactAttribute()
        {
            if (OperatingSystem.IsWindows() || PostgresServer.FindBin() is null) { Skip = Missing; }
        }
    }
}
