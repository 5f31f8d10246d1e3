using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// The help every exported cmdlet ships (docs/help -> MAML in out/RlmTokens/en-US), checked through
    /// Get-Help in the hosted engine, and every example of every page run against a copy of samples/.
    /// Data-driven over the manifest and the pages, so new cmdlets and pages are covered as they land.
    /// </summary>
    public sealed class HelpTests : IClassFixture<HelpTests.SharedHost>
    {
        private readonly SharedHost _shared;

        public HelpTests(SharedHost shared) => _shared = shared;

        public sealed class SharedHost : IDisposable
        {
            public PowerShellHost Host { get; } = new PowerShellHost();

            public void Dispose() => Host.Dispose();
        }

        public static IEnumerable<object[]> Cmdlets() => HelpDocs.CmdletCases();

        public static IEnumerable<object[]> Examples() => HelpDocs.ExampleCases();

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void GetHelpFull_OfEveryCmdlet_ShouldShowSynopsisParametersAndExamplesFromMarkdown(string cmdlet)
        {
            Assert.True(File.Exists(HelpDocs.PagePath(cmdlet)), "No help page docs/help/" + cmdlet + ".md");
            string markdown = File.ReadAllText(HelpDocs.PagePath(cmdlet));
            PowerShellHost ps = _shared.Host;

            PSObject help = Assert.Single(ps.RunClean("Get-Help -Name $args[0] -Full", cmdlet));
            string text = string.Concat(ps.RunClean("Get-Help -Name $args[0] -Full | Out-String -Width 4000", cmdlet).Select(o => o.ToString()));

            string synopsis = HelpDocs.Synopsis(markdown);
            Assert.False(string.IsNullOrWhiteSpace(synopsis), "Empty SYNOPSIS in " + cmdlet + ".md");
            Assert.Equal(synopsis, help.Properties["Synopsis"].Value?.ToString()?.Trim());
            Assert.Contains(synopsis, text, StringComparison.Ordinal);

            var helpParameters = ps.RunClean("(Get-Help -Name $args[0] -Full).parameters.parameter | ForEach-Object { $_.name }", cmdlet)
                .Select(o => o.ToString()).ToList();
            Assert.Equal(HelpDocs.Parameters(markdown).OrderBy(n => n), helpParameters.OrderBy(n => n));
            foreach (string p in helpParameters) { Assert.Contains("-" + p, text, StringComparison.Ordinal); }

            var examples = HelpDocs.Examples(markdown);
            Assert.True(examples.Count >= 2, cmdlet + " needs at least two examples");
            var helpExamples = ps.RunClean("(Get-Help -Name $args[0] -Full).examples.example | ForEach-Object { $_.code }", cmdlet)
                .Select(o => o.ToString().Replace("\r\n", "\n")).ToList();
            Assert.Equal(examples.Select(e => e.Code.Replace("\r\n", "\n").TrimEnd()), helpExamples.Select(c => c.TrimEnd()));
            foreach (var e in examples) { Assert.Contains(e.Title, text, StringComparison.Ordinal); }
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Page_OfEveryCmdlet_ShouldDocumentExactlyTheParametersOfTheCode(string cmdlet)
        {
            Assert.True(File.Exists(HelpDocs.PagePath(cmdlet)), "No help page docs/help/" + cmdlet + ".md");
            var documented = HelpDocs.Parameters(File.ReadAllText(HelpDocs.PagePath(cmdlet)));
            var code = _shared.Host.RunClean("(Get-Command -Name $args[0]).Parameters.Keys", cmdlet)
                .Select(o => o.ToString()).Where(n => !HelpDocs.CommonParameters.Contains(n)).ToList();

            Assert.Equal(documented.Count, documented.Distinct(StringComparer.OrdinalIgnoreCase).Count());
            var undocumented = code.Except(documented, StringComparer.OrdinalIgnoreCase).ToList();
            var missing = documented.Except(code, StringComparer.OrdinalIgnoreCase).ToList();
            Assert.True(undocumented.Count == 0, cmdlet + ": parameters without documentation: " + string.Join(", ", undocumented));
            Assert.True(missing.Count == 0, cmdlet + ": documented parameters the cmdlet lacks: " + string.Join(", ", missing));
        }

        [Fact]
        public void AboutTopic_ShouldBeShippedAndFoundByGetHelp()
        {
            Assert.True(File.Exists(Path.Combine(Repo.ModuleFolder, "en-US", "about_RlmTokens.help.txt")));
            string text = string.Concat(_shared.Host.RunClean("Get-Help about_RlmTokens | Out-String").Select(o => o.ToString()));
            Assert.Contains("SHORT DESCRIPTION", text, StringComparison.Ordinal);
            Assert.Contains("LOCKING", text, StringComparison.OrdinalIgnoreCase);
        }

        [Fact]
        public void ModulePage_ShouldListEveryExportedCmdlet()
        {
            string page = File.ReadAllText(Path.Combine(HelpDocs.Folder, "RlmTokens.md"));
            foreach (string cmdlet in HelpDocs.ExportedCmdlets())
            {
                Assert.Contains("[" + cmdlet + "](" + cmdlet + ".md)", page, StringComparison.Ordinal);
            }
        }

        [Theory]
        [MemberData(nameof(Examples))]
        public void Example_InDocs_ShouldRunWithoutErrorAgainstACopyOfSamples(string page, int index, string title)
        {
            var (_, code) = HelpDocs.Examples(File.ReadAllText(Path.Combine(HelpDocs.Folder, page)))[index - 1];
            using var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            using var ps = new PowerShellHost(ws.Root);

            // Dot-sourced, and formatted as the console would (which also exercises the format views).
            ps.Run(". {\n" + code + "\n} | Out-String -Width 200 | Out-Null");

            Assert.True(ps.Errors.Count == 0, page + " / " + title + ": " + string.Join(" | ", ps.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
        }
    }
}
