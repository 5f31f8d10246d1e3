using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Export-TokenUsage named as Export-Csv is (-Path/-LiteralPath the file, -WorkspaceRoot the workspace), the
    /// deprecated spelling of 0.1 (the workspace as -Path), and ConvertTo-TokenUsage's text against the file writers.
    /// </summary>
    public sealed class ExportConventionTests
    {
        private const string History = "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22";
        private const string Fqid = ",RlmTokens.Cmdlets.ExportTokenUsageCommand";

        private static TempWorkspace Samples() => Capture.Samples();

        private static int DailyFiles(TempWorkspace ws) => Directory.GetFiles(ws.TokenUsage, "daily-*.json").Length;

        [Fact]
        public void Path_PipedHistory_ShouldWriteTheNamedFileWithoutWarning()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(History + " | Export-TokenUsage -Path x.csv");

            Assert.Empty(ps.Warnings);
            string[] lines = File.ReadAllLines(ws.PathOf("x.csv"));
            Assert.Equal("Date,Sessions,TotalTokens,CostUsd,Precision,Workspace", lines[0]);
            Assert.Equal(8, lines.Length);
            Assert.StartsWith("2026-11-16,", lines[1]);
        }

        [Fact]
        public void WorkspaceRoot_WithoutInput_ShouldExportThatWorkspaceToTheFileNamedByPath()
        {
            using TempWorkspace ws = Samples();
            using var other = new TempWorkspace(withRlm: false);
            using var ps = new PowerShellHost(other.Root);

            ps.RunClean("Export-TokenUsage -Path all.csv -WorkspaceRoot $args[0]", ws.Root);

            Assert.Empty(ps.Warnings);
            Assert.Equal(DailyFiles(ws) + 1, File.ReadAllLines(other.PathOf("all.csv")).Length);
            Assert.False(ws.Exists("all.csv"));
        }

        [Theory]
        [InlineData("Export-TokenUsage -Path $args[0] -LiteralPath old.csv")]
        [InlineData("Export-TokenUsage old.csv -Path $args[0]")]
        [InlineData("Export-TokenUsage -WorkspaceRoot $args[0] -LiteralPath old.csv")]
        public void OldSpelling_WorkspaceAsPath_ShouldStillExportIt_WithADeprecationWarningOnlyForTheOldForm(string command)
        {
            using TempWorkspace ws = Samples();
            using var other = new TempWorkspace(withRlm: false);
            using var ps = new PowerShellHost(other.Root);

            ps.RunClean(command, ws.Root);

            Assert.Equal(DailyFiles(ws) + 1, File.ReadAllLines(other.PathOf("old.csv")).Length);
            if (command.Contains("-WorkspaceRoot"))
            {
                Assert.Empty(ps.Warnings);
            }
            else
            {
                string warning = Assert.Single(ps.Warnings).Message;
                Assert.Contains("deprecated", warning);
                Assert.Contains("-LiteralPath 'old.csv' -WorkspaceRoot", warning);
            }
        }

        [Fact]
        public void PathLiteralPathAndWorkspaceRoot_ShouldBeTerminatingExportPathAmbiguous()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var before = ws.Snapshot();

            ps.Run("Export-TokenUsage -Path a.csv -LiteralPath b.csv -WorkspaceRoot .");

            ErrorRecord e = ps.SingleError("ExportPathAmbiguous" + Fqid);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void NoFile_ShouldBeTerminatingExportPathMissing_PointingAtConvertTo()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var before = ws.Snapshot();

            ps.Run(History + " | Export-TokenUsage -Format Markdown");

            ErrorRecord e = ps.SingleError("ExportPathMissing" + Fqid);
            Assert.Contains("ConvertTo-TokenUsage", e.ToString());
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void AppendToExtensionlessFile_WithoutFormat_ShouldSayPassFormat_AndWithItShouldAppend()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            ws.Write("step_summary", "# Job\n", bom: false, crlf: false);

            ps.Run(History + " | Export-TokenUsage -Path step_summary -Append");
            ErrorRecord e = ps.SingleError("UnknownExportFormat" + Fqid);
            Assert.Contains("-Format Markdown", e.ToString());
            Assert.Equal("# Job\n", ws.Read("step_summary"));

            ps.RunClean(History + " | Export-TokenUsage -Path step_summary -Append -Format Markdown -Title Week");
            ps.RunClean(History + " | Export-TokenUsage -Path step_summary -Append -Format Markdown -Title Again");
            string text = ws.Read("step_summary");
            Assert.StartsWith("# Job\n\n## Week\n", text);
            Assert.Contains("\n\n## Again\n", text);
            Assert.Equal(2, text.Split('\n').Count(l => l.StartsWith("| **Total** (7 rows)", StringComparison.Ordinal)));
        }

        [Fact]
        public void NoInput_WorkspaceWithoutDailyFiles_ShouldWarnWhyAndWriteNoFile()
        {
            using var ws = new TempWorkspace(withRlm: true);
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Export-TokenUsage -Path none.csv");

            Assert.Contains("no daily files", Assert.Single(ps.Warnings).Message);
            Assert.False(ws.Exists("none.csv"));
        }

        [Fact]
        public void ConvertToMarkdown_ShouldReturnTheTextExportWritesToAFile()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var text = ps.RunClean(History + " | ConvertTo-TokenUsage -Format Markdown -Title Week");
            ps.RunClean(History + " | Export-TokenUsage -Path week.md -Title Week");

            string markdown = Assert.IsType<string>(Assert.Single(text).BaseObject);
            Assert.StartsWith("## Week\n\n| Date |", markdown);
            Assert.Contains("| **Total** (7 rows) |", markdown);
            Assert.Equal(ws.Read("week.md").TrimEnd('\n'), markdown);
            Assert.Equal(ps.RunClean(History + " | ConvertTo-TokenUsage -Title Week").Single().BaseObject, markdown);
        }

        [Fact]
        public void ConvertToCsv_ShouldReturnOneStringPerLineEqualToTheFile()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            string[] lines = ps.RunClean(History + " | ConvertTo-TokenUsage Csv").Select(o => (string)o.BaseObject).ToArray();
            ps.RunClean(History + " | Export-TokenUsage -Path week.csv");

            Assert.Equal(File.ReadAllLines(ws.PathOf("week.csv")), lines);
            Assert.Equal(8, lines.Length);
        }

        [Fact]
        public void ConvertToJsonAndJsonl_ShouldParseBackToTheSameRows()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            string json = (string)ps.RunClean(History + " | ConvertTo-TokenUsage -Format Json").Single().BaseObject;
            string[] jsonl = ps.RunClean(History + " | ConvertTo-TokenUsage -Format Jsonl").Select(o => (string)o.BaseObject).ToArray();

            using JsonDocument array = JsonDocument.Parse(json);
            Assert.Equal(7, array.RootElement.GetArrayLength());
            Assert.Equal(7, jsonl.Length);
            for (int i = 0; i < 7; i++)
            {
                using JsonDocument line = JsonDocument.Parse(jsonl[i]);
                Assert.Equal(array.RootElement[i].EnumerateObject().Select(p => p.Name + "=" + p.Value.GetRawText()),
                    line.RootElement.EnumerateObject().Select(p => p.Name + "=" + p.Value.GetRawText()));
                Assert.Equal(JsonValueKind.Number, line.RootElement.GetProperty("TotalTokens").ValueKind);
            }
        }

        [Fact]
        public void ConvertTo_EmptyPipeline_ShouldWarnAndReturnNothing_AndWithoutInputConvertTheHistory()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("@() | ConvertTo-TokenUsage"));
            Assert.Contains("Nothing was received", Assert.Single(ps.Warnings).Message);

            string[] all = ps.RunClean("ConvertTo-TokenUsage -Format Csv -Path $args[0]", ws.Root).Select(o => (string)o.BaseObject).ToArray();
            Assert.Equal(DailyFiles(ws) + 1, all.Length);
            Assert.Empty(ps.Warnings);
        }
    }
}
