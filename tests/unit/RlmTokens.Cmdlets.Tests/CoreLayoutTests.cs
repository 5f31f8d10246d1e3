using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Core's folders are one concept each and README.md says what each reads or writes: every folder is
    /// in README's map and every entry of the map is a folder; a file's namespace is its folder's, so a
    /// type's full name tells where it lives.
    /// </summary>
    public class CoreLayoutTests
    {
        private static string CoreFolder => Path.Combine(Repo.Root, "src", "RlmTokens.Core");

        private static IReadOnlyList<string> Folders() =>
            Directory.GetDirectories(CoreFolder)
                .Select(Path.GetFileName)
                .Where(n => n is not ("bin" or "obj" or "Resources"))
                .Select(n => n!)
                .OrderBy(n => n, StringComparer.Ordinal)
                .ToList();

        /// <summary>The entries of README's "Core's folders" block: "Name/  what it reads or writes".</summary>
        private static IReadOnlyDictionary<string, string> ReadmeMap()
        {
            string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
            int start = readme.IndexOf("Core's folders", StringComparison.Ordinal);
            Assert.True(start >= 0, "README.md has no map of Core's folders");
            int open = readme.IndexOf("```", start, StringComparison.Ordinal);
            int close = readme.IndexOf("```", open + 3, StringComparison.Ordinal);
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (Match m in Regex.Matches(readme.Substring(open + 3, close - open - 3), @"^(\w+)/\s+(\S.*)$", RegexOptions.Multiline))
            {
                map.Add(m.Groups[1].Value, m.Groups[2].Value.Trim());
            }
            return map;
        }

        [Fact]
        public void EveryCoreFolderIsInTheReadmeMapAndNothingElse()
        {
            IReadOnlyDictionary<string, string> map = ReadmeMap();
            Assert.Equal(Folders(), map.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList());
            Assert.All(map, e => Assert.True(e.Value.Length >= 20, e.Key + "/ needs a description of what it reads or writes"));
        }

        [Fact]
        public void EachFilesNamespaceIsItsFolders()
        {
            var wrong = new List<string>();
            foreach (string folder in Folders())
            {
                foreach (string file in Directory.GetFiles(Path.Combine(CoreFolder, folder), "*.cs", SearchOption.AllDirectories))
                {
                    foreach (Match m in Regex.Matches(File.ReadAllText(file), @"^namespace\s+([\w.]+)", RegexOptions.Multiline))
                    {
                        if (m.Groups[1].Value != "RlmTokens." + folder && m.Groups[1].Value != "RlmTokens")
                        {
                            wrong.Add(Path.GetRelativePath(CoreFolder, file) + ": " + m.Groups[1].Value);
                        }
                    }
                }
            }
            Assert.Empty(wrong);
        }
    }
}
