using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Management.Automation.Runspaces;
using RlmTokens.Completion;
using RlmTokens.Storage;

namespace RlmTokens.Cmdlets.Completion
{
    /// <summary>
    /// Base of the completers: offers the names <see cref="Names"/> gives for the command line as typed so far (its bound
    /// parameters), matching <c>word*</c> case-insensitively, quoting names that PowerShell would otherwise read as
    /// something else, and never throwing.
    /// </summary>
    public abstract class NameCompleter : IArgumentCompleter
    {
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
            CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                string word = (wordToComplete ?? string.Empty).Trim('\'', '"');
                return Names(parameterName, fakeBoundParameters ?? new Hashtable())
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

        /// <summary>The names to offer for <paramref name="parameterName"/> given the parameters bound so far.</summary>
        protected abstract IEnumerable<string> Names(string parameterName, IDictionary bound);

        /// <summary>Whether the command line names the parameter (a switch or a value).</summary>
        protected static bool IsBound(IDictionary bound, string name) => bound.Contains(name);

        /// <summary>A path parameter's values as typed (one string or several), resolved against PowerShell's location.</summary>
        protected static IEnumerable<string> BoundPaths(IDictionary bound, string name)
        {
            object? value = bound[name];
            if (value is PSObject wrapped) { value = wrapped.BaseObject; }
            IEnumerable<object?> items = value is string one ? new object?[] { one } : value is IEnumerable many ? many.Cast<object?>() : Enumerable.Empty<object?>();
            PathIntrinsics? paths = CurrentPaths();
            foreach (object? item in items)
            {
                string? text = (item is PSObject p ? p.BaseObject : item)?.ToString();
                if (string.IsNullOrEmpty(text)) { continue; }
                yield return paths is null ? text! : paths.GetUnresolvedProviderPathFromPSPath(text);
            }
        }

        /// <summary>
        /// The session's path intrinsics. A completer runs on the pipeline thread while the runspace is
        /// busy, where Runspace.SessionStateProxy throws ("A pipeline is already running"); a script
        /// block invoked on that thread reaches the same session state.
        /// </summary>
        protected static PathIntrinsics? CurrentPaths()
        {
            if (Runspace.DefaultRunspace is null) { return null; }
            foreach (PSObject result in ScriptBlock.Create("$ExecutionContext.SessionState.Path").Invoke())
            {
                if (result?.BaseObject is PathIntrinsics paths) { return paths; }
            }
            return null;
        }

        // Quoted where PowerShell would read the bare word as something else: spaces and special characters, and a
        // leading '-' (Claude's project folders, -home-dev-work-api, would bind as a parameter name).
        private static string Quote(string value) =>
            value.StartsWith("-", StringComparison.Ordinal)
            || value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#', '|', '<', '>' }) >= 0
                ? "'" + value.Replace("'", "''") + "'"
                : value;
    }

    /// <summary>
    /// Base of the completers of open sets read from a workspace: the one the command line names (-Path), else
    /// $env:CLAUDE_PROJECT_DIR, else the current location. No workspace, no names.
    /// </summary>
    public abstract class WorkspaceCompleter : NameCompleter
    {
        protected sealed override IEnumerable<string> Names(string parameterName, IDictionary bound)
        {
            Workspace? workspace = Locate(bound);
            return workspace is null ? Enumerable.Empty<string>() : Candidates(workspace);
        }

        /// <summary>The names to offer, read cheaply from the workspace.</summary>
        protected abstract IEnumerable<string> Candidates(Workspace workspace);

        private static Workspace? Locate(IDictionary bound)
        {
            string? root = BoundPaths(bound, "Path").Concat(BoundPaths(bound, "WorkspaceRoot")).FirstOrDefault();
            if (root is null && Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR") is string env && env.Length > 0)
            {
                root = env;
            }
            root ??= CurrentPaths()?.CurrentFileSystemLocation?.ProviderPath;
            return root is not null && Directory.Exists(root) ? new Workspace(root) : null;
        }
    }

    /// <summary>Session ids: the open session, archived sessions, captured costs.</summary>
    public sealed class SessionIdCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) => WorkspaceNames.SessionIds(workspace);
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

    /// <summary>Models: those priced in project-config.json (tokenTracking.costPerToken), in the built-in price table, and in the token log.</summary>
    public sealed class ModelCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) =>
            WorkspaceNames.Models(workspace)
                .Concat(Pricing.PriceTable.BuiltIn.Prices.Select(p => p.Model))
                .Concat(WorkspaceNames.FromLog(workspace).Models);
    }

    /// <summary>Agents: the subagent types of the estimation table, the agents the open session called and those of the token log.</summary>
    public sealed class AgentCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) =>
            WorkspaceNames.Agents(workspace, new TokenTracker(workspace).LoadSettings().Value.SubagentTokens.Keys)
                .Concat(WorkspaceNames.FromLog(workspace).Agents);
    }

    /// <summary>Task ids: the open session's tasks, TASK-*.md files under RLM/tasks, and the token log's tasks.</summary>
    public sealed class TaskIdCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) =>
            WorkspaceNames.TaskIds(workspace).Concat(WorkspaceNames.FromLog(workspace).Tasks);
    }
}
