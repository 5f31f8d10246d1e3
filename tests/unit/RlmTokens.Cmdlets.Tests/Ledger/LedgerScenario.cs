using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Text;
using Xunit;

namespace RlmTokens.Cmdlets.Tests.Ledger
{
    /// <summary>
    /// Issue 16's "done when": two simulated machines' workspaces and transcripts, overlapping, synced
    /// into one ledger by real rlm-pwsh processes, one of them killed midway (SIGKILL inside a batch's
    /// transaction), then every sync re-run. The ledger's totals per user, branch and model must equal the
    /// sums of the sources this class generated, computed here independently of the module.
    /// </summary>
    internal sealed class LedgerScenario : IDisposable
    {
        private readonly string _root = Path.Combine(Path.GetTempPath(), "rlmtokens-ledger-" + Guid.NewGuid().ToString("N").Substring(0, 12));
        private readonly List<(string User, string Branch, string Model, long Tokens)> _expected = new();
        private int _seq;

        public LedgerScenario()
        {
            Directory.CreateDirectory(_root);
            // Machine A (ann): sessions s1 (main, sonnet) and s2 (feat, opus); three log records.
            TranscriptA = Path.Combine(_root, "a-claude");
            TranscriptB = Path.Combine(_root, "b-claude");
            WorkspaceA = Workspace("a-ws");
            WorkspaceB = Workspace("b-ws");
            string s2 = Session(TranscriptA, "-home-ann-shop", "s2-" + Guid.NewGuid().ToString("N"), "feat/cart", "claude-opus-4-5-20251101", 8, "ann", count: true);
            Session(TranscriptA, "-home-ann-shop", "s1-" + Guid.NewGuid().ToString("N"), "main", "claude-sonnet-4-5-20250929", 12, "ann", count: true);
            // Machine B (bob): session s3 (main, haiku), and the same s2 transcript (a shared folder): overlap.
            Session(TranscriptB, "-home-bob-shop", "s3-" + Guid.NewGuid().ToString("N"), "main", "claude-haiku-4-5-20251001", 15, "bob", count: true);
            string copy = Path.Combine(TranscriptB, "projects", "-home-ann-shop");
            Directory.CreateDirectory(copy);
            File.Copy(s2, Path.Combine(copy, Path.GetFileName(s2)));
            LogA = new[] { Log("main", "gpt-5-codex", 1200, 300, "2026-11-02T09:00:00Z"), Log("main", "gpt-5-codex", 800, 150, "2026-11-02T10:00:00Z"), Log("feat/cart", "gemini-2.5-pro", 5000, 700, "2026-11-03T11:00:00Z") };
            LogB = new[] { Log("main", "gpt-5-codex", 640, 90, "2026-11-04T08:30:00Z"), Log("feat/cart", "gpt-5-codex", 2000, 20, "2026-11-04T09:30:00Z"), LogA[0] };
            foreach (var l in LogA) { _expected.Add(("ann", l.Branch, l.Model, l.Input + l.Output)); }
            foreach (var l in LogB.Take(2)) { _expected.Add(("bob", l.Branch, l.Model, l.Input + l.Output)); }
        }

        public string TranscriptA { get; }

        public string TranscriptB { get; }

        public string WorkspaceA { get; }

        public string WorkspaceB { get; }

        public (string Branch, string Model, long Input, long Output, string At)[] LogA { get; }

        public (string Branch, string Model, long Input, long Output, string At)[] LogB { get; }

        public long ExpectedTotal => _expected.Sum(e => e.Tokens);

        public long TotalOfUserA => _expected.Where(e => e.User == "ann").Sum(e => e.Tokens);

        public Dictionary<string, long> Expected(Func<(string User, string Branch, string Model, long Tokens), string> key) =>
            _expected.GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(e => e.Tokens));

        /// <summary>Writes the workspaces' token logs through the module (Add-TokenUsage), as a user would.</summary>
        public void WriteLogs()
        {
            using var ps = new PowerShellHost();
            foreach (var (ws, logs) in new[] { (WorkspaceA, LogA), (WorkspaceB, LogB) })
            {
                foreach (var l in logs)
                {
                    ps.RunClean("Add-TokenUsage -Path $args[0] -InputTokens $args[1] -OutputTokens $args[2] -Model $args[3] -Branch $args[4] -Agent codex -Timestamp ([DateTimeOffset]::Parse($args[5], [Globalization.CultureInfo]::InvariantCulture))",
                        ws, l.Input, l.Output, l.Model, l.Branch, l.At);
                }
            }
        }

        /// <summary>A Sync-TokenUsage command line for one machine.</summary>
        public string SyncCommand(string target, bool machineA, int batchSize = 4) =>
            "$ErrorActionPreference = 'Stop'; Import-Module " + ShellProcess.Quote(Repo.Manifest) + "; Sync-TokenUsage " + target
            + " -Path " + ShellProcess.Quote(machineA ? WorkspaceA : WorkspaceB)
            + " -TranscriptRoot " + ShellProcess.Quote(machineA ? TranscriptA : TranscriptB)
            + " -User " + (machineA ? "ann" : "bob") + " -Machine " + (machineA ? "box-a" : "box-b")
            + " -NoCache -BatchSize " + batchSize + " | Format-Table -AutoSize | Out-String -Width 200";

        public static void AssertEqualTotals(Dictionary<string, long> expected, IEnumerable<PSObject> groups, string key, string what)
        {
            var actual = groups.ToDictionary(g => (string)g.Properties[key].Value, g => (long)g.Properties["TotalTokens"].Value);
            Assert.True(expected.OrderBy(k => k.Key).SequenceEqual(actual.OrderBy(k => k.Key)),
                what + ": expected " + string.Join(", ", expected.OrderBy(k => k.Key)) + " but the ledger has " + string.Join(", ", actual.OrderBy(k => k.Key)));
        }

        public void Dispose()
        {
            try { Directory.Delete(_root, true); }
            catch (IOException) { }
        }

        private string Workspace(string name)
        {
            string ws = Path.Combine(_root, name);
            Directory.CreateDirectory(Path.Combine(ws, "RLM", "progress", "token-usage"));
            return ws;
        }

        private static (string, string, long, long, string) Log(string branch, string model, long input, long output, string at) => (branch, model, input, output, at);

        /// <summary>A transcript of <paramref name="responses"/> assistant responses, each on two lines (as Claude Code repeats them).</summary>
        private string Session(string claudeRoot, string project, string sessionId, string branch, string model, int responses, string user, bool count)
        {
            string folder = Path.Combine(claudeRoot, "projects", project);
            Directory.CreateDirectory(folder);
            var sb = new StringBuilder();
            DateTime start = new DateTime(2026, 11, 2, 8, 0, 0, DateTimeKind.Utc).AddHours(_seq);
            for (int i = 0; i < responses; i++)
            {
                int n = ++_seq;
                long input = 10 + n, output = 200 + 7 * n, cacheWrite = 1000 + 13 * n, cacheRead = 20000 + 101 * n;
                string line = "{\"type\":\"assistant\",\"sessionId\":\"" + sessionId + "\",\"cwd\":\"/home/dev/shop\",\"gitBranch\":\"" + branch
                    + "\",\"isSidechain\":false,\"timestamp\":\"" + start.AddMinutes(i).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture)
                    + "\",\"requestId\":\"req_" + n + "\",\"uuid\":\"u" + n + "\",\"message\":{\"id\":\"msg_" + sessionId + "_" + n + "\",\"role\":\"assistant\",\"model\":\"" + model
                    + "\",\"usage\":{\"input_tokens\":" + input + ",\"output_tokens\":" + output + ",\"cache_creation_input_tokens\":" + cacheWrite
                    + ",\"cache_read_input_tokens\":" + cacheRead + "}}}";
                sb.Append(line).Append('\n').Append(line).Append('\n');
                if (count) { _expected.Add((user, branch, model, input + output + cacheWrite + cacheRead)); }
            }
            string path = Path.Combine(folder, sessionId + ".jsonl");
            File.WriteAllText(path, sb.ToString());
            return path;
        }
    }
}
