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
    [Cmdlet(VerbsCommon.Show, "TokenStatusLine", HelpUri = ProjectLinks.HelpPages + "Show-TokenStatusLine.md")]
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
            var notes = new List<string>();
            StatusLineResult result;
            try
            {
                StatusLineRequest request = StatusLineSetup.Request(Settings(notes), notes);
                result = StatusLineBuilder.Build(request);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
            foreach (string note in notes) { WriteVerbose(note); }
            foreach (string note in result.Notes) { WriteVerbose(note); }
            if (result.Status.Problem is string problem) { WriteVerbose(problem); }
            WriteObject(AsObject ? result.Status : (object)result.Text);
            base.EndProcessing();
        }

        // The parameters and PowerShell's location as Core's settings; what cannot be resolved is a note, and the line still prints.
        private StatusLineSettings Settings(List<string> notes)
        {
            var settings = new StatusLineSettings
            {
                Text = _input.ToString(),
                Now = Now,
                Color = StatusLineSetup.UseColor(Color),
                RootsGiven = TranscriptRoot is not null,
                ResolvePath = ResolveFilePath,
                ResolveWorkspace = ResolveWorkspace,
                LockTimeout = LockTimeout,
                Cancellation = Cancellation,
            };
            try
            {
                if (!string.IsNullOrEmpty(TimeZone))
                {
                    try { settings.TimeZone = System.TimeZoneInfo.FindSystemTimeZoneById(TimeZone); }
                    catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException)
                    {
                        notes.Add(e.Message);
                    }
                }
                settings.CacheFolder = TranscriptCacheFolder(CacheFolder, NoCache);
                settings.Locations = new TranscriptLocations
                {
                    Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                    ClaudeConfigDir = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"),
                };
                foreach (string root in TranscriptRoot ?? Array.Empty<string>())
                {
                    string full = ResolveFilePath(root);
                    if (Directory.Exists(full)) { settings.Locations.Roots.Add(full); }
                    else { notes.Add(full); }
                }
            }
            catch (PipelineStoppedException)
            {
                throw;
            }
            catch (Exception e) when (!(e is OperationCanceledException))
            {
                // Whatever the parameters name (a provider path, a broken -TranscriptRoot), the line still prints.
                notes.Add(e.Message);
                settings.RootsGiven = true;
                settings.Locations.Roots.Clear();
            }
            return settings;
        }
    }
}
