namespace RlmTokens.Errors
{
    /// <summary>A Claude Code settings file is JSON but its "hooks" are not the shape Claude Code reads.</summary>
    public sealed class InvalidHookSettingsException : RlmTokensException
    {
        public InvalidHookSettingsException(string path, string detail)
            : base("InvalidHookSettings", path, Format(Resources.Messages.InvalidHookSettings, path, detail)) =>
            RecommendedAction = Resources.Messages.InvalidHookSettingsAction;
    }
}
