using System;

namespace RlmTokens.Agents
{
    /// <summary>The names a user gives an agent (-Agent): the <see cref="AgentKind"/> names, and the ledger's labels.</summary>
    public static class AgentNames
    {
        /// <summary>Reads an agent's name, case-insensitively; Claude Code's ledger label claude-code is Claude.</summary>
        public static bool TryParse(string? name, out AgentKind kind)
        {
            kind = AgentKind.Claude;
            if (string.IsNullOrWhiteSpace(name)) { return false; }
            string n = name!.Trim();
            if (string.Equals(n, Ledger.LedgerRows.ClaudeCode, StringComparison.OrdinalIgnoreCase)) { return true; }
            foreach (AgentKind k in (AgentKind[])Enum.GetValues(typeof(AgentKind)))
            {
                if (string.Equals(n, k.ToString(), StringComparison.OrdinalIgnoreCase)) { kind = k; return true; }
            }
            return false;
        }

        /// <summary>The ledger's label for a name: an agent RlmTokens reads by its ledger label (Claude is claude-code, Codex is codex); any other name as given.</summary>
        public static string LedgerLabel(string name) =>
            TryParse(name, out AgentKind k) ? Ledger.LedgerRows.AgentLabel(k) : name;
    }
}
