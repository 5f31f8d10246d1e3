using System;
using System.IO;
using System.Management.Automation.Runspaces;

namespace RlmTokens.Shell
{
    /// <summary>pwsh's console host, started with pwsh's own argument parser.</summary>
    internal static class Program
    {
        private static int Main(string[] args)
        {
            // Pester's manifest path, for scripts that run the specs without a PowerShell Gallery.
            string pester = Path.Combine(AppContext.BaseDirectory, "pester-path.txt");
            if (File.Exists(pester) && Environment.GetEnvironmentVariable("RLMTOKENS_PESTER") is null)
            {
                Environment.SetEnvironmentVariable("RLMTOKENS_PESTER", File.ReadAllText(pester).Trim());
            }
            return Microsoft.PowerShell.ConsoleShell.Start(InitialSessionState.CreateDefault2(), string.Empty, string.Empty, args);
        }
    }
}
