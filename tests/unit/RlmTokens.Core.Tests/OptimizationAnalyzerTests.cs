using System.Linq;
using RlmTokens.Optimization;

namespace RlmTokens.Core.Tests
{
    public sealed class OptimizationAnalyzerTests
    {
        [Theory]
        [InlineData(9999, "Excellent")]
        [InlineData(10000, "Good")]
        [InlineData(19999, "Good")]
        [InlineData(20000, "Fair")]
        [InlineData(34999, "Fair")]
        [InlineData(35000, "Poor")]
        public void Rate_TokensPerTask_ShouldFollowRlmBands(double perTask, string rating)
        {
            Assert.Equal(rating, OptimizationSettings.Rate(perTask).Rating);
        }

        [Fact]
        public void Analyze_ExactCacheFigures_ShouldFlagOnlySessionsBelowTheShare()
        {
            var input = new OptimizationInput();
            input.Cache.Add(new CacheUsage { Subject = "s-low", InputTokens = 30000, CacheCreationTokens = 50000, CacheReadTokens = 20000 });
            input.Cache.Add(new CacheUsage { Subject = "s-ok", InputTokens = 1000, CacheCreationTokens = 9000, CacheReadTokens = 90000 });

            var findings = OptimizationAnalyzer.Analyze(input, new OptimizationSettings()).ToList();

            TokenOptimizationFinding f = Assert.Single(findings);
            Assert.Equal((OptimizationRule.LowCacheReadShare, "s-low", 0.2, 0.5), (f.Rule, f.Subject, f.Figure, f.Threshold));
            Assert.Equal(FindingSeverity.High, f.Severity);
            Assert.Equal(UsagePrecision.Exact, f.Precision);
        }

        [Fact]
        public void Analyze_ExpensiveModelWithOneSmallTurn_ShouldNotFlagBelowMinimumCount()
        {
            var input = new OptimizationInput();
            input.Turns.Add(new TurnUsage { Model = "claude-opus-4-1", Tokens = 800 });
            input.Turns.Add(new TurnUsage { Model = "claude-opus-4-1", Tokens = 50000 });
            input.Turns.Add(new TurnUsage { Model = "claude-haiku-4-5", Tokens = 300 });
            input.Turns.Add(new TurnUsage { Model = "claude-haiku-4-5", Tokens = 200 });

            Assert.Empty(OptimizationAnalyzer.Analyze(input, new OptimizationSettings()));
        }

        [Theory]
        [InlineData("claude-opus-4-1-20250805", "*opus*", true)]
        [InlineData("claude-sonnet-4", "*opus*", false)]
        [InlineData("gpt-4", "gpt-4", true)]
        [InlineData("gpt-4o-mini", "gpt-4", false)]
        [InlineData("GPT-4-turbo", "gpt-4-*", true)]
        public void Wildcard_Patterns_ShouldMatchCaseInsensitively(string text, string pattern, bool expected)
        {
            Assert.Equal(expected, OptimizationAnalyzer.Wildcard(text, pattern));
        }
    }
}
