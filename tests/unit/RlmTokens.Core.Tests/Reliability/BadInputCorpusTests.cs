using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// Every case of <see cref="BadInputCorpus"/> against the readers and the writer: the expected
    /// outcome (tolerated, empty, or CorruptDataFile), no other exception type, and the file either
    /// byte-identical (readers) or set aside intact (writers).
    /// </summary>
    [Trait("Suite", "BadInput")]
    public sealed class BadInputCorpusTests
    {
        private static readonly EstimateRequest ToolCall = new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash" };

        private static readonly Dictionary<string, BadFile> Estimates = Index("estimates", BadInputCorpus.ValidEstimates);
        private static readonly Dictionary<string, BadFile> Daily = Index("daily", BadInputCorpus.ValidDaily);
        private static readonly Dictionary<string, BadFile> Session = Index("session", BadInputCorpus.ValidSession);

        private static Dictionary<string, BadFile> Index(string file, string valid) =>
            BadInputCorpus.WrongTypes(valid, file)
                .Concat(BadInputCorpus.Damaged(valid).Select(c => c with { Name = file + ": " + c.Name }))
                .ToDictionary(c => c.Name);

        public static IEnumerable<object[]> EstimateCases => Estimates.Keys.Select(k => new object[] { k });

        public static IEnumerable<object[]> DailyCases => Daily.Keys.Select(k => new object[] { k });

        public static IEnumerable<object[]> SessionCases => Session.Keys.Select(k => new object[] { k });

        [Theory]
        [MemberData(nameof(EstimateCases))]
        public void Readers_WithBadEstimatesFile_ShouldTolerateOrReportCorruptAndChangeNothing(string name)
        {
            BadFile c = Estimates[name];
            using var s = new Scratch();
            string path = s.WriteBytes("token-estimates.json", c.Bytes);
            var before = s.Snapshot();
            TokenTracker tracker = s.Tracker();

            Exception? e = Record.Exception(() =>
            {
                tracker.GetSessionSummary();
                tracker.GetOperations().ToList();
            });

            AssertReaderOutcome(c, path, e);
            Assert.Equal(before, s.Snapshot());
        }

        [Theory]
        [MemberData(nameof(EstimateCases))]
        public void AddEstimate_WithBadEstimatesFile_ShouldKeepItsDataOrSetItAsideIntact(string name)
        {
            BadFile c = Estimates[name];
            using var s = new Scratch();
            string path = s.WriteBytes("token-estimates.json", c.Bytes);

            Outcome<TokenEstimateRecord> outcome = s.Tracker().AddEstimate(ToolCall);

            AssertWriterOutcome(c, path, outcome);
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            if (c.Expect == Expect.Tolerated && doc.RootElement.TryGetProperty("rlm_extra", out JsonElement _) is false && c.Name.Contains("rlm_extra", StringComparison.Ordinal))
            {
                Assert.Fail("an unknown property was dropped");
            }
            if (c.Expect != Expect.Tolerated)
            {
                Assert.Equal(1, doc.RootElement.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            }
        }

        [Theory]
        [MemberData(nameof(DailyCases))]
        public void GetHistory_WithBadDailyFile_ShouldReportCorruptAsProblemAndChangeNothing(string name)
        {
            BadFile c = Daily[name];
            using var s = new Scratch();
            string path = s.WriteBytes("daily-2026-11-20.json", c.Bytes);
            s.Write("daily-2026-11-21.json", BadInputCorpus.ValidDaily.Replace("2026-11-20", "2026-11-21", StringComparison.Ordinal));
            var before = s.Snapshot();

            Outcome<IReadOnlyList<TokenUsageDay>> history = s.Tracker().GetHistory(new DateTime(2026, 11, 1), new DateTime(2026, 11, 30));

            Assert.Contains(history.Value, d => d.Date == new DateTime(2026, 11, 21));
            switch (c.Expect)
            {
                case Expect.Corrupt:
                    var e = Assert.IsType<CorruptDataFileException>(Assert.Single(history.Problems));
                    Assert.Equal("CorruptDataFile", e.ErrorId);
                    Assert.Equal(path, e.Target);
                    Assert.Null(e.SetAsidePath);
                    Assert.Single(history.Value);
                    break;
                case Expect.Empty:
                    Assert.Empty(history.Problems);
                    Assert.Single(history.Value);
                    break;
                default:
                    Assert.Empty(history.Problems);
                    Assert.Equal(2, history.Value.Count);
                    break;
            }
            Assert.Equal(before, s.Snapshot());
        }

        [Theory]
        [MemberData(nameof(SessionCases))]
        public void Readers_WithBadSessionFile_ShouldTolerateOrReportCorruptAndChangeNothing(string name)
        {
            BadFile c = Session[name];
            using var s = new Scratch();
            string path = s.WriteBytes("current-session.json", c.Bytes);
            var before = s.Snapshot();

            Exception? e = Record.Exception(() => s.Tracker().GetSessionSummary());

            AssertReaderOutcome(c, path, e);
            Assert.Equal(before, s.Snapshot());
        }

        [Theory]
        [MemberData(nameof(SessionCases))]
        public void AddEstimate_WithBadSessionFile_ShouldLeaveItOrSetItAsideIntact(string name)
        {
            BadFile c = Session[name];
            using var s = new Scratch();
            string path = s.WriteBytes("current-session.json", c.Bytes);

            Outcome<TokenEstimateRecord> outcome = s.Tracker().AddEstimate(ToolCall);

            if (c.Expect == Expect.Corrupt)
            {
                // Set aside intact and reported; the session goes on (issue 11): the view is written anew.
                var e = Assert.IsType<CorruptDataFileException>(Assert.Single(outcome.Problems));
                Assert.Equal(path, e.Target);
                Assert.Equal(c.Bytes, File.ReadAllBytes(e.SetAsidePath!));
                Assert.Contains(outcome.Warnings, w => w.Contains(e.SetAsidePath!, StringComparison.Ordinal));
                if (File.Exists(path)) { Assert.NotEqual(c.Bytes, File.ReadAllBytes(path)); }
            }
            else
            {
                Assert.Empty(outcome.Problems);
                // The session file became a session of its own: every property it had is still there.
                using JsonDocument after = ParseLenient(File.ReadAllBytes(path));
                using JsonDocument before = JsonFileStore.IsBlank(c.Bytes, c.Bytes.Length) ? JsonDocument.Parse("{}") : ParseLenient(c.Bytes);
                if (before.RootElement.ValueKind == JsonValueKind.Object)
                {
                    foreach (JsonProperty p in before.RootElement.EnumerateObject())
                    {
                        Assert.True(after.RootElement.TryGetProperty(p.Name, out _), p.Name + " was lost");
                    }
                }
            }
            Assert.Equal(1, s.Tracker().GetSessionSummary()!.ToolCalls);
        }

        private static JsonDocument ParseLenient(byte[] bytes)
        {
            int bom = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return JsonDocument.Parse(bytes.AsMemory(bom), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip, MaxDepth = 2000 });
        }

        [Fact]
        public void Corpus_ShouldHaveTheStatedSize()
        {
            const int Damaged = 6 + 6 + 25;
            // Reported in README "Reliability": fields x wrong values, plus damaged files, per file kind.
            Assert.Equal(21 * 14 + Damaged, Estimates.Count);
            Assert.Equal(10 * 14 + Damaged, Daily.Count);
            Assert.Equal(8 * 14 + Damaged, Session.Count);
        }

        private static void AssertReaderOutcome(BadFile c, string path, Exception? e)
        {
            if (c.Expect == Expect.Corrupt)
            {
                var corrupt = Assert.IsType<CorruptDataFileException>(e);
                Assert.Equal("CorruptDataFile", corrupt.ErrorId);
                Assert.Equal(path, corrupt.Target);
                Assert.Null(corrupt.SetAsidePath);
            }
            else
            {
                Assert.Null(e);
            }
        }

        private static void AssertWriterOutcome(BadFile c, string path, Outcome<TokenEstimateRecord> outcome)
        {
            string folder = Path.GetDirectoryName(path)!;
            if (c.Expect == Expect.Corrupt)
            {
                var e = Assert.IsType<CorruptDataFileException>(Assert.Single(outcome.Problems));
                Assert.Equal("CorruptDataFile", e.ErrorId);
                Assert.Equal(path, e.Target);
                Assert.NotNull(e.SetAsidePath);
                Assert.Equal(folder, Path.GetDirectoryName(e.SetAsidePath));
                Assert.Equal(c.Bytes, File.ReadAllBytes(e.SetAsidePath!));
            }
            else
            {
                Assert.Empty(outcome.Problems);
                Assert.Empty(Directory.EnumerateFiles(folder, "*.corrupt-*"));
            }
            Assert.Empty(Directory.EnumerateFiles(folder, "*.tmp"));
        }
    }
}
