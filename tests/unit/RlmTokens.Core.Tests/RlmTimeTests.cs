using System;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    public sealed class RlmTimeTests
    {
        [Theory]
        [InlineData("20260801", 2026, 8, 1)]
        [InlineData(" 20240229 ", 2024, 2, 29)]
        [InlineData("00010101", 1, 1, 1)]
        public void TryParseCompactDate_WithYyyyMMdd_ShouldGiveThatDay(string text, int y, int m, int d)
        {
            Assert.True(RlmTime.TryParseCompactDate(text, out DateTime day));
            Assert.Equal(new DateTime(y, m, d), day);
            Assert.Equal(DateTimeKind.Unspecified, day.Kind);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("2026-08-01")]
        [InlineData("2026081")]
        [InlineData("202608011")]
        [InlineData("20261301")]
        [InlineData("20230229")]
        [InlineData("2026O801")]
        [InlineData("+2026080")]
        [InlineData("٢٠٢٦٠٨٠١")]
        public void TryParseCompactDate_WithAnythingElse_ShouldBeFalse(string? text)
        {
            Assert.False(RlmTime.TryParseCompactDate(text, out _));
        }
    }
}
