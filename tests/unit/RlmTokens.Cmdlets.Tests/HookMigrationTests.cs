using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>Install-TokenHook / Uninstall-TokenHook on a realistic RLM .claude/hooks/hooks.json and a Claude settings file.</summary>
    public sealed class HookMigrationTests
    {
        private static readonly Regex RlmScript = new Regex(@"(estimate-tokens|capture-session-cost|pre-compact|session-start|session-end)\.ps1", RegexOptions.IgnoreCase);

        private static string Fixture(string name) => File.ReadAllText(Path.Combine(Repo.Root, "tests", "unit", "RlmTokens.Cmdlets.Tests", "Fixtures", name));

        private static TempWorkspace RlmWorkspace()
        {
            var ws = new TempWorkspace();
            ws.Write(".claude/hooks/hooks.json", Fixture("rlm-hooks.json"), bom: false, crlf: false);
            ws.Write(".claude/settings.json", Fixture("claude-settings.json"), bom: false, crlf: false);
            return ws;
        }

        /// <summary>Every hook that is neither an RLM token script nor ours: (event, matcher, raw JSON), in file order.</summary>
        private static List<string> UnrelatedHooks(string json)
        {
            var result = new List<string>();
            using JsonDocument doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("hooks", out JsonElement hooks)) { return result; }
            foreach (JsonProperty ev in hooks.EnumerateObject())
            {
                foreach (JsonElement group in ev.Value.EnumerateArray())
                {
                    string matcher = group.TryGetProperty("matcher", out JsonElement m) ? m.GetString()! : "<none>";
                    foreach (JsonElement hook in group.GetProperty("hooks").EnumerateArray())
                    {
                        string command = hook.GetProperty("command").GetString()!;
                        if (RlmScript.IsMatch(command) || command.Contains("RlmTokens:Install-TokenHook", StringComparison.Ordinal)) { continue; }
                        result.Add(ev.Name + "|" + matcher + "|" + hook.GetRawText());
                    }
                }
            }
            return result;
        }

        private static List<string> TopLevel(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return doc.RootElement.EnumerateObject().Where(p => p.Name != "hooks").Select(p => p.Name + "=" + p.Value.GetRawText()).ToList();
        }

        [Fact]
        public void Install_WhatIf_ShouldReportTheReplacementsAndChangeNothing()
        {
            using TempWorkspace ws = RlmWorkspace();
            var before = ws.Snapshot();

            ShellProcess.Result r = ShellProcess.Run(
                "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; Install-TokenHook -WhatIf", ws.Root);

            Assert.True(r.ExitCode == 0, r.Stderr + r.Stdout);
            string output = r.Stdout.Replace("\r\n", "\n");
            Assert.Contains("What if: Change 12 hook(s) in '" + ws.PathOf(".claude/hooks/hooks.json") + "'", output);
            Assert.Contains("replace estimate-tokens.ps1 with Add-TokenEstimate in PostToolUse [Write]", output);
            Assert.Contains("replace estimate-tokens.ps1 with Add-TokenEstimate in PostToolUse [Task]", output);
            Assert.Contains("replace pre-compact.ps1 with Register-CompactEvent in PreCompact [auto]", output);
            Assert.Contains("replace session-start.ps1 with Start-TokenSession in SessionStart [startup]", output);
            Assert.Contains("remove session-end.ps1 from Stop", output);
            Assert.Contains("add Register-CompactEvent to PreCompact [manual]", output);
            Assert.Contains("add Stop-TokenSession to SessionEnd", output);
            Assert.Contains("add Add-TokenEstimate to PostToolUse [MultiEdit|NotebookEdit]", output);
            Assert.Contains("add Start-TokenSession to SessionStart [resume|clear|compact]", output);
            Assert.Contains("add Update-TokenSession to Stop", output);
            Assert.DoesNotContain("settings.json'", output);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void Install_WhatIfInTheEngine_ShouldTouchNothing()
        {
            using TempWorkspace ws = RlmWorkspace();
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Install-TokenHook -WhatIf -PassThru");

            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void Install_OnRlmHooks_ShouldReplaceScriptsAddMissingEventsAndKeepEveryUnrelatedEntry()
        {
            using TempWorkspace ws = RlmWorkspace();
            string originalHooks = ws.Read(".claude/hooks/hooks.json");
            string originalSettings = ws.Read(".claude/settings.json");
            using var ps = new PowerShellHost(ws.Root);

            List<TokenHookChange> changes = ps.RunAs<TokenHookChange>("Install-TokenHook -PassThru -Runtime Pwsh");

            Assert.Empty(ps.Errors);
            Assert.Equal(6, changes.Count(c => c.Action == HookChangeAction.Replaced));
            Assert.Equal(4, changes.Count(c => c.Script == "estimate-tokens.ps1" && c.Cmdlet == "Add-TokenEstimate"));
            TokenHookChange moved = Assert.Single(changes, c => c.Action == HookChangeAction.Removed);
            Assert.Equal(("Stop", "session-end.ps1"), (moved.Event, moved.Script));
            Assert.Equal(new[]
                {
                    "PostToolUse/MultiEdit|NotebookEdit/Add-TokenEstimate", "PreCompact/manual/Register-CompactEvent",
                    "SessionStart/resume|clear|compact/Start-TokenSession", "Stop//Update-TokenSession", "SessionEnd//Stop-TokenSession",
                },
                changes.Where(c => c.Action == HookChangeAction.Added).Select(c => c.Event + "/" + c.Matcher + "/" + c.Cmdlet));

            string hooks = ws.Read(".claude/hooks/hooks.json");
            Assert.Equal(UnrelatedHooks(originalHooks), UnrelatedHooks(hooks));
            Assert.DoesNotMatch(RlmScript, hooks);
            Assert.Contains("$input | Add-TokenEstimate", hooks, StringComparison.Ordinal);
            using (JsonDocument doc = JsonDocument.Parse(hooks))
            {
                JsonElement root = doc.RootElement.GetProperty("hooks");
                Assert.Equal(new[] { "PreCompact", "PreToolUse", "PostToolUse", "SessionStart", "Stop", "SubagentStop", "SessionEnd" },
                    root.EnumerateObject().Select(p => p.Name));
                JsonElement write = root.GetProperty("PostToolUse")[1].GetProperty("hooks")[0];
                Assert.Equal(10, write.GetProperty("timeout").GetInt32()); // type and timeout of a replaced hook stay
                Assert.Equal(new[] { "auto", "manual" }, root.GetProperty("PreCompact").EnumerateArray().Select(g => g.GetProperty("matcher").GetString()));
            }

            // The settings file holds no RLM call and the missing events went next to RLM's: not a byte changes.
            Assert.Equal(originalSettings, ws.Read(".claude/settings.json"));
            string backup = Assert.Single(Directory.GetFiles(ws.PathOf(".claude/hooks"), "hooks.json.rlmtokens-*.bak"));
            Assert.Equal(originalHooks, File.ReadAllText(backup));
            Assert.All(changes, c => Assert.Equal(backup, c.BackupPath));
        }

        [Fact]
        public void Install_WithRlmCallsInsideSettings_ShouldKeepUnrelatedSettingsIdenticalInValueAndOrder()
        {
            using var ws = new TempWorkspace();
            string settings = Fixture("claude-settings.json").Replace(
                "\"PostToolUse\": [",
                "\"PostToolUse\": [\n      {\n        \"matcher\": \"Edit\",\n        \"hooks\": [\n          {\n            \"type\": \"command\",\n            \"command\": \"powershell -File .claude/scripts/estimate-tokens.ps1 -Operation edit\",\n            \"timeout\": 10\n          }\n        ]\n      },");
            ws.Write(".claude/settings.local.json", settings, bom: true, crlf: true);
            settings = ws.Read(".claude/settings.local.json");
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Install-TokenHook");

            string after = ws.Read(".claude/settings.local.json");
            Assert.Equal(TopLevel(settings), TopLevel(after));
            Assert.Contains("\"cleanupPeriodDays\": 30.0", after, StringComparison.Ordinal);
            Assert.Contains("café ünïcode <&> \\\"quoted\\\" + 'single'", after, StringComparison.Ordinal);
            Assert.Equal(UnrelatedHooks(settings), UnrelatedHooks(after));
            byte[] bytes = File.ReadAllBytes(ws.PathOf(".claude/settings.local.json"));
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3));
            Assert.DoesNotMatch(new Regex("[^\r]\n"), after);
        }

        [Fact]
        public void Install_Twice_ShouldChangeNothingTheSecondTime()
        {
            using TempWorkspace ws = RlmWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("Install-TokenHook");
            var after = ws.Snapshot();

            Assert.Empty(ps.RunClean("Install-TokenHook -PassThru"));

            Assert.Equal(after, ws.Snapshot());
        }

        [Fact]
        public void Uninstall_AfterInstall_ShouldRestoreTheOriginalBytesAndRemoveTheRecord()
        {
            using TempWorkspace ws = RlmWorkspace();
            string original = ws.Read(".claude/hooks/hooks.json");
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("Install-TokenHook");

            List<TokenHookChange> undone = ps.RunAs<TokenHookChange>("Uninstall-TokenHook -PassThru");

            Assert.Empty(ps.Errors);
            Assert.Equal(5, undone.Count(c => c.Action == HookChangeAction.Removed));
            Assert.Equal(7, undone.Count(c => c.Action == HookChangeAction.Restored));
            Assert.Equal(original, ws.Read(".claude/hooks/hooks.json"));
            Assert.False(ws.Exists(".claude/rlmtokens-hooks.json"));
        }

        [Fact]
        public void Uninstall_KeepsHooksTheUserAddedAfterInstall()
        {
            using TempWorkspace ws = RlmWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("Install-TokenHook");
            string path = ws.PathOf(".claude/hooks/hooks.json");
            File.WriteAllText(path, File.ReadAllText(path).Replace("\"SubagentStop\": [", "\"UserPromptSubmit\": [ { \"hooks\": [ { \"type\": \"command\", \"command\": \"mine\" } ] } ],\n    \"SubagentStop\": ["));

            ps.RunClean("Uninstall-TokenHook");

            string after = ws.Read(".claude/hooks/hooks.json");
            Assert.Contains("\"command\": \"mine\"", after, StringComparison.Ordinal);
            Assert.DoesNotContain("RlmTokens:Install-TokenHook", after, StringComparison.Ordinal);
            Assert.Contains("estimate-tokens.ps1", after, StringComparison.Ordinal);
        }

        [Fact]
        public void Install_WithoutAnySettings_ShouldCreateSettingsWithTheFullHookSet()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenHookChange> changes = ps.RunAs<TokenHookChange>("Install-TokenHook -PassThru");

            Assert.Empty(ps.Errors);
            Assert.Equal(6, changes.Count);
            Assert.All(changes, c => Assert.Equal(HookChangeAction.Added, c.Action));
            using JsonDocument doc = JsonDocument.Parse(ws.Read(".claude/settings.json"));
            Assert.Equal(new[] { "PostToolUse", "PreCompact", "SessionStart", "Stop", "SessionEnd" },
                doc.RootElement.GetProperty("hooks").EnumerateObject().Select(p => p.Name));
        }

        [Fact]
        public void Uninstall_OfAFileInstallCreated_ShouldDeleteIt()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("Install-TokenHook");
            Assert.True(ws.Exists(".claude/settings.json"));

            ps.RunClean("Uninstall-TokenHook");

            Assert.False(ws.Exists(".claude/settings.json"));
            Assert.False(ws.Exists(".claude/rlmtokens-hooks.json"));
        }

        [Fact]
        public void Install_OnUnparsableSettings_ShouldFailWithCorruptDataFileAndTouchNothing()
        {
            using var ws = new TempWorkspace();
            ws.Write(".claude/settings.json", "{ \"hooks\": { oops", bom: false, crlf: false);
            var before = ws.Snapshot();
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Install-TokenHook");

            var error = ps.SingleError("CorruptDataFile,RlmTokens.Cmdlets.InstallTokenHookCommand");
            Assert.Equal(System.Management.Automation.ErrorCategory.InvalidData, error.CategoryInfo.Category);
            Assert.Equal(ws.PathOf(".claude/settings.json"), error.TargetObject);
            Assert.Equal(before, ws.Snapshot());
        }

        [Fact]
        public void Install_OnHooksThatAreNotAnObject_ShouldFailWithInvalidHookSettings()
        {
            using var ws = new TempWorkspace();
            ws.Write(".claude/settings.json", "{ \"hooks\": [] }", bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Install-TokenHook");

            ps.SingleError("InvalidHookSettings,RlmTokens.Cmdlets.InstallTokenHookCommand");
        }
    }
}
