namespace RlmTokens
{
    /// <summary>
    /// How Get-TokenUsage groups rows. Transcript reports (-Transcript) use Day, Week, Month, Session,
    /// Project, Model, Agent, Block, Branch and Cli; log reports use Branch, Agent, Task, Model and Tool; ledger
    /// reports (-Ledger) use User, Machine, Branch, Project, Agent, Model, Session, Day, Week and Month.
    /// </summary>
    public enum UsageGrouping
    {
        Day = 0,
        Week,
        Month,
        Session,
        Project,
        Model,
        Agent,

        /// <summary>5-hour billing windows as ccusage defines them.</summary>
        Block,
        Branch,
        Task,
        Tool,

        /// <summary>The coding agent the usage came from (Claude, Codex, Gemini, OpenCode); transcript reports only.</summary>
        Cli,

        /// <summary>The user a ledger row was synced as (ledger reports only).</summary>
        User,

        /// <summary>The machine a ledger row was synced from (ledger reports only).</summary>
        Machine,
    }
}
