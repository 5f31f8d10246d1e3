using System;
using System.IO;

namespace RlmTokens.Core.Tests
{
    /// <summary>A temporary workspace root for Core tests; deleted afterwards.</summary>
    internal sealed class TempDir : IDisposable
    {
        public TempDir()
        {
            Root = Path.Combine(Path.GetTempPath(), "rlmtokens-core", Guid.NewGuid().ToString("N").Substring(0, 12));
            Directory.CreateDirectory(Root);
        }

        public string Root { get; }

        public string TokenUsage => Path.Combine(Root, "RLM", "progress", "token-usage");

        /// <summary>Copies a fixture from Fixtures/ to a path under the root and returns the full path.</summary>
        public string CopyFixture(string fixture, string relative)
        {
            string target = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", fixture), target, overwrite: true);
            return target;
        }

        public string Write(string relative, string content)
        {
            string target = Path.Combine(Root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllText(target, content);
            return target;
        }

        public void Dispose()
        {
            try { Directory.Delete(Root, recursive: true); }
            catch (IOException) { }
            catch (UnauthorizedAccessException) { }
        }
    }

    internal static class Clocks
    {
        public static readonly DateTimeOffset Noon = new DateTimeOffset(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

        public static RlmTokens.Storage.FixedClock At(DateTimeOffset t) => new RlmTokens.Storage.FixedClock(t);
    }
}
