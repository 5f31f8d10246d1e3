using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Capture
{
    /// <summary>
    /// A session's exact usage from its Claude Code transcript, as a <see cref="CostCapture"/> for
    /// Import-SessionCost, and the context size at a compaction for Register-CompactEvent. Reading,
    /// de-duplication on (message.id, requestId) and prices come from the shared transcript reader
    /// (<see cref="TranscriptReader"/>) and price table (<see cref="TranscriptUsage.LoadPrices"/>).
    /// </summary>
    internal static class TranscriptCost
    {
        /// <summary>
        /// Exact per-model tokens of one session: the transcript and its subagent transcripts
        /// (<see cref="TranscriptDiscovery.SessionFiles"/>: &lt;session&gt;/subagents/ and Claude Code 2.0's
        /// agent-*.jsonl beside it), each API response once, priced per model.
        /// </summary>
        /// <exception cref="DataFileNotFoundException">The transcript does not exist.</exception>
        /// <param name="path">The session's transcript.</param>
        /// <param name="tracker">The workspace (its price overrides).</param>
        /// <param name="cancellation">Ctrl+C.</param>
        /// <param name="since">Count only responses from this time on: a session resumed under a new id, whose transcript repeats the earlier one's.</param>
        /// <param name="cacheFolder">The incremental cache (unchanged files are not read again), or null for none.</param>
        public static CostCapture Read(string path, TokenTracker tracker, CancellationToken cancellation, DateTimeOffset? since = null, string? cacheFolder = null)
        {
            string full = CheckExists(path);
            TranscriptReadResult read = TranscriptReader.Read(new TranscriptReadOptions
            {
                Files = new List<TranscriptFile>(TranscriptDiscovery.SessionFiles(full)),
                Cancellation = cancellation,
                CacheFolder = cacheFolder,
            });
            IReadOnlyList<UsageEntry> entries = read.Entries;
            if (since is DateTimeOffset from)
            {
                DateTime cut = from.UtcDateTime;
                entries = entries.Where(e => e.Timestamp >= cut).ToList();
            }
            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(tracker.Workspace, null);
            var report = new CostReport();
            report.Warnings.AddRange(TranscriptUsage.Warnings(read, null));
            report.Warnings.AddRange(prices.Problems.Select(p => p.Message));
            var unpriced = new List<string>();
            // The session's cost is the sum of the models' unrounded costs, rounded once: summing costs
            // already rounded per model can miss the true figure (and Get-TokenUsage -Transcript's) by a cent's ten-thousandth.
            decimal cost = 0m;
            foreach (ModelUsageTotal total in TranscriptReader.SumByModel(entries, prices.Value))
            {
                report.Models.Add(new ModelUsage
                {
                    Model = total.Model,
                    InputTokens = total.InputTokens,
                    OutputTokens = total.OutputTokens,
                    CacheReadTokens = total.CacheReadTokens,
                    CacheWriteTokens = total.CacheCreationTokens,
                    CostUsd = total.Cost is decimal c ? Math.Round(c, 6) : (decimal?)null,
                });
                if (!total.CostKnown) { unpriced.Add(total.Model); }
                cost = CheckedCost(cost, total.Cost ?? 0m, full);
            }
            if (unpriced.Count > 0)
            {
                report.Warnings.Add(string.Format(CultureInfo.CurrentCulture, Resources.Messages.UnknownModelPrice, string.Join(", ", unpriced)));
            }
            report.CostUsd = Math.Round(cost, 6);
            return new CostCapture { Report = report, TranscriptPath = full, Exact = true };
        }

        /// <summary>
        /// The context size before a compaction: the last main-chain (not subagent) response's input
        /// plus cache read and cache write tokens; null when the transcript is missing or has none.
        /// </summary>
        /// <exception cref="NotRegularFileException">The path is a FIFO, device or socket (refused before any open, so it cannot block).</exception>
        public static long? LastContextTokens(string path)
        {
            if (!SafeFiles.CheckReadable(path)) { return null; }
            TranscriptReadResult read = TranscriptReader.ReadFile(path);
            UsageEntry? last = null;
            foreach (UsageEntry e in read.Entries)
            {
                if (e.IsSidechain) { continue; }
                if (last is null || e.Timestamp >= last.Timestamp) { last = e; }
            }
            return last is null ? (long?)null : last.InputTokens + last.CacheReadTokens + last.CacheCreationTokens;
        }

        private static string CheckExists(string path)
        {
            string full = Path.GetFullPath(path);
            if (Directory.Exists(full))
            {
                throw new DataFileReadException(full, new IOException(Resources.Messages.DirectoryInsteadOfFile));
            }
            if (!File.Exists(full) && NativeFiles.TargetKindOf(full) == FileKind.Missing) { throw new DataFileNotFoundException(full); }
            // A FIFO, device or socket is refused before the open that would block on it.
            SafeFiles.CheckReadable(full);
            return full;
        }

        private static decimal CheckedCost(decimal sum, decimal add, string path)
        {
            try { return checked(sum + add); }
            catch (OverflowException) { throw Numbers.OutOfRange(path, "costs"); }
        }
    }
}
