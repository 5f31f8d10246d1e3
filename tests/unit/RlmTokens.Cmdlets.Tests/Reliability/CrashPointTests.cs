using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// One multi-file change of a writer cmdlet, as a crash test runs it: the workspace it starts from
    /// (built in the hosted engine, times passed in), and the command a real rlm-pwsh process runs (a
    /// hook's JSON on stdin where the cmdlet has a hook form).
    /// </summary>
    public sealed class CrashScenario
    {
        public CrashScenario(string name, int steps, Action<PowerShellHost, TempWorkspace> setup, string command, Func<TempWorkspace, string?> stdin)
        {
            Name = name;
            Steps = steps;
            Setup = setup;
            Command = command;
            Stdin = stdin;
        }

        public string Name { get; }

        /// <summary>The durable steps the change takes (RLMTOKENS_FAULT_TRACE lines): each is a crash point.</summary>
        public int Steps { get; }

        public Action<PowerShellHost, TempWorkspace> Setup { get; }

        /// <summary>The cmdlet call; <c>$ws</c> is the workspace root.</summary>
        public string Command { get; }

        public Func<TempWorkspace, string?> Stdin { get; }

        public override string ToString() => Name;
    }

    /// <summary>
    /// Issue 11, "all or nothing": every writer cmdlet's multi-file change is run in a real rlm-pwsh
    /// process that SIGKILLs itself at durable step k (RLMTOKENS_FAULT_AT, for every k of the change) or
    /// fails there as on a full disk (RLMTOKENS_FAULT_MODE=ioerror). After a reader (which rolls a
    /// committed journal forward), the workspace's data files must be exactly the state before the change
    /// or exactly the state after it: no record lost, none doubled. A change killed before its commit and
    /// run again must give the after state once.
    /// </summary>
    public sealed class CrashPointTests
    {
        private const string ClaudeId = "7c1d2e3f-0a1b-4c2d-8e3f-40516273a8b9";
        private const string OtherClaudeId = "11111111-2222-4333-8444-555555555555";

        private static readonly string Classic =
            "Total cost:            $0.55\nTotal duration (API):  6m 19.7s\nTotal duration (wall): 6h 33m 10.2s\nTotal code changes:    12 lines added, 3 lines removed";

        // Timestamps and the operation ids hashed from them differ between two runs of the same hook call
        // (hooks stamp with the clock); everything else must be identical.
        private static readonly Regex s_timestamp = new Regex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?", RegexOptions.Compiled);
        private static readonly Regex s_hexId = new Regex(@"^[0-9a-f]{32}$", RegexOptions.Compiled);

        private static string Hook(TempWorkspace ws, string claudeId, string hookEvent, params string[] fields) =>
            "{\n  \"session_id\": \"" + claudeId + "\",\n  \"cwd\": " + JsonSerializer.Serialize(ws.Root) + ",\n  \"hook_event_name\": \"" + hookEvent + "\""
            + string.Concat(fields.Select(f => ",\n  " + f)) + "\n}\n";

        private static string Transcript => Path.Combine(Repo.Samples, "transcripts", "0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl");

        private static void StartClaudeSession(PowerShellHost ps, TempWorkspace ws, string claudeId, string startedAt)
        {
            ps.RunClean("$args[0] | Start-TokenSession -StartedAt $args[1]", Hook(ws, claudeId, "SessionStart", "\"source\": \"startup\""), startedAt);
        }

        private static void Estimate(PowerShellHost ps, TempWorkspace ws, string claudeId, string tool)
        {
            ps.RunClean("$args[0] | Add-TokenEstimate", Hook(ws, claudeId, "PostToolUse", "\"tool_name\": \"" + tool + "\"", "\"tool_input\": {\"command\": \"ls\"}"));
        }

        // Hook calls that find the lock busy (held here by this process) and spool their records.
        private static void Spool(TempWorkspace ws, int records)
        {
            string hook = Hook(ws, ClaudeId, "PostToolUse", "\"tool_name\": \"Bash\"", "\"tool_input\": {\"command\": \"ls\"}").Replace("\n", " ", StringComparison.Ordinal);
            using (new FileStream(Path.Combine(ws.TokenUsage, ".rlmtokens.lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                ShellProcess.Result r = ShellProcess.Run("Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $json = @($input) -join ' '; 1.." + records
                    + " | ForEach-Object { $json | Add-TokenEstimate -WarningAction SilentlyContinue }; if ($Error.Count) { 'ERROR' }",
                    ws.Root, hook, new Dictionary<string, string?> { ["RLMTOKENS_HOOK_LOCK_TIMEOUT_MS"] = "50" });
                Assert.True(r.ExitCode == 0 && !r.Stdout.Contains("ERROR", StringComparison.Ordinal), r.Stdout + r.Stderr);
            }
            Assert.Equal(records, Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json").Length);
        }

        /// <summary>The changes under test, each a row of the theories (by name: xunit serializes strings).</summary>
        internal static readonly IReadOnlyDictionary<string, CrashScenario> Scenarios = new[]
        {
            new CrashScenario("AddTokenEstimate-Hook", 7,
                (ps, ws) =>
                {
                    File.WriteAllText(ws.PathOf("notes.txt"), new string('r', 400));
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    Estimate(ps, ws, ClaudeId, "Bash");
                },
                "$input | Add-TokenEstimate",
                ws => Hook(ws, ClaudeId, "PostToolUse", "\"tool_name\": \"Read\"", "\"tool_input\": {\"file_path\": " + JsonSerializer.Serialize(ws.PathOf("notes.txt")) + "}")),
            new CrashScenario("ImportSessionCost-CostText", 9,
                (ps, ws) =>
                {
                    ps.RunClean("Start-TokenSession -Path $args[0] -SessionId SESSION-2026-11-23-090000 -StartedAt '2026-11-23T09:00:00Z'", ws.Root);
                    ps.RunClean("Import-SessionCost -Path $args[0] -CostOutput 'Total cost: $0.10' -SessionId S-EARLIER -CapturedAt '2026-11-23T08:00:00Z'", ws.Root);
                },
                "Import-SessionCost -Path $ws -CostOutput " + ShellProcess.Quote(Classic) + " -CapturedAt '2026-11-23T12:00:00Z'",
                _ => null),
            new CrashScenario("ImportSessionCost-SessionEndTranscript", 9,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    Estimate(ps, ws, ClaudeId, "Bash");
                },
                "$input | Import-SessionCost -CapturedAt '2026-11-23T12:00:00Z'",
                ws => Hook(ws, ClaudeId, "SessionEnd", "\"transcript_path\": " + JsonSerializer.Serialize(Transcript), "\"reason\": \"logout\"")),
            new CrashScenario("RegisterCompactEvent-Hook", 10,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    ps.RunClean("$args[0] | Register-CompactEvent -Timestamp '2026-11-23T10:00:00Z'", Hook(ws, ClaudeId, "PreCompact", "\"trigger\": \"auto\""));
                },
                "$input | Register-CompactEvent -Timestamp '2026-11-23T11:00:00Z'",
                ws => Hook(ws, ClaudeId, "PreCompact", "\"trigger\": \"manual\"", "\"custom_instructions\": \"keep the API notes\"")),
            new CrashScenario("StartTokenSession-Hook", 2,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, OtherClaudeId, "2026-11-23T08:00:00Z");
                    Estimate(ps, ws, OtherClaudeId, "Bash");
                },
                "$input | Start-TokenSession -StartedAt '2026-11-23T09:00:00Z'",
                ws => Hook(ws, ClaudeId, "SessionStart", "\"source\": \"startup\"")),
            new CrashScenario("StopTokenSession-Hook", 12,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    Estimate(ps, ws, ClaudeId, "Bash");
                    Estimate(ps, ws, ClaudeId, "Grep");
                },
                "$input | Stop-TokenSession -EndedAt '2026-11-23T09:30:00Z'",
                ws => Hook(ws, ClaudeId, "SessionEnd", "\"reason\": \"logout\"")),
            new CrashScenario("UpdateTokenSession-StopHook", 2,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    Estimate(ps, ws, ClaudeId, "Bash");
                },
                "$input | Update-TokenSession",
                ws => Hook(ws, ClaudeId, "Stop", "\"transcript_path\": " + JsonSerializer.Serialize(Transcript))),
            // The next hook after a stuck lock: it folds two spooled records in and adds its own, as one change.
            new CrashScenario("AddTokenEstimate-FoldingTheSpool", 13,
                (ps, ws) =>
                {
                    StartClaudeSession(ps, ws, ClaudeId, "2026-11-23T09:00:00Z");
                    Spool(ws, 2);
                },
                "$input | Add-TokenEstimate",
                ws => Hook(ws, ClaudeId, "PostToolUse", "\"tool_name\": \"Grep\"", "\"tool_input\": {\"pattern\": \"x\"}")),
            new CrashScenario("AddTokenUsage-Append", 4,
                (ps, ws) => ps.RunClean("Add-TokenUsage -Path $args[0] -Tokens 100 -Agent coder -Branch main -Timestamp '2026-11-23T08:00:00Z'", ws.Root),
                "Add-TokenUsage -Path $ws -InputTokens 300 -OutputTokens 200 -Agent tester -Task T-7 -Branch main -Timestamp '2026-11-23T09:00:00Z'",
                _ => null),
            // The same append where token-tracker.sh's metrics.json exists: the log and metrics.json change as one.
            new CrashScenario("AddTokenUsage-AppendWithMetrics", 6,
                (ps, ws) =>
                {
                    File.WriteAllText(ws.PathOf("RLM/progress/metrics.json"),
                        "{\n  \"tokenUsage\": {\n    \"input\": 0,\n    \"output\": 0,\n    \"total\": 0,\n    \"totalCost\": 0,\n    \"dailyUsage\": {},\n    \"byAgent\": {},\n    \"byTask\": {}\n  },\n  \"agents\": {},\n  \"kept\": true\n}\n");
                    ps.RunClean("Add-TokenUsage -Path $args[0] -Tokens 100 -Agent coder -Branch main -Timestamp '2026-11-23T08:00:00Z'", ws.Root);
                },
                "Add-TokenUsage -Path $ws -InputTokens 300 -OutputTokens 200 -Agent tester -Task T-7 -Branch main -Timestamp '2026-11-23T09:00:00Z'",
                _ => null),
        }.ToDictionary(s => s.Name);

        private static readonly ConcurrentDictionary<string, Lazy<Reference>> s_references = new ConcurrentDictionary<string, Lazy<Reference>>();

        // The session changes here; the captures (cost, compaction) in CaptureCrashPointTests, so that
        // xunit runs the two halves side by side (each crash point is a few rlm-pwsh processes).
        private static readonly string[] s_captures = { "ImportSessionCost-CostText", "ImportSessionCost-SessionEndTranscript", "RegisterCompactEvent-Hook" };

        /// <summary>Every (scenario, k) for k in 1..steps of the session changes.</summary>
        public static IEnumerable<object[]> KillPoints() => PointsOf(Scenarios.Keys.Except(s_captures));

        /// <summary>Every (scenario, k) for k in 1..steps of the capture changes.</summary>
        public static IEnumerable<object[]> CaptureKillPoints() => PointsOf(s_captures);

        private static IEnumerable<object[]> PointsOf(IEnumerable<string> names) =>
            names.SelectMany(n => Enumerable.Range(1, Scenarios[n].Steps).Select(k => new object[] { n, k }));

        public static IEnumerable<object[]> ScenarioNames() => Scenarios.Keys.Select(n => new object[] { n });

        /// <summary>Full disk at every step of the append, of a session's close and of a compaction.</summary>
        public static IEnumerable<object[]> IoErrorPoints() =>
            new[] { "AddTokenUsage-Append", "AddTokenUsage-AppendWithMetrics", "StopTokenSession-Hook", "RegisterCompactEvent-Hook" }
                .SelectMany(n => Enumerable.Range(1, Scenarios[n].Steps).Select(k => new object[] { n, k }));

        [Theory]
        [MemberData(nameof(ScenarioNames))]
        public void Change_Traced_ShouldTakeTheStepsTheCrashTableCovers(string scenario)
        {
            Reference reference = ReferenceOf(scenario);
            Assert.True(reference.Steps.Count == Scenarios[scenario].Steps,
                scenario + " takes " + reference.Steps.Count + " steps, the table says " + Scenarios[scenario].Steps + ":\n" + string.Join("\n", reference.Steps));
            Assert.NotEqual(reference.Before, reference.After);
        }

        [Theory]
        [MemberData(nameof(KillPoints))]
        public void Change_KilledAtStep_ShouldLeaveBeforeOrAfterAndARerunShouldGiveAfterOnce(string scenario, int step) => KilledAt(scenario, step);

        internal static void KilledAt(string scenario, int step)
        {
            CrashScenario s = Scenarios[scenario];
            Reference reference = ReferenceOf(scenario);
            using var ws = new TempWorkspace();
            using var cache = new TempWorkspace(withRlm: false);
            Host.Use(ps => s.Setup(ps, ws));

            ShellProcess.Result killed = RunChange(s, ws, cache, new Dictionary<string, string?> { ["RLMTOKENS_FAULT_AT"] = step.ToString(CultureInfo.InvariantCulture) });
            Assert.True(killed.ExitCode == 137, "step " + step + " did not kill the process (exit " + killed.ExitCode + "): " + killed.Stdout + killed.Stderr);

            Dictionary<string, string> recovered = ReadThenSnapshot(ws);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, ".rlmtokens.journal")), "the reader did not roll the journal forward");
            Assert.False(File.Exists(ws.PathOf("RLM/progress/.rlmtokens.journal")), "the log reader did not roll the log's journal forward");
            string spool = Path.Combine(ws.TokenUsage, ".rlmtokens-spool");
            Assert.False(Directory.Exists(spool) && Directory.GetFiles(spool, "*.json").Length > 0, "the reader did not fold the spool in");
            bool isBefore = Same(reference.Before, recovered);
            bool isAfter = Same(reference.After, recovered);
            Assert.True(isBefore || isAfter, "killed at step " + step + " (" + reference.Steps[step - 1] + "): neither before nor after\n" + Diff(reference.Before, reference.After, recovered));

            if (isBefore)
            {
                // Killed before the commit point: the change never happened; run again, it happens once.
                ShellProcess.Result rerun = RunChange(s, ws, cache, null);
                Assert.True(rerun.ExitCode == 0 && rerun.Stdout.Contains("NOERROR", StringComparison.Ordinal), rerun.Stdout + rerun.Stderr);
                Dictionary<string, string> again = ReadThenSnapshot(ws);
                Assert.True(Same(reference.After, again), "re-run after a kill at step " + step + " is not the after state\n" + Diff(reference.Before, reference.After, again));
            }
        }

        internal static void FullDiskAt(string scenario, int step)
        {
            CrashScenario s = Scenarios[scenario];
            Reference reference = ReferenceOf(scenario);
            using var ws = new TempWorkspace();
            using var cache = new TempWorkspace(withRlm: false);
            Host.Use(ps => s.Setup(ps, ws));

            ShellProcess.Result failed = RunChange(s, ws, cache, new Dictionary<string, string?>
            {
                ["RLMTOKENS_FAULT_AT"] = step.ToString(CultureInfo.InvariantCulture),
                ["RLMTOKENS_FAULT_MODE"] = "ioerror",
            });

            Dictionary<string, string> f = Fields(failed.Stdout);
            Assert.True(failed.ExitCode == 0 && f.ContainsKey("ID"), "step " + step + ": no ErrorRecord (exit " + failed.ExitCode + "): " + failed.Stdout + failed.Stderr);
            Assert.StartsWith("RlmTokens.", f["EXC"], StringComparison.Ordinal);
            Assert.EndsWith(",RlmTokens.Cmdlets." + scenario.Split('-')[0] + "Command", f["ID"], StringComparison.Ordinal);
            Assert.Equal("WriteError", f["CAT"]);

            Dictionary<string, string> recovered = ReadThenSnapshot(ws);
            bool isBefore = Same(reference.Before, recovered);
            Assert.True(isBefore || Same(reference.After, recovered),
                "full disk at step " + step + " (" + reference.Steps[step - 1] + "): neither before nor after\n" + Diff(reference.Before, reference.After, recovered));
            // A failure before the temporary files were all written leaves the files as they were.
            if (reference.Steps[step - 1].StartsWith("temp ", StringComparison.Ordinal) || reference.Steps[step - 1] == "journal-written")
            {
                Assert.True(isBefore, "full disk while staging left a change behind");
            }
        }

        // ---- the machinery ----

        private sealed record Reference(Dictionary<string, string> Before, Dictionary<string, string> After, List<string> Steps);

        private static Reference ReferenceOf(string scenario) =>
            s_references.GetOrAdd(scenario, n => new Lazy<Reference>(() => BuildReference(Scenarios[n]))).Value;

        // One traced run: the before state, the after state (each as a reader leaves it) and the steps.
        private static Reference BuildReference(CrashScenario s)
        {
            // The before state from a workspace of its own: its reader folds in any spooled records, which
            // in the other workspace are part of the traced change.
            Dictionary<string, string> before;
            using (var first = new TempWorkspace())
            {
                Host.Use(ps => s.Setup(ps, first));
                before = ReadThenSnapshot(first);
            }
            using var ws = new TempWorkspace();
            using var cache = new TempWorkspace(withRlm: false);
            Host.Use(ps => s.Setup(ps, ws));
            string trace = Path.Combine(cache.Root, "trace.txt");
            ShellProcess.Result r = RunChange(s, ws, cache, new Dictionary<string, string?> { ["RLMTOKENS_FAULT_TRACE"] = trace });
            Assert.True(r.ExitCode == 0 && r.Stdout.Contains("NOERROR", StringComparison.Ordinal), s.Name + ": " + r.Stdout + r.Stderr);
            Dictionary<string, string> after = ReadThenSnapshot(ws);
            List<string> steps = File.Exists(trace)
                ? File.ReadAllLines(trace).Select(l => l.Split(' ', 2)[1]).ToList()
                : new List<string>();
            return new Reference(before, after, steps);
        }

        private const string ReportLastError =
            "; $e = $Error[0]; if ($e) { 'ID=' + $e.FullyQualifiedErrorId; 'CAT=' + $e.CategoryInfo.Category; 'EXC=' + $e.Exception.GetType().FullName } else { 'NOERROR' }";

        private static ShellProcess.Result RunChange(CrashScenario s, TempWorkspace ws, TempWorkspace cache, Dictionary<string, string?>? fault)
        {
            var env = new Dictionary<string, string?>
            {
                ["RLMTOKENS_CACHE_DIR"] = cache.Root,
                ["RLMTOKENS_FAULT_AT"] = null,
                ["RLMTOKENS_FAULT_MODE"] = null,
                ["RLMTOKENS_FAULT_TRACE"] = null,
            };
            if (fault is not null) { foreach (var kv in fault) { env[kv.Key] = kv.Value; } }
            string command = "Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; $ws = " + ShellProcess.Quote(ws.Root) + "; " + s.Command + ReportLastError;
            return ShellProcess.Run(command, ws.Root, s.Stdin(ws), env);
        }

        private static Dictionary<string, string> Fields(string stdout) =>
            stdout.Split('\n').Select(l => l.Trim()).Where(l => l.Contains('=', StringComparison.Ordinal))
                .Select(l => l.Split('=', 2)).GroupBy(p => p[0]).ToDictionary(g => g.Key, g => g.First()[1]);

        /// <summary>Runs a reader (Get-TokenUsage rolls a committed journal forward), then the logical snapshot.</summary>
        private static Dictionary<string, string> ReadThenSnapshot(TempWorkspace ws)
        {
            Host.Use(ps => ps.Run("Get-TokenUsage -Path $args[0] | Out-Null; Get-TokenUsage -Path $args[0] -History -Days 400 | Out-Null; Get-TokenUsage -Path $args[0] -Log | Out-Null", ws.Root));
            return Logical(ws);
        }

        /// <summary>
        /// The data files of the workspace, each parsed and normalized (timestamps, ids hashed from
        /// them and the workspace's own path replaced): temporary files, the journal, the lock and the spool (names starting with '.')
        /// are not data; the notes file the Read hook names is input.
        /// </summary>
        internal static Dictionary<string, string> Logical(TempWorkspace ws)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string file in Directory.EnumerateFiles(ws.Root, "*", SearchOption.AllDirectories))
            {
                string relative = Path.GetRelativePath(ws.Root, file).Replace('\\', '/');
                if (relative.Split('/').Any(part => part.StartsWith('.')) || relative == "notes.txt") { continue; }
                byte[] bytes = File.ReadAllBytes(file);
                string text = new UTF8Encoding(false).GetString(bytes).TrimStart('\uFEFF');
                string normalized;
                if (file.EndsWith(".json", StringComparison.Ordinal))
                {
                    JsonNode? node;
                    try { node = JsonNode.Parse(text); }
                    catch (JsonException e) { node = JsonValue.Create("UNPARSABLE: " + e.Message + ": " + text); }
                    normalized = Normalize(node, ws.Root)?.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) ?? "null";
                }
                else
                {
                    normalized = s_timestamp.Replace(text.Replace(ws.Root, "<ws>", StringComparison.Ordinal), "<time>");
                }
                result[s_timestamp.Replace(relative, "<time>")] = normalized;
            }
            return result;
        }

        private static JsonNode? Normalize(JsonNode? node, string root)
        {
            switch (node)
            {
                case JsonObject o:
                    var copy = new JsonObject();
                    foreach (var kv in o) { copy[kv.Key] = Normalize(kv.Value, root); }
                    return copy;
                case JsonArray a:
                    var list = new JsonArray();
                    foreach (JsonNode? item in a) { list.Add(Normalize(item, root)); }
                    return list;
                case JsonValue v when v.TryGetValue(out string? s):
                    if (s_hexId.IsMatch(s)) { return JsonValue.Create("<id>"); }
                    return JsonValue.Create(s_timestamp.Replace(s.Replace(root, "<ws>", StringComparison.Ordinal), "<time>"));
                default:
                    return node?.DeepClone();
            }
        }

        private static bool Same(Dictionary<string, string> expected, Dictionary<string, string> actual) =>
            expected.Count == actual.Count && expected.All(kv => actual.TryGetValue(kv.Key, out string? v) && v == kv.Value);

        private static string Diff(Dictionary<string, string> before, Dictionary<string, string> after, Dictionary<string, string> actual)
        {
            var sb = new StringBuilder();
            foreach (string key in before.Keys.Union(after.Keys).Union(actual.Keys).OrderBy(k => k, StringComparer.Ordinal))
            {
                before.TryGetValue(key, out string? b);
                after.TryGetValue(key, out string? a);
                actual.TryGetValue(key, out string? x);
                if (x == b && x == a) { continue; }
                string state = x == b ? "as before" : x == a ? "as after" : x is null ? "MISSING" : "NEITHER";
                sb.Append(key).Append(": ").AppendLine(state);
                if (state == "NEITHER") { sb.AppendLine(x).AppendLine("-- after would be --").AppendLine(a ?? "(absent)"); }
            }
            return sb.ToString();
        }

        /// <summary>One hosted engine for setups and readers (a runspace runs one pipeline at a time).</summary>
        private static class Host
        {
            private static readonly object s_gate = new object();
            private static PowerShellHost? s_host;

            public static void Use(Action<PowerShellHost> action)
            {
                lock (s_gate)
                {
                    s_host ??= new PowerShellHost(Path.GetTempPath());
                    action(s_host);
                }
            }
        }
    }

    /// <summary>The capture changes' crash points (see <see cref="CrashPointTests"/>).</summary>
    public sealed class CaptureCrashPointTests
    {
        [Theory]
        [MemberData(nameof(CrashPointTests.CaptureKillPoints), MemberType = typeof(CrashPointTests))]
        public void Change_KilledAtStep_ShouldLeaveBeforeOrAfterAndARerunShouldGiveAfterOnce(string scenario, int step) => CrashPointTests.KilledAt(scenario, step);
    }

    /// <summary>Full disk (RLMTOKENS_FAULT_MODE=ioerror) at each step of three changes (see <see cref="CrashPointTests"/>).</summary>
    public sealed class FullDiskPointTests
    {
        [Theory]
        [MemberData(nameof(CrashPointTests.IoErrorPoints), MemberType = typeof(CrashPointTests))]
        public void Change_FullDiskAtStep_ShouldReportAnErrorRecordAndLeaveBeforeOrAfter(string scenario, int step) => CrashPointTests.FullDiskAt(scenario, step);
    }
}
