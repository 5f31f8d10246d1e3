using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Pricing;
using RlmTokens.Storage;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// Where transcripts and the cache are: the inputs the cmdlet gathers from the environment, passed
    /// in so that nothing here reads the home folder or environment variables.
    /// </summary>
    public sealed class TranscriptLocations
    {
        /// <summary>Explicit roots (a Claude config folder or a projects folder); when set, the defaults are not used.</summary>
        public IList<string> Roots { get; } = new List<string>();

        /// <summary>The user's home folder (for ~/.claude and ~/.config/claude).</summary>
        public string? Home { get; set; }

        /// <summary>The value of $CLAUDE_CONFIG_DIR (comma-separated folders).</summary>
        public string? ClaudeConfigDir { get; set; }

        /// <summary>The cache folder, or null for no cache.</summary>
        public string? CacheFolder { get; set; }

        /// <summary>The projects folders to read.</summary>
        public IReadOnlyList<string> ProjectRoots()
        {
            if (Roots.Count == 0) { return TranscriptDiscovery.DefaultProjectRoots(Home, ClaudeConfigDir); }
            List<string> list = new List<string>();
            foreach (string r in Roots) { list.Add(TranscriptDiscovery.ResolveRoot(r)); }
            return list;
        }
    }

    /// <summary>Entry points the cmdlets use: effective prices of a workspace, warnings of a read.</summary>
    public static class TranscriptUsage
    {
        /// <summary>
        /// The effective price table: built-in, then <paramref name="priceFile"/>, then costPerToken of the
        /// workspace's project-config.json (when there is one). A broken config is a problem, not fatal.
        /// </summary>
        public static Outcome<PriceTable> LoadPrices(Workspace? workspace, string? priceFile)
        {
            List<RlmTokensException> problems = new List<RlmTokensException>();
            IDictionary<string, decimal>? costPerToken = null;
            if (workspace is not null && File.Exists(workspace.ConfigFile))
            {
                try
                {
                    ProjectConfigFile? config = new JsonFileStore(SystemClock.Instance, TimeSpan.FromSeconds(1)).Read(workspace.ConfigFile, RlmJsonContext.Files.ProjectConfigFile);
                    costPerToken = config?.TokenTracking?.CostPerToken;
                }
                catch (RlmTokensException e)
                {
                    problems.Add(e);
                }
            }
            return new Outcome<PriceTable>(PriceTable.Create(priceFile, costPerToken, costPerToken is null ? null : workspace!.ConfigFile), problems);
        }

        /// <summary>The warnings a read and a report deserve: malformed lines, unreadable files, unpriced models.</summary>
        public static IReadOnlyList<string> Warnings(TranscriptReadResult read, TranscriptReportResult? report)
        {
            List<string> warnings = new List<string>();
            if (read.MalformedLines > 0)
            {
                warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.TranscriptMalformedLines, read.MalformedLines, read.FirstMalformedLocation));
            }
            foreach (string f in read.UnreadableFiles)
            {
                warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.TranscriptUnreadable, f));
            }
            foreach (string f in read.NotRegularFiles)
            {
                warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.TranscriptNotRegularFile, f, SafeFiles.Describe(NativeFiles.TargetKindOf(f))));
            }
            if (report is not null) { warnings.AddRange(ReportWarnings(report)); }
            return warnings;
        }

        /// <summary>
        /// The warnings of a report: models without a price; each -Project pattern that matches no project, with the
        /// wildcard form to try and the projects there are.
        /// </summary>
        public static IReadOnlyList<string> ReportWarnings(TranscriptReportResult report)
        {
            if (report is null) { return Array.Empty<string>(); }
            List<string> warnings = new List<string>();
            if (report.UnknownModels.Count > 0)
            {
                warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.UnknownModelPrice, string.Join(", ", report.UnknownModels)));
            }
            foreach (string pattern in report.UnmatchedProjects)
            {
                const int Shown = 10;
                string projects = report.Projects.Count == 0 ? "-"
                    : string.Join(", ", report.Projects.Take(Shown)) + (report.Projects.Count > Shown ? ", ..." : "");
                bool hasWildcard = pattern.IndexOfAny(new[] { '*', '?' }) >= 0;
                warnings.Add(hasWildcard
                    ? string.Format(CultureInfo.CurrentCulture, Resources.Messages.ProjectPatternMatchesNothing, pattern, report.Projects.Count, projects)
                    : string.Format(CultureInfo.CurrentCulture, Resources.Messages.ProjectMatchesNothing, pattern, "*" + pattern + "*", report.Projects.Count, projects));
            }
            return warnings;
        }
    }
}
