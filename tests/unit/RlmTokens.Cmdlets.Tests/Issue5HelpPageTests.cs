using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>The help pages of Test-TokenBudget, Export-TokenUsage, Get-TokenOptimization and the -Source fragment of Get-TokenUsage: every parameter documented, every example runs against samples/.</summary>
    public sealed class Issue5HelpPageTests
    {
        public static IEnumerable<object[]> Pages() => new[]
        {
            new object[] { "docs/help/Test-TokenBudget.md", "Test-TokenBudget", null! },
            new object[] { "docs/help/Export-TokenUsage.md", "Export-TokenUsage", null! },
            new object[] { "docs/help/Get-TokenOptimization.md", "Get-TokenOptimization", null! },
            new object[] { "docs/fragments/Get-TokenUsage.Source.md", "Get-TokenUsage", "Source" },
        };

        private static readonly string[] s_common =
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction", "ErrorVariable", "WarningVariable",
            "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable", "WhatIf", "Confirm",
        };

        [Theory]
        [MemberData(nameof(Pages))]
        public void Page_EveryParameter_ShouldBeDocumented(string page, string cmdlet, string? parameterSet)
        {
            string text = File.ReadAllText(Path.Combine(Repo.Root, page));
            using var ps = new PowerShellHost();
            var names = ps.RunClean("$set = $args[1]; (Get-Command $args[0]).ParameterSets | Where-Object { -not $set -or $_.Name -eq $set } | ForEach-Object { $_.Parameters.Name } | Sort-Object -Unique", cmdlet, parameterSet)
                .Select(o => (string)o.BaseObject).Where(n => !s_common.Contains(n)).ToList();
            if (parameterSet is not null) { names.Remove("Path"); }
            Assert.NotEmpty(names);
            foreach (string name in names)
            {
                Assert.True(text.Contains("### -" + name + "\n") || text.Contains("### -" + name + "\r\n"), page + " does not document -" + name);
            }
        }

        [Theory]
        [MemberData(nameof(Pages))]
        public void Page_EveryExample_ShouldRunAgainstTheSamples(string page, string cmdlet, string? parameterSet)
        {
            _ = cmdlet; _ = parameterSet;
            string text = File.ReadAllText(Path.Combine(Repo.Root, page)).Replace("\r\n", "\n");
            var examples = Regex.Matches(text, "### Example [^\n]*\n```powershell\n(.*?)\n```", RegexOptions.Singleline).Select(m => m.Groups[1].Value).ToList();
            Assert.NotEmpty(examples);
            foreach (string code in examples)
            {
                using var ws = new TempWorkspace(withRlm: false);
                ws.CopyFrom(Repo.Samples);
                using var ps = new PowerShellHost(ws.Root);
                ps.Run("$env:GITHUB_STEP_SUMMARY = $null; & {\n" + code + "\n} | Out-String");
                Assert.True(ps.Errors.Count == 0, page + ": " + code + "\n" + string.Join("\n", ps.Errors.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            }
        }
    }
}
