using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Sessions;
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
    /// daily-&lt;local date&gt;.json, with the session's record, as one change under the token-usage
    /// folder's lock. Idempotent: a second import of the same session replaces its entry (in whichever
    /// daily file the first one went to) and the day's totals are recomputed from the entries. Each
    /// session is booked once, at its best precision: a /cost capture never replaces an exact transcript
    /// figure (it is kept beside it in the cost file), and a capture made without a session id belongs
    /// to the session whose time span holds it.
    /// </summary>
    internal sealed class SessionCostImporter
    {
        public const string CostCommandSource = "claude_code_cost_command";
        public const string TranscriptSource = "claude_code_transcript";

        /// <summary>RLM's conversion of cost to tokens when nothing better is known: $0.000009 per token.</summary>
        public const decimal UsdPerEstimatedToken = 0.000009m;

        private readonly TokenTracker _tracker;

        public SessionCostImporter(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>
        /// The session a capture belongs to, read without the lock (for -WhatIf and messages; the import
        /// resolves it again under the lock): <paramref name="explicitId"/>; else <paramref name="hookSessionId"/>
        /// (a hook's Claude Code id: the session it names); else the session whose time span holds
        /// <paramref name="at"/> (an open one started before it, or a closed one that ran over it); else a
        /// new SESSION-yyyy-MM-dd-HHmmss stamped with <paramref name="at"/> in the local zone. Checked to be
        /// a safe file name.
        /// </summary>
        public string ResolveSessionId(string? explicitId, string? hookSessionId, DateTimeOffset at)
        {
            string? id = explicitId;
            if (string.IsNullOrEmpty(id)) { id = hookSessionId; }
            if (string.IsNullOrEmpty(id)) { id = SessionRecords.Containing(_tracker, at)?.RlmSessionId; }
            if (string.IsNullOrEmpty(id)) { id = NewSessionId(at, _tracker.Clock.LocalZone); }
            return Workspace.CheckSessionId(id!);
        }

        /// <summary>RLM's session id form, SESSION-yyyy-MM-dd-HHmmss, in the given zone.</summary>
        public static string NewSessionId(DateTimeOffset at, TimeZoneInfo zone) =>
            "SESSION-" + TimeZoneInfo.ConvertTime(at, zone).ToString("yyyy-MM-dd-HHmmss", CultureInfo.InvariantCulture);

        /// <summary>
        /// Imports a capture for <paramref name="sessionId"/> (an RLM id, a session's key or a Claude Code
        /// id: a known session is booked under its RLM id; an unknown Claude Code id opens a record of
        /// its own, so the session's later events and end are booked with it, once).
        /// </summary>
        public Outcome<SessionCostRecord> Import(string sessionId, CostCapture capture, DateTimeOffset? capturedAt, CancellationToken cancellation)
        {
            Workspace.CheckSessionId(sessionId);
            DateTimeOffset at = capturedAt ?? _tracker.Clock.UtcNow;
            return _tracker.Change(tx =>
            {
                var book = new SessionBook(_tracker, tx);
                book.AdoptView();
                SessionStateFile? session = book.Resolve(new SessionRef { SessionId = sessionId }, at, create: SessionBook.LooksLikeClaudeId(sessionId));
                string rlmId = session?.RlmSessionId ?? SessionBook.CheckRlmId(sessionId);
                if (session is not null)
                {
                    if (capture.Exact) { session.Exact = ExactUsage.From(capture, at, since: null); }
                    book.Touch(session, at);
                }
                SessionCostRecord record = WriteCost(tx, rlmId, session?.ClaudeSessionId, capture, at);
                book.Flush();
                return new Outcome<SessionCostRecord>(record, new List<RlmTokensException>(), book.Warnings);
            }, cancellation);
        }

        /// <summary>
        /// Writes the cost file and the daily entry of one capture inside a change. A /cost capture for a
        /// session whose cost file holds an exact transcript figure is kept beside it (cost_command) and
        /// leaves the exact figure in place, in the cost file and in the daily entry.
        /// </summary>
        internal SessionCostRecord WriteCost(FolderTransaction tx, string sessionId, string? claudeSessionId, CostCapture capture, DateTimeOffset at)
        {
            string stamp = RlmTime.Format(at);
            DateTime day = TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone).Date;
            CostReport report = capture.Report;
            long input, output, cacheRead, cacheWrite, total, estimated;
            try
            {
                checked
                {
                    input = report.Models.Sum(m => m.InputTokens);
                    output = report.Models.Sum(m => m.OutputTokens);
                    cacheRead = report.Models.Sum(m => m.CacheReadTokens);
                    cacheWrite = report.Models.Sum(m => m.CacheWriteTokens);
                    total = input + output + cacheRead + cacheWrite;
                    estimated = report.Models.Count > 0 ? total : (long)Math.Round(report.CostUsd / UsdPerEstimatedToken, MidpointRounding.AwayFromZero);
                }
            }
            catch (OverflowException)
            {
                throw Numbers.OutOfRange(Workspace.CostFile(sessionId), "cost");
            }
            string costPath = Workspace.CostFile(sessionId);
            CostFile? previous = tx.Read(costPath, RlmJsonContext.Files.CostFile);
            SessionFile? open = tx.Read(Workspace.CurrentSessionFile, RlmJsonContext.Files.SessionFile);
            bool keepExact = !capture.Exact && previous?.Precision == "exact";

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
                    CostUsd = m.CostUsd is decimal c ? Math.Round(c, 6) : (decimal?)null,
                }).ToList(),
                TranscriptPath = capture.TranscriptPath,
            };
            if (!string.IsNullOrEmpty(claudeSessionId)) { (file.Extra ??= new Dictionary<string, JsonElement>())["claude_session_id"] = DailyBook.Text(claudeSessionId!); }
            if (keepExact)
            {
                // The exact figure stays the session's; the /cost capture is kept beside it, not lost.
                previous!.Extra ??= new Dictionary<string, JsonElement>();
                previous.Extra["cost_command"] = JsonSerializer.SerializeToElement(file, RlmJsonContext.Files.CostFile);
                tx.Write(costPath, previous, RlmJsonContext.Files.CostFile);
            }
            else
            {
                tx.Write(costPath, file, RlmJsonContext.Files.CostFile);
                var entry = new DailySessionEntry
                {
                    SessionId = sessionId,
                    CostUsd = Math.Round(report.CostUsd, 6),
                    EstimatedTokens = estimated,
                    CapturedAt = stamp,
                    Exact = capture.Exact,
                    Extra = new Dictionary<string, JsonElement> { ["source"] = DailyBook.Text(capture.Source) },
                };
                if (!string.IsNullOrEmpty(claudeSessionId)) { entry.Extra["claude_session_id"] = DailyBook.Text(claudeSessionId!); }
                DailyBook.Put(tx, Workspace, day, entry);

                // A re-import on another day moves the entry: the day of the first capture loses it.
                if (RlmTime.Parse(previous?.CapturedAt) is DateTimeOffset before)
                {
                    DateTime oldDay = TimeZoneInfo.ConvertTime(before, _tracker.Clock.LocalZone).Date;
                    if (oldDay != day) { DailyBook.Remove(tx, Workspace, oldDay, sessionId); }
                }
            }

            return new SessionCostRecord
            {
                SessionId = sessionId,
                CapturedAt = at,
                Date = UsageDate.FromDateTime(day),
                CostUsd = report.CostUsd,
                InputTokens = input,
                OutputTokens = output,
                CacheReadTokens = cacheRead,
                CacheCreationTokens = cacheWrite,
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
        }
    }

    /// <summary>
    /// Edits of daily-yyyy-MM-dd.json inside a transaction: one entry per session, totals recomputed
    /// from the entries. An entry replaces the session's earlier one only when it is at least as
    /// precise: exact transcript figure, then /cost capture, then running estimate.
    /// </summary>
    internal static class DailyBook
    {
        /// <summary>Marks an entry folded from a session's running estimate (Stop-TokenSession); a /cost or transcript capture replaces it.</summary>
        public const string EstimateSource = "session_estimate";

        /// <summary>Replaces the session's entry (or adds it) unless the entry there is more precise, and recomputes the totals.</summary>
        public static void Put(FolderTransaction tx, Workspace workspace, DateTime day, DailySessionEntry entry)
        {
            string path = workspace.DailyFile(day);
            DailyFile daily = tx.Read(path, RlmJsonContext.Files.DailyFile)
                ?? new DailyFile { Date = day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) };
            if (daily.Sessions.Any(s => s.SessionId == entry.SessionId && Rank(s) > Rank(entry))) { return; }
            daily.Sessions.RemoveAll(s => s.SessionId == entry.SessionId);
            daily.Sessions.Add(entry);
            Recompute(daily, path);
            tx.Write(path, daily, RlmJsonContext.Files.DailyFile);
        }

        public static void Remove(FolderTransaction tx, Workspace workspace, DateTime day, string sessionId)
        {
            string path = workspace.DailyFile(day);
            DailyFile? daily = tx.Read(path, RlmJsonContext.Files.DailyFile);
            if (daily is null || daily.Sessions.RemoveAll(s => s.SessionId == sessionId) == 0) { return; }
            Recompute(daily, path);
            tx.Write(path, daily, RlmJsonContext.Files.DailyFile);
        }

        /// <summary>The daily entry of a session's exact transcript figure.</summary>
        public static DailySessionEntry ExactEntry(string sessionId, ExactUsageFile exact, string stamp) =>
            new DailySessionEntry
            {
                SessionId = sessionId,
                CostUsd = Math.Round(exact.CostUsd, 6),
                EstimatedTokens = exact.Total,
                CapturedAt = stamp,
                Exact = true,
                Extra = new Dictionary<string, JsonElement> { ["source"] = Text(SessionCostImporter.TranscriptSource) },
            };

        public static bool IsEstimate(DailySessionEntry entry) => SourceOf(entry) == EstimateSource;

        /// <summary>3 exact, 2 a /cost capture (or an entry of RLM's own, which are captures), 1 a running estimate.</summary>
        public static int Rank(DailySessionEntry entry) => entry.Exact ? 3 : IsEstimate(entry) ? 1 : 2;

        private static string? SourceOf(DailySessionEntry entry) =>
            entry.Extra is { } extra && extra.TryGetValue("source", out JsonElement s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;

        public static JsonElement Text(string value) =>
            JsonSerializer.SerializeToElement(value, RlmJsonContext.Files.String);

        private static void Recompute(DailyFile daily, string path)
        {
            try
            {
                checked
                {
                    decimal cost = 0;
                    long tokens = 0;
                    foreach (DailySessionEntry s in daily.Sessions)
                    {
                        if (s.EstimatedTokens < 0 || s.CostUsd < 0) { throw new OverflowException(); }
                        cost += s.CostUsd;
                        tokens += s.EstimatedTokens;
                    }
                    daily.Totals.TotalCostUsd = Math.Round(cost, 6);
                    daily.Totals.EstimatedTokens = tokens;
                    daily.Totals.SessionsCount = daily.Sessions.Count;
                }
            }
            catch (OverflowException)
            {
                throw Numbers.OutOfRange(path, "daily totals");
            }
        }
    }
}
