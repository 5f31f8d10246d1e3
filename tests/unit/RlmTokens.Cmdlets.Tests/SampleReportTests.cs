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
            Assert.Contains("7 days, 4,253,333 tokens, $38.28", r.Stdout);
            Assert.Contains("claude-sonnet-4-6", r.Stdout);
            Assert.Contains("Monthly", r.Stdout);
            Assert.DoesNotContain("Exception", r.Stderr);
        }
    }
}
