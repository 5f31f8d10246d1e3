using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.OtherTrackers;
using RlmTokens.Json;
using RlmTokens.Storage;
using RlmTokens.Usage;

namespace RlmTokens.Optimization
{
    /// <summary>The thresholds of the rules (RLM's figures by default).</summary>
    public sealed class OptimizationSettings
    {
        /// <summary>RLM's per-task target: tasks above it are reported.</summary>
        public long TaskTarget { get; set; } = 20000;

        /// <summary>Below this share of input read from the prompt cache a session is reported.</summary>
        public double MinCacheReadShare { get; set; } = 0.5;

        /// <summary>A turn with fewer tokens than this is "small".</summary>
        public long SmallTurnTokens { get; set; } = 2000;

        /// <summary>How many small turns of an expensive model make a finding.</summary>
        public int MinSmallTurns { get; set; } = 2;

        /// <summary>Wildcard patterns (* and ?) of expensive models.</summary>
        public IReadOnlyList<string> ExpensiveModels { get; set; } = new[] { "*opus*" };

        /// <summary>A session with at least this many compactions is reported.</summary>
        public int MaxCompactions { get; set; } = 3;

        /// <summary>A relative difference between estimate and exact figure above this is reported.</summary>
        public double MaxVariance { get; set; } = 0.25;

        /// <summary>RLM's rating of tokens per task.</summary>
        public static (string Rating, double Threshold, FindingSeverity Severity) Rate(double tokensPerTask)
        {
            if (tokensPerTask < 10000) { return ("Excellent", 10000, FindingSeverity.Info); }
            if (tokensPerTask < 20000) { return ("Good", 20000, FindingSeverity.Info); }
            if (tokensPerTask < 35000) { return ("Fair", 35000, FindingSeverity.Low); }
            return ("Poor", 35000, FindingSeverity.Medium);
        }
    }

    /// <summary>One session's cache figures (exact transcript data).</summary>
    public sealed class CacheUsage
    {
        public string Subject { get; set; } = string.Empty;

        public long InputTokens { get; set; }

        public long CacheCreationTokens { get; set; }

        public long CacheReadTokens { get; set; }
    }

    /// <summary>One turn (a logged entry, a transcript message): its model and size.</summary>
    public sealed class TurnUsage
    {
        public string? Model { get; set; }

        public string? Agent { get; set; }

        public long Tokens { get; set; }

        public UsagePrecision Precision { get; set; } = UsagePrecision.Exact;

        public string Evidence { get; set; } = string.Empty;
    }

    /// <summary>Everything the rules look at; gathered from a workspace, or built by a test.</summary>
    public sealed class OptimizationInput
    {
        /// <summary>Entry rows (agent, task, model, tokens) of logs: RLM's token-usage.log and the like.</summary>
        public List<TokenUsageRecord> Entries { get; } = new List<TokenUsageRecord>();

        /// <summary>Agent and task rows of RLM's metrics.json (used for agents and tasks the entries lack).</summary>
        public List<TokenUsageRecord> Breakdowns { get; } = new List<TokenUsageRecord>();

        public List<TurnUsage> Turns { get; } = new List<TurnUsage>();

        /// <summary>Compactions per session id.</summary>
        public Dictionary<string, int> Compactions { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

        public List<CacheUsage> Cache { get; } = new List<CacheUsage>();

        /// <summary>Usage entries of every usage source (estimates and exact figures of the same sessions).</summary>
        public List<UsageFigure> Usage { get; } = new List<UsageFigure>();
    }

    /// <summary>Turns token data into findings with evidence: the engine of Get-TokenOptimization.</summary>
    public static class OptimizationAnalyzer
    {
        /// <summary>
        /// Reads what a workspace holds: the RLM log and metrics.json, compact-events.json, the usage sources,
        /// and (when given) the workspace's Claude Code transcripts: exact cache figures and turns.
        /// </summary>
        public static Outcome<OptimizationInput> Gather(TokenTracker tracker, TranscriptUsageSource? transcripts = null)
        {
            var problems = new List<RlmTokensException>();
            var input = new OptimizationInput();
            Workspace ws = tracker.Workspace;
            string log = OtherTrackerReader.DefaultPath(UsageSourceKind.RlmLog, ws);
            if (File.Exists(log)) { AddSeed(input.Entries, UsageSourceKind.RlmLog, log, problems, r => r.Scope == UsageScope.Entry); }
            string metrics = OtherTrackerReader.DefaultPath(UsageSourceKind.RlmMetrics, ws);
            if (File.Exists(metrics)) { AddSeed(input.Breakdowns, UsageSourceKind.RlmMetrics, metrics, problems, r => r.Scope == UsageScope.Agent || r.Scope == UsageScope.Task); }
            foreach (TokenUsageRecord e in input.Entries.Where(e => !string.IsNullOrEmpty(e.Model)))
            {
                input.Turns.Add(new TurnUsage { Model = e.Model, Agent = e.Agent, Tokens = e.TotalTokens, Precision = e.Precision, Evidence = "RlmLog" });
            }
            try
            {
                using JsonDocument? doc = JsonDocuments.Load(ws.CompactEventsFile);
                if (doc is not null)
                {
                    foreach (JsonElement ev in doc.RootElement.Items())
                    {
                        string session = ev.Get("session_id").Text() ?? "UNKNOWN";
                        input.Compactions[session] = input.Compactions.TryGetValue(session, out int n) ? n + 1 : 1;
                    }
                }
            }
            catch (RlmTokensException e) { problems.Add(e); }
            var query = new UsageQuery(tracker, DateTime.MinValue, DateTime.MaxValue.Date);
            if (transcripts is not null)
            {
                IReadOnlyList<UsageEntry> entries = transcripts.EntriesOf(ws, problems);
                foreach (IGrouping<string, UsageEntry> session in entries.GroupBy(e => e.SessionId ?? "(none)", StringComparer.Ordinal))
                {
                    input.Cache.Add(new CacheUsage
                    {
                        Subject = session.Key,
                        InputTokens = session.Sum(e => e.InputTokens),
                        CacheCreationTokens = session.Sum(e => e.CacheCreationTokens),
                        CacheReadTokens = session.Sum(e => e.CacheReadTokens),
                    });
                }
                foreach (UsageEntry e in entries)
                {
                    input.Turns.Add(new TurnUsage { Model = e.Model, Agent = e.IsSidechain ? "subagent" : null, Tokens = e.TotalTokens, Precision = UsagePrecision.Exact, Evidence = "Transcripts" });
                }
            }
            foreach (IUsageSource source in UsageSources.For(tracker, transcripts))
            {
                input.Usage.AddRange(source.Read(query, problems).Select(f => UsageCombiner.Canonicalize(f, query)));
            }
            return new Outcome<OptimizationInput>(input, problems);
        }

        private static void AddSeed(List<TokenUsageRecord> into, UsageSourceKind kind, string file, List<RlmTokensException> problems, Func<TokenUsageRecord, bool> keep)
        {
            try
            {
                Outcome<OtherTrackerFile> read = OtherTrackerReader.Read(kind, file);
                problems.AddRange(read.Problems);
                into.AddRange(read.Value.Rows.Where(keep));
            }
            catch (RlmTokensException e) { problems.Add(e); }
        }

        public static IEnumerable<TokenOptimizationFinding> Analyze(OptimizationInput input, OptimizationSettings settings, string? workspace = null)
        {
            if (input is null) { throw new ArgumentNullException(nameof(input)); }
            settings ??= new OptimizationSettings();
            var findings = new List<TokenOptimizationFinding>();
            findings.AddRange(AgentsPerTask(input, settings));
            findings.AddRange(TasksAboveTarget(input, settings));
            findings.AddRange(CacheShare(input, settings));
            findings.AddRange(ExpensiveSmallTurns(input, settings));
            findings.AddRange(FrequentCompactions(input, settings));
            findings.AddRange(Variance(input, settings));
            foreach (TokenOptimizationFinding f in findings) { f.Workspace = workspace; }
            return findings;
        }

        private static string N0(double v) => v.ToString("N0", CultureInfo.CurrentCulture);

        private static IEnumerable<TokenOptimizationFinding> AgentsPerTask(OptimizationInput input, OptimizationSettings settings)
        {
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (IGrouping<string, TokenUsageRecord> g in input.Entries.Where(e => !string.IsNullOrEmpty(e.Agent))
                .GroupBy(e => e.Agent!, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
            {
                int tasks = g.Select(e => e.Task ?? string.Empty).Distinct(StringComparer.OrdinalIgnoreCase).Count();
                long tokens = g.Sum(e => e.TotalTokens);
                seen.Add(g.Key);
                yield return Rated(g.Key, tokens, tasks, UsageCombiner.Precision(g.Select(e => e.Precision)), "RlmLog");
            }
            foreach (TokenUsageRecord a in input.Breakdowns.Where(b => b.Scope == UsageScope.Agent && b.Tasks > 0 && !string.IsNullOrEmpty(b.Agent) && !seen.Contains(b.Agent!)))
            {
                yield return Rated(a.Agent!, a.TotalTokens, a.Tasks, a.Precision, "RlmMetrics");
            }
        }

        private static TokenOptimizationFinding Rated(string agent, long tokens, long tasks, UsagePrecision precision, string evidence)
        {
            double perTask = tasks > 0 ? Math.Round((double)tokens / tasks, 1) : tokens;
            (string rating, double threshold, FindingSeverity severity) = OptimizationSettings.Rate(perTask);
            string key = rating == "Poor" ? Resources.Messages.OptAgentPoor : Resources.Messages.OptAgentRated;
            return new TokenOptimizationFinding
            {
                Rule = OptimizationRule.AgentTokensPerTask,
                Severity = severity,
                Subject = agent,
                Figure = perTask,
                Threshold = threshold,
                Unit = "TokensPerTask",
                Rating = rating,
                Message = string.Format(CultureInfo.CurrentCulture, key, agent, N0(perTask), tasks, N0(tokens), rating, N0(threshold)),
                Evidence = evidence,
                Precision = precision,
            };
        }

        private static IEnumerable<TokenOptimizationFinding> TasksAboveTarget(OptimizationInput input, OptimizationSettings settings)
        {
            var tasks = new List<(string Task, long Tokens, string? Agents, UsagePrecision Precision, string Evidence)>();
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (IGrouping<string, TokenUsageRecord> g in input.Entries.Where(e => !string.IsNullOrEmpty(e.Task)).GroupBy(e => e.Task!, StringComparer.OrdinalIgnoreCase))
            {
                seen.Add(g.Key);
                string agents = string.Join(", ", g.Select(e => e.Agent).Where(a => !string.IsNullOrEmpty(a)).Distinct(StringComparer.OrdinalIgnoreCase));
                tasks.Add((g.Key, g.Sum(e => e.TotalTokens), agents, UsageCombiner.Precision(g.Select(e => e.Precision)), "RlmLog"));
            }
            foreach (TokenUsageRecord t in input.Breakdowns.Where(b => b.Scope == UsageScope.Task && !string.IsNullOrEmpty(b.Task) && !seen.Contains(b.Task!)))
            {
                tasks.Add((t.Task!, t.TotalTokens, t.Agent, t.Precision, "RlmMetrics"));
            }
            foreach (var t in tasks.Where(t => t.Tokens > settings.TaskTarget).OrderByDescending(t => t.Tokens).ThenBy(t => t.Task, StringComparer.Ordinal))
            {
                yield return new TokenOptimizationFinding
                {
                    Rule = OptimizationRule.TaskAboveTarget,
                    Severity = t.Tokens >= 35000 ? FindingSeverity.High : FindingSeverity.Medium,
                    Subject = t.Task,
                    Figure = t.Tokens,
                    Threshold = settings.TaskTarget,
                    Unit = "Tokens",
                    Message = string.Format(CultureInfo.CurrentCulture, Resources.Messages.OptTaskAboveTarget, t.Task, N0(t.Tokens), N0(settings.TaskTarget),
                        string.IsNullOrEmpty(t.Agents) ? "-" : t.Agents),
                    Evidence = t.Evidence,
                    Precision = t.Precision,
                };
            }
        }

        private static IEnumerable<TokenOptimizationFinding> CacheShare(OptimizationInput input, OptimizationSettings settings)
        {
            foreach (CacheUsage c in input.Cache)
            {
                long all = c.InputTokens + c.CacheCreationTokens + c.CacheReadTokens;
                if (all == 0) { continue; }
                double share = Math.Round((double)c.CacheReadTokens / all, 4);
                if (share >= settings.MinCacheReadShare) { continue; }
                yield return new TokenOptimizationFinding
                {
                    Rule = OptimizationRule.LowCacheReadShare,
                    Severity = share < settings.MinCacheReadShare / 2 ? FindingSeverity.High : FindingSeverity.Medium,
                    Subject = c.Subject,
                    Figure = share,
                    Threshold = settings.MinCacheReadShare,
                    Unit = "Share",
                    Message = string.Format(CultureInfo.CurrentCulture, Resources.Messages.OptLowCacheShare, c.Subject, share * 100, settings.MinCacheReadShare * 100, N0(c.CacheReadTokens), N0(all)),
                    Evidence = "Transcript",
                    Precision = UsagePrecision.Exact,
                };
            }
        }

        private static IEnumerable<TokenOptimizationFinding> ExpensiveSmallTurns(OptimizationInput input, OptimizationSettings settings)
        {
            foreach (IGrouping<string, TurnUsage> g in input.Turns
                .Where(t => !string.IsNullOrEmpty(t.Model) && t.Tokens > 0 && t.Tokens < settings.SmallTurnTokens && IsExpensive(t.Model!, settings))
                .GroupBy(t => t.Model!, StringComparer.OrdinalIgnoreCase).OrderBy(g => g.Key, StringComparer.OrdinalIgnoreCase))
            {
                int count = g.Count();
                if (count < settings.MinSmallTurns) { continue; }
                double mean = Math.Round(g.Average(t => (double)t.Tokens), 1);
                string agents = string.Join(", ", g.Select(t => t.Agent).Where(a => !string.IsNullOrEmpty(a)).Distinct(StringComparer.OrdinalIgnoreCase));
                yield return new TokenOptimizationFinding
                {
                    Rule = OptimizationRule.ExpensiveModelForSmallTurns,
                    Severity = FindingSeverity.Medium,
                    Subject = g.Key,
                    Figure = mean,
                    Threshold = settings.SmallTurnTokens,
                    Unit = "TokensPerTurn",
                    Message = string.Format(CultureInfo.CurrentCulture, Resources.Messages.OptExpensiveSmallTurns, count, g.Key, N0(settings.SmallTurnTokens), N0(mean),
                        string.IsNullOrEmpty(agents) ? "-" : agents),
                    Evidence = string.Join(",", g.Select(t => t.Evidence).Distinct(StringComparer.Ordinal)),
                    Precision = UsageCombiner.Precision(g.Select(t => t.Precision)),
                };
            }
        }

        private static bool IsExpensive(string model, OptimizationSettings settings) =>
            settings.ExpensiveModels.Any(p => Wildcard(model, p));

        internal static bool Wildcard(string text, string pattern)
        {
            // Classic * and ? matching, case-insensitive, no regular expressions.
            int t = 0, p = 0, star = -1, mark = 0;
            string s = text.ToLowerInvariant(), q = pattern.ToLowerInvariant();
            while (t < s.Length)
            {
                if (p < q.Length && (q[p] == '?' || q[p] == s[t])) { t++; p++; }
                else if (p < q.Length && q[p] == '*') { star = p++; mark = t; }
                else if (star >= 0) { p = star + 1; t = ++mark; }
                else { return false; }
            }
            while (p < q.Length && q[p] == '*') { p++; }
            return p == q.Length;
        }

        private static IEnumerable<TokenOptimizationFinding> FrequentCompactions(OptimizationInput input, OptimizationSettings settings)
        {
            foreach (KeyValuePair<string, int> kv in input.Compactions.Where(c => c.Value >= settings.MaxCompactions).OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal))
            {
                yield return new TokenOptimizationFinding
                {
                    Rule = OptimizationRule.FrequentCompactions,
                    Severity = kv.Value >= settings.MaxCompactions * 2 ? FindingSeverity.High : FindingSeverity.Medium,
                    Subject = kv.Key,
                    Figure = kv.Value,
                    Threshold = settings.MaxCompactions,
                    Unit = "Count",
                    Message = string.Format(CultureInfo.CurrentCulture, Resources.Messages.OptFrequentCompactions, kv.Key, kv.Value, settings.MaxCompactions),
                    Evidence = "compact-events.json",
                    Precision = UsagePrecision.Exact,
                };
            }
        }

        private static IEnumerable<TokenOptimizationFinding> Variance(OptimizationInput input, OptimizationSettings settings)
        {
            foreach (IGrouping<string, UsageFigure> g in input.Usage.Where(u => u.SessionId is not null).GroupBy(u => u.SessionId!, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                foreach (bool tokens in new[] { true, false })
                {
                    UsageFigure? estimate = g.FirstOrDefault(u => (tokens ? u.TokensPrecision : u.CostPrecision) == UsagePrecision.Estimated && (tokens ? u.Tokens : u.CostUsd) > 0);
                    UsageFigure? exact = g.FirstOrDefault(u => (tokens ? u.TokensPrecision : u.CostPrecision) == UsagePrecision.Exact && (tokens ? u.Tokens : u.CostUsd) > 0);
                    if (estimate is null || exact is null || ReferenceEquals(estimate, exact)) { continue; }
                    // A ratio, not money: double.
                    double est = tokens ? estimate.Tokens : (double)estimate.CostUsd;
                    double ex = tokens ? exact.Tokens : (double)exact.CostUsd;
                    double variance = Math.Round((est - ex) / ex, 4);
                    if (Math.Abs(variance) <= settings.MaxVariance) { continue; }
                    string unit = tokens ? "tokens" : "USD";
                    yield return new TokenOptimizationFinding
                    {
                        Rule = OptimizationRule.EstimateVariance,
                        Severity = Math.Abs(variance) > settings.MaxVariance * 2 ? FindingSeverity.High : FindingSeverity.Medium,
                        Subject = g.Key,
                        Figure = variance,
                        Threshold = settings.MaxVariance,
                        Unit = tokens ? "TokensRatio" : "UsdRatio",
                        Message = string.Format(CultureInfo.CurrentCulture, Resources.Messages.OptEstimateVariance, g.Key, unit,
                            tokens ? N0(est) : est.ToString("0.####", CultureInfo.CurrentCulture), estimate.Source,
                            tokens ? N0(ex) : ex.ToString("0.####", CultureInfo.CurrentCulture), exact.Source, variance * 100, settings.MaxVariance * 100),
                        Evidence = estimate.Source + "," + exact.Source,
                        Precision = UsagePrecision.Mixed,
                    };
                }
            }
        }
    }
}
