using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Sessions;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests.Sessions
{
    /// <summary>Issue 10: sessions keyed by Claude Code's session id, several open at once, booked once each.</summary>
    public sealed class SessionBookTests
    {
        private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 11, 23, 9, 0, 0, TimeSpan.Zero);
        private const string A = "aaaaaaaa-1111-4111-8111-aaaaaaaaaaaa";
        private const string B = "bbbbbbbb-2222-4222-8222-bbbbbbbbbbbb";

        private static EstimateRequest Tool(string claude, DateTimeOffset at) =>
            new EstimateRequest { Operation = OperationKind.Tool, ToolName = "Bash", ClaudeSessionId = claude, Timestamp = at };

        private static ExactUsageFile Exact(long input, long output, decimal cost) => new ExactUsageFile
        {
            Input = input,
            Output = output,
            Total = input + output,
            CostUsd = cost,
            Models = { new CaptureModelEntry { Model = "claude-sonnet-4-6", InputTokens = input, OutputTokens = output, CostUsd = cost } },
        };

        [Fact]
        public void TwoClaudeSessions_Interleaved_ShouldKeepTheirOwnEstimatesAndBookEachOnceExactly()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, Source = "startup", StartedAt = T0 }, default);
            life.Start(new SessionStartRequest { ClaudeSessionId = B, Source = "startup", StartedAt = T0 }, default);
            TokenTracker tracker = ws.Tracker(T0);
            for (int i = 0; i < 3; i++)
            {
                tracker.AddEstimate(Tool(A, T0.AddMinutes(1 + (2 * i))));
                tracker.AddEstimate(Tool(B, T0.AddMinutes(2 + (2 * i))));
            }
            tracker.AddEstimate(Tool(B, T0.AddMinutes(9)));

            var open = tracker.GetOpenSessions();
            Assert.Equal(2, open.Count);
            Assert.Equal(3, open.Single(s => s.ClaudeSessionId == A).ToolCalls);
            Assert.Equal(4, open.Single(s => s.ClaudeSessionId == B).ToolCalls);
            // Same second, two sessions: two RLM ids, never one.
            Assert.Equal(new[] { "SESSION-2026-11-23-090000", "SESSION-2026-11-23-090000-2" }, open.Select(s => s.SessionId).OrderBy(x => x, StringComparer.Ordinal));
            // The view shows the most recently active session, as RLM's show-token-usage.ps1 reads it.
            using (JsonDocument view = ws.Json("RLM/progress/token-usage/token-estimates.json"))
            {
                Assert.Equal(4, view.RootElement.GetProperty("operations").GetProperty("tool_calls").GetInt64());
            }

            TokenSessionRecord a = life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(30), Exact = Exact(1000, 200, 0.25m) }, default).Value;
            TokenSessionRecord b = life.Stop(new SessionStopRequest { ClaudeSessionId = B, EndedAt = T0.AddMinutes(31), Exact = Exact(3000, 400, 0.75m) }, default).Value;

            Assert.Equal((UsagePrecision.Exact, 1200L), (a.Precision, a.TotalTokens));
            Assert.Equal((UsagePrecision.Exact, 3400L), (b.Precision, b.TotalTokens));
            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            JsonElement[] entries = daily.RootElement.GetProperty("sessions").EnumerateArray().ToArray();
            Assert.Equal(2, entries.Length);
            Assert.Equal(1200, entries.Single(e => e.GetProperty("claude_session_id").GetString() == A).GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(3400, entries.Single(e => e.GetProperty("claude_session_id").GetString() == B).GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(4600, daily.RootElement.GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
            Assert.Equal(1.0, daily.RootElement.GetProperty("totals").GetProperty("total_cost_usd").GetDouble(), 6);
            Assert.True(File.Exists(Path.Combine(ws.TokenUsage, "cost-" + a.SessionId + ".json")));
            Assert.True(File.Exists(Path.Combine(ws.TokenUsage, "cost-" + b.SessionId + ".json")));
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "current-session.json")));
            Assert.Empty(ws.Tracker(T0).GetOpenSessions());
        }

        [Fact]
        public void Start_OfASecondSession_ShouldNeverSupersedeTheFirst()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            ws.Tracker(T0).AddEstimate(Tool(A, T0.AddMinutes(1)));

            life.Start(new SessionStartRequest { ClaudeSessionId = B, StartedAt = T0.AddMinutes(2) }, default);

            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "SESSION-*.json"));
            Assert.Equal(1, ws.Tracker(T0).GetOpenSessions().Single(s => s.ClaudeSessionId == A).ToolCalls);
        }

        [Fact]
        public void SessionIdleLongerThanTheIdleTime_ShouldBeClosedAsAbandonedOnItsLastActiveDay()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            ws.Tracker(T0).AddEstimate(Tool(A, T0.AddHours(2)));

            DateTimeOffset days = T0.AddDays(3);
            Outcome<TokenSessionRecord> next = new SessionLifecycle(ws.Tracker(days)).Start(new SessionStartRequest { ClaudeSessionId = B, StartedAt = days }, default);

            string warning = Assert.Single(next.Warnings);
            Assert.Contains("SESSION-2026-11-23-090000", warning);
            Assert.Contains(A, warning);
            using JsonDocument archive = ws.Json("RLM/progress/token-usage/SESSION-2026-11-23-090000.json");
            Assert.Equal("abandoned", archive.RootElement.GetProperty("status").GetString());
            Assert.Equal(T0.AddHours(2), RlmTime.Parse(archive.RootElement.GetProperty("ended_at").GetString()));
            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            Assert.Equal(50, daily.RootElement.GetProperty("totals").GetProperty("estimated_tokens").GetInt64());
            Assert.False(File.Exists(Path.Combine(ws.TokenUsage, "daily-2026-11-26.json")));
            Assert.Equal(B, Assert.Single(ws.Tracker(days).GetOpenSessions()).ClaudeSessionId);
        }

        [Fact]
        public void SessionIdleMinutesZero_ShouldNeverAbandon()
        {
            using var ws = new ScratchWorkspace();
            ws.Write("RLM/config/project-config.json", "{ \"tokenTracking\": { \"sessionIdleMinutes\": 0 } }");
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            new SessionLifecycle(ws.Tracker(T0.AddDays(30))).Start(new SessionStartRequest { ClaudeSessionId = B, StartedAt = T0.AddDays(30) }, default);
            Assert.Equal(2, ws.Tracker(T0.AddDays(30)).GetOpenSessions().Count);
        }

        [Fact]
        public void CostCaptureWithoutSessionId_ShouldBelongToTheSessionWhoseSpanHoldsIt()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddHours(1) }, default);
            life.Start(new SessionStartRequest { ClaudeSessionId = B, StartedAt = T0.AddHours(2) }, default);
            var importer = new SessionCostImporter(ws.Tracker(T0));

            Assert.Equal("SESSION-2026-11-23-090000", importer.ResolveSessionId(null, null, T0.AddMinutes(30)));
            Assert.Equal("SESSION-2026-11-23-110000", importer.ResolveSessionId(null, null, T0.AddHours(3)));
        }

        [Fact]
        public void CostCapture_ForASessionBookedExactly_ShouldNotReplaceTheExactFigure()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            TokenSessionRecord closed = life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddHours(1), Exact = Exact(1000, 200, 0.25m) }, default).Value;

            new SessionCostImporter(ws.Tracker(T0)).Import(closed.SessionId!, new CostCapture { Report = CostOutputParser.Parse("Total cost: $0.90") }, T0.AddHours(1).AddMinutes(5), default);

            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            JsonElement entry = Assert.Single(daily.RootElement.GetProperty("sessions").EnumerateArray());
            Assert.True(entry.GetProperty("exact").GetBoolean());
            Assert.Equal(1200, entry.GetProperty("estimated_tokens").GetInt64());
            using JsonDocument cost = ws.Json("RLM/progress/token-usage/cost-" + closed.SessionId + ".json");
            Assert.Equal("exact", cost.RootElement.GetProperty("precision").GetString());
            Assert.Equal(0.9, cost.RootElement.GetProperty("cost_command").GetProperty("parsed").GetProperty("total_cost_usd").GetDouble(), 6);
        }

        [Fact]
        public void StopWithoutExact_ShouldBookTheLastRunningExactFigure_ElseTheEstimate()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            ws.Tracker(T0).AddEstimate(Tool(A, T0.AddMinutes(1)));
            life.Update(new SessionUpdateRequest { ClaudeSessionId = A, At = T0.AddMinutes(2), Exact = Exact(500, 50, 0.1m) }, default);
            Assert.Equal(UsagePrecision.Exact, ws.Tracker(T0).GetSessionSummary()!.Precision);
            Assert.Equal(550, ws.Tracker(T0).GetSessionSummary()!.TotalTokens);
            Assert.Equal(50, ws.Tracker(T0).GetSessionSummary()!.EstimatedTokens);

            TokenSessionRecord closed = life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(3) }, default).Value;

            Assert.Equal((UsagePrecision.Exact, 550L, 50L), (closed.Precision, closed.TotalTokens, closed.EstimatedTokens));
        }

        [Fact]
        public void TaskResultWithRealCounts_ShouldBeBookedExactly()
        {
            using var ws = new ScratchWorkspace();
            var request = new EstimateRequest
            {
                Operation = OperationKind.Subagent,
                SubagentType = "coder",
                ClaudeSessionId = A,
                Timestamp = T0,
                ExactInputTokens = 30930,
                ExactOutputTokens = 394,
                ExactTotalTokens = 31324,
            };

            TokenEstimateRecord r = ws.Tracker(T0).AddEstimate(request).Value;

            Assert.Equal((UsagePrecision.Exact, 30930L, 394L, 31324L), (r.Precision, r.InputTokens, r.OutputTokens, r.TotalTokens));
            Assert.Equal(31324, ws.Tracker(T0).GetSessionSummary()!.TotalTokens);
        }

        [Fact]
        public void TaskResultWithNegativeCounts_ShouldBeNumberOutOfRangeAndWriteNothing()
        {
            using var ws = new ScratchWorkspace();
            var request = new EstimateRequest { Operation = OperationKind.Subagent, ExactInputTokens = -5, ExactOutputTokens = 1, ExactTotalTokens = 1 };
            var e = Assert.Throws<InvalidArgumentException>(() => ws.Tracker(T0).AddEstimate(request));
            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Empty(Directory.GetFileSystemEntries(ws.TokenUsage));
        }

        [Fact]
        public void ResumedUnderANewId_ShouldCountTheTranscriptFromItsOwnStart()
        {
            using var ws = new ScratchWorkspace();
            new SessionLifecycle(ws.Tracker(T0)).Start(new SessionStartRequest { ClaudeSessionId = B, Source = "resume", StartedAt = T0.AddHours(1) }, default);
            new SessionLifecycle(ws.Tracker(T0)).Start(new SessionStartRequest { ClaudeSessionId = A, Source = "startup", StartedAt = T0 }, default);

            Assert.Equal(T0.AddHours(1), new SessionLifecycle(ws.Tracker(T0)).CountSince(B));
            Assert.Null(new SessionLifecycle(ws.Tracker(T0)).CountSince(A));
        }

        [Fact]
        public void ViewWrittenByRlmsOwnScripts_ShouldBeAdoptedAndBoundToTheFirstClaudeSession()
        {
            using var ws = new ScratchWorkspace();
            // RLM's session-start.ps1, then post-subagent.ps1, wrote these without a lock.
            ws.Write("RLM/progress/token-usage/current-session.json",
                "{ \"session_id\": \"SESSION-2026-11-23-085500\", \"started_at\": \"2026-11-23T08:55:00Z\", \"subagent_calls\": [ { \"agent\": \"coder\", \"status\": \"completed\" } ], \"metrics\": { \"total_subagent_calls\": 1 } }");
            TokenTracker tracker = ws.Tracker(T0);

            tracker.AddEstimate(Tool(A, T0));
            ws.Write("RLM/progress/token-usage/current-session.json",
                File.ReadAllText(Path.Combine(ws.TokenUsage, "current-session.json")).Replace("\"total_subagent_calls\": 1", "\"total_subagent_calls\": 2"));
            tracker.AddEstimate(Tool(A, T0.AddMinutes(1)));
            TokenSessionRecord closed = new SessionLifecycle(tracker).Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(5) }, default).Value;

            Assert.Equal("SESSION-2026-11-23-085500", closed.SessionId);
            using JsonDocument archive = ws.Json("RLM/progress/token-usage/SESSION-2026-11-23-085500.json");
            Assert.Equal(2, archive.RootElement.GetProperty("metrics").GetProperty("total_subagent_calls").GetInt64());
            Assert.Equal("completed", archive.RootElement.GetProperty("subagent_calls")[0].GetProperty("status").GetString());
            Assert.Equal(A, archive.RootElement.GetProperty("claude_session_id").GetString());
            Assert.Equal(2, archive.RootElement.GetProperty("token_estimate").GetProperty("operations").GetProperty("tool_calls").GetInt64());
        }

        [Fact]
        public void ViewThatStaysUnparsable_ShouldBeSetAsideWithAWarningAndTheSessionGoOn()
        {
            using var ws = new ScratchWorkspace();
            TokenTracker tracker = ws.Tracker(T0);
            tracker.AddEstimate(Tool(A, T0));
            tracker.AddEstimate(Tool(A, T0.AddMinutes(1)));
            string view = ws.Write("RLM/progress/token-usage/token-estimates.json", "{ \"tokens\": [ }");
            File.SetLastWriteTimeUtc(view, DateTime.UtcNow.AddMinutes(-10));

            Outcome<TokenEstimateRecord> third = tracker.AddEstimate(Tool(A, T0.AddMinutes(2)));

            var aside = Assert.IsType<CorruptDataFileException>(Assert.Single(third.Problems));
            Assert.Contains(third.Warnings, w => w.Contains(aside.SetAsidePath!, StringComparison.Ordinal));
            Assert.Equal(3, tracker.GetSessionSummary()!.ToolCalls);
        }

        [Fact]
        public void SameSecondStarts_ShouldGetUniqueRlmIds()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            string[] ids = Enumerable.Range(0, 5)
                .Select(i => life.Start(new SessionStartRequest { ClaudeSessionId = "c-" + i, StartedAt = T0 }, default).Value.SessionId!)
                .ToArray();
            ws.Write("RLM/progress/token-usage/SESSION-2026-11-23-090000-6.json", "{}");
            string sixth = life.Start(new SessionStartRequest { ClaudeSessionId = "c-5", StartedAt = T0 }, default).Value.SessionId!;

            Assert.Equal(new[] { "SESSION-2026-11-23-090000", "SESSION-2026-11-23-090000-2", "SESSION-2026-11-23-090000-3", "SESSION-2026-11-23-090000-4", "SESSION-2026-11-23-090000-5" }, ids);
            Assert.Equal("SESSION-2026-11-23-090000-7", sixth);
        }

        [Fact]
        public void StopOfAnEndedSession_FromAHookAgain_ShouldReplaceItsEntryNotAddOne()
        {
            using var ws = new ScratchWorkspace();
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);
            life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(10), Exact = Exact(100, 10, 0.01m) }, default);
            life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(20), Exact = Exact(200, 20, 0.02m) }, default);

            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            JsonElement entry = Assert.Single(daily.RootElement.GetProperty("sessions").EnumerateArray());
            Assert.Equal(220, entry.GetProperty("estimated_tokens").GetInt64());
            Assert.Single(Directory.GetFiles(ws.TokenUsage, "SESSION-*.json"));
        }

        [Fact]
        public void DailyEntryNearLongMaxValue_ShouldBeNumberOutOfRangeWithNothingWritten()
        {
            using var ws = new ScratchWorkspace();
            string daily = ws.Write("RLM/progress/token-usage/daily-2026-11-23.json",
                "{ \"date\": \"2026-11-23\", \"sessions\": [ { \"session_id\": \"X\", \"cost_usd\": 1, \"estimated_tokens\": 9223372036854775800 } ], \"totals\": { } }");
            byte[] before = File.ReadAllBytes(daily);
            var life = new SessionLifecycle(ws.Tracker(T0));
            life.Start(new SessionStartRequest { ClaudeSessionId = A, StartedAt = T0 }, default);

            var e = Assert.Throws<InvalidArgumentException>(() => life.Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(1), Exact = Exact(100, 10, 0.01m) }, default));

            Assert.Equal("NumberOutOfRange", e.ErrorId);
            Assert.Equal(before, File.ReadAllBytes(daily));
            Assert.Single(ws.Tracker(T0).GetOpenSessions());
            Assert.Empty(Directory.GetFiles(ws.TokenUsage, "SESSION-*.json"));
        }

        [Fact]
        public void WholeSessions_SpooledWhileTheLockIsHeld_ShouldBeFoldedInAsTheyWereEachOnItsOwnArchiveAndId()
        {
            // Hooks of two sessions starting in the same second, each start, estimate and stop spooled (the
            // lock held): the next holder folds all six in one transaction. Each must see what the ones
            // before it staged (not yet on disk): one record per session, its own estimate, its own RLM id.
            using var ws = new ScratchWorkspace();
            // Each hook is a process of its own, at its own time (the spool is folded in the order of its entries' times).
            int n = 0;
            TokenTracker Hook() => new TokenTracker(new Workspace(ws.Root), new FixedClock(T0.AddSeconds(++n)), TimeSpan.Zero, new TrackerOptions { HookMode = true });
            using (new FileStream(Path.Combine(ws.TokenUsage, FolderLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
            {
                foreach (string id in new[] { A, B })
                {
                    new SessionLifecycle(Hook()).Start(new SessionStartRequest { ClaudeSessionId = id, Source = "startup", Force = true, StartedAt = T0 }, default);
                }
                Hook().AddEstimate(Tool(A, T0.AddMinutes(1)));
                Hook().AddEstimate(Tool(B, T0.AddMinutes(2)));
                Hook().AddEstimate(Tool(B, T0.AddMinutes(3)));
                new SessionLifecycle(Hook()).Stop(new SessionStopRequest { ClaudeSessionId = A, EndedAt = T0.AddMinutes(4) }, default);
                new SessionLifecycle(Hook()).Stop(new SessionStopRequest { ClaudeSessionId = B, EndedAt = T0.AddMinutes(5), Exact = Exact(3000, 400, 0.75m) }, default);
            }
            Assert.Equal(7, Directory.GetFiles(Spool.FolderIn(ws.TokenUsage), "*.json").Length);

            ws.Tracker(T0.AddMinutes(6)).Recover();

            Assert.Empty(Directory.GetFiles(Spool.FolderIn(ws.TokenUsage), "*.json"));
            Assert.Empty(Directory.GetFiles(Path.Combine(ws.TokenUsage, "sessions"), "*.json"));
            Assert.Equal(new[] { "SESSION-2026-11-23-090000-2.json", "SESSION-2026-11-23-090000.json" },
                Directory.GetFiles(ws.TokenUsage, "SESSION-*.json").Select(Path.GetFileName).OrderBy(x => x, StringComparer.Ordinal));
            using JsonDocument daily = ws.Json("RLM/progress/token-usage/daily-2026-11-23.json");
            var entries = daily.RootElement.GetProperty("sessions").EnumerateArray()
                .ToDictionary(e => e.GetProperty("claude_session_id").GetString()!, e => (Id: e.GetProperty("session_id").GetString(), Tokens: e.GetProperty("estimated_tokens").GetInt64()));
            Assert.Equal(2, entries.Count);
            Assert.Equal(("SESSION-2026-11-23-090000", 50L), entries[A]);
            Assert.Equal(("SESSION-2026-11-23-090000-2", 3400L), entries[B]);
            using JsonDocument archiveB = ws.Json("RLM/progress/token-usage/SESSION-2026-11-23-090000-2.json");
            Assert.Equal(B, archiveB.RootElement.GetProperty("claude_session_id").GetString());
            Assert.Equal("startup", ws.Json("RLM/progress/token-usage/sessions/closed/" + B + ".json").RootElement.GetProperty("start_source").GetString());
            Assert.Equal(2, archiveB.RootElement.GetProperty("token_estimate").GetProperty("operations").GetProperty("tool_calls").GetInt64());
        }
    }
}
