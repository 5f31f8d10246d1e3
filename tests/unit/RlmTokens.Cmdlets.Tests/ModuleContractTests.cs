using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Xml.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// The module's contract, walked over whatever cmdlets the manifest exports: approved verb, singular
    /// noun, [OutputType], ShouldProcess on writers, a help page, a format view per output type; the
    /// manifest matches the [Cmdlet] classes; the format file names only real types and properties;
    /// Core references no PowerShell assembly. PSScriptAnalyzer cannot see any of this in C#.
    /// </summary>
    public sealed class ModuleContractTests : IClassFixture<HelpTests.SharedHost>
    {
        /// <summary>Verbs whose cmdlets change state and therefore must support -WhatIf/-Confirm.</summary>
        private static readonly ISet<string> WriterVerbs = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Add", "Set", "New", "Remove", "Import", "Export", "Register", "Start", "Stop", "Install", "Uninstall", "Update",
            "Clear", "Reset", "Restart", "Unregister", "Move", "Rename", "Write", "Save", "Publish",
        };

        private readonly PowerShellHost _ps;

        public ModuleContractTests(HelpTests.SharedHost shared) => _ps = shared.Host;

        public static IEnumerable<object[]> Cmdlets() => HelpDocs.CmdletCases();

        private static string FormatFile => Path.Combine(Repo.Root, "module", "RlmTokens.format.ps1xml");

        private static Assembly CoreAssembly => typeof(TokenTracker).Assembly;

        private CmdletInfo Command(string name) => Assert.IsType<CmdletInfo>(Assert.Single(_ps.RunClean("Get-Command -Name $args[0] -Module RlmTokens", name)).BaseObject);

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_ShouldUseAnApprovedVerb(string cmdlet)
        {
            var verbs = _ps.RunClean("Get-Verb | ForEach-Object { $_.Verb }").Select(o => o.ToString()).ToList();
            Assert.Contains(Command(cmdlet).Verb, verbs);
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_ShouldUseASingularNoun(string cmdlet)
        {
            string noun = Command(cmdlet).Noun;
            bool plural = noun.EndsWith("s", StringComparison.Ordinal)
                && !noun.EndsWith("ss", StringComparison.Ordinal) && !noun.EndsWith("us", StringComparison.Ordinal) && !noun.EndsWith("is", StringComparison.Ordinal);
            Assert.False(plural, cmdlet + ": the noun looks plural");
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_ShouldDeclareOutputType(string cmdlet)
        {
            CmdletInfo info = Command(cmdlet);
            Assert.NotEmpty(info.ImplementingType.GetCustomAttributes<OutputTypeAttribute>());
            Assert.NotEmpty(info.OutputType);
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_ThatWrites_ShouldSupportShouldProcess(string cmdlet)
        {
            CmdletInfo info = Command(cmdlet);
            if (!WriterVerbs.Contains(info.Verb)) { return; }
            CmdletAttribute attribute = info.ImplementingType.GetCustomAttribute<CmdletAttribute>()!;
            Assert.True(attribute.SupportsShouldProcess, cmdlet + " writes but does not support ShouldProcess");
            Assert.Contains("WhatIf", info.Parameters.Keys);
            Assert.Contains("Confirm", info.Parameters.Keys);
            Assert.Equal(ConfirmImpact.Medium, attribute.ConfirmImpact); // the default: hooks never prompt
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_ShouldHaveAHelpPageShippedInTheMaml(string cmdlet)
        {
            Assert.True(File.Exists(HelpDocs.PagePath(cmdlet)), "No docs/help/" + cmdlet + ".md");
            XDocument maml = XDocument.Load(Path.Combine(Repo.ModuleFolder, "en-US", "RlmTokens.Cmdlets.dll-Help.xml"));
            XNamespace command = "http://schemas.microsoft.com/maml/dev/command/2004/10";
            Assert.Contains(cmdlet, maml.Descendants(command + "details").Select(d => (string?)d.Element(command + "name")));
        }

        [Theory]
        [MemberData(nameof(Cmdlets))]
        public void Cmdlet_EveryOutputType_ShouldHaveAFormatView(string cmdlet)
        {
            var viewed = FormatTypeNames().ToHashSet(StringComparer.Ordinal);
            foreach (PSTypeName output in Command(cmdlet).OutputType)
            {
                Type? type = output.Type;
                // Our own types need a view; .NET's (FileInfo from -PassThru, bool from -Quiet) have PowerShell's.
                if (type is null || type.Namespace != "RlmTokens") { continue; }
                Assert.True(viewed.Contains(type.FullName!), cmdlet + ": no view in RlmTokens.format.ps1xml for " + type.FullName);
            }
        }

        [Fact]
        public void Manifest_CmdletsToExport_ShouldEqualTheCmdletClassesOfTheAssembly()
        {
            Assembly cmdlets = Assert.IsAssignableFrom<Assembly>(Assert.Single(_ps.RunClean("(Get-Module RlmTokens).ImplementingAssembly")).BaseObject);
            var classes = cmdlets.GetExportedTypes()
                .Select(t => t.GetCustomAttribute<CmdletAttribute>())
                .Where(a => a is not null)
                .Select(a => a!.VerbName + "-" + a.NounName)
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            var exported = HelpDocs.ExportedCmdlets().OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();
            var staged = _ps.RunClean("(Get-Module RlmTokens).ExportedCmdlets.Keys").Select(o => o.ToString())
                .OrderBy(n => n, StringComparer.OrdinalIgnoreCase).ToList();

            Assert.Equal(classes, exported);
            Assert.Equal(classes, staged);
            Assert.Equal(exported.OrderBy(n => n, StringComparer.Ordinal), HelpDocs.ExportedCmdlets()); // kept alphabetical
        }

        [Fact]
        public void FormatFile_EveryTypeNameAndPropertyName_ShouldExist()
        {
            XDocument format = XDocument.Load(FormatFile);
            Assert.NotEmpty(format.Descendants("View"));
            foreach (XElement view in format.Descendants("View"))
            {
                string viewName = (string?)view.Element("Name") ?? "?";
                var types = view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value.Trim()).ToList();
                Assert.NotEmpty(types);
                foreach (string typeName in types)
                {
                    // Grouping rows carry their grouping after '#' (RlmTokens.TranscriptUsageRow#Model).
                    Type? type = CoreAssembly.GetType(typeName.Split('#')[0]);
                    Assert.True(type is not null, viewName + ": TypeName " + typeName + " is no public type of RlmTokens.Core");
                    foreach (string property in view.Descendants("PropertyName").Select(p => p.Value.Trim()))
                    {
                        Assert.True(type!.GetProperty(property, BindingFlags.Public | BindingFlags.Instance) is not null,
                            viewName + ": " + typeName + " has no property " + property);
                    }
                }
                int columns = view.Descendants("TableColumnHeader").Count();
                Assert.True(columns <= 6 || viewName == "Wide", viewName + ": " + columns + " columns (six at most outside the Wide views)");
            }
        }

        [Fact]
        public void Core_ShouldReferenceNoPowerShellAssembly()
        {
            var references = CoreAssembly.GetReferencedAssemblies().Select(a => a.Name ?? string.Empty).ToList();
            Assert.DoesNotContain(references, n => n.StartsWith("System.Management.Automation", StringComparison.OrdinalIgnoreCase)
                || n.StartsWith("Microsoft.PowerShell", StringComparison.OrdinalIgnoreCase));
        }

        private static IEnumerable<string> FormatTypeNames() =>
            XDocument.Load(FormatFile).Descendants("ViewSelectedBy").Elements("TypeName").Select(t => t.Value.Trim().Split('#')[0]);
    }
}
