using System;
using System.Data.Common;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;
using RlmTokens.Errors;

namespace RlmTokens.Ledger
{
    /// <summary>
    /// Loads the database drivers (Microsoft.Data.Sqlite with its native e_sqlite3, Npgsql) from the
    /// module's ledger/ folder into their own <see cref="AssemblyLoadContext"/>, on first use only: a
    /// session that never touches a ledger loads none of them, and another module's copy of Npgsql or
    /// Microsoft.Extensions.* in the same PowerShell session never meets ours. Only the framework's
    /// <see cref="DbConnection"/> crosses the boundary.
    /// </summary>
    public static class LedgerDrivers
    {
        /// <summary>The drivers' folder name beside RlmTokens.Core.dll.</summary>
        public const string FolderName = "ledger";

        private const string DriverAssembly = "RlmTokens.Ledger.Drivers";
        private static readonly object s_gate = new object();
        private static MethodInfo? s_create;
        private static string? s_folder;

        /// <summary>The folder the drivers load from: ledger/ beside this assembly unless set (tests).</summary>
        public static string Folder
        {
            get => s_folder ?? Path.Combine(Path.GetDirectoryName(typeof(LedgerDrivers).Assembly.Location) ?? ".", FolderName);
            set { lock (s_gate) { if (s_create is null) { s_folder = value; } } }
        }

        /// <summary>True once the drivers' load context exists (Import-Module alone must leave it false).</summary>
        public static bool Loaded => s_create is not null;

        /// <summary>An unopened connection of the engine.</summary>
        public static DbConnection Create(LedgerEngine engine, string connectionString)
        {
            MethodInfo create = Factory();
            try
            {
                return (DbConnection)create.Invoke(null, new object[] { engine == LedgerEngine.Sqlite ? "sqlite" : "postgresql", connectionString })!;
            }
            catch (TargetInvocationException e) when (e.InnerException is ArgumentException a)
            {
                throw new LedgerConnectionException(Redact(connectionString), a.Message, a);
            }
        }

        private static MethodInfo Factory()
        {
            lock (s_gate)
            {
                if (s_create is not null) { return s_create; }
                string folder = Folder;
                string path = Path.Combine(folder, DriverAssembly + ".dll");
                if (!File.Exists(path)) { throw new LedgerDriversMissingException(folder); }
                var context = new DriverLoadContext(folder);
                Assembly assembly = context.LoadFromAssemblyPath(path);
                s_create = assembly.GetType(DriverAssembly + ".DriverFactory", throwOnError: true)!.GetMethod("Create", BindingFlags.Public | BindingFlags.Static)!;
                return s_create;
            }
        }

        /// <summary>A connection string with its password replaced, fit for messages and error targets.</summary>
        public static string Redact(string connectionString)
        {
            var builder = new DbConnectionStringBuilder();
            try { builder.ConnectionString = connectionString; }
            catch (ArgumentException) { return "(unparsable connection string)"; }
            foreach (string key in new[] { "Password", "Pwd" })
            {
                if (builder.ContainsKey(key)) { builder[key] = "***"; }
            }
            return builder.ConnectionString;
        }

        /// <summary>The runtime identifiers to look for native libraries under, most specific first.</summary>
        internal static string[] NativeRids()
        {
            string arch = RuntimeInformation.ProcessArchitecture switch
            {
                Architecture.X64 => "x64",
                Architecture.X86 => "x86",
                Architecture.Arm64 => "arm64",
                Architecture.Arm => "arm",
                _ => RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant(),
            };
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return new[] { "win-" + arch }; }
            if (RuntimeInformation.IsOSPlatform(OSPlatform.OSX)) { return new[] { "osx-" + arch, "osx" }; }
            bool musl = Directory.Exists("/lib") && Directory.GetFiles("/lib", "ld-musl-*.so.1").Length > 0;
            return musl ? new[] { "linux-musl-" + arch, "linux-" + arch } : new[] { "linux-" + arch };
        }

        /// <summary>The file names a native library's simple name has on this platform.</summary>
        internal static string[] NativeFileNames(string name)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return new[] { name + ".dll", name }; }
            string ext = RuntimeInformation.IsOSPlatform(OSPlatform.OSX) ? ".dylib" : ".so";
            return new[] { "lib" + name + ext, name + ext, name };
        }

        private sealed class DriverLoadContext : AssemblyLoadContext
        {
            private readonly string _folder;

            public DriverLoadContext(string folder) : base("RlmTokens.Ledger", isCollectible: false) => _folder = folder;

            protected override Assembly? Load(AssemblyName name)
            {
                // Our copies of the drivers and their helpers; everything else (the framework, so DbConnection
                // itself) from the default context.
                string path = Path.Combine(_folder, name.Name + ".dll");
                return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
            }

            protected override IntPtr LoadUnmanagedDll(string unmanagedDllName)
            {
                foreach (string rid in NativeRids())
                {
                    foreach (string file in NativeFileNames(unmanagedDllName))
                    {
                        string path = Path.Combine(_folder, "runtimes", rid, "native", file);
                        if (File.Exists(path)) { return LoadUnmanagedDllFromPath(path); }
                    }
                }
                return IntPtr.Zero;
            }
        }
    }
}
