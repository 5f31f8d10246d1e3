using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Get-Help -Online opens each cmdlet's page: HelpUri, the page's "online version:" and the MAML's related links are
    /// addresses derived from the one ProjectUri of Directory.Build.props, and the page they name exists.
    /// </summary>
    public sealed class OnlineHelpTests : IClassFixture<OnlineHelpTests.Shared>
    {
        public sealed class Shared : IDisposable
        {
            public PowerShellHost Host { get; } = new PowerShellHost();

            public void Dispose() => Host.Dispose();
        }

        private readonly Shared _shared;

        public OnlineHelpTests(Shared shared) => _shared = shared;

        public static IEnumerable<object[]> Cmdlets() => HelpDocs.CmdletCases();

        public static string Home() =>
            Regex.Match(File.ReadAllText(Path.Combine(Repo.Root, "Directory.Build.props")), "<ProjectUri>([^<]+)</ProjectUri>").Groups[1].Value;

        private static string PageUrl(string page) => Home() + "/blob/main/docs/help/" + page;

        [Fact]
        public void ProjectUri_OfDirectoryBuildProps_ShouldBeTheHomeOfProjectLinks()
        {
            Type links = Assembly.LoadFrom(Path.Combine(Repo.ModuleFolder, "RlmTokens.Cmdlets.dll")).GetType("RlmTokens.Cmdlets.ProjectLinks", throwOnError: true)!;

            Assert.Equal("https://github.com/rlmtokens/RlmTokens", Home());
            Assert.Equal(Home(), links.GetField("Home")!.GetRawConstantValue());
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void HelpUri_OfEveryCmdlet_ShouldBeItsPageUrl_WhichThePageDeclaresAndWhichExists(string cmdlet)
        {
            string helpUri = _shared.Host.RunClean("(Get-Command -Name $args[0] -Module RlmTokens).HelpUri", cmdlet).Single().ToString();
            string onlineVersion = File.ReadLines(HelpDocs.PagePath(cmdlet)).Single(l => l.StartsWith("online version:", StringComparison.Ordinal))
                .Substring("online version:".Length).Trim();

            Assert.Equal(PageUrl(cmdlet + ".md"), helpUri);
            Assert.Equal(helpUri, onlineVersion);
            Assert.True(File.Exists(HelpDocs.PagePath(cmdlet)), cmdlet + ".md is missing");
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void RelatedLinks_OfEveryCmdlet_ShouldBeUrls_ToPagesThatExist(string cmdlet)
        {
            var links = _shared.Host.RunClean("(Get-Help -Name $args[0]).relatedLinks.navigationLink | ForEach-Object { $_.linkText + '|' + $_.uri }", cmdlet)
                .Select(o => o.ToString()).ToList();

            Assert.Contains("Online Version:|" + PageUrl(cmdlet + ".md"), links);
            Assert.True(links.Count > 1, cmdlet + " has no related link besides its own page");
            foreach (string link in links)
            {
                string uri = link.Substring(link.IndexOf('|') + 1);
                Assert.StartsWith("https://", uri);
                if (uri.StartsWith(Home() + "/blob/main/docs/help/", StringComparison.Ordinal))
                {
                    string page = uri.Substring((Home() + "/blob/main/docs/help/").Length);
                    Assert.True(File.Exists(Path.Combine(HelpDocs.Folder, page)), cmdlet + ": related link to a missing page " + uri);
                }
            }
        }
    }
}
