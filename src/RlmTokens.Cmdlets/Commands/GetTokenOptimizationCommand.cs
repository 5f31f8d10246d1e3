using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Optimization;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Turns a workspace's token data into findings with evidence (tokens per task per agent with RLM's
    /// rating, tasks above target, low cache reads, expensive models on small turns, frequent compactions,
    /// estimate-vs-exact variance): the replacement for token-tracker.sh optimize.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenOptimization", HelpUri = ProjectLinks.HelpPages + "Get-TokenOptimization.md")]
    [OutputType(typeof(TokenOptimizationFinding))]
    public sealed class GetTokenOptimizationCommand : RlmTokensCmdlet
    {
        /// <summary>Only these rules (default: all).</summary>
        [Parameter(Position = 0)]
        public OptimizationRule[]? Rule { get; set; }

        /// <summary>Only findings at least this severe (default: Info, everything).</summary>
        [Parameter]
        public FindingSeverity MinimumSeverity { get; set; } = FindingSeverity.Info;

        /// <summary>The per-task target in tokens (RLM: 20,000).</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long TaskTarget { get; set; } = 20000;

        /// <summary>Turns below this many tokens are small.</summary>
        [Parameter]
        [ValidateRange(1, long.MaxValue)]
        public long SmallTurnTokens { get; set; } = 2000;

        /// <summary>Wildcard patterns of expensive models (default: *opus*).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string[] ExpensiveModel { get; set; } = { "*opus*" };

        /// <summary>A session with at least this many compactions is reported.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int MaxCompactions { get; set; } = 3;

        /// <summary>Sessions reading a smaller share of their input from the prompt cache are reported.</summary>
        [Parameter]
        [ValidateRange(0.0, 1.0)]
        public double MinCacheReadShare { get; set; } = 0.5;

        /// <summary>A relative difference between estimate and exact figure above this is reported (0.25 = 25 %).</summary>
        [Parameter]
        [ValidateRange(0.0, double.MaxValue)]
        public double MaxVariance { get; set; } = 0.25;

        /// <summary>Claude Code transcript folders (a config folder holding projects/, or a projects folder) for the exact rules; off by default.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>The incremental transcript cache folder. Default: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local application data folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full and leave the cache alone.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        protected override void ProcessRecord()
        {
            var settings = new OptimizationSettings
            {
                TaskTarget = TaskTarget,
                SmallTurnTokens = SmallTurnTokens,
                ExpensiveModels = ExpensiveModel,
                MaxCompactions = MaxCompactions,
                MinCacheReadShare = MinCacheReadShare,
                MaxVariance = MaxVariance,
            };
            Outcome<OptimizationInput> gathered;
            try
            {
                gathered = OptimizationAnalyzer.Gather(Tracker, TranscriptRoots.Source(this, Tracker.Workspace, TranscriptRoot, TranscriptCacheFolder(CacheFolder, NoCache)));
            }
            catch (RlmTokensException e)
            {
                WriteError(ErrorRecords.From(e));
                return;
            }
            WriteProblems(gathered);
            var rules = new HashSet<OptimizationRule>(Rule ?? (OptimizationRule[])Enum.GetValues(typeof(OptimizationRule)));
            int written = 0;
            foreach (TokenOptimizationFinding finding in OptimizationAnalyzer.Analyze(gathered.Value, settings, Tracker.Workspace.Root))
            {
                if (!rules.Contains(finding.Rule) || finding.Severity < MinimumSeverity) { continue; }
                WriteObject(finding);
                written++;
            }
            if (written == 0)
            {
                WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.NoOptimizationFindings, Tracker.Workspace.Root));
            }
        }
    }
}
