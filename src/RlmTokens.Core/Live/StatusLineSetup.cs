using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Live
{
    /// <summary>
    /// What a status line's caller supplies: the raw status text and the caller's environment. Show-TokenStatusLine
    /// fills it from its parameters and PowerShell's location; rlmtokens-hook statusline from the process.
    /// </summary>
    public sealed class StatusLineSettings
    {
        /// <summary>The status JSON as read from standard input or the pipeline.</summary>
        public string? Text { get; set; }

        /// <summary>The instant to describe; null for the clock.</summary>
        public DateTimeOffset? Now { get; set; }

        /// <summary>The zone of "today".</summary>
        public TimeZoneInfo TimeZone { get; set; } = TimeZoneInfo.Local;

        /// <summary>The incremental cache folder, or null for none.</summary>
        public string? CacheFolder { get; set; }

        /// <summary>Colour the line.</summary>
        public bool Color { get; set; }

        /// <summary>Where the transcripts of today's and the block's figures are (Claude Code's folders unless roots are given).</summary>
        public TranscriptLocations Locations { get; set; } = new TranscriptLocations();

        /// <summary>True when roots were asked for: then only those that exist are read, and none if none exists.</summary>
        public bool RootsGiven { get; set; }

        /// <summary>Makes a path of the input absolute (the caller's notion of the current location); may throw.</summary>
        public Func<string, string> ResolvePath { get; set; } = p => Path.GetFullPath(p);

        /// <summary>Finds the workspace from the status's folder (null when it names none); may throw.</summary>
        public Func<string?, Workspace> ResolveWorkspace { get; set; } = cwd => new Workspace(Directory.GetCurrentDirectory(), isExplicit: false);

        /// <summary>How long the budget reader waits for a folder lock.</summary>
        public TimeSpan LockTimeout { get; set; } = TimeSpan.FromSeconds(30);

        public CancellationToken Cancellation { get; set; }
    }

    /// <summary>
    /// Turns a caller's settings into a <see cref="StatusLineRequest"/>, the same for the cmdlet and the native
    /// binary, so both print the same line. Never throws for bad input: what goes wrong is a note.
    /// </summary>
    public static class StatusLineSetup
    {
        /// <summary>Whether a line is coloured: Always or Never as asked; Auto unless NO_COLOR is set (to anything) or TERM is 'dumb'.</summary>
        public static bool UseColor(StatusLineColor mode, string? noColor, string? term)
        {
            if (mode != StatusLineColor.Auto) { return mode == StatusLineColor.Always; }
            if (!string.IsNullOrEmpty(noColor)) { return false; }
            return !string.Equals(term, "dumb", StringComparison.Ordinal);
        }

        /// <summary><see cref="UseColor(StatusLineColor, string?, string?)"/> with this process's NO_COLOR and TERM.</summary>
        public static bool UseColor(StatusLineColor mode) =>
            UseColor(mode, Environment.GetEnvironmentVariable("NO_COLOR"), Environment.GetEnvironmentVariable("TERM"));

        /// <summary>The request of <paramref name="settings"/>; what could not be resolved is added to <paramref name="notes"/>.</summary>
        public static StatusLineRequest Request(StatusLineSettings settings, IList<string> notes)
        {
            if (settings is null) { throw new ArgumentNullException(nameof(settings)); }
            if (notes is null) { throw new ArgumentNullException(nameof(notes)); }
            StatusLineInput? input = StatusLineInput.TryParse(settings.Text);
            var request = new StatusLineRequest
            {
                Input = input,
                Now = settings.Now ?? DateTimeOffset.UtcNow,
                TimeZone = settings.TimeZone,
                CacheFolder = settings.CacheFolder,
                Color = settings.Color,
                Cancellation = settings.Cancellation,
            };
            if (input is null) { return request; }
            try
            {
                Complete(request, input, settings, notes);
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !settings.Cancellation.IsCancellationRequested)
            {
                // Whatever the input names (a provider path, a broken root), the line still prints.
                notes.Add(e.Message);
            }
            return request;
        }

        private static void Complete(StatusLineRequest request, StatusLineInput input, StatusLineSettings settings, IList<string> notes)
        {
            if (!settings.RootsGiven || settings.Locations.Roots.Count > 0)
            {
                foreach (string r in settings.Locations.ProjectRoots()) { request.ProjectRoots.Add(r); }
            }
            if (input.TranscriptPath is string tp)
            {
                try { input.TranscriptPath = settings.ResolvePath(tp); }
                catch (Exception e) when (!(e is OperationCanceledException) && !settings.Cancellation.IsCancellationRequested)
                {
                    // Not a file system path (env:, a missing drive): the transcript is then not found.
                    notes.Add(e.Message);
                }
            }

            // The workspace of the budgets: the nearest folder holding RLM/ from the status's project or
            // working directory (or the caller's own choice); a status from no workspace has no budget state.
            Workspace? workspace = null;
            try
            {
                string? cwd = input.ProjectDir ?? input.CurrentDir ?? input.Cwd;
                if (cwd is not null && (!Path.IsPathRooted(cwd) || !Directory.Exists(cwd))) { cwd = null; }
                Workspace resolved = settings.ResolveWorkspace(cwd);
                if (resolved.HasRlmFolder) { workspace = resolved; }
            }
            catch (Exception e) when (!(e is OperationCanceledException) && !settings.Cancellation.IsCancellationRequested)
            {
                notes.Add(e.Message);
            }
            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(workspace, null);
            foreach (RlmTokensException p in prices.Problems) { notes.Add(p.Message); }
            request.Prices = prices.Value;
            if (workspace is not null)
            {
                IClock clock = settings.Now is DateTimeOffset fixedNow ? new FixedClock(fixedNow, settings.TimeZone) : new ZonedClock(settings.TimeZone);
                request.Budgets = new TokenTracker(workspace, clock, settings.LockTimeout, new TrackerOptions());
            }
        }

        private sealed class ZonedClock : IClock
        {
            public ZonedClock(TimeZoneInfo zone) => LocalZone = zone;

            public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

            public TimeZoneInfo LocalZone { get; }
        }
    }
}
