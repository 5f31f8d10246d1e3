namespace RlmTokens.Errors
{
    /// <summary>
    /// A file where an agent keeps its sessions does not have a layout RlmTokens knows (an older or newer
    /// version of the agent): it is reported, never read as empty.
    /// </summary>
    public sealed class UnknownAgentFormatException : RlmTokensException
    {
        public UnknownAgentFormatException(AgentKind agent, string path, string detail)
            : base("UnknownAgentFormat", path, Format(Resources.Messages.UnknownAgentFormat, agent, path, detail))
        {
            Agent = agent;
            RecommendedAction = Resources.Messages.UnknownAgentFormatAction;
        }

        public AgentKind Agent { get; }
    }
}
