using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.ClaudeSettings
{
    /// <summary>
    /// RLM's slash-command files: <c>.claude/commands/cc-tokens.md</c> tells Claude to run RLM's
    /// show-token-usage.ps1 and capture-session-cost.ps1. Install rewrites each such call to the cmdlet
    /// (in place, the rest of the file untouched); Uninstall puts the calls back.
    /// </summary>
    public sealed partial class HookMigrator
    {
        /// <summary>RLM's slash-command files Install looks at, relative to the workspace root.</summary>
        public static readonly IReadOnlyList<string> CommandFiles = new[] { ".claude/commands/cc-tokens.md" };

        /// <summary>RLM's scripts a slash command runs, and the cmdlets that replace them.</summary>
        public static readonly IReadOnlyDictionary<string, string> CommandReplacements = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["show-token-usage.ps1"] = "Get-TokenUsage",
            ["capture-session-cost.ps1"] = "Import-SessionCost",
            ["estimate-tokens.ps1"] = "Add-TokenEstimate",
        };

        private static readonly Regex ScriptCall = new Regex(
            @"(?:powershell|pwsh)(?:\.exe)?(?:\s+-(?:ExecutionPolicy|ep)\s+\S+|\s+-NoProfile|\s+-NonInteractive)*\s+-File\s+(?<q>""?)[^""\r\n]*?(?<script>show-token-usage|capture-session-cost|estimate-tokens)\.ps1\k<q>(?<args>[^\r\n`]*)",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private static readonly Regex Quoted = new Regex(@"""(?<v>[^""]*)""", RegexOptions.CultureInvariant);

        /// <summary>The command a slash command runs instead of <paramref name="scriptCall"/> (a call of one of RLM's scripts).</summary>
        public static string CommandForScriptCall(string scriptCall)
        {
            Match m = ScriptCall.Match(scriptCall);
            if (!m.Success) { return scriptCall; }
            string cmdlet = CommandReplacements[m.Groups["script"].Value + ".ps1"];
            string args = Quoted.Replace(m.Groups["args"].Value.Trim(), q => "'" + q.Groups["v"].Value.Replace("'", "''") + "'");
            args = Regex.Replace(args, @"(?<![\w-])-WorkspaceRoot\b", "-Path", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
            return "pwsh -NoProfile -Command \"Import-Module RlmTokens; " + cmdlet + (args.Length == 0 ? string.Empty : " " + args) + " " + Marker + "\"";
        }

        private IEnumerable<HookFilePlan> PlanCommandFilesInstall()
        {
            foreach (string relative in CommandFiles)
            {
                HookFilePlan? plan = LoadText(relative);
                if (plan is null) { continue; }
                string text = plan.OriginalText!;
                var sb = new StringBuilder();
                int at = 0;
                foreach (Match m in ScriptCall.Matches(text))
                {
                    string original = m.Value;
                    string command = CommandForScriptCall(original);
                    sb.Append(text, at, m.Index - at).Append(command);
                    at = m.Index + m.Length;
                    string script = m.Groups["script"].Value.ToLowerInvariant() + ".ps1";
                    plan.State.Add(new JsonObject { ["action"] = "rewrite", ["command"] = command, ["original"] = original });
                    plan.Changes.Add(Change(plan, SlashCommandEvent, SlashCommandName(relative), HookChangeAction.Replaced, script, CommandReplacements[script], command, original));
                }
                if (plan.Changes.Count == 0) { continue; }
                sb.Append(text, at, text.Length - at);
                plan.NewText = sb.ToString();
                yield return plan;
            }
        }

        private IEnumerable<HookFilePlan> PlanCommandFilesUninstall(JsonArray state)
        {
            foreach (string relative in CommandFiles)
            {
                List<JsonObject> entries = state.OfType<JsonObject>().Where(e => Str(e["file"]) == relative && Str(e["action"]) == "rewrite").ToList();
                HookFilePlan? plan = LoadText(relative);
                if (plan is null)
                {
                    continue;
                }
                string text = plan.OriginalText!;
                foreach (JsonObject entry in entries)
                {
                    string? command = Str(entry["command"]);
                    string? original = Str(entry["original"]);
                    if (command is null || original is null) { continue; }
                    int i = text.IndexOf(command, StringComparison.Ordinal);
                    if (i < 0) { continue; }
                    text = text.Substring(0, i) + original + text.Substring(i + command.Length);
                    plan.Changes.Add(Change(plan, SlashCommandEvent, SlashCommandName(relative), HookChangeAction.Restored, ScriptOfCall(original), CmdletOf(command), original, command));
                }
                plan.ConsumesState = entries.Count > 0;
                if (plan.Changes.Count == 0 && !plan.ConsumesState) { continue; }
                plan.NewText = text;
                yield return plan;
            }
        }

        /// <summary>The event name TokenHookChange shows for a slash-command file.</summary>
        public const string SlashCommandEvent = "SlashCommand";

        private static string SlashCommandName(string relative) => "/" + Path.GetFileNameWithoutExtension(relative);

        private static string? ScriptOfCall(string call)
        {
            Match m = ScriptCall.Match(call);
            return m.Success ? m.Groups["script"].Value.ToLowerInvariant() + ".ps1" : null;
        }

        private HookFilePlan? LoadText(string relative)
        {
            string path = PathOf(relative);
            if (!File.Exists(path)) { return null; }
            SafeFiles.CheckReadable(path);
            byte[] bytes;
            try { bytes = File.ReadAllBytes(path); }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileReadException(path, e); }
            bool bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF;
            string text = new UTF8Encoding(false).GetString(bytes, bom ? 3 : 0, bytes.Length - (bom ? 3 : 0));
            return new HookFilePlan(relative, path, bytes, new JsonObject(), bom, text.Contains("\r\n"), true) { OriginalText = text };
        }
    }
}
