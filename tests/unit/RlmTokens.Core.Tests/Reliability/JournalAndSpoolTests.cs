using System;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Reliability
{
    /// <summary>Issue 11: all-or-nothing changes, the hook spool, the lock and files that are not what they seem.</summary>
    public sealed class JournalAndSpoolTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);

        private static DailyFile Day(string date, long tokens) =>
            new DailyFile { Date = date, Totals = new DailyTotals { EstimatedTokens = tokens } };

        [Fact]
        public void CommittedJournal_LeftByACrashedWriter_ShouldBeRolledForwardByTheNextHolderAndReadThroughBefore()
        {
            using var ws = new ScratchWorkspace();
            string a = Path.Combine(ws.TokenUsage, "daily-2026-11-22.json");
            string b = Path.Combine(ws.TokenUsage, "daily-2026-11-23.json");
            File.WriteAllText(a, "{ \"date\": \"2026-11-22\", \"totals\": { \"estimated_tokens\": 1 } }");
            var store = new JsonFileStore(new FixedClock(T0), TimeSpan.FromSeconds(5), ws.Root);

            // A writer that got as far as its commit point and died: temps written, journal in place, nothing applied.
            string tempA = JsonFileStore.TempNameFor(a, ws.TokenUsage);
            string tempB = JsonFileStore.TempNameFor(b, ws.TokenUsage);
            File.WriteAllBytes(tempA, JsonSerializer.SerializeToUtf8Bytes(Day("2026-11-22", 10), RlmJsonContext.Files.DailyFile));
            File.WriteAllBytes(tempB, JsonSerializer.SerializeToUtf8Bytes(Day("2026-11-23", 20), RlmJsonContext.Files.DailyFile));
            var journal = new JournalFile();
            journal.Ops.Add(new JournalOp { Op = JournalOp.Replace, Path = Path.GetFileName(a), Temp = Path.GetFileName(tempA) });
            journal.Ops.Add(new JournalOp { Op = JournalOp.Replace, Path = Path.GetFileName(b), Temp = Path.GetFileName(tempB) });
            Journal.Commit(ws.TokenUsage, journal);

            // A reader sees the whole change already.
            Assert.Equal(10, store.Read(a, RlmJsonContext.Files.DailyFile)!.Totals.EstimatedTokens);
            Assert.Equal(20, store.Read(b, RlmJsonContext.Files.DailyFile)!.Totals.EstimatedTokens);

            using (FolderTransaction tx = store.BeginUpdate(ws.TokenUsage, CancellationToken.None))
            {
                Assert.Equal(2, tx.RecoveredSteps);
                tx.Commit();
            }
            Assert.False(File.Exists(Journal.PathIn(ws.TokenUsage)));
            Assert.False(File.Exists(tempA) || File.Exists(tempB));
            Assert.Equal(10, store.Read(a, RlmJsonContext.Files.DailyFile)!.Totals.EstimatedTokens);
            Assert.Equal(20, store.Read(b, RlmJsonContext.Files.DailyFile)!.Totals.EstimatedTokens);
        }

        [Fact]
        public void UncommittedChange_ShouldLeaveNothingVisible()
        {
            using var ws = new ScratchWorkspace();
            string a = Path.Combine(ws.TokenUsage, "daily-2026-11-22.json");
            var store = new JsonFileStore(new FixedClock(T0), TimeSpan.FromSeconds(5), ws.Root);
            using (FolderTransaction tx = store.BeginUpdate(ws.TokenUsage, CancellationToken.None))
            {
                tx.Write(a, Day("2026-11-22", 10), RlmJsonContext.Files.DailyFile);
                tx.AppendText(Path.Combine(ws.Root, "RLM", "progress", "logs", "x.md"), "entry\n");
                Assert.Equal(10, tx.Read(a, RlmJsonContext.Files.DailyFile)!.Totals.EstimatedTokens);
                // Disposed without Commit: abandoned.
            }
            Assert.False(File.Exists(a));
            Assert.False(Directory.Exists(Path.Combine(ws.Root, "RLM", "progress", "logs")));
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "*.tmp"));
        }

        [Fact]
        public void TornAppend_ShouldBeCompletedOnceByRollForward()
        {
            using var ws = new ScratchWorkspace();
            string log = Path.Combine(ws.TokenUsage, "log.md");
            File.WriteAllText(log, "head\n");
            byte[] data = System.Text.Encoding.UTF8.GetBytes("the whole entry\n");
            var journal = new JournalFile();
            journal.Ops.Add(new JournalOp { Op = JournalOp.Append, Path = "log.md", Data = data, LengthBefore = 5 });
            Journal.Commit(ws.TokenUsage, journal);
            File.AppendAllText(log, "the who"); // the writer died half-way through its append

            Journal.RollForward(ws.TokenUsage, Journal.Load(ws.TokenUsage)!, ws.Root);
            Assert.Equal("head\nthe whole entry\n", File.ReadAllText(log));

            // A second roll-forward (a crash after the append, before the journal was removed) does nothing more.
            Journal.Commit(ws.TokenUsage, journal);
            Journal.RollForward(ws.TokenUsage, Journal.Load(ws.TokenUsage)!, ws.Root);
            Assert.Equal("head\nthe whole entry\n", File.ReadAllText(log));
        }

        [Fact]
        public void HookWrite_WhileTheLockIsHeld_ShouldSpoolAndBeFoldedInOnceByTheNextHolder()
        {
            using var ws = new ScratchWorkspace();
            var hook = new TokenTracker(new Workspace(ws.Root), new FixedClock(T0), TimeSpan.FromMilliseconds(50), new TrackerOptions { HookMode = true });
            var request = new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash", ClaudeSessionId = "c-1" };
            Outcome<TokenEstimateRecord> spooled;
            using (new FileStream(Path.Combine(ws.TokenUsage, FolderLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                spooled = hook.AddEstimate(request);
                hook.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash", ClaudeSessionId = "c-1" });
            }
            Assert.Contains(spooled.Warnings, w => w.Contains(Spool.FolderName, StringComparison.Ordinal));
            Assert.Equal(2, Directory.GetFiles(Spool.FolderIn(ws.TokenUsage), "*.json").Length);
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "token-estimates.json")));

            // The next writer (or a reader's Recover) folds both in, exactly once.
            hook.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash", ClaudeSessionId = "c-1" });
            Assert.Empty(Directory.GetFiles(Spool.FolderIn(ws.TokenUsage), "*.json"));
            Assert.Equal(3, ws.Tracker(T0).GetSessionSummary()!.ToolCalls);
            ws.Tracker(T0).Recover();
            Assert.Equal(3, ws.Tracker(T0).GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void InteractiveWrite_WhileTheLockIsHeld_ShouldWaitReportProgressAndTimeOutWithoutSpooling()
        {
            using var ws = new ScratchWorkspace();
            int reports = 0;
            var tracker = new TokenTracker(new Workspace(ws.Root), new FixedClock(T0), TimeSpan.FromMilliseconds(700), new TrackerOptions { LockWaiting = _ => reports++ });
            using (new FileStream(Path.Combine(ws.TokenUsage, FolderLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                var e = Assert.Throws<LockTimeoutException>(() => tracker.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool }));
                Assert.Equal("LockTimeout", e.ErrorId);
            }
            Assert.True(reports >= 1);
            Assert.False(Directory.Exists(Spool.FolderIn(ws.TokenUsage)));
        }

        [Fact]
        public void UnreadableSpoolEntry_ShouldBeSetAsideAndTheOthersApplied()
        {
            using var ws = new ScratchWorkspace();
            Directory.CreateDirectory(Spool.FolderIn(ws.TokenUsage));
            File.WriteAllText(Path.Combine(Spool.FolderIn(ws.TokenUsage), "20261123T0900000000000-1-deadbeef.json"), "{ \"kind\": \"estimate\", \"payload\": [ }");
            Spool.Write(ws.TokenUsage, "estimate",
                JsonSerializer.SerializeToElement(new EstimateRequest { Operation = OperationKind.Tool, ClaudeSessionId = "c-1", Timestamp = T0 }, RlmJsonContext.Files.EstimateRequest), T0);

            Outcome<TokenEstimateRecord> next = ws.Tracker(T0).AddEstimate(new EstimateRequest { Operation = OperationKind.Tool, ClaudeSessionId = "c-1" });

            Assert.Contains(next.Problems, p => p is CorruptDataFileException c && c.SetAsidePath!.Contains(".corrupt-", StringComparison.Ordinal));
            Assert.Equal(2, ws.Tracker(T0).GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void SpoolEntries_WrittenInTheSameTickByOneProcess_ShouldBePendingInTheOrderWritten()
        {
            using var ws = new ScratchWorkspace();
            var written = new System.Collections.Generic.List<string>();
            for (int i = 0; i < 200; i++)
            {
                written.Add(Spool.Write(ws.TokenUsage, "estimate", JsonSerializer.SerializeToElement(i), T0));
            }

            Assert.Equal(written, Spool.Pending(ws.TokenUsage));
        }

        [Fact]
        public void LockFileThatIsALink_ShouldBeRefusedAndItsTargetNeverCreated()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new ScratchWorkspace();
            string target = Path.Combine(Path.GetTempPath(), "rlmtokens-dangling-" + Guid.NewGuid().ToString("N"));
            File.CreateSymbolicLink(Path.Combine(ws.TokenUsage, FolderLock.FileName), target);

            var e = Assert.Throws<NotRegularFileException>(() => ws.Tracker(T0).AddEstimate(new EstimateRequest { Operation = OperationKind.Tool }));

            Assert.Equal("NotARegularFile", e.ErrorId);
            Assert.False(File.Exists(target));
        }

        [Fact]
        public async System.Threading.Tasks.Task FifoWhereADataFileShouldBe_ShouldFailAtOnceAndNeverBlock()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new ScratchWorkspace();
            string fifo = Path.Combine(ws.TokenUsage, "token-estimates.json");
            Assert.Equal(0, Mkfifo(fifo, 0x1B6));

            var reader = System.Threading.Tasks.Task.Run(() => Record.Exception(() => ws.Tracker(T0).GetSessionSummary()));
            var writer = System.Threading.Tasks.Task.Run(() => Record.Exception(() => ws.Tracker(T0).AddEstimate(new EstimateRequest { Operation = OperationKind.Tool })));

            var both = System.Threading.Tasks.Task.WhenAll(reader, writer);
            Assert.Same(both, await System.Threading.Tasks.Task.WhenAny(both, System.Threading.Tasks.Task.Delay(TimeSpan.FromSeconds(30))));
            Assert.Equal("NotARegularFile", Assert.IsType<NotRegularFileException>(await reader).ErrorId);
            Assert.Equal("NotARegularFile", Assert.IsType<NotRegularFileException>(await writer).ErrorId);
            Assert.Equal(FileKind.Fifo, NativeFiles.KindOf(fifo));
        }

        [Fact]
        public void AppendThroughALinkOutOfTheWorkspace_ShouldBeRefusedAndTheOutsideFileUntouched()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new ScratchWorkspace();
            string outside = Path.Combine(Path.GetTempPath(), "rlmtokens-outside-" + Guid.NewGuid().ToString("N") + ".md");
            File.WriteAllText(outside, "precious\n");
            try
            {
                string logs = Path.Combine(ws.Root, "RLM", "progress", "logs");
                Directory.CreateDirectory(logs);
                File.CreateSymbolicLink(Path.Combine(logs, "2026-11-23.md"), outside);

                var e = Assert.Throws<LinkOutsideWorkspaceException>(() =>
                    new Capture.CompactEventRecorder(ws.Tracker(T0)).Record(new Capture.CompactRequest { Trigger = CompactTrigger.Manual, Timestamp = T0 }, CancellationToken.None));

                Assert.Equal("LinkOutsideWorkspace", e.ErrorId);
                Assert.Equal("precious\n", File.ReadAllText(outside));
                Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "compact-events.json")));
            }
            finally
            {
                File.Delete(outside);
            }
        }

        [Fact]
        public void AppendThroughALinkInsideTheWorkspace_ShouldWriteTheTarget()
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows)) { return; }
            using var ws = new ScratchWorkspace();
            string logs = Path.Combine(ws.Root, "RLM", "progress", "logs");
            Directory.CreateDirectory(logs);
            string inside = ws.Write("notes/compactions.md", "# notes\n");
            File.CreateSymbolicLink(Path.Combine(logs, "2026-11-23.md"), inside);

            new Capture.CompactEventRecorder(ws.Tracker(T0)).Record(new Capture.CompactRequest { Trigger = CompactTrigger.Manual, Timestamp = T0 }, CancellationToken.None);

            Assert.Contains("Context compaction", File.ReadAllText(inside));
        }

        [Fact]
        public void Writer_InAFolderWithoutRlm_ShouldCreateNothingUnlessTheFolderWasNamed()
        {
            using var dir = new TempDir();
            var found = new TokenTracker(new Workspace(dir.Root, isExplicit: false), new FixedClock(T0));
            var e = Assert.Throws<NotAWorkspaceException>(() => found.AddEstimate(new EstimateRequest { Operation = OperationKind.Tool }));
            Assert.Equal("NotAWorkspace", e.ErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(dir.Root));

            new TokenTracker(new Workspace(dir.Root, isExplicit: true), new FixedClock(T0)).AddEstimate(new EstimateRequest { Operation = OperationKind.Tool });
            Assert.True(Directory.Exists(Path.Combine(dir.Root, "RLM", "progress", "token-usage")));
        }

        [Fact]
        public void FindRoot_FromASubfolder_ShouldFindTheWorkspaceAsGitFindsARepository()
        {
            using var ws = new ScratchWorkspace();
            string deep = Path.Combine(ws.Root, "src", "app", "deep");
            Directory.CreateDirectory(deep);
            Assert.Equal(ws.Root, Workspace.FindRoot(deep));
            using var none = new TempDir();
            Assert.Null(Workspace.FindRoot(none.Root));
        }

        [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
        private static extern int Mkfifo(string path, int mode);
    }
}
