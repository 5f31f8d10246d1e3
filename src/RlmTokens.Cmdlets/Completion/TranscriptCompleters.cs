using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using RlmTokens.Agents;
using RlmTokens.Completion;

namespace RlmTokens.Cmdlets.Completion
{
    /// <summary>
    /// Base of the completers read from Claude Code's transcripts: the projects folders of -TranscriptRoot as typed
    /// (home folders, Claude config folders or projects folders), else ~/.claude, ~/.config/claude and $env:CLAUDE_CONFIG_DIR.
    /// </summary>
    public abstract class TranscriptCompleter : NameCompleter
    {
        protected sealed override IEnumerable<string> Names(string parameterName, IDictionary bound)
        {
            var locations = new AgentLocations
            {
                Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ClaudeConfigDir = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"),
            };
            foreach (string root in BoundPaths(bound, "TranscriptRoot")) { locations.Roots.Add(root); }
            return Candidates(locations.FoldersOf(AgentKind.Claude));
        }

        /// <summary>The names to offer from the given projects folders.</summary>
        protected abstract IEnumerable<string> Candidates(IReadOnlyList<string> projectRoots);
    }

    /// <summary>Project names: Claude Code's project folders (the names report rows show and -Project matches).</summary>
    public sealed class ProjectNameCompleter : TranscriptCompleter
    {
        protected override IEnumerable<string> Candidates(IReadOnlyList<string> projectRoots) => WorkspaceNames.Projects(projectRoots);
    }

    /// <summary>Session ids of Claude Code's transcripts (their file names).</summary>
    public sealed class TranscriptSessionCompleter : TranscriptCompleter
    {
        protected override IEnumerable<string> Candidates(IReadOnlyList<string> projectRoots) => WorkspaceNames.TranscriptSessions(projectRoots);
    }
}
