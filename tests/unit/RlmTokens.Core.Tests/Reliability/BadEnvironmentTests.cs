using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// Bad surroundings rather than bad content: a 1 GB file, a folder where a file should be, a
    /// read-only file, a file where a folder should be, an unwritable folder, hostile session ids and
    /// paths. Each ends in the project's own exception (or is tolerated) and leaves the files as they were.
    /// </summary>
    [Trait("Suite", "BadInput")]
    public sealed class BadEnvironmentTests
    {
        private static readonly EstimateRequest ToolCall = new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash" };

        [Fact]
        public void Readers_WithOneGigabyteSparseFile_ShouldRefuseWithoutReadingIt()
        {
            using var s = new Scratch();
            string path = s.TokenFile("token-estimates.json");
            using (var f = new FileStream(path, FileMode.CreateNew)) { f.SetLength(1L << 30); }
            var before = s.Snapshot();

            var e = Assert.Throws<CorruptDataFileException>(() => s.Tracker().GetSessionSummary());

            Assert.Equal(path, e.Target);
            Assert.Contains("1,073,741,824", e.Message, StringComparison.Ordinal);
            Assert.Equal(before, s.Snapshot());
        }

        [Fact]
        public void AddEstimate_WithOneGigabyteSparseFile_ShouldSetItAsideIntact()
        {
            using var s = new Scratch();
            string path = s.TokenFile("token-estimates.json");
            using (var f = new FileStream(path, FileMode.CreateNew)) { f.SetLength(1L << 30); }

            Outcome<TokenEstimateRecord> outcome = s.Tracker().AddEstimate(ToolCall);

            var e = Assert.IsType<CorruptDataFileException>(Assert.Single(outcome.Problems));
            Assert.Equal(1L << 30, new FileInfo(e.SetAsidePath!).Length);
            Assert.Equal(1, s.Tracker().GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void GetHistory_WithOneGigabyteDailyFile_ShouldReportItAndGoOn()
        {
            using var s = new Scratch();
            string path = s.TokenFile("daily-2026-11-20.json");
            using (var f = new FileStream(path, FileMode.CreateNew)) { f.SetLength(1L << 30); }
            s.Write("daily-2026-11-21.json", BadInputCorpus.ValidDaily);

            Outcome<IReadOnlyList<TokenUsageDay>> h = s.Tracker().GetHistory(new DateTime(2026, 11, 1), new DateTime(2026, 11, 30));

            Assert.Equal(path, Assert.IsType<CorruptDataFileException>(Assert.Single(h.Problems)).Target);
            Assert.Single(h.Value);
        }

        [Theory]
        [InlineData("token-estimates.json")]
        [InlineData("current-session.json")]
        public void Readers_WithFolderWhereFileShouldBe_ShouldReportReadFailed(string name)
        {
            using var s = new Scratch();
            Directory.CreateDirectory(s.TokenFile(name));
            var before = s.Snapshot();

            var e = Assert.Throws<DataFileReadException>(() => s.Tracker().GetSessionSummary());

            Assert.Equal("ReadFailed", e.ErrorId);
            Assert.Equal(s.TokenFile(name), e.Target);
            Assert.Equal(before, s.Snapshot());
        }

        [Theory]
        [InlineData("token-estimates.json")]
        [InlineData("current-session.json")]
        public void AddEstimate_WithFolderWhereFileShouldBe_ShouldReportReadFailedAndLeaveIt(string name)
        {
            using var s = new Scratch();
            Directory.CreateDirectory(s.TokenFile(name));
            File.WriteAllText(Path.Combine(s.TokenFile(name), "inside.txt"), "keep");
            var before = s.Snapshot();

            var e = Assert.Throws<DataFileReadException>(() => s.Tracker().AddEstimate(ToolCall));

            Assert.Equal(s.TokenFile(name), e.Target);
            Assert.Equal(before.Where(kv => !kv.Key.EndsWith(".rlmtokens.lock", StringComparison.Ordinal)), s.Snapshot().Where(kv => !kv.Key.EndsWith(".rlmtokens.lock", StringComparison.Ordinal)));
        }

        [Fact]
        public void AddEstimate_WithReadOnlyFile_ShouldReportAccessDeniedAndLeaveItByteIdentical()
        {
            using var s = new Scratch();
            s.Tracker().AddEstimate(ToolCall);
            File.SetAttributes(s.Workspace.EstimatesFile, FileAttributes.ReadOnly);
            var before = s.Snapshot();

            var e = Assert.Throws<DataFileAccessDeniedException>(() => s.Tracker().AddEstimate(ToolCall));

            Assert.Equal("AccessDenied", e.ErrorId);
            Assert.Equal(s.Workspace.EstimatesFile, e.Target);
            Assert.Equal(before, s.Snapshot());
            Assert.Equal(1, s.Tracker().GetSessionSummary()!.ToolCalls);
        }

        [Theory]
        [InlineData("RLM")]
        [InlineData("RLM/progress")]
        [InlineData("RLM/progress/token-usage")]
        public void AddEstimate_WithFileWhereFolderShouldBe_ShouldReportWriteFailedAndLeaveIt(string relative)
        {
            using var s = new Scratch();
            Directory.Delete(Path.Combine(s.Root, "RLM"), recursive: true);
            string blocker = Path.Combine(s.Root, relative.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(blocker)!);
            File.WriteAllText(blocker, "not a folder");
            var before = s.Snapshot();

            var e = Assert.Throws<DataFileWriteException>(() => s.Tracker().AddEstimate(ToolCall));
            Assert.Equal("WriteFailed", e.ErrorId);
            Assert.Null(Record.Exception(() => s.Tracker().GetSessionSummary()));
            Assert.Equal(before, s.Snapshot());
        }

        [Fact]
        public void AddEstimate_WithMissingFolders_ShouldCreateThemInsideTheWorkspaceOnly()
        {
            using var s = new Scratch();
            Directory.Delete(Path.Combine(s.Root, "RLM"), recursive: true);
            Assert.Null(s.Tracker().GetSessionSummary());

            s.Tracker().AddEstimate(ToolCall);

            Assert.Equal(1, s.Tracker().GetSessionSummary()!.ToolCalls);
            Assert.Equal(new[] { "ws" }, Directory.EnumerateFileSystemEntries(s.Parent).Select(Path.GetFileName).ToArray());
        }

        [Fact]
        public void AddEstimate_WithUnwritableFolder_ShouldReportAccessDeniedAndChangeNothing()
        {
            if (OperatingSystem.IsWindows()) { return; }
            using var s = new Scratch();
            s.Tracker().AddEstimate(ToolCall);
            string folder = s.Workspace.TokenUsageFolder;
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            try
            {
                // root ignores the mode: then there is nothing to prove here.
                try
                {
                    File.WriteAllText(Path.Combine(folder, "probe"), "x");
                    File.Delete(Path.Combine(folder, "probe"));
                    return;
                }
                catch (UnauthorizedAccessException) { }
                var before = s.Snapshot();
                RlmTokensException e = Assert.IsAssignableFrom<RlmTokensException>(Record.Exception(() => s.Tracker().AddEstimate(ToolCall)));
                Assert.Contains(e.ErrorId, new[] { "AccessDenied", "WriteFailed" });
                Assert.Equal(before, s.Snapshot());
            }
            finally
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        [Fact]
        public void AddEstimate_WithFolderWhereLockFileShouldBe_ShouldFailAtOnceWithOwnError()
        {
            using var s = new Scratch();
            Directory.CreateDirectory(s.TokenFile(FolderLock.FileName));
            var before = s.Snapshot();

            Exception? e = Record.Exception(() => s.Tracker(TimeSpan.FromMinutes(5)).AddEstimate(ToolCall));

            RlmTokensException own = Assert.IsAssignableFrom<RlmTokensException>(e);
            Assert.NotEqual("LockTimeout", own.ErrorId);
            Assert.Equal(before, s.Snapshot());
        }

        [Fact]
        public void AddEstimate_WithKeptPropertyThatCannotBeWrittenBack_ShouldReportWriteFailedAndLeaveFileIntact()
        {
            // Found by fuzzing: an escaped lone surrogate parses (into the kept unknown properties) but
            // cannot be serialized again; the serializer's JsonException escaped from AddEstimate.
            using var s = new Scratch();
            string path = s.Write("token-estimates.json", "{ \"operations\": { \"tool_calls\": 2, \"odd\": \"\\ud800\" } }");
            var before = s.Snapshot();

            var e = Assert.Throws<DataFileWriteException>(() => s.Tracker().AddEstimate(ToolCall));

            Assert.Equal("WriteFailed", e.ErrorId);
            Assert.Equal(path, e.Target);
            Assert.Equal(before.Where(kv => !kv.Key.EndsWith(".rlmtokens.lock", StringComparison.Ordinal)), s.Snapshot().Where(kv => !kv.Key.EndsWith(".rlmtokens.lock", StringComparison.Ordinal)));
            Assert.Empty(Directory.EnumerateFiles(s.Workspace.TokenUsageFolder, "*.tmp"));
        }

        public static IEnumerable<object[]> HostileIds => new[]
        {
            "../../x", "..", ".", "../token-estimates", "a/b", "a\\b", "/etc/passwd", "C:\\Windows\\x", "\\\\server\\share\\x",
            "CON", "con.json", "NUL", "COM1", "LPT9.txt", "aux", "", " ", "x ", ".hidden", "a:b", "a*b", "a?b", "a|b", "a\"b", "a<b>",
            "a\u0000b", "a\nb", "a\tb", "\u001b[31m", "a\u202Eb", "é", "\uD83D\uDE00", new string('a', 129), new string('a', 5000),
        }.Select(id => new object[] { id });

        [Theory]
        [MemberData(nameof(HostileIds))]
        public void SessionIdPaths_WithHostileId_ShouldBeRefusedWithInvalidSessionId(string id)
        {
            var ws = new Workspace(Path.Combine(Path.GetTempPath(), "ws"));
            Assert.False(Workspace.IsSafeId(id));
            var e = Assert.Throws<InvalidArgumentException>(() => ws.CostFile(id));
            Assert.Equal("InvalidSessionId", e.ErrorId);
            Assert.Equal(id, e.Target);
            Assert.Equal("InvalidSessionId", Assert.Throws<InvalidArgumentException>(() => ws.ArchivedSessionFile(id)).ErrorId);
        }

        [Theory]
        [InlineData("SESSION-2026-11-23-091500")]
        [InlineData("0b6c1f4e-5d2a-4c7e-9a1b-3f2e8d7c6b5a")]
        [InlineData("a.b_c-d")]
        [InlineData("CONSOLE")]
        public void SessionIdPaths_WithSafeId_ShouldStayInTheTokenUsageFolder(string id)
        {
            var ws = new Workspace(Path.Combine(Path.GetTempPath(), "ws"));
            Assert.Equal(ws.TokenUsageFolder, Path.GetDirectoryName(ws.CostFile(id)));
            Assert.Equal(ws.TokenUsageFolder, Path.GetDirectoryName(ws.ArchivedSessionFile(id)));
        }

        [Fact]
        public void Writes_WithHostileIdsAndPaths_ShouldNeverTouchAnythingOutsideTokenUsage()
        {
            using var s = new Scratch();
            // Siblings of the workspace and of RLM/progress/token-usage, to see that none changes.
            File.WriteAllText(Path.Combine(s.Parent, "x"), "sibling");
            Directory.CreateDirectory(Path.Combine(s.Root, "RLM", "progress", "logs"));
            File.WriteAllText(Path.Combine(s.Root, "RLM", "progress", "x"), "progress sibling");
            string tokenUsage = Path.GetRelativePath(s.Parent, s.Workspace.TokenUsageFolder);
            string progress = Path.GetRelativePath(s.Parent, s.Workspace.ProgressFolder);
            Dictionary<string, string> Outside() => s.Snapshot().Where(kv => !kv.Key.StartsWith(tokenUsage, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value);
            var before = Outside();

            TokenTracker tracker = s.Tracker();
            foreach (object[] row in HostileIds)
            {
                string id = (string)row[0];
                Record.Exception(() => tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, SessionId = id, ToolName = id }));
                Record.Exception(() => tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Read, FilePath = id, Size = 4, SessionId = id }));
                Record.Exception(() => tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Subagent, SubagentType = id }));
                Record.Exception(() => s.Workspace.CostFile(id));
                Record.Exception(() => new SessionCostImporter(tracker).Import(id, new CostCapture { Report = CostOutputParser.Parse("Total cost: $1.00") }, null, CancellationToken.None));
                Record.Exception(() => new CompactEventRecorder(tracker).Record(new CompactRequest { Trigger = CompactTrigger.Manual, SessionId = id }, CancellationToken.None));
                Record.Exception(() => new CompactEventRecorder(tracker).Record(new CompactRequest { Trigger = CompactTrigger.Auto, HookSessionId = id, TranscriptPath = id }, CancellationToken.None));
                Record.Exception(() => { var log = new TokenUsageLog(tracker); log.Append(log.Build(new UsageEntryRequest { Tokens = 1, SessionId = id, Note = id, Task = id, Agent = id }), CancellationToken.None); });
            }

            // Writers wrote only RLM's token files: token-usage/, logs/ (compactions), token-usage.log.
            Assert.Equal(before.Where(kv => !kv.Key.StartsWith(Path.Combine(progress, "logs"), StringComparison.Ordinal) && kv.Key != Path.Combine(progress, "token-usage.log") && kv.Key != Path.Combine(progress, ".rlmtokens.lock")),
                Outside().Where(kv => !kv.Key.StartsWith(Path.Combine(progress, "logs"), StringComparison.Ordinal) && kv.Key != Path.Combine(progress, "token-usage.log") && kv.Key != Path.Combine(progress, ".rlmtokens.lock")));
            Assert.Equal(before[Path.Combine(progress, "x")], Outside()[Path.Combine(progress, "x")]);
            Assert.All(Directory.EnumerateFiles(s.Workspace.TokenUsageFolder), f =>
                Assert.Matches(@"^(token-estimates\.json|current-session\.json|\.rlmtokens\.lock|compact-events\.json|daily-\d{4}-\d{2}-\d{2}\.json|cost-[A-Za-z0-9._-]+\.json|SESSION-[0-9-]+\.json)$", Path.GetFileName(f)));
            Assert.All(Directory.EnumerateFiles(s.Workspace.SessionsFolder, "*", SearchOption.AllDirectories), f =>
                Assert.Matches(@"^[A-Za-z0-9_-][A-Za-z0-9._-]*\.json$", Path.GetFileName(f)));
        }
    }
}
