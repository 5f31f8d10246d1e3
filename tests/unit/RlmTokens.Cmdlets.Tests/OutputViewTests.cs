using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Every output type of every cmdlet, produced for real from a copy of samples/, as a user sees it: the default
    /// table at 80 columns keeps every header whole, each header is a property of the object (so Sort-Object and
    /// Where-Object take what the screen shows), the Wide views likewise, and lists show property names.
    /// </summary>
    public sealed class OutputViewTests
    {
        private const string Transcripts = "-Transcript -TranscriptRoot ./transcripts -NoCache -TimeZone UTC";

        /// <summary>A command and the type name its first object carries (grouping rows carry their grouping).</summary>
        public static IEnumerable<object[]> Outputs() => Fixed
            .Concat(new[] { "Week", "Month", "Session", "Project", "Model", "Agent", "Branch", "Cli" }
                .Select(g => new object[] { "Get-TokenUsage " + Transcripts + " -GroupBy " + g, "RlmTokens.TranscriptUsageRow#" + g }))
            .Concat(new[] { "Branch", "Agent", "Task", "Model", "Tool", "Day" }
                .Select(g => new object[] { "Get-TokenUsage -Log -GroupBy " + g, "RlmTokens.TokenUsageLogGroup#" + g }))
            .Concat(new[] { "Week", "Month", "User", "Machine", "Branch", "Project", "Agent", "Model", "Session" }
                .Select(g => new object[] { Ledger + "Get-TokenUsage -Ledger ./team.db -GroupBy " + g, "RlmTokens.LedgerUsageGroup#" + g }));

        private static readonly object[][] Fixed =
        {
            new object[] { "Get-TokenUsage", "RlmTokens.TokenSessionSummary" },
            new object[] { "Get-TokenUsage -Detailed", "RlmTokens.TokenEstimateRecord" },
            new object[] { "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22", "RlmTokens.TokenUsageDay" },
            new object[] { "Get-TokenUsage " + Transcripts, "RlmTokens.TranscriptUsageRow#Day" },
            new object[] { "Get-TokenUsage " + Transcripts + " -GroupBy Block -TokenLimit Max -Now 2026-09-29T12:00:00Z", "RlmTokens.TranscriptUsageRow#Block" },
            new object[] { "Get-TokenUsage " + Transcripts + " -GroupBy Project -Breakdown Model", "RlmTokens.TranscriptUsageRow#Project#Breakdown" },
            new object[] { "Get-TokenUsage -Log", "RlmTokens.TokenUsageLogRecord" },
            new object[] { "Get-TokenUsage -Source MemoryBanker", "RlmTokens.TokenUsageRecord" },
            new object[] { "Get-TokenUsage -Source MemoryBanker -List", "RlmTokens.TokenUsageReport" },
            new object[] { "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Measure-TokenUsage", "RlmTokens.TokenUsageTotal" },
            new object[] { "Get-TokenUsage " + Transcripts + " -GroupBy Model | Measure-TokenUsage", "RlmTokens.TokenUsageTotal" },
            new object[] { "Get-TokenPrice", "RlmTokens.ModelPrice" },
            new object[] { "Import-SessionCost -LiteralPath cost/per-model.txt -SessionId SESSION-2026-11-22-124012 -PassThru", "RlmTokens.SessionCostRecord" },
            new object[] { "Register-CompactEvent -Trigger Auto -PassThru", "RlmTokens.CompactEventRecord" },
            new object[] { "Start-TokenSession -SessionId SESSION-2026-11-24-080000 -StartedAt 2026-11-24T08:00:00Z -PassThru", "RlmTokens.TokenSessionRecord" },
            new object[] { "Add-TokenUsage -InputTokens 12000 -OutputTokens 3400 -Model gpt-5 -Agent codex -Task TASK-014 -PassThru", "RlmTokens.TokenUsageLogRecord" },
            new object[] { "Add-TokenEstimate -Operation Tool -ToolName Bash -PassThru", "RlmTokens.TokenEstimateRecord" },
            new object[] { "Test-TokenBudget -Date 2026-11-22", "RlmTokens.TokenBudgetStatus" },
            new object[] { "Get-TokenOptimization -MinimumSeverity Low", "RlmTokens.TokenOptimizationFinding" },
            new object[] { "Install-TokenHook -PassThru", "RlmTokens.TokenHookChange" },
            new object[] { "Watch-TokenUsage -Once -Plan Max20 -Now 2026-09-29T09:30:00Z -TranscriptRoot ./transcripts -TimeZone UTC -NoCache", "RlmTokens.TokenMonitorFrame" },
            new object[] { "'{\"session_id\":\"0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee\",\"transcript_path\":\"./transcripts/0f3c2a9e-7b1d-4c55-9e2a-5d1f00c0ffee.jsonl\",\"model\":{\"id\":\"claude-sonnet-4-6\"}}' | Show-TokenStatusLine -TranscriptRoot ./transcripts -NoCache -Now 2026-09-29T15:00:00Z -AsObject", "RlmTokens.TokenStatusLine" },
            new object[] { "Sync-TokenUsage -Ledger ./team.db -TranscriptRoot ./transcripts -User ann -Machine laptop-1 -NoCache", "RlmTokens.LedgerSyncResult" },
            new object[] { Ledger + "Get-TokenUsage -Ledger ./team.db -Detailed", "RlmTokens.LedgerUsageRow" },
            new object[] { Ledger + "Get-TokenUsage -Ledger ./team.db", "RlmTokens.LedgerUsageGroup#Day" },
        };

        private const string Ledger = "Sync-TokenUsage -Ledger ./team.db -TranscriptRoot ./transcripts -User ann -Machine laptop-1 -NoCache | Out-Null; ";

        private static readonly string[] RetiredNames = { "Key", "Name", "Input", "Output", "Total", "Tokens", "Responses", "Records", "Rows", "First", "Last", "StartTime", "EndTime", "TokensAdded", "CacheWriteTokens", "CostPerHour" };

        [Theory]
        [MemberData(nameof(Outputs))]
        public void FormatTable_OfEveryOutputType_ShouldFit80ColumnsWithPropertyNamesAsHeaders(string command, string typeName)
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            bool hasWide = HasWideView(typeName);
            var result = ps.RunClean(
                "$o = @(& ([scriptblock]::Create($args[0]))); " +
                "$o[0].PSObject.TypeNames[0]; ($o[0].PSObject.Properties.Name -join ','); " +
                "($o | Format-Table | Out-String -Width 80); if ($args[1]) { $o | Format-Table -View Wide | Out-String -Width 400 } else { '' }; " +
                "($o | Format-List | Out-String -Width 80)", command, hasWide);

            Assert.Equal(typeName, result[0].ToString());
            HashSet<string> properties = result[1].ToString().Split(',').ToHashSet(StringComparer.Ordinal);
            string table = result[2].ToString();
            AssertHeaders(table, properties, 80, typeName);
            Assert.All(Lines(table), line => Assert.True(line.TrimEnd().Length <= 80, typeName + ": a line is wider than 80 columns: " + line));
            if (hasWide)
            {
                string wide = result[3].ToString();
                AssertHeaders(wide, properties, 400, typeName + " (Wide)");
                Assert.True(HeaderCount(wide) >= HeaderCount(table), typeName + ": the Wide view shows fewer columns than the default");
            }
            foreach (string line in Lines(result[4].ToString()))
            {
                Match m = Regex.Match(line, @"^(\S+)\s*: ");
                if (m.Success) { Assert.Contains(m.Groups[1].Value, properties); }
            }
        }

        [Fact]
        public void FormatFile_EveryTableHeader_ShouldBeThePropertyItShows()
        {
            XDocument format = XDocument.Load(Path.Combine(Repo.Root, "module", "RlmTokens.format.ps1xml"));
            foreach (XElement table in format.Descendants("TableControl"))
            {
                XElement view = table.Parent!;
                string viewName = view.Element("Name")!.Value;
                var labels = table.Element("TableHeaders")!.Elements("TableColumnHeader").Select(h => h.Element("Label")?.Value).ToList();
                var items = table.Descendants("TableColumnItems").First().Elements("TableColumnItem").ToList();
                Assert.Equal(labels.Count, items.Count);
                foreach (string typeName in view.Element("ViewSelectedBy")!.Elements("TypeName").Select(t => t.Value))
                {
                    Type? type = typeof(TokenTracker).Assembly.GetType(typeName.Split('#')[0]);
                    Assert.True(type is not null, viewName + ": no type " + typeName);
                    for (int i = 0; i < items.Count; i++)
                    {
                        string? property = items[i].Element("PropertyName")?.Value;
                        string? label = labels[i];
                        Assert.True(property is null || label is null || label == property, viewName + ": header " + label + " shows " + property);
                        string shown = label ?? property!;
                        Assert.True(type!.GetProperty(shown, BindingFlags.Public | BindingFlags.Instance) is not null, viewName + ": " + typeName + " has no property " + shown);
                    }
                    if (viewName != "Wide") { Assert.True(items.Count <= 6, viewName + ": more than six columns"); }
                }
            }
        }

        [Fact]
        public void OutputTypes_OfEveryCmdlet_ShouldUseOneVocabulary()
        {
            using var ps = new PowerShellHost();
            var types = ps.RunClean("Get-Command -Module RlmTokens | ForEach-Object { $_.OutputType.Type } | Where-Object { $_ -and $_.Namespace -eq 'RlmTokens' } | Sort-Object FullName -Unique")
                .Select(o => (Type)o.BaseObject).ToList();
            Assert.True(types.Count >= 20, "output types found: " + types.Count);
            foreach (Type type in types)
            {
                foreach (PropertyInfo p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
                {
                    Assert.DoesNotContain(p.Name, RetiredNames);
                    // Token counts end in Tokens; money in Usd; a day key is a UsageDate.
                    if (p.Name.EndsWith("Tokens", StringComparison.Ordinal) && p.Name != "TokensLeft")
                    {
                        Type t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                        Assert.True(t == typeof(long), type.Name + "." + p.Name + " is " + t.Name);
                    }
                    if (p.Name.StartsWith("Cost", StringComparison.Ordinal) && p.Name != "CostKnown" && p.Name != "CostPrecision")
                    {
                        Assert.EndsWith("Usd", p.Name);
                    }
                    if (p.Name is "Date" or "Week")
                    {
                        Assert.Equal(typeof(UsageDate), Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType);
                    }
                    if (p.Name == "Month") { Assert.Equal(typeof(UsageMonth), Nullable.GetUnderlyingType(p.PropertyType)); }
                }
            }
        }

        [Theory]
        [InlineData("Day", "Date")]
        [InlineData("Week", "Week")]
        [InlineData("Month", "Month")]
        [InlineData("Session", "SessionId")]
        [InlineData("Project", "Project")]
        [InlineData("Model", "Model")]
        [InlineData("Agent", "Agent")]
        [InlineData("Branch", "Branch")]
        [InlineData("Cli", "Cli")]
        public void TranscriptRows_GroupedBy_ShouldCarryTheKeyUnderItsOwnName(string grouping, string property)
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var keys = ps.RunClean("$p = $args[0]; Get-TokenUsage " + Transcripts + " -GroupBy " + grouping + " | ForEach-Object { [string]$_.$p }", property)
                .Select(o => o.ToString()).ToList();
            Assert.NotEmpty(keys);
            Assert.All(keys, k => Assert.False(string.IsNullOrEmpty(k), grouping + " row without " + property));
            Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        }

        [Fact]
        public void SortObject_TotalTokens_ShouldOrderTranscriptRows()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var unsorted = ps.RunClean("Get-TokenUsage " + Transcripts + " -GroupBy Session | ForEach-Object TotalTokens").Select(o => (long)o.BaseObject).ToList();
            var sorted = ps.RunClean("Get-TokenUsage " + Transcripts + " -GroupBy Session | Sort-Object TotalTokens | ForEach-Object TotalTokens").Select(o => (long)o.BaseObject).ToList();

            Assert.Equal(unsorted.OrderBy(t => t), sorted);
            Assert.NotEqual(unsorted, sorted); // the samples' sessions are not already in token order
        }

        [Theory]
        [InlineData("en-US")]
        [InlineData("de-DE")]
        [InlineData("ja-JP")]
        public void History_Date_ShouldExportIsoDaysAndFilterAndSortAsDates(string culture)
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            string csv = Path.Combine(ws.Root, "usage.csv");
            ps.RunClean(
                "[System.Threading.Thread]::CurrentThread.CurrentCulture = $args[0]; " +
                "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Export-Csv -LiteralPath $args[1]", culture, csv);
            string[] lines = File.ReadAllLines(csv);
            Assert.Equal(8, lines.Length);
            Assert.StartsWith("\"Date\"", lines[0]);
            Assert.StartsWith("\"2026-11-16\"", lines[1]);
            Assert.StartsWith("\"2026-11-22\"", lines[7]);

            var recent = ps.RunClean(
                "[System.Threading.Thread]::CurrentThread.CurrentCulture = $args[0]; " +
                "Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Where-Object Date -ge '2026-11-20' | Sort-Object Date -Descending | ForEach-Object { $_.Date.ToString() }", culture)
                .Select(o => o.ToString()).ToList();
            Assert.Equal(new[] { "2026-11-22", "2026-11-21", "2026-11-20" }, recent);

            var compact = ps.RunClean("Get-TokenUsage -History -Since 2026-11-16 -Until 2026-11-22 | Where-Object Date -lt '20261118' | ForEach-Object { [string]$_.Date }").Select(o => o.ToString()).ToList();
            Assert.Equal(new[] { "2026-11-16", "2026-11-17" }, compact);
        }

        [Fact]
        public void MonthAndWeekRows_ShouldSortAsPeriodsAndShowIsoText()
        {
            using var ws = Samples();
            using var ps = new PowerShellHost(ws.Root);
            var months = ps.RunClean("Get-TokenUsage " + Transcripts + " -GroupBy Month | Where-Object Month -ge '2026-09' | Sort-Object Month | ForEach-Object { [string]$_.Month }").Select(o => o.ToString()).ToList();
            Assert.Equal(new[] { "2026-09" }, months);
            var weeks = ps.RunClean("Get-TokenUsage " + Transcripts + " -GroupBy Week | Sort-Object Week -Descending | ForEach-Object { $_.Week.DayOfWeek.ToString() + ' ' + $_.Week }").Select(o => o.ToString()).ToList();
            Assert.NotEmpty(weeks);
            Assert.All(weeks, w => Assert.Matches(@"^Monday \d{4}-\d{2}-\d{2}$", w));
            Assert.Equal(weeks.OrderByDescending(w => w, StringComparer.Ordinal), weeks);
        }

        [Theory]
        [InlineData("2026-12-01", 2026, 12, 1)]
        [InlineData("20261201", 2026, 12, 1)]
        [InlineData(" 2026-02-28 ", 2026, 2, 28)]
        public void UsageDate_Parse_ShouldReadIsoAndCompactDays(string text, int year, int month, int day)
        {
            Assert.Equal(new UsageDate(year, month, day), UsageDate.Parse(text));
        }

        [Theory]
        [InlineData("2026-02-30")]
        [InlineData("yesterday")]
        [InlineData("")]
        [InlineData("2026-13")]
        public void UsageDate_ParseOfNoDate_ShouldThrowFormatException(string text)
        {
            Assert.Throws<FormatException>(() => UsageDate.Parse(text));
        }

        [Fact]
        public void UsagePeriods_CompareAndFormat_ShouldFollowTheCalendar()
        {
            Assert.True(UsageDate.Parse("2026-12-01") > UsageDate.Parse("2026-11-30"));
            Assert.Equal(0, UsageDate.Parse("2026-12-01").CompareTo(new DateTime(2026, 12, 1)));
            Assert.Equal("2026-12-01", UsageDate.Parse("2026-12-01").ToString(null, new System.Globalization.CultureInfo("ar-SA")));
            Assert.True(UsageMonth.Parse("2026-01") > UsageMonth.Parse("2025-12"));
            Assert.Equal("0999-03", new UsageMonth(999, 3).ToString());
            Assert.Throws<ArgumentOutOfRangeException>(() => new UsageMonth(2026, 13));
        }

        private static TempWorkspace Samples() => Capture.Samples();

        private static bool HasWideView(string typeName) =>
            XDocument.Load(Path.Combine(Repo.Root, "module", "RlmTokens.format.ps1xml")).Descendants("View")
                .Any(v => v.Element("Name")!.Value == "Wide" && v.Descendants("TypeName").Any(t => t.Value == typeName || typeName.StartsWith(t.Value + "#", StringComparison.Ordinal)));

        private static IEnumerable<string> Lines(string text) => text.Replace("\r", string.Empty).Split('\n');

        private static int HeaderCount(string table)
        {
            var lines = Lines(table).ToList();
            int i = lines.FindIndex(IsUnderline);
            return i < 1 ? 0 : lines[i - 1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        }

        private static bool IsUnderline(string line) => line.Contains('-') && line.All(c => c == '-' || c == ' ');

        // Each header line (the line above a row of dashes) holds whole property names, each underlined to its length.
        private static void AssertHeaders(string table, ISet<string> properties, int width, string what)
        {
            var lines = Lines(table).ToList();
            int found = 0;
            for (int i = 1; i < lines.Count; i++)
            {
                if (!IsUnderline(lines[i])) { continue; }
                found++;
                string[] headers = lines[i - 1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                string[] dashes = lines[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(headers.Length == dashes.Length, what + ": headers and underlines differ:\n" + lines[i - 1] + "\n" + lines[i]);
                for (int h = 0; h < headers.Length; h++)
                {
                    Assert.True(properties.Contains(headers[h]), what + ": header '" + headers[h] + "' is no property of the object");
                    Assert.True(headers[h].Length == dashes[h].Length, what + ": header '" + headers[h] + "' is cut or wrapped");
                }
                Assert.True(lines[i - 1].TrimEnd().Length <= width, what + ": header line wider than " + width);
                if (i >= 2) { Assert.False(lines[i - 2].Trim().Length > 0 && lines[i - 2].Split(' ', StringSplitOptions.RemoveEmptyEntries).All(properties.Contains), what + ": the header spans two lines"); }
            }
            Assert.True(found > 0, what + ": no table header in\n" + table);
        }
    }
}
