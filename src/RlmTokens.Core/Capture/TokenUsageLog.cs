using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    /// <summary>One manual usage record (Add-TokenUsage).</summary>
    internal sealed class UsageEntryRequest
    {
        public long? InputTokens { get; set; }

        public long? OutputTokens { get; set; }

        /// <summary>A total without a split (a pasted "Token usage: 54161/200000").</summary>
        public long? Tokens { get; set; }

        public string? Model { get; set; }

        public string? Agent { get; set; }

        public string? Task { get; set; }

        public string? Tool { get; set; }

        public string? Note { get; set; }

        public string? SessionId { get; set; }

        /// <summary>The branch to record; default: read from the workspace's .git/HEAD.</summary>
        public string? Branch { get; set; }

        /// <summary>The cost to record; default: priced from project-config.json's costPerToken, else the estimation rates.</summary>
        public decimal? CostUsd { get; set; }

        public double DurationSeconds { get; set; }

        public DateTimeOffset? Timestamp { get; set; }
    }

    /// <summary>
    /// RLM/progress/token-usage.log, the stream of pretty-printed JSON objects token-tracker.sh appends
    /// (one object after another, not one per line). Add-TokenUsage appends to it under the lock of its
    /// folder (RLM/progress); Get-TokenUsage -Log reads it without a lock.
    /// </summary>
    internal sealed class TokenUsageLog
    {
        public const string NoneKey = "(none)";

        private readonly TokenTracker _tracker;

        public TokenUsageLog(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>The log file: tokenTracking.logFile of project-config.json when it is a relative path inside the workspace, else RLM/progress/token-usage.log.</summary>
        public string LogFile
        {
            get
            {
                string fallback = Workspace.DefaultTokenLogFile;
                string? configured = null;
                try { configured = _tracker.Store.Read(Workspace.ConfigFile, RlmJsonContext.Files.ProjectConfigFile)?.TokenTracking?.LogFile; }
                catch (RlmTokensException) { }
                if (string.IsNullOrWhiteSpace(configured) || Path.IsPathRooted(configured)) { return fallback; }
                string full = Path.GetFullPath(Path.Combine(Workspace.Root, configured));
                string root = Workspace.Root.TrimEnd(Path.DirectorySeparatorChar) + Path.DirectorySeparatorChar;
                return full.StartsWith(root, StringComparison.Ordinal) && !Directory.Exists(full) ? full : fallback;
            }
        }

        /// <summary>Validates a request and builds the record, without writing (for -WhatIf messages and tests).</summary>
        public TokenLogEntry Build(UsageEntryRequest request)
        {
            CheckNonNegative(request.InputTokens, "InputTokens");
            CheckNonNegative(request.OutputTokens, "OutputTokens");
            CheckNonNegative(request.Tokens, "Tokens");
            CheckFinite(request.DurationSeconds, "DurationSeconds");
            if (request.CostUsd is decimal c && c < 0)
            {
                throw new InvalidArgumentException("NegativeValue", c, string.Format(CultureInfo.CurrentCulture, Resources.Messages.NegativeValue, c, "CostUsd"));
            }
            if (!string.IsNullOrEmpty(request.SessionId)) { Workspace.CheckSessionId(request.SessionId!); }
            long input = request.InputTokens ?? 0;
            long output = request.OutputTokens ?? 0;
            if (input > long.MaxValue - output)
            {
                throw new InvalidArgumentException("NumberOutOfRange", output,
                    string.Format(CultureInfo.CurrentCulture, Resources.Messages.NumberOutOfRange, output, "OutputTokens"));
            }
            long total = input + output;
            if (request.Tokens is long t)
            {
                if ((request.InputTokens is not null || request.OutputTokens is not null) && t != total)
                {
                    throw new InvalidArgumentException("TokenCountMismatch", t,
                        string.Format(CultureInfo.CurrentCulture, Resources.Messages.TokenCountMismatch, t, input, output));
                }
                total = t;
            }
            if (request.InputTokens is null && request.OutputTokens is null && request.Tokens is null)
            {
                throw new InvalidArgumentException("NoTokenCount", null, Resources.Messages.NoTokenCount);
            }
            DateTimeOffset at = request.Timestamp ?? _tracker.Clock.UtcNow;
            return new TokenLogEntry
            {
                Timestamp = RlmTime.Format(at),
                Date = TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Task = Blank(request.Task),
                Agent = Blank(request.Agent),
                Model = Blank(request.Model),
                Tokens = new TokenLogTokens { Input = input, Output = output, Total = total },
                Cost = Math.Round(request.CostUsd ?? Price(request.Model, input, output, total - input - output), 6),
                Duration = request.DurationSeconds,
                Branch = Blank(request.Branch) ?? GitInfo.Branch(Workspace.Root),
                Tool = Blank(request.Tool),
                Note = Blank(request.Note),
                SessionId = Blank(request.SessionId),
                Exact = true,
            };
        }

        /// <summary>RLM/progress/metrics.json, the totals token-tracker.sh keeps beside its log (whatever tokenTracking.logFile says, as the script does).</summary>
        public string MetricsFile => Path.Combine(Workspace.ProgressFolder, RlmMetricsFile.FileName);

        /// <summary>Appends one record under the lock of the log's folder, and adds it to metrics.json when that file exists.</summary>
        public TokenUsageLogRecord Append(TokenLogEntry entry, CancellationToken cancellation) => Append(entry, updateMetrics: true, cancellation).Value;

        /// <summary>
        /// Appends one record and, with <paramref name="updateMetrics"/>, adds it to metrics.json as
        /// token-tracker.sh does (only when the file exists). With the log in RLM/progress (the default),
        /// both files change under one lock as one all-or-nothing change; a log configured elsewhere is
        /// written first and metrics.json then, under the lock of RLM/progress. A metrics.json that cannot
        /// be updated is left unchanged and reported in Problems; the record is logged all the same.
        /// </summary>
        public Outcome<TokenUsageLogRecord> Append(TokenLogEntry entry, bool updateMetrics, CancellationToken cancellation)
        {
            string path = LogFile;
            string folder = Path.GetDirectoryName(path)!;
            string metrics = MetricsFile;
            bool together = string.Equals(Path.GetFullPath(folder), Path.GetFullPath(Workspace.ProgressFolder), PathComparison);
            var problems = new List<RlmTokensException>();
            string text = JsonSerializer.Serialize(entry, RlmJsonContext.Files.TokenLogEntry) + "\n";
            using (FolderTransaction tx = _tracker.Store.BeginUpdate(folder, cancellation))
            {
                // A log that does not end with a newline (hand edits) would glue the objects; that still parses, but keep it tidy.
                // Checked first: a FIFO or device there would block the open below, holding the lock.
                if (SafeFiles.CheckReadable(path) && !EndsWithNewline(path)) { text = "\n" + text; }
                // token-tracker.sh's readers (jq) do not expect a BOM: a log started here has none.
                tx.AppendText(path, text, withBom: false);
                if (updateMetrics && together) { RlmMetricsFile.Stage(tx, metrics, entry, problems); }
                tx.Commit();
            }
            if (updateMetrics && !together && File.Exists(metrics))
            {
                using FolderTransaction tx = _tracker.Store.BeginUpdate(Workspace.ProgressFolder, cancellation);
                RlmMetricsFile.Stage(tx, metrics, entry, problems);
                tx.Commit();
            }
            return new Outcome<TokenUsageLogRecord>(ToRecord(entry), problems);
        }

        private static readonly StringComparison PathComparison =
            System.Runtime.InteropServices.RuntimeInformation.IsOSPlatform(System.Runtime.InteropServices.OSPlatform.Linux) ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase;

        /// <summary>
        /// Every record of the log, oldest first. The stream is read object by object; text that is not
        /// a JSON object is skipped up to the next line that starts one and reported in Problems.
        /// </summary>
        public Outcome<IReadOnlyList<TokenUsageLogRecord>> Read()
        {
            Outcome<IReadOnlyList<TokenLogEntry>> entries = ReadEntries();
            var records = new List<TokenUsageLogRecord>(entries.Value.Count);
            foreach (TokenLogEntry entry in entries.Value) { records.Add(ToRecord(entry)); }
            return new Outcome<IReadOnlyList<TokenUsageLogRecord>>(records, entries.Problems);
        }

        /// <summary>
        /// The log's objects as written (with their <c>date</c> keys), oldest first; problems as <see cref="Read"/>.
        /// An append that a killed writer committed to the folder's journal is completed first, so every
        /// reader (reports, budgets, optimization) sees it once it is committed, not only after the next write.
        /// </summary>
        internal Outcome<IReadOnlyList<TokenLogEntry>> ReadEntries()
        {
            string path = LogFile;
            var records = new List<TokenLogEntry>();
            var problems = new List<RlmTokensException>(_tracker.RecoverFolder(Path.GetDirectoryName(path)!));
            byte[]? bytes = SafeFiles.ReadAllBytesOrNull(path);
            if (bytes is not null) { records.AddRange(Parse(bytes, path, problems)); }
            return new Outcome<IReadOnlyList<TokenLogEntry>>(records, problems);
        }

        /// <summary>
        /// Parses a stream of concatenated JSON objects (pretty-printed or not), as token-tracker.sh writes
        /// it: its <c>init</c> starts the file with <c>[]</c> (an array, here read as the records it holds:
        /// none), its numbers come from bc (<c>.081000</c>, <c>-.5</c>: read as 0.081 and -0.5) and a value
        /// its price lookup failed to produce is left out (<c>"cost": ,</c>: read as null, an unknown cost).
        /// </summary>
        internal static List<TokenLogEntry> Parse(byte[] bytes, string path, List<RlmTokensException> problems)
        {
            bytes = RepairTrackerQuirks(bytes);
            var entries = new List<TokenLogEntry>();
            int offset = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            var options = new JsonReaderOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
            while (true)
            {
                while (offset < bytes.Length && (bytes[offset] == (byte)' ' || bytes[offset] == (byte)'\t' || bytes[offset] == (byte)'\r' || bytes[offset] == (byte)'\n'))
                {
                    offset++;
                }
                if (offset >= bytes.Length) { break; }
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(bytes, offset, bytes.Length - offset), options);
                try
                {
                    if (!reader.Read()) { break; }
                    if (reader.TokenType != JsonTokenType.StartObject && reader.TokenType != JsonTokenType.StartArray)
                    {
                        throw new JsonException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LogRecordNotObject, reader.TokenType));
                    }
                    using (JsonDocument doc = JsonDocument.ParseValue(ref reader))
                    {
                        JsonElement root = doc.RootElement;
                        // init's "[]" holds no record; a log someone turned into an array holds its objects.
                        IEnumerable<JsonElement> objects = root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : new[] { root };
                        var found = new List<TokenLogEntry>();
                        foreach (JsonElement item in objects)
                        {
                            if (item.ValueKind != JsonValueKind.Object)
                            {
                                throw new JsonException(string.Format(CultureInfo.CurrentCulture, Resources.Messages.LogRecordNotObject, item.ValueKind));
                            }
                            TokenLogEntry? entry = item.Deserialize(RlmJsonContext.Files.TokenLogEntry);
                            if (entry is not null) { found.Add(entry); }
                        }
                        entries.AddRange(found);
                    }
                    offset += (int)reader.BytesConsumed;
                }
                catch (Exception e) when (e is JsonException || e is InvalidOperationException)
                {
                    problems.Add(new CorruptDataFileException(path, null,
                        string.Format(CultureInfo.CurrentCulture, Resources.Messages.LogRecordSkipped, LineOf(bytes, offset), e.Message), e));
                    int next = NextObjectLine(bytes, offset + 1);
                    if (next < 0) { break; }
                    offset = next;
                }
            }
            return entries;
        }

        /// <summary>
        /// Rewrites what bash and bc put in token-tracker.sh's records into JSON, outside strings only and
        /// without adding a line (so line numbers in problems stay right): a number with a bare leading dot
        /// (<c>.081000</c>, <c>-.5</c>) gets its zero, and a value left out after a colon (<c>"cost": ,</c>, or
        /// before the closing brace) becomes <c>null</c>. Anything else is left as it is, for the parser to judge.
        /// </summary>
        internal static byte[] RepairTrackerQuirks(byte[] bytes)
        {
            MemoryStream? output = null;
            bool inString = false, escaped = false;
            byte last = 0;
            for (int i = 0; i < bytes.Length; i++)
            {
                byte b = bytes[i];
                if (inString)
                {
                    if (escaped) { escaped = false; }
                    else if (b == (byte)'\\') { escaped = true; }
                    else if (b == (byte)'"' || b == (byte)'\n') { inString = false; } // a raw newline never belongs to a JSON string: resync after garbage
                    output?.WriteByte(b);
                    continue;
                }
                string? insert = null;
                bool valueSlot = last == (byte)':' || last == (byte)',' || last == (byte)'[';
                if (valueSlot && b == (byte)'.' && IsDigitAt(bytes, i + 1)) { insert = "0"; }
                else if (valueSlot && b == (byte)'-' && i + 1 < bytes.Length && bytes[i + 1] == (byte)'.' && IsDigitAt(bytes, i + 2))
                {
                    output ??= CopyOf(bytes, i);
                    output.WriteByte(b);
                    output.WriteByte((byte)'0');
                    last = (byte)'0';
                    continue;
                }
                else if (last == (byte)':' && (b == (byte)',' || b == (byte)'}')) { insert = "null"; }
                if (insert is not null)
                {
                    output ??= CopyOf(bytes, i);
                    foreach (char c in insert) { output.WriteByte((byte)c); }
                }
                output?.WriteByte(b);
                if (b == (byte)'"') { inString = true; }
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r' && b != (byte)'\n') { last = b; }
            }
            return output is null ? bytes : output.ToArray();
        }

        private static bool IsDigitAt(byte[] bytes, int i) => i < bytes.Length && bytes[i] >= (byte)'0' && bytes[i] <= (byte)'9';

        private static MemoryStream CopyOf(byte[] bytes, int count)
        {
            var copy = new MemoryStream(bytes.Length + 64);
            copy.Write(bytes, 0, count);
            return copy;
        }

        /// <summary>Records summed per branch, agent, task, model, tool or day, ordered by name.</summary>
        public static IEnumerable<TokenUsageLogGroup> Group(IEnumerable<TokenUsageLogRecord> records, LogGrouping by, string? workspace)
        {
            return records
                .GroupBy(r => KeyOf(r, by) ?? NoneKey, StringComparer.OrdinalIgnoreCase)
                .OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase)
                .Select(g =>
                {
                    int exact = g.Count(r => r.Precision == UsagePrecision.Exact);
                    int n = g.Count();
                    var group = new TokenUsageLogGroup
                    {
                        GroupBy = by,
                        RecordCount = n,
                        InputTokens = g.Sum(r => r.InputTokens),
                        OutputTokens = g.Sum(r => r.OutputTokens),
                        TotalTokens = g.Sum(r => r.TotalTokens),
                        // A record whose cost is unknown adds nothing to the cost.
                        CostUsd = Pricing.Usd.Sum(g.Select(r => r.CostUsd ?? 0), 6, g.Key),
                        Start = g.Min(r => r.Timestamp),
                        End = g.Max(r => r.Timestamp),
                        Precision = exact == n ? UsagePrecision.Exact : exact == 0 ? UsagePrecision.Estimated : UsagePrecision.Mixed,
                        Workspace = workspace,
                    };
                    group.SetKey(by, g.Key);
                    return group;
                });
        }

        private static string? KeyOf(TokenUsageLogRecord r, LogGrouping by)
        {
            switch (by)
            {
                case LogGrouping.Branch: return Blank(r.Branch);
                case LogGrouping.Agent: return Blank(r.Agent);
                case LogGrouping.Task: return Blank(r.Task);
                case LogGrouping.Model: return Blank(r.Model);
                case LogGrouping.Tool: return Blank(r.Tool);
                case LogGrouping.Day: return r.Timestamp?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
                default: return null;
            }
        }

        private TokenUsageLogRecord ToRecord(TokenLogEntry e) =>
            new TokenUsageLogRecord
            {
                Timestamp = RlmTime.Parse(e.Timestamp) ?? RlmTime.Parse(e.Date),
                Task = Blank(e.Task),
                Agent = Blank(e.Agent),
                Model = Blank(e.Model),
                Tool = Blank(e.Tool),
                Branch = Blank(e.Branch),
                SessionId = Blank(e.SessionId),
                InputTokens = e.Tokens.Input,
                OutputTokens = e.Tokens.Output,
                TotalTokens = e.Tokens.Total != 0 ? e.Tokens.Total : e.Tokens.Input + e.Tokens.Output,
                CostUsd = e.Cost,
                DurationSeconds = e.Duration,
                Note = Blank(e.Note),
                Precision = e.Exact == true ? UsagePrecision.Exact : UsagePrecision.Estimated,
                Workspace = Workspace.Root,
            };

        // costPerToken {"<model>-input": USD per token, "<model>-output": ...} of project-config.json, else
        // the estimation rates ($3 / $15 per million by default). Tokens without a split are priced as input.
        // Decimal arithmetic is checked: a price past its range is the NumberOutOfRange error.
        private decimal Price(string? model, long input, long output, long unsplit)
        {
            EstimationSettingsRates rates = Rates(model);
            try { return Pricing.Usd.Exact((input + unsplit) * rates.Input + output * rates.Output); }
            catch (OverflowException) { throw Numbers.OutOfRange(model ?? "costPerToken", "USD"); }
        }

        /// <summary>
        /// What a record whose cost is unknown (<c>"cost": ,</c>) probably cost: its tokens priced as
        /// Add-TokenUsage prices them (the model's costPerToken, else the estimation rates). An estimate.
        /// </summary>
        internal decimal EstimateCost(TokenUsageLogRecord record)
        {
            long unsplit = Math.Max(0, record.TotalTokens - record.InputTokens - record.OutputTokens);
            return Math.Round(Price(record.Model, record.InputTokens, record.OutputTokens, unsplit), 6);
        }

        private Estimation.EstimationSettings? _settings;
        private Dictionary<string, decimal>? _costTable;
        private bool _costTableRead;

        private EstimationSettingsRates Rates(string? model)
        {
            Estimation.EstimationSettings settings = _settings ??= _tracker.LoadSettings().Value;
            decimal input = settings.InputUsdPerMillion / 1_000_000m;
            decimal output = settings.OutputUsdPerMillion / 1_000_000m;
            if (!string.IsNullOrEmpty(model))
            {
                if (!_costTableRead)
                {
                    try { _costTable = _tracker.Store.Read(Workspace.ConfigFile, RlmJsonContext.Files.ProjectConfigFile)?.TokenTracking?.CostPerToken; }
                    catch (RlmTokensException) { }
                    _costTableRead = true;
                }
                Dictionary<string, decimal>? table = _costTable;
                if (table is not null)
                {
                    foreach (KeyValuePair<string, decimal> kv in table)
                    {
                        if (string.Equals(kv.Key, model + "-input", StringComparison.OrdinalIgnoreCase)) { input = kv.Value; }
                        else if (string.Equals(kv.Key, model + "-output", StringComparison.OrdinalIgnoreCase)) { output = kv.Value; }
                    }
                }
            }
            return new EstimationSettingsRates(input, output);
        }

        private readonly struct EstimationSettingsRates
        {
            public EstimationSettingsRates(decimal input, decimal output) { Input = input; Output = output; }

            public decimal Input { get; }

            public decimal Output { get; }
        }

        // NaN and Infinity cannot be written as JSON: the serializer's ArgumentException escaped before.
        private static void CheckFinite(double? value, string name)
        {
            if (value is double d && (double.IsNaN(d) || double.IsInfinity(d)))
            {
                throw new InvalidArgumentException("NumberOutOfRange", d, string.Format(CultureInfo.CurrentCulture, Resources.Messages.NumberOutOfRange, d, name));
            }
        }

        private static void CheckNonNegative(long? value, string name)
        {
            if (value is long v && v < 0)
            {
                throw new InvalidArgumentException("NegativeValue", v, string.Format(CultureInfo.CurrentCulture, Resources.Messages.NegativeValue, v, name));
            }
        }

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

        private static bool EndsWithNewline(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            if (stream.Length == 0) { return true; }
            stream.Seek(-1, SeekOrigin.End);
            return stream.ReadByte() == '\n';
        }

        private static int NextObjectLine(byte[] bytes, int from)
        {
            for (int i = Math.Max(from, 1); i < bytes.Length; i++)
            {
                if (bytes[i] == (byte)'{' && bytes[i - 1] == (byte)'\n') { return i; }
            }
            return -1;
        }

        private static int LineOf(byte[] bytes, int offset)
        {
            int line = 1;
            for (int i = 0; i < offset && i < bytes.Length; i++) { if (bytes[i] == (byte)'\n') { line++; } }
            return line;
        }

        /// <summary>
        /// A usage record from a JSON document a hook or script hands over on standard input:
        /// <c>input_tokens</c>/<c>output_tokens</c>/<c>total_tokens</c> (or <c>input</c>/<c>output</c>/<c>total</c>/<c>tokens</c>,
        /// or token-tracker.sh's <c>tokens</c> object, or Claude's <c>usage</c> object whose cache tokens count as input),
        /// <c>model</c>, <c>agent</c>, <c>task</c>, <c>tool</c>, <c>note</c>, <c>session_id</c>, <c>branch</c>,
        /// <c>cost</c>/<c>cost_usd</c>, <c>duration</c>, <c>timestamp</c>; <paramref name="cwd"/> gets <c>cwd</c>.
        /// </summary>
        /// <exception cref="InvalidHookInputException">Not a JSON object.</exception>
        public static UsageEntryRequest RequestFromJson(string json, out string? cwd)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, MaxDepth = 64 });
            }
            catch (JsonException e)
            {
                throw new InvalidHookInputException(HookPayloads.HookInput.Excerpt(json), e.Message, e);
            }
            using (doc)
            {
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new InvalidHookInputException(HookPayloads.HookInput.Excerpt(json), Resources.Messages.HookInputNotObject);
                }
                cwd = JsonText(root, "cwd");
                var request = new UsageEntryRequest
                {
                    Model = JsonText(root, "model"),
                    Agent = JsonText(root, "agent"),
                    Task = JsonText(root, "task"),
                    Tool = JsonText(root, "tool"),
                    Note = JsonText(root, "note"),
                    SessionId = JsonText(root, "session_id"),
                    Branch = JsonText(root, "branch"),
                    CostUsd = JsonMoney(root, "cost_usd") ?? JsonMoney(root, "cost"),
                    DurationSeconds = JsonNumber(root, "duration") ?? 0,
                    Timestamp = RlmTime.Parse(JsonText(root, "timestamp")),
                };
                long? input = JsonCount(root, "input_tokens") ?? JsonCount(root, "input");
                long? output = JsonCount(root, "output_tokens") ?? JsonCount(root, "output");
                long? total = JsonCount(root, "total_tokens") ?? JsonCount(root, "total");
                if (root.TryGetProperty("tokens", out JsonElement tokens))
                {
                    if (tokens.ValueKind == JsonValueKind.Object)
                    {
                        input ??= JsonCount(tokens, "input");
                        output ??= JsonCount(tokens, "output");
                        total ??= JsonCount(tokens, "total");
                    }
                    else
                    {
                        total ??= JsonCount(root, "tokens");
                    }
                }
                if (root.TryGetProperty("usage", out JsonElement usage) && usage.ValueKind == JsonValueKind.Object)
                {
                    long? cache = Sum(JsonCount(usage, "cache_read_input_tokens"), JsonCount(usage, "cache_creation_input_tokens"));
                    input ??= Sum(JsonCount(usage, "input_tokens"), cache);
                    output ??= JsonCount(usage, "output_tokens");
                }
                if (input is not null || output is not null)
                {
                    request.InputTokens = input ?? 0;
                    request.OutputTokens = output ?? 0;
                    // A total that disagrees with the split is left to Build to report (TokenCountMismatch).
                    request.Tokens = total;
                }
                else
                {
                    request.Tokens = total;
                }
                return request;
            }
        }

        private static long? Sum(long? a, long? b) => a is null ? b : b is null ? a : a + b;

        private static string? JsonText(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String && v.GetString()!.Trim().Length > 0 ? v.GetString() : null;

        private static double? JsonNumber(JsonElement obj, string name)
        {
            if (!obj.TryGetProperty(name, out JsonElement v)) { return null; }
            if (v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out double d)) { return d; }
            if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out d)) { return d; }
            return null;
        }

        // An amount as the JSON writes it, to a double's 15 significant digits (0.30000000000000004 is 0.3).
        private static decimal? JsonMoney(JsonElement obj, string name) =>
            JsonNumber(obj, name) is double d ? Pricing.Usd.FromDouble(d) : null;

        private static long? JsonCount(JsonElement obj, string name)
        {
            double? d = JsonNumber(obj, name);
            if (d is null || double.IsNaN(d.Value) || double.IsInfinity(d.Value) || Math.Abs(d.Value) > 9e15) { return null; }
            return (long)Math.Round(d.Value, MidpointRounding.AwayFromZero);
        }

        /// <summary>"Token usage: 54161/200000" (Claude Code's context line) and similar: the first count, or null.</summary>
        public static long? ParseUsageText(string text)
        {
            const string number = @"(?<n>\d{1,3}(?:,\d{3})+|\d+)";
            var options = System.Text.RegularExpressions.RegexOptions.CultureInvariant | System.Text.RegularExpressions.RegexOptions.IgnoreCase;
            var m = System.Text.RegularExpressions.Regex.Match(text, @"(?:usage|used|tokens)\s*[:=]?\s*" + number, options);
            if (!m.Success) { m = System.Text.RegularExpressions.Regex.Match(text, @"(?<![\w.-])" + number + @"(?![\w.])", options); }
            if (!m.Success) { return null; }
            return long.Parse(m.Groups["n"].Value.Replace(",", string.Empty), CultureInfo.InvariantCulture);
        }
    }
}
