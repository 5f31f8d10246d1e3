using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RlmTokens.Capture;
using RlmTokens.Errors;

namespace RlmTokens.Usage
{
    /// <summary>
    /// RLM's token log (RLM/progress/token-usage.log): the records of token-tracker.sh and of
    /// Add-TokenUsage (manual logs of other tools' exact counts). Records of one session are summed into
    /// one figure (so an exact figure of the same session elsewhere can replace it); records without a
    /// session id are counted each on its own.
    /// </summary>
    public sealed class TokenLogUsageSource : IUsageSource
    {
        public string Name => "TokenLog";

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            Outcome<IReadOnlyList<TokenUsageLogRecord>> read;
            var log = new TokenUsageLog(query.Tracker);
            try { read = log.Read(); }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                return Array.Empty<UsageFigure>();
            }
            foreach (RlmTokensException p in read.Problems) { problems.Add(p); }
            var figures = new List<UsageFigure>();
            int index = 0;
            foreach (IGrouping<string, (TokenUsageLogRecord Record, int Index, DateTime Day)> g in read.Value
                .Select(r => (Record: r, Index: index++, Day: r.Timestamp is { } t ? query.DayOf(t) : DateTime.MinValue))
                .Where(x => x.Day != DateTime.MinValue && query.Covers(x.Day))
                .GroupBy(x => string.IsNullOrEmpty(x.Record.SessionId) ? "log#" + x.Index.ToString(CultureInfo.InvariantCulture) : x.Record.SessionId!, StringComparer.Ordinal))
            {
                figures.Add(new UsageFigure
                {
                    Key = g.Key,
                    SessionId = g.First().Record.SessionId,
                    Date = g.Min(x => x.Day),
                    Tokens = g.Sum(x => x.Record.TotalTokens),
                    // A record without a cost (token-tracker.sh's "cost": ,) is priced from its tokens, as an estimate.
                    CostUsd = Pricing.Usd.Sum(g.Select(x => x.Record.CostUsd ?? log.EstimateCost(x.Record)), 6, g.Key),
                    TokensPrecision = UsageCombiner.Precision(g.Select(x => x.Record.Precision)),
                    CostPrecision = UsageCombiner.Precision(g.Select(x => x.Record.CostUsd is null ? UsagePrecision.Estimated : x.Record.Precision)),
                    Source = Name,
                });
            }
            return figures;
        }
    }
}
