using System;
using System.Diagnostics;
using System.IO;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Another OS process (rlm-pwsh) that opens a file with the given sharing and keeps it open until
    /// killed: a writer holding the folder lock (FileShare.None), or a reader holding a data file.
    /// </summary>
    public sealed class LockHolder : IDisposable
    {
        private readonly Process _process;

        private LockHolder(Process process) => _process = process;

        /// <summary>Holds <c>RLM/progress/token-usage/.rlmtokens.lock</c> exclusively, as a writer does.</summary>
        public static LockHolder HoldFolderLock(string tokenUsageFolder) =>
            Open(Path.Combine(tokenUsageFolder, ".rlmtokens.lock"), "OpenOrCreate", "ReadWrite", "None");

        /// <summary>Opens <paramref name="path"/> and waits until the process says it holds it.</summary>
        public static LockHolder Open(string path, string mode, string access, string share)
        {
            string script = "$s = [System.IO.File]::Open(" + ShellProcess.Quote(path) + ", '" + mode + "', '" + access + "', '" + share + "'); "
                + "[Console]::Out.WriteLine('held'); [Console]::Out.Flush(); Start-Sleep -Seconds 600";
            Process p = ShellProcess.Start(script, Path.GetTempPath());
            string? line = p.StandardOutput.ReadLine();
            if (line != "held")
            {
                string err = p.StandardError.ReadToEnd();
                try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                p.Dispose();
                throw new InvalidOperationException("The lock holder did not start: " + line + " " + err);
            }
            return new LockHolder(p);
        }

        public int ProcessId => _process.Id;

        /// <summary>SIGKILL (TerminateProcess on Windows): the holder gets no chance to clean up.</summary>
        public void Kill()
        {
            if (!_process.HasExited) { _process.Kill(); }
            _process.WaitForExit();
        }

        public void Dispose()
        {
            try { Kill(); } catch (InvalidOperationException) { }
            _process.Dispose();
        }
    }
}
