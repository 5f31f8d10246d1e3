namespace RlmTokens
{
    /// <summary>
    /// Which cost a transcript report gives a response (Get-TokenUsage -Transcript -CostMode; ccusage's --mode).
    /// Older Claude Code versions wrote the response's cost on its line (costUSD); current ones do not.
    /// </summary>
    public enum CostMode
    {
        /// <summary>Always from the tokens and the price table (the default; the status line and the monitor always calculate).</summary>
        Calculate = 0,

        /// <summary>The line's costUSD where it has one, else calculated from the tokens.</summary>
        Auto,

        /// <summary>Only the line's costUSD: a response without one has an unknown cost.</summary>
        Display,
    }

    /// <summary>Where the cost of a transcript report row comes from.</summary>
    public enum CostPrecision
    {
        /// <summary>Calculated from the tokens and the price table.</summary>
        Calculated = 0,

        /// <summary>The costUSD the transcript lines carry.</summary>
        Logged,

        /// <summary>Some responses' costUSD, the others calculated.</summary>
        Mixed,

        /// <summary>No response of the row has a cost (Display mode without costUSD, or no price).</summary>
        Unknown,
    }
}
