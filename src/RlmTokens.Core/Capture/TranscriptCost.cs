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
    /// <summary>
    /// A session's exact usage from its Claude Code transcript, as a <see cref="CostCapture"/> for
    /// Import-SessionCost, and the context size at a compaction for Register-CompactEvent.
    /// </summary>
    internal static class TranscriptCost
    {
        /// <summary>Exact per-model tokens of one transcript (duplicates removed), priced per model.</summary>
        public static CostCapture Read(string path, TokenTracker tracker, CancellationToken cancellation)
        {
            List<InterimTranscriptUsageReader.Turn> turns = InterimTranscriptUsageReader.ReadTurns(path, cancellation, out int malformed);
            var report = new CostReport();
            foreach (IGrouping<string, InterimTranscriptUsageReader.Turn> model in turns.GroupBy(t => t.Model, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
            {
                var usage = new ModelUsage
                {
                    Model = model.Key,
                    InputTokens = model.Sum(t => t.Input),
                    OutputTokens = model.Sum(t => t.Output),
                    CacheReadTokens = model.Sum(t => t.CacheRead),
                    CacheWriteTokens = model.Sum(t => t.CacheWrite),
                };
                usage.CostUsd = Math.Round(InterimTranscriptUsageReader.Price(tracker, usage), 6);
                report.Models.Add(usage);
            }
            report.CostUsd = Math.Round(report.Models.Sum(m => m.CostUsd ?? 0), 6);
            if (malformed > 0)
            {
                report.Warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.TranscriptLinesSkipped, malformed, path));
            }
            return new CostCapture { Report = report, TranscriptPath = path, Exact = true };
        }

        /// <summary>The context size at the last assistant turn (input + cache read + cache write), or null when unknown.</summary>
        public static long? LastContextTokens(string path)
        {
            try
            {
                List<InterimTranscriptUsageReader.Turn> turns = InterimTranscriptUsageReader.ReadTurns(path, CancellationToken.None, out _);
                InterimTranscriptUsageReader.Turn? last = turns.LastOrDefault(t => !t.Sidechain);
                return last is null ? (long?)null : last.Input + last.CacheRead + last.CacheWrite;
            }
            catch (RlmTokensException)
            {
                return null;
            }
        }
    }

    /// <summary>
    /// INTERIM transcript reader of the capture cmdlets, written because the shared transcript reader
    /// (src/RlmTokens.Core/Transcripts, branch issue-4) was not on main when this was built. It reads a
    /// .jsonl line by line, takes each line's message.usage, counts every (message.id, requestId) pair
    /// once (the last line of a pair wins: streaming repeats the message with growing output), and
    /// prices per million tokens from project-config.json's costPerToken or the estimation rates, with
    /// cache reads at 0.1x and cache writes at 1.25x the input rate. Replace with the shared reader.
    /// </summary>
    internal static class InterimTranscriptUsageReader
    {
        internal sealed class Turn
        {
            public string Model { get; set; } = "unknown";

            public long Input { get; set; }

            public long Output { get; set; }

            public long CacheRead { get; set; }

            public long CacheWrite { get; set; }

            public bool Sidechain { get; set; }
        }

        public static List<Turn> ReadTurns(string path, CancellationToken cancellation, out int malformed)
        {
            malformed = 0;
            var byKey = new Dictionary<string, int>(StringComparer.Ordinal);
            var turns = new List<Turn>();
            StreamReader reader;
            try
            {
                reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete), Encoding.UTF8, true);
            }
            catch (Exception e) when (e is FileNotFoundException || e is DirectoryNotFoundException)
            {
                throw new DataFileNotFoundException(path);
            }
            catch (UnauthorizedAccessException e) { throw new DataFileAccessDeniedException(path, e); }
            catch (IOException e) { throw new DataFileReadException(path, e); }
            using (reader)
            {
                string? line;
                while ((line = reader.ReadLine()) is not null)
                {
                    cancellation.ThrowIfCancellationRequested();
                    if (line.IndexOf("\"usage\"", StringComparison.Ordinal) < 0) { continue; }
                    try
                    {
                        using JsonDocument doc = JsonDocument.Parse(line);
                        JsonElement root = doc.RootElement;
                        if (root.ValueKind != JsonValueKind.Object
                            || !root.TryGetProperty("message", out JsonElement message) || message.ValueKind != JsonValueKind.Object
                            || !message.TryGetProperty("usage", out JsonElement usage) || usage.ValueKind != JsonValueKind.Object)
                        {
                            continue;
                        }
                        var turn = new Turn
                        {
                            Model = Text(message, "model") ?? "unknown",
                            Input = Count(usage, "input_tokens"),
                            Output = Count(usage, "output_tokens"),
                            CacheRead = Count(usage, "cache_read_input_tokens"),
                            CacheWrite = Count(usage, "cache_creation_input_tokens"),
                            Sidechain = root.TryGetProperty("isSidechain", out JsonElement side) && side.ValueKind == JsonValueKind.True,
                        };
                        if (turn.Model == "<synthetic>") { continue; }
                        string? id = Text(message, "id");
                        string? request = Text(root, "requestId");
                        if (id is null && request is null)
                        {
                            turns.Add(turn);
                            continue;
                        }
                        string key = (id ?? string.Empty) + "\n" + (request ?? string.Empty);
                        if (byKey.TryGetValue(key, out int at)) { turns[at] = turn; }
                        else
                        {
                            byKey[key] = turns.Count;
                            turns.Add(turn);
                        }
                    }
                    catch (JsonException)
                    {
                        malformed++;
                    }
                }
            }
            return turns;
        }

        public static double Price(TokenTracker tracker, ModelUsage usage)
        {
            Estimation.EstimationSettings settings = tracker.LoadSettings().Value;
            double input = settings.CostUsd(1_000_000, 0) / 1_000_000;
            double output = settings.CostUsd(0, 1_000_000) / 1_000_000;
            try
            {
                Dictionary<string, double>? table = tracker.Store.Read(tracker.Workspace.ConfigFile, RlmJsonContext.Files.ProjectConfigFile)?.TokenTracking?.CostPerToken;
                if (table is not null)
                {
                    foreach (KeyValuePair<string, double> kv in table)
                    {
                        if (string.Equals(kv.Key, usage.Model + "-input", StringComparison.OrdinalIgnoreCase)) { input = kv.Value; }
                        else if (string.Equals(kv.Key, usage.Model + "-output", StringComparison.OrdinalIgnoreCase)) { output = kv.Value; }
                    }
                }
            }
            catch (RlmTokensException) { }
            return usage.InputTokens * input + usage.OutputTokens * output + usage.CacheReadTokens * input * 0.1 + usage.CacheWriteTokens * input * 1.25;
        }

        private static string? Text(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        private static long Count(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n) ? n : 0;
    }
}
