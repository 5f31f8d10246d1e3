using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit.Abstractions;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// README.md's hook recipe run as Claude Code runs it: each hook command line taken literally from
    /// the README and run through <c>bash -c</c> with the event's JSON on standard input, as a process of
    /// its own. Sessions keyed by Claude Code's session_id end with their exact transcript figure in the
    /// daily file, equal to what Get-TokenUsage -Transcript reports for that transcript.
    /// </summary>
    public sealed class HookRecipeTests
    {
        private readonly ITestOutputHelper _output;

        public HookRecipeTests(ITestOutputHelper output) => _output = output;

        private static readonly ReadmeRecipe s_recipe = new ReadmeRecipe();

        // Runs every README command Claude Code would run for the event; each must succeed quietly. A run past
        // Claude Code's timeout for the command is reported, not failed: a fresh process's time is the machine's load.
        private HookRunner.Run[] Hook(HookRunner runner, string hookEvent, string document, string? subject = null)
        {
            var commands = s_recipe.For(hookEvent, subject);
            Assert.True(commands.Count > 0, "README.md has no " + hookEvent + " hook for " + subject);
            var runs = commands.Select(c => runner.Invoke(hookEvent, c.Command, document, c.Timeout)).ToArray();
            foreach (HookRunner.Run r in runs)
            {
                if (r.OverTimeout) { _output.WriteLine($"{hookEvent} hook took {r.Took.TotalSeconds:F1} s, past Claude Code's timeout for it (a loaded machine?)"); }
                Assert.True(r.ExitCode == 0 && r.Stderr.Length == 0, hookEvent + " hook failed (" + r.ExitCode + "): " + r.Stderr + r.Stdout);
            }
            return runs;
        }

        private static JsonElement ReadJson(string path)
        {
            using JsonDocument doc = JsonDocument.Parse(SessionProcessTests.Strip(File.ReadAllBytes(path)));
            return doc.RootElement.Clone();
        }

        /// <summary>What Get-TokenUsage -Transcript reports for one session's transcript.</summary>
        private static TranscriptUsageRow TranscriptFigure(HookRunner runner, string claudeSessionId)
        {
            using var ps = new PowerShellHost(runner.Workspace);
            List<TranscriptUsageRow> rows = ps.RunAs<TranscriptUsageRow>("Get-TokenUsage -Transcript -TranscriptRoot $args[0] -GroupBy Session -NoCache", Path.Combine(runner.Folder, "claude"));
            Assert.Empty(ps.Errors);
            return Assert.Single(rows, r => r.GroupKey == claudeSessionId);
        }

        private static List<JsonElement> DailyEntries(TempWorkspace ws) =>
            Directory.GetFiles(ws.TokenUsage, "daily-*.json")
                .SelectMany(f => ReadJson(f).GetProperty("sessions").EnumerateArray().ToList())
                .ToList();

        /// <summary>Asserts a closed session was booked once, at its transcript's exact figure, in its cost file and its daily entry.</summary>
        private static void AssertBookedExactly(TempWorkspace ws, HookRunner runner, string claude, List<JsonElement> daily)
        {
            TranscriptUsageRow figure = TranscriptFigure(runner, claude);
            Assert.True(figure.CostKnown);
            decimal cost = Math.Round(figure.CostUsd!.Value, 6);
            JsonElement record = ReadJson(Path.Combine(ws.TokenUsage, "sessions", "closed", claude + ".json"));
            string rlm = record.GetProperty("rlm_session_id").GetString()!;

            JsonElement costFile = ReadJson(Path.Combine(ws.TokenUsage, "cost-" + rlm + ".json"));
            Assert.Equal("exact", costFile.GetProperty("precision").GetString());
            Assert.Equal(claude, costFile.GetProperty("claude_session_id").GetString());
            Assert.Equal(figure.TotalTokens, costFile.GetProperty("tokens").GetProperty("total").GetInt64());
            Assert.Equal(figure.InputTokens, costFile.GetProperty("tokens").GetProperty("input").GetInt64());
            Assert.Equal(figure.OutputTokens, costFile.GetProperty("tokens").GetProperty("output").GetInt64());
            Assert.Equal(figure.CacheReadTokens, costFile.GetProperty("tokens").GetProperty("cache_read").GetInt64());
            Assert.Equal(figure.CacheCreationTokens, costFile.GetProperty("tokens").GetProperty("cache_write").GetInt64());
            Assert.Equal(figure.TotalTokens, costFile.GetProperty("estimation").GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(cost, costFile.GetProperty("parsed").GetProperty("total_cost_usd").GetDecimal());

            JsonElement entry = Assert.Single(daily, e => e.GetProperty("session_id").GetString() == rlm);
            Assert.Equal(claude, entry.GetProperty("claude_session_id").GetString());
            Assert.True(entry.GetProperty("exact").GetBoolean());
            Assert.Equal(figure.TotalTokens, entry.GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(cost, entry.GetProperty("cost_usd").GetDecimal());
            Assert.Single(daily, e => e.GetProperty("claude_session_id").GetString() == claude);
        }

        [Fact]
        public void ReadmeRecipe_WholeSessionThroughBash_ShouldEndWithTheExactTranscriptFigureInTheDailyFile()
        {
            // The pwsh shim is a POSIX shell script; on Windows Claude Code's bash is Git Bash, not set up here.
            if (OperatingSystem.IsWindows()) { return; }
            using var ws = new TempWorkspace();
            using var runner = new HookRunner(ws.Root);
            const string claude = "5e55a0a1-0000-4000-8000-00000000000a";
            string transcript = Path.Combine(runner.ProjectTranscripts, claude + ".jsonl");
            string src = ws.PathOf("src");
            Directory.CreateDirectory(src);
            File.WriteAllText(Path.Combine(src, "read.cs"), new string('r', 4000));

            ClaudeDocs.AppendTurns(transcript, claude, ws.Root, 0, 1, seed: 3);
            Hook(runner, "SessionStart", ClaudeDocs.SessionStart(claude, ws.Root, transcript));
            Hook(runner, "PostToolUse", ClaudeDocs.PostToolUse(claude, ws.Root, transcript, "Read", new { file_path = Path.Combine(src, "read.cs") }), "Read");
            Hook(runner, "PostToolUse", ClaudeDocs.PostToolUse(claude, ws.Root, transcript, "Write", new { file_path = Path.Combine(src, "new.cs"), content = new string('w', 800) }), "Write");
            ClaudeDocs.AppendTurns(transcript, claude, ws.Root, 1, 2, seed: 3);
            Hook(runner, "Stop", ClaudeDocs.Stop(claude, ws.Root, transcript));
            Hook(runner, "PostToolUse", ClaudeDocs.PostToolUse(claude, ws.Root, transcript, "Edit", new { file_path = Path.Combine(src, "new.cs"), old_string = "www", new_string = "xyz" }), "Edit");
            Hook(runner, "PostToolUse", ClaudeDocs.PostToolUse(claude, ws.Root, transcript, "Task", new { subagent_type = "Explore", prompt = "look", description = "look" }), "Task");
            Hook(runner, "PreCompact", ClaudeDocs.PreCompact(claude, ws.Root, transcript), "auto");
            ClaudeDocs.AppendTurns(transcript, claude, ws.Root, 3, 2, seed: 3, model: "claude-opus-4-1");
            Hook(runner, "Stop", ClaudeDocs.Stop(claude, ws.Root, transcript));

            // Before the end: the open session shows the exact running figure of the last Stop hook.
            TranscriptUsageRow figure = TranscriptFigure(runner, claude);
            using (var ps = new PowerShellHost(ws.Root))
            {
                TokenSessionSummary open = Assert.Single(ps.RunAs<TokenSessionSummary>("Get-TokenUsage"));
                Assert.Empty(ps.Errors);
                Assert.Equal((UsagePrecision.Exact, claude, figure.TotalTokens), (open.Precision, open.ClaudeSessionId, open.TotalTokens));
                Assert.Equal(1, open.Compactions);
                Assert.Equal((1L, 1L, 1L, 1L), (open.FilesRead, open.FilesWritten, open.FilesEdited, open.SubagentsSpawned));
            }

            Hook(runner, "SessionEnd", ClaudeDocs.SessionEnd(claude, ws.Root, transcript));

            List<JsonElement> daily = DailyEntries(ws);
            JsonElement only = Assert.Single(daily);
            AssertBookedExactly(ws, runner, claude, daily);
            string rlm = only.GetProperty("session_id").GetString()!;
            JsonElement archive = ReadJson(Path.Combine(ws.TokenUsage, rlm + ".json"));
            Assert.Equal(claude, archive.GetProperty("claude_session_id").GetString());
            Assert.Equal(1, archive.GetProperty("context_compacts").GetArrayLength());
            Assert.Equal(4, archive.GetProperty("token_estimate").GetProperty("by_operation").GetArrayLength());
            Assert.Equal(figure.TotalTokens, archive.GetProperty("exact_usage").GetProperty("total").GetInt64());
            Assert.False(ws.Exists("RLM/progress/token-usage/current-session.json"));
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, "sessions"), "*.json"));
            _output.WriteLine($"one session: exact {figure.TotalTokens} tokens, {figure.CostUsd} USD; daily entry {only.GetProperty("estimated_tokens")} tokens, {only.GetProperty("cost_usd")} USD");
        }

        /// <summary>
        /// Two Claude Code sessions in one workspace, each with its own transcript, their hooks run as
        /// separate processes: A starts, B starts, their tool hooks interleave (pairs at the same time),
        /// their Stop hooks run, A ends, B ends. Each is booked once at its own exact figure; the daily
        /// usage Test-TokenBudget sees is the sum of the two.
        /// </summary>
        [Fact]
        public void ReadmeRecipe_TwoInterleavedSessionsWithOwnTranscripts_ShouldBookEachItsOwnExactFigureOnce()
        {
            if (OperatingSystem.IsWindows()) { return; }
            using var ws = new TempWorkspace();
            using var runner = new HookRunner(ws.Root);
            const string a = "aaaaaaaa-0000-4000-8000-00000000000a";
            const string b = "bbbbbbbb-0000-4000-8000-00000000000b";
            string ta = Path.Combine(runner.ProjectTranscripts, a + ".jsonl");
            string tb = Path.Combine(runner.ProjectTranscripts, b + ".jsonl");
            string src = ws.PathOf("src");
            Directory.CreateDirectory(src);

            ClaudeDocs.AppendTurns(ta, a, ws.Root, 0, 1, seed: 1);
            Hook(runner, "SessionStart", ClaudeDocs.SessionStart(a, ws.Root, ta));
            ClaudeDocs.AppendTurns(tb, b, ws.Root, 0, 1, seed: 2);
            Hook(runner, "SessionStart", ClaudeDocs.SessionStart(b, ws.Root, tb));
            for (int round = 0; round < 3; round++)
            {
                // A's and B's tool hooks at the same time, as two terminals would fire them.
                var pending = new List<(Process P, string Event)>();
                foreach ((string id, string t) in new[] { (a, ta), (b, tb) })
                {
                    string file = Path.Combine(src, id.Substring(0, 1) + round + ".cs");
                    string doc = ClaudeDocs.PostToolUse(id, ws.Root, t, "Write", new { file_path = file, content = new string('x', 400 * (round + 1)) });
                    foreach (var (command, _) in s_recipe.For("PostToolUse", "Write")) { pending.Add((runner.Start(command, doc), "PostToolUse")); }
                }
                foreach (var (p, e) in pending)
                {
                    string err = p.StandardError.ReadToEnd();
                    p.StandardOutput.ReadToEnd();
                    Assert.True(p.WaitForExit(HookRunner.HangSeconds * 1000), e + " hook still running");
                    Assert.True(p.ExitCode == 0 && err.Length == 0, e + " hook failed: " + err);
                    p.Dispose();
                }
                ClaudeDocs.AppendTurns(ta, a, ws.Root, 1 + 2 * round, 2, seed: 1);
                Hook(runner, "Stop", ClaudeDocs.Stop(a, ws.Root, ta));
                ClaudeDocs.AppendTurns(tb, b, ws.Root, 1 + 2 * round, 2, seed: 2, model: round == 1 ? "claude-opus-4-1" : "claude-sonnet-4-6");
                Hook(runner, "Stop", ClaudeDocs.Stop(b, ws.Root, tb));
            }

            // Both open, each with its own exact running figure.
            TranscriptUsageRow fa = TranscriptFigure(runner, a);
            TranscriptUsageRow fb = TranscriptFigure(runner, b);
            Assert.NotEqual(fa.TotalTokens, fb.TotalTokens);
            using (var ps = new PowerShellHost(ws.Root))
            {
                var open = ps.RunAs<TokenSessionSummary>("Get-TokenUsage");
                Assert.Empty(ps.Errors);
                Assert.Equal(2, open.Count);
                Assert.Equal(fa.TotalTokens, Assert.Single(open, s => s.ClaudeSessionId == a).TotalTokens);
                Assert.Equal(fb.TotalTokens, Assert.Single(open, s => s.ClaudeSessionId == b).TotalTokens);
            }

            Hook(runner, "SessionEnd", ClaudeDocs.SessionEnd(a, ws.Root, ta));
            // B goes on after A's end: its transcript grows, its Stop hook runs once more.
            ClaudeDocs.AppendTurns(tb, b, ws.Root, 7, 1, seed: 2);
            Hook(runner, "Stop", ClaudeDocs.Stop(b, ws.Root, tb));
            Hook(runner, "SessionEnd", ClaudeDocs.SessionEnd(b, ws.Root, tb));
            fb = TranscriptFigure(runner, b);

            List<JsonElement> daily = DailyEntries(ws);
            Assert.Equal(2, daily.Count);
            AssertBookedExactly(ws, runner, a, daily);
            AssertBookedExactly(ws, runner, b, daily);
            long dailyTokens = Directory.GetFiles(ws.TokenUsage, "daily-*.json").Sum(f => ReadJson(f).GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
            decimal dailyCost = Directory.GetFiles(ws.TokenUsage, "daily-*.json").Sum(f => ReadJson(f).GetProperty("totals").GetProperty("total_cost_usd").GetDecimal());
            Assert.Equal(fa.TotalTokens + fb.TotalTokens, dailyTokens);
            Assert.Equal(Math.Round(fa.CostUsd!.Value, 6) + Math.Round(fb.CostUsd!.Value, 6), dailyCost);

            // Test-TokenBudget's daily usage: the two exact figures, nothing counted twice.
            using (var ps = new PowerShellHost(ws.Root))
            {
                decimal used = 0, usedUsd = 0;
                foreach (string file in Directory.GetFiles(ws.TokenUsage, "daily-*.json"))
                {
                    string date = Path.GetFileNameWithoutExtension(file).Substring("daily-".Length);
                    var status = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Limit 1e12 -LimitUsd 1e6 -Date $args[0]",
                        DateTime.ParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture));
                    Assert.Empty(ps.Errors);
                    used += Assert.Single(status, s => s.Unit == BudgetUnit.Tokens).Used;
                    usedUsd += Assert.Single(status, s => s.Unit == BudgetUnit.Usd).Used;
                    Assert.All(status, s => Assert.Equal(UsagePrecision.Exact, s.Precision));
                }
                Assert.Equal(fa.TotalTokens + fb.TotalTokens, used);
                // Budgets show USD to four places.
                Assert.Equal(Math.Round(Math.Round(fa.CostUsd!.Value, 6) + Math.Round(fb.CostUsd!.Value, 6), 4), usedUsd);
            }
            Assert.Equal(2, Directory.GetFiles(ws.TokenUsage, "SESSION-*.json").Length);
            Assert.Equal(2, Directory.GetFiles(ws.TokenUsage, "cost-*.json").Length);
            _output.WriteLine($"A exact {fa.TotalTokens} tokens {fa.CostUsd} USD; B exact {fb.TotalTokens} tokens {fb.CostUsd} USD; daily {dailyTokens} tokens {dailyCost} USD");
        }

        /// <summary>
        /// The folder lock held by a process that was stopped (SIGSTOP) while holding it: every hook of a
        /// whole session returns within its Claude Code timeout, its record kept in the spool; once the
        /// holder is gone the next reader folds them in, once, and the session ends with its exact figure.
        /// </summary>
        [Fact]
        public void ReadmeRecipe_LockHeldByStoppedProcess_ShouldReturnWithinTheHookBoundAndFoldTheRecordsInLater()
        {
            if (OperatingSystem.IsWindows()) { return; }
            using var ws = new TempWorkspace();
            using var runner = new HookRunner(ws.Root);
            const string claude = "c0ffee00-0000-4000-8000-00000000000c";
            string transcript = Path.Combine(runner.ProjectTranscripts, claude + ".jsonl");
            string src = ws.PathOf("src");
            Directory.CreateDirectory(src);
            ClaudeDocs.AppendTurns(transcript, claude, ws.Root, 0, 3, seed: 5);

            var runs = new List<HookRunner.Run>();
            using (LockHolder holder = LockHolder.HoldFolderLock(ws.TokenUsage))
            {
                using (Process stop = Process.Start("kill", new[] { "-STOP", holder.ProcessId.ToString(CultureInfo.InvariantCulture) })) { stop.WaitForExit(); }
                runs.AddRange(Hook(runner, "SessionStart", ClaudeDocs.SessionStart(claude, ws.Root, transcript)));
                runs.AddRange(Hook(runner, "PostToolUse", ClaudeDocs.PostToolUse(claude, ws.Root, transcript, "Write", new { file_path = Path.Combine(src, "a.cs"), content = new string('w', 1200) }), "Write"));
                runs.AddRange(Hook(runner, "Stop", ClaudeDocs.Stop(claude, ws.Root, transcript)));
                ClaudeDocs.AppendTurns(transcript, claude, ws.Root, 3, 2, seed: 5);
                runs.AddRange(Hook(runner, "SessionEnd", ClaudeDocs.SessionEnd(claude, ws.Root, transcript)));

                // Nothing booked yet: every record waits in the spool, the data files are untouched.
                Assert.Equal(4, Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json").Length);
                Assert.Empty(Directory.GetFiles(ws.TokenUsage, "daily-*.json"));
                holder.Kill();
            }
            foreach (HookRunner.Run r in runs)
            {
                _output.WriteLine($"{r.Event} hook with the lock held by a stopped process returned after {r.Took.TotalSeconds:F1} s");
                Assert.Contains("spool", r.Stdout + r.Stderr, StringComparison.OrdinalIgnoreCase);
                // The wait was the hook bound (LockSettings: 2 s by default), not an interactive writer's 30 s.
                Assert.Contains("busy for 2000 ms", r.Stdout, StringComparison.Ordinal);
            }

            // The next reader folds the spool in, in order, exactly once.
            using (var ps = new PowerShellHost(ws.Root))
            {
                ps.RunClean("Get-TokenUsage | Out-Null");
                ps.RunClean("Get-TokenUsage | Out-Null");
            }
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, ".rlmtokens-spool"), "*.json"));
            List<JsonElement> daily = DailyEntries(ws);
            Assert.Single(daily);
            AssertBookedExactly(ws, runner, claude, daily);
            string rlm = daily[0].GetProperty("session_id").GetString()!;
            JsonElement archive = ReadJson(Path.Combine(ws.TokenUsage, rlm + ".json"));
            Assert.Equal(1, archive.GetProperty("token_estimate").GetProperty("by_operation").GetArrayLength());
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, "sessions"), "*.json"));
        }
    }
}
