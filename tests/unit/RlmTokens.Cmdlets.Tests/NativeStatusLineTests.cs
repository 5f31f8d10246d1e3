using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using RlmTokens.Cmdlets.Tests.Reliability;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// rlmtokens-hook statusline (NativeAOT) against Show-TokenStatusLine, both run as Claude Code runs a
    /// statusLine command (bash -c, the status JSON on stdin) in the same folder with the same environment:
    /// the same transcripts, budgets, cache variable, NO_COLOR and TERM give the same bytes on stdout; bad input
    /// gives the same fallback line and exit 0. Skipped, with the reason, where the build made no native binary.
    /// </summary>
    public sealed class NativeStatusLineTests
    {
        private const string Now = ShowTokenStatusLineTests.Now;

        private static string PwshCommand(string extra = "") =>
            "dotnet \"" + Repo.ShellDll + "\" -NoProfile -NonInteractive -Command "
            + "'Import-Module " + Repo.Manifest + "; $input | Show-TokenStatusLine -TimeZone UTC -Now " + Now + extra + "'";

        private static string NativeCommand(string extra = "") => "\"" + HookRunner.NativeHook + "\" statusline --now " + Now + " --time-zone UTC" + extra;

        // Claude Code's folders of the test only: an empty home, CLAUDE_CONFIG_DIR on the workspace's claude/.
        private static Dictionary<string, string?> Env(TempWorkspace ws, string? noColor, string term, string cache)
        {
            Directory.CreateDirectory(ws.PathOf("home"));
            return new Dictionary<string, string?>
            {
                ["HOME"] = ws.PathOf("home"),
                ["CLAUDE_CONFIG_DIR"] = ws.PathOf("claude"),
                ["RLMTOKENS_CACHE_DIR"] = ws.PathOf(cache),
                ["NO_COLOR"] = noColor,
                ["TERM"] = term,
            };
        }

        private static string Line(string command, TempWorkspace ws, string stdin, IDictionary<string, string?> env)
        {
            ShellProcess.Result r = ShellProcess.RunBash(command, ws.Root, stdin, env);
            Assert.True(r.ExitCode == 0, "exit " + r.ExitCode + " of " + command + ": " + r.Stderr);
            Assert.Equal(string.Empty, r.Stderr);
            return r.Stdout;
        }

        [NativeHookFact]
        public void NativeStatusLine_WithTranscriptsAndBudgets_ShouldPrintTheCmdletsLineInEveryColourSetting()
        {
            using var ws = new TempWorkspace();
            string main = ShowTokenStatusLineTests.WriteTranscripts(ws);
            ws.Write("RLM/config/project-config.json", "{\"tokenTracking\":{\"enabled\":true,\"budgetDaily\":1000,\"budgetMonthly\":100000000}}");
            ws.Write("RLM/progress/token-usage/daily-2026-10-05.json",
                "{\"date\":\"2026-10-05\",\"sessions\":[{\"session_id\":\"x\",\"cost_usd\":0.01,\"estimated_tokens\":900,\"captured_at\":\"2026-10-05T10:00:00Z\"}],\"totals\":{\"total_cost_usd\":0.01,\"estimated_tokens\":900,\"sessions_count\":1}}");
            string json = ShowTokenStatusLineTests.Status(main, extra: "\"workspace\":{\"project_dir\":" + JsonSerializer.Serialize(ws.Root) + "}");

            var settings = new (string? NoColor, string Term, bool Coloured)[] { ("1", "xterm-256color", false), (null, "xterm-256color", true), (null, "dumb", false) };
            foreach (var (noColor, term, coloured) in settings)
            {
                // Each reader has its own cache folder: the first call fills it, the second reads through it.
                for (int call = 0; call < 2; call++)
                {
                    string pwsh = Line(PwshCommand(), ws, json, Env(ws, noColor, term, "cache-pwsh"));
                    string native = Line(NativeCommand(), ws, json, Env(ws, noColor, term, "cache-native"));
                    Assert.Equal(pwsh, native);
                    Assert.StartsWith("Sonnet 4.6 | session 141k tok $", native);
                    Assert.Contains("(2h00m left)", native);
                    Assert.EndsWith("Critical" + (coloured ? "\u001b[0m" : string.Empty) + "\n", native);
                    Assert.Equal(coloured, native.Contains("\u001b[32mctx 18k/200k (9%)\u001b[0m"));
                    Assert.Equal(coloured, native.Contains('\u001b'));
                }
            }
            Assert.NotEmpty(Directory.GetFiles(ws.PathOf("cache-native")));
        }

        [NativeHookFact]
        public void NativeStatusLine_AfterAnAppendedResponse_ShouldCountItAsTheCmdletDoes()
        {
            using var ws = new TempWorkspace();
            string main = ShowTokenStatusLineTests.WriteTranscripts(ws);
            string json = ShowTokenStatusLineTests.Status(main);
            var env = Env(ws, "1", "xterm", "cache");
            string before = Line(NativeCommand(), ws, json, env);
            File.AppendAllText(main, ShowTokenStatusLineTests.Assistant(ShowTokenStatusLineTests.Session, "a4", "2026-10-05T11:50:00Z", "claude-sonnet-4-6", 7, 8, 9, 400000));
            string after = Line(NativeCommand(), ws, json, env);
            Assert.Contains(" | ctx 18k/200k (9%)", before);
            Assert.Contains(" | ctx 400k/200k (200%)", after);
            Assert.Equal(Line(PwshCommand(), ws, json, env), after);
        }

        public static IEnumerable<object[]> BadInputs()
        {
            foreach (object[] bad in ShowTokenStatusLineTests.BadInputs()) { yield return bad; }
            yield return new object[] { "nul and control characters", "\0\u0001\u001b[2J", "no status input" };
            yield return new object[] { "huge number", "{\"transcript_path\":\"x.jsonl\",\"context_window\":{\"context_window_size\":1e400},\"cost\":{\"total_cost_usd\":1e400}}", "no transcript yet" };
            yield return new object[] { "truncated", "{\"session_id\":\"s\",\"transcript_path\":\"/tmp/x", "no status input" };
        }

        [NativeHookFact]
        public void NativeStatusLine_WithBadInput_ShouldPrintTheCmdletsFallbackAndExitZero()
        {
            using var ws = new TempWorkspace();
            ShowTokenStatusLineTests.WriteTranscripts(ws);
            var env = Env(ws, "1", "dumb", "cache");
            foreach (object[] bad in BadInputs())
            {
                string name = (string)bad[0], json = (string)bad[1], problem = (string)bad[2];
                string native = Line(NativeCommand(), ws, json, env);
                Assert.True(native.EndsWith(" | " + problem + "\n", StringComparison.Ordinal) && native.Length < 60, name + ": " + native);
                Assert.True(Line(PwshCommand(), ws, json, env) == native, name);
            }
            string fifo = ws.PathOf("claude/projects/-src-p/fifo.jsonl");
            Assert.Equal(0, ShowTokenStatusLineTests.Mkfifo(fifo, Convert.ToInt32("600", 8)));
            string fifoJson = "{\"transcript_path\":" + JsonSerializer.Serialize(fifo) + ",\"model\":{\"id\":\"claude-opus-4-5\"}}";
            Assert.Equal("claude-opus-4-5 | transcript is not a regular file\n", Line(NativeCommand(), ws, fifoJson, env));
            Assert.Equal("Claude | no status input\n", Line(NativeCommand() + " </dev/null", ws, string.Empty, env));
        }

        [NativeHookFact]
        public void NativeStatusLine_WithAnUnknownOption_ShouldSayWhichOnStderrAndExitTwo()
        {
            using var ws = new TempWorkspace();
            foreach (string extra in new[] { " --color", " --now", " --time-zone Nowhere/Atlantis", " --now yesterday-ish" })
            {
                ShellProcess.Result r = ShellProcess.RunBash(NativeCommand(extra), ws.Root, "{}");
                Assert.Equal(2, r.ExitCode);
                Assert.Equal(string.Empty, r.Stdout);
                Assert.StartsWith("rlmtokens-hook: statusline takes --now", r.Stderr);
            }
        }
    }
}
