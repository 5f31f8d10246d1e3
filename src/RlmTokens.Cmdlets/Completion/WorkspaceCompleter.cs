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
            PathIntrinsics? paths = CurrentPaths();
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

        /// <summary>
        /// The session's path intrinsics. A completer runs on the pipeline thread while the runspace is
        /// busy, where Runspace.SessionStateProxy throws ("A pipeline is already running"); a script
        /// block invoked on that thread reaches the same session state.
        /// </summary>
        private static PathIntrinsics? CurrentPaths()
        {
            if (Runspace.DefaultRunspace is null) { return null; }
            foreach (PSObject result in ScriptBlock.Create("$ExecutionContext.SessionState.Path").Invoke())
            {
                if (result?.BaseObject is PathIntrinsics paths) { return paths; }
            }
            return null;
        }

        private static string Quote(string value) =>
            value.IndexOfAny(new[] { ' ', '\'', '"', '$', '`', '(', ')', '{', '}', ';', ',', '&', '@', '#' }) >= 0
                ? "'" + value.Replace("'", "''") + "'"
                : value;
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

    /// <summary>Models: those priced in project-config.json (tokenTracking.costPerToken).</summary>
    public sealed class ModelCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) => WorkspaceNames.Models(workspace);
    }

    /// <summary>Agents: the subagent types of the estimation table and the agents the open session called.</summary>
    public sealed class AgentCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) =>
            WorkspaceNames.Agents(workspace, new TokenTracker(workspace).LoadSettings().Value.SubagentTokens.Keys);
    }

    /// <summary>Task ids: the open session's tasks and TASK-*.md files under RLM/tasks.</summary>
    public sealed class TaskIdCompleter : WorkspaceCompleter
    {
        protected override IEnumerable<string> Candidates(Workspace workspace) => WorkspaceNames.TaskIds(workspace);
    }
}
