using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Export;
using RlmTokens.Json;
using RlmTokens.Pricing;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    /// <summary>
    /// Money as decimal (DESIGN.md section 6) over RLM's files: floats RLM's scripts wrote are read to the
    /// digits a double carries, amounts are written back as JSON numbers with no float noise, amounts past
    /// decimal's range are corrupt data or NumberOutOfRange, never a wrapped figure.
    /// </summary>
    public sealed class MoneyDecimalTests
    {
        private static JsonFileStore Store() => new JsonFileStore(Clocks.At(Clocks.Noon), TimeSpan.FromSeconds(5));

        private const string Daily = "{\r\n    \"date\":  \"2026-11-20\",\r\n    \"sessions\":  [\r\n        { \"session_id\": \"S-1\", \"cost_usd\": 0.30000000000000004, \"estimated_tokens\": 10 },\r\n"
            + "        { \"session_id\": \"S-2\", \"cost_usd\": \"$1.25\", \"estimated_tokens\": 20 }\r\n    ],\r\n"
            + "    \"totals\":  { \"total_cost_usd\": 1.5500000000000003, \"estimated_tokens\": 30.0, \"sessions_count\": 2 }\r\n}";

        [Fact]
        public void Read_DailyFileWithRlmFloats_ShouldGiveTheDecimalsTheFloatsStandFor()
        {
            using var dir = new TempDir();
            string path = dir.Write("daily.json", Daily);

            DailyFile file = Store().Read(path, RlmJsonContext.Files.DailyFile)!;

            Assert.Equal(new[] { 0.3m, 1.25m }, file.Sessions.Select(s => s.CostUsd));
            Assert.Equal(1.55m, file.Totals.TotalCostUsd);
        }

        [Fact]
        public void Rewrite_DailyFile_ShouldKeepJsonNumbersWithoutFloatNoiseOrTrailingZeros()
        {
            using var dir = new TempDir();
            string path = dir.Write("RLM/progress/token-usage/daily-2026-11-20.json", Daily);

            using (FolderTransaction tx = Store().BeginUpdate(Path.GetDirectoryName(path)!, default))
            {
                DailyFile file = tx.Read(path, RlmJsonContext.Files.DailyFile)!;
                file.Sessions[0].CostUsd = 0.1000m;
                tx.Write(path, file, RlmJsonContext.Files.DailyFile);
                tx.Commit();
            }

            string text = File.ReadAllText(path, Encoding.UTF8);
            using JsonDocument doc = JsonDocument.Parse(text);
            JsonElement sessions = doc.RootElement.GetProperty("sessions");
            Assert.Equal(JsonValueKind.Number, sessions[0].GetProperty("cost_usd").ValueKind);
            Assert.Equal("0.1", sessions[0].GetProperty("cost_usd").GetRawText());
            Assert.Equal("1.25", sessions[1].GetProperty("cost_usd").GetRawText());
            Assert.Equal("1.55", doc.RootElement.GetProperty("totals").GetProperty("total_cost_usd").GetRawText());
            Assert.DoesNotContain("0000000", text, StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("1e300")]
        [InlineData("\"NaN\"")]
        [InlineData("\"-Infinity\"")]
        [InlineData("\"twelve\"")]
        public void Read_CostThatIsNoAmount_ShouldBeCorruptDataFile(string cost)
        {
            using var dir = new TempDir();
            string path = dir.Write("e.json", "{ \"estimated_cost_usd\": " + cost + " }");

            Assert.Throws<CorruptDataFileException>(() => Store().Read(path, RlmJsonContext.Files.TokenEstimatesFile));
        }

        [Fact]
        public void Read_CostPerTokenInPowerShellsExponentForm_ShouldBeTheExactDecimal()
        {
            // Windows PowerShell's ConvertTo-Json writes 0.000003 as 3E-06.
            using var dir = new TempDir();
            string path = dir.Write("project-config.json", "{ \"tokenTracking\": { \"costPerToken\": { \"m-input\": 3E-06, \"m-output\": 1.5e-05 } } }");

            ProjectConfigFile config = Store().Read(path, RlmJsonContext.Files.ProjectConfigFile)!;
            PriceTable table = PriceTable.Create(null, config.TokenTracking!.CostPerToken);

            Assert.Equal(0.000003m, config.TokenTracking.CostPerToken!["m-input"]);
            Assert.Equal(0.000018m, table.Find("m")!.Cost(1, 1, 0, 0, 0));
        }

        [Fact]
        public void Cost_FromBuiltInPrices_ShouldBeExactDecimal()
        {
            // 100,003 Sonnet input tokens at $3 per million: exactly 0.300009, and the list price per token is exact too.
            ModelPrice sonnet = PriceTable.BuiltIn.Find("claude-sonnet-4-5")!;

            Assert.Equal(0.300009m, sonnet.Cost(100_003, 0, 0, 0, 0));
            Assert.Equal(0.0000003m, PriceTable.BuiltIn.Find("gemini-2.5-flash")!.InputPerToken);
        }

        [Fact]
        public void Usd_Exact_ShouldDropTrailingZerosAndFromDoubleShouldKeepFifteenDigits()
        {
            Assert.Equal("1.25", Usd.Exact(1.2500m).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal("0", Usd.Exact(0.000m).ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(0.4265513m, Usd.FromDouble(0.4265512999999999));
            Assert.Null(Usd.FromDouble(double.NaN));
            Assert.Null(Usd.FromDouble(1e29));
        }

        [Fact]
        public void Usd_Sum_PastDecimalsRange_ShouldBeNumberOutOfRange()
        {
            var e = Assert.Throws<InvalidArgumentException>(() => Usd.Sum(new[] { decimal.MaxValue, 1m }, 6, "daily.json"));
            Assert.Equal(("NumberOutOfRange", (object)"daily.json"), (e.ErrorId, e.Target));
        }

        [Fact]
        public void EstimateCost_AtAPricePastDecimalsRange_ShouldBeNumberOutOfRange()
        {
            var settings = new Estimation.EstimationSettings { InputUsdPerMillion = decimal.MaxValue / 2 };

            Assert.Equal(0.000018m, new Estimation.EstimationSettings().CostUsd(1, 1));
            var e = Assert.Throws<InvalidArgumentException>(() => settings.CostUsd(1_000, 0));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
        }

        [Fact]
        public void ExportValues_Decimal_ShouldWriteTheDigitsItCarries()
        {
            Assert.Equal("0.4265513", ExportValues.Text(0.42655130m));
            Assert.Equal("12", ExportValues.Text(12.000m));
        }
    }
}
