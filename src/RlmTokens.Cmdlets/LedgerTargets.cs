using System;
using System.Management.Automation;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Ledger;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// The ledger a cmdlet works on: -ConnectionString (PostgreSQL), else -Ledger (a SQLite file resolved
    /// through PowerShell's location), else $env:RLMTOKENS_LEDGER_CONNECTION, else $env:RLMTOKENS_LEDGER.
    /// </summary>
    internal static class LedgerTargets
    {
        public const string LedgerVariable = "RLMTOKENS_LEDGER";
        public const string ConnectionVariable = "RLMTOKENS_LEDGER_CONNECTION";

        /// <summary>The ledger named, or null when neither a parameter nor an environment variable names one.</summary>
        public static LedgerTarget? Resolve(PSCmdlet cmdlet, string? ledger, string? connectionString)
        {
            // The drivers ship in the module folder, beside this assembly (Core may have been loaded from elsewhere by a host).
            LedgerDrivers.Folder = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(typeof(LedgerTargets).Assembly.Location) ?? ".", LedgerDrivers.FolderName);
            if (ledger is not null && connectionString is not null)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("LedgerAmbiguous", ErrorCategory.InvalidArgument, ledger, Strings.LedgerAmbiguous));
            }
            if (connectionString is not null) { return LedgerTarget.PostgreSql(connectionString); }
            if (ledger is not null) { return LedgerTarget.Sqlite(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(ledger)); }
            string? envConnection = Environment.GetEnvironmentVariable(ConnectionVariable);
            if (!string.IsNullOrEmpty(envConnection)) { return LedgerTarget.PostgreSql(envConnection!); }
            string? envLedger = Environment.GetEnvironmentVariable(LedgerVariable);
            if (!string.IsNullOrEmpty(envLedger)) { return LedgerTarget.Sqlite(cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(envLedger)); }
            return null;
        }

        /// <summary>Ends the cmdlet when no ledger is named.</summary>
        public static LedgerTarget RequireOrStop(PSCmdlet cmdlet, string? ledger, string? connectionString)
        {
            LedgerTarget? target = Resolve(cmdlet, ledger, connectionString);
            if (target is null)
            {
                cmdlet.ThrowTerminatingError(ErrorRecords.Create("LedgerNotSpecified", ErrorCategory.InvalidArgument, null, Strings.LedgerNotSpecified));
            }
            return target!;
        }
    }
}
