using System;
using System.IO;
using System.Linq;
using RlmTokens.Completion;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Completion
{
    public sealed class CompletionNamesTests
    {
        [Theory]
        [InlineData(GroupingReport.Log, "week", false)]
        [InlineData(GroupingReport.Log, "TASK", true)]
        [InlineData(GroupingReport.Transcript, "tool", false)]
        [InlineData(GroupingReport.Transcript, "Block", true)]
        [InlineData(GroupingReport.TranscriptBreakdown, "Block", false)]
        [InlineData(GroupingReport.Ledger, "Machine", true)]
        [InlineData(GroupingReport.Ledger, "Cli", false)]
        [InlineData(GroupingReport.Transcript, "3", false)]
        [InlineData(GroupingReport.Transcript, "", false)]
        [InlineData(GroupingReport.Transcript, null, false)]
        public void UsageGroupings_TryParse_ShouldAcceptOnlyNamesTheReportTakes(GroupingReport report, string? name, bool accepted)
        {
            Assert.Equal(accepted, UsageGroupings.TryParse(name, report, out _));
        }

        [Fact]
        public void UsageGroupings_Log_ShouldBeExactlyTheGroupingsTheLogMaps()
        {
            var mapped = ((UsageGrouping[])Enum.GetValues(typeof(UsageGrouping))).Where(g => UsageGroupings.TryLogGrouping(g, out _));

            Assert.Equal(mapped, UsageGroupings.Accepted(GroupingReport.Log));
            Assert.Equal(new[] { "Day", "Model", "Agent", "Branch", "Task", "Tool" }.OrderBy(n => n), UsageGroupings.Accepted(GroupingReport.Log).Select(g => g.ToString()).OrderBy(n => n));
        }

        [Fact]
        public void FromLog_WithATornTail_ShouldKeepTheWholeRecordsNames()
        {
            using var dir = new TempDir();
            dir.Write("RLM/progress/token-usage.log",
                "{\n  \"task\": \"TASK-7\",\n  \"agent\": \"coder\",\n  \"model\": \"claude-opus-4\",\n  \"tokens\": { \"input\": 1, \"output\": 2, \"total\": 3 }\n}\n{\n  \"task\": \"TASK-8\", \"model\": ");

            LogNames names = WorkspaceNames.FromLog(new Workspace(dir.Root));

            Assert.Equal(new[] { "TASK-7" }, names.Tasks);
            Assert.Equal(new[] { "coder" }, names.Agents);
            Assert.Equal(new[] { "claude-opus-4" }, names.Models);
        }

        [Fact]
        public void Projects_ShouldListTheFoldersOfEachRoot_AndSkipARootThatIsMissing()
        {
            using var dir = new TempDir();
            Directory.CreateDirectory(Path.Combine(dir.Root, "a", "-home-x-api"));
            Directory.CreateDirectory(Path.Combine(dir.Root, "b", "-home-x-web"));
            dir.Write("a/-home-x-api/1111.jsonl", "{}\n");

            Assert.Equal(new[] { "-home-x-api", "-home-x-web" },
                WorkspaceNames.Projects(new[] { Path.Combine(dir.Root, "a"), Path.Combine(dir.Root, "b"), Path.Combine(dir.Root, "missing") }).OrderBy(n => n, StringComparer.Ordinal));
            Assert.Equal(new[] { "1111" }, WorkspaceNames.TranscriptSessions(new[] { Path.Combine(dir.Root, "a") }));
        }
    }
}
