using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// DESIGN.md section 6: money is decimal, every timestamp a DateTimeOffset, unknown cost is $null.
    /// Walked over every type a cmdlet declares in [OutputType] and every type the cmdlets really emit on
    /// the samples; exports of the samples carry no float noise; a block start in a non-local -TimeZone is
    /// the right instant and its export carries the offset.
    /// </summary>
    public sealed class MoneyAndTimeTypeTests
    {
        // 0.4265512999999999, 1.9770080000000003: what double arithmetic left in exports before.
        private static readonly Regex s_floatNoise = new Regex(@"\d\.\d*(9{9,}|0{9,}[1-9])", RegexOptions.CultureInvariant);

        // Money by name: amounts in USD, costs and per-token prices. A Boolean, enum or text with such a name
        // (CostKnown, CostPrecision) says something about money and is not an amount.
        private static readonly Regex s_moneyName = new Regex(@"(Usd$|Cost|Price|PerToken$|PerMillion$)", RegexOptions.CultureInvariant);

        // Day keys: the calendar day of a daily row or a grouping (vocabulary-views makes them a day type).
        // They name a day, not an instant, so they are the only properties allowed to stay DateTime.
        private static readonly ISet<string> s_dayKeys = new HashSet<string>(StringComparer.Ordinal) { "Date", "Week", "Month" };

        // What the read-only cmdlets emit over the samples (the writers emit the same types, declared).
        private static readonly string[] s_emitting =
        {
            "Get-TokenUsage",
            "Get-TokenUsage -Detailed",
            "Get-TokenUsage -History",
            "Get-TokenUsage -Log",
            "Get-TokenUsage -Source ClaudeFlow",
            "Get-TokenUsage -Source MemoryBanker",
            "Get-TokenUsage -Source MemoryBanker -List",
            "Get-TokenUsage -Source BranchLog",
            "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -TimeZone UTC -NoCache",
            "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -GroupBy Block -TimeZone UTC -NoCache",
            "Test-TokenBudget -Period Daily -Limit 1000000 -LimitUsd 10 -Date 2026-11-20",
            "Get-TokenPrice",
            "Get-TokenOptimization",
        };

        private static TempWorkspace Samples()
        {
            var ws = new TempWorkspace(withRlm: false);
            ws.CopyFrom(Repo.Samples);
            return ws;
        }

        private static IEnumerable<Type> OutputTypes(PowerShellHost ps, TempWorkspace ws)
        {
            var types = new HashSet<Type>();
            foreach (PSObject o in ps.RunClean("Get-Command -Module RlmTokens | ForEach-Object { $_.OutputType } | ForEach-Object { $_.Type }"))
            {
                if (o.BaseObject is Type t && t.Namespace == "RlmTokens") { types.Add(t); }
            }
            foreach (string command in s_emitting)
            {
                foreach (PSObject o in ps.Run(command))
                {
                    if (o?.BaseObject is object b && b.GetType().Namespace == "RlmTokens") { types.Add(b.GetType()); }
                }
            }
            return types;
        }

        [Fact]
        public void EveryOutputType_MoneyIsDecimalAndNoTimeIsDateTime()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<Type> types = OutputTypes(ps, ws).ToList();
            // The walk found the types it is about (guards against a walk that finds nothing).
            Assert.Contains(typeof(TranscriptUsageRow), types);
            Assert.Contains(typeof(TokenBudgetStatus), types);
            Assert.Contains(typeof(ModelPrice), types);
            Assert.Contains(typeof(TokenUsageReport), types);

            var wrong = new List<string>();
            foreach (Type t in types)
            {
                foreach (PropertyInfo p in t.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Type type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                    bool amount = type != typeof(bool) && type != typeof(string) && !type.IsEnum;
                    if (amount && s_moneyName.IsMatch(p.Name) && type != typeof(decimal))
                    {
                        wrong.Add(t.Name + "." + p.Name + " is " + p.PropertyType.Name + ", not decimal");
                    }
                    if (type == typeof(DateTime) && !s_dayKeys.Contains(p.Name))
                    {
                        wrong.Add(t.Name + "." + p.Name + " is DateTime, not DateTimeOffset");
                    }
                }
            }
            Assert.Empty(wrong);
        }

        [Fact]
        public void TokenBudgetStatus_UsedLimitRemaining_ShouldBeDecimalForTokensAndUsdAlike()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            // 0.1 + 0.2 in USD: decimal keeps it 0.3 (a double would hold 0.30000000000000004).
            List<TokenBudgetStatus> statuses = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Limit 1000000 -LimitUsd 0.3 -Date 2026-11-20");

            Assert.Empty(ps.Errors);
            TokenBudgetStatus usd = Assert.Single(statuses, s => s.Unit == BudgetUnit.Usd);
            Assert.Equal(0.3m, usd.Limit);
            Assert.Equal(Math.Max(0, 0.3m - usd.Used), usd.Remaining);
            Assert.Equal(typeof(decimal), ps.RunClean("(Test-TokenBudget -Period Daily -LimitUsd 0.3 -Date 2026-11-20).Used.GetType()").Single().BaseObject);
        }

        [Fact]
        public void Exports_OfTheSamples_ShouldCarryNoFloatNoise()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            const string Transcript = "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -TimeZone UTC -NoCache";

            ps.Run(Transcript + " | Export-TokenUsage -Path days.csv");
            ps.Run(Transcript + " | Export-TokenUsage -Path days.json");
            ps.Run(Transcript + " | Export-TokenUsage -Path days.jsonl");
            ps.Run(Transcript + " | Export-TokenUsage -Path days.md");
            ps.Run(Transcript + " -GroupBy Model | Export-Csv -Path models.csv");
            ps.Run(Transcript + " | Export-Csv -Path days-ps.csv");
            ps.Run("Get-TokenUsage -History -Since 2026-11-01 -Until 2026-11-30 | Export-TokenUsage -Path history.csv");
            ps.Run("Get-TokenUsage -Source MemoryBanker | Export-TokenUsage -Path banker.json");
            ps.Run("Get-TokenUsage -Source MemoryBanker -List | Export-Csv -Path banker-list.csv");
            string[] converted =
            {
                string.Join("\n", ps.Run(Transcript + " | ConvertTo-TokenUsage -Format Markdown")),
                string.Join("\n", ps.Run(Transcript + " | ConvertTo-TokenUsage -Format Csv")),
                string.Join("\n", ps.Run(Transcript + " | ConvertTo-TokenUsage -Format Json")),
                string.Join("\n", ps.Run(Transcript + " | ConvertTo-Json")),
            };
            Assert.Empty(ps.Errors);

            foreach (string text in converted)
            {
                Assert.Contains("0.4265513", text, StringComparison.Ordinal);
                Assert.False(s_floatNoise.IsMatch(text), "float noise: " + s_floatNoise.Match(text).Value);
            }
            foreach (string file in new[] { "days.csv", "days.json", "days.jsonl", "days.md", "models.csv", "days-ps.csv", "history.csv", "banker.json", "banker-list.csv" })
            {
                string text = ws.Read(file);
                Assert.True(text.Length > 0, file + " is empty");
                Match noise = s_floatNoise.Match(text);
                Assert.False(noise.Success, file + " carries float noise: " + noise.Value);
            }
            // The manifest's 2026-09-29 cost as Python's floats sum it is 0.42655129999999997; the decimal figure is exact.
            Assert.Contains(",0.4265513,", ws.Read("days.csv"), StringComparison.Ordinal);
            Assert.Contains("\"CostUsd\":0.4265513", ws.Read("days.jsonl").Replace(" ", string.Empty), StringComparison.Ordinal);
        }

        [Fact]
        public void BlockStart_InANonLocalTimeZone_ShouldBeTheRightInstantAndExportItsOffset()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            const string Blocks = "Get-TokenUsage -Transcript -TranscriptRoot ./transcripts -GroupBy Block -NoCache -TimeZone ";
            // A zone whose offset is neither the machine's (UTC here) nor zero: Kathmandu is +05:45 all year.
            TimeZoneInfo zone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Kathmandu");

            List<TranscriptUsageRow> utc = ps.RunAs<TranscriptUsageRow>(Blocks + "UTC");
            List<TranscriptUsageRow> local = ps.RunAs<TranscriptUsageRow>(Blocks + "Asia/Kathmandu");
            ps.Run(Blocks + "Asia/Kathmandu | Export-Csv -Path blocks.csv");
            ps.Run(Blocks + "Asia/Kathmandu | Export-TokenUsage -Path blocks.jsonl");

            Assert.Empty(ps.Errors);
            Assert.NotEmpty(local);
            Assert.Equal(utc.Count, local.Count);
            for (int i = 0; i < local.Count; i++)
            {
                // The same instant as the UTC report's block, whatever zone it is shown in.
                Assert.Equal(utc[i].Start.UtcDateTime, local[i].Start.ToUniversalTime().UtcDateTime);
                Assert.Equal(utc[i].End.UtcDateTime, local[i].End.ToUniversalTime().UtcDateTime);
                Assert.Equal(zone.GetUtcOffset(local[i].Start), local[i].Start.Offset);
            }
            // PowerShell's own view of the property agrees: ToUniversalTime() of the object's Start.
            string first = ps.RunClean("(" + Blocks + "Asia/Kathmandu)[0].Start.ToUniversalTime().ToString('o')").Single().ToString()!;
            Assert.Equal(utc[0].Start.UtcDateTime, DateTimeOffset.Parse(first, CultureInfo.InvariantCulture).UtcDateTime);
            string iso = local[0].Start.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture);
            Assert.Contains(iso + "+05:45", ws.Read("blocks.jsonl"), StringComparison.Ordinal);
            Assert.Contains("+05:45", ws.Read("blocks.csv"), StringComparison.Ordinal);
        }

        [Theory]
        [InlineData("ClaudeFlow")]
        [InlineData("BranchLog")]
        public void Source_WithoutCost_ShouldShowNullNotZero(string source)
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenUsageRecord> rows = ps.RunAs<TokenUsageRecord>("Get-TokenUsage -Source " + source);
            List<TokenUsageReport> files = ps.RunAs<TokenUsageReport>("Get-TokenUsage -Source " + source + " -List");

            Assert.Empty(ps.Errors);
            Assert.NotEmpty(rows);
            Assert.All(rows, r => Assert.True(r.TotalTokens > 0));
            Assert.All(rows, r => Assert.Null(r.CostUsd));
            Assert.All(files, f => Assert.Null(f.CostUsd));
            // As PowerShell sees it: $null, so Measure-Object and -eq $null do not take it for $0.
            Assert.Equal(rows.Count, (int)ps.RunClean("@(Get-TokenUsage -Source " + source + " | Where-Object { $null -eq $_.CostUsd }).Count").Single().BaseObject);
        }

        [Fact]
        public void Source_WithCost_ShouldKeepTheFilesDigits()
        {
            using TempWorkspace ws = Samples();
            using var ps = new PowerShellHost(ws.Root);

            List<TokenUsageReport> files = ps.RunAs<TokenUsageReport>("Get-TokenUsage -Source MemoryBanker -List");

            Assert.Empty(ps.Errors);
            Assert.All(files, f => Assert.NotNull(f.CostUsd));
            Assert.Contains(files, f => f.CostUsd == 0.0531m);
        }
    }
}
