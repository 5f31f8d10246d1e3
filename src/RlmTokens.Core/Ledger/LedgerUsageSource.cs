using System;
using System.Collections.Generic;
using System.Globalization;
using RlmTokens.Errors;
using RlmTokens.Usage;

namespace RlmTokens.Ledger
{
    /// <summary>
    /// A ledger as the usage source of budgets (Test-TokenBudget -Ledger): the team's figures per UTC day
    /// over the query's days, each session counted at its best source. Replaces the workspace's own
    /// sources, so a CI gate sees what everyone synced.
    /// </summary>
    public sealed class LedgerUsageSource : IUsageSource
    {
        private readonly LedgerStore _store;
        private readonly LedgerFilter _filter;

        public LedgerUsageSource(LedgerStore store, LedgerFilter? filter = null)
        {
            _store = store ?? throw new ArgumentNullException(nameof(store));
            _filter = filter ?? new LedgerFilter();
        }

        public string Name => "Ledger";

        public IEnumerable<UsageFigure> Read(UsageQuery query, ICollection<RlmTokensException> problems)
        {
            TimeZoneInfo zone = query.Tracker.Clock.LocalZone;
            var filter = new LedgerFilter
            {
                From = Start(query.From, zone),
                To = Start(query.To.AddDays(1), zone),
                Users = _filter.Users,
                Machines = _filter.Machines,
                Branches = _filter.Branches,
                Agents = _filter.Agents,
                Models = _filter.Models,
            };
            IReadOnlyList<LedgerUsageGroup> days;
            try { days = _store.Report(filter, UsageGrouping.Day, query.Cancellation); }
            catch (RlmTokensException e)
            {
                problems.Add(e);
                yield break;
            }
            foreach (LedgerUsageGroup day in days)
            {
                // A UTC day at the edge of a local range belongs to the range: its rows were selected by instant.
                DateTime date = day.Date!.Value.ToDateTime();
                if (date < query.From) { date = query.From; }
                if (date > query.To) { date = query.To; }
                yield return new UsageFigure
                {
                    Key = "ledger:" + day.GroupKey,
                    Date = date,
                    Tokens = day.TotalTokens,
                    CostUsd = day.CostUsd,
                    TokensPrecision = day.Precision,
                    CostPrecision = day.Precision,
                    Source = Name,
                };
            }
        }

        private static DateTimeOffset Start(DateTime localDay, TimeZoneInfo zone)
        {
            DateTime d = DateTime.SpecifyKind(localDay.Date, DateTimeKind.Unspecified);
            while (zone.IsInvalidTime(d)) { d = d.AddHours(1); }
            return new DateTimeOffset(d, zone.GetUtcOffset(d)).ToUniversalTime();
        }
    }
}
