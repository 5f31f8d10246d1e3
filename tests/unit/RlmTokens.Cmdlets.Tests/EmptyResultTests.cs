using System;
using System.IO;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Get-TokenUsage's -History, -Log and -Source paths say why a result is empty, and its -Since/-Until take
    /// ccusage's yyyyMMdd dates (as a number or a string) beside PowerShell's own forms.
    /// </summary>
    public sealed class EmptyResultTests
    {
        private static TempWorkspace Samples() => Capture.Samples();

        [Theory]
        [InlineData("-Since 20261116 -Until 20261118")]
        [InlineData("-Since '20261116' -Until '20261118'")]
        [InlineData("-After 20261116 -Before 2026-11-18")]
        public void History_YyyyMMddDates_ShouldSelectTheSameDaysAsIsoDates(string range)
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            var compact = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History " + range);
            var iso = ps.RunAs<TokenUsageDay>("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-18");

            Assert.Equal(new[] { "2026-11-16", "2026-11-17", "2026-11-18" }, compact.Select(d => d.Date.ToString("yyyy-MM-dd")));
            Assert.Equal(iso.Select(d => d.TotalTokens), compact.Select(d => d.TotalTokens));
            Assert.Empty(ps.Warnings);
        }

        [Theory]
        [InlineData("20261332")]
        [InlineData("2026111")]
        public void History_EightDigitsThatAreNoDate_ShouldNotBeTakenAsADay(string value)
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Get-TokenUsage -History -Since '" + value + "'");

            // Left to PowerShell's own conversion, which refuses it: never a wrong day.
            ErrorRecord e = Assert.Single(ps.Errors);
            Assert.IsType<ParameterBindingException>(e.Exception);
            Assert.Equal("CannotConvertArgumentNoMessage,RlmTokens.Cmdlets.GetTokenUsageCommand", e.FullyQualifiedErrorId);
        }

        [Fact]
        public void History_RangeWithoutDailyFiles_ShouldWarnWithTheDaysTheFilesCover()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenUsage -History -Since 20260801 -Until 20260807"));

            string warning = Assert.Single(ps.Warnings).Message;
            Assert.Contains("No daily file between 2026-08-01 and 2026-08-07", warning);
            Assert.Contains("7 daily file(s) cover 2026-11-16 to 2026-11-22", warning);
        }

        [Fact]
        public void History_SinceAfterUntil_ShouldSaySo()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenUsage -History -Since 2026-11-20 -Until 2026-11-16"));

            Assert.Equal("-Since 2026-11-20 is after -Until 2026-11-16: no day lies between them.", Assert.Single(ps.Warnings).Message);
        }

        [Fact]
        public void History_WorkspaceWithoutDailyFiles_ShouldPointAtTranscripts()
        {
            using var ws = new TempWorkspace(withRlm: true);
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenUsage -History -Since 2026-11-16"));

            string warning = Assert.Single(ps.Warnings).Message;
            Assert.Contains("No daily files", warning);
            Assert.Contains("Get-TokenUsage -Transcript", warning);
        }

        [Fact]
        public void History_WithDays_ShouldNotWarn()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(7, ps.RunClean("Get-TokenUsage -History -Until 20261122 -Days 7").Count);
            Assert.Empty(ps.Warnings);
        }

        [Fact]
        public void Log_MissingAndEmpty_ShouldEachSayWhich()
        {
            using var ws = new TempWorkspace(withRlm: true);
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenUsage -Log"));
            Assert.StartsWith("There is no token log at", Assert.Single(ps.Warnings).Message);

            ws.Write("RLM/progress/token-usage.log", "");
            Assert.Empty(ps.RunClean("Get-TokenUsage -Log"));
            Assert.StartsWith("The token log", Assert.Single(ps.Warnings).Message);
            Assert.Contains("holds no records", ps.Warnings[0].Message);
        }

        [Fact]
        public void Log_WithRecords_ShouldNotWarn()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.NotEmpty(ps.RunClean("Get-TokenUsage -Log"));
            Assert.Empty(ps.Warnings);
        }

        [Fact]
        public void Source_FolderWithoutFiles_AndFilesWithoutRows_ShouldEachWarn()
        {
            using var ws = new TempWorkspace(withRlm: true);
            using var ps = new PowerShellHost(ws.Root);
            Directory.CreateDirectory(ws.PathOf("reports"));

            Assert.Empty(ps.RunClean("Get-TokenUsage -Source MemoryBanker -LiteralPath reports"));
            Assert.StartsWith("No MemoryBanker files were found at", Assert.Single(ps.Warnings).Message);

            ws.Write("empty.log", "");
            Assert.Empty(ps.RunClean("Get-TokenUsage -Source RlmLog -LiteralPath empty.log"));
            Assert.Equal("The RlmLog files read (1) hold no usage rows.", Assert.Single(ps.Warnings).Message);
        }

        [Fact]
        public void Transcript_ProjectThatMatchesNothing_ShouldWarnAndSuggestTheWildcard()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(ps.RunClean("Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -Project acme -NoCache"));
            string warning = Assert.Single(ps.Warnings).Message;
            Assert.Contains("try -Project '*acme*'", warning);
            Assert.Contains("-home-dev-work-acme-api", warning);

            Assert.NotEmpty(ps.RunClean("Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -Project '*acme*' -NoCache"));
            Assert.Empty(ps.Warnings);
        }
    }
}
