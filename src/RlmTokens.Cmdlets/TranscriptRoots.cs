using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;
using RlmTokens.Usage;

namespace RlmTokens.Cmdlets
{
    /// <summary>-TranscriptRoot of Test-TokenBudget and Get-TokenOptimization: folders resolved through PowerShell's location.</summary>
    internal static class TranscriptRoots
    {
        /// <summary>
        /// The transcript source for the given roots, or null when none was given. A folder that does not
        /// exist is a terminating FileNotFound error; a broken price configuration is written as an error.
        /// The source reads through the incremental cache in <paramref name="cacheFolder"/> (null: none), so
        /// a second call rereads only the files that changed.
        /// </summary>
        public static TranscriptUsageSource? Source(PSCmdlet cmdlet, Workspace workspace, string[]? roots, string? cacheFolder)
        {
            if (roots is null || roots.Length == 0) { return null; }
            var locations = new TranscriptLocations();
            foreach (string root in roots)
            {
                string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(root);
                if (!Directory.Exists(full))
                {
                    cmdlet.ThrowTerminatingError(ErrorRecords.From(new DataFileNotFoundException(full)));
                }
                locations.Roots.Add(full);
            }
            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(workspace, null);
            foreach (RlmTokensException problem in prices.Problems) { cmdlet.WriteError(ErrorRecords.From(problem)); }
            return new TranscriptUsageSource(new List<string>(locations.ProjectRoots()), prices.Value, cacheFolder);
        }
    }
}
