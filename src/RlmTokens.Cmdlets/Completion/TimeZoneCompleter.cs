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

    /// <summary>Completes -TokenLimit with Max (a number is typed); never throws.</summary>
    public sealed class TokenLimitCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return "Max".StartsWith(word, StringComparison.OrdinalIgnoreCase)
                ? new[] { new CompletionResult("Max", "Max", CompletionResultType.ParameterValue, "The largest past block's total") }
                : Array.Empty<CompletionResult>();
        }
    }

    /// <summary>Completes -Agent with the agents RlmTokens reads (Claude, Codex, Gemini, OpenCode).</summary>
    public sealed class AgentNameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return Enum.GetNames(typeof(AgentKind))
                .Where(n => n.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n))
                .ToList();
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
