using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using RlmTokens.Budgets;
using RlmTokens.Export;
using RlmTokens.OtherTrackers;
using RlmTokens.Usage;

namespace RlmTokens.Core.Tests
{
    public sealed class BudgetAndExportCoreTests
    {
        private static UsageFigure F(string key, string source, long tokens, decimal cost, UsagePrecision tp, UsagePrecision cp) =>
            new UsageFigure { Key = key, SessionId = key, Source = source, Tokens = tokens, CostUsd = cost, TokensPrecision = tp, CostPrecision = cp };

        [Fact]
        public void Combine_SameSessionInTwoSources_ShouldKeepTheMorePreciseFigurePerUnit()
        {
            var figures = new[]
            {
                F("S-1", "DailyFiles", 100000, 2.0m, UsagePrecision.Estimated, UsagePrecision.Exact),
                F("S-1", "Transcripts", 12800, 1.1m, UsagePrecision.Exact, UsagePrecision.Estimated),
                F("S-2", "OpenSession", 500, 0.01m, UsagePrecision.Estimated, UsagePrecision.Estimated),
            };

            UsageTotal total = UsageCombiner.Combine(figures);

            Assert.Equal(12800 + 500, total.Tokens);
            Assert.Equal(2.01m, total.CostUsd);
            Assert.Equal(UsagePrecision.Mixed, total.TokensPrecision);
            Assert.Equal(new[] { "OpenSession", "Transcripts" }, total.TokenSources);
            Assert.Equal(new[] { "DailyFiles", "OpenSession" }, total.CostSources);
            Assert.Equal(2, total.Entries);
        }

        [Fact]
        public void Combine_EquallyPreciseFigures_ShouldKeepTheFirstSource()
        {
            UsageTotal total = UsageCombiner.Combine(new[]
            {
                F("S-1", "DailyFiles", 10, 1m, UsagePrecision.Estimated, UsagePrecision.Exact),
                F("S-1", "OpenSession", 99, 9m, UsagePrecision.Estimated, UsagePrecision.Estimated),
            });

            Assert.Equal((10L, 1.0m), (total.Tokens, total.CostUsd));
        }

        [Theory]
        [InlineData(0.49, BudgetState.Ok)]
        [InlineData(0.5, BudgetState.Warning)]
        [InlineData(0.75, BudgetState.Critical)]
        [InlineData(0.999, BudgetState.Critical)]
        [InlineData(1.0, BudgetState.Exceeded)]
        public void StateOf_FractionOfLimit_ShouldFollowTheDefaultThresholds(double fraction, BudgetState expected)
        {
            Assert.Equal(expected, BudgetChecker.StateOf(fraction, new BudgetSettings()));
        }

        [Fact]
        public void Csv_FieldsNeedingQuotes_ShouldBeQuotedAndDoubled()
        {
            var table = new ExportTable(new[] { "A", "B", "C" });
            table.Rows.Add(new object?[] { "x,y", "say \"hi\"", " edge" });
            table.Rows.Add(new object?[] { null, 1.5, true });

            Assert.Equal("A,B,C\r\n\"x,y\",\"say \"\"hi\"\"\",\" edge\"\r\n,1.5,true\r\n", TableWriters.Csv(table));
        }

        [Fact]
        public void Markdown_NumericColumns_ShouldTotalAllButRatiosAndEscapePipes()
        {
            var table = new ExportTable(new[] { "Name", "Tokens", "Percent" });
            table.Rows.Add(new object?[] { "a|b", 10L, 50.0 });
            table.Rows.Add(new object?[] { "c", 5L, 25.0 });

            string[] lines = TableWriters.Markdown(table, "T").Split('\n');

            Assert.Equal("| a\\|b | 10 | 50 |", lines[4]);
            Assert.Equal("| **Total** (2 rows) | **15** |  |", lines[6]);
        }

        [Fact]
        public void Json_Values_ShouldKeepTypesAndIsoTimes()
        {
            var table = new ExportTable(new[] { "When", "Day", "N", "X", "Ok", "P" });
            table.Rows.Add(new object?[] { new System.DateTimeOffset(2026, 11, 23, 9, 15, 0, System.TimeSpan.Zero), new System.DateTime(2026, 11, 22), 3L, 0.1, false, UsagePrecision.Mixed });

            using JsonDocument doc = JsonDocument.Parse(TableWriters.Json(table));
            JsonElement o = doc.RootElement[0];

            Assert.Equal("2026-11-23T09:15:00Z", o.GetProperty("When").GetString());
            Assert.Equal("2026-11-22", o.GetProperty("Day").GetString());
            Assert.Equal(JsonValueKind.Number, o.GetProperty("N").ValueKind);
            Assert.Equal(0.1, o.GetProperty("X").GetDouble());
            Assert.Equal(JsonValueKind.False, o.GetProperty("Ok").ValueKind);
            Assert.Equal("Mixed", o.GetProperty("P").GetString());
        }

        [Theory]
        [InlineData("r.csv", ExportFormat.Csv)]
        [InlineData("r.JSON", ExportFormat.Json)]
        [InlineData("r.ndjson", ExportFormat.Jsonl)]
        [InlineData("r.markdown", ExportFormat.Markdown)]
        [InlineData("r.txt", null)]
        public void FormatOf_Extension_ShouldInferTheFormat(string path, ExportFormat? expected)
        {
            Assert.Equal(expected, TableWriters.FormatOf(path));
        }

        [Theory]
        [InlineData("12.5", 12.5)]
        [InlineData("\"850ms\"", 0.85)]
        [InlineData("\"2m\"", 120)]
        [InlineData("\"00:01:05\"", 65)]
        [InlineData("null", 0)]
        public void Seconds_DurationForms_ShouldBeRead(string json, double expected)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            Assert.Equal(expected, OtherTrackerReader.Seconds(doc.RootElement), 6);
        }
    }
}
