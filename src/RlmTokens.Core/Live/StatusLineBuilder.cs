using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using RlmTokens.Budgets;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Live
{
    /// <summary>What a status line is built from: the parsed input and everything the environment supplies.</summary>
    public sealed class StatusLineRequest
    {
        /// <summary>The status document; null when there was none or it was not a JSON object.</summary>
        public StatusLineInput? Input { get; set; }

        /// <summary>The instant to describe (the clock, or -Now).</summary>
        public DateTimeOffset Now { get; set; }

        /// <summary>The zone of "today".</summary>
        public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;

        /// <summary>Projects folders whose transcripts make today's and the block's figures.</summary>
        public IList<string> ProjectRoots { get; } = new List<string>();

        /// <summary>The incremental cache folder, or null for none.</summary>
        public string? CacheFolder { get; set; }

        /// <summary>The effective prices.</summary>
        public PriceTable Prices { get; set; } = PriceTable.Create(null, null);

        /// <summary>The workspace tracker whose budgets give the budget state; null for none.</summary>
        public TokenTracker? Budgets { get; set; }

        /// <summary>Colour the line with ANSI escape sequences.</summary>
        public bool Color { get; set; }

        public CancellationToken Cancellation { get; set; }
    }

    /// <summary>The result: the status line, the coloured text to print, and notes for the verbose stream.</summary>
    public sealed class StatusLineResult
    {
        internal StatusLineResult(TokenStatusLine status, string text, IReadOnlyList<string> notes)
        {
            Status = status;
            Text = text;
            Notes = notes;
        }

        public TokenStatusLine Status { get; }

        /// <summary>The line to print (coloured when asked).</summary>
        public string Text { get; }

        /// <summary>What went wrong on the way (unreadable roots, budget problems); never fatal.</summary>
        public IReadOnlyList<string> Notes { get; }
    }

    /// <summary>
    /// Builds the status line of Show-TokenStatusLine. Reads through the incremental cache, so a call
    /// between two responses reads only what was appended. Never throws for bad data: a missing or
    /// special transcript, or any failure, gives a short fallback line.
    /// </summary>
    public static class StatusLineBuilder
    {
        /// <summary>The context window of a model without a window in the input: 1,000,000 for [1m] models, else 200,000.</summary>
        public static long DefaultContextWindow(string? modelId, string? displayName)
        {
            bool oneM = (modelId is not null && modelId.IndexOf("[1m]", StringComparison.OrdinalIgnoreCase) >= 0)
                || (displayName is not null && displayName.IndexOf("1M context", StringComparison.OrdinalIgnoreCase) >= 0);
            return oneM ? 1_000_000 : 200_000;
        }

        public static StatusLineResult Build(StatusLineRequest request)
        {
            if (request is null) { throw new ArgumentNullException(nameof(request)); }
            List<string> notes = new List<string>();
            StatusLineInput? input = request.Input;
            TokenStatusLine s = new TokenStatusLine { Time = request.Now };
            if (input is null)
            {
                return Fallback(s, Resources.Messages.StatusLineNoInput, request, notes);
            }
            s.ModelId = input.ModelId;
            s.Model = input.ModelDisplayName ?? input.ModelId;
            s.SessionId = input.SessionId;
            s.TranscriptPath = input.TranscriptPath;
            s.ClaudeCostUsd = input.TotalCostUsd;
            s.ContextWindow = input.ContextWindowSize ?? DefaultContextWindow(input.ModelId, input.ModelDisplayName);
            try
            {
                string? problem = ReadSession(s, request, notes);
                ReadRoots(s, request, notes);
                ReadBudget(s, request, notes);
                if (problem is not null) { return Fallback(s, problem, request, notes); }
            }
            catch (OperationCanceledException)
            {
                throw;
            }
            catch (Exception e)
            {
                // A status line never fails: whatever went wrong is a note and a fallback line.
                notes.Add(e.GetType().Name + ": " + e.Message);
                return Fallback(s, Resources.Messages.StatusLineUnavailable, request, notes);
            }
            s.Line = Format(s, color: false);
            return new StatusLineResult(s, request.Color ? Format(s, color: true) : s.Line, notes);
        }

        // The session's figures; returns a problem when its transcript cannot be read.
        private static string? ReadSession(TokenStatusLine s, StatusLineRequest request, List<string> notes)
        {
            string? path = s.TranscriptPath;
            if (string.IsNullOrEmpty(path)) { return Resources.Messages.StatusLineNoTranscript; }
            string full;
            try { full = System.IO.Path.GetFullPath(path); }
            catch (Exception e) when (e is ArgumentException || e is NotSupportedException || e is System.IO.PathTooLongException)
            {
                notes.Add(e.Message);
                return Resources.Messages.StatusLineNoTranscript;
            }
            FileKind kind = NativeFiles.TargetKindOf(full);
            if (kind == FileKind.Missing) { return Resources.Messages.StatusLineNoTranscript; }
            if (kind != FileKind.Regular) { return Resources.Messages.StatusLineTranscriptNotRegular; }
            s.TranscriptPath = full;
            TranscriptReadResult read = TranscriptReader.Read(new TranscriptReadOptions
            {
                Files = new List<TranscriptFile>(TranscriptDiscovery.SessionFiles(full)),
                CacheFolder = request.CacheFolder,
                Cancellation = request.Cancellation,
            });
            notes.AddRange(TranscriptUsage.Warnings(read, null));
            if (read.UnreadableFiles.Contains(full)) { return Resources.Messages.StatusLineNoTranscript; }
            long tokens = 0;
            decimal? cost = null;
            foreach (ModelUsageTotal t in TranscriptReader.SumByModel(read.Entries, request.Prices))
            {
                tokens = CheckedSums.Add(tokens, t.TotalTokens, full);
                if (t.Cost is decimal c) { cost = checked((cost ?? 0m) + c); }
            }
            s.SessionTokens = tokens;
            s.SessionCostUsd = cost is decimal v ? Pricing.Usd.Exact(v) : (read.Entries.Count == 0 ? 0m : (decimal?)null);

            // The context: the newest main-chain response of the session's own transcript.
            UsageEntry? last = null;
            foreach (UsageEntry e in read.Entries)
            {
                if (e.IsSidechain || !string.Equals(e.SourceFile, full, StringComparison.Ordinal)) { continue; }
                if (last is null || e.Timestamp >= last.Timestamp) { last = e; }
            }
            if (last is not null)
            {
                s.ContextTokens = CheckedSums.Add(CheckedSums.Add(last.InputTokens, last.CacheReadTokens, full), last.CacheCreationTokens, full);
                s.ContextPercent = s.ContextWindow > 0 ? Math.Round(100.0 * s.ContextTokens.Value / s.ContextWindow, 1) : (double?)null;
            }
            return null;
        }

        // Today's figures and the active block's, over every transcript of the roots.
        private static void ReadRoots(TokenStatusLine s, StatusLineRequest request, List<string> notes)
        {
            if (request.ProjectRoots.Count == 0) { return; }
            TranscriptReadOptions options = new TranscriptReadOptions { CacheFolder = request.CacheFolder, Cancellation = request.Cancellation };
            foreach (string r in request.ProjectRoots) { options.ProjectRoots.Add(r); }
            DateTime now = request.Now.UtcDateTime;
            // Today began less than two days ago in any zone, so the read starts there: through the cache's
            // summaries only the files of the last two days are decoded. The active block may reach further
            // back (a run of responses without a block-long gap); then the window doubles until it holds the run.
            // Without a cache every read is a full read, so there is one, of everything.
            TimeSpan window = TimeSpan.FromDays(2);
            while (true)
            {
                options.Since = request.CacheFolder is not null && now.Ticks > window.Ticks ? now - window : (DateTime?)null;
                TranscriptReadResult read = TranscriptReader.Read(options);
                if (ReadRoots(s, request, read, now, options.Since, notes)) { return; }
                window = TimeSpan.FromTicks(window.Ticks * 2);
            }
        }

        // Today's and the block's figures from a read; false when the active block may begin before the read's window.
        private static bool ReadRoots(TokenStatusLine s, StatusLineRequest request, TranscriptReadResult read, DateTime now, DateTime? since, List<string> notes)
        {
            DateTime today = TimeZoneInfo.ConvertTime(request.Now, request.TimeZone).Date;
            TranscriptUsageQuery day = new TranscriptUsageQuery { GroupBy = UsageGrouping.Day, Since = today, Until = today, TimeZone = request.TimeZone };
            TranscriptReportResult days = TranscriptReport.Build(read.Entries, day, request.Prices);
            s.TodayTokens = 0;
            s.TodayCostUsd = 0;
            foreach (TranscriptUsageRow row in days.Rows)
            {
                s.TodayTokens = row.TotalTokens;
                s.TodayCostUsd = row.CostUsd;
            }

            // The active block: a gap of more than a block's length always opens a new block, so the
            // blocks from the last such gap on are the blocks of the full history.
            List<UsageEntry> upToNow = new List<UsageEntry>();
            foreach (UsageEntry e in read.Entries)
            {
                if (e.Timestamp <= now) { upToNow.Add(e); }
            }
            if (upToNow.Count == 0) { return Done(read, notes); }
            upToNow.Sort((a, b) => a.Timestamp.CompareTo(b.Timestamp));
            if (now - upToNow[upToNow.Count - 1].Timestamp > TranscriptReport.BlockLength) { return Done(read, notes); }
            int start = upToNow.Count - 1;
            while (start > 0 && upToNow[start].Timestamp - upToNow[start - 1].Timestamp <= TranscriptReport.BlockLength) { start--; }
            // The run reaches the window's first response: an earlier one within a block's length may exist.
            if (start == 0 && since is DateTime from && upToNow[0].Timestamp - from <= TranscriptReport.BlockLength) { return false; }
            Done(read, notes);
            TranscriptUsageQuery blocks = new TranscriptUsageQuery { GroupBy = UsageGrouping.Block, TimeZone = TimeZoneInfo.Utc };
            IReadOnlyList<TranscriptUsageRow> rows = TranscriptReport.Build(upToNow.GetRange(start, upToNow.Count - start), blocks, request.Prices).Rows;
            if (rows.Count == 0) { return true; }
            TranscriptUsageRow current = rows[rows.Count - 1];
            DateTimeOffset blockStart = current.Start;
            DateTimeOffset blockEnd = current.End;
            if (blockEnd <= request.Now) { return true; }
            s.BlockCostUsd = current.CostUsd;
            s.BlockStart = blockStart;
            s.BlockEndsAt = blockEnd;
            s.BlockTimeLeft = blockEnd - request.Now;
            return true;
        }

        private static bool Done(TranscriptReadResult read, List<string> notes)
        {
            notes.AddRange(TranscriptUsage.Warnings(read, null));
            return true;
        }

        private static void ReadBudget(TokenStatusLine s, StatusLineRequest request, List<string> notes)
        {
            TokenTracker? tracker = request.Budgets;
            if (tracker is null || !System.IO.File.Exists(tracker.Workspace.ConfigFile)) { return; }
            s.Workspace = tracker.Workspace.Root;
            Outcome<BudgetReport> outcome = new BudgetChecker(tracker).Check(
                new BudgetRequest { Date = TimeZoneInfo.ConvertTime(request.Now, tracker.Clock.LocalZone).Date }, request.Cancellation);
            foreach (Errors.RlmTokensException p in outcome.Problems) { notes.Add(p.Message); }
            BudgetState? worst = null;
            foreach (TokenBudgetStatus status in outcome.Value.Statuses)
            {
                if (worst is null || (status.State != BudgetState.Disabled && (worst == BudgetState.Disabled || status.State > worst))) { worst = status.State; }
            }
            s.BudgetState = worst;
        }

        private static StatusLineResult Fallback(TokenStatusLine s, string problem, StatusLineRequest request, List<string> notes)
        {
            s.Problem = problem;
            s.Line = (s.Model ?? "Claude") + " | " + problem;
            return new StatusLineResult(s, s.Line, notes);
        }

        /// <summary>
        /// The line: model | session tokens and cost | today's cost | the block's cost and time left |
        /// context tokens/window (percent) | budget state. Parts without a figure are left out.
        /// </summary>
        public static string Format(TokenStatusLine s, bool color)
        {
            StringBuilder b = new StringBuilder(128);
            b.Append(s.Model ?? "Claude");
            if (s.SessionTokens is long tokens)
            {
                b.Append(" | session ").Append(Compact(tokens)).Append(" tok ").Append(Money(s.SessionCostUsd));
            }
            if (s.TodayCostUsd is not null || s.TodayTokens is not null)
            {
                b.Append(" | today ").Append(Money(s.TodayCostUsd));
            }
            if (s.BlockTimeLeft is TimeSpan left)
            {
                b.Append(" | block ").Append(Money(s.BlockCostUsd)).Append(" (")
                    .Append(((int)left.TotalHours).ToString(CultureInfo.InvariantCulture)).Append('h')
                    .Append(left.Minutes.ToString("00", CultureInfo.InvariantCulture)).Append("m left)");
            }
            if (s.ContextTokens is long ctx)
            {
                string text = "ctx " + Compact(ctx) + "/" + Compact(s.ContextWindow) + " (" + (s.ContextPercent ?? 0).ToString("0", CultureInfo.InvariantCulture) + "%)";
                double pct = s.ContextPercent ?? 0;
                b.Append(" | ").Append(Paint(text, pct >= 80 ? Red : pct >= 50 ? Yellow : Green, color));
            }
            if (s.BudgetState is BudgetState state)
            {
                string code = state == BudgetState.Ok ? Green : state == BudgetState.Warning ? Yellow : state == BudgetState.Disabled ? string.Empty : Red;
                b.Append(" | budget ").Append(Paint(state.ToString(), code, color));
            }
            return b.ToString();
        }

        private const string Green = "\u001b[32m";
        private const string Yellow = "\u001b[33m";
        private const string Red = "\u001b[31m";
        private const string Reset = "\u001b[0m";

        private static string Paint(string text, string code, bool color) => color && code.Length > 0 ? code + text + Reset : text;

        private static string Money(decimal? usd) => usd is decimal v ? "$" + v.ToString("0.00", CultureInfo.InvariantCulture) : "$?";

        /// <summary>Tokens in short form: 950, 12.3k, 1.2M.</summary>
        public static string Compact(long n)
        {
            if (n < 1000) { return n.ToString(CultureInfo.InvariantCulture); }
            if (n < 1_000_000) { return (n / 1000.0).ToString(n < 100_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "k"; }
            return (n / 1_000_000.0).ToString(n < 100_000_000 ? "0.#" : "0", CultureInfo.InvariantCulture) + "M";
        }
    }
}
