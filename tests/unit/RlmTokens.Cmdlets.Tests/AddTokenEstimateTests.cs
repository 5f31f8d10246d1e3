using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests
{
    public sealed class AddTokenEstimateTests
    {
        private static JsonElement Estimates(TempWorkspace ws)
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(ws.TokenUsage, "token-estimates.json")));
            return doc.RootElement.Clone();
        }

        private static string PostToolUse(TempWorkspace ws, string tool, string toolInput, bool pretty = false)
        {
            var fields = new[]
            {
                "\"session_id\": \"0f3c2a4e-1b2c-4d5e-8f90-123456789abc\"",
                "\"transcript_path\": \"/home/u/.claude/projects/x/0f3c2a4e.jsonl\"",
                "\"cwd\": " + JsonSerializer.Serialize(ws.Root),
                "\"hook_event_name\": \"PostToolUse\"",
                "\"tool_name\": \"" + tool + "\"",
                "\"tool_input\": " + toolInput,
            };
            return pretty ? "{\n  " + string.Join(",\n  ", fields) + "\n}\n" : "{" + string.Join(",", fields) + "}";
        }

        [Fact]
        public void ParameterForm_ReadWithFileOnDisk_ShouldAddQuarterOfSizeToInput()
        {
            using var ws = new TempWorkspace();
            ws.Write("src/app.cs", new string('x', 400), bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            TokenEstimateRecord added = ps.RunAs<TokenEstimateRecord>("Add-TokenEstimate -Operation Read -FilePath src/app.cs -PassThru").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(OperationKind.Read, added.Operation);
            Assert.Equal(100, added.InputTokens);
            Assert.Equal(100, added.TotalTokens);
            Assert.Equal(UsagePrecision.Estimated, added.Precision);
            Assert.Equal(ws.PathOf("src/app.cs"), added.File);
            JsonElement e = Estimates(ws);
            Assert.Equal(100, e.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
            Assert.Equal(1, e.GetProperty("operations").GetProperty("files_read").GetInt64());
        }

        [Fact]
        public void ParameterForm_LikeRlmHookLines_ShouldAccumulateEveryOperationKind()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean(@"
                Add-TokenEstimate -Operation read -FileSize 4000
                Add-TokenEstimate -Operation write -FileSize 1000 -WorkspaceRoot .
                Add-TokenEstimate edit -FileSize 1000
                Add-TokenEstimate -Operation subagent -SubagentType coder
                Add-TokenEstimate -Operation tool -ToolName Bash");

            TokenSessionSummary s = ps.RunAs<TokenSessionSummary>("Get-TokenUsage").Single();
            Assert.Equal(1000 + 125 + 7200 + 50, s.InputTokens);
            Assert.Equal(250 + 75 + 4800, s.OutputTokens);
            Assert.Equal((1L, 1L, 1L, 1L, 1L), (s.FilesRead, s.FilesWritten, s.FilesEdited, s.SubagentsSpawned, s.ToolCalls));
            Assert.Equal(5, Estimates(ws).GetProperty("by_operation").GetArrayLength());
        }

        [Fact]
        public void HookForm_PrettyPrintedPostToolUseOnStdin_ShouldEstimateWhatTheToolWrote()
        {
            using var ws = new TempWorkspace();
            string hook = PostToolUse(ws, "Write", "{\"file_path\": \"/x/y.txt\", \"content\": \"" + new string('a', 80) + "\"}", pretty: true);

            ShellProcess.Result r = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $input | Add-TokenEstimate", Path.GetTempPath(), hook);

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            JsonElement e = Estimates(ws);
            Assert.Equal(20, e.GetProperty("tokens").GetProperty("output_estimated").GetInt64());
            JsonElement op = e.GetProperty("by_operation")[0];
            Assert.Equal("file_write", op.GetProperty("type").GetString());
            Assert.Equal("/x/y.txt", op.GetProperty("file").GetString());
            Assert.Equal("0f3c2a4e-1b2c-4d5e-8f90-123456789abc", op.GetProperty("session_id").GetString());
        }

        [Fact]
        public void HookForm_SingleLineOnStdin_ShouldEstimateAnEdit()
        {
            using var ws = new TempWorkspace();
            string hook = PostToolUse(ws, "Edit", "{\"file_path\":\"/x/a.cs\",\"old_string\":\"" + new string('o', 300) + "\",\"new_string\":\"" + new string('n', 500) + "\"}");

            ShellProcess.Result r = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $input | Add-TokenEstimate", Path.GetTempPath(), hook + "\n");

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            // 800 characters -> 200 tokens; input 100, output 60.
            JsonElement t = Estimates(ws).GetProperty("tokens");
            Assert.Equal(100, t.GetProperty("input_estimated").GetInt64());
            Assert.Equal(60, t.GetProperty("output_estimated").GetInt64());
        }

        [Fact]
        public void HookForm_HookInputParameter_ShouldEstimateSubagentAndMultiEdit()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(Path.GetTempPath());
            string agent = PostToolUse(ws, "Task", "{\"subagent_type\":\"reviewer\",\"description\":\"review\",\"prompt\":\"check it\"}");
            string multi = PostToolUse(ws, "MultiEdit", "{\"file_path\":\"/x/b.cs\",\"edits\":[{\"old_string\":\"aaaa\",\"new_string\":\"bbbbbbbb\"},{\"old_string\":\"cc\",\"new_string\":\"dddddd\"}]}");

            List<TokenEstimateRecord> added = ps.RunAs<TokenEstimateRecord>(
                "Add-TokenEstimate -HookInput $args[0] -PassThru; Add-TokenEstimate -HookInput $args[1] -PassThru", agent, multi);

            Assert.Empty(ps.Errors);
            Assert.Equal(OperationKind.Subagent, added[0].Operation);
            Assert.Equal("reviewer", added[0].SubagentType);
            Assert.Equal(6000, added[0].TotalTokens);
            Assert.Equal(OperationKind.Edit, added[1].Operation);
            Assert.Equal(20, added[1].Size);
            Assert.Equal(ws.Root, added[1].Workspace);
        }

        [Fact]
        public void HookForm_PipedLinesInProcess_ShouldHandleSeveralDocuments()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(Path.GetTempPath());
            string[] lines = (PostToolUse(ws, "Bash", "{\"command\":\"ls\"}", pretty: true) + PostToolUse(ws, "Grep", "{\"pattern\":\"x\"}", pretty: true)).Split('\n');

            ps.RunClean("$args[0] | Add-TokenEstimate", (object)lines);

            JsonElement e = Estimates(ws);
            Assert.Equal(2, e.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            Assert.Equal("Grep", e.GetProperty("by_operation")[1].GetProperty("tool_name").GetString());
        }

        [Fact]
        public void HookForm_CwdInSubfolder_ShouldFindTheWorkspaceAbove()
        {
            using var ws = new TempWorkspace();
            Directory.CreateDirectory(ws.PathOf("src/deep"));
            using var ps = new PowerShellHost(Path.GetTempPath());
            string hook = "{\"session_id\":\"s\",\"cwd\":" + JsonSerializer.Serialize(ws.PathOf("src/deep")) + ",\"tool_name\":\"Bash\",\"tool_input\":{}}";

            ps.RunClean("Add-TokenEstimate -HookInput $args[0]", hook);

            Assert.True(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void HookForm_NotJson_ShouldWriteInvalidHookInputAndTouchNothing()
        {
            using var ws = new TempWorkspace();
            ws.Write("RLM/progress/token-usage/token-estimates.json", "{\"tokens\":{\"input_estimated\":5}}");
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("'this is not json' | Add-TokenEstimate");

            ErrorRecord e = ps.SingleError("InvalidHookInput,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal("this is not json", e.TargetObject);
            Assert.NotNull(e.ErrorDetails?.RecommendedAction);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void HookForm_UnfinishedDocument_ShouldReportItAtTheEnd()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("'{', '  \"tool_name\": \"Bash\",' | Add-TokenEstimate");

            ps.SingleError("InvalidHookInput,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void UnknownOperationName_ShouldFailParameterBinding()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation frobnicate");

            ErrorRecord e = Assert.Single(ps.Errors);
            Assert.Equal("CannotConvertArgumentNoMessage,RlmTokens.Cmdlets.AddTokenEstimateCommand", e.FullyQualifiedErrorId);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void OperationUnknown_ShouldBeRefusedByTheValidateSet_WhichTabCompletionOffers()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation Unknown");

            ErrorRecord e = ps.SingleError("ParameterArgumentValidationError,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void NegativeFileSize_ShouldBeRefusedAndWriteNothing()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation Read -FileSize -5");

            ErrorRecord e = ps.SingleError("NegativeFileSize,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.Equal(-5L, e.TargetObject);
        }

        [Fact]
        public void MissingWorkspace_ShouldBeATerminatingWorkspaceNotFound()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation Tool -Path ./no/such/folder");

            ErrorRecord e = ps.SingleError("WorkspaceNotFound,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.ObjectNotFound, e.CategoryInfo.Category);
            Assert.Equal(ws.PathOf("no/such/folder"), e.TargetObject);
            Assert.False(Directory.Exists(ws.PathOf("no")));
        }

        [Theory]
        [InlineData("{\"session_id\": \"S\", \"tokens\": {\"input_estimated\": 12")]
        [InlineData("{\"tokens\": {\"input_estimated\": \"lots\"}}")]
        [InlineData("[1, 2, 3]")]
        [InlineData("\u0000\u0001garbage\u00ff")]
        public void CorruptEstimatesFile_ShouldBeSetAsideIntactReportedAndTrackingGoesOn(string content)
        {
            using var ws = new TempWorkspace();
            string path = ws.Write("RLM/progress/token-usage/token-estimates.json", content);
            byte[] before = File.ReadAllBytes(path);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation Tool -ToolName Bash");

            ErrorRecord e = ps.SingleError("CorruptDataFile,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.InvalidData, e.CategoryInfo.Category);
            Assert.Equal(path, e.TargetObject);
            string aside = Assert.Single(Directory.GetFiles(ws.TokenUsage, "token-estimates.json.corrupt-*"));
            Assert.Equal(before, File.ReadAllBytes(aside));
            Assert.Contains(aside, e.Exception.Message);
            Assert.Equal(50, Estimates(ws).GetProperty("tokens").GetProperty("input_estimated").GetInt64());
        }

        [Fact]
        public void ReadOnlyEstimatesFile_ShouldReportAccessDeniedAndLeaveItUnchanged()
        {
            using var ws = new TempWorkspace();
            string path = ws.Write("RLM/progress/token-usage/token-estimates.json", "{\"tokens\":{\"input_estimated\":5}}");
            File.SetAttributes(path, FileAttributes.ReadOnly);
            byte[] before = File.ReadAllBytes(path);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenEstimate -Operation Tool");

            ErrorRecord e = ps.SingleError("AccessDenied,RlmTokens.Cmdlets.AddTokenEstimateCommand");
            Assert.Equal(ErrorCategory.PermissionDenied, e.CategoryInfo.Category);
            Assert.Equal(path, e.TargetObject);
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "*.tmp"));
        }

        [Fact]
        public void WhatIf_ShouldTouchNothingNotEvenTheFolders()
        {
            using var ws = new TempWorkspace(withRlm: false);
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Add-TokenEstimate -Operation Subagent -SubagentType coder -WhatIf; Add-TokenEstimate -HookInput '{\"tool_name\":\"Bash\"}' -WhatIf");

            Assert.Equal(before, ws.Snapshot());
            Assert.False(Directory.Exists(ws.PathOf("RLM")));
        }

        [Fact]
        public void RelativePath_ShouldResolveAgainstPowerShellLocationNotTheProcess()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(Path.GetDirectoryName(ws.Root));
            string leaf = Path.GetFileName(ws.Root);
            Assert.NotEqual(Path.GetDirectoryName(ws.Root), Environment.CurrentDirectory);

            ps.RunClean("Add-TokenEstimate -Operation Tool -Path ./" + leaf);

            Assert.True(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));
        }

        [Fact]
        public void ClaudeProjectDir_ShouldBeTheDefaultWorkspace()
        {
            using var ws = new TempWorkspace();

            ShellProcess.Result r = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; Add-TokenEstimate -Operation Tool -ToolName Bash",
                Path.GetTempPath(), env: new Dictionary<string, string?> { ["CLAUDE_PROJECT_DIR"] = ws.Root });

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            Assert.Equal(1, Estimates(ws).GetProperty("operations").GetProperty("tool_calls").GetInt64());
        }

        [Fact]
        public void PipelineByPropertyName_ShouldBindOperationObjects()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenEstimateRecord> added = ps.RunAs<TokenEstimateRecord>(
                "@([pscustomobject]@{ Operation = 'Write'; FileSize = 400; FilePath = 'a.cs' }, [pscustomobject]@{ Operation = 'Tool'; ToolName = 'Bash' }) | Add-TokenEstimate -PassThru");

            Assert.Empty(ps.Errors);
            Assert.Equal(new[] { OperationKind.Write, OperationKind.Tool }, added.Select(a => a.Operation).ToArray());
            Assert.Equal(100, added[0].OutputTokens);
        }
    }
}
