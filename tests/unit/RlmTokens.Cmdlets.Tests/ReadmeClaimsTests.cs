using System.IO;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>What README.md says happens is what happens.</summary>
    public sealed class ReadmeClaimsTests
    {
        private const string EmptyPipe = "An empty pipe element is not allowed.";

        [Fact]
        public void DoubleQuotedHookCommand_ShouldFailWithTheParserErrorTheTroubleshootingTableNames()
        {
            using var ws = new TempWorkspace();
            string pwsh = "dotnet '" + Repo.ShellDll + "' -NoProfile -NonInteractive";
            // The mistake the table describes: the -Command text in double quotes, so bash expands $input (unset) to nothing.
            string command = pwsh + " -Command \"Import-Module '" + Repo.Manifest + "'; $input | Add-TokenEstimate\"";

            ShellProcess.Result r = ShellProcess.RunBash(command, ws.Root,
                stdin: "{\"session_id\":\"s\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}");

            Assert.Equal(1, r.ExitCode);
            Assert.Contains(EmptyPipe, r.Stderr + r.Stdout);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            Assert.Contains(EmptyPipe, File.ReadAllText(Path.Combine(Repo.Root, "README.md")));
        }
    }
}
