using System;
using System.IO;
using System.Text;
using RlmTokens.Export;

namespace RlmTokens.Core.Tests
{
    public sealed class ExportStreamTests
    {
        private static readonly string[] Columns = { "Name", "Tokens" };

        [Theory]
        [InlineData(ExportFormat.Csv)]
        [InlineData(ExportFormat.Json)]
        [InlineData(ExportFormat.Jsonl)]
        [InlineData(ExportFormat.Markdown)]
        public void Dispose_WithoutCommit_ShouldLeaveTheTargetAndDeleteTheTemporaryFile(ExportFormat format)
        {
            using var dir = new TempDir();
            string path = dir.Write("out.txt", "old");
            using (ExportStream export = ExportStream.Open(path, Columns, new ExportOptions { Format = format }))
            {
                for (int i = 0; i < 10_000; i++) { export.Write(new object?[] { "row " + i, (long)i }); }
                Assert.Single(Directory.GetFiles(dir.Root, ".out.txt.*.tmp"));
            }
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(dir.Root, "*.tmp"));
        }

        [Theory]
        [InlineData(ExportFormat.Csv, "")]
        [InlineData(ExportFormat.Csv, "\uFEFFName,Tokens\r\na,1")]
        [InlineData(ExportFormat.Csv, "  \r\n")]
        [InlineData(ExportFormat.Jsonl, "{\"Name\":\"a\"}")]
        [InlineData(ExportFormat.Jsonl, "\n\n")]
        [InlineData(ExportFormat.Json, "[{\"Name\":\"a\",\"Tokens\":1}]")]
        [InlineData(ExportFormat.Json, "  ")]
        [InlineData(ExportFormat.Markdown, "## Old\n\n| x |\n\r\n\n")]
        [InlineData(ExportFormat.Markdown, "\n\r\n")]
        public void Append_ShouldEqualTheOldTextFollowedByTheNewRows(ExportFormat format, string existing)
        {
            using var dir = new TempDir();
            string path = dir.Write("out.txt", existing);
            var table = new ExportTable(Columns);
            table.Rows.Add(new object?[] { "b, \"c\"", 2L });
            table.Rows.Add(new object?[] { null, 3L });

            TableExporter.Write(path, table, new ExportOptions { Format = format, Append = true });

            string old = existing.TrimStart('\uFEFF');
            bool content = old.Trim().Length > 0;
            string expected = format switch
            {
                ExportFormat.Csv => content ? old + "\r\n" + TableWriters.Csv(table, header: false) : old + TableWriters.Csv(table),
                ExportFormat.Jsonl => (content ? old + "\n" : old) + "{\"Name\":\"b, \\\"c\\\"\",\"Tokens\":2}\n{\"Name\":null,\"Tokens\":3}\n",
                ExportFormat.Markdown => (content ? old.TrimEnd('\r', '\n') + "\n\n" : old) + TableWriters.Markdown(table, "Token usage"),
                _ => null!,
            };
            string written = File.ReadAllText(path, new UTF8Encoding(false));
            if (format == ExportFormat.Json)
            {
                using var doc = System.Text.Json.JsonDocument.Parse(written);
                Assert.Equal(content ? 3 : 2, doc.RootElement.GetArrayLength());
                Assert.EndsWith("]\n", written);
                return;
            }
            Assert.Equal(expected, written);
        }

        [Fact]
        public void Csv_ManyRows_ShouldEqualTheWholeTableText()
        {
            using var dir = new TempDir();
            string path = Path.Combine(dir.Root, "many.csv");
            var table = new ExportTable(Columns);
            for (int i = 0; i < 50_000; i++) { table.Rows.Add(new object?[] { i % 3 == 0 ? " lead" : "n" + i, (long)i * 1_000_003 }); }

            TableExporter.Write(path, table, new ExportOptions { Format = ExportFormat.Csv });

            Assert.Equal(TableWriters.Csv(table), File.ReadAllText(path));
        }
    }
}
