using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// What the tests need from docs/help/*.md and the module manifest, read directly (not through the
    /// build's converter), so a converter bug cannot hide a documentation gap.
    /// </summary>
    public static class HelpDocs
    {
        public static string Folder => Path.Combine(Repo.Root, "docs", "help");

        /// <summary>CmdletsToExport of module/RlmTokens.psd1 (the source manifest), in file order.</summary>
        public static IReadOnlyList<string> ExportedCmdlets()
        {
            string text = File.ReadAllText(Path.Combine(Repo.Root, "module", "RlmTokens.psd1"));
            Match block = Regex.Match(text, @"CmdletsToExport\s*=\s*@\((?<list>[^)]*)\)", RegexOptions.Singleline);
            return Regex.Matches(block.Groups["list"].Value, @"'(?<name>[^']+)'").Select(m => m.Groups["name"].Value).ToList();
        }

        public static IEnumerable<object[]> CmdletCases() => ExportedCmdlets().Select(c => new object[] { c });

        public static string PagePath(string cmdlet) => Path.Combine(Folder, cmdlet + ".md");

        /// <summary>Every page: cmdlet pages, the module page and about_ pages.</summary>
        public static IEnumerable<string> Pages() =>
            Directory.EnumerateFiles(Folder, "*.md").OrderBy(p => p, StringComparer.Ordinal);

        /// <summary>The text under a level-2 heading (## NAME), up to the next one.</summary>
        public static string Section(string markdown, string heading)
        {
            string text = markdown.Replace("\r\n", "\n");
            Match m = Regex.Match(text, @"^## " + Regex.Escape(heading) + @"[ \t]*\n(?<body>.*?)(?=^## |\z)", RegexOptions.Multiline | RegexOptions.Singleline);
            return m.Success ? m.Groups["body"].Value : string.Empty;
        }

        public static string Synopsis(string markdown) => Section(markdown, "SYNOPSIS").Trim();

        /// <summary>The names of the ### -Name headings under ## PARAMETERS.</summary>
        public static IReadOnlyList<string> Parameters(string markdown) =>
            Regex.Matches(Section(markdown, "PARAMETERS"), @"^### -(?<name>\w+)", RegexOptions.Multiline)
                .Select(m => m.Groups["name"].Value).ToList();

        /// <summary>The examples of a page: title and the first ```powershell block under each ### heading of ## EXAMPLES.</summary>
        public static IReadOnlyList<(string Title, string Code)> Examples(string markdown)
        {
            var result = new List<(string, string)>();
            string section = Section(markdown, "EXAMPLES");
            string[] parts = Regex.Split(section, @"^### ", RegexOptions.Multiline);
            foreach (string part in parts)
            {
                // Text before the first ### (about_ pages put their examples there) counts as one example block list.
                bool headed = !ReferenceEquals(part, parts[0]);
                string title = headed ? part.Split('\n')[0].Trim() : "Examples";
                foreach (Match code in Regex.Matches(part, @"```powershell[ \t]*\n(?<code>.*?)\n```", RegexOptions.Singleline))
                {
                    result.Add((title, code.Groups["code"].Value));
                    if (headed) { break; }
                }
            }
            return result;
        }

        /// <summary>One case per example code block of every page: (page file name, index, title).</summary>
        public static IEnumerable<object[]> ExampleCases()
        {
            foreach (string page in Pages())
            {
                var examples = Examples(File.ReadAllText(page));
                for (int i = 0; i < examples.Count; i++)
                {
                    yield return new object[] { Path.GetFileName(page), i + 1, examples[i].Title };
                }
            }
        }

        /// <summary>The common parameters PowerShell adds to every cmdlet (not documented per page).</summary>
        public static readonly ISet<string> CommonParameters = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Verbose", "Debug", "ErrorAction", "WarningAction", "InformationAction", "ProgressAction",
            "ErrorVariable", "WarningVariable", "InformationVariable", "OutVariable", "OutBuffer", "PipelineVariable",
        };
    }
}
