using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Usage
{
    /// <summary>
    /// Claude Code transcripts as a usage source: exact token counts per session (every usage of a
    /// response counted once), the cost priced from them (an estimate). Only entries whose working
    /// directory is the workspace (or below it) count. The transcripts are read once per source object.
    /// </summary>
    public sealed class TranscriptUsageSource : IUsageSource
    {
        private readonly TranscriptReadOptions _options;
        private readonly PriceTable _prices;
        private IReadOnlyList<UsageEntry>? _entries;

        public TranscriptUsageSource(IEnumerable<string> projectRoots, PriceTable? prices = null, string? cacheFolder = null)
        {
            _options = new TranscriptReadOptions { CacheFolder = cacheFolder };
            foreach (string r in projectRoots ?? throw new ArgumentNullException(nameof(projectRoots))) { _options.ProjectRoots.Add(r); }
            _prices = prices ?? PriceTable.BuiltIn;
        }

        public string Name => "Transcripts";

        /// <summary>The de-duplicated responses of the workspace (read on first use).</summary>
        public IReadOnlyList<UsageEntry> EntriesOf(Storage.Workspace workspace, ICollection<RlmTokensException> problems)
        {
            if (_entries is null)
            {
                TranscriptReadResult read = TranscriptReader.Read(_options);
                foreach (string unreadable in read.UnreadableFiles) { problems.Add(new DataFileReadException(unreadable, new IOException(unreadable))); }
                foreach (string special in read.NotRegularFiles)
                {
                    problems.Add(new NotRegularFileException(special, Storage.SafeFiles.Describe(Storage.NativeFiles.TargetKindOf(special))));
                }
                string root = Normalize(workspace.Root);
                _entries = read.Entries.Where(e => BelongsNormalized(e, root)).ToList();
            }
            return _entries;
        }

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            var figures = new List<UsageFigure>();
            foreach (IGrouping<string, UsageEntry> session in EntriesOf(query.Workspace, problems)
                .Where(e => query.Covers(query.DayOf(new DateTimeOffset(DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc)))))
                .GroupBy(e => e.SessionId ?? string.Empty, StringComparer.Ordinal))
            {
                DateTime first = session.Min(e => e.Timestamp);
                // Checked sums: tokens in long, cost in decimal; out of range is NumberOutOfRange, never wrapped.
                long tokens = 0;
                decimal? cost = null;
                foreach (UsageEntry e in session)
                {
                    tokens = CheckedSums.Add(tokens, e.TotalTokens, e.SourceFile ?? session.Key);
                    if (_prices.Cost(e) is decimal c) { cost = CheckedSums.AddCost(cost, c, e); }
                }
                figures.Add(new UsageFigure
                {
                    Key = session.Key.Length == 0 ? "transcript:" + first.Ticks : session.Key,
                    SessionId = session.Key.Length == 0 ? null : session.Key,
                    Date = query.DayOf(new DateTimeOffset(DateTime.SpecifyKind(first, DateTimeKind.Utc))),
                    Tokens = tokens,
                    CostUsd = Math.Round(cost ?? 0m, 6),
                    TokensPrecision = UsagePrecision.Exact,
                    CostPrecision = UsagePrecision.Estimated,
                    Source = Name,
                });
            }
            return figures;
        }

        /// <summary>True when the entry's working directory is the workspace root or below it.</summary>
        public static bool Belongs(UsageEntry entry, string root) => BelongsNormalized(entry, Normalize(root));

        // The root normalized once per read, not once per entry (a read holds every response of the roots).
        private static bool BelongsNormalized(UsageEntry entry, string root)
        {
            if (string.IsNullOrEmpty(entry.Cwd)) { return false; }
            string cwd = Normalize(entry.Cwd!);
            StringComparison cmp = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            return cwd.Length == root.Length ? string.Equals(cwd, root, cmp)
                : cwd.Length > root.Length && cwd[root.Length] == '/' && cwd.StartsWith(root, cmp);
        }

        private static string Normalize(string path) => path.Replace('\\', '/').TrimEnd('/');
    }
}
