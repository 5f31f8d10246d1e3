using System.Management.Automation;
using RlmTokens.Errors;
using RlmTokens.Usage;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Sums the usage rows piped to it (any Get-TokenUsage report, Import-SessionCost -PassThru, ...) into one
    /// RlmTokens.TokenUsageTotal: the total line of a report, kept out of the rows so exports never see it.
    /// </summary>
    [Cmdlet(VerbsDiagnostic.Measure, "TokenUsage", HelpUri = ProjectLinks.HelpPages + "Measure-TokenUsage.md")]
    [OutputType(typeof(TokenUsageTotal))]
    public sealed class MeasureTokenUsageCommand : PSCmdlet
    {
        private readonly UsageTotaler _totaler = new UsageTotaler();

        /// <summary>A usage row: an object with TotalTokens (and, where it has them, the other token counts, CostUsd and Precision).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        [AllowNull]
        public PSObject? InputObject { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject is null) { return; }
            PSObject row = InputObject;
            try
            {
                _totaler.Add(name => row.Properties[name] is not null, name => Unwrap(row.Properties[name]?.Value), row.BaseObject);
            }
            catch (RlmTokensException e) { WriteError(ErrorRecords.From(e)); }
        }

        protected override void EndProcessing() => WriteObject(_totaler.Total);

        private static object? Unwrap(object? value) => value is PSObject ps ? ps.BaseObject : value;
    }
}
