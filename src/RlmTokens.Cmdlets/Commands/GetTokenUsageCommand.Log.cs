using System.Collections.Generic;
using System.Management.Automation;
using RlmTokens.Capture;
using RlmTokens.Completion;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Get-TokenUsage -Log: the records of RLM/progress/token-usage.log (token-tracker.sh's stream and
    /// Add-TokenUsage's records), or their sums per branch, agent, task, model, tool or day (-GroupBy).
    /// </summary>
    [OutputType(typeof(TokenUsageLogRecord), ParameterSetName = new[] { LogSet })]
    [OutputType(typeof(TokenUsageLogGroup), ParameterSetName = new[] { LogSet })]
    public sealed partial class GetTokenUsageCommand
    {
        private const string LogSet = "Log";

        /// <summary>Read the token log (RLM/progress/token-usage.log) instead of the session files.</summary>
        [Parameter(Mandatory = true, ParameterSetName = LogSet)]
        public SwitchParameter Log { get; set; }

        private void WriteLog()
        {
            var log = new TokenUsageLog(Tracker);
            Outcome<IReadOnlyList<TokenUsageLogRecord>> records = log.Read();
            WriteProblems(records);
            if (records.Value.Count == 0 && records.Problems.Count == 0)
            {
                string file = log.LogFile;
                WriteWarning(string.Format(System.Globalization.CultureInfo.CurrentCulture,
                    System.IO.File.Exists(file) ? Resources.Strings.LogEmpty : Resources.Strings.LogMissing, file));
            }
            if (_grouping is UsageGrouping grouping && UsageGroupings.TryLogGrouping(grouping, out LogGrouping by))
            {
                foreach (TokenUsageLogGroup group in TokenUsageLog.Group(records.Value, by, Tracker.Workspace.Root))
                {
                    WriteGroupRow(group, group.GroupBy.ToString());
                }
                return;
            }
            foreach (TokenUsageLogRecord record in records.Value)
            {
                WriteObject(record);
            }
        }
    }
}
