using System.IO;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>The README's first command: samples/report.ps1 run by rlm-pwsh, as a newcomer runs it.</summary>
    public sealed class SampleReportTests
    {
        [Fact]
        public void ReportScript_OnACopyOfSamples_ShouldPrintEverySectionWithoutError()
        {
            using var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);

            ShellProcess.Result r = ShellProcess.Run(
                "& " + ShellProcess.Quote(Path.Combine(Repo.Samples, "report.ps1")) + " -Path " + ShellProcess.Quote(ws.Root),
                ws.Root);

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            Assert.Contains("SESSION-2026-11-23-091500", r.Stdout);
            // Each report ends with its total (Measure-TokenUsage), under a "Total" heading.
            Assert.Matches(@"Total: 7 rows\s+InputTokens[^\n]*\n[- ]+\n\s+4,253,333\s+38\.28 Estimated", r.Stdout.Replace("\r", string.Empty));
            Assert.Matches(@"Total: 4 rows\s+InputTokens[^\n]*\n[- ]+\n\s+3,466\s+8,076\s+518,573\s+579,014\s+0\.52 Exact", r.Stdout.Replace("\r", string.Empty));
            Assert.Contains("claude-sonnet-4-6", r.Stdout);
            Assert.Contains("Monthly", r.Stdout);
            Assert.DoesNotContain("Exception", r.Stderr);
        }
    }
}
