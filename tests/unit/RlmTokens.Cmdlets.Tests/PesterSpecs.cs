using System;
using System.IO;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Runs every Pester spec in tests/pester inside rlm-pwsh (a separate, fresh pwsh process, so the
    /// module DLLs are not locked by this one), so `dotnet test` runs the Pester specs too. Pester
    /// comes from the env var RLMTOKENS_PESTER that rlm-pwsh sets (the path of Pester.psd1).
    /// </summary>
    [Collection(PesterSpecs.Collection)]
    public sealed class PesterSpecs
    {
        /// <summary>Runs on its own, after the parallel tests: a whole Pester run beside the multi-process lock tests only slows both.</summary>
        public const string Collection = "Pester (runs alone)";

        private readonly ITestOutputHelper _output;

        public PesterSpecs(ITestOutputHelper output) => _output = output;

        [Fact]
        public void InvokePester_OnTestsPester_ShouldPassEverySpec()
        {
            string specs = Path.Combine(Repo.Root, "tests", "pester");
            string command = string.Join("; ",
                "$ErrorActionPreference = 'Stop'",
                "if (-not $env:RLMTOKENS_PESTER) { throw 'RLMTOKENS_PESTER is not set: rebuild tools/RlmTokens.Shell' }",
                "Import-Module $env:RLMTOKENS_PESTER",
                "$c = New-PesterConfiguration",
                "$c.Run.Path = " + ShellProcess.Quote(specs),
                "$c.Run.PassThru = $true",
                "$c.Run.Exit = $false",
                "$c.Output.Verbosity = 'Detailed'",
                "$c.Output.RenderMode = 'Plaintext'",
                "$c.Should.ErrorAction = 'Continue'",
                "$r = Invoke-Pester -Configuration $c",
                "'PESTER-RESULT passed={0} failed={1} skipped={2} notrun={3} containers-failed={4}' -f $r.PassedCount, $r.FailedCount, $r.SkippedCount, $r.NotRunCount, $r.FailedContainersCount");

            ShellProcess.Result r = ShellProcess.Run(command, Repo.Root, timeoutSeconds: 900);
            _output.WriteLine(r.Stdout);
            _output.WriteLine(r.Stderr);

            Match m = Regex.Match(r.Stdout, @"PESTER-RESULT passed=(\d+) failed=(\d+) skipped=(\d+) notrun=(\d+) containers-failed=(\d+)");
            Assert.True(m.Success, "No Pester result (exit " + r.ExitCode + "):" + Environment.NewLine + r.Stdout + r.Stderr);
            int passed = int.Parse(m.Groups[1].Value), failed = int.Parse(m.Groups[2].Value), containers = int.Parse(m.Groups[5].Value);
            Assert.True(failed == 0 && containers == 0, failed + " Pester test(s) and " + containers + " file(s) failed:" + Environment.NewLine + r.Stdout);
            Assert.True(passed > 0, "Pester ran no test:" + Environment.NewLine + r.Stdout);
        }
    }

    [CollectionDefinition(PesterSpecs.Collection, DisableParallelization = true)]
    public sealed class PesterCollection
    {
    }
}
