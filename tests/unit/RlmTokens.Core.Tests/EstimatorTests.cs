using RlmTokens.Estimation;

namespace RlmTokens.Core.Tests
{
    public sealed class EstimatorTests
    {
        private static (long In, long Out, long Added, long Size) Estimate(OperationKind op, long size = 0, string? subagent = null) =>
            Estimator.Estimate(new EstimateRequest { Operation = op, Size = size, SubagentType = subagent }, EstimationSettings.Default);

        [Fact]
        public void Read_ShouldAddQuarterOfSizeToInput() => Assert.Equal((1000L, 0L, 1000L, 4000L), Estimate(OperationKind.Read, 4000));

        [Fact]
        public void Write_ShouldAddQuarterOfSizeToOutput() => Assert.Equal((0L, 250L, 250L, 1000L), Estimate(OperationKind.Write, 1000));

        [Fact]
        public void Edit_ShouldSplitHalfAndThreeTenthsOfTheTokens()
        {
            // 1000 chars -> 250 tokens; input 125, output 75 (RLM: size*0.25*0.5 and size*0.25*0.3).
            Assert.Equal((125L, 75L, 200L, 1000L), Estimate(OperationKind.Edit, 1000));
        }

        [Theory]
        [InlineData("Explore", 4000)]
        [InlineData("research", 5000)]
        [InlineData("reviewer", 6000)]
        [InlineData("architect", 8000)]
        [InlineData("tester", 8000)]
        [InlineData("general-purpose", 8000)]
        [InlineData("designer", 10000)]
        [InlineData("verifier", 10000)]
        [InlineData("coder", 12000)]
        [InlineData("CODER", 12000)]
        [InlineData("something-new", 2000)]
        [InlineData(null, 2000)]
        public void Subagent_ShouldUseRlmTableSplitSixtyForty(string? type, long tokens)
        {
            var (i, o, added, _) = Estimate(OperationKind.Subagent, subagent: type);
            Assert.Equal(tokens, added);
            Assert.Equal(System.Math.Round(tokens * 0.6), i);
            Assert.Equal(System.Math.Round(tokens * 0.4), o);
        }

        [Fact]
        public void Tool_ShouldAddFiftyInputTokens() => Assert.Equal((50L, 0L, 50L, 0L), Estimate(OperationKind.Tool));

        [Fact]
        public void Rounding_ShouldBeBankersAsPowerShellMathRound()
        {
            // 10 chars * 0.25 = 2.5 -> 2 ; 14 chars -> 3.5 -> 4
            Assert.Equal(2, Estimate(OperationKind.Read, 10).In);
            Assert.Equal(4, Estimate(OperationKind.Read, 14).In);
        }

        [Fact]
        public void Size_WhenZero_ShouldMeasureTheFileOnDisk()
        {
            using var dir = new TempDir();
            string file = dir.Write("a.txt", new string('z', 80));
            var r = Estimator.Estimate(new EstimateRequest { Operation = OperationKind.Read, FilePath = file }, EstimationSettings.Default);
            Assert.Equal(20, r.Input);
        }

        [Fact]
        public void Settings_FromConfig_ShouldOverrideOnlyGivenKeys()
        {
            var config = new RlmTokens.Storage.EstimationConfig
            {
                TokensPerChar = 0.3,
                SubagentTokens = new System.Collections.Generic.Dictionary<string, long> { ["coder"] = 20000, ["planner"] = 7000 },
            };
            EstimationSettings s = EstimationSettings.From(config);
            Assert.Equal(0.3, s.TokensPerChar);
            Assert.Equal(0.5, s.EditInputRatio);
            Assert.Equal(20000, s.TokensForSubagent("coder"));
            Assert.Equal(7000, s.TokensForSubagent("planner"));
            Assert.Equal(4000, s.TokensForSubagent("Explore"));
        }
    }
}
