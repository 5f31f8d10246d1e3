using System;
using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using System.Text;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Errors;
using RlmTokens.Live;
using RlmTokens.Pricing;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// The status line for Claude Code's statusLine command: reads the status JSON Claude Code pipes in
    /// and writes one line (model, the session's exact tokens and cost, today's cost, the active 5-hour
    /// block's cost and time left, the context window used, the budget state). Everything is read through
    /// the incremental transcript cache. Bad or empty input gives a short fallback line and no error
    /// record, so the host process exits 0; what went wrong goes to the verbose stream.
    /// </summary>
    [Cmdlet(VerbsCommon.Show, "TokenStatusLine")]
    [OutputType(typeof(string))]
    [OutputType(typeof(TokenStatusLine))]
    public sealed class ShowTokenStatusLineCommand : RlmTokensCmdlet
    {
        private readonly StringBuilder _input = new StringBuilder();

        /// <summary>The status JSON Claude Code pipes in; lines of one document may come one by one.</summary>
        [Parameter(Position = 0, ValueFromPipeline = true)]
        [AllowEmptyString]
        [AllowNull]
        public string? InputObject { get; set; }

        /// <summary>Where the transcripts are for today's and the block's figures: a Claude config folder (holding projects/) or a projects folder. Default: ~/.claude, ~/.config/claude and $env:CLAUDE_CONFIG_DIR.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>The incremental cache folder. Default: $env:RLMTOKENS_CACHE_DIR, else RlmTokens/cache under the local application data folder.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full and leave the cache alone.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        /// <summary>The time zone of "today" (an id such as 'UTC' or 'Europe/Berlin'). Default: local.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        public string? TimeZone { get; set; }

        /// <summary>The instant to describe. Default: now. For replays and tests.</summary>
        [Parameter]
        public DateTimeOffset? Now { get; set; }

        /// <summary>When to colour the line: Auto (unless $env:NO_COLOR is set or $env:TERM is dumb), Always or Never.</summary>
        [Parameter]
        public StatusLineColor Color { get; set; } = StatusLineColor.Auto;

        /// <summary>Return the TokenStatusLine object instead of the line.</summary>
        [Parameter]
        public SwitchParameter AsObject { get; set; }

        protected override void ProcessRecord()
        {
            if (InputObject is not null)
            {
                if (_input.Length > 0) { _input.Append('\n'); }
                _input.Append(InputObject);
            }
        }

        protected override void EndProcessing()
        {
            StatusLineRequest request;
            try
            {
                request = BuildRequest();
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                // Whatever the input names (a provider path, a broken -TranscriptRoot), the line still prints.
                WriteVerbose(e.Message);
                request = new StatusLineRequest { Input = StatusLineInput.TryParse(_input.ToString()), Now = Now ?? Clock.UtcNow, Color = UseColor(), Cancellation = Cancellation };
            }
            StatusLineResult result;
            try
            {
                result = StatusLineBuilder.Build(request);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            foreach (string note in result.Notes) { WriteVerbose(note); }
            if (result.Status.Problem is string problem) { WriteVerbose(problem); }
            WriteObject(AsObject ? result.Status : (object)result.Text);
            base.EndProcessing();
        }

        private StatusLineRequest BuildRequest()
        {
            StatusLineInput? input = StatusLineInput.TryParse(_input.ToString());
            TimeZoneInfo zone = System.TimeZoneInfo.Local;
            if (!string.IsNullOrEmpty(TimeZone))
            {
                try { zone = System.TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
                catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException)
                {
                    WriteVerbose(e.Message);
                }
            }
            DateTimeOffset now = Now ?? Clock.UtcNow;
            var request = new StatusLineRequest
            {
                Input = input,
                Now = now,
                TimeZone = zone,
                CacheFolder = TranscriptCacheFolder(CacheFolder, NoCache),
                Color = UseColor(),
                Cancellation = Cancellation,
            };
            if (input is null) { return request; }

            var locations = new TranscriptLocations
            {
                Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                ClaudeConfigDir = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"),
            };
            foreach (string root in TranscriptRoot ?? Array.Empty<string>())
            {
                string full = ResolveFilePath(root);
                if (Directory.Exists(full)) { locations.Roots.Add(full); }
                else { WriteVerbose(full); }
            }
            if (TranscriptRoot is null || locations.Roots.Count > 0)
            {
                foreach (string r in locations.ProjectRoots()) { request.ProjectRoots.Add(r); }
            }
            if (input.TranscriptPath is string tp)
            {
                try { input.TranscriptPath = ResolveFilePath(tp); }
                catch (Exception e) when (!(e is PipelineStoppedException))
                {
                    // Not a file system path (env:, a missing drive): the transcript is then not found.
                    WriteVerbose(e.Message);
                }
            }

            // The workspace of the budgets: -Path, else the nearest folder holding RLM/ from the status's
            // project or working directory; a status from no workspace has no budget state.
            Workspace? workspace = null;
            try
            {
                string? cwd = input.ProjectDir ?? input.CurrentDir ?? input.Cwd;
                if (cwd is not null && (!System.IO.Path.IsPathRooted(cwd) || !Directory.Exists(cwd))) { cwd = null; }
                Workspace resolved = ResolveWorkspace(cwd);
                if (resolved.HasRlmFolder) { workspace = resolved; }
            }
            catch (PipelineStoppedException) { throw; }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                WriteVerbose(e.Message);
            }
            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(workspace, null);
            foreach (RlmTokensException p in prices.Problems) { WriteVerbose(p.Message); }
            request.Prices = prices.Value;
            if (workspace is not null)
            {
                IClock clock = Now is DateTimeOffset fixedNow ? new FixedClock(fixedNow, zone) : new ZonedClock(zone);
                request.Budgets = new TokenTracker(workspace, clock, LockTimeout, new TrackerOptions());
            }
            return request;
        }

        private bool UseColor()
        {
            if (Color != StatusLineColor.Auto) { return Color == StatusLineColor.Always; }
            if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))) { return false; }
            return !string.Equals(Environment.GetEnvironmentVariable("TERM"), "dumb", StringComparison.Ordinal);
        }

        private sealed class ZonedClock : IClock
        {
            public ZonedClock(TimeZoneInfo zone) => LocalZone = zone;

            public DateTimeOffset UtcNow => DateTimeOffset.UtcNow;

            public TimeZoneInfo LocalZone { get; }
        }
    }
}
