using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Tasks;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Issue 11, items 4 and 5, through the real engine: transcript numbers that are not counts or whose
    /// sums leave long, FIFOs given as transcripts, a link loop in the transcripts folder, settings files
    /// that are links, and appends through links out of the workspace.
    /// </summary>
    public sealed class FilesHostedTests
    {
        private static readonly TimeSpan DoesNotHang = TimeSpan.FromSeconds(60);

        private static string Line(string cwd, string id, string input, string output = "0", string session = "c-1") =>
            "{\"type\":\"assistant\",\"sessionId\":\"" + session + "\",\"cwd\":" + JsonSerializer.Serialize(cwd) + ",\"timestamp\":\"2026-11-23T09:00:00Z\",\"requestId\":\"" + id
            + "\",\"message\":{\"id\":\"" + id + "\",\"model\":\"claude-sonnet-4-6\",\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + "}}}\n";

        /// <summary>Two responses of 5e18 input tokens each: valid lines whose sum is past long (it used to wrap to -8446744073709551616).</summary>
        internal static string WriteOverflowing(TempWorkspace ws, string relative) =>
            ws.Write(relative, Line(ws.Root, "a", "5000000000000000000") + Line(ws.Root, "b", "5000000000000000000"), bom: false, crlf: false);

        private static string Hook(TempWorkspace ws, string ev, string transcript, string extra = "") =>
            "{\"session_id\":\"c-1\",\"hook_event_name\":\"" + ev + "\",\"cwd\":" + JsonSerializer.Serialize(ws.Root) + ",\"transcript_path\":" + JsonSerializer.Serialize(transcript) + extra + "}";

        private static void AssertError(ErrorRecord e, string id, string cmdlet, ErrorCategory category, object target)
        {
            Assert.Equal(id + ",RlmTokens.Cmdlets." + cmdlet, e.FullyQualifiedErrorId);
            Assert.Equal(category, e.CategoryInfo.Category);
            Assert.Equal(target, e.TargetObject);
        }

        private static void AssertNoNegativeNumber(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            void Walk(JsonElement e)
            {
                switch (e.ValueKind)
                {
                    case JsonValueKind.Object: foreach (JsonProperty p in e.EnumerateObject()) { Walk(p.Value); } break;
                    case JsonValueKind.Array: foreach (JsonElement x in e.EnumerateArray()) { Walk(x); } break;
                    case JsonValueKind.Number: Assert.True(e.GetDouble() >= 0, "negative number " + e.GetRawText() + " in " + json); break;
                }
            }
            Walk(doc.RootElement);
        }

        private static string MakeFifo(string path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Assert.Equal(0, Mkfifo(path, 0x1B6));
            return path;
        }

        // Runs a script on its own runspace and fails (instead of hanging the suite) when it does not return.
        private static PowerShellHost RunBounded(string location, string script, params object?[] args)
        {
            var ps = new PowerShellHost(location);
            Task run = Task.Run(() => ps.Run(script, args));
            Assert.True(run.Wait(DoesNotHang), "the cmdlet did not return within " + DoesNotHang.TotalSeconds + " s: " + script);
            return ps;
        }

        // ---- Numbers ----

        [Fact]
        public void GetTokenUsage_TranscriptWhoseSumPassesLong_ShouldBeNumberOutOfRangeNotAWrappedRow()
        {
            using var ws = new TempWorkspace();
            string file = WriteOverflowing(ws, "claude/projects/p/s.jsonl");
            using var ps = new PowerShellHost(ws.Root);

            var rows = ps.Run("Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC");

            Assert.Empty(rows);
            AssertError(Assert.Single(ps.Errors), "NumberOutOfRange", "GetTokenUsageCommand", ErrorCategory.InvalidArgument, file);
        }

        [Fact]
        public void GetTokenUsage_TranscriptWithNegativeUsage_ShouldWarnOfTheMalformedLineAndReportNoNegativeFigure()
        {
            using var ws = new TempWorkspace();
            string file = ws.Write("claude/projects/p/s.jsonl", Line(ws.Root, "a", "1000000") + Line(ws.Root, "b", "-2000000"), bom: false, crlf: false);
            using var ps = new PowerShellHost(ws.Root);

            TranscriptUsageRow row = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC").Single();

            Assert.Empty(ps.Errors);
            Assert.Equal(1000000, row.InputTokens);
            Assert.Equal(3.0m, row.CostUsd!.Value, 9);
            Assert.Contains(ps.Warnings, w => w.Message.Contains(file + ":2", StringComparison.Ordinal));
        }

        [Fact]
        public void ImportSessionCost_TranscriptWhoseSumPassesLong_ShouldBeNumberOutOfRangeAndWriteNothing()
        {
            using var ws = new TempWorkspace();
            string file = WriteOverflowing(ws, "t.jsonl");
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Import-SessionCost -SessionId s1 -TranscriptPath ./t.jsonl");

            AssertError(Assert.Single(ps.Errors), "NumberOutOfRange", "ImportSessionCostCommand", ErrorCategory.InvalidArgument, file);
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "*.json"));
        }

        [Fact]
        public void StopTokenSession_TranscriptWhoseSumPassesLong_ShouldReportNumberOutOfRangeAndWriteNoWrappedFigure()
        {
            using var ws = new TempWorkspace();
            string file = WriteOverflowing(ws, "t.jsonl");
            using var ps = new PowerShellHost(ws.Root);
            ps.RunClean("$env:RLMTOKENS_CACHE_DIR = $args[1]; $args[0] | Start-TokenSession -StartedAt '2026-11-23T08:00:00Z'",
                "{\"session_id\":\"c-1\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\",\"cwd\":" + JsonSerializer.Serialize(ws.Root) + "}", ws.PathOf("cache"));

            ps.Run("$args[0] | Update-TokenSession", Hook(ws, "Stop", file));
            AssertError(Assert.Single(ps.Errors), "NumberOutOfRange", "UpdateTokenSessionCommand", ErrorCategory.InvalidArgument, file);
            ps.Run("$args[0] | Stop-TokenSession -EndedAt '2026-11-23T09:30:00Z'", Hook(ws, "SessionEnd", file, ",\"reason\":\"logout\""));
            AssertError(Assert.Single(ps.Errors), "NumberOutOfRange", "StopTokenSessionCommand", ErrorCategory.InvalidArgument, file);

            foreach (string json in Directory.GetFiles(ws.TokenUsage, "*.json", SearchOption.AllDirectories))
            {
                AssertNoNegativeNumber(File.ReadAllText(json));
            }
        }

        [Fact]
        public void TestTokenBudget_TranscriptRootWhoseSumPassesLong_ShouldBeNumberOutOfRange()
        {
            using var ws = new TempWorkspace();
            WriteOverflowing(ws, "claude/projects/p/s.jsonl");
            using var ps = new PowerShellHost(ws.Root);

            var output = ps.Run("Test-TokenBudget -Period Daily -Limit 1000 -Date 2026-11-23 -TranscriptRoot ./claude -Quiet");

            ErrorRecord e = Assert.Single(ps.Errors);
            Assert.Equal("NumberOutOfRange,RlmTokens.Cmdlets.TestTokenBudgetCommand", e.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, e.CategoryInfo.Category);
            Assert.NotNull(e.TargetObject);
            Assert.Equal(false, Assert.Single(output).BaseObject);
        }

        // ---- FIFOs ----

        [Fact]
        public void ImportSessionCost_TranscriptPathThatIsAFifo_ShouldFailAtOnceWithoutTakingTheLock()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("t.jsonl"));

            using PowerShellHost ps = RunBounded(ws.Root, "Import-SessionCost -SessionId s1 -TranscriptPath ./t.jsonl");
            using PowerShellHost hook = RunBounded(ws.Root, "$args[0] | Import-SessionCost", Hook(ws, "SessionEnd", fifo));

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "ImportSessionCostCommand", ErrorCategory.InvalidType, fifo);
            AssertError(Assert.Single(hook.Errors), "NotARegularFile", "ImportSessionCostCommand", ErrorCategory.InvalidType, fifo);
            Assert.Empty(Directory.GetFileSystemEntries(ws.TokenUsage));
        }

        [Fact]
        public void StopTokenSession_TranscriptPathThatIsAFifo_ShouldReportItAndStillCloseTheSession()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("t.jsonl"));
            using (var start = new PowerShellHost(ws.Root))
            {
                start.RunClean("$args[0] | Start-TokenSession -StartedAt '2026-11-23T08:00:00Z'",
                    "{\"session_id\":\"c-1\",\"hook_event_name\":\"SessionStart\",\"source\":\"startup\",\"cwd\":" + JsonSerializer.Serialize(ws.Root) + "}");
            }

            using PowerShellHost ps = RunBounded(ws.Root, "$args[0] | Stop-TokenSession -EndedAt '2026-11-23T09:30:00Z' -PassThru", Hook(ws, "SessionEnd", fifo, ",\"reason\":\"logout\""));

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "StopTokenSessionCommand", ErrorCategory.InvalidType, fifo);
            Assert.False(ws.Exists("RLM/progress/token-usage/current-session.json"));
        }

        [Fact]
        public void RegisterCompactEvent_TranscriptPathThatIsAFifo_ShouldReportItAndStillRecordTheCompaction()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("t.jsonl"));

            using PowerShellHost ps = RunBounded(ws.Root, "$args[0] | Register-CompactEvent", Hook(ws, "PreCompact", fifo, ",\"trigger\":\"auto\""));

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "RegisterCompactEventCommand", ErrorCategory.InvalidType, fifo);
            Assert.True(ws.Exists("RLM/progress/token-usage/compact-events.json"));
        }

        [Fact]
        public void GetTokenUsage_TranscriptsFolderWithAFifoAndALinkLoop_ShouldWarnCountEachLineOnceAndNotHang()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string projects = ws.PathOf("claude/projects");
            // No requestId: lines that de-duplication cannot match, so each path the walk took would count again.
            ws.Write("claude/projects/p/s.jsonl", Line(ws.Root, "a", "10").Replace(",\"requestId\":\"a\"", string.Empty, StringComparison.Ordinal), bom: false, crlf: false);
            string fifo = MakeFifo(Path.Combine(projects, "p", "x.jsonl"));
            Directory.CreateSymbolicLink(Path.Combine(projects, "p", "loop"), projects);

            using PowerShellHost ps = RunBounded(ws.Root, "Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC");
            TranscriptUsageRow row = Assert.IsType<TranscriptUsageRow>(Assert.Single(ps.Run("Get-TokenUsage -Transcript -TranscriptRoot ./claude -NoCache -TimeZone UTC")).BaseObject);

            Assert.Empty(ps.Errors);
            Assert.Equal(10, row.InputTokens);
            Assert.Equal(1, row.RecordCount);
            Assert.Contains(ps.Warnings, w => w.Message.Contains(fifo, StringComparison.Ordinal));
        }

        [Fact]
        public void TestTokenBudget_TranscriptRootWithAFifo_ShouldReportItAndStillAnswer()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            ws.Write("claude/projects/p/s.jsonl", Line(ws.Root, "a", "10"), bom: false, crlf: false);
            string fifo = MakeFifo(ws.PathOf("claude/projects/p/x.jsonl"));

            using PowerShellHost ps = RunBounded(ws.Root, "Test-TokenBudget -Period Daily -Limit 1000 -Date 2026-11-23 -TranscriptRoot ./claude -Quiet");
            var output = ps.Run("Test-TokenBudget -Period Daily -Limit 1000 -Date 2026-11-23 -TranscriptRoot ./claude -Quiet");

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "TestTokenBudgetCommand", ErrorCategory.InvalidType, fifo);
            Assert.Equal(true, Assert.Single(output).BaseObject);
        }

        [Fact]
        public void AddTokenUsage_TokenUsageLogThatIsAFifo_ShouldFailAtOnceAndLeaveTheLockFree()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("RLM/progress/token-usage.log"));

            using PowerShellHost ps = RunBounded(ws.Root, "Add-TokenUsage -Tokens 5 -Model claude-sonnet-4-6");
            using PowerShellHost next = RunBounded(ws.Root, "Add-TokenEstimate -Operation Tool -ToolName Bash");

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "AddTokenUsageCommand", ErrorCategory.InvalidType, fifo);
            Assert.Empty(next.Errors);
        }

        [Fact]
        public void AddTokenUsage_MetricsJsonThatIsAFifo_ShouldReportItAndStillLogTheRecord()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("RLM/progress/metrics.json"));

            using PowerShellHost ps = RunBounded(ws.Root, "Add-TokenUsage -Tokens 5 -Model claude-sonnet-4-6");

            AssertError(Assert.Single(ps.Errors), "NotARegularFile", "AddTokenUsageCommand", ErrorCategory.InvalidType, fifo);
            Assert.Contains("\"total\": 5", File.ReadAllText(ws.PathOf("RLM/progress/token-usage.log")), StringComparison.Ordinal);
        }

        [Fact]
        public void GetTokenUsage_ProjectConfigThatIsAFifo_ShouldReportItWithoutHanging()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string fifo = MakeFifo(ws.PathOf("RLM/config/project-config.json"));

            using PowerShellHost ps = RunBounded(ws.Root, "Test-TokenBudget -Period Daily -Limit 1000 -Date 2026-11-23");

            Assert.Contains(ps.Errors, e => e.FullyQualifiedErrorId.StartsWith("NotARegularFile,", StringComparison.Ordinal) && Equals(e.TargetObject, fifo));
        }

        // ---- Settings files that are links ----

        private const string RlmSettings = "{\n  \"hooks\": {\n    \"PostToolUse\": [ { \"matcher\": \"Read\", \"hooks\": [ { \"type\": \"command\", \"command\": \"pwsh -File .claude/scripts/estimate-tokens.ps1\" } ] } ]\n  }\n}\n";

        // Uninstall puts RLM's command back (the JSON is re-indented as Install wrote it).
        private static void AssertRestored(string text)
        {
            Assert.Contains("estimate-tokens.ps1", text);
            Assert.DoesNotContain("RlmTokens", text);
        }

        [Fact]
        public void InstallAndUninstallTokenHook_OnASettingsFileLinkedInsideTheWorkspace_ShouldEditTheTargetAndKeepTheLink()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            string target = ws.Write("shared/claude-settings.json", RlmSettings, bom: false, crlf: false);
            string link = ws.PathOf(".claude/settings.json");
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, "../shared/claude-settings.json");
            using var ps = new PowerShellHost(ws.Root);

            ps.RunClean("Install-TokenHook");

            Assert.Equal("../shared/claude-settings.json", new FileInfo(link).LinkTarget);
            Assert.Contains("Add-TokenEstimate", File.ReadAllText(target));
            Assert.DoesNotContain("estimate-tokens.ps1", File.ReadAllText(target));
            Assert.Empty(Directory.GetFiles(ws.PathOf("shared"), "*.tmp"));

            ps.RunClean("Uninstall-TokenHook");

            Assert.Equal("../shared/claude-settings.json", new FileInfo(link).LinkTarget);
            AssertRestored(File.ReadAllText(target));
        }

        [Fact]
        public void InstallTokenHook_OnASettingsFileLinkedOutOfTheWorkspace_ShouldRefuseUnlessAllowed()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            using var outsideDir = new TempWorkspace(withRlm: false);
            string outside = outsideDir.Write("settings.json", RlmSettings, bom: false, crlf: false);
            string link = ws.PathOf(".claude/settings.json");
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, outside);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Install-TokenHook");

            AssertError(Assert.Single(ps.Errors), "LinkOutsideWorkspace", "InstallTokenHookCommand", ErrorCategory.PermissionDenied, link);
            Assert.Equal(RlmSettings, File.ReadAllText(outside));
            Assert.Equal(outside, new FileInfo(link).LinkTarget);
            Assert.Empty(Directory.GetFiles(ws.PathOf(".claude"), "*.bak"));

            ps.RunClean("Install-TokenHook -AllowLinkOutsideWorkspace");

            Assert.Contains("Add-TokenEstimate", File.ReadAllText(outside));
            Assert.Equal(outside, new FileInfo(link).LinkTarget);

            ps.Run("Uninstall-TokenHook");
            AssertError(Assert.Single(ps.Errors), "LinkOutsideWorkspace", "UninstallTokenHookCommand", ErrorCategory.PermissionDenied, link);
            ps.RunClean("Uninstall-TokenHook -AllowLinkOutsideWorkspace");
            AssertRestored(File.ReadAllText(outside));
            Assert.Equal(outside, new FileInfo(link).LinkTarget);
        }

        // ---- Appends through links out of the workspace, in the real cmdlets ----

        [Fact]
        public void RegisterCompactEvent_WithTheDaysLogLinkedOutOfTheWorkspace_ShouldRefuseAndLeaveTheOutsideFile()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            using var outsideDir = new TempWorkspace(withRlm: false);
            string outside = outsideDir.Write("log.md", "precious\n", bom: false, crlf: false);
            DateTimeOffset at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
            string day = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.Local).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
            string link = ws.PathOf("RLM/progress/logs/" + day + ".md");
            Directory.CreateDirectory(Path.GetDirectoryName(link)!);
            File.CreateSymbolicLink(link, outside);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Register-CompactEvent -Trigger manual -SessionId s1 -Timestamp $args[0]", at);

            AssertError(Assert.Single(ps.Errors), "LinkOutsideWorkspace", "RegisterCompactEventCommand", ErrorCategory.PermissionDenied, link);
            Assert.Equal("precious\n", File.ReadAllText(outside));
            Assert.False(ws.Exists("RLM/progress/token-usage/compact-events.json"));
        }

        [Fact]
        public void AddTokenUsage_WithTheTokenUsageLogLinkedOutOfTheWorkspace_ShouldRefuseAndLeaveTheOutsideFile()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new TempWorkspace();
            using var outsideDir = new TempWorkspace(withRlm: false);
            string outside = outsideDir.Write("token-usage.log", "precious\n", bom: false, crlf: false);
            string link = ws.PathOf("RLM/progress/token-usage.log");
            File.CreateSymbolicLink(link, outside);
            using var ps = new PowerShellHost(ws.Root);

            ps.Run("Add-TokenUsage -Tokens 5 -Model claude-sonnet-4-6");

            AssertError(Assert.Single(ps.Errors), "LinkOutsideWorkspace", "AddTokenUsageCommand", ErrorCategory.PermissionDenied, link);
            Assert.Equal("precious\n", File.ReadAllText(outside));
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        private static extern int Mkfifo(string path, int mode);
    }
}
