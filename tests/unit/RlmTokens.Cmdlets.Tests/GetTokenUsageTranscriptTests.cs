using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class GetTokenUsageTranscriptTests
    {
        private static string SampleTranscripts => Path.Combine(Repo.Samples, "transcripts");

        [Fact]
        public void Transcript_ByDayAndModelOnSamples_ShouldEqualTheManifest()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(SampleTranscripts, "manifest.json")));
            JsonElement expected = manifest.RootElement.GetProperty("expected");

            var days = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -TimeZone UTC -NoCache", SampleTranscripts);
            Assert.Empty(ps.Errors);
            Assert.Equal(expected.GetProperty("days").EnumerateObject().Select(d => d.Name), days.Select(d => d.GroupKey));
            foreach (TranscriptUsageRow row in days)
            {
                JsonElement e = expected.GetProperty("days").GetProperty(row.GroupKey);
                Assert.Equal(e.GetProperty("output").GetInt64(), row.OutputTokens);
                Assert.Equal(e.GetProperty("cacheRead").GetInt64(), row.CacheReadTokens);
                Assert.Equal(e.GetProperty("cost").GetDecimal(), row.CostUsd!.Value, 9);
                Assert.Equal(UsagePrecision.Exact, row.Precision);
            }

            var models = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -GroupBy Model -NoCache", SampleTranscripts);
            Assert.Equal(expected.GetProperty("models").EnumerateObject().Select(m => m.Name).OrderBy(x => x, StringComparer.Ordinal), models.Select(m => m.GroupKey));
        }

        [Fact]
        public void Transcript_WithCacheFolderAndExportCsv_ShouldWriteFlatRowsAndReuseTheCache()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -GroupBy Session -CacheFolder ./cache | Export-Csv ./sessions.csv -NoTypeInformation", SampleTranscripts);
            string csv = ws.Read("sessions.csv");
            Assert.Contains("\"InputTokens\",\"OutputTokens\",\"CacheCreationTokens\",\"CacheReadTokens\",\"TotalTokens\",\"CostUsd\"", csv);
            Assert.Single(Directory.GetFiles(ws.PathOf("cache"), "transcripts-*.bin"));
            ps.RunClean("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -CacheFolder ./cache -Verbose", SampleTranscripts);
            Assert.Contains(ps.Verbose, v => v.Message.Contains("6 answered from the cache"));
        }

        [Fact]
        public void Transcript_WithMalformedLineAndUnknownModel_ShouldWarnAndMarkCostUnknown()
        {
            using var ws = new TempWorkspace();
            string file = ws.Write("claude/projects/-x/s.jsonl",
                "{\"type\":\"assistant\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"sessionId\":\"s\",\"requestId\":\"r\",\"message\":{\"id\":\"m\",\"model\":\"mystery-9\",\"usage\":{\"input_tokens\":5,\"output_tokens\":7}}}\n"
                + "{\"type\":\"assistant\",\"message\":{\"usage\":{\"input_tokens\":\n", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);
            TranscriptUsageRow row = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC").Single();
            Assert.Empty(ps.Errors);
            Assert.Null(row.CostUsd);
            Assert.False(row.CostKnown);
            Assert.Equal(12, row.TotalTokens);
            Assert.Contains(ps.Warnings, w => w.Message.Contains("1 malformed") && w.Message.Contains(file + ":2"));
            Assert.Contains(ps.Warnings, w => w.Message.Contains("mystery-9"));
        }

        [Fact]
        public void Transcript_WithBadArguments_ShouldWriteStableErrors()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.Run("Get-TokenUsage -Transcript -TranscriptRoot ./none");
            ErrorRecord missing = ps.SingleError("FileNotFound,RlmTokens.Cmdlets.GetTokenUsageCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, missing.CategoryInfo.Category);
            ps.Run("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -TimeZone Nowhere/Never", SampleTranscripts);
            Assert.Equal("Nowhere/Never", ps.SingleError("UnknownTimeZone,RlmTokens.Cmdlets.GetTokenUsageCommand").TargetObject);
            ps.Run("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -GroupBy Tool", SampleTranscripts);
            Assert.Equal(ErrorCategory.InvalidArgument, ps.SingleError("GroupingNotSupported,RlmTokens.Cmdlets.GetTokenUsageCommand").CategoryInfo.Category);
        }

        [Fact]
        public void Transcript_WithoutRootAndNoTranscripts_ShouldWarn()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            // The process environment is shared: restore it at once.
            ps.Run("$h = $env:HOME; $c = $env:CLAUDE_CONFIG_DIR; try { $env:CLAUDE_CONFIG_DIR = $args[0]; $env:HOME = $args[0]; Get-TokenUsage -Transcript -NoCache } finally { $env:HOME = $h; $env:CLAUDE_CONFIG_DIR = $c }", ws.PathOf("empty"));
            Assert.Empty(ps.Errors);
            Assert.Single(ps.Warnings);
        }
    }

    public sealed class GetTokenPriceTests
    {
        [Theory]
        [InlineData("RlmTokens.TranscriptUsageRow", typeof(TranscriptUsageRow))]
        [InlineData("RlmTokens.ModelPrice", typeof(ModelPrice))]
        public void FormatFile_ViewsOfTranscriptTypes_ShouldNameRealProperties(string typeName, Type type)
        {
            var doc = System.Xml.Linq.XDocument.Load(Path.Combine(Repo.Root, "module", "RlmTokens.format.ps1xml"));
            var views = doc.Descendants("View").Where(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value.Split('#')[0] == typeName)).ToList();
            Assert.NotEmpty(views);
            foreach (var name in views.SelectMany(v => v.Descendants("PropertyName")).Select(p => p.Value))
            {
                Assert.NotNull(type.GetProperty(name));
            }
            Assert.All(views.Where(v => v.Element("TableControl") is not null && v.Element("Name")!.Value != "Wide"), v => Assert.True(v.Descendants("TableColumnHeader").Count() <= 6));
        }

        [Fact]
        public void GetTokenPrice_WithDatedAndWildcardNames_ShouldReturnPrices()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ModelPrice p = ps.RunAs<ModelPrice>("Get-TokenPrice -Model claude-sonnet-4-5-20250929").Single();
            Assert.Equal(3e-6m, p.InputPerToken, 15);
            Assert.Equal(6e-6m, p.InputAbove200kPerToken!.Value, 15);
            var opus = ps.RunAs<ModelPrice>("'claude-opus*' | Get-TokenPrice");
            Assert.True(opus.Count >= 3);
            Assert.All(opus, o => Assert.StartsWith("claude-opus", o.Model));
        }

        [Fact]
        public void GetTokenPrice_WithProjectConfigAndPriceFile_ShouldApplyOverrides()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/config/project-config.json", "{ \"tokenTracking\": { \"costPerToken\": { \"claude-haiku-4-5-input\": 2e-6 } } }");
            ws.Write("prices.json", "{ \"my-model\": { \"input_cost_per_token\": 1e-7, \"output_cost_per_token\": 2e-7 } }", bom: false);
            using var ps = new PowerShellHost(ws.Root);
            ModelPrice haiku = ps.RunAs<ModelPrice>("Get-TokenPrice claude-haiku-4-5").Single();
            Assert.Equal(2e-6m, haiku.InputPerToken, 15);
            Assert.Equal(PriceSource.ProjectConfig, haiku.Source);
            ModelPrice mine = ps.RunAs<ModelPrice>("Get-TokenPrice my-model -PriceFile ./prices.json").Single();
            Assert.Equal(PriceSource.PriceFile, mine.Source);
        }

        [Fact]
        public void GetTokenPrice_WithUnknownModelOrMissingFile_ShouldWriteErrors()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.Run("Get-TokenPrice nope-model");
            ErrorRecord e = ps.SingleError("ModelPriceNotFound,RlmTokens.Cmdlets.GetTokenPriceCommand");
            Assert.Equal("nope-model", e.TargetObject);
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            ps.Run("Get-TokenPrice -PriceFile ./missing.json");
            ps.SingleError("FileNotFound,RlmTokens.Cmdlets.GetTokenPriceCommand");
        }

        [Fact]
        public void GetTokenPrice_ModelCompletion_ShouldOfferBuiltInNames()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            var matches = ps.Run("$s = 'Get-TokenPrice -Model claude-hai'; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText");
            Assert.Contains(matches, m => m?.ToString() == "claude-haiku-4-5");
        }

        [Fact]
        public void Transcript_WithEachCostMode_ShouldTakeOrIgnoreTheLinesCostUsd()
        {
            using var ws = new TempWorkspace();
            // Sonnet 4.6 at $3 / $15 per million: 1000 x 3e-6 + 100 x 15e-6 = 0.0045 calculated; the first line says 0.25.
            // The second has no costUSD: 2000 x 3e-6 + 200 x 15e-6 = 0.009.
            ws.Write("claude/projects/-x/s.jsonl",
                "{\"type\":\"assistant\",\"timestamp\":\"2026-09-01T10:00:00Z\",\"sessionId\":\"s\",\"requestId\":\"r1\",\"message\":{\"id\":\"m1\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":1000,\"output_tokens\":100}},\"costUSD\":0.25}\n"
                + "{\"type\":\"assistant\",\"timestamp\":\"2026-09-01T10:01:00Z\",\"sessionId\":\"s\",\"requestId\":\"r2\",\"message\":{\"id\":\"m2\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":2000,\"output_tokens\":200}}}\n", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);
            TranscriptUsageRow Row(string mode) => ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC" + mode).Single();

            TranscriptUsageRow calculate = Row(string.Empty);
            TranscriptUsageRow auto = Row(" -CostMode Auto");
            TranscriptUsageRow display = Row(" -CostMode Display");

            Assert.Empty(ps.Errors);
            Assert.Equal((0.0135, CostPrecision.Calculated), (Math.Round((double)calculate.CostUsd!.Value, 10), calculate.CostPrecision));
            Assert.Equal((0.259, CostPrecision.Mixed), (Math.Round((double)auto.CostUsd!.Value, 10), auto.CostPrecision));
            Assert.Equal((0.25, CostPrecision.Logged, false), (Math.Round((double)display.CostUsd!.Value, 10), display.CostPrecision, display.CostKnown));
            var matches = ps.Run("$s = 'Get-TokenUsage -Transcript -CostMode '; (TabExpansion2 -inputScript $s -cursorColumn $s.Length).CompletionMatches.CompletionText");
            Assert.Equal(new[] { "Auto", "Calculate", "Display" }, matches.Select(m => m?.ToString()).OrderBy(m => m, StringComparer.Ordinal));
        }
    }
}
