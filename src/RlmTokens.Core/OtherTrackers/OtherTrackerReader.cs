using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.OtherTrackers
{
    /// <summary>The rows of one file and its summary.</summary>
    public sealed class OtherTrackerFile
    {
        public IReadOnlyList<TokenUsageRecord> Rows { get; set; } = Array.Empty<TokenUsageRecord>();

        public TokenUsageReport Report { get; set; } = new TokenUsageReport();
    }

    /// <summary>
    /// Reads the token data of the tools RlmTokens replaces (claude-flow, Memory Banker, the older RLM
    /// token-tracker.sh log and metrics.json, per-branch manual logs) into <see cref="TokenUsageRecord"/>
    /// rows. Field by field through JsonDocument, tolerant of missing fields, numbers as strings and
    /// PowerShell's one-element arrays; a file that is not JSON is a <see cref="CorruptDataFileException"/>.
    /// </summary>
    public static class OtherTrackerReader
    {
        /// <summary>Where each tool keeps its data, relative to the workspace root (ClaudeFlow: the project file; ~/.claude/metrics/usage.json is read when named).</summary>
        public static string DefaultPath(UsageSourceKind kind, Workspace workspace)
        {
            switch (kind)
            {
                case UsageSourceKind.ClaudeFlow: return Path.Combine(workspace.Root, ".claude-flow", "token-usage.json");
                case UsageSourceKind.MemoryBanker: return Path.Combine(workspace.Root, "memory-bank", "token-reports");
                case UsageSourceKind.RlmLog: return new TokenUsageLog(new TokenTracker(workspace)).LogFile; // the file Add-TokenUsage writes and -Log reads
                case UsageSourceKind.RlmMetrics: return Path.Combine(workspace.ProgressFolder, "metrics.json");
                default: return Path.Combine(workspace.Root, "token_metrics", "local_tracking");
            }
        }

        /// <summary>The file name pattern searched in a folder.</summary>
        public static string PatternOf(UsageSourceKind kind)
        {
            switch (kind)
            {
                case UsageSourceKind.MemoryBanker: return "token_usage_*.json";
                case UsageSourceKind.RlmLog: return "*.log";
                case UsageSourceKind.RlmMetrics: return "metrics*.json";
                case UsageSourceKind.BranchLog: return "tokens_*.json";
                default: return "*.json";
            }
        }

        /// <summary>The files a path names: the file itself, or the folder's files matching the kind's pattern (sorted by name).</summary>
        /// <exception cref="DataFileNotFoundException">Neither a file nor a folder.</exception>
        public static IReadOnlyList<string> FilesOf(UsageSourceKind kind, string path)
        {
            if (File.Exists(path)) { return new[] { path }; }
            if (Directory.Exists(path))
            {
                return Directory.EnumerateFiles(path, PatternOf(kind))
                    .Where(f => !Path.GetFileName(f).StartsWith(".", StringComparison.Ordinal))
                    .OrderBy(f => f, StringComparer.Ordinal).ToList();
            }
            throw new DataFileNotFoundException(path);
        }

        /// <summary>Reads one file. Problems (an unparsable object inside a log stream) are reported, the rest is read.</summary>
        public static Outcome<OtherTrackerFile> Read(UsageSourceKind kind, string file)
        {
            var problems = new List<RlmTokensException>();
            var rows = new List<TokenUsageRecord>();
            var report = new TokenUsageReport { Source = kind, File = file };
            if (kind == UsageSourceKind.RlmLog)
            {
                ReadLog(file, rows, problems);
            }
            else
            {
                using JsonDocument? doc = JsonDocuments.Load(file);
                if (doc is not null)
                {
                    JsonElement root = doc.RootElement;
                    switch (kind)
                    {
                        case UsageSourceKind.ClaudeFlow: ReadClaudeFlow(root, file, rows); break;
                        case UsageSourceKind.MemoryBanker: ReadMemoryBanker(root, file, rows, report); break;
                        case UsageSourceKind.RlmMetrics: ReadRlmMetrics(root, file, rows); break;
                        default: ReadBranchLog(root, file, rows, report); break;
                    }
                }
            }
            foreach (TokenUsageRecord r in rows) { r.Source = kind; r.File = file; }
            Summarize(report, rows);
            return new Outcome<OtherTrackerFile>(new OtherTrackerFile { Rows = rows, Report = report }, problems);
        }

        // claude-flow: .claude-flow/token-usage.json {total, input, output, byAgent {name: tokens}, lastUpdated}
        // or Claude Code's ~/.claude/metrics/usage.json {sessions [{tokenUsage {total, input, output}, agentType, ...}]}.
        private static void ReadClaudeFlow(JsonElement root, string file, List<TokenUsageRecord> rows)
        {
            JsonElement sessions = root.Get("sessions");
            if (sessions.ValueKind == JsonValueKind.Array || (sessions.ValueKind == JsonValueKind.Object && root.Get("total").ValueKind == JsonValueKind.Undefined))
            {
                foreach (JsonElement s in sessions.Items())
                {
                    JsonElement u = s.Get("tokenUsage");
                    long input = u.Get("input").Int64(), output = u.Get("output").Int64();
                    rows.Add(new TokenUsageRecord
                    {
                        Scope = UsageScope.Session,
                        SessionId = FirstText(s, "sessionId", "session_id", "id"),
                        Agent = FirstText(s, "agentType", "agent"),
                        Model = FirstText(s, "model"),
                        Timestamp = RlmTime.Parse(FirstText(s, "timestamp", "startTime", "start_time", "date")),
                        InputTokens = input,
                        OutputTokens = output,
                        TotalTokens = Total(u.Get("total").Int64(), input, output),
                        CostUsd = FirstMoney(s, "cost", "costUsd", "totalCost"),
                        DurationSeconds = Seconds(s.Get("duration")),
                        Precision = UsagePrecision.Exact,
                    });
                }
                return;
            }
            long totalIn = root.Get("input").Int64(), totalOut = root.Get("output").Int64();
            long total = Total(root.Get("total").Int64(), totalIn, totalOut);
            DateTimeOffset? updated = RlmTime.Parse(FirstText(root, "lastUpdated", "last_updated", "timestamp"));
            rows.Add(new TokenUsageRecord
            {
                Scope = UsageScope.Total,
                Timestamp = updated,
                InputTokens = totalIn,
                OutputTokens = totalOut,
                TotalTokens = total,
                CostUsd = FirstMoney(root, "cost", "totalCost", "costUsd"),
                Precision = UsagePrecision.Exact,
            });
            JsonElement byAgent = root.Get("byAgent");
            if (byAgent.ValueKind != JsonValueKind.Object) { return; }
            foreach (JsonProperty p in byAgent.EnumerateObject())
            {
                JsonElement v = p.Value;
                long ai = v.ValueKind == JsonValueKind.Object ? v.Get("input").Int64() : 0;
                long ao = v.ValueKind == JsonValueKind.Object ? v.Get("output").Int64() : 0;
                long at = v.ValueKind == JsonValueKind.Object ? Total(v.Get("total").Int64(), ai, ao) : v.Int64();
                rows.Add(new TokenUsageRecord
                {
                    Scope = UsageScope.Agent,
                    Timestamp = updated,
                    Agent = p.Name,
                    InputTokens = ai,
                    OutputTokens = ao,
                    TotalTokens = at,
                    Precision = UsagePrecision.Exact,
                });
            }
        }

        // Memory Banker: {session_id, project_path, model, command, start_time, end_time, total_duration_seconds,
        // total_prompt_tokens, total_completion_tokens, total_tokens, total_cost_usd, successful_agents,
        // failed_agents, agent_usage [{agent_name, prompt_tokens, completion_tokens, total_tokens, model,
        // start_time, end_time, duration_seconds, success, error}]}
        private static void ReadMemoryBanker(JsonElement root, string file, List<TokenUsageRecord> rows, TokenUsageReport report)
        {
            string? session = FirstText(root, "session_id", "sessionId");
            string? model = FirstText(root, "model");
            string? command = FirstText(root, "command");
            decimal? totalCost = FirstMoney(root, "total_cost_usd", "total_cost", "cost_usd");
            long reportTokens = root.Get("total_tokens").Int64();
            var agents = root.Get("agent_usage").Items().ToList();
            long agentTokens = agents.Sum(a => Total(a.Get("total_tokens").Int64(), a.Get("prompt_tokens").Int64(), a.Get("completion_tokens").Int64()));
            long basis = agentTokens > 0 ? agentTokens : reportTokens;
            foreach (JsonElement a in agents)
            {
                long input = a.Get("prompt_tokens").Int64(), output = a.Get("completion_tokens").Int64();
                long total = Total(a.Get("total_tokens").Int64(), input, output);
                // The agent's own cost, else its share of the report's by tokens; unknown (null) when the report has none.
                decimal? cost = a.Get("cost_usd").ValueKind != JsonValueKind.Undefined
                    ? a.Get("cost_usd").Money()
                    : totalCost is decimal tc ? Share(tc, total, basis, file) : null;
                rows.Add(new TokenUsageRecord
                {
                    Scope = UsageScope.Agent,
                    SessionId = session,
                    Agent = FirstText(a, "agent_name", "agent", "name"),
                    Model = FirstText(a, "model") ?? model,
                    Command = command,
                    Timestamp = RlmTime.Parse(FirstText(a, "start_time")),
                    InputTokens = input,
                    OutputTokens = output,
                    TotalTokens = total,
                    CostUsd = cost,
                    DurationSeconds = Seconds(a.Get("duration_seconds")),
                    Success = a.Get("success").Bool(),
                    Error = FirstText(a, "error"),
                    Precision = UsagePrecision.Exact,
                });
            }
            report.SessionId = session;
            report.Model = model;
            report.Command = command;
            report.Start = RlmTime.Parse(FirstText(root, "start_time"));
            report.End = RlmTime.Parse(FirstText(root, "end_time"));
            report.DurationSeconds = Seconds(root.Get("total_duration_seconds"));
            report.InputTokens = root.Get("total_prompt_tokens").Int64();
            report.OutputTokens = root.Get("total_completion_tokens").Int64();
            report.TotalTokens = reportTokens;
            report.CostUsd = totalCost;
            report.Succeeded = root.Get("successful_agents").Int64();
            report.Failed = root.Get("failed_agents").Int64();
        }

        // Older RLM metrics.json: tokenUsage {input, output, total, totalCost, dailyUsage {date: tokens},
        // byAgent {agent: tokens | {...}}, byTask {task: tokens | {...}}}, agents.<name>.tokensUsed.
        private static void ReadRlmMetrics(JsonElement root, string file, List<TokenUsageRecord> rows)
        {
            JsonElement usage = root.Get("tokenUsage");
            if (usage.ValueKind == JsonValueKind.Object)
            {
                long input = usage.Get("input").Int64(), output = usage.Get("output").Int64();
                rows.Add(new TokenUsageRecord
                {
                    Scope = UsageScope.Total,
                    InputTokens = input,
                    OutputTokens = output,
                    TotalTokens = Total(usage.Get("total").Int64(), input, output),
                    CostUsd = FirstMoney(usage, "totalCost", "cost"),
                    Precision = UsagePrecision.Exact,
                });
                JsonElement daily = usage.Get("dailyUsage");
                if (daily.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty d in daily.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                    {
                        TokenUsageRecord row = Breakdown(UsageScope.Day, d.Value);
                        row.Timestamp = RlmTime.Parse(d.Name);
                        rows.Add(row);
                    }
                }
            }
            // Agents: byAgent, completed by agents.<name> (tokensUsed, tasksCompleted) for names byAgent lacks.
            var agentRows = new Dictionary<string, TokenUsageRecord>(StringComparer.OrdinalIgnoreCase);
            var order = new List<string>();
            JsonElement byAgent = usage.Get("byAgent");
            if (byAgent.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty a in byAgent.EnumerateObject())
                {
                    TokenUsageRecord row = Breakdown(UsageScope.Agent, a.Value);
                    row.Agent = a.Name;
                    agentRows[a.Name] = row;
                    order.Add(a.Name);
                }
            }
            JsonElement agents = root.Get("agents");
            if (agents.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty a in agents.EnumerateObject())
                {
                    long tasks = FirstInt(a.Value, "tasksCompleted", "tasks_completed", "tasks");
                    if (!agentRows.TryGetValue(a.Name, out TokenUsageRecord? row))
                    {
                        // tokensUsed is a count, or token-tracker.sh's {input, output, total, cost}.
                        JsonElement used = a.Value.Get("tokensUsed");
                        row = used.ValueKind == JsonValueKind.Object
                            ? Breakdown(UsageScope.Agent, used)
                            : new TokenUsageRecord { Scope = UsageScope.Agent, TotalTokens = FirstInt(a.Value, "tokensUsed", "tokens"), Precision = UsagePrecision.Exact };
                        row.Agent = a.Name;
                        row.Tasks = 0;
                        agentRows[a.Name] = row;
                        order.Add(a.Name);
                    }
                    if (row.Tasks == 0) { row.Tasks = tasks; }
                }
            }
            rows.AddRange(order.Select(n => agentRows[n]));
            JsonElement byTask = usage.Get("byTask");
            if (byTask.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty t in byTask.EnumerateObject())
                {
                    TokenUsageRecord row = Breakdown(UsageScope.Task, t.Value);
                    row.Task = t.Name;
                    if (row.Agent is null && t.Value.ValueKind == JsonValueKind.Object) { row.Agent = FirstText(t.Value, "agent"); }
                    rows.Add(row);
                }
            }
        }

        private static TokenUsageRecord Breakdown(UsageScope scope, JsonElement v)
        {
            var row = new TokenUsageRecord { Scope = scope, Precision = UsagePrecision.Exact };
            if (v.ValueKind == JsonValueKind.Object)
            {
                row.InputTokens = v.Get("input").Int64();
                row.OutputTokens = v.Get("output").Int64();
                row.TotalTokens = Total(FirstInt(v, "total", "tokens", "tokensUsed"), row.InputTokens, row.OutputTokens);
                row.CostUsd = FirstMoney(v, "cost", "totalCost");
                row.Tasks = FirstInt(v, "tasks", "tasksCompleted", "count");
            }
            else
            {
                row.TotalTokens = v.Int64();
            }
            return row;
        }

        // Per-branch manual log (track-tokens add): {branch, total_tokens, sessions [{timestamp, tokens, notes}], created_at, last_updated},
        // or its export {token_data {...}, git_context {branch}}; a bare array of entries {tokens, note, branch, timestamp} also reads.
        private static void ReadBranchLog(JsonElement root, string file, List<TokenUsageRecord> rows, TokenUsageReport report)
        {
            JsonElement data = root.Get("token_data").ValueKind == JsonValueKind.Object ? root.Get("token_data") : root;
            string? branch = FirstText(data, "branch") ?? FirstText(root.Get("git_context"), "branch") ?? BranchFromName(file);
            IEnumerable<JsonElement> entries = root.ValueKind == JsonValueKind.Array ? root.Items()
                : data.Get("sessions").ValueKind != JsonValueKind.Undefined ? data.Get("sessions").Items()
                : data.Get("entries").Items();
            foreach (JsonElement e in entries)
            {
                long input = FirstInt(e, "input_tokens", "input"), output = FirstInt(e, "output_tokens", "output");
                rows.Add(new TokenUsageRecord
                {
                    Scope = UsageScope.Entry,
                    Timestamp = RlmTime.Parse(FirstText(e, "timestamp", "date")),
                    Branch = FirstText(e, "branch") ?? branch,
                    Note = FirstText(e, "notes", "note"),
                    SessionId = FirstText(e, "session_id", "sessionId"),
                    InputTokens = input,
                    OutputTokens = output,
                    TotalTokens = Total(FirstInt(e, "tokens", "total_tokens", "total"), input, output),
                    Precision = UsagePrecision.Exact,
                });
            }
            report.Branch = branch;
        }

        private static string? BranchFromName(string file)
        {
            string name = Path.GetFileNameWithoutExtension(file);
            return name.StartsWith("tokens_", StringComparison.OrdinalIgnoreCase) && name.Length > 7 ? name.Substring(7) : null;
        }

        // token-tracker.sh (and Add-TokenUsage): pretty-printed objects one after another {timestamp, date,
        // task, agent, model, tokens {input, output, total}, cost, duration, branch, tool, note, exact}. Parsed
        // by the token log's own reader (Capture.TokenUsageLog), so both cmdlets read the stream alike.
        private static void ReadLog(string file, List<TokenUsageRecord> rows, List<RlmTokensException> problems)
        {
            byte[] bytes;
            try
            {
                using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                using var copy = new MemoryStream();
                stream.CopyTo(copy);
                bytes = copy.ToArray();
            }
            catch (FileNotFoundException) { return; }
            catch (DirectoryNotFoundException) { return; }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(file, e); }
            catch (IOException e) { throw new DataFileReadException(file, e); }

            foreach (TokenLogEntry e in TokenUsageLog.Parse(bytes, file, problems))
            {
                rows.Add(new TokenUsageRecord
                {
                    Scope = UsageScope.Entry,
                    Timestamp = RlmTime.Parse(e.Timestamp) ?? RlmTime.Parse(e.Date),
                    Task = Blank(e.Task),
                    Agent = Blank(e.Agent),
                    Model = Blank(e.Model),
                    SessionId = Blank(e.SessionId),
                    Branch = Blank(e.Branch),
                    Note = Blank(e.Note),
                    InputTokens = e.Tokens.Input,
                    OutputTokens = e.Tokens.Output,
                    TotalTokens = Total(e.Tokens.Total, e.Tokens.Input, e.Tokens.Output),
                    CostUsd = e.Cost,
                    DurationSeconds = e.Duration,
                    // As Get-TokenUsage -Log: records marked exact (Add-TokenUsage) are Exact, token-tracker.sh's are not.
                    Precision = e.Exact == true ? UsagePrecision.Exact : UsagePrecision.Estimated,
                });
            }
        }

        private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

        private static void Summarize(TokenUsageReport report, List<TokenUsageRecord> rows)
        {
            report.RecordCount = rows.Count;
            report.Precision = UsagePrecision.Exact;
            // Rows of the finest additive scope present give the sums the file itself does not state.
            List<TokenUsageRecord> additive = rows.Where(r => r.Scope == UsageScope.Total).ToList();
            if (additive.Count == 0)
            {
                UsageScope? first = rows.Count > 0 ? rows[0].Scope : (UsageScope?)null;
                additive = rows.Where(r => r.Scope == first).ToList();
            }
            if (report.TotalTokens == 0)
            {
                report.InputTokens = additive.Sum(r => r.InputTokens);
                report.OutputTokens = additive.Sum(r => r.OutputTokens);
                report.TotalTokens = additive.Sum(r => r.TotalTokens);
            }
            // The file's cost, else the sum of its rows' known costs; unknown (null) when no row knows its cost.
            if (report.CostUsd is null or 0 && additive.Any(r => r.CostUsd is not null))
            {
                report.CostUsd = Pricing.Usd.Sum(additive.Select(r => r.CostUsd ?? 0), 6, report.File ?? string.Empty);
            }
            if (report.SessionId is null) { report.SessionId = rows.Select(r => r.SessionId).FirstOrDefault(s => s is not null); }
            if (report.Model is null)
            {
                var models = rows.Select(r => r.Model).Where(m => m is not null).Distinct(StringComparer.Ordinal).ToList();
                report.Model = models.Count == 1 ? models[0] : models.Count > 1 ? string.Join(",", models) : null;
            }
            if (report.Branch is null) { report.Branch = rows.Select(r => r.Branch).FirstOrDefault(b => b is not null); }
            var times = rows.Where(r => r.Timestamp.HasValue).Select(r => r.Timestamp!.Value).ToList();
            if (report.Start is null && times.Count > 0) { report.Start = times.Min(); }
            if (report.End is null && times.Count > 0) { report.End = times.Max(); }
            if (report.Succeeded == 0 && report.Failed == 0)
            {
                report.Succeeded = rows.Count(r => r.Success == true);
                report.Failed = rows.Count(r => r.Success == false);
            }
        }

        private static long Total(long total, long input, long output) => total != 0 ? total : input + output;

        private static string? FirstText(JsonElement e, params string[] names)
        {
            foreach (string n in names)
            {
                string? v = e.Get(n).Text();
                if (!string.IsNullOrEmpty(v)) { return v; }
            }
            return null;
        }

        // The first of the named amounts the object holds; null (unknown, never 0) when it holds none.
        private static decimal? FirstMoney(JsonElement e, params string[] names)
        {
            foreach (string n in names)
            {
                JsonElement v = e.Get(n);
                if (v.ValueKind == JsonValueKind.Number || v.ValueKind == JsonValueKind.String) { return v.Money(); }
            }
            return null;
        }

        // A row's share of a file's cost, by tokens; 0 when the file counts no tokens.
        private static decimal Share(decimal cost, long tokens, long basis, string file)
        {
            if (basis <= 0) { return 0; }
            try { return Pricing.Usd.Exact(Math.Round(cost * tokens / basis, 6)); }
            catch (OverflowException) { throw Numbers.OutOfRange(file, "cost_usd"); }
        }

        private static long FirstInt(JsonElement e, params string[] names)
        {
            foreach (string n in names)
            {
                JsonElement v = e.Get(n);
                if (v.ValueKind == JsonValueKind.Number || v.ValueKind == JsonValueKind.String) { return v.Int64(); }
            }
            return 0;
        }

        /// <summary>Seconds from a number, "12.5s", "850ms", "2m", or a TimeSpan text ("00:01:05").</summary>
        internal static double Seconds(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Number) { return e.Number(); }
            string? s = e.Text()?.Trim();
            if (string.IsNullOrEmpty(s)) { return 0; }
            double factor = 1;
            string number = s!;
            if (number.EndsWith("ms", StringComparison.OrdinalIgnoreCase)) { factor = 0.001; number = number.Substring(0, number.Length - 2); }
            else if (number.EndsWith("s", StringComparison.OrdinalIgnoreCase)) { number = number.Substring(0, number.Length - 1); }
            else if (number.EndsWith("m", StringComparison.OrdinalIgnoreCase)) { factor = 60; number = number.Substring(0, number.Length - 1); }
            if (double.TryParse(number.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) { return d * factor; }
            if (TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out TimeSpan ts)) { return ts.TotalSeconds; }
            return 0;
        }
    }
}
