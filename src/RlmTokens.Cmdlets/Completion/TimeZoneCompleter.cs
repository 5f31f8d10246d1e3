using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace RlmTokens.Cmdlets.Completion
{
    /// <summary>Completes time zone ids (the system's list); never throws.</summary>
    public sealed class TimeZoneCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                return TimeZoneInfo.GetSystemTimeZones()
                    .Select(z => z.Id)
                    .Where(id => id.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .OrderBy(id => id, StringComparer.OrdinalIgnoreCase)
                    .Select(id => new CompletionResult(id.IndexOf(' ') >= 0 ? "'" + id + "'" : id, id, CompletionResultType.ParameterValue, id))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }

    /// <summary>Completes model names of the built-in price table; never throws.</summary>
    public sealed class ModelNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                return Pricing.PriceTable.BuiltIn.Prices
                    .Select(p => p.Model)
                    .Where(m => m.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Select(m => new CompletionResult(m, m, CompletionResultType.ParameterValue, m))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>();
            }
        }
    }
}
