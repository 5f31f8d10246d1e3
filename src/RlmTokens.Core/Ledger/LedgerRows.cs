using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Pricing;
using RlmTokens.Storage;

namespace RlmTokens.Ledger
{
    /// <summary>Who a sync records rows as.</summary>
    public sealed class LedgerIdentity
    {
        public LedgerIdentity(string user, string machine)
        {
            User = string.IsNullOrWhiteSpace(user) ? throw new ArgumentException("A user name is required.", nameof(user)) : user;
            Machine = string.IsNullOrWhiteSpace(machine) ? throw new ArgumentException("A machine name is required.", nameof(machine)) : machine;
        }

        public string User { get; }

        public string Machine { get; }
    }

    /// <summary>
    /// Turns what the existing readers return into ledger rows, each under a natural key that is the same
    /// on every machine that sees the same usage: a transcript response by message.id + requestId (the
    /// transcripts' own de-duplication key), a /cost capture by its session id, a log record and an
    /// estimated operation by the hash of their content. Reading is the readers' job; nothing here opens
    /// a transcript or parses an RLM file itself.
    /// </summary>
    public static class LedgerRows
    {
        /// <summary>The agent name of Claude Code's own records.</summary>
        public const string ClaudeCode = "claude-code";

        /// <summary>The ledger's name of an agent: claude-code for Claude Code (as RLM's records name it), else the agent's name in lower case.</summary>
        public static string AgentLabel(AgentKind agent) =>
            agent == AgentKind.Claude ? ClaudeCode : agent.ToString().ToLowerInvariant();

        /// <summary>
        /// The key of a transcript response: message.id and requestId, else its session, time and figures;
        /// another agent's responses carry its name, so ids of different agents never meet.
        /// </summary>
        public static string TranscriptKey(UsageEntry e)
        {
            if (e is null) { throw new ArgumentNullException(nameof(e)); }
            string prefix = e.Agent == AgentKind.Claude ? "transcript:" : "transcript:" + AgentLabel(e.Agent) + ":";
            if (!string.IsNullOrEmpty(e.MessageId) || !string.IsNullOrEmpty(e.RequestId))
            {
                return prefix + e.MessageId + ":" + e.RequestId;
            }
            return prefix + Hash(e.SessionId, Iso(new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc))), e.Model,
                Num(e.InputTokens), Num(e.OutputTokens), Num(e.CacheCreationTokens), Num(e.CacheReadTokens));
        }

        /// <summary>A transcript response as a row; its session id mapped to the RLM session it belongs to (claude_session_id) when known.</summary>
        public static LedgerUsageRow FromTranscript(UsageEntry e, PriceTable prices, LedgerIdentity who, IReadOnlyDictionary<string, string>? aliases = null)
        {
            if (e is null) { throw new ArgumentNullException(nameof(e)); }
            decimal? cost = prices?.Cost(e);
            string? session = e.SessionId;
            if (session is not null && aliases is not null && aliases.TryGetValue(session, out string? rlm)) { session = rlm; }
            return new LedgerUsageRow
            {
                RowKey = TranscriptKey(e),
                Source = LedgerSource.Transcript,
                Timestamp = new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)),
                User = who.User,
                Machine = who.Machine,
                Agent = AgentLabel(e.Agent),
                Model = NullIfEmpty(e.Model),
                SessionId = session,
                Project = ProjectName(e.Cwd) ?? NullIfEmpty(e.Project),
                GitBranch = NullIfEmpty(e.GitBranch),
                InputTokens = e.InputTokens,
                OutputTokens = e.OutputTokens,
                CacheCreationTokens = e.CacheCreationTokens,
                CacheReadTokens = e.CacheReadTokens,
                TotalTokens = checked(e.InputTokens + e.OutputTokens + e.CacheCreationTokens + e.CacheReadTokens),
                CostUsd = cost is decimal c ? Usd(c) : 0m,
                Precision = UsagePrecision.Exact,
                CostPrecision = cost is null ? UsagePrecision.Estimated : UsagePrecision.Exact,
            };
        }

        /// <summary>The workspace's token-log records (Add-TokenUsage, token-tracker.sh), /cost captures and estimated operations.</summary>
        public static IEnumerable<LedgerUsageRow> FromWorkspace(TokenTracker tracker, LedgerSource source, LedgerIdentity who, ICollection<RlmTokensException> problems)
        {
            if (tracker is null) { throw new ArgumentNullException(nameof(tracker)); }
            string project = Path.GetFileName(tracker.Workspace.Root.TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar));
            switch (source)
            {
                case LedgerSource.Log: return FromLog(tracker, project, who, problems);
                case LedgerSource.CostCapture: return FromCostFiles(tracker, project, who, problems);
                case LedgerSource.Estimate: return FromEstimates(tracker, project, who, problems);
                default: throw new ArgumentOutOfRangeException(nameof(source), source, null);
            }
        }

        private static IEnumerable<LedgerUsageRow> FromLog(TokenTracker tracker, string project, LedgerIdentity who, ICollection<RlmTokensException> problems)
        {
            Outcome<IReadOnlyList<TokenUsageLogRecord>> log = new TokenUsageLog(tracker).Read();
            foreach (RlmTokensException p in log.Problems) { problems.Add(p); }
            foreach (TokenUsageLogRecord r in log.Value)
            {
                if (r.Timestamp is not DateTimeOffset at) { continue; }
                decimal cost = r.CostUsd is decimal c ? Usd(c) : 0m;
                yield return new LedgerUsageRow
                {
                    RowKey = "log:" + Hash(Iso(at), r.Task, r.Agent, r.Model, r.Tool, r.Branch, r.SessionId, Num(r.InputTokens), Num(r.OutputTokens), Num(r.TotalTokens), cost.ToString(CultureInfo.InvariantCulture), r.Note),
                    Source = LedgerSource.Log,
                    Timestamp = at.ToUniversalTime(),
                    User = who.User,
                    Machine = who.Machine,
                    Agent = NullIfEmpty(r.Agent) ?? "(none)",
                    Model = NullIfEmpty(r.Model),
                    SessionId = NullIfEmpty(r.SessionId),
                    Project = project,
                    GitBranch = NullIfEmpty(r.Branch),
                    InputTokens = r.InputTokens,
                    OutputTokens = r.OutputTokens,
                    TotalTokens = r.TotalTokens,
                    CostUsd = cost,
                    Precision = r.Precision,
                    CostPrecision = r.CostUsd is null ? UsagePrecision.Estimated : r.Precision,
                };
            }
        }

        private static IEnumerable<LedgerUsageRow> FromCostFiles(TokenTracker tracker, string project, LedgerIdentity who, ICollection<RlmTokensException> problems)
        {
            string folder = tracker.Workspace.TokenUsageFolder;
            if (!Directory.Exists(folder)) { yield break; }
            var files = new List<string>(Directory.EnumerateFiles(folder, "cost-*.json"));
            files.Sort(StringComparer.Ordinal);
            foreach (string path in files)
            {
                CostFile? cost = null;
                try { cost = JsonFileStore.Parse(path, RlmJsonContext.Files.CostFile); }
                catch (JsonFileStore.FormatFailure e) { problems.Add(new CorruptDataFileException(path, null, e.Message, e.InnerException)); }
                catch (RlmTokensException e) { problems.Add(e); }
                if (cost is null) { continue; }
                string? session = NullIfEmpty(cost.SessionId) ?? Path.GetFileNameWithoutExtension(path).Substring("cost-".Length);
                if (!DateTimeOffset.TryParse(cost.CapturedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
                {
                    at = new DateTimeOffset(File.GetLastWriteTimeUtc(path));
                }
                bool exact = string.Equals(cost.Precision, "exact", StringComparison.OrdinalIgnoreCase);
                long tokens = exact && cost.Tokens.Total > 0 ? cost.Tokens.Total : cost.Estimation.EstimatedTokens;
                yield return new LedgerUsageRow
                {
                    RowKey = "cost:" + session,
                    Source = LedgerSource.CostCapture,
                    Timestamp = at.ToUniversalTime(),
                    User = who.User,
                    Machine = who.Machine,
                    Agent = ClaudeCode,
                    Model = cost.Models.Count == 1 ? NullIfEmpty(cost.Models[0].Model) : null,
                    SessionId = session,
                    Project = project,
                    InputTokens = exact ? cost.Tokens.Input : 0,
                    OutputTokens = exact ? cost.Tokens.Output : 0,
                    CacheCreationTokens = exact ? cost.Tokens.CacheWrite : 0,
                    CacheReadTokens = exact ? cost.Tokens.CacheRead : 0,
                    TotalTokens = tokens,
                    CostUsd = Usd(cost.Parsed.TotalCostUsd),
                    Precision = exact ? UsagePrecision.Exact : UsagePrecision.Estimated,
                    CostPrecision = UsagePrecision.Exact,
                };
            }
        }

        private static IEnumerable<LedgerUsageRow> FromEstimates(TokenTracker tracker, string project, LedgerIdentity who, ICollection<RlmTokensException> problems)
        {
            Outcome<Estimation.EstimationSettings> settings = tracker.LoadSettings();
            foreach (RlmTokensException p in settings.Problems) { problems.Add(p); }
            IEnumerable<TokenEstimateRecord> operations;
            try { operations = new List<TokenEstimateRecord>(tracker.GetOperations()); }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                yield break;
            }
            foreach (TokenEstimateRecord op in operations)
            {
                if (op.Timestamp is not DateTimeOffset at) { continue; }
                yield return new LedgerUsageRow
                {
                    RowKey = "estimate:" + Hash(op.SessionId, Iso(at), op.Operation.ToString(), op.File, op.SubagentType, op.ToolName, Num(op.InputTokens), Num(op.OutputTokens)),
                    Source = LedgerSource.Estimate,
                    Timestamp = at.ToUniversalTime(),
                    User = who.User,
                    Machine = who.Machine,
                    Agent = ClaudeCode,
                    SessionId = NullIfEmpty(op.SessionId),
                    Project = project,
                    InputTokens = op.InputTokens,
                    OutputTokens = op.OutputTokens,
                    TotalTokens = checked(op.InputTokens + op.OutputTokens),
                    CostUsd = Usd(settings.Value.CostUsd(op.InputTokens, op.OutputTokens)),
                    Precision = UsagePrecision.Estimated,
                    CostPrecision = UsagePrecision.Estimated,
                };
            }
        }

        /// <summary>
        /// The rows of a file Export-TokenUsage wrote from <c>Get-TokenUsage -Ledger -Detailed</c>: a JSON
        /// array (or one bare object) or JSON Lines. A record that is not a whole, valid row goes to
        /// <paramref name="problems"/> and is skipped; a JSON file that does not parse is reported whole.
        /// </summary>
        public static IEnumerable<LedgerUsageRow> FromExportFile(string path, ICollection<RlmTokensException> problems)
        {
            if (!SafeFiles.CheckReadable(path)) { throw new DataFileNotFoundException(path); }
            return IsJsonLines(path) ? FromJsonLines(path, problems) : FromJsonArray(path, problems);
        }

        private static bool IsJsonLines(string path)
        {
            string ext = Path.GetExtension(path).ToLowerInvariant();
            if (ext == ".jsonl" || ext == ".ndjson") { return true; }
            if (ext == ".json") { return false; }
            using FileStream s = OpenRead(path);
            int b;
            while ((b = s.ReadByte()) >= 0)
            {
                if (b == 0xEF || b == 0xBB || b == 0xBF || char.IsWhiteSpace((char)b)) { continue; }
                return b != '[';
            }
            return false;
        }

        private static IEnumerable<LedgerUsageRow> FromJsonLines(string path, ICollection<RlmTokensException> problems)
        {
            using FileStream stream = OpenRead(path);
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            int n = 0;
            string? line;
            while ((line = reader.ReadLine()) is not null)
            {
                n++;
                if (line.Trim().Length == 0) { continue; }
                string where = path + ":" + n.ToString(CultureInfo.InvariantCulture);
                LedgerUsageRow? row = null;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    row = FromJson(doc.RootElement, where, problems);
                }
                catch (JsonException e) { problems.Add(new LedgerInputException(where, e.Message)); }
                if (row is not null) { yield return row; }
            }
        }

        private static IEnumerable<LedgerUsageRow> FromJsonArray(string path, ICollection<RlmTokensException> problems)
        {
            JsonDocument? doc = null;
            try
            {
                using FileStream stream = OpenRead(path);
                byte[] bom = new byte[3];
                int got = stream.Read(bom, 0, 3);
                if (!(got == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF)) { stream.Position = 0; }
                doc = JsonDocument.Parse(stream);
            }
            catch (JsonException e) { problems.Add(new CorruptDataFileException(path, null, e.Message, e)); }
            if (doc is null) { yield break; }
            using (doc)
            {
                int i = 0;
                foreach (JsonElement item in doc.RootElement.Items())
                {
                    i++;
                    LedgerUsageRow? row = FromJson(item, path + "[" + i.ToString(CultureInfo.InvariantCulture) + "]", problems);
                    if (row is not null) { yield return row; }
                }
            }
        }

        private static LedgerUsageRow? FromJson(JsonElement e, string where, ICollection<RlmTokensException> problems)
        {
            string? Fail(string detail)
            {
                problems.Add(new LedgerInputException(where, detail));
                return null;
            }
            if (e.ValueKind != JsonValueKind.Object) { Fail(Resources.Messages.LedgerInputNotObject); return null; }
            string? key = e.Get("RowKey").Text();
            string? user = e.Get("User").Text();
            string? machine = e.Get("Machine").Text();
            string? agent = e.Get("Agent").Text();
            foreach ((string name, string? value) in new[] { ("RowKey", key), ("User", user), ("Machine", machine), ("Agent", agent) })
            {
                if (string.IsNullOrEmpty(value)) { Fail(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerInputMissing, name)); return null; }
            }
            if (!Enum.TryParse(e.Get("Source").Text(), true, out LedgerSource source) || !Enum.IsDefined(typeof(LedgerSource), source))
            {
                Fail(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerInputBadValue, "Source", e.Get("Source").GetRawTextOrEmpty()));
                return null;
            }
            if (!DateTimeOffset.TryParse(e.Get("Timestamp").Text(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset at))
            {
                Fail(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerInputBadValue, "Timestamp", e.Get("Timestamp").GetRawTextOrEmpty()));
                return null;
            }
            var counts = new long[5];
            string[] names = { "InputTokens", "OutputTokens", "CacheCreationTokens", "CacheReadTokens", "TotalTokens" };
            for (int i = 0; i < names.Length; i++)
            {
                JsonElement v = e.Get(names[i]);
                if (v.ValueKind == JsonValueKind.Undefined || v.ValueKind == JsonValueKind.Null) { continue; }
                // Tolerant as every reader: "1234" as well as 1234 (a file that passed through a spreadsheet or ConvertTo-Json).
                bool ok = v.ValueKind == JsonValueKind.Number ? v.TryGetInt64(out counts[i])
                    : v.ValueKind == JsonValueKind.String && long.TryParse(v.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out counts[i]);
                if (!ok || counts[i] < 0)
                {
                    Fail(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerInputBadValue, names[i], v.GetRawText()));
                    return null;
                }
            }
            JsonElement costValue = e.Get("CostUsd");
            decimal cost = 0m;
            if (costValue.ValueKind != JsonValueKind.Undefined && costValue.ValueKind != JsonValueKind.Null
                && !((costValue.ValueKind == JsonValueKind.Number ? costValue.TryGetDecimal(out cost)
                        : costValue.ValueKind == JsonValueKind.String && decimal.TryParse(costValue.GetString(), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out cost))
                    && cost >= 0 && cost < 9_000_000_000m))
            {
                Fail(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LedgerInputBadValue, "CostUsd", costValue.GetRawText()));
                return null;
            }
            Enum.TryParse(e.Get("Precision").Text(), true, out UsagePrecision precision);
            Enum.TryParse(e.Get("CostPrecision").Text(), true, out UsagePrecision costPrecision);
            return new LedgerUsageRow
            {
                RowKey = key!,
                Source = source,
                Timestamp = at.ToUniversalTime(),
                User = user!,
                Machine = machine!,
                Agent = agent!,
                Model = NullIfEmpty(e.Get("Model").Text()),
                SessionId = NullIfEmpty(e.Get("SessionId").Text()),
                Project = NullIfEmpty(e.Get("Project").Text()),
                GitBranch = NullIfEmpty(e.Get("GitBranch").Text()),
                InputTokens = counts[0],
                OutputTokens = counts[1],
                CacheCreationTokens = counts[2],
                CacheReadTokens = counts[3],
                TotalTokens = counts[4],
                CostUsd = cost,
                Precision = precision,
                CostPrecision = costPrecision,
            };
        }

        private static string GetRawTextOrEmpty(this JsonElement e) => e.ValueKind == JsonValueKind.Undefined ? string.Empty : e.GetRawText();

        private static FileStream OpenRead(string path) =>
            new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 65536, FileOptions.SequentialScan);

        /// <summary>Dollars (a double from a price table or a file) as the ledger's exact decimal, to the nano-dollar.</summary>
        internal static decimal Usd(decimal usd)
        {
            if (usd < 0 || usd > 9_000_000_000m) { throw Numbers.OutOfRange(usd, "cost"); }
            return decimal.Round(usd, 9, MidpointRounding.AwayFromZero);
        }

        private static string? ProjectName(string? cwd)
        {
            if (string.IsNullOrEmpty(cwd)) { return null; }
            string name = Path.GetFileName(cwd!.TrimEnd('/', '\\'));
            return name.Length == 0 ? null : name;
        }

        private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

        private static string Iso(DateTimeOffset t) => t.UtcDateTime.ToString(LedgerSchema.TimestampFormat, CultureInfo.InvariantCulture);

        private static string Num(long n) => n.ToString(CultureInfo.InvariantCulture);

        private static string Hash(params string?[] parts)
        {
            var sb = new StringBuilder();
            foreach (string? p in parts) { sb.Append(p?.Length ?? -1).Append(':').Append(p).Append('|'); }
            using SHA256 sha = SHA256.Create();
            byte[] h = sha.ComputeHash(Encoding.UTF8.GetBytes(sb.ToString()));
            var hex = new StringBuilder(32);
            for (int i = 0; i < 16; i++) { hex.Append(h[i].ToString("x2", CultureInfo.InvariantCulture)); }
            return hex.ToString();
        }
    }
}
