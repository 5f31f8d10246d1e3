using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Argument completion through CommandCompletion.CompleteInput in the hosted engine, as the console's Tab does.</summary>
    public sealed class CompletionTests
    {
        private const string Probe =
            "function Test-RlmCompletion { param(" +
            "[ArgumentCompleter([RlmTokens.Cmdlets.Completion.ModelCompleter])] [string] $Model, " +
            "[ArgumentCompleter([RlmTokens.Cmdlets.Completion.AgentCompleter])] [string] $Agent, " +
            "[ArgumentCompleter([RlmTokens.Cmdlets.Completion.TaskIdCompleter])] [string] $Task, " +
            "[ArgumentCompleter([RlmTokens.Cmdlets.Completion.SessionIdCompleter])] [string] $SessionId, " +
            "[string] $Path) }";

        /// <summary>What Tab offers at the end of <paramref name="input"/> (TabExpansion2, as the console calls it).</summary>
        internal static List<string> Complete(PowerShellHost ps, string input)
        {
            PSObject result = Assert.Single(ps.RunClean("TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length", input));
            var completion = Assert.IsType<CommandCompletion>(result.BaseObject);
            return completion.CompletionMatches.Select(m => m.CompletionText).ToList();
        }

        /// <summary>A copy of samples/ with two task files.</summary>
        internal static TempWorkspace SampleWorkspace()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            ws.Write("RLM/tasks/active/TASK-015.md", "# TASK-015\n");
            ws.Write("RLM/tasks/completed/TASK-009.md", "# TASK-009\n");
            return ws;
        }

        [Fact]
        public void SessionId_OfAddTokenEstimate_ShouldOfferOpenArchivedAndCostSessions()
        {
            using TempWorkspace ws = SampleWorkspace();
            ws.Write("RLM/progress/token-usage/SESSION-2026-11-21-080000.json", "{ \"session_id\": \"SESSION-2026-11-21-080000\" }");
            using var ps = new PowerShellHost(ws.Root);

            List<string> matches = Complete(ps, "Add-TokenEstimate -SessionId SESSION-2026-11-2");

            Assert.Equal(new[] { "SESSION-2026-11-21-080000", "SESSION-2026-11-22-124012", "SESSION-2026-11-23-091500" }, matches);
        }

        [Fact]
        public void SessionId_WithPathOnTheCommandLine_ShouldReadThatWorkspace()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(System.IO.Path.GetTempPath());

            List<string> matches = Complete(ps, "Add-TokenEstimate -Path '" + ws.Root + "' -SessionId session-2026-11-23");

            Assert.Equal(new[] { "SESSION-2026-11-23-091500" }, matches);
        }

        [Fact]
        public void SubagentType_ShouldOfferRlmTypesCaseInsensitively()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "research", "reviewer" }, Complete(ps, "Add-TokenEstimate -Operation Subagent -SubagentType RE"));
        }

        [Fact]
        public void Operation_IsAnEnum_ShouldCompleteItsValues()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "Subagent" }, Complete(ps, "Add-TokenEstimate -Operation Su"));
        }

        [Fact]
        public void Model_ShouldOfferModelsPricedInProjectConfig()
        {
            using TempWorkspace ws = SampleWorkspace();
            ws.Write("RLM/config/project-config.json", "{ \"tokenTracking\": { \"costPerToken\": { \"house-model-input\": 0.000001, \"house-model-output\": 0.000002 } } }");
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean(Probe);

            Assert.Equal(new[] { "house-model" }, Complete(ps, "Test-RlmCompletion -Model ho"));
        }

        [Fact]
        public void Agent_ShouldOfferSessionAgentsAndSubagentTypes_QuotingNamesWithSpaces()
        {
            using TempWorkspace ws = SampleWorkspace();
            ws.Write("RLM/progress/token-usage/current-session.json",
                "{ \"session_id\": \"SESSION-2026-11-23-091500\", \"subagent_calls\": { \"agent\": \"code auditor\", \"task\": \"TASK-020\" } }");
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean(Probe);

            // 'code auditor' from the open session, coder from RLM's table, copilot from the token log.
            Assert.Equal(new[] { "'code auditor'", "coder", "copilot" }, Complete(ps, "Test-RlmCompletion -Agent co"));
        }

        [Fact]
        public void TaskId_ShouldOfferSessionTasksAndTaskFiles()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean(Probe);

            // TASK-012 and TASK-013 are the token log's.
            Assert.Equal(new[] { "TASK-009", "TASK-012", "TASK-013", "TASK-014", "TASK-015" }, Complete(ps, "Test-RlmCompletion -Task task-0"));
        }

        [Fact]
        public void AddTokenUsage_TaskAgentAndModel_ShouldCompleteFromTheWorkspace()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(new[] { "TASK-012", "TASK-013", "TASK-014", "TASK-015" }, Complete(ps, "Add-TokenUsage -Task TASK-01"));
            Assert.Equal(new[] { "research", "reviewer" }, Complete(ps, "Add-TokenUsage -Agent re"));
            Assert.Contains("claude-sonnet-4", Complete(ps, "Add-TokenUsage -Model claude-s"));
        }

        [Fact]
        public void Completers_OnCorruptFiles_ShouldOfferNothingAndNeverThrow()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/current-session.json", "{ not json");
            ws.Write("RLM/config/project-config.json", "[1, 2");
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean(Probe);

            Assert.Empty(Complete(ps, "Test-RlmCompletion -Task T"));
            Assert.Empty(Complete(ps, "Test-RlmCompletion -Model house"));
            Assert.Empty(Complete(ps, "Test-RlmCompletion -SessionId S"));
        }
    }
}
