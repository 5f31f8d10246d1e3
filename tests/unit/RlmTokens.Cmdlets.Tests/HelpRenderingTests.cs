using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Get-Help shows the pages as a console should: no Markdown markup (code spans, bold, links, table pipes),
    /// tables as aligned text or, when too wide, one record per row; every example described (related links:
    /// OnlineHelpTests).
    /// </summary>
    public sealed class HelpRenderingTests : IClassFixture<HelpRenderingTests.Shared>
    {
        public sealed class Shared : IDisposable
        {
            public PowerShellHost Host { get; } = new PowerShellHost();

            public Shared() => Host.RunClean("[System.Threading.Thread]::CurrentThread.CurrentUICulture = 'en-US'");

            public void Dispose() => Host.Dispose();
        }

        private static readonly Regex Markup = new Regex(@"`|\*\*[A-Za-z]|__[A-Za-z]|\]\(|^\s*\|", RegexOptions.Multiline);

        private readonly Shared _shared;

        public HelpRenderingTests(Shared shared) => _shared = shared;

        public static IEnumerable<object[]> Cmdlets() => HelpDocs.CmdletCases();

        private string FullHelp(string topic) =>
            string.Concat(_shared.Host.RunClean("Get-Help -Name $args[0] -Full | Out-String -Width 200", topic).Select(o => o.ToString()));

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void GetHelpFull_OfEveryCmdlet_ShouldShowNoMarkdownMarkup(string cmdlet)
        {
            string text = FullHelp(cmdlet);

            Assert.Contains("SYNOPSIS", text);
            string[] marked = text.Split('\n').Where(l => Markup.IsMatch(l)).ToArray();
            Assert.True(marked.Length == 0, cmdlet + ": markup in Get-Help output:\n" + string.Join("\n", marked));
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Examples_OfEveryCmdlet_ShouldEachHaveADescription(string cmdlet)
        {
            int[] lengths = _shared.Host.RunClean(
                "(Get-Help -Name $args[0]).examples.example | ForEach-Object { ($_.remarks | ForEach-Object Text | Out-String).Trim().Length }", cmdlet)
                .Select(o => (int)o.BaseObject).ToArray();

            Assert.NotEmpty(lengths);
            Assert.All(lengths, n => Assert.True(n > 0, cmdlet + " has an example without a description"));
        }

        [Fact]
        public void WideTable_ShouldBecomeOneRecordPerRowNamedByTheHeaders()
        {
            string text = FullHelp("Test-TokenBudget");

            Assert.Contains("    budgetDaily\n        unit: tokens\n        meaning: RLM's daily budget\n", text.Replace("\r\n", "\n"));
            Assert.Contains("        meaning: false switches enforcement off (see below)", text);
        }

        [Fact]
        public void NarrowTable_ShouldBeAlignedColumnsWithAnUnderlinedHeader()
        {
            string[] lines = FullHelp("ConvertTo-TokenUsage").Replace("\r\n", "\n").Split('\n');

            int header = Array.FindIndex(lines, l => Regex.IsMatch(l, @"^ +Format +strings +written$"));
            Assert.True(header >= 0, "no table header in:\n" + string.Join("\n", lines));
            Assert.Matches(@"^ +-{18}  -{37}  -{22}$", lines[header + 1]);
            string[] rows = lines.Skip(header + 2).Take(4).ToArray();
            Assert.StartsWith("Markdown (default)", rows[0].TrimStart());
            int strings = lines[header].IndexOf("strings", StringComparison.Ordinal);
            int written = lines[header].IndexOf("written", StringComparison.Ordinal);
            Assert.Equal(new[] { "one: a heading, a table, a totals row", "one per line, the header first", "one: an array of flat objects", "one compact JSON object per line" },
                rows.Select(r => r.Substring(strings, written - strings).TrimEnd()));
            Assert.Equal(new[] { "at the end", "as each object arrives", "at the end", "as each object arrives" }, rows.Select(r => r.Substring(written)));
        }
    }
}
