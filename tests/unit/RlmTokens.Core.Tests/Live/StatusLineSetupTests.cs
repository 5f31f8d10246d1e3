using System;
using System.Collections.Generic;
using System.IO;
using RlmTokens.Live;
using RlmTokens.Storage;

namespace RlmTokens.Core.Tests
{
    /// <summary>StatusLineSetup: the one place where the cmdlet and rlmtokens-hook statusline turn their environment into a request.</summary>
    public sealed class StatusLineSetupTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 10, 5, 12, 0, 0, TimeSpan.Zero);

        [Theory]
        [InlineData(StatusLineColor.Auto, null, "xterm-256color", true)]
        [InlineData(StatusLineColor.Auto, null, null, true)]
        [InlineData(StatusLineColor.Auto, "1", "xterm-256color", false)]
        [InlineData(StatusLineColor.Auto, "0", "xterm-256color", false)]
        [InlineData(StatusLineColor.Auto, "", "xterm-256color", true)]
        [InlineData(StatusLineColor.Auto, null, "dumb", false)]
        [InlineData(StatusLineColor.Always, "1", "dumb", true)]
        [InlineData(StatusLineColor.Never, null, "xterm-256color", false)]
        public void UseColor_WithModeAndEnvironment_ShouldColourAsTheCmdletDocuments(StatusLineColor mode, string? noColor, string? term, bool expected) =>
            Assert.Equal(expected, StatusLineSetup.UseColor(mode, noColor, term));

        [Fact]
        public void Request_WithAWorkspaceProjectDir_ShouldResolvePathsAndReadItsBudgets()
        {
            using var dir = new TempDir();
            dir.Write("RLM/config/project-config.json", "{\"tokenTracking\":{\"budgetDaily\":1000}}");
            Directory.CreateDirectory(Path.Combine(dir.Root, "claude", "projects"));
            var settings = new StatusLineSettings
            {
                Text = "{\"transcript_path\":\"t.jsonl\",\"workspace\":{\"project_dir\":" + System.Text.Json.JsonSerializer.Serialize(dir.Root) + "}}",
                Now = Now,
                ResolvePath = p => Path.Combine(dir.Root, p),
                ResolveWorkspace = cwd => new Workspace(cwd ?? "/nowhere", isExplicit: false),
            };
            settings.Locations.Roots.Add(Path.Combine(dir.Root, "claude"));
            var notes = new List<string>();
            StatusLineRequest r = StatusLineSetup.Request(settings, notes);
            Assert.Empty(notes);
            Assert.Equal(Path.Combine(dir.Root, "t.jsonl"), r.Input!.TranscriptPath);
            Assert.Equal(new[] { Path.Combine(dir.Root, "claude", "projects") }, r.ProjectRoots);
            Assert.Equal(dir.Root, r.Budgets!.Workspace.Root);
            Assert.Equal(Now, r.Budgets.Clock.UtcNow);
            Assert.Equal(Now, r.Now);
        }

        [Fact]
        public void Request_WhenTheCallersResolversThrow_ShouldNoteItAndStillMakeARequest()
        {
            var settings = new StatusLineSettings
            {
                Text = "{\"transcript_path\":\"env:HOME\",\"cwd\":\"/\"}",
                Now = Now,
                RootsGiven = true,
                ResolvePath = p => throw new NotSupportedException("not a file system path: " + p),
                ResolveWorkspace = cwd => throw new DirectoryNotFoundException("no workspace"),
            };
            var notes = new List<string>();
            StatusLineRequest r = StatusLineSetup.Request(settings, notes);
            Assert.Equal(new[] { "not a file system path: env:HOME", "no workspace" }, notes);
            Assert.Equal("env:HOME", r.Input!.TranscriptPath);
            Assert.Empty(r.ProjectRoots);
            Assert.Null(r.Budgets);
            Assert.Equal("Claude | no transcript yet", StatusLineBuilder.Build(r).Text);
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("{\"session_id\":")]
        public void Request_WithNoStatusDocument_ShouldGiveTheNoInputLine(string? text)
        {
            var notes = new List<string>();
            StatusLineRequest r = StatusLineSetup.Request(new StatusLineSettings { Text = text, Now = Now, Color = true }, notes);
            Assert.Null(r.Input);
            Assert.Empty(notes);
            Assert.Equal("Claude | no status input", StatusLineBuilder.Build(r).Text);
        }
    }
}
