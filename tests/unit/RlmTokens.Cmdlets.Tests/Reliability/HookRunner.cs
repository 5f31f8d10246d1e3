using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace RlmTokens.Cmdlets.Tests.Reliability
{
    /// <summary>
    /// Runs hook commands as Claude Code does: <c>bash -c '&lt;command&gt;'</c> with the event's JSON on
    /// standard input, CLAUDE_PROJECT_DIR set, and the command's <c>pwsh</c> resolved through PATH to a shim
    /// that execs the project's rlm-pwsh; <c>Import-Module RlmTokens</c> finds the staged module through
    /// PSModulePath. HOME, the transcript cache and Claude's config folder point into the test's own
    /// folder, so nothing depends on the home directory.
    /// </summary>
    public sealed class HookRunner : IDisposable
    {
        private readonly string _bin;

        public HookRunner(string workspace, IDictionary<string, string?>? env = null)
        {
            Workspace = workspace;
            Folder = Path.Combine(Path.GetTempPath(), "rlmtokens-hooks", Guid.NewGuid().ToString("N").Substring(0, 12));
            _bin = Path.Combine(Folder, "bin");
            Directory.CreateDirectory(_bin);
            Directory.CreateDirectory(Path.Combine(Folder, "home"));
            string shim = Path.Combine(_bin, "pwsh");
            File.WriteAllText(shim, "#!/bin/sh\nexec dotnet '" + Repo.ShellDll.Replace("'", "'\\''") + "' \"$@\"\n", new UTF8Encoding(false));
            if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            Environment = new Dictionary<string, string?>
            {
                ["PATH"] = _bin + Path.PathSeparator + System.Environment.GetEnvironmentVariable("PATH"),
                ["PSModulePath"] = Path.Combine(Repo.Root, "out"),
                ["CLAUDE_PROJECT_DIR"] = workspace,
                ["HOME"] = Path.Combine(Folder, "home"),
                ["CLAUDE_CONFIG_DIR"] = Path.Combine(Folder, "claude"),
                ["RLMTOKENS_CACHE_DIR"] = Path.Combine(Folder, "cache"),
                ["NO_COLOR"] = "1",
                ["TERM"] = "dumb",
            };
            if (env is not null) { foreach (var kv in env) { Environment[kv.Key] = kv.Value; } }
        }

        public string Workspace { get; }

        /// <summary>The native hook of the staged module for this platform, or null where the build could not make it.</summary>
        public static string? NativeHook
        {
            get
            {
                if (!OperatingSystem.IsLinux() || System.Runtime.InteropServices.RuntimeInformation.OSArchitecture != System.Runtime.InteropServices.Architecture.X64) { return null; }
                string path = Path.Combine(Repo.ModuleFolder, "bin", "linux-x64", "rlmtokens-hook");
                return File.Exists(path) ? path : null;
            }
        }

        /// <summary>Puts the module's native hook on the runner's PATH as <c>rlmtokens-hook</c>, as the README's native recipe expects.</summary>
        public void LinkNativeHook()
        {
            string native = NativeHook ?? throw new FileNotFoundException("The build made no native hook for this platform.");
            File.CreateSymbolicLink(Path.Combine(_bin, "rlmtokens-hook"), native);
        }

        /// <summary>The runner's own folder (shim, home, Claude config with its transcripts, cache).</summary>
        public string Folder { get; }

        public Dictionary<string, string?> Environment { get; }

        /// <summary>Where Claude Code keeps this workspace's transcripts under the runner's config folder.</summary>
        public string ProjectTranscripts => Path.Combine(Folder, "claude", "projects", Workspace.Replace('/', '-').Replace('.', '-'));

        public sealed record Run(string Event, int ExitCode, string Stdout, string Stderr, TimeSpan Took)
        {
            /// <summary>Whether the hook ran longer than Claude Code's timeout for it (reported, not asserted).</summary>
            public bool OverTimeout { get; init; }
        }

        /// <summary>Starts one hook command (bash -c) with <paramref name="stdin"/> on its standard input.</summary>
        public Process Start(string command, string stdin) => ShellProcess.StartBash(command, Workspace, stdin, Environment);

        /// <summary>
        /// Runs one hook command to its end. <paramref name="timeoutSeconds"/> is Claude Code's hook timeout for
        /// the command: the run reports whether it was exceeded (<see cref="Run.OverTimeout"/>) without failing,
        /// because how long a fresh process takes depends on the machine's load, not on the module (the tests
        /// assert what the hook did instead: spooled, not waited out the lock). Only a hook that hangs, still
        /// running after <see cref="HangSeconds"/>, is killed and fails the test.
        /// </summary>
        public Run Invoke(string hookEvent, string command, string stdin, int timeoutSeconds = 60)
        {
            var watch = Stopwatch.StartNew();
            using Process p = Start(command, stdin);
            var stdout = p.StandardOutput.ReadToEndAsync();
            var stderr = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(Math.Max(timeoutSeconds, HangSeconds) * 1000))
            {
                p.Kill(entireProcessTree: true);
                throw new TimeoutException(hookEvent + " hook still running after " + Math.Max(timeoutSeconds, HangSeconds) + " s: " + command);
            }
            p.WaitForExit();
            return new Run(hookEvent, p.ExitCode, stdout.GetAwaiter().GetResult(), stderr.GetAwaiter().GetResult(), watch.Elapsed)
            {
                OverTimeout = watch.Elapsed.TotalSeconds > timeoutSeconds,
            };
        }

        /// <summary>How long a hook may run before the test calls it hung.</summary>
        public const int HangSeconds = 180;

        public void Dispose()
        {
            try { Directory.Delete(Folder, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>The hook commands of README.md's "Hook recipes" section, taken literally (its JSON block).</summary>
    public sealed class ReadmeRecipe
    {
        private readonly Dictionary<string, List<(string? Matcher, string Command, int Timeout)>> _hooks = new(StringComparer.Ordinal);

        /// <summary>The first JSON block under <paramref name="heading"/> (default: the pwsh recipe; "### Native hook" for rlmtokens-hook's).</summary>
        public ReadmeRecipe(string heading = "## Hook recipes")
        {
            string readme = File.ReadAllText(Path.Combine(Repo.Root, "README.md"));
            int section = readme.IndexOf(heading, StringComparison.Ordinal);
            Assert.True(section >= 0, "README.md has no " + heading + " section");
            int open = readme.IndexOf("```json", section, StringComparison.Ordinal);
            int close = readme.IndexOf("```", open + 7, StringComparison.Ordinal);
            JsonNode settings = JsonNode.Parse(readme.Substring(open + 7, close - open - 7))!;
            foreach (var (hookEvent, groups) in settings["hooks"]!.AsObject())
            {
                var list = new List<(string?, string, int)>();
                foreach (JsonNode? group in groups!.AsArray())
                {
                    string? matcher = group!["matcher"]?.GetValue<string>();
                    foreach (JsonNode? hook in group["hooks"]!.AsArray())
                    {
                        // Claude Code's default hook timeout is 60 seconds.
                        list.Add((matcher, hook!["command"]!.GetValue<string>(), hook["timeout"]?.GetValue<int>() ?? 60));
                    }
                }
                _hooks[hookEvent] = list;
            }
        }

        public IReadOnlyCollection<string> Events => _hooks.Keys;

        /// <summary>The commands Claude Code runs for an event whose matcher field (tool name, compaction trigger) is <paramref name="subject"/>.</summary>
        public IReadOnlyList<(string Command, int Timeout)> For(string hookEvent, string? subject = null) =>
            _hooks.TryGetValue(hookEvent, out var list)
                ? list.Where(h => h.Matcher is null || h.Matcher.Length == 0 || h.Matcher == "*" || (subject is not null && System.Text.RegularExpressions.Regex.IsMatch(subject, "^(?:" + h.Matcher + ")$")))
                    .Select(h => (h.Command, h.Timeout)).ToList()
                : new List<(string, int)>();
    }

    /// <summary>Claude Code transcripts (.jsonl) and hook documents for the tests.</summary>
    public static class ClaudeDocs
    {
        public static string Json(object value) => JsonSerializer.Serialize(value);

        public static string SessionStart(string sessionId, string cwd, string transcript, string source = "startup") =>
            Json(new { session_id = sessionId, transcript_path = transcript, cwd, hook_event_name = "SessionStart", source });

        public static string PostToolUse(string sessionId, string cwd, string transcript, string tool, object input) =>
            Json(new { session_id = sessionId, transcript_path = transcript, cwd, hook_event_name = "PostToolUse", tool_name = tool, tool_input = input, tool_response = new { success = true } });

        public static string Stop(string sessionId, string cwd, string transcript) =>
            Json(new { session_id = sessionId, transcript_path = transcript, cwd, hook_event_name = "Stop", stop_hook_active = false });

        public static string PreCompact(string sessionId, string cwd, string transcript, string trigger = "auto") =>
            Json(new { session_id = sessionId, transcript_path = transcript, cwd, hook_event_name = "PreCompact", trigger, custom_instructions = "" });

        public static string SessionEnd(string sessionId, string cwd, string transcript, string reason = "prompt_input_exit") =>
            Json(new { session_id = sessionId, transcript_path = transcript, cwd, hook_event_name = "SessionEnd", reason });

        /// <summary>
        /// Appends <paramref name="turns"/> assistant responses to a transcript as Claude Code writes them
        /// (a user line, then each response's content blocks on lines of their own that repeat message.id,
        /// requestId and usage: counted once). <paramref name="seed"/> makes the counts differ per session.
        /// </summary>
        public static void AppendTurns(string transcript, string sessionId, string cwd, int firstTurn, int turns, int seed, string model = "claude-sonnet-4-6")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(transcript)!);
            var sb = new StringBuilder();
            for (int t = firstTurn; t < firstTurn + turns; t++)
            {
                string stamp = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero).AddMinutes(t).AddSeconds(seed).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
                sb.Append(Json(new { type = "user", sessionId, cwd, message = new { role = "user", content = "turn " + t }, uuid = $"u-{seed}-{t}", timestamp = stamp })).Append('\n');
                string id = $"msg_{seed:x4}{t:x4}";
                var usage = new { input_tokens = 10 * seed + t, cache_creation_input_tokens = 100 * t + seed, cache_read_input_tokens = 1000 * seed + 7 * t, output_tokens = 50 + 3 * seed + t };
                // Two content blocks of one response: two lines, one message.id/requestId pair.
                foreach (string block in new[] { "thinking", "text" })
                {
                    sb.Append(Json(new
                    {
                        parentUuid = $"u-{seed}-{t}",
                        isSidechain = false,
                        userType = "external",
                        cwd,
                        sessionId,
                        version = "2.0.31",
                        type = "assistant",
                        message = new { id, type = "message", role = "assistant", model, content = new[] { new { type = block, text = "..." } }, usage },
                        requestId = $"req_{seed:x4}{t:x4}",
                        uuid = $"{id}-{block}",
                        timestamp = stamp,
                    })).Append('\n');
                }
            }
            File.AppendAllText(transcript, sb.ToString(), new UTF8Encoding(false));
        }
    }
}
