using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text.Json;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// RLM's show-token-usage.ps1 reads token-estimates.json, current-session.json and the daily files
    /// directly, with ConvertFrom-Json, and formats the numbers with .ToString('N0') / ('N4'): with two
    /// sessions open, the view files must hold the most recently active session's own figures, in the
    /// fields and with the JSON types that script reads (a string where it wants a number throws inside
    /// its try and it prints "No current session estimates available").
    /// </summary>
    public sealed class RlmViewTests
    {
        private const string A = "a1a1a1a1-0000-4000-8000-0000000000a1";
        private const string B = "b2b2b2b2-0000-4000-8000-0000000000b2";

        private static string Doc(object value) => JsonSerializer.Serialize(value);

        private static JsonElement Read(TempWorkspace ws, string name)
        {
            using JsonDocument doc = JsonDocument.Parse(SessionProcessTests.Strip(File.ReadAllBytes(Path.Combine(ws.TokenUsage, name))));
            return doc.RootElement.Clone();
        }

        private static void AssertInteger(JsonElement parent, string name)
        {
            Assert.True(parent.TryGetProperty(name, out JsonElement v), name + " missing");
            Assert.Equal(JsonValueKind.Number, v.ValueKind);
            Assert.True(v.TryGetInt64(out _), name + " is not an integer: " + v.GetRawText());
        }

        // The reads show-token-usage.ps1 makes, in PowerShell, on ConvertFrom-Json's objects: each number
        // formatted as that script formats it, each field it prints.
        private const string ShowTokenUsageReads = @"
$t = Join-Path $args[0] 'RLM/progress/token-usage'
$e = Get-Content (Join-Path $t 'token-estimates.json') -Raw | ConvertFrom-Json
$s = Get-Content (Join-Path $t 'current-session.json') -Raw | ConvertFrom-Json
[pscustomobject]@{
    Input = $e.tokens.input_estimated.ToString('N0')
    Output = $e.tokens.output_estimated.ToString('N0')
    Total = $e.tokens.total_estimated.ToString('N0')
    Cost = $e.estimated_cost_usd.ToString('N4')
    Ops = '{0}/{1}/{2}/{3}/{4}' -f $e.operations.files_read, $e.operations.files_written, $e.operations.files_edited, $e.operations.subagents_spawned, $e.operations.tool_calls
    Recent = (@($e.by_operation | Select-Object -Last 10 | ForEach-Object { ([datetime]$_.timestamp).ToString('HH:mm:ss') + ' ' + $_.type + ' +' + $_.tokens_added + ' ' + ($_.file -replace '^.*/', '') }) -join '|')
    SessionId = [string]$s.session_id
    Started = [string]$s.started_at
    Compacts = @($s.context_compacts).Count
}";

        [Fact]
        public void ViewFiles_TwoOpenSessions_ShouldCarryWhatShowTokenUsageReadsForTheMostRecentlyActive()
        {
            using var ws = new TempWorkspace();
            using var ps = new PowerShellHost(ws.Root);
            string src = ws.PathOf("src");
            Directory.CreateDirectory(src);
            File.WriteAllText(Path.Combine(src, "big.cs"), new string('r', 8000));

            var sa = ps.RunAs<TokenSessionRecord>("$args[0] | Start-TokenSession -PassThru", Doc(new { session_id = A, hook_event_name = "SessionStart", source = "startup", cwd = ws.Root })).Single();
            var sb = ps.RunAs<TokenSessionRecord>("$args[0] | Start-TokenSession -PassThru", Doc(new { session_id = B, hook_event_name = "SessionStart", source = "startup", cwd = ws.Root })).Single();
            Assert.Empty(ps.Errors);
            Assert.NotEqual(sa.SessionId, sb.SessionId);

            var aOps = new List<TokenEstimateRecord>();
            var bOps = new List<TokenEstimateRecord>();
            aOps.AddRange(ps.RunAs<TokenEstimateRecord>("$args[0] | Add-TokenEstimate -PassThru",
                Doc(new { session_id = A, hook_event_name = "PostToolUse", cwd = ws.Root, tool_name = "Write", tool_input = new { file_path = Path.Combine(src, "a.cs"), content = new string('w', 1000) } })));
            bOps.AddRange(ps.RunAs<TokenEstimateRecord>("$args[0] | Add-TokenEstimate -PassThru",
                Doc(new { session_id = B, hook_event_name = "PostToolUse", cwd = ws.Root, tool_name = "Read", tool_input = new { file_path = Path.Combine(src, "big.cs") } })));
            ps.RunClean("$args[0] | Register-CompactEvent", Doc(new { session_id = A, hook_event_name = "PreCompact", trigger = "auto", cwd = ws.Root }));
            aOps.AddRange(ps.RunAs<TokenEstimateRecord>("$args[0] | Add-TokenEstimate -PassThru",
                Doc(new { session_id = A, hook_event_name = "PostToolUse", cwd = ws.Root, tool_name = "Task", tool_input = new { subagent_type = "coder", prompt = "p" } })));
            Assert.Empty(ps.Errors);
            Assert.Equal(2, aOps.Count);
            Assert.Single(bOps);

            // A was active last: the view is A's, with A's own figures only.
            AssertView(ws, ps, sa.SessionId!, aOps, compacts: 1, expectedOps: "0/1/0/1/0");

            // B becomes the most recently active: the view follows, with B's figures.
            bOps.AddRange(ps.RunAs<TokenEstimateRecord>("$args[0] | Add-TokenEstimate -PassThru",
                Doc(new { session_id = B, hook_event_name = "PostToolUse", cwd = ws.Root, tool_name = "Edit", tool_input = new { file_path = Path.Combine(src, "big.cs"), old_string = new string('r', 40), new_string = new string('e', 80) } })));
            Assert.Empty(ps.Errors);
            AssertView(ws, ps, sb.SessionId!, bOps, compacts: 0, expectedOps: "1/0/1/0/0");

            // B ends: A, still open, is shown again; the daily file carries RLM's totals as numbers.
            ps.RunClean("$args[0] | Stop-TokenSession", Doc(new { session_id = B, hook_event_name = "SessionEnd", reason = "other", cwd = ws.Root }));
            AssertView(ws, ps, sa.SessionId!, aOps, compacts: 1, expectedOps: "0/1/0/1/0");
            string daily = Assert.Single(Directory.GetFiles(ws.TokenUsage, "daily-*.json"));
            JsonElement totals = Read(ws, Path.GetFileName(daily)).GetProperty("totals");
            Assert.Equal(JsonValueKind.Number, totals.GetProperty("total_cost_usd").ValueKind);
            AssertInteger(totals, "estimated_tokens");
            AssertInteger(totals, "sessions_count");
            Assert.Equal(bOps.Sum(o => o.InputTokens + o.OutputTokens), totals.GetProperty("estimated_tokens").GetInt64());
        }

        private static void AssertView(TempWorkspace ws, PowerShellHost ps, string rlmId, List<TokenEstimateRecord> ops, int compacts, string expectedOps)
        {
            long input = ops.Sum(o => o.InputTokens);
            long output = ops.Sum(o => o.OutputTokens);

            JsonElement e = Read(ws, "token-estimates.json");
            Assert.Equal(rlmId, e.GetProperty("session_id").GetString());
            JsonElement tokens = e.GetProperty("tokens");
            AssertInteger(tokens, "input_estimated");
            AssertInteger(tokens, "output_estimated");
            AssertInteger(tokens, "total_estimated");
            Assert.Equal((input, output, input + output), (tokens.GetProperty("input_estimated").GetInt64(), tokens.GetProperty("output_estimated").GetInt64(), tokens.GetProperty("total_estimated").GetInt64()));
            Assert.Equal(JsonValueKind.Number, e.GetProperty("estimated_cost_usd").ValueKind);
            foreach (string name in new[] { "files_read", "files_written", "files_edited", "subagents_spawned", "tool_calls" })
            {
                AssertInteger(e.GetProperty("operations"), name);
            }
            JsonElement byOperation = e.GetProperty("by_operation");
            Assert.Equal(JsonValueKind.Array, byOperation.ValueKind);
            Assert.Equal(ops.Count, byOperation.GetArrayLength());
            foreach (JsonElement op in byOperation.EnumerateArray())
            {
                Assert.True(DateTimeOffset.TryParse(op.GetProperty("timestamp").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
                Assert.Contains(op.GetProperty("type").GetString(), new[] { "file_read", "file_write", "file_edit", "subagent_spawn", "tool_call" });
                AssertInteger(op, "tokens_added");
                Assert.Equal(JsonValueKind.String, op.GetProperty("file").ValueKind);
            }

            JsonElement s = Read(ws, "current-session.json");
            Assert.Equal(rlmId, s.GetProperty("session_id").GetString());
            Assert.True(DateTimeOffset.TryParse(s.GetProperty("started_at").GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out _));
            if (s.TryGetProperty("context_compacts", out JsonElement cc)) { Assert.Equal(JsonValueKind.Array, cc.ValueKind); }

            PSObject shown = Assert.Single(ps.RunClean(ShowTokenUsageReads, ws.Root));
            string Field(string name) => shown.Properties[name].Value?.ToString() ?? string.Empty;
            var n0 = System.Globalization.CultureInfo.InvariantCulture;
            Assert.Equal(input.ToString("N0", n0), Field("Input"));
            Assert.Equal(output.ToString("N0", n0), Field("Output"));
            Assert.Equal((input + output).ToString("N0", n0), Field("Total"));
            // RLM's rule, $3 / $15 per million, rounded to 4 places as [math]::Round does (half to even), in decimal:
            // exact, where RLM's double can land a half cent on the wrong side (0.09735 is 0.0973 in double).
            Assert.Equal(Math.Round((input * 3m + output * 15m) / 1_000_000m, 4), e.GetProperty("estimated_cost_usd").GetDecimal());
            Assert.Equal(e.GetProperty("estimated_cost_usd").GetDouble().ToString("N4", n0), Field("Cost"));
            Assert.Equal(expectedOps, Field("Ops"));
            Assert.Equal(ops.Count, Field("Recent").Split('|').Length);
            Assert.Equal(rlmId, Field("SessionId"));
            Assert.Equal(compacts.ToString(n0), Field("Compacts"));
        }
    }
}
