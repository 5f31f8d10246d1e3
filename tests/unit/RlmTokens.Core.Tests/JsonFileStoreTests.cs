using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    public sealed class JsonFileStoreTests
    {
        private static JsonFileStore Store() => new JsonFileStore(Clocks.At(Clocks.Noon), System.TimeSpan.FromSeconds(5));

        [Fact]
        public void Read_WithWindowsPowerShellQuirks_ShouldAcceptBomCrlfFloatsStringsAndBareObject()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/token-estimates.quirky.json", "e.json");

            TokenEstimatesFile? file = Store().Read(path, RlmJsonContext.Files.TokenEstimatesFile);

            Assert.NotNull(file);
            Assert.Equal(1234, file!.Tokens.InputEstimated);
            Assert.Equal(567, file.Tokens.OutputEstimated);
            Assert.Equal(1, file.Operations.FilesWritten);
            Assert.Equal(0, file.Operations.SubagentsSpawned);
            OperationEntry op = Assert.Single(file.ByOperation);
            Assert.Equal(250, op.TokensAdded);
            Assert.Equal("file_read", op.Type);
        }

        [Fact]
        public void Read_WithEmptyObjectForArray_ShouldGiveEmptyList()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/token-estimates.empty-array.json", "e.json");

            TokenEstimatesFile? file = Store().Read(path, RlmJsonContext.Files.TokenEstimatesFile);

            Assert.Empty(file!.ByOperation);
        }

        [Fact]
        public void Read_WithPowerShellDateObjectAndNullArrays_ShouldTakeTheDateValue()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/current-session.ps51.json", "s.json");

            SessionFile? file = Store().Read(path, RlmJsonContext.Files.SessionFile);

            Assert.Equal("\\/Date(1763889300000)\\/".Replace("\\/", "/"), file!.StartedAt!.Replace("\\/", "/"));
            Assert.Equal(new System.DateTimeOffset(2025, 11, 23, 9, 15, 0, System.TimeSpan.Zero), RlmTime.Parse(file.StartedAt));
            Assert.Empty(file.ContextCompacts);
        }

        [Fact]
        public void Rewrite_WithUnknownProperties_ShouldKeepThemAtEveryLevel()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/token-estimates.quirky.json", "RLM/progress/token-usage/token-estimates.json");
            JsonFileStore store = Store();

            using (FolderTransaction tx = store.BeginUpdate(Path.GetDirectoryName(path)!, default))
            {
                TokenEstimatesFile file = tx.Read(path, RlmJsonContext.Files.TokenEstimatesFile)!;
                file.Tokens.InputEstimated += 1;
                tx.Write(path, file, RlmJsonContext.Files.TokenEstimatesFile);
                tx.Commit();
            }

            byte[] bytes = File.ReadAllBytes(path);
            Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF }, bytes.Take(3).ToArray());
            using JsonDocument doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3));
            JsonElement root = doc.RootElement;
            Assert.Equal("platform", root.GetProperty("team").GetProperty("name").GetString());
            Assert.Equal(2, root.GetProperty("team").GetProperty("members").GetArrayLength());
            Assert.Equal("kept", root.GetProperty("tokens").GetProperty("cache_hint").GetString());
            Assert.Equal("from an older script", root.GetProperty("by_operation")[0].GetProperty("custom_note").GetString());
            Assert.Equal(JsonValueKind.Array, root.GetProperty("by_operation").ValueKind);
            Assert.Equal(1235, root.GetProperty("tokens").GetProperty("input_estimated").GetInt64());
        }

        [Theory]
        [InlineData("rlm/token-estimates.truncated.json")]
        [InlineData("rlm/token-estimates.wrong-types.json")]
        public void Read_WithUnparsableFile_ShouldThrowCorruptDataFileAndLeaveItInPlace(string fixture)
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture(fixture, "e.json");
            byte[] before = File.ReadAllBytes(path);

            var e = Assert.Throws<CorruptDataFileException>(() => Store().Read(path, RlmJsonContext.Files.TokenEstimatesFile));

            Assert.Equal("CorruptDataFile", e.ErrorId);
            Assert.Equal(path, e.Target);
            Assert.Null(e.SetAsidePath);
            Assert.Equal(before, File.ReadAllBytes(path));
        }

        [Fact]
        public void UpdateRead_WithUnparsableFile_ShouldSetItAsideIntactAndReportIt()
        {
            using var dir = new TempDir();
            string path = dir.CopyFixture("rlm/token-estimates.truncated.json", "RLM/progress/token-usage/token-estimates.json");
            byte[] before = File.ReadAllBytes(path);

            TokenEstimatesFile? read;
            CorruptDataFileException problem;
            using (FolderTransaction tx = Store().BeginUpdate(Path.GetDirectoryName(path)!, default))
            {
                read = tx.Read(path, RlmJsonContext.Files.TokenEstimatesFile);
                problem = Assert.Single(tx.SetAside);
            }

            Assert.Null(read);
            Assert.False(File.Exists(path));
            Assert.Equal(path + ".corrupt-20261120T120000000Z", problem.SetAsidePath);
            Assert.Equal(before, File.ReadAllBytes(problem.SetAsidePath!));
        }

        [Theory]
        [InlineData("")]
        [InlineData("\uFEFF")]
        [InlineData("  \r\n ")]
        public void Read_WithBlankFile_ShouldBeTreatedAsAbsent(string content)
        {
            using var dir = new TempDir();
            string path = dir.Write("e.json", content);

            Assert.Null(Store().Read(path, RlmJsonContext.Files.TokenEstimatesFile));
        }

        [Fact]
        public void Read_WithMissingFile_ShouldReturnNull()
        {
            using var dir = new TempDir();
            Assert.Null(Store().Read(Path.Combine(dir.Root, "none.json"), RlmJsonContext.Files.TokenEstimatesFile));
        }

        [Fact]
        public void Write_ShouldLeaveNoTemporaryFile()
        {
            using var dir = new TempDir();
            string folder = Path.Combine(dir.Root, "f");
            using (FolderTransaction tx = Store().BeginUpdate(folder, default))
            {
                tx.Write(Path.Combine(folder, "a.json"), new DailyFile { Date = "2026-11-20" }, RlmJsonContext.Files.DailyFile);
                tx.Write(Path.Combine(folder, "a.json"), new DailyFile { Date = "2026-11-21" }, RlmJsonContext.Files.DailyFile);
                tx.Commit();
            }

            Assert.Equal(new[] { ".rlmtokens.lock", "a.json" }, Directory.GetFiles(folder).Select(Path.GetFileName).OrderBy(n => n, System.StringComparer.Ordinal).ToArray());
            Assert.Contains("2026-11-21", File.ReadAllText(Path.Combine(folder, "a.json")));
        }

        [Fact]
        public void BeginUpdate_WhileAnotherHolderHasTheLock_ShouldTimeOutWithLockTimeout()
        {
            using var dir = new TempDir();
            var store = new JsonFileStore(Clocks.At(Clocks.Noon), System.TimeSpan.FromMilliseconds(200));
            using (store.BeginUpdate(dir.Root, default))
            {
                var e = Assert.Throws<LockTimeoutException>(() => store.BeginUpdate(dir.Root, default));
                Assert.Equal("LockTimeout", e.ErrorId);
                Assert.EndsWith(".rlmtokens.lock", (string)e.Target!);
            }
            using (store.BeginUpdate(dir.Root, default)) { }
        }
    }
}
