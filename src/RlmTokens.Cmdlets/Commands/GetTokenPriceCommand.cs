using System;
using System.Collections.Generic;
using System.Globalization;
using System.Management.Automation;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Shows the effective price table: built-in list prices, overridden by a LiteLLM-format price
    /// file, then by costPerToken in the workspace's project-config.json.
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "TokenPrice", HelpUri = ProjectLinks.HelpPages + "Get-TokenPrice.md")]
    [OutputType(typeof(ModelPrice))]
    public sealed class GetTokenPriceCommand : RlmTokensCmdlet
    {
        private PriceTable? _table;

        /// <summary>Model names (wildcards). A plain name also matches its dated and provider-prefixed variants.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelNameCompleter))]
        public string[]? Model { get; set; }

        /// <summary>A LiteLLM-format price file (model_prices_and_context_window.json) that overrides the built-in prices.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PriceFile { get; set; }

        protected override void BeginProcessing()
        {
            try
            {
                string? file = PriceFile is null ? null : ResolveFilePath(PriceFile);
                Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(ExistingWorkspaceOrNull(), file);
                WriteProblems(prices);
                _table = prices.Value;
            }
            catch (RlmTokensException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }
        }

        protected override void ProcessRecord()
        {
            if (_table is null) { return; }
            if (Model is null || Model.Length == 0)
            {
                foreach (ModelPrice p in _table.Prices) { WriteObject(p); }
                return;
            }
            HashSet<string> written = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (string name in Model)
            {
                bool any = false;
                if (WildcardPattern.ContainsWildcardCharacters(name))
                {
                    WildcardPattern pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
                    foreach (ModelPrice p in _table.Prices)
                    {
                        if (pattern.IsMatch(p.Model))
                        {
                            any = true;
                            if (written.Add(p.Model)) { WriteObject(p); }
                        }
                    }
                    continue;
                }
                ModelPrice? found = _table.Find(name);
                if (found is not null)
                {
                    if (written.Add(found.Model)) { WriteObject(found); }
                    continue;
                }
                if (!any)
                {
                    WriteError(ErrorRecords.Create("ModelPriceNotFound", ErrorCategory.ObjectNotFound, name,
                        string.Format(CultureInfo.CurrentCulture, Strings.ModelPriceNotFound, name)));
                }
            }
        }
    }
}
