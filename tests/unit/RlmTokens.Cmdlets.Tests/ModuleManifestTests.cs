using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>The source manifest is a valid manifest; the version lives in Directory.Build.props; the repository's entry points and release notes are in place.</summary>
    public sealed class ModuleManifestTests
    {
        private static string PropsVersion() =>
            Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props")), "<ModuleVersion>([^<]+)</ModuleVersion>").Groups[1].Value;

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public void TestModuleManifest_InRlmPwsh_ShouldPassWithTheVersionAndProjectUriOfDirectoryBuildProps(bool source)
        {
            // The source manifest byte for byte, beside the built files its RootModule and FormatsToProcess name (Test-ModuleManifest
            // requires them); or the staged manifest in out/RlmTokens.
            using var folder = new TempWorkspace(withRlm: false);
            string manifest = Path.Combine(Repo.ModuleFolder, "RlmTokens.psd1");
            if (source)
            {
                folder.CopyFrom(Repo.ModuleFolder);
                manifest = folder.PathOf("RlmTokens.psd1");
                File.Copy(Path.Combine(Repo.Root, "module", "RlmTokens.psd1"), manifest, overwrite: true);
            }

            ShellProcess.Result r = ShellProcess.Run(
                "$m = Test-ModuleManifest -Path " + ShellProcess.Quote(manifest) + " -ErrorAction Stop; "
                + "$m.Version.ToString(); $m.ExportedCmdlets.Count; $m.PrivateData.PSData.ReleaseNotes; $m.ProjectUri.OriginalString; $m.HelpInfoUri", Repo.Root);

            Assert.True(r.ExitCode == 0 && r.Stderr.Trim().Length == 0, "Test-ModuleManifest failed: " + r.Stderr + r.Stdout);
            string[] lines = r.Stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).ToArray();
            Assert.Equal(PropsVersion(), lines[0]);
            Assert.Equal(HelpDocs.ExportedCmdlets().Count(), int.Parse(lines[1]));
            Assert.Contains("CHANGELOG.md", lines[2]);
            Assert.Equal(OnlineHelpTests.Home(), lines[3]);
            Assert.Equal(OnlineHelpTests.Home() + "/releases/latest/download/", lines[4]);
        }

        [Fact]
        public void Changelog_ShouldExistInKeepAChangelogForm_WithTheCurrentVersion()
        {
            string text = File.ReadAllText(Path.Combine(Repo.Root, "CHANGELOG.md"));

            Assert.StartsWith("# Changelog", text);
            Assert.Contains("## [Unreleased]", text);
            Assert.Matches(new Regex(@"^## \[" + Regex.Escape(PropsVersion()) + @"\] - \d{4}-\d{2}-\d{2}$", RegexOptions.Multiline), text);
        }

        [Fact]
        public void BuildScript_ShouldStartWithAPwshShebangAndBeExecutable()
        {
            string path = Path.Combine(Repo.Root, "build.ps1");

            Assert.Equal("#!/usr/bin/env pwsh", File.ReadLines(path).First());
            if (!System.OperatingSystem.IsWindows())
            {
                Assert.True((File.GetUnixFileMode(path) & UnixFileMode.UserExecute) != 0, "build.ps1 is not executable");
            }
        }
    }
}
