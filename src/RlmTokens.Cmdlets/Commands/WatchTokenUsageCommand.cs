using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Management.Automation;
using System.Management.Automation.Host;
using System.Text;
using RlmTokens.Cmdlets.Completion;
using RlmTokens.Cmdlets.Resources;
using RlmTokens.Errors;
using RlmTokens.Live;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Cmdlets
{
    /// <summary>
    /// Watch-TokenUsage: a live monitor of the active 5-hour block against a plan's limit, redrawn in place
    /// every -RefreshSeconds until Ctrl+C; -Once writes one frame as an object.
    /// </summary>
    [Cmdlet(VerbsCommon.Watch, "TokenUsage", HelpUri = ProjectLinks.HelpPages + "Watch-TokenUsage.md")]
    [OutputType(typeof(TokenMonitorFrame))]
    public sealed class WatchTokenUsageCommand : RlmTokensCmdlet
    {
        private const string Escape = "\u001b[";

        /// <summary>The plan whose per-block limits the frame measures against. Default: Learned (the 90th percentile of past blocks).</summary>
        [Parameter(Position = 0)]
        public MonitorPlan Plan { get; set; } = MonitorPlan.Learned;

        /// <summary>Tokens per 5-hour block: required with -Plan Custom, an override with any other plan.</summary>
        [Parameter]
        [ValidateRange(1L, long.MaxValue)]
        public long? TokenLimit { get; set; }

        /// <summary>USD per 5-hour block: the Custom plan's cost limit, or an override of the plan's.</summary>
        [Parameter]
        [ValidateRange(0.0, 1e12)]
        public decimal? CostLimit { get; set; }

        /// <summary>Seconds between frames.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int RefreshSeconds { get; set; } = 5;

        /// <summary>Write one frame as an object and return.</summary>
        [Parameter]
        public SwitchParameter Once { get; set; }

        /// <summary>The time the frames describe (default: the clock).</summary>
        [Parameter]
        public DateTimeOffset? Now { get; set; }

        /// <summary>Where the transcripts are (as Get-TokenUsage -TranscriptRoot).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string[]? TranscriptRoot { get; set; }

        /// <summary>Only these projects (wildcards).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ProjectNameCompleter))]
        public string[]? Project { get; set; }

        /// <summary>The time zone of "today", "this month" and the times shown. Default: local.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(TimeZoneCompleter))]
        public string? TimeZone { get; set; }

        /// <summary>A LiteLLM-format price file that overrides the built-in prices.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PriceFile { get; set; }

        /// <summary>The incremental cache folder (as Get-TokenUsage -CacheFolder).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? CacheFolder { get; set; }

        /// <summary>Read every transcript in full each frame and leave the cache alone.</summary>
        [Parameter]
        public SwitchParameter NoCache { get; set; }

        protected override void ProcessRecord()
        {
            try
            {
                if (Plan == MonitorPlan.Custom && TokenLimit is null)
                {
                    ThrowTerminatingError(ErrorRecords.Create("TokenLimitRequired", ErrorCategory.InvalidArgument, Plan, Strings.MonitorTokenLimitRequired));
                }
                TokenMonitor? monitor = CreateMonitor();
                if (monitor is null) { return; }
                if (Once) { WriteOnce(monitor); }
                else { RunLoop(monitor); }
            }
            catch (RlmTokensException e)
            {
                ThrowTerminatingError(ErrorRecords.From(e));
            }
        }

        private TokenMonitor? CreateMonitor()
        {
            MonitorSettings settings = new MonitorSettings { Plan = Plan, TokenLimit = TokenLimit, CostLimit = CostLimit, TimeZone = ResolveTimeZone(TimeZone) };
            foreach (string p in Project ?? Array.Empty<string>()) { settings.Projects.Add(p); }

            TranscriptLocations locations = ResolveTranscriptLocations(TranscriptRoot, CacheFolder, NoCache);
            Outcome<PriceTable> prices = TranscriptUsage.LoadPrices(ExistingWorkspaceOrNull(), PriceFile is null ? null : ResolveFilePath(PriceFile));
            WriteProblems(prices);

            TranscriptReadOptions options = new TranscriptReadOptions { CacheFolder = locations.CacheFolder, Cancellation = Cancellation };
            foreach (string r in locations.ProjectRoots()) { options.ProjectRoots.Add(r); }
            if (options.ProjectRoots.Count == 0)
            {
                WriteWarning(Strings.NoTranscriptsFound);
                return null;
            }
            WriteVerbose(string.Format(CultureInfo.CurrentCulture, Strings.ReadingTranscripts, string.Join(", ", options.ProjectRoots), locations.CacheFolder ?? "-"));
            return new TokenMonitor(options, settings, prices.Value);
        }

        private void WriteOnce(TokenMonitor monitor)
        {
            MonitorReading reading = Read(monitor);
            foreach (string warning in reading.Warnings) { WriteWarning(warning); }
            WriteObject(reading.Frame);
        }

        private MonitorReading Read(TokenMonitor monitor)
        {
            try
            {
                return monitor.Next(Now ?? Clock.UtcNow);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }
        }

        // Redraws in place until Ctrl+C (StopProcessing cancels the wait). With a VT host: the alternate screen,
        // the cursor hidden, each frame drawn from the top; both restored in the finally. Without one: the
        // frame is redrawn from where it started through RawUI, or, where the host cannot move the cursor,
        // written again below.
        private void RunLoop(TokenMonitor monitor)
        {
            PSHostUserInterface ui = Host.UI;
            bool vt = SupportsVt(ui);
            bool color = vt && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"));
            Coordinates? origin = null;
            if (!vt)
            {
                try { origin = ui.RawUI?.CursorPosition; }
                catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is HostException || e is IOException) { origin = null; }
            }
            bool entered = false;
            try
            {
                if (vt)
                {
                    WriteControl(ui, Escape + "?1049h" + Escape + "?25l" + Escape + "2J");
                    entered = true;
                }
                while (!Cancellation.IsCancellationRequested)
                {
                    MonitorReading reading;
                    try
                    {
                        reading = monitor.Next(Now ?? Clock.UtcNow);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                    int width = WindowWidth(ui);
                    List<string> lines = new List<string>(MonitorRenderer.Render(reading.Frame, width, color));
                    foreach (string w in reading.Warnings) { lines.Add((color ? Escape + "33m" : string.Empty) + "WARNING: " + w + (color ? Escape + "0m" : string.Empty)); }
                    Draw(ui, lines, vt, width, ref origin, WriteControl);
                    if (Cancellation.WaitHandle.WaitOne(TimeSpan.FromSeconds(RefreshSeconds))) { break; }
                }
            }
            finally
            {
                if (entered) { WriteControl(ui, Escape + "0m" + Escape + "?25h" + Escape + "?1049l"); }
            }
        }

        // PowerShell 7 strips every escape sequence from host output while $PSStyle.OutputRendering is PlainText,
        // as NO_COLOR sets it: cursor control and the alternate screen are not colors, so they are written with
        // the rendering switched to Host for that one write (and switched back at once). Colors are never used
        // under NO_COLOR.
        private void WriteControl(PSHostUserInterface ui, string text)
        {
            PSPropertyInfo? rendering = null;
            object? previous = null;
            try
            {
                if (SessionState.PSVariable.GetValue("PSStyle") is object style)
                {
                    rendering = PSObject.AsPSObject(style).Properties["OutputRendering"];
                    previous = rendering?.Value;
                    if (previous is null || !string.Equals(previous.ToString(), "PlainText", StringComparison.Ordinal)) { rendering = null; }
                    else { rendering!.Value = "Host"; }
                }
            }
            catch (Exception e) when (e is ExtendedTypeSystemException || e is SetValueException || e is GetValueException || e is PSInvalidCastException)
            {
                rendering = null;
            }
            try
            {
                ui.Write(text);
            }
            finally
            {
                if (rendering is not null)
                {
                    try { rendering.Value = previous; }
                    catch (Exception e) when (e is ExtendedTypeSystemException || e is SetValueException || e is PSInvalidCastException) { }
                }
            }
        }

        private static void Draw(PSHostUserInterface ui, List<string> lines, bool vt, int width, ref Coordinates? origin, Action<PSHostUserInterface, string> writeControl)
        {
            if (vt)
            {
                StringBuilder sb = new StringBuilder(Escape + "H");
                foreach (string line in lines) { sb.Append(line).Append(Escape).Append("K\r\n"); }
                sb.Append(Escape).Append('J');
                writeControl(ui, sb.ToString());
                return;
            }
            if (origin is Coordinates o)
            {
                try { ui.RawUI.CursorPosition = o; }
                catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is HostException || e is IOException || e is ArgumentException) { origin = null; }
            }
            if (origin is null) { ui.WriteLine(); }
            foreach (string line in lines) { ui.WriteLine(line.PadRight(Math.Max(0, width - 1))); }
        }

        private static bool SupportsVt(PSHostUserInterface ui)
        {
            try { return ui.SupportsVirtualTerminal; }
            catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is PSNotImplementedException) { return false; }
        }

        private static int WindowWidth(PSHostUserInterface ui)
        {
            try
            {
                int w = ui.RawUI.WindowSize.Width;
                return w > 0 ? w : 80;
            }
            catch (Exception e) when (e is NotImplementedException || e is NotSupportedException || e is HostException || e is IOException || e is NullReferenceException)
            {
                return 80;
            }
        }


    }
}
