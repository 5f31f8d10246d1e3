using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.ClaudeSettings
{
    /// <summary>
    /// Moves a workspace's Claude Code hooks from RLM's scripts to the RlmTokens cmdlets, and back.
    /// Works on the JSON tree (System.Text.Json.Nodes keeps property order and every unrelated entry):
    /// RLM's script calls are replaced in place (type, timeout and position kept), RLM's session-end on
    /// Stop moves to SessionEnd, the events RLM misses are added, and every change is recorded in
    /// <c>.claude/rlmtokens-hooks.json</c> so that Uninstall removes exactly what Install added and puts
    /// back what it replaced. Plans are computed first (for -WhatIf) and applied one file at a time.
    /// </summary>
    public sealed partial class HookMigrator
    {
        /// <summary>Ends every command Install writes (a PowerShell comment inside the -Command text), so added hooks are recognisable.</summary>
        public const string Marker = "# RlmTokens:Install-TokenHook";

        /// <summary>The matcher of the PostToolUse group added when no RLM estimate hook was there.</summary>
        public const string EstimateMatcher = "Read|Write|Edit|MultiEdit|NotebookEdit|Task";

        /// <summary>The tools whose PostToolUse documents Add-TokenEstimate needs (RLM's own groups cover Read, Write, Edit and Task only).</summary>
        public static readonly IReadOnlyList<string> EstimatedTools = new[] { "Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "Task" };

        /// <summary>
        /// SessionStart's sources Start-TokenSession needs (RLM hooks "startup" only): a session resumed
        /// under a new id must say so, or its transcript's copy of the earlier session would count twice.
        /// </summary>
        public static readonly IReadOnlyList<string> StartSources = new[] { "startup", "resume", "clear", "compact" };

        /// <summary>The settings files read, relative to the workspace root, in Claude Code's order.</summary>
        public static readonly IReadOnlyList<string> SettingsFiles = new[]
        {
            ".claude/settings.json",
            ".claude/settings.local.json",
            ".claude/hooks/hooks.json",
        };

        /// <summary>Where the record of installed changes is kept, relative to the workspace root.</summary>
        public const string StateFile = ".claude/rlmtokens-hooks.json";

        /// <summary>RLM's scripts and the cmdlets that replace them.</summary>
        public static readonly IReadOnlyDictionary<string, string> Replacements = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["estimate-tokens.ps1"] = "Add-TokenEstimate",
            ["capture-session-cost.ps1"] = "Import-SessionCost",
            ["pre-compact.ps1"] = "Register-CompactEvent",
            ["session-start.ps1"] = "Start-TokenSession",
            ["session-end.ps1"] = "Stop-TokenSession",
        };

        private static readonly Regex ScriptPattern = new Regex(
            @"(?<![\w-])(?<script>estimate-tokens|capture-session-cost|pre-compact|session-start|session-end)\.ps1\b",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly JsonDocumentOptions ReadOptions = new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

        private readonly IClock _clock;

        public HookMigrator(Workspace workspace, IClock? clock = null)
        {
            Workspace = workspace ?? throw new ArgumentNullException(nameof(workspace));
            _clock = clock ?? SystemClock.Instance;
        }

        public Workspace Workspace { get; }

        /// <summary>
        /// A settings file that is a symbolic link is edited through the link: its target is replaced
        /// (atomically, by a temporary file in the target's folder) and the link stays a link. A target
        /// outside the workspace is refused (LinkOutsideWorkspace) unless this is true (-AllowLinkOutsideWorkspace).
        /// </summary>
        public bool AllowLinkOutsideWorkspace { get; set; }

        /// <summary>
        /// The native hook (rlmtokens-hook) to write instead of the pwsh lines, or null for the pwsh lines.
        /// See <see cref="FindNativeHook"/>.
        /// </summary>
        public string? NativeHook { get; set; }

        /// <summary>
        /// The command line a hook runs for <paramref name="cmdlet"/>: the hook's JSON arrives on standard input.
        /// With <paramref name="nativeHook"/>, the native binary, which takes the event from the document; the
        /// marker comment (a shell comment there) names the cmdlet it stands for, so Install and Uninstall
        /// recognise both forms.
        /// </summary>
        public static string CommandFor(string cmdlet, string? nativeHook = null) =>
            nativeHook is null
                ? "pwsh -NoProfile -NonInteractive -Command 'Import-Module RlmTokens; $input | " + cmdlet + " " + Marker + "'"
                : "'" + nativeHook.Replace("'", "'\\''") + "' " + Marker + " " + cmdlet;

        /// <summary>The native hook's file name, under bin/&lt;rid&gt;/ of the module folder.</summary>
        public const string NativeHookName = "rlmtokens-hook";

        /// <summary>The native hook in <paramref name="moduleFolder"/> for this platform (only linux-x64 is built), or null when there is none.</summary>
        public static string? FindNativeHook(string moduleFolder)
        {
            if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux) || RuntimeInformation.OSArchitecture != Architecture.X64) { return null; }
            string path = System.IO.Path.Combine(moduleFolder, "bin", "linux-x64", NativeHookName);
            return File.Exists(path) ? path : null;
        }

        /// <summary>The events and matchers Install makes sure are hooked (RLM misses PreCompact manual and SessionEnd).</summary>
        /// <remarks>
        /// SessionEnd's Stop-TokenSession counts the session's transcript exactly; Stop (the end of each
        /// turn) keeps the exact running figure with Update-TokenSession. PostToolUse is checked per tool
        /// (see <see cref="EstimatedTools"/>), so RLM's per-tool groups get MultiEdit and NotebookEdit added.
        /// </remarks>
        internal static IEnumerable<(string Event, string? Matcher, string Cmdlet, string Script)> Required()
        {
            yield return ("PostToolUse", EstimateMatcher, "Add-TokenEstimate", "estimate-tokens.ps1");
            yield return ("PreCompact", "auto", "Register-CompactEvent", "pre-compact.ps1");
            yield return ("PreCompact", "manual", "Register-CompactEvent", "pre-compact.ps1");
            yield return ("SessionStart", null, "Start-TokenSession", "session-start.ps1");
            yield return ("Stop", null, "Update-TokenSession", "session-end.ps1");
            yield return ("SessionEnd", null, "Stop-TokenSession", "session-end.ps1");
        }

        /// <summary>Plans the install: one plan per settings file that changes (a new .claude/settings.json when none holds hooks).</summary>
        public IReadOnlyList<HookFilePlan> PlanInstall()
        {
            List<HookFilePlan> files = SettingsFiles.Select(Load).ToList();
            var foundIn = new Dictionary<string, HookFilePlan>(StringComparer.OrdinalIgnoreCase);
            foreach (HookFilePlan plan in files.Where(p => p.Exists))
            {
                ReplaceScripts(plan, foundIn);
            }

            HookFilePlan primary = files.Where(p => p.Changes.Count > 0).OrderByDescending(p => p.Changes.Count).FirstOrDefault()
                ?? files.FirstOrDefault(p => p.Exists && p.Root["hooks"] is JsonObject)
                ?? files.FirstOrDefault(p => p.Exists)
                ?? files[0];
            foreach (var (eventName, required, cmdlet, script) in Required())
            {
                string? matcher = required;
                IReadOnlyList<string>? needed = eventName == "PostToolUse" ? EstimatedTools : eventName == "SessionStart" ? StartSources : null;
                if (needed is not null)
                {
                    List<string> missing = needed.Where(tool => !files.Any(p => (p.Exists || p.Changes.Count > 0) && Covers(p, eventName, tool, cmdlet))).ToList();
                    if (missing.Count == 0) { continue; }
                    matcher = missing.Count == needed.Count && eventName == "SessionStart" ? null : string.Join("|", missing);
                }
                else
                {
                    string? check = eventName == "PreCompact" ? matcher : null;
                    if (files.Any(p => p.Exists || p.Changes.Count > 0 ? HasCmdlet(p, eventName, check, cmdlet) : false)) { continue; }
                }
                HookFilePlan target = foundIn.TryGetValue(script, out HookFilePlan? where) ? where : primary;
                Add(target, eventName, matcher, cmdlet, script);
            }
            foreach (HookFilePlan created in files.Where(p => !p.Exists && p.Changes.Count > 0))
            {
                created.State.Insert(0, new JsonObject { ["action"] = "create" });
            }
            return files.Where(p => p.Changes.Count > 0).Concat(PlanCommandFilesInstall()).ToList();
        }

        /// <summary>Plans the uninstall: what the record says Install did, undone in reverse; marked hooks without a record are removed.</summary>
        public IReadOnlyList<HookFilePlan> PlanUninstall()
        {
            JsonArray state = ReadState();
            var plans = new List<HookFilePlan>();
            foreach (string relative in SettingsFiles)
            {
                HookFilePlan plan = Load(relative);
                if (!plan.Exists) { continue; }
                List<JsonObject> entries = state.OfType<JsonObject>().Where(e => Str(e["file"]) == relative).ToList();
                entries.Reverse();
                foreach (JsonObject entry in entries)
                {
                    Undo(plan, entry);
                }
                RemoveMarked(plan);
                plan.ConsumesState = entries.Count > 0;
                if (plan.Changes.Count > 0 || plan.ConsumesState) { plans.Add(plan); }
            }
            plans.AddRange(PlanCommandFilesUninstall(state));
            return plans;
        }

        /// <summary>Whether the record of installed hooks exists (Uninstall warns when it restores from markers alone).</summary>
        public bool HasState => File.Exists(PathOf(StateFile));

        /// <summary>
        /// Applies one plan: a timestamped backup of the file as it was, the new content written to a
        /// temporary file that then replaces the original, and the record of changes updated.
        /// Returns the backup path (null for a file that did not exist).
        /// </summary>
        public string? Apply(HookFilePlan plan)
        {
            if (plan is null) { throw new ArgumentNullException(nameof(plan)); }
            string? backup = null;
            try
            {
                // Refused (a link out of the workspace, a FIFO) before anything is written, the backup included.
                if (!plan.Delete) { WritePathOf(plan.Path); }
                Directory.CreateDirectory(Path.GetDirectoryName(plan.Path)!);
                if (plan.Exists)
                {
                    backup = plan.Path + ".rlmtokens-" + _clock.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".bak";
                    for (int n = 1; File.Exists(backup); n++)
                    {
                        backup = plan.Path + ".rlmtokens-" + _clock.UtcNow.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + "-" + n.ToString(CultureInfo.InvariantCulture) + ".bak";
                    }
                    File.WriteAllBytes(backup, plan.OriginalBytes!);
                }
                if (plan.Delete) { File.Delete(plan.Path); }
                else { WriteAtomically(WritePathOf(plan.Path), plan.Render()); }
                UpdateState(plan);
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(plan.Path, e); }
            catch (IOException e) { throw new DataFileWriteException(plan.Path, e); }
            foreach (TokenHookChange change in plan.Changes) { change.BackupPath = backup; }
            return backup;
        }

        private string PathOf(string relative) => Path.Combine(Workspace.Root, relative.Replace('/', Path.DirectorySeparatorChar));

        /// <summary>
        /// Where a write of <paramref name="path"/> goes: the path itself, or — when it (or a folder above
        /// it) is a symbolic link — the real file it leads to, so that the link stays a link. A real file
        /// outside the workspace is refused unless <see cref="AllowLinkOutsideWorkspace"/>; a FIFO or device
        /// is refused always.
        /// </summary>
        private string WritePathOf(string path)
        {
            if (!AllowLinkOutsideWorkspace) { SafeFiles.CheckInside(path, Workspace.Root); }
            string real = SafeFiles.RealPath(path);
            SafeFiles.CheckReplaceable(real);
            Directory.CreateDirectory(Path.GetDirectoryName(real)!);
            return real;
        }

        private HookFilePlan Load(string relative)
        {
            string path = PathOf(relative);
            if (!File.Exists(path))
            {
                return new HookFilePlan(relative, path, null, new JsonObject(), bom: false, crlf: false, finalNewline: true);
            }
            // A FIFO or device named settings.json is refused before the read that would block on it.
            SafeFiles.CheckReadable(path);
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileReadException(path, e); }
            bool bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
            string text = new UTF8Encoding(false).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
            JsonNode? root;
            try
            {
                root = text.Trim().Length == 0 ? new JsonObject() : JsonNode.Parse(text, documentOptions: ReadOptions);
            }
            catch (JsonException e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e);
            }
            if (root is not JsonObject obj)
            {
                throw new InvalidHookSettingsException(path, Resources.Messages.HookSettingsNotObject);
            }
            if (obj["hooks"] is JsonNode hooks && hooks is not JsonObject)
            {
                throw new InvalidHookSettingsException(path, Resources.Messages.HookSettingsHooksNotObject);
            }
            var plan = new HookFilePlan(relative, path, bytes, obj, bom, text.Contains("\r\n"), text.TrimEnd(' ', '\t').EndsWith("\n", StringComparison.Ordinal));
            foreach (KeyValuePair<string, JsonNode?> ev in Events(plan))
            {
                if (ev.Value is not JsonArray)
                {
                    throw new InvalidHookSettingsException(path, string.Format(CultureInfo.CurrentCulture, Resources.Messages.HookSettingsEventNotArray, ev.Key));
                }
            }
            return plan;
        }

        private static IEnumerable<KeyValuePair<string, JsonNode?>> Events(HookFilePlan plan) =>
            plan.Root["hooks"] is JsonObject hooks ? hooks.ToList() : new List<KeyValuePair<string, JsonNode?>>();

        private void ReplaceScripts(HookFilePlan plan, Dictionary<string, HookFilePlan> foundIn)
        {
            foreach (KeyValuePair<string, JsonNode?> ev in Events(plan))
            {
                var groups = (JsonArray)ev.Value!;
                for (int g = 0; g < groups.Count; g++)
                {
                    if (groups[g] is not JsonObject group || group["hooks"] is not JsonArray hooks) { continue; }
                    string? matcher = Str(group["matcher"]);
                    JsonObject groupBefore = (JsonObject)group.DeepClone();
                    for (int i = 0; i < hooks.Count; i++)
                    {
                        if (hooks[i] is not JsonObject hook || Str(hook["command"]) is not string command) { continue; }
                        Match m = ScriptPattern.Match(command);
                        if (!m.Success || command.Contains(Marker)) { continue; }
                        string script = m.Groups["script"].Value.ToLowerInvariant() + ".ps1";
                        string cmdlet = Replacements[script];
                        if (!foundIn.ContainsKey(script)) { foundIn[script] = plan; }
                        if (script == "session-end.ps1" && ev.Key == "Stop")
                        {
                            // Stop fires after every answer; a session ends at SessionEnd. The call moves there.
                            hooks.RemoveAt(i);
                            var entry = new JsonObject
                            {
                                ["action"] = "remove", ["event"] = ev.Key, ["matcher"] = matcher,
                                ["groupIndex"] = g, ["index"] = i, ["hook"] = hook,
                            };
                            if (hooks.Count == 0) { entry["group"] = groupBefore; }
                            plan.State.Add(entry);
                            plan.Changes.Add(Change(plan, ev.Key, matcher, HookChangeAction.Removed, script, cmdlet, null, command));
                            i--;
                            continue;
                        }
                        string replacement = CommandFor(cmdlet, NativeHook);
                        hook["command"] = replacement;
                        plan.State.Add(new JsonObject
                        {
                            ["action"] = "replace", ["event"] = ev.Key, ["matcher"] = matcher,
                            ["command"] = replacement, ["original"] = command,
                        });
                        plan.Changes.Add(Change(plan, ev.Key, matcher, HookChangeAction.Replaced, script, cmdlet, replacement, command));
                    }
                    if (hooks.Count == 0)
                    {
                        groups.RemoveAt(g);
                        g--;
                    }
                }
                if (groups.Count == 0) { ((JsonObject)plan.Root["hooks"]!).Remove(ev.Key); }
            }
        }

        private static bool HasCmdlet(HookFilePlan plan, string eventName, string? matcher, string cmdlet)
        {
            if (plan.Root["hooks"] is not JsonObject hooks || hooks[eventName] is not JsonArray groups) { return false; }
            foreach (JsonObject group in groups.OfType<JsonObject>())
            {
                string? m = Str(group["matcher"]);
                bool covers = matcher is null || string.IsNullOrEmpty(m) || m == "*" || string.Equals(m, matcher, StringComparison.OrdinalIgnoreCase);
                if (!covers || group["hooks"] is not JsonArray list) { continue; }
                if (list.OfType<JsonObject>().Any(h => Str(h["command"])?.IndexOf(cmdlet, StringComparison.OrdinalIgnoreCase) >= 0)) { return true; }
            }
            return false;
        }

        // Claude Code's matchers are regular expressions over the tool name; empty or "*" matches every tool.
        private static bool Covers(HookFilePlan plan, string eventName, string tool, string cmdlet)
        {
            if (plan.Root["hooks"] is not JsonObject hooks || hooks[eventName] is not JsonArray groups) { return false; }
            foreach (JsonObject group in groups.OfType<JsonObject>())
            {
                string? m = Str(group["matcher"]);
                bool covers = string.IsNullOrEmpty(m) || m == "*" || MatcherMatches(m!, tool);
                if (!covers || group["hooks"] is not JsonArray list) { continue; }
                if (list.OfType<JsonObject>().Any(h => Str(h["command"])?.IndexOf(cmdlet, StringComparison.OrdinalIgnoreCase) >= 0)) { return true; }
            }
            return false;
        }

        private static bool MatcherMatches(string matcher, string tool)
        {
            try { return Regex.IsMatch(tool, "^(?:" + matcher + ")$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100)); }
            catch (ArgumentException) { return string.Equals(matcher, tool, StringComparison.Ordinal); }
            catch (RegexMatchTimeoutException) { return false; }
        }

        private void Add(HookFilePlan plan, string eventName, string? matcher, string cmdlet, string script)
        {
            JsonObject hooks = plan.Root["hooks"] as JsonObject ?? (JsonObject)(plan.Root["hooks"] = new JsonObject());
            bool eventCreated = hooks[eventName] is not JsonArray;
            JsonArray groups = hooks[eventName] as JsonArray ?? (JsonArray)(hooks[eventName] = new JsonArray());
            JsonObject? group = groups.OfType<JsonObject>().FirstOrDefault(g => Str(g["matcher"]) == matcher && g["hooks"] is JsonArray);
            bool groupCreated = group is null;
            if (group is null)
            {
                group = matcher is null ? new JsonObject() : new JsonObject { ["matcher"] = matcher };
                group["hooks"] = new JsonArray();
                groups.Add(group);
            }
            string command = CommandFor(cmdlet, NativeHook);
            ((JsonArray)group["hooks"]!).Add(new JsonObject { ["type"] = "command", ["command"] = command, ["timeout"] = 30 });
            plan.State.Add(new JsonObject
            {
                ["action"] = "add", ["event"] = eventName, ["matcher"] = matcher, ["command"] = command,
                ["groupCreated"] = groupCreated, ["eventCreated"] = eventCreated,
            });
            plan.Changes.Add(Change(plan, eventName, matcher, HookChangeAction.Added, null, cmdlet, command, null));
        }

        private static void Undo(HookFilePlan plan, JsonObject entry)
        {
            string? eventName = Str(entry["event"]) ?? string.Empty;
            string? matcher = Str(entry["matcher"]);
            string? command = Str(entry["command"]);
            JsonObject hooks = plan.Root["hooks"] as JsonObject ?? (JsonObject)(plan.Root["hooks"] = new JsonObject());
            switch (Str(entry["action"]))
            {
                case "create":
                    // Install wrote this file: it goes when nothing but what Install added was in it.
                    plan.Delete = plan.Root.Count == 0 || (plan.Root.Count == 1 && plan.Root["hooks"] is JsonObject { Count: 0 });
                    return;
                case "replace":
                    foreach (JsonObject hook in HooksOf(hooks, eventName, matcher))
                    {
                        if (Str(hook["command"]) != command) { continue; }
                        string? before = Str(entry["original"]);
                        hook["command"] = before;
                        plan.Changes.Add(Change(plan, eventName, matcher, HookChangeAction.Restored, ScriptOf(before), CmdletOf(command), before, command));
                        return;
                    }
                    return;
                case "add":
                    if (hooks[eventName] is not JsonArray groups) { return; }
                    for (int g = 0; g < groups.Count; g++)
                    {
                        if (groups[g] is not JsonObject group || Str(group["matcher"]) != matcher || group["hooks"] is not JsonArray list) { continue; }
                        JsonObject? hook = list.OfType<JsonObject>().FirstOrDefault(h => Str(h["command"]) == command);
                        if (hook is null) { continue; }
                        list.Remove(hook);
                        if (list.Count == 0) { groups.RemoveAt(g); }
                        if (groups.Count == 0) { hooks.Remove(eventName); }
                        plan.Changes.Add(Change(plan, eventName, matcher, HookChangeAction.Removed, null, CmdletOf(command), null, command));
                        return;
                    }
                    return;
                case "remove":
                    JsonArray target = hooks[eventName] as JsonArray ?? (JsonArray)(hooks[eventName] = new JsonArray());
                    JsonObject? home = target.OfType<JsonObject>().FirstOrDefault(g => Str(g["matcher"]) == matcher && g["hooks"] is JsonArray);
                    JsonNode? original = entry["hook"]?.DeepClone();
                    if (home is null)
                    {
                        JsonObject group = entry["group"] is JsonObject saved ? (JsonObject)saved.DeepClone()
                            : new JsonObject { ["hooks"] = new JsonArray(original) };
                        if (matcher is not null && group["matcher"] is null) { group["matcher"] = matcher; }
                        target.Insert(Math.Min(Int(entry["groupIndex"]), target.Count), group);
                    }
                    else
                    {
                        var list = (JsonArray)home["hooks"]!;
                        list.Insert(Math.Min(Int(entry["index"]), list.Count), original);
                    }
                    string? restored = original is JsonObject o ? Str(o["command"]) : null;
                    plan.Changes.Add(Change(plan, eventName, matcher, HookChangeAction.Restored, ScriptOf(restored), null, restored, null));
                    return;
            }
        }

        private static void RemoveMarked(HookFilePlan plan)
        {
            if (plan.Root["hooks"] is not JsonObject hooks) { return; }
            foreach (KeyValuePair<string, JsonNode?> ev in hooks.ToList())
            {
                if (ev.Value is not JsonArray groups) { continue; }
                for (int g = 0; g < groups.Count; g++)
                {
                    if (groups[g] is not JsonObject group || group["hooks"] is not JsonArray list) { continue; }
                    string? matcher = Str(group["matcher"]);
                    foreach (JsonObject hook in list.OfType<JsonObject>().Where(h => Str(h["command"])?.Contains(Marker) == true).ToList())
                    {
                        string? command = Str(hook["command"]);
                        list.Remove(hook);
                        plan.Changes.Add(Change(plan, ev.Key, matcher, HookChangeAction.Removed, null, CmdletOf(command), null, command));
                    }
                    if (list.Count == 0) { groups.RemoveAt(g); g--; }
                }
                if (groups.Count == 0) { hooks.Remove(ev.Key); }
            }
        }

        private static IEnumerable<JsonObject> HooksOf(JsonObject hooks, string eventName, string? matcher) =>
            hooks[eventName] is JsonArray groups
                ? groups.OfType<JsonObject>().Where(g => Str(g["matcher"]) == matcher && g["hooks"] is JsonArray)
                    .SelectMany(g => ((JsonArray)g["hooks"]!).OfType<JsonObject>()).ToList()
                : new List<JsonObject>();

        private static TokenHookChange Change(HookFilePlan plan, string eventName, string? matcher, HookChangeAction action,
            string? script, string? cmdlet, string? command, string? previous) =>
            new TokenHookChange
            {
                File = plan.Path, Event = eventName, Matcher = matcher, Action = action, Script = script,
                Cmdlet = cmdlet, Command = command, PreviousCommand = previous,
            };

        private static string? ScriptOf(string? command)
        {
            Match m = command is null ? Match.Empty : ScriptPattern.Match(command);
            return m.Success ? m.Groups["script"].Value.ToLowerInvariant() + ".ps1" : null;
        }

        private static readonly string[] s_installedCmdlets = Replacements.Values.Concat(new[] { "Update-TokenSession", "Get-TokenUsage" }).Distinct().ToArray();

        private static string? CmdletOf(string? command) =>
            command is null ? null : s_installedCmdlets.FirstOrDefault(c => command.IndexOf(c, StringComparison.OrdinalIgnoreCase) >= 0);

        internal static string? Str(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        private static int Int(JsonNode? node) =>
            node is JsonValue v && v.TryGetValue(out int i) ? i : int.MaxValue;

        private JsonArray ReadState()
        {
            string path = PathOf(StateFile);
            if (!File.Exists(path)) { return new JsonArray(); }
            try
            {
                using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                // Detached from the parsed root, so that UpdateState can put it under a new one.
                return JsonNode.Parse(stream, documentOptions: ReadOptions)?["changes"] is JsonArray changes ? (JsonArray)changes.DeepClone() : new JsonArray();
            }
            catch (JsonException e)
            {
                throw new CorruptDataFileException(path, null, e.Message, e);
            }
            catch (IOException e)
            {
                throw new DataFileReadException(path, e);
            }
        }

        private void UpdateState(HookFilePlan plan)
        {
            string path = PathOf(StateFile);
            JsonArray changes = ReadState();
            if (plan.ConsumesState)
            {
                foreach (JsonObject done in changes.OfType<JsonObject>().Where(e => Str(e["file"]) == plan.Relative).ToList())
                {
                    changes.Remove(done);
                }
            }
            string stamp = RlmTime.Format(_clock.UtcNow);
            foreach (JsonObject entry in plan.State)
            {
                var stored = new JsonObject { ["file"] = plan.Relative, ["at"] = stamp };
                foreach (KeyValuePair<string, JsonNode?> p in entry.ToList())
                {
                    stored[p.Key] = p.Value?.DeepClone();
                }
                changes.Add(stored);
            }
            if (changes.Count == 0)
            {
                if (File.Exists(path)) { File.Delete(path); }
                return;
            }
            var root = new JsonObject
            {
                ["description"] = "Hooks changed by RlmTokens' Install-TokenHook; Uninstall-TokenHook reads this to undo them.",
                ["changes"] = changes,
            };
            WriteAtomically(WritePathOf(path), HookFilePlan.Serialize(root, crlf: false, finalNewline: true, bom: false));
        }

        private static void WriteAtomically(string path, byte[] content)
        {
            string temp = Path.Combine(Path.GetDirectoryName(path)!, "." + Path.GetFileName(path) + "." + Guid.NewGuid().ToString("N").Substring(0, 12) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                {
                    stream.Write(content, 0, content.Length);
                    stream.Flush(true);
                }
                if (File.Exists(path)) { File.Replace(temp, path, null, ignoreMetadataErrors: true); }
                else { File.Move(temp, path); }
            }
            finally
            {
                if (File.Exists(temp)) { File.Delete(temp); }
            }
        }
    }

    /// <summary>What Install-TokenHook's hook lines run.</summary>
    public enum HookRuntime
    {
        /// <summary>The native hook where the module has one for this platform, else pwsh.</summary>
        Auto,

        /// <summary>The module's native hook, rlmtokens-hook (an error where there is none).</summary>
        Native,

        /// <summary>pwsh with the cmdlets.</summary>
        Pwsh,
    }

    /// <summary>The planned change of one settings file: the new JSON tree, the changes for the user, the record entries.</summary>
    public sealed class HookFilePlan
    {
        internal HookFilePlan(string relative, string path, byte[]? original, JsonObject root, bool bom, bool crlf, bool finalNewline)
        {
            Relative = relative;
            Path = path;
            OriginalBytes = original;
            Root = root;
            Bom = bom;
            Crlf = crlf;
            FinalNewline = finalNewline;
        }

        /// <summary>The file, relative to the workspace root with '/' separators.</summary>
        public string Relative { get; }

        /// <summary>The full path of the file.</summary>
        public string Path { get; }

        /// <summary>False when the file is created.</summary>
        public bool Exists => OriginalBytes is not null;

        /// <summary>The changes, in the order they are made.</summary>
        public List<TokenHookChange> Changes { get; } = new List<TokenHookChange>();

        internal byte[]? OriginalBytes { get; }

        internal JsonObject Root { get; }

        internal List<JsonObject> State { get; } = new List<JsonObject>();

        internal bool ConsumesState { get; set; }

        /// <summary>Uninstall removes the file: Install created it and nothing else was added since.</summary>
        public bool Delete { get; internal set; }

        private bool Bom { get; }

        private bool Crlf { get; }

        private bool FinalNewline { get; }

        /// <summary>One line per change, for -WhatIf and -Verbose.</summary>
        public string Describe()
        {
            var sb = new StringBuilder();
            foreach (TokenHookChange c in Changes)
            {
                string where = c.Event + (c.Matcher is null ? string.Empty : " [" + c.Matcher + "]");
                switch (c.Action)
                {
                    case HookChangeAction.Replaced:
                        sb.AppendLine("  replace " + c.Script + " with " + c.Cmdlet + " in " + where);
                        break;
                    case HookChangeAction.Added:
                        sb.AppendLine("  add " + c.Cmdlet + " to " + where);
                        break;
                    case HookChangeAction.Removed:
                        sb.AppendLine("  remove " + (c.Script ?? c.Cmdlet) + " from " + where);
                        break;
                    case HookChangeAction.Restored:
                        sb.AppendLine("  restore " + (c.Script ?? c.PreviousCommand) + " in " + where);
                        break;
                }
            }
            if (Delete) { sb.AppendLine("  delete the file (Install-TokenHook created it)"); }
            return sb.ToString().TrimEnd();
        }

        /// <summary>A text file's content as read (slash-command files), null for a settings file.</summary>
        internal string? OriginalText { get; set; }

        /// <summary>A text file's new content; null for a settings file (rendered from <see cref="Root"/>).</summary>
        internal string? NewText { get; set; }

        /// <summary>The new content: two-space indentation, the original's BOM, line ends and final newline (a text file: its new text, with the original's BOM).</summary>
        internal byte[] Render()
        {
            if (NewText is null) { return Serialize(Root, Crlf, FinalNewline, Bom); }
            byte[] body = new UTF8Encoding(false).GetBytes(NewText);
            return Bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(body).ToArray() : body;
        }

        internal static byte[] Serialize(JsonNode root, bool crlf, bool finalNewline, bool bom)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                root.WriteTo(writer);
            }
            string text = Encoding.UTF8.GetString(buffer.ToArray()).Replace("\r\n", "\n");
            if (finalNewline) { text += "\n"; }
            if (crlf) { text = text.Replace("\n", "\r\n"); }
            byte[] body = new UTF8Encoding(false).GetBytes(text);
            return bom ? new byte[] { 0xEF, 0xBB, 0xBF }.Concat(body).ToArray() : body;
        }
    }
}
