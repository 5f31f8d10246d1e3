using System;
using System.IO;
using System.Linq;
using System.Text;
using RlmTokens.ClaudeSettings;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    public sealed class HookMigratorTests
    {
        private static HookMigrator Migrator(TempDir dir) => new HookMigrator(new Workspace(dir.Root), Clocks.At(Clocks.Noon));

        [Fact]
        public void PlanInstall_OnRlmHooksJson_ShouldPlanReplacementsMoveAndAdditionsWithoutWriting()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("claude/rlm-hooks.json", ".claude/hooks/hooks.json");
            byte[] before = File.ReadAllBytes(path);

            HookFilePlan plan = Assert.Single(Migrator(dir).PlanInstall());

            Assert.Equal(".claude/hooks/hooks.json", plan.Relative);
            Assert.Equal(6, plan.Changes.Count(c => c.Action == HookChangeAction.Replaced));
            // PreCompact manual, SessionEnd (exact at the end), Stop (the exact running figure each turn), the
            // tools RLM's per-tool PostToolUse groups miss and the SessionStart sources its "startup" misses.
            Assert.Equal(5, plan.Changes.Count(c => c.Action == HookChangeAction.Added));
            Assert.Contains(plan.Changes, c => c.Event == "SessionStart" && c.Matcher == "resume|clear|compact" && c.Cmdlet == "Start-TokenSession");
            Assert.Contains(plan.Changes, c => c.Event == "PostToolUse" && c.Matcher == "MultiEdit|NotebookEdit" && c.Cmdlet == "Add-TokenEstimate");
            Assert.Contains(plan.Changes, c => c.Event == "Stop" && c.Cmdlet == "Update-TokenSession");
            Assert.Contains(plan.Changes, c => c.Event == "SessionEnd" && c.Cmdlet == "Stop-TokenSession");
            Assert.Contains("remove session-end.ps1 from Stop", plan.Describe());
            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.False(File.Exists(Path.Combine(dir.Root, ".claude", "rlmtokens-hooks.json")));
        }

        [Fact]
        public void Apply_ThenUninstall_ShouldRoundTripToTheOriginalBytes()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("claude/rlm-hooks.json", ".claude/hooks/hooks.json");
            byte[] before = File.ReadAllBytes(path);
            HookMigrator migrator = Migrator(dir);

            string? backup = migrator.Apply(migrator.PlanInstall().Single());
            Assert.Equal(path + ".rlmtokens-20261120T120000Z.bak", backup);
            Assert.Equal(before, File.ReadAllBytes(backup!));
            Assert.True(migrator.HasState);

            HookFilePlan undo = Assert.Single(migrator.PlanUninstall());
            migrator.Apply(undo);

            Assert.Equal(before, File.ReadAllBytes(path));
            Assert.False(migrator.HasState);
        }

        [Fact]
        public void CommandFor_ShouldQuoteThePowerShellForPosixShellsAndCarryTheMarker()
        {
            string command = HookMigrator.CommandFor("Add-TokenEstimate");

            Assert.Equal("pwsh -NoProfile -NonInteractive -Command 'Import-Module RlmTokens; $input | Add-TokenEstimate # RlmTokens:Install-TokenHook'", command);
        }

        [Fact]
        public void CommandFor_WithNativeHook_ShouldQuoteItsPathForPosixShellsAndNameTheCmdletAfterTheMarker()
        {
            Assert.Equal("'/opt/Rlm Tokens/bin/linux-x64/rlmtokens-hook' # RlmTokens:Install-TokenHook Add-TokenEstimate",
                HookMigrator.CommandFor("Add-TokenEstimate", "/opt/Rlm Tokens/bin/linux-x64/rlmtokens-hook"));
            Assert.Equal("'/o'\\''s/rlmtokens-hook' # RlmTokens:Install-TokenHook Stop-TokenSession",
                HookMigrator.CommandFor("Stop-TokenSession", "/o's/rlmtokens-hook"));
        }

        [Fact]
        public void PlanInstall_WithNativeHook_ThenUninstall_ShouldWriteNativeLinesAndRoundTripToTheOriginalBytes()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("claude/rlm-hooks.json", ".claude/hooks/hooks.json");
            byte[] before = File.ReadAllBytes(path);
            HookMigrator migrator = Migrator(dir);
            migrator.NativeHook = "/opt/RlmTokens/bin/linux-x64/rlmtokens-hook";

            HookFilePlan plan = migrator.PlanInstall().Single();
            Assert.All(plan.Changes.Where(c => c.Action != HookChangeAction.Removed),
                c => Assert.Equal("'/opt/RlmTokens/bin/linux-x64/rlmtokens-hook' # RlmTokens:Install-TokenHook " + c.Cmdlet, c.Command));
            migrator.Apply(plan);
            // Installed once in the native form, the hooks count as installed: nothing more to do.
            Assert.Empty(Migrator(dir).PlanInstall());

            migrator.Apply(Assert.Single(migrator.PlanUninstall()));
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void FindNativeHook_ShouldFindOnlyTheBinaryOfThisPlatform()
        {
            using var dir = new TempDir();
            Assert.Null(HookMigrator.FindNativeHook(dir.Root));
            dir.Write("bin/linux-x64/rlmtokens-hook", "x");
            string? found = HookMigrator.FindNativeHook(dir.Root);
            bool linuxX64 = OperatingSystem.IsLinux() && System.Runtime.InteropServices.RuntimeInformation.OSArchitecture == System.Runtime.InteropServices.Architecture.X64;
            Assert.Equal(linuxX64 ? Path.Combine(dir.Root, "bin", "linux-x64", "rlmtokens-hook") : null, found);
        }

        [Fact]
        public void PlanInstall_WithEveryCmdletAlreadyHooked_ShouldPlanNothing()
        {
            using var dir = new TempDir();
            var sb = new StringBuilder("{ \"hooks\": {");
            sb.Append("\"PostToolUse\": [ { \"matcher\": \"*\", \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c 'Import-Module RlmTokens; $input | Add-TokenEstimate'\" } ] } ],");
            sb.Append("\"PreCompact\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Register-CompactEvent'\" } ] } ],");
            sb.Append("\"SessionStart\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Start-TokenSession'\" } ] } ],");
            sb.Append("\"Stop\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Update-TokenSession'\" } ] } ],");
            sb.Append("\"SessionEnd\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Stop-TokenSession'\" } ] } ] } }");
            dir.Write(".claude/settings.json", sb.ToString());

            Assert.Empty(Migrator(dir).PlanInstall());
        }

        [Fact]
        public void PlanInstall_WithRlmPerToolGroups_ShouldAddOnlyTheToolsTheyMiss()
        {
            using var dir = new TempDir();
            dir.Write(".claude/settings.json", "{ \"hooks\": { \"PostToolUse\": [ "
                + "{ \"matcher\": \"Read|Write\", \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Add-TokenEstimate'\" } ] }, "
                + "{ \"matcher\": \"Edit|MultiEdit\", \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -c '$input | Add-TokenEstimate'\" } ] }, "
                + "{ \"matcher\": \"Notebook.*\", \"hooks\": [ { \"type\": \"command\", \"command\": \"echo other\" } ] } ] } }");

            HookFilePlan plan = Assert.Single(Migrator(dir).PlanInstall());

            TokenHookChange added = Assert.Single(plan.Changes, c => c.Event == "PostToolUse");
            Assert.Equal("NotebookEdit|Task", added.Matcher);
        }

        [Fact]
        public void PlanInstall_WithRlmSlashCommand_ShouldRewriteItsScriptCallsAndUninstallRestoresTheBytes()
        {
            using var dir = new TempDir();
            string text = "# Token Usage Reporting\r\n\r\n```bash\r\npowershell -ExecutionPolicy Bypass -File \".claude/scripts/show-token-usage.ps1\" -WorkspaceRoot \".\" -Detailed\r\n```\r\n\r\n"
                + "```bash\r\npowershell -ExecutionPolicy Bypass -File \".claude/scripts/capture-session-cost.ps1\" -WorkspaceRoot \".\" -CostOutput \"[paste /cost output here]\"\r\n```\r\n";
            string path = dir.Write(".claude/commands/cc-tokens.md", text);
            byte[] before = File.ReadAllBytes(path);
            HookMigrator migrator = Migrator(dir);

            HookFilePlan commands = Assert.Single(migrator.PlanInstall(), p => p.Relative == ".claude/commands/cc-tokens.md");
            Assert.Equal(2, commands.Changes.Count);
            migrator.Apply(commands);

            string after = File.ReadAllText(path);
            Assert.Contains("pwsh -NoProfile -Command \"Import-Module RlmTokens; Get-TokenUsage -Path '.' -Detailed # RlmTokens:Install-TokenHook\"\r\n", after);
            Assert.Contains("Import-SessionCost -Path '.' -CostOutput '[paste /cost output here]'", after);
            Assert.StartsWith("# Token Usage Reporting\r\n", after.TrimStart('\uFEFF'));
            Assert.DoesNotContain(migrator.PlanInstall(), p => p.Relative == ".claude/commands/cc-tokens.md");

            migrator.Apply(Assert.Single(migrator.PlanUninstall(), p => p.Relative == ".claude/commands/cc-tokens.md"));
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void PlanInstall_WithHooksAsArray_ShouldThrowInvalidHookSettings()
        {
            using var dir = new TempDir();
            dir.Write(".claude/settings.local.json", "{ \"hooks\": { \"Stop\": {} } }");

            var e = Assert.Throws<RlmTokens.Errors.InvalidHookSettingsException>(() => Migrator(dir).PlanInstall());
            Assert.Equal("InvalidHookSettings", e.ErrorId);
        }
    }

    public sealed class WorkspaceNamesTests
    {
        [Fact]
        public void TaskIds_WithBareObjectCallsAndTaskFiles_ShouldListEachOnce()
        {
            using var dir = new TempDir();
            dir.Write("RLM/progress/token-usage/current-session.json",
                "\uFEFF{ \"tasks_started\": \"TASK-001\", \"tasks_completed\": null, \"subagent_calls\": { \"agent\": \"coder\", \"task\": \"TASK-001\" } }");
            dir.Write("RLM/tasks/active/TASK-002.md", "#");

            var tasks = RlmTokens.Completion.WorkspaceNames.TaskIds(new Workspace(dir.Root)).OrderBy(t => t).ToList();

            Assert.Equal(new[] { "TASK-001", "TASK-002" }, tasks);
        }

        [Fact]
        public void Models_FromCostPerTokenKeys_ShouldDropInputOutputSuffixes()
        {
            using var dir = new TempDir();
            dir.Write("RLM/config/project-config.json",
                "{ \"tokenTracking\": { \"costPerToken\": { \"claude-opus-4-input\": 1.5e-05, \"claude-opus-4-output\": 7.5e-05, \"gpt-5-input\": 1e-06 } } }");

            Assert.Equal(new[] { "claude-opus-4", "gpt-5" }, RlmTokens.Completion.WorkspaceNames.Models(new Workspace(dir.Root)));
        }
    }
}
