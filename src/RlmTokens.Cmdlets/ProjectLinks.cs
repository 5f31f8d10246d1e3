namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// The project's addresses for the cmdlets' HelpUri attributes. <see cref="Home"/> equals the ProjectUri property of
    /// Directory.Build.props (a test checks it), from which the manifest and the help's online links are derived too.
    /// </summary>
    internal static class ProjectLinks
    {
        /// <summary>The project's home.</summary>
        public const string Home = "https://github.com/rlmtokens/RlmTokens";

        /// <summary>The folder of the help pages: a cmdlet's page is this followed by <c>&lt;Verb-Noun&gt;.md</c>.</summary>
        public const string HelpPages = Home + "/blob/main/docs/help/";
    }
}
