using System.IO;
using System.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// What the pipeline binds: files to -LiteralPath by their PSPath, records to the parameters of the same names, strings
    /// to the hook or /cost text they are; never an object taken as text because a string parameter accepts anything.
    /// </summary>
    public sealed class PipelineBindingTests
    {
        private static TempWorkspace SampleWorkspace()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        [Fact]
        public void Files_PipedToImportSessionCost_ShouldBindLiteralPath_OneCapturePerFile()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var captured = ps.RunClean("Get-ChildItem ./cost/*.txt | Import-SessionCost -SessionId SESSION-2026-11-22-124012 -CapturedAt 2026-11-22T18:00:00Z -PassThru")
                .Select(o => Assert.IsType<SessionCostRecord>(o.BaseObject)).ToList();

            // One capture per file, each parsed from that file's text (a FileInfo taken as /cost text has no "Total cost:").
            Assert.Equal(2, captured.Count);
            var single = ps.RunClean("Import-SessionCost -LiteralPath ./cost/per-model.txt -SessionId SESSION-2026-11-22-124012 -CapturedAt 2026-11-22T18:00:00Z -PassThru")
                .Select(o => Assert.IsType<SessionCostRecord>(o.BaseObject)).Single();
            Assert.Equal(single.CostUsd, captured.Last().CostUsd);
        }

        [Fact]
        public void Lines_OfGetContent_PipedToImportSessionCost_ShouldStayOneText_ThoughTheyCarryAPSPath()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var captured = ps.RunClean("Get-Content -LiteralPath ./cost/per-model.txt | Import-SessionCost -SessionId SESSION-2026-11-22-124012 -PassThru");

            Assert.Single(captured);
        }

        [Fact]
        public void EstimateRecord_PipedToAddTokenEstimate_ShouldBindByPropertyName_NotAsHookJson()
        {
            using TempWorkspace ws = SampleWorkspace();
            ws.Write("notes.md", new string('x', 4000));
            using var ps = new PowerShellHost(ws.Root);

            TokenEstimateRecord first = ps.RunAs<TokenEstimateRecord>("Add-TokenEstimate -Operation Edit -FilePath ./notes.md -SessionId S-PIPE -PassThru").Single();
            TokenEstimateRecord again = ps.RunAs<TokenEstimateRecord>("$args[0] | Add-TokenEstimate -PassThru", first).Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(OperationKind.Edit, again.Operation);
            Assert.Equal(first.File, again.File);
            Assert.Equal(first.Size, again.Size);
            Assert.Equal("S-PIPE", again.SessionId);
            Assert.Equal(first.TotalTokens, again.TotalTokens);
        }

        [Fact]
        public void HookJson_PipedToAddTokenEstimate_ShouldStillBeAHookDocument()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            TokenEstimateRecord added = ps.RunAs<TokenEstimateRecord>(
                "'{\"session_id\":\"abc\",\"hook_event_name\":\"PostToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}' | Add-TokenEstimate -PassThru").Single();

            Assert.Equal(OperationKind.Tool, added.Operation);
            Assert.Equal("Bash", added.ToolName);
        }

        [Fact]
        public void AddTokenEstimate_WithoutOperationOrHook_ShouldSayOperationRequired()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            var before = ws.Snapshot();

            ps.Run("Add-TokenEstimate -FilePath ./cost/classic.txt");

            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidArgument,
                ps.SingleError("OperationRequired,RlmTokens.Cmdlets.AddTokenEstimateCommand").CategoryInfo.Category);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void OpenSession_PipedToStopTokenSession_ShouldBindSessionId_NotAsHookJson()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var closed = ps.RunClean("Get-TokenUsage | Stop-TokenSession -EndedAt 2026-11-23T12:00:00Z -PassThru")
                .Select(o => Assert.IsType<TokenSessionRecord>(o.BaseObject)).ToList();

            Assert.Equal(new[] { "SESSION-2026-11-23-091500" }, closed.Select(c => c.SessionId));
            Assert.True(ws.Exists("RLM/progress/token-usage/SESSION-2026-11-23-091500.json"));
        }

        [Fact]
        public void SessionObject_PipedToStartTokenSession_ShouldBindSessionIdAndSource_NotAsHookJson()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            // Before Start-TokenSession had a parameter set of its own for -HookInput, the object also bound there as text.
            var opened = ps.RunClean("[pscustomobject]@{ SessionId = 'S-PIPED'; Source = 'resume' } | Start-TokenSession -StartedAt 2026-11-23T12:00:00Z -PassThru")
                .Select(o => Assert.IsType<TokenSessionRecord>(o.BaseObject)).ToList();

            Assert.Equal(new[] { "S-PIPED" }, opened.Select(s => s.SessionId));
            var hook = ps.RunClean("'{\"session_id\":\"0199hook-0000\",\"source\":\"startup\",\"hook_event_name\":\"SessionStart\"}' | Start-TokenSession -StartedAt 2026-11-23T12:05:00Z -PassThru")
                .Select(o => Assert.IsType<TokenSessionRecord>(o.BaseObject)).Single();
            Assert.Equal("0199hook-0000", hook.ClaudeSessionId);
        }

        [Fact]
        public void CompactionRecord_PipedToRegisterCompactEvent_ShouldBindByName_NotAsHookJson()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            // SessionId bound by name in every set used to leave the set open, and the object was then taken as hook text.
            CompactEventRecord r = ps.RunAs<CompactEventRecord>(
                "[pscustomobject]@{ Trigger = 'manual'; SessionId = 'S-9'; CustomInstructions = 'keep the notes' } | Register-CompactEvent -Timestamp 2026-11-23T11:00:00Z -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal((CompactTrigger.Manual, "S-9", "keep the notes"), (r.Trigger, r.SessionId, r.CustomInstructions));
        }

        [Fact]
        public void HistoryDays_PipedToTestTokenBudget_ShouldEvaluateEachDay()
        {
            using TempWorkspace ws = SampleWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            var days = ps.RunClean("Get-TokenUsage -History -Until 2026-11-22 -Days 2 | Test-TokenBudget -Period Daily")
                .Select(o => Assert.IsType<TokenBudgetStatus>(o.BaseObject)).ToList();
            var direct = ps.RunClean("'2026-11-21', '2026-11-22' | ForEach-Object { Test-TokenBudget -Period Daily -Date $_ }")
                .Select(o => Assert.IsType<TokenBudgetStatus>(o.BaseObject)).ToList();

            Assert.Equal(2, days.Count);
            Assert.Equal(direct.Select(d => d.Used), days.Select(d => d.Used));
            Assert.NotEqual(days[0].Used, days[1].Used);
        }
    }
}
