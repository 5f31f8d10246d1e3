using System;
using System.Collections.Generic;
using System.Collections.ObjectModel;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;
using Microsoft.VisualBasic.FileIO;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class ExportTokenUsageTests
    {
        private const string History = "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22";

        private static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        private static List<string[]> ReadCsv(string path)
        {
            using var parser = new TextFieldParser(path) { TextFieldType = FieldType.Delimited, HasFieldsEnclosedInQuotes = true };
            parser.SetDelimiters(",");
            var rows = new List<string[]>();
            while (!parser.EndOfData) { rows.Add(parser.ReadFields()!); }
            return rows;
        }

        [Fact]
        public void Csv_HistoryPipedPositionally_ShouldHaveTheColumnsOfExportCsv()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(History + " | Export-TokenUsage usage.csv");
            ps.RunClean(History + " | Export-Csv -LiteralPath ps.csv -NoTypeInformation");

            List<string[]> ours = ReadCsv(ws.PathOf("usage.csv"));
            List<string[]> theirs = ReadCsv(ws.PathOf("ps.csv"));
            Assert.Equal(theirs[0], ours[0]);
            Assert.Equal(new[] { "Date", "Sessions", "TotalTokens", "CostUsd", "Precision", "Workspace" }, ours[0]);
            Assert.Equal(theirs.Count, ours.Count);
            Assert.Equal(8, ours.Count);
        }

        [Fact]
        public void Csv_RoundTrip_ShouldReadBackTheSameRowsUnderAnyCulture()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            List<TokenUsageDay> days = ps.RunAs<TokenUsageDay>(History);

            ps.RunClean("[System.Threading.Thread]::CurrentThread.CurrentCulture = 'de-DE'; " + History + " | Export-TokenUsage -LiteralPath usage.csv");

            string text = File.ReadAllText(ws.PathOf("usage.csv"));
            Assert.Contains("\r\n", text);
            Assert.Contains(",9.33,", text);
            Assert.False(File.ReadAllBytes(ws.PathOf("usage.csv"))[0] == 0xEF, "no BOM");
            List<string[]> rows = ReadCsv(ws.PathOf("usage.csv"));
            Assert.Equal(days.Count, rows.Count - 1);
            for (int i = 0; i < days.Count; i++)
            {
                string[] r = rows[i + 1];
                Assert.Equal(days[i].Date, DateTime.ParseExact(r[0], "yyyy-MM-dd", CultureInfo.InvariantCulture));
                Assert.Equal(days[i].Sessions, long.Parse(r[1], CultureInfo.InvariantCulture));
                Assert.Equal(days[i].TotalTokens, long.Parse(r[2], CultureInfo.InvariantCulture));
                Assert.Equal(days[i].CostUsd, decimal.Parse(r[3], CultureInfo.InvariantCulture));
                Assert.Equal(days[i].Precision, Enum.Parse<UsagePrecision>(r[4]));
                Assert.Equal(days[i].Workspace, r[5]);
            }
        }

        [Fact]
        public void Json_RoundTrip_ShouldReadBackAnArrayOfTheSameFlatObjects()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            List<TokenUsageDay> days = ps.RunAs<TokenUsageDay>(History);

            ps.RunClean(History + " | Export-TokenUsage usage.json");

            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(ws.PathOf("usage.json")));
            Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
            JsonElement[] items = doc.RootElement.EnumerateArray().ToArray();
            Assert.Equal(days.Count, items.Length);
            for (int i = 0; i < days.Count; i++)
            {
                JsonElement o = items[i];
                Assert.Equal(new[] { "Date", "Sessions", "TotalTokens", "CostUsd", "Precision", "Workspace" }, o.EnumerateObject().Select(p => p.Name));
                Assert.Equal(days[i].Date, DateTime.Parse(o.GetProperty("Date").GetString()!, CultureInfo.InvariantCulture));
                Assert.Equal(days[i].Sessions, o.GetProperty("Sessions").GetInt64());
                Assert.Equal(days[i].TotalTokens, o.GetProperty("TotalTokens").GetInt64());
                Assert.Equal(days[i].CostUsd, o.GetProperty("CostUsd").GetDecimal());
                Assert.Equal(days[i].Precision.ToString(), o.GetProperty("Precision").GetString());
            }
        }

        [Fact]
        public void Jsonl_SessionSummary_ShouldWriteOneObjectPerLineWithIsoTimes()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Get-TokenUsage | Export-TokenUsage session.jsonl; Get-TokenUsage -Detailed | Export-TokenUsage ops.ndjson");

            string[] lines = File.ReadAllLines(ws.PathOf("session.jsonl"));
            using JsonDocument doc = JsonDocument.Parse(Assert.Single(lines));
            Assert.Equal("2026-11-23T09:15:00Z", doc.RootElement.GetProperty("StartedAt").GetString());
            Assert.Equal(25473, doc.RootElement.GetProperty("TotalTokens").GetInt64());
            Assert.True(File.ReadAllLines(ws.PathOf("ops.ndjson")).Length > 5);
        }

        [Fact]
        public void Markdown_Append_ShouldAddTitledTablesWithTotalsRows()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(History + " | Export-TokenUsage summary.md -Title 'Token usage, week 47'");
            ps.RunClean("Get-TokenUsage -History -Since 2026-11-21 -Until 2026-11-22 | Export-TokenUsage summary.md -Append -Title Weekend");

            string[] lines = File.ReadAllLines(ws.PathOf("summary.md"));
            Assert.Equal("## Token usage, week 47", lines[0]);
            Assert.Equal("| Date | Sessions | TotalTokens | CostUsd | Precision | Workspace |", lines[2]);
            Assert.Equal("| --- | ---: | ---: | ---: | --- | --- |", lines[3]);
            Assert.Equal("| **Total** (7 rows) | **15** | **4253333** | **38.28** |  |  |", lines[11]);
            Assert.Equal("## Weekend", lines[13]);
            Assert.Equal("| **Total** (2 rows) | **3** | **1161111** | **10.45** |  |  |", lines.Last());
        }

        [Fact]
        public void Csv_ValuesWithCommasQuotesAndLineBreaks_ShouldBeQuotedAsRfc4180()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("[pscustomobject]@{ Note = 'a, \"b\"'; Text = \"line1`nline2\"; N = 3 } | Export-TokenUsage notes.csv");

            Assert.Equal("Note,Text,N\r\n\"a, \"\"b\"\"\",\"line1\nline2\",3\r\n", File.ReadAllText(ws.PathOf("notes.csv")));
            List<string[]> rows = ReadCsv(ws.PathOf("notes.csv"));
            Assert.Equal(new[] { "a, \"b\"", "line1\nline2", "3" }, rows[1]);
        }

        [Fact]
        public void Csv_AppendToSameColumns_ShouldAddRowsWithoutSecondHeader()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-16 | Export-TokenUsage u.csv");
            ps.RunClean("Get-TokenUsage -History -Since 2026-11-17 -Until 2026-11-17 | Export-TokenUsage u.csv -Append");
            ps.Run("Get-TokenUsage | Export-TokenUsage u.csv -Append");

            ErrorRecord e = ps.SingleError("ExportAppendMismatch,RlmTokens.Cmdlets.ExportTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal(3, ReadCsv(ws.PathOf("u.csv")).Count);
        }

        [Fact]
        public void NoInput_ShouldWriteTheWorkspaceDailyHistoryAndPassThruTheFile()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            FileInfo file = ps.RunAs<FileInfo>("Export-TokenUsage -FilePath all.json -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(ws.PathOf("all.json"), file.FullName);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(file.FullName));
            Assert.Equal(7, doc.RootElement.GetArrayLength());
        }

        [Fact]
        public void NoClobber_ExistingFile_ShouldWriteExportFileExistsAndKeepTheFile()
        {
            using TempWorkspace ws = Samples();
            ws.Write("u.csv", "keep me", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run(History + " | Export-TokenUsage u.csv -NoClobber");

            ErrorRecord e = ps.SingleError("ExportFileExists,RlmTokens.Cmdlets.ExportTokenUsageCommand");
            Assert.Equal(ErrorCategory.ResourceExists, e.CategoryInfo.Category);
            Assert.Equal(ws.PathOf("u.csv"), e.TargetObject);
            Assert.Equal("keep me", ws.Read("u.csv"));
        }

        [Fact]
        public void ReadOnlyFile_ShouldNeedForce()
        {
            using TempWorkspace ws = Samples();
            string path = ws.Write("u.csv", "old", bom: false, crlf: false);
            File.SetAttributes(path, FileAttributes.ReadOnly);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run(History + " | Export-TokenUsage u.csv");
            Assert.Equal("AccessDenied,RlmTokens.Cmdlets.ExportTokenUsageCommand", Assert.Single(ps.Errors).FullyQualifiedErrorId);
            Assert.Equal("old", ws.Read("u.csv"));

            ps.RunClean(History + " | Export-TokenUsage u.csv -Force");
            Assert.StartsWith("Date,", ws.Read("u.csv"));
        }

        [Fact]
        public void WhatIf_ShouldTouchNothing()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var before = ws.Snapshot();

            ps.RunClean(History + " | Export-TokenUsage u.csv -WhatIf; Export-TokenUsage report.md -WhatIf");

            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void UnknownExtension_WithoutFormat_ShouldBeATerminatingUnknownExportFormat()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run(History + " | Export-TokenUsage usage.txt");
            ErrorRecord e = ps.SingleError("UnknownExportFormat,RlmTokens.Cmdlets.ExportTokenUsageCommand");
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.False(ws.Exists("usage.txt"));

            ps.RunClean(History + " | Export-TokenUsage usage.txt -Format Markdown");
            Assert.StartsWith("## Token usage", ws.Read("usage.txt"));
        }

        [Fact]
        public void EmptyPipeline_ShouldWarnAndWriteNoFile()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Get-TokenUsage -History -Since 2030-01-01 -Until 2030-01-02 | Export-TokenUsage none.csv");

            // Get-TokenUsage says why it found no day; Export-TokenUsage that it received nothing.
            Assert.Equal(2, ps.Warnings.Count);
            Assert.StartsWith("No daily file between 2030-01-01 and 2030-01-02", ps.Warnings[0].Message);
            Assert.StartsWith("Nothing was received on the pipeline", ps.Warnings[1].Message);
            Assert.False(ws.Exists("none.csv"));
        }
    
        [Theory]
        [InlineData("big.csv")]
        [InlineData("big.json")]
        [InlineData("big.jsonl")]
        public void LongPipeline_ShouldBeOnDiskBeforeThePipelineEndsAndTheTargetReplacedOnlyAtTheEnd(string name)
        {
            using TempWorkspace ws = Samples();
            ws.Write(name, "old", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            // The producer looks at the folder after 20,000 rows (at least 400 KB, past any write buffer): the rows are already in the
            // temporary file beside the target, and the target still holds its old text.
            Collection<PSObject> seen = ps.RunClean(
                "$seen = [System.Collections.Generic.List[object]]::new(); "
                + "& { for ($i = 0; $i -lt 30000; $i++) { "
                + "    if ($i -eq 20000) { $seen.Add((Get-ChildItem -Force -Filter (\".\" + $args[0] + '.*.tmp') | Measure-Object Length -Sum).Sum); $seen.Add((Get-Content -Raw -LiteralPath $args[0])) } "
                + "    [pscustomobject]@{ Row = $i; Text = 'row, \"' + $i + '\"' } } } " + name + " | Export-TokenUsage -LiteralPath " + name + "; $seen",
                name);

            Assert.True(Convert.ToInt64(seen[0].BaseObject, CultureInfo.InvariantCulture) > 200_000, "rows written while the pipeline ran: " + seen[0]);
            Assert.Equal("old", seen[1].BaseObject);
            Assert.Empty(Directory.GetFiles(ws.Root, "*.tmp"));
            string text = ws.Read(name);
            Assert.Contains("29999", text);
            Assert.DoesNotContain("old", text);
        }

        [Fact]
        public void FailingMidway_ShouldLeaveTheTargetAndNoTemporaryFile()
        {
            using TempWorkspace ws = Samples();
            string path = ws.Write("u.jsonl", "keep\n", bom: false, crlf: false);
            File.SetAttributes(path, FileAttributes.ReadOnly);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("1..5000 | ForEach-Object { [pscustomobject]@{ N = $_ } } | Export-TokenUsage u.jsonl");

            Assert.Equal("AccessDenied,RlmTokens.Cmdlets.ExportTokenUsageCommand", Assert.Single(ps.Errors).FullyQualifiedErrorId);
            Assert.Equal("keep\n", ws.Read("u.jsonl"));
            Assert.Empty(Directory.GetFiles(ws.Root, "*.tmp"));
        }

        [Fact]
        public void StoppedPipeline_ShouldLeaveTheTargetAndNoTemporaryFile()
        {
            using TempWorkspace ws = Samples();
            ws.Write("u.csv", "keep", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            // The producer fails after 3,000 rows: Export-TokenUsage has written them to its temporary file, never
            // reaches its end, and is disposed.
            ps.Run("& { foreach ($i in 1..5000) { [pscustomobject]@{ N = $i }; if ($i -eq 3000) { throw 'producer failed' } } } | Export-TokenUsage u.csv");

            Assert.Equal("keep", ws.Read("u.csv"));
            Assert.Empty(Directory.GetFiles(ws.Root, "*.tmp"));
        }
    }
}
