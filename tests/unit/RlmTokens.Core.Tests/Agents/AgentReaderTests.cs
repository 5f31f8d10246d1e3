using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RlmTokens.Agents;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Agents
{
    /// <summary>
    /// The readers of Codex CLI, Gemini CLI and OpenCode over Fixtures/agents/home, a home folder shaped as
    /// the agents leave it: every total below is computed by hand from the fixture files.
    /// </summary>
    public sealed class AgentReaderTests
    {
        private static string Home => Path.Combine(AppContext.BaseDirectory, "Fixtures", "agents", "home");

        private static AgentReadResult ReadFixture(params AgentKind[] agents)
        {
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(Home);
            return AgentUsage.Read(locations, agents);
        }

        private static (long Input, long Output, long CacheCreate, long CacheRead) Sums(IEnumerable<UsageEntry> entries) =>
            (entries.Sum(e => e.InputTokens), entries.Sum(e => e.OutputTokens), entries.Sum(e => e.CacheCreationTokens), entries.Sum(e => e.CacheReadTokens));

        [Fact]
        public void Codex_RolloutsWithRepeatsArchivedCopyAndResume_ShouldCountEachDeltaOnce()
        {
            AgentReadResult r = ReadFixture(AgentKind.Codex);

            // Session A: totals 1200/0/300 (repeated once), then 3000/1000/500, then 4000/1500/900 under gpt-5,
            // resumed next day to 5000/2000/1000; session B has only last_token_usage 100/0/50 and no model.
            // Input is input minus its cached part; output includes reasoning.
            var rows = r.Entries.Select(e => (e.Model, e.InputTokens, e.CacheReadTokens, e.OutputTokens, e.SessionId)).ToList();
            Assert.Equal(new[]
            {
                ("gpt-5-codex", 1200L, 0L, 300L, (string?)"0199aaaa-0000-7000-8000-000000000001"),
                ("gpt-5-codex", 800L, 1000L, 200L, (string?)"0199aaaa-0000-7000-8000-000000000001"),
                ("gpt-5", 500L, 500L, 400L, (string?)"0199aaaa-0000-7000-8000-000000000001"),
                ("gpt-5-codex", 500L, 500L, 100L, (string?)"0199aaaa-0000-7000-8000-000000000001"),
                ("gpt-5", 100L, 0L, 50L, (string?)"0199bbbb-0000-7000-8000-000000000002"),
            }, rows);
            // 6000 is session A's last total_tokens (5000 + 1000), 150 session B's.
            Assert.Equal(6150, r.Entries.Sum(e => e.TotalTokens));
            Assert.All(r.Entries, e => Assert.Equal(AgentKind.Codex, e.Agent));
            Assert.Equal("acme-api", r.Entries[0].Project);
            Assert.Equal("/home/dev/work/acme-api", r.Entries[0].Cwd);
            Assert.Equal("main", r.Entries[0].GitBranch);
            Assert.Equal(new DateTime(2026, 11, 20, 9, 1, 0, DateTimeKind.Utc), r.Entries[0].Timestamp);
            // Repeats: one in the archived copy, four in the live copy (its lines 6, 7, 9 and 11).
            Assert.Equal(5, r.Duplicates);
            Assert.Equal(1, r.MalformedRecords);
            Assert.EndsWith(":12", r.FirstMalformedLocation);
            Assert.Equal(1, r.TornTails);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void Gemini_SessionWithCopyNullTokensAndMissingFields_ShouldCountEachMessageOnce()
        {
            AgentReadResult r = ReadFixture(AgentKind.Gemini);

            // g1: 10000 prompt of which 4000 cached, 500 candidates + 300 thoughts; g2: 2000 prompt + 50 tool
            // prompt, 100 candidates; g3 has no tokens; g4 only input and output. The copy counts nothing.
            var rows = r.Entries.Select(e => (e.MessageId, e.Model, e.InputTokens, e.CacheReadTokens, e.OutputTokens)).ToList();
            Assert.Equal(new[]
            {
                ((string?)"g1", "gemini-2.5-pro", 6000L, 4000L, 800L),
                ((string?)"g2", "gemini-2.5-flash", 2050L, 0L, 100L),
                ((string?)"g4", "gemini-2.5-flash", 300L, 0L, 20L),
            }, rows);
            Assert.Equal(new[] { 10800L, 2150L, 320L }, r.Entries.Select(e => e.TotalTokens));
            Assert.All(r.Entries, e => Assert.Equal("5e2d7c1a-3b4f-4e6a-9c8d-0f1e2d3c4b5a", e.SessionId));
            Assert.All(r.Entries, e => Assert.Equal(AgentKind.Gemini, e.Agent));
            Assert.Equal(3, r.Duplicates);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void OpenCode_Messages_ShouldCountAssistantMessagesWithTheirSessionsDirectory()
        {
            AgentReadResult r = ReadFixture(AgentKind.OpenCode);

            var rows = r.Entries.Select(e => (e.Model, e.InputTokens, e.OutputTokens, e.CacheCreationTokens, e.CacheCreation5mTokens, e.CacheReadTokens)).ToList();
            Assert.Equal(new[]
            {
                ("claude-sonnet-4-5", 50L, 400L, 3000L, 3000L, 12000L),
                ("gpt-5", 700L, 160L, 0L, 0L, 300L),   // output 100 + reasoning 60
            }, rows);
            Assert.All(r.Entries, e => Assert.Equal("/home/dev/work/web-dashboard", e.Cwd));
            Assert.All(r.Entries, e => Assert.Equal("web-dashboard", e.Project));
            Assert.Equal(new DateTime(2026, 11, 20, 11, 2, 30, DateTimeKind.Utc), r.Entries[0].Timestamp);
            Assert.Empty(r.Problems);
        }

        [Fact]
        public void Report_ByCliOverAllAgents_ShouldPriceEachAgentsModelsAtListPrices()
        {
            AgentReadResult r = ReadFixture(AgentKind.Codex, AgentKind.Gemini, AgentKind.OpenCode);
            TranscriptReportResult report = TranscriptReport.Build(r.Entries, new TranscriptUsageQuery { GroupBy = UsageGrouping.Cli, TimeZone = TimeZoneInfo.Utc }, PriceTable.BuiltIn);

            Assert.Equal(new[] { "Codex", "Gemini", "OpenCode" }, report.Rows.Select(x => x.GroupKey));
            // Codex (gpt-5 and gpt-5-codex: $1.25 in, $0.125 cached, $10 out per million):
            // 0.0045 + 0.003125 + 0.0046875 + 0.0016875 + 0.000625.
            TranscriptUsageRow codex = report.Rows[0];
            Assert.Equal((3100L, 1050L, 0L, 2000L), (codex.InputTokens, codex.OutputTokens, codex.CacheCreationTokens, codex.CacheReadTokens));
            Assert.Equal(0.014625m, codex.CostUsd!.Value, 9);
            Assert.Equal(2, codex.Sessions);
            // Gemini: 2.5 Pro 6000 x 1.25 + 4000 x 0.125 + 800 x 10 = 0.016; 2.5 Flash (0.30 / 0.03 / 2.50)
            // 2050 x 0.3 + 100 x 2.5 = 0.000865 and 300 x 0.3 + 20 x 2.5 = 0.00014.
            TranscriptUsageRow gemini = report.Rows[1];
            Assert.Equal((8350L, 920L, 4000L), (gemini.InputTokens, gemini.OutputTokens, gemini.CacheReadTokens));
            Assert.Equal(0.017005m, gemini.CostUsd!.Value, 9);
            // OpenCode: Sonnet 4.5 50 x 3 + 400 x 15 + 3000 x 3.75 + 12000 x 0.3 = 0.021; gpt-5 700 x 1.25 + 160 x 10 + 300 x 0.125 = 0.0025125.
            TranscriptUsageRow opencode = report.Rows[2];
            Assert.Equal(0.0235125m, opencode.CostUsd!.Value, 9);
            Assert.All(report.Rows, row => Assert.True(row.CostKnown));
            Assert.Equal("OpenCode", opencode.Agents);
            Assert.Empty(report.UnknownModels);
        }

        [Fact]
        public void Codex_RolloutOfAnOlderRelease_ShouldBeReportedAsUnknownFormatNotRead()
        {
            using TempDir dir = new TempDir();
            string old = dir.Write(Path.Combine("sessions", "rollout-2025-05-01-abc.jsonl"),
                "{\"id\":\"abc\",\"timestamp\":\"2025-05-01T10:00:00Z\",\"instructions\":null}\n{\"type\":\"message\",\"role\":\"user\",\"content\":[]}\n");
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(dir.Root);

            AgentReadResult r = AgentUsage.Read(locations, new[] { AgentKind.Codex });

            Assert.Empty(r.Entries);
            UnknownAgentFormatException e = Assert.IsType<UnknownAgentFormatException>(Assert.Single(r.Problems));
            Assert.Equal("UnknownAgentFormat", e.ErrorId);
            Assert.Equal(old, e.Target);
            Assert.Equal(AgentKind.Codex, e.Agent);
        }

        [Fact]
        public void Codex_CounterThatRestartsAndHugeNumbers_ShouldCountLastUsageAndSkipImpossibleValues()
        {
            using TempDir dir = new TempDir();
            string line(string t, string total, string last) =>
                "{\"timestamp\":\"" + t + "\",\"type\":\"event_msg\",\"payload\":{\"type\":\"token_count\",\"info\":{\"total_token_usage\":" + total + ",\"last_token_usage\":" + last + "}}}\n";
            string u(string i, string c, string o) => "{\"input_tokens\":" + i + ",\"cached_input_tokens\":" + c + ",\"output_tokens\":" + o + ",\"reasoning_output_tokens\":0}";
            dir.Write(Path.Combine("sessions", "rollout-2026-01-01T00-00-00-s.jsonl"),
                "{\"timestamp\":\"2026-01-01T00:00:00Z\",\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5\"}}\n"
                + line("2026-01-01T00:01:00Z", u("1000", "0", "10"), u("1000", "0", "10"))
                + line("2026-01-01T00:02:00Z", u("300", "100", "5"), u("300", "100", "5"))              // restarted: last counts
                + line("2026-01-01T00:03:00Z", u("1e30", "0", "5"), "null")                             // not a long: malformed
                + line("2026-01-01T00:04:00Z", u("\"400\"", "100", "7.0"), "null")                      // "400" and 7.0 are counts: delta 100/0/2
                + line("2026-01-01T00:05:00Z", u("400.5", "0", "7"), "null"));                          // fractional: malformed
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(dir.Root);

            AgentReadResult r = AgentUsage.Read(locations, new[] { AgentKind.Codex });

            Assert.Equal(new[] { (1000L, 0L, 10L), (200L, 100L, 5L), (100L, 0L, 2L) }, r.Entries.Select(e => (e.InputTokens, e.CacheReadTokens, e.OutputTokens)));
            Assert.Equal(2, r.MalformedRecords);
        }

        [Fact]
        public void Gemini_TruncatedAndForeignFiles_ShouldBeReportedWithTheirIds()
        {
            using TempDir dir = new TempDir();
            string chats = Path.Combine("tmp", "p1", "chats");
            string torn = dir.Write(Path.Combine(chats, "session-a.json"), "{\"sessionId\":\"a\",\"messages\":[{\"id\":\"g1\",\"type\":\"gemini\",\"tokens\":{\"input\":1");
            string array = dir.Write(Path.Combine(chats, "session-b.json"), "[1,2,3]");
            string jsonl = dir.Write(Path.Combine(chats, "session-c.jsonl"), "{}\n");
            dir.Write(Path.Combine(chats, "session-d.json"), "{\"sessionId\":\"d\",\"messages\":[{\"id\":\"g1\",\"type\":\"gemini\",\"model\":\"gemini-2.5-pro\",\"timestamp\":\"2026-01-01T00:00:00Z\",\"tokens\":{\"input\":9223372036854775807,\"output\":1,\"tool\":1}}]}");
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(dir.Root);

            AgentReadResult r = AgentUsage.Read(locations, new[] { AgentKind.Gemini });

            Assert.Empty(r.Entries);
            Assert.Equal(new[] { ("CorruptDataFile", (object?)torn), ("UnknownAgentFormat", (object?)array), ("UnknownAgentFormat", (object?)jsonl) },
                r.Problems.Select(p => (p.ErrorId, p.Target)));
            Assert.Equal(1, r.MalformedRecords); // input + tool past long.MaxValue
        }

        [Fact]
        public void OpenCode_DatabaseOnlyAndForeignMessage_ShouldBeReportedNotEmpty()
        {
            using TempDir dir = new TempDir();
            string db = dir.Write(Path.Combine("a", "opencode.db"), "SQLite format 3\0");
            string foreign = dir.Write(Path.Combine("b", "storage", "message", "ses_1", "msg_1.json"), "{\"id\":\"msg_1\",\"tokens\":{\"input\":5}}");
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(Path.Combine(dir.Root, "a"));
            locations.Roots.Add(Path.Combine(dir.Root, "b"));

            AgentReadResult r = AgentUsage.Read(locations, new[] { AgentKind.OpenCode });

            Assert.Empty(r.Entries);
            Assert.Equal(new[] { (object?)db, foreign }, r.Problems.Select(p => p.Target));
            Assert.All(r.Problems, p => Assert.Equal("UnknownAgentFormat", p.ErrorId));
        }

        [Fact]
        public void Locations_WithoutRoots_ShouldFollowTheEnvironmentPassedIn()
        {
            using TempDir dir = new TempDir();
            Directory.CreateDirectory(Path.Combine(dir.Root, "codexhome", "sessions"));
            Directory.CreateDirectory(Path.Combine(dir.Root, "home", ".codex", "sessions"));
            Directory.CreateDirectory(Path.Combine(dir.Root, "home", ".gemini", "tmp"));
            Directory.CreateDirectory(Path.Combine(dir.Root, "xdg", "opencode", "storage"));
            Directory.CreateDirectory(Path.Combine(dir.Root, "home", ".local", "share", "opencode", "storage"));

            AgentLocations env = new AgentLocations
            {
                Home = Path.Combine(dir.Root, "home"),
                CodexHome = Path.Combine(dir.Root, "codexhome"),
                XdgDataHome = Path.Combine(dir.Root, "xdg"),
            };
            Assert.Equal(new[] { Path.Combine(dir.Root, "codexhome", "sessions") }, env.FoldersOf(AgentKind.Codex));
            Assert.Equal(new[] { Path.Combine(dir.Root, "home", ".gemini", "tmp") }, env.FoldersOf(AgentKind.Gemini));
            Assert.Equal(new[] { Path.Combine(dir.Root, "xdg", "opencode") }, env.FoldersOf(AgentKind.OpenCode));

            AgentLocations home = new AgentLocations { Home = Path.Combine(dir.Root, "home") };
            Assert.Equal(new[] { Path.Combine(dir.Root, "home", ".codex", "sessions") }, home.FoldersOf(AgentKind.Codex));
            Assert.Equal(new[] { Path.Combine(dir.Root, "home", ".local", "share", "opencode") }, home.FoldersOf(AgentKind.OpenCode));
            Assert.Empty(new AgentLocations().FoldersOf(AgentKind.Codex));
        }

        [Fact]
        public void Locations_OfAHomeRoot_ShouldGiveEachAgentItsFolderAndClaudeNoneOfTheOthers()
        {
            AgentLocations locations = new AgentLocations();
            locations.Roots.Add(Home);

            Assert.Equal(new[] { Path.Combine(Home, ".claude", "projects") }, locations.FoldersOf(AgentKind.Claude));
            Assert.Equal(new[] { Path.Combine(Home, ".codex", "sessions"), Path.Combine(Home, ".codex", "archived_sessions") }, locations.FoldersOf(AgentKind.Codex));

            // A Codex home named directly is no Claude projects folder; a plain projects folder stays one.
            AgentLocations codexOnly = new AgentLocations();
            codexOnly.Roots.Add(Path.Combine(Home, ".codex"));
            Assert.Empty(codexOnly.FoldersOf(AgentKind.Claude));
            AgentLocations projects = new AgentLocations();
            projects.Roots.Add(Path.Combine(Home, ".claude", "projects"));
            Assert.Equal(new[] { Path.Combine(Home, ".claude", "projects") }, projects.FoldersOf(AgentKind.Claude));
            Assert.Empty(projects.FoldersOf(AgentKind.Codex));
        }
    }
}
