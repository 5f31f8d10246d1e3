using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using RlmTokens.Storage;

namespace RlmTokens.Cmdlets.Completion
{
    /// <summary>
    /// Base of the completers of open sets: finds the workspace the command line names (-Path, else
    /// $env:CLAUDE_PROJECT_DIR, else the current location), matches <c>word*</c> case-insensitively,
    /// quotes names with spaces, and never throws.
    /// </summary>
    public abstract class WorkspaceCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                Workspace? workspace = Locate(fakeBoundParameters);
                if (workspace is null) { return Array.Empty<CompletionResult>(); }
                return Candidates(workspace)
                    .Where(c => !string.IsNullOrEmpty(c) && c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
                    .Distinct(StringComparer.OrdinalIgnoreCase)
                    .OrderBy(c => c, StringComparer.OrdinalIgnoreCase)
                    .Select(c => new CompletionResult(Quote(c), c, CompletionResultType.ParameterValue, c))
                    .ToList();
            }
            catch (Exception)
            {
                // A completer must never break the prompt.
                return Array.Empty<CompletionResult>();
            }
        }

        /// <summary>The names to offer, read cheaply from the workspace.</summary>
        protected abstract IEnumerable<string> Candidates(Workspace workspace);

        private static Workspace? Locate(IDictionary bound)
        {
            string? root = null;
            PathIntrinsics? paths = Runspace.DefaultRunspace?.SessionStateProxy?.Path;
            object? given = bound?["Path"] ?? bound?["WorkspaceRoot"];
            if (given is string p && p.Length > 0)
            {
                root = paths is null ? p : paths.GetUnresolvedProviderPathFromPSPath(p);
            }
            else if (Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is string env && env.Length > 0)
            {
                root = env;
            }
            else
            {
                root = paths?.CurrentFileSystemLocation?.ProviderPath;
            }
            return root is not null && Directory.Exists(root) ? new Workspace(root) : null;
        }

        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0
                ? "'" + value.Replace("'", "''") + "'"
                : value;
    }

    /// <summary>Session ids: the open session, archived sessions, captured costs.</summary>
    public sealed class SessionIdCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace)
        {
            if (!Directory.Exists(workspace.TokenUsageFolder)) { yield break; }
            foreach (string file in Directory.EnumerateFiles(workspace.TokenUsageFolder, "*.json"))
            {
                string name = Path.GetFileNameWithoutExtension(file);
                if (name.StartsWith("cost-", StringComparison.Ordinal)) { yield return name.Substring(5); }
                else if (name.StartsWith("SESSION-", StringComparison.Ordinal)) { yield return name; }
            }
            var tracker = new TokenTracker(workspace);
            string? current = tracker.GetSessionSummaryOrNull()?.SessionId;
            if (current is not null) { yield return current; }
        }
    }

    /// <summary>Subagent types: RLM's table, the configured ones, and those already recorded.</summary>
    public sealed class SubagentTypeCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace)
        {
            var tracker = new TokenTracker(workspace);
            foreach (string type in tracker.LoadSettings().Value.SubagentTokens.Keys) { yield return type; }
        }
    }
}
