using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>
    /// The folder lock: documented timeout, LockTimeout when it cannot be taken, cancellation while
    /// waiting, readers never blocking writers, and clean-up of temp files left by killed writers.
    /// (Cross-process versions of these run in RlmTokens.Cmdlets.Tests/Reliability.)
    /// </summary>
    public sealed class LockBehaviourTests
    {
        private static readonly EstimateRequest ToolCall = new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash" };

        // A second FileShare.None open of the lock file: a distinct open file description, so flock
        // (Unix) and the sharing check (Windows) refuse it exactly as for another process.
        private static FileStream HoldLock(string folder) =>
            new FileStream(Path.Combine(folder, FolderLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);

        [Fact]
        public void DefaultLockTimeout_ShouldBeThirtySeconds()
        {
            Assert.Equal(TimeSpan.FromSeconds(30), TokenTracker.DefaultLockTimeout);
            Assert.Equal("RLMTOKENS_LOCK_TIMEOUT_MS", LockSettings.TimeoutVariable);
        }

        [Theory]
        [InlineData(null, 30000)]
        [InlineData("", 30000)]
        [InlineData("250", 250)]
        [InlineData(" 300 ", 300)]
        [InlineData("0", 0)]
        [InlineData("600000", 600000)]
        [InlineData("600001", 30000)]
        [InlineData("-5", 30000)]
        [InlineData("1.5", 30000)]
        [InlineData("abc", 30000)]
        [InlineData("99999999999999999999", 30000)]
        public void LockSettings_FromVariable_ShouldParseWholeMillisecondsElseDefault(string? value, int expectedMs)
        {
            Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), LockSettings.FromVariable(value));
        }

        [Fact]
        public void AddEstimate_WithLockHeldByAnotherHolder_ShouldThrowLockTimeoutAndChangeNothing()
        {
            using var s = new Scratch();
            s.Tracker().AddEstimate(ToolCall);
            var before = s.Snapshot();
            using (HoldLock(s.Workspace.TokenUsageFolder))
            {
                LockTimeoutException e = Assert.Throws<LockTimeoutException>(() => s.Tracker(TimeSpan.FromMilliseconds(150)).AddEstimate(ToolCall));
                Assert.Equal("LockTimeout", e.ErrorId);
                Assert.Equal(Path.Combine(s.Workspace.TokenUsageFolder, FolderLock.FileName), e.Target);
                Assert.NotNull(e.RecommendedAction);
            }
            Assert.Equal(before, s.Snapshot());
        }

        [Fact]
        public void AddEstimate_WithZeroTimeoutAndFreeLock_ShouldSucceed()
        {
            using var s = new Scratch();
            s.Tracker(TimeSpan.Zero).AddEstimate(ToolCall);
            Assert.Equal(1, s.Tracker().GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void Acquire_CancelledWhileWaiting_ShouldThrowOperationCanceledAndNotHoldTheLock()
        {
            using var s = new Scratch();
            string folder = s.Workspace.TokenUsageFolder;
            using (HoldLock(folder))
            {
                using var cts = new CancellationTokenSource();
                cts.CancelAfter(100);
                Assert.ThrowsAny<OperationCanceledException>(() => s.Tracker(TimeSpan.FromMinutes(5)).AddEstimate(ToolCall, cts.Token));
            }
            using (HoldLock(folder)) { }
            Assert.Null(s.Tracker().GetSessionSummary());
        }

        [Fact]
        public void Acquire_AfterHolderReleased_ShouldSucceed()
        {
            using var s = new Scratch();
            HoldLock(s.Workspace.TokenUsageFolder).Dispose();
            s.Tracker(TimeSpan.Zero).AddEstimate(ToolCall);
            Assert.True(File.Exists(Path.Combine(s.Workspace.TokenUsageFolder, FolderLock.FileName)), "the lock file is never deleted");
        }

        [Fact]
        public void Writer_WhileReaderHoldsDataFileOpen_ShouldReplaceItAndReaderKeepsOldContent()
        {
            using var s = new Scratch();
            TokenTracker tracker = s.Tracker();
            tracker.AddEstimate(ToolCall);
            string file = s.Workspace.EstimatesFile;
            // Opened the way every RlmTokens reader opens a data file.
            using (var reader = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete))
            {
                tracker.AddEstimate(ToolCall);
                tracker.AddEstimate(ToolCall);
                using var doc = JsonDocument.Parse(reader);
                Assert.Equal(1, doc.RootElement.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            }
            Assert.Equal(3, tracker.GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void BeginUpdate_WithStaleTempFromKilledWriter_ShouldDeleteOnlyOldTempsOfItsOwnShape()
        {
            using var s = new Scratch();
            string old1 = s.Write(".token-estimates.json.0123456789ab.tmp", "{\"half\":");
            string old2 = s.Write(".daily-2026-11-23.json.ffffffffffff.tmp", "");
            string young = s.Write(".token-estimates.json.aaaaaaaaaaaa.tmp", "{}");
            string notOurs1 = s.Write(".notes.tmp", "keep");
            string notOurs2 = s.Write("report.0123456789ab.tmp", "keep");
            string notOurs3 = s.Write(".token-estimates.json.0123456789AB.tmp", "keep");
            DateTime longAgo = DateTime.UtcNow.AddHours(-1);
            foreach (string p in new[] { old1, old2, notOurs1, notOurs2, notOurs3 }) { File.SetLastWriteTimeUtc(p, longAgo); }

            var store = new JsonFileStore(Scratch.Clock, TimeSpan.FromSeconds(5));
            using (store.BeginUpdate(s.Workspace.TokenUsageFolder, CancellationToken.None)) { }

            Assert.False(File.Exists(old1));
            Assert.False(File.Exists(old2));
            Assert.True(File.Exists(young));
            Assert.True(File.Exists(notOurs1));
            Assert.True(File.Exists(notOurs2));
            Assert.True(File.Exists(notOurs3));
        }

        [Fact]
        public void BeginUpdate_WithZeroStaleAge_ShouldDeleteEveryTempOfItsShape()
        {
            using var s = new Scratch();
            string young = s.Write(".token-estimates.json.aaaaaaaaaaaa.tmp", "{}");
            var store = new JsonFileStore(Scratch.Clock, TimeSpan.FromSeconds(5)) { StaleTempAge = TimeSpan.Zero };
            using (store.BeginUpdate(s.Workspace.TokenUsageFolder, CancellationToken.None)) { }
            Assert.False(File.Exists(young));
        }

        [Theory]
        [InlineData(".token-estimates.json.0123456789ab.tmp", true)]
        [InlineData(".x.abcdefabcdef.tmp", true)]
        [InlineData(".token-estimates.json.0123456789a.tmp", false)]
        [InlineData("token-estimates.json.0123456789ab.tmp", false)]
        [InlineData(".token-estimates.json.0123456789ab.tmp.bak", false)]
        [InlineData(".rlmtokens.lock", false)]
        [InlineData(".0123456789ab.tmp", false)]
        [InlineData("", false)]
        public void IsTempName_ShouldMatchOnlyWriterTempNames(string name, bool expected)
        {
            Assert.Equal(expected, JsonFileStore.IsTempName(name));
        }

        [Fact]
        public void TempNameFor_ShouldBeHiddenFromReaderPatterns()
        {
            string temp = Path.GetFileName(JsonFileStore.TempNameFor(Path.Combine("f", "daily-2026-11-23.json")));
            Assert.True(JsonFileStore.IsTempName(temp));
            Assert.StartsWith(".", temp);
            Assert.EndsWith(".tmp", temp);
            Assert.False(temp.EndsWith(".json", StringComparison.Ordinal));
        }

        [Fact]
        public void Writes_AfterManyUpdates_ShouldLeaveNoTempFiles()
        {
            using var s = new Scratch();
            TokenTracker tracker = s.Tracker();
            for (int i = 0; i < 20; i++) { tracker.AddEstimate(ToolCall); }
            Assert.Empty(Directory.EnumerateFiles(s.Workspace.TokenUsageFolder, "*.tmp", SearchOption.AllDirectories));
            // The estimates open a session of their own: its record, and the view RLM's scripts read.
            Assert.Equal(new[] { ".rlmtokens.lock", "current-session.json", "token-estimates.json" },
                Directory.EnumerateFiles(s.Workspace.TokenUsageFolder).Select(Path.GetFileName).OrderBy(n => n, StringComparer.Ordinal).ToArray());
            Assert.Single(Directory.EnumerateFiles(s.Workspace.SessionsFolder));
            Assert.False(File.Exists(Path.Combine(s.Workspace.TokenUsageFolder, ".rlmtokens.journal")));
        }
    }
}
