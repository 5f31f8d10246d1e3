using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    /// <summary>What to capture: a parsed /cost report or a transcript's exact usage, for one session.</summary>
    internal sealed class CostCapture
    {
        public CostReport Report { get; set; } = new CostReport();

        /// <summary>The text as given (/cost output), kept in raw_output.</summary>
        public string? RawOutput { get; set; }

        public string? TranscriptPath { get; set; }

        /// <summary>True when the tokens were counted (transcript), false for /cost figures.</summary>
        public bool Exact { get; set; }

        public string Source => Exact ? SessionCostImporter.TranscriptSource : SessionCostImporter.CostCommandSource;
    }

    /// <summary>
    /// Import-SessionCost's engine: writes cost-&lt;SessionId&gt;.json and the session's entry in
    /// daily-&lt;local date&gt;.json, under the token-usage folder's one lock. Idempotent: a second import
    /// of the same session replaces its entry (in whichever daily file the first one went to) and the
    /// day's totals are recomputed from the entries.
    /// </summary>
    internal sealed class SessionCostImporter
    {
        public const string CostCommandSource = "claude_code_cost_command";
        public const string TranscriptSource = "claude_code_transcript";

        /// <summary>RLM's conversion of cost to tokens when nothing better is known: $0.000009 per token.</summary>
        public const double UsdPerEstimatedToken = 0.000009;

        private readonly TokenTracker _tracker;

        public SessionCostImporter(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>
        /// The session a capture belongs to: <paramref name="explicitId"/>, else the open session
        /// (current-session.json), else <paramref name="fallbackId"/>, else a new SESSION-yyyy-MM-dd-HHmmss
        /// stamped with <paramref name="at"/> in the local zone. Checked to be a safe file name.
        /// </summary>
        public string ResolveSessionId(string? explicitId, string? fallbackId, DateTimeOffset at)
        {
            string? id = explicitId;
            if (string.IsNullOrEmpty(id))
            {
                SessionFile? open = null;
                try { open = _tracker.Store.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile); }
                catch (CorruptDataFileException) { }
                id = !string.IsNullOrEmpty(open?.SessionId) ? open!.SessionId : fallbackId;
            }
            if (string.IsNullOrEmpty(id)) { id = NewSessionId(at, _tracker.Clock.LocalZone); }
            return Workspace.CheckSessionId(id!);
        }

        /// <summary>RLM's session id form, SESSION-yyyy-MM-dd-HHmmss, in the given zone.</summary>
        public static string NewSessionId(DateTimeOffset at, TimeZoneInfo zone) =>
            "SESSION-" + TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture);

        public Outcome<SessionCostRecord> Import(string sessionId, CostCapture capture, DateTimeOffset? capturedAt, CancellationToken cancellation)
        {
            Workspace.CheckSessionId(sessionId);
            DateTimeOffset at = capturedAt ?? _tracker.Clock.UtcNow;
            string stamp = RlmTime.Format(at);
            DateTime day = TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone).Date;
            CostReport report = capture.Report;
            long input = report.Models.Sum(m => m.InputTokens);
            long output = report.Models.Sum(m => m.OutputTokens);
            long cacheRead = report.Models.Sum(m => m.CacheReadTokens);
            long cacheWrite = report.Models.Sum(m => m.CacheWriteTokens);
            long total = input + output + cacheRead + cacheWrite;
            long estimated = report.Models.Count > 0 ? total : (long)Math.Round(report.CostUsd / UsdPerEstimatedToken, MidpointRounding.AwayFromZero);
            var problems = new List<RlmTokensException>();
            string costPath = Workspace.CostFile(sessionId);

            using (FolderTransaction tx = _tracker.Store.BeginUpdate(Workspace.TokenUsageFolder, cancellation))
            {
                CostFile? previous = tx.Read(costPath, RlmJsonContext.Files.CostFile);
                SessionFile? open = tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
                var file = new CostFile
                {
                    SessionId = sessionId,
                    CapturedAt = stamp,
                    Source = capture.Source,
                    RawOutput = capture.RawOutput,
                    Parsed = new CostParsed
                    {
                        TotalCostUsd = report.CostUsd,
                        ApiDurationSeconds = report.ApiDurationSeconds ?? 0,
                        WallDurationSeconds = report.WallDurationSeconds ?? 0,
                        LinesAdded = report.LinesAdded ?? 0,
                        LinesRemoved = report.LinesRemoved ?? 0,
                    },
                    Estimation = new CostEstimation { EstimatedTokens = estimated },
                    SessionData = open is not null && open.SessionId == sessionId
                        ? JsonSerializer.SerializeToElement(open, RlmJsonContext.Files.SessionFile)
                        : (JsonElement?)null,
                    Precision = capture.Exact ? "exact" : "estimated",
                    Tokens = new CaptureTokens { Input = input, Output = output, CacheRead = cacheRead, CacheWrite = cacheWrite, Total = total },
                    Models = report.Models.Select(m => new CaptureModelEntry
                    {
                        Model = m.Model,
                        InputTokens = m.InputTokens,
                        OutputTokens = m.OutputTokens,
                        CacheReadTokens = m.CacheReadTokens,
                        CacheWriteTokens = m.CacheWriteTokens,
                        CostUsd = m.CostUsd is double c ? Math.Round(c, 6) : (double?)null,
                    }).ToList(),
                    TranscriptPath = capture.TranscriptPath,
                };
                tx.Write(costPath, file, RlmJsonContext.Files.CostFile);

                var entry = new DailySessionEntry
                {
                    SessionId = sessionId,
                    CostUsd = Math.Round(report.CostUsd, 6),
                    EstimatedTokens = estimated,
                    CapturedAt = stamp,
                    Exact = capture.Exact,
                };
                DailyBook.Put(tx, Workspace, day, entry);

                // A re-import on another day moves the entry: the day of the first capture loses it.
                if (RlmTime.Parse(previous?.CapturedAt) is DateTimeOffset before)
                {
                    DateTime oldDay = TimeZoneInfo.ConvertTime(before, _tracker.Clock.LocalZone).Date;
                    if (oldDay != day) { DailyBook.Remove(tx, Workspace, oldDay, sessionId); }
                }
                tx.Commit();
                problems.AddRange(tx.SetAside);
            }

            var record = new SessionCostRecord
            {
                SessionId = sessionId,
                CapturedAt = at,
                Date = day,
                CostUsd = report.CostUsd,
                InputTokens = input,
                OutputTokens = output,
                CacheReadTokens = cacheRead,
                CacheWriteTokens = cacheWrite,
                TotalTokens = estimated,
                ApiDurationSeconds = report.ApiDurationSeconds,
                WallDurationSeconds = report.WallDurationSeconds,
                LinesAdded = report.LinesAdded,
                LinesRemoved = report.LinesRemoved,
                Models = report.Models.Count == 0 ? null : string.Join(", ", report.Models.Select(m => m.Model)),
                Source = capture.Source,
                Precision = capture.Exact ? UsagePrecision.Exact : UsagePrecision.Estimated,
                File = costPath,
                Workspace = Workspace.Root,
            };
            return new Outcome<SessionCostRecord>(record, problems);
        }
    }

    /// <summary>Edits of daily-yyyy-MM-dd.json inside a transaction: one entry per session, totals recomputed from the entries.</summary>
    internal static class DailyBook
    {
        /// <summary>Marks an entry folded from a session's running estimate (Stop-TokenSession); a /cost or transcript capture replaces it.</summary>
        public const string EstimateSource = "session_estimate";

        /// <summary>Replaces the session's entry (or adds it) and recomputes the totals.</summary>
        public static void Put(FolderTransaction tx, Workspace workspace, DateTime day, DailySessionEntry entry, bool keepCaptured = false)
        {
            string path = workspace.DailyFile(day);
            DailyFile daily = tx.Read(path, RlmJsonContext.Files.DailyFile)
                ?? new DailyFile { Date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            if (keepCaptured && daily.Sessions.Any(s => s.SessionId == entry.SessionId && !IsEstimate(s)))
            {
                return;
            }
            daily.Sessions.RemoveAll(s => s.SessionId == entry.SessionId);
            daily.Sessions.Add(entry);
            Recompute(daily);
            tx.Write(path, daily, RlmJsonContext.Files.DailyFile);
        }

        public static void Remove(FolderTransaction tx, Workspace workspace, DateTime day, string sessionId)
        {
            string path = workspace.DailyFile(day);
            DailyFile? daily = tx.Read(path, RlmJsonContext.Files.DailyFile);
            if (daily is null || daily.Sessions.RemoveAll(s => s.SessionId == sessionId) == 0) { return; }
            Recompute(daily);
            tx.Write(path, daily, RlmJsonContext.Files.DailyFile);
        }

        public static bool IsEstimate(DailySessionEntry entry) =>
            entry.Extra is { } extra && extra.TryGetValue("source", out JsonElement s)
            && s.ValueKind == JsonValueKind.String && s.GetString() == EstimateSource;

        public static JsonElement Text(string value) =>
            JsonSerializer.SerializeToElement(value, RlmJsonContext.Files.String);

        private static void Recompute(DailyFile daily)
        {
            daily.Totals.TotalCostUsd = Math.Round(daily.Sessions.Sum(s => s.CostUsd), 6);
            daily.Totals.EstimatedTokens = daily.Sessions.Sum(s => s.EstimatedTokens);
            daily.Totals.SessionsCount = daily.Sessions.Count;
        }
    }
}
