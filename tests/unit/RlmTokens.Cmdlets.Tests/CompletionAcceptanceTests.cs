using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Tab offers only what the command then accepts: for every completer of the module (and the ValidateSet of
    /// -Operation), each value TabExpansion2 offers on a copy of samples/ is passed to the command in that parameter
    /// set, which must bind, validate and run without an argument error.
    /// </summary>
    public sealed class CompletionAcceptanceTests
    {
        private const string Transcript = "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -NoCache";
        private const string Ledger = "Get-TokenUsage -Ledger ./team.db";

        private static List<string> Complete(PowerShellHost ps, string input) => CompletionTests.Complete(ps, input);

        private static TempWorkspace SampleWorkspace() => CompletionTests.SampleWorkspace();

        // command (the parameter set chosen), parameter, the word typed so far, what else the call needs.
        public static IEnumerable<object[]> Cases() => new[]
        {
            new object[] { "Get-TokenUsage -Log", "GroupBy", "", "" },
            new object[] { Transcript, "GroupBy", "", "" },
            new object[] { Transcript + " -Active -Now 2026-11-20", "GroupBy", "", "" },
            new object[] { Transcript, "Breakdown", "", "" },
            new object[] { Ledger, "GroupBy", "", "" },
            new object[] { Ledger, "Model", "", "" },
            new object[] { Transcript, "Project", "", "" },
            new object[] { Transcript, "SessionId", "", "" },
            new object[] { Transcript, "Agent", "", "" },
            new object[] { Transcript, "TimeZone", "Europe/Be", "" },
            new object[] { Transcript, "TokenLimit", "", "" },
            new object[] { "Watch-TokenUsage -Once -TranscriptRoot ./transcripts -NoCache -Now 2026-11-20", "Project", "", "" },
            new object[] { "Watch-TokenUsage -Once -TranscriptRoot ./transcripts -NoCache -Now 2026-11-20", "TimeZone", "UT", "" },
            new object[] { "Add-TokenEstimate -WhatIf", "Operation", "", "" },
            new object[] { "Add-TokenEstimate -Operation Subagent -WhatIf", "SubagentType", "", "" },
            new object[] { "Add-TokenEstimate -Operation Tool -WhatIf", "SessionId", "", "" },
            new object[] { "Add-TokenUsage -Tokens 10 -WhatIf", "Model", "", "" },
            new object[] { "Add-TokenUsage -Tokens 10 -WhatIf", "Agent", "", "" },
            new object[] { "Add-TokenUsage -Tokens 10 -WhatIf", "Task", "", "" },
            new object[] { "Add-TokenUsage -Tokens 10 -WhatIf", "SessionId", "", "" },
            new object[] { "Get-TokenPrice", "Model", "claude-s", "" },
            new object[] { "Get-TokenOptimization", "ExpensiveModel", "", "" },
            new object[] { "Stop-TokenSession -WhatIf", "SessionId", "", "" },
            new object[] { "Register-CompactEvent -Trigger Manual -WhatIf", "SessionId", "", "" },
            new object[] { "Import-SessionCost -CostOutput 'Total cost: $0.10' -WhatIf", "SessionId", "", "" },
        };

        [Theory]
        [MemberData(nameof(Cases))]
        public void EveryOfferedValue_ShouldBeAcceptedByTheCommandInThatParameterSet(string command, string parameter, string word, string tail)
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            if (command.Contains("team.db", System.StringComparison.Ordinal))
            {
                ps.RunClean("Sync-TokenUsage -Ledger ./team.db -TranscriptRoot ./transcripts -NoCache | Out-Null");
            }

            List<string> offered = Complete(ps, command + " -" + parameter + " " + word);

            Assert.NotEmpty(offered);
            foreach (string value in offered)
            {
                ps.Run(command + " -" + parameter + " " + value + " " + tail + " | Out-Null");
                var refused = ps.Errors.Where(e => e.Exception is ParameterBindingException || e.CategoryInfo.Category == ErrorCategory.InvalidArgument).ToList();
                Assert.True(refused.Count == 0, "-" + parameter + " " + value + ": " + string.Join(" | ", refused.Select(e => e.FullyQualifiedErrorId + ": " + e)));
            }
        }

        [Fact]
        public void GroupBy_WithLog_ShouldOfferTheLogsGroupingsOnly_NotWeek()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "Agent", "Branch", "Day", "Model", "Task", "Tool" }, Complete(ps, "Get-TokenUsage -Log -GroupBy "));
            Assert.Empty(Complete(ps, "Get-TokenUsage -Log -GroupBy We"));
            ps.Run("Get-TokenUsage -Log -GroupBy Week");
            Assert.Contains("-Log cannot group by 'Week'", ps.SingleError("GroupingNotSupported,RlmTokens.Cmdlets.GetTokenUsageCommand").ToString());
        }

        [Fact]
        public void GroupBy_PerReport_ShouldOfferWhatThatReportTakes()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "Agent", "Block", "Branch", "Cli", "Day", "Model", "Month", "Project", "Session", "Week" }, Complete(ps, Transcript + " -GroupBy "));
            Assert.Equal(new[] { "Block" }, Complete(ps, Transcript + " -TokenLimit Max -GroupBy "));
            Assert.DoesNotContain("Block", Complete(ps, Transcript + " -Breakdown "));
            Assert.Equal(new[] { "Machine", "Model", "Month" }, Complete(ps, "Get-TokenUsage -Ledger ./x.db -GroupBy M"));
        }

        [Fact]
        public void Operation_ShouldNotOfferUnknown()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "Edit", "Read", "Subagent", "Tool", "Write" }, Complete(ps, "Add-TokenEstimate -Operation ").OrderBy(v => v));
            Assert.Empty(Complete(ps, "Add-TokenEstimate -Operation Unk"));
        }

        [Fact]
        public void Project_ShouldOfferProjectNamesFromTheTranscripts_QuotedSinceTheyStartWithADash_NotFilePaths()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "'-home-dev-work-acme-api'", "'-home-dev-work-web-dashboard'" }, Complete(ps, Transcript + " -Project "));
            Assert.Equal(new[] { "'-home-dev-work-web-dashboard'" }, Complete(ps, Transcript + " -Project '-home-dev-work-w"));
            // A home folder as root (.claude/projects inside), as -TranscriptRoot also takes.
            Assert.Equal(new[] { "'-home-dev-work-acme-api'" }, Complete(ps, "Get-TokenUsage -Transcript -TranscriptRoot ./agents -Project "));
        }

        [Fact]
        public void Model_ShouldOfferThePriceTableTheConfigAndTheLog()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            List<string> models = Complete(ps, "Add-TokenUsage -Model ");

            Assert.Contains("claude-opus-4", models);        // the token log (and the price table)
            Assert.Contains("claude-sonnet-4", models);      // project-config.json's costPerToken
            Assert.Contains("claude-sonnet-4-5", models);    // the built-in price table only
        }

        [Fact]
        public void Task_ShouldOfferTheLogsTasks()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "TASK-101", "TASK-102", "TASK-103", "TASK-104" }, Complete(ps, "Add-TokenUsage -Task TASK-1"));
        }

        [Fact]
        public void Completers_OnABadWorkspaceOrRoot_ShouldOfferNothingAndNeverThrow()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage.log", "{ \"task\": \"TASK-1\", \"model\": ");
            using var ps = new PowerShellHost(ws.Root);

            Assert.Empty(Complete(ps, "Add-TokenUsage -Task TASK-"));
            Assert.Empty(Complete(ps, "Get-TokenUsage -Transcript -TranscriptRoot ./missing -Project "));
            Assert.Empty(Complete(ps, "Get-TokenUsage -Transcript -TranscriptRoot ./missing -SessionId "));
            Assert.Empty(Complete(ps, "Add-TokenUsage -Path /definitely/not/here -Task "));
        }
    }
}
