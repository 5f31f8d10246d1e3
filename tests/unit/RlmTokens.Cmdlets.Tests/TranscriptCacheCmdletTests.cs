using System;
using System.IO;
using System.Linq;

namespace RlmTokens.Cmdlets.Tests
{
    /// <summary>
    /// Test-TokenBudget, Get-TokenOptimization and Import-SessionCost read transcripts through the shared
    /// incremental cache: an unchanged file is not read again (a change only a reread would see stays
    /// unseen), an appended, truncated or rewritten file is, a damaged cache is ignored, -NoCache reads all.
    /// </summary>
    public sealed class TranscriptCacheCmdletTests
    {
        private const string Session = "3b7f5a52-8f0e-4c59-9a0b-6f1c2d3e4f50";

        private static string SessionFile(TempWorkspace ws) => ws.PathOf("transcripts/projects/-tmp-ws/" + Session + ".jsonl");

        // The big turn's input 1000 becomes 9000 in place: same length, same write time. Only a reread sees it.
        private static void ChangeBehindTheCachesBack(string file)
        {
            DateTime written = File.GetLastWriteTimeUtc(file);
            string text = File.ReadAllText(file);
            string changed = text.Replace("\"input_tokens\":1000,", "\"input_tokens\":9000,");
            Assert.NotEqual(text, changed);
            Assert.Equal(text.Length, changed.Length);
            File.WriteAllText(file, changed);
            File.SetLastWriteTimeUtc(file, written);
        }

        private static void Damage(string cacheFolder)
        {
            string file = Assert.Single(Directory.GetFiles(cacheFolder, "transcripts-*.bin"));
            byte[] bytes = File.ReadAllBytes(file);
            bytes[bytes.Length / 2] ^= 0x5A;
            File.WriteAllBytes(file, bytes);
        }

        private static decimal BudgetTokens(PowerShellHost ps, string cacheArguments)
        {
            decimal used = ps.RunAs<TokenBudgetStatus>("Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000 -TranscriptRoot transcripts " + cacheArguments).Single().Used;
            Assert.Empty(ps.Errors);
            return used;
        }

        [Fact]
        public void Budget_SecondCall_ShouldRereadOnlyFilesThatChanged()
        {
            using TempWorkspace ws = TranscriptUsageSourceTests.Workspace();
            using var ps = new PowerShellHost(ws.Root);
            string file = SessionFile(ws);

            Assert.Equal(12800, BudgetTokens(ps, "-CacheFolder cache"));
            Assert.Single(Directory.GetFiles(ws.PathOf("cache"), "transcripts-*.bin"));

            ChangeBehindTheCachesBack(file);
            Assert.Equal(12800, BudgetTokens(ps, "-CacheFolder cache")); // not reread: the cache answered
            Assert.Equal(20800, BudgetTokens(ps, "-NoCache"));

            // An append is read from where the cache stopped: the new response counts, the earlier bytes are not reread.
            File.AppendAllText(file, TranscriptUsageSourceTests.Line(ws.Root, Session, "2026-11-20T10:07:00.000Z", "msg_4", "req_4", "claude-opus-4-1-20250805", 7, 3, 0, 0));
            Assert.Equal(12810, BudgetTokens(ps, "-CacheFolder cache"));
            Assert.Equal(20810, BudgetTokens(ps, "-NoCache"));

            // Truncated (a rewrite): read again in full.
            string big = File.ReadLines(file).First() + "\n";
            File.WriteAllText(file, big.Replace("\"input_tokens\":9000,", "\"input_tokens\":1000,"));
            Assert.Equal(11000, BudgetTokens(ps, "-CacheFolder cache"));
            Assert.Equal(11000, BudgetTokens(ps, "-NoCache"));

            // A damaged cache is ignored, never believed (believing it would give the stale 11,000), and replaced.
            ChangeBehindTheCachesBack(file);
            Assert.Equal(11000, BudgetTokens(ps, "-CacheFolder cache"));
            Damage(ws.PathOf("cache"));
            Assert.Equal(19000, BudgetTokens(ps, "-CacheFolder cache"));
            Assert.Equal(19000, BudgetTokens(ps, "-CacheFolder cache"));
            Assert.Equal(19000, BudgetTokens(ps, "-NoCache"));
        }

        [Fact]
        public void Budget_CacheFolderFromTheEnvironment_ShouldBeUsedAndNoCacheWriteNothing()
        {
            using TempWorkspace ws = TranscriptUsageSourceTests.Workspace();
            using var ps = new PowerShellHost(ws.Root);
            string env = ws.PathOf("envcache");

            ps.RunClean("$old = $env:RLMTOKENS_CACHE_DIR; try { $env:RLMTOKENS_CACHE_DIR = $args[0]; $null = Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000 -TranscriptRoot transcripts } finally { $env:RLMTOKENS_CACHE_DIR = $old }", env);
            Assert.Single(Directory.GetFiles(env, "transcripts-*.bin"));

            ps.RunClean("$null = Test-TokenBudget -Period Daily -Date 2026-11-20 -Limit 1000000 -TranscriptRoot transcripts -NoCache -CacheFolder unused");
            ps.RunClean("$null = Get-TokenOptimization -TranscriptRoot transcripts -NoCache -CacheFolder unused");
            Assert.False(Directory.Exists(ws.PathOf("unused")));
        }

        [Fact]
        public void Optimization_WithTranscriptRoot_ShouldShareTheBudgetsCache()
        {
            using TempWorkspace ws = TranscriptUsageSourceTests.Workspace();
            using var ps = new PowerShellHost(ws.Root);

            Assert.Equal(12800, BudgetTokens(ps, "-CacheFolder cache"));
            ChangeBehindTheCachesBack(SessionFile(ws));
            string cacheFile = Assert.Single(Directory.GetFiles(ws.PathOf("cache"), "transcripts-*.bin"));
            DateTime saved = File.GetLastWriteTimeUtc(cacheFile);
            byte[] before = File.ReadAllBytes(cacheFile);

            ps.RunClean("$null = Get-TokenOptimization -TranscriptRoot transcripts -CacheFolder cache");

            // Same roots, same cache file: nothing changed as far as the cache can tell, so it was neither reread nor rewritten.
            Assert.Equal(before, File.ReadAllBytes(cacheFile));
            Assert.Equal(saved, File.GetLastWriteTimeUtc(cacheFile));
            Assert.Equal(12800, BudgetTokens(ps, "-CacheFolder cache"));
        }

        [Fact]
        public void ImportSessionCost_TranscriptPath_ShouldReadThroughTheCache()
        {
            using TempWorkspace ws = TranscriptUsageSourceTests.Workspace();
            using var ps = new PowerShellHost(ws.Root);
            string file = SessionFile(ws);
            const string Import = "Import-SessionCost -TranscriptPath $args[0] -SessionId S-T -CapturedAt 2026-11-20T12:00:00Z -PassThru ";
            long Tokens(string cacheArguments) => ps.RunAs<SessionCostRecord>(Import + cacheArguments, file).Single().TotalTokens;

            Assert.Equal(12800, Tokens("-CacheFolder cache"));
            ChangeBehindTheCachesBack(file);
            Assert.Equal(12800, Tokens("-CacheFolder cache"));
            Assert.Equal(20800, Tokens("-NoCache"));
            Damage(ws.PathOf("cache"));
            Assert.Equal(20800, Tokens("-CacheFolder cache"));
            Assert.Empty(ps.Errors);
        }
    }
}
