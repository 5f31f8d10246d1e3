using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Threading;
using RlmTokens;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.HookPayloads;
using RlmTokens.Live;
using RlmTokens.Resources;
using RlmTokens.Storage;
using RlmTokens.Transcripts;

namespace RlmTokens.Hook
{
    /// <summary>
    /// rlmtokens-hook: Claude Code's hook events without PowerShell. Reads the hook's JSON on standard
    /// input and does what the README's pwsh hook line for its event does (hook_event_name, or the event
    /// named as the one argument): the same Core calls, files, lock and spool. Quiet on success (exit 0);
    /// each error is one line on standard error, "rlmtokens-hook: &lt;ErrorId&gt;: &lt;message&gt;", and exit 1,
    /// as pwsh -Command exits after a cmdlet's error; warnings go to standard output, as pwsh's host writes them.
    /// </summary>
    internal static class Program
    {
        private static int s_errors;

        private static int Main(string[] args)
        {
            using var cancellation = new CancellationTokenSource();
            Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancellation.Cancel(); };
            if (args.Length > 0 && args[0] == StatusLineArgument) { return StatusLine(args, cancellation.Token); }
            string? forcedEvent = args.Length > 0 ? args[0] : null;
            try
            {
                string input;
                using (var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false)))
                {
                    input = reader.ReadToEnd();
                }
                var buffer = new HookDocumentBuffer();
                foreach (string document in buffer.Append(input)) { Handle(document, forcedEvent, cancellation.Token); }
                string? rest = buffer.Flush();
                if (rest is not null) { Report(new InvalidHookInputException(HookInput.Excerpt(rest), Messages.HookInputIncomplete)); }
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
            return s_errors == 0 ? 0 : 1;
        }

        /// <summary>The argument of the status line mode: Claude Code's statusLine command.</summary>
        private const string StatusLineArgument = "statusline";

        /// <summary>
        /// statusline [--now &lt;ISO-8601&gt;] [--time-zone &lt;id&gt;]: the status JSON on standard input, Show-TokenStatusLine's
        /// line (with its defaults: Claude Code's transcript folders, the cache, colour unless NO_COLOR or TERM=dumb) on
        /// standard output, exit 0 whatever the input. The options are the cmdlet's -Now and -TimeZone, for replays and tests;
        /// an unknown option is an error (exit 2), as it is a broken setting, not bad input.
        /// </summary>
        private static int StatusLine(string[] args, CancellationToken cancellation)
        {
            var settings = new StatusLineSettings
            {
                Color = StatusLineSetup.UseColor(StatusLineColor.Auto),
                ResolveWorkspace = cwd => HookEvents.ResolveWorkspace(cwd, Environment.CurrentDirectory, Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR")),
                LockTimeout = LockSettings.FromEnvironment(),
                Cancellation = cancellation,
            };
            for (int i = 1; i < args.Length; i++)
            {
                string? value = i + 1 < args.Length ? args[i + 1] : null;
                if (args[i] == "--now" && value is not null
                    && DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset now))
                {
                    settings.Now = now;
                }
                else if (args[i] == "--time-zone" && value is not null && FindZone(value) is TimeZoneInfo zone)
                {
                    settings.TimeZone = zone;
                }
                else
                {
                    Console.Error.WriteLine("rlmtokens-hook: " + string.Format(CultureInfo.CurrentCulture, Messages.StatusLineUsage, args[i]));
                    return 2;
                }
                i++;
            }
            string text;
            try
            {
                using (var reader = new StreamReader(Console.OpenStandardInput(), new UTF8Encoding(false)))
                {
                    text = reader.ReadToEnd();
                }
                settings.CacheFolder = TranscriptCache.FolderFromEnvironment();
                settings.Locations = new TranscriptLocations
                {
                    Home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile),
                    ClaudeConfigDir = Environment.GetEnvironmentVariable("CLAUDE_CONFIG_DIR"),
                };
                settings.Text = text;
                text = StatusLineBuilder.Build(StatusLineSetup.Request(settings, new List<string>())).Text;
            }
            catch (OperationCanceledException)
            {
                return 130;
            }
            catch (Exception)
            {
                // Unreadable standard input and the like: the line of no input, never a stack trace.
                settings.Text = null;
                text = StatusLineBuilder.Build(StatusLineSetup.Request(settings, new List<string>())).Text;
            }
            Console.Out.WriteLine(text);
            return 0;
        }

        private static TimeZoneInfo? FindZone(string id)
        {
            try { return TimeZoneInfo.FindSystemTimeZoneById(id); }
            catch (Exception e) when (e is TimeZoneNotFoundException || e is InvalidTimeZoneException) { return null; }
        }

        private static void Handle(string document, string? forcedEvent, CancellationToken cancellation)
        {
            try
            {
                HookInput hook = HookInput.Parse(document);
                string name = forcedEvent ?? hook.HookEventName ?? string.Empty;
                TokenTracker tracker = Tracker(hook);
                switch (name)
                {
                    case "PostToolUse":
                        Done(tracker.AddEstimate(HookEvents.Estimate(hook, null), cancellation));
                        break;
                    case "SessionStart":
                        Done(new SessionLifecycle(tracker).Start(HookEvents.Start(hook, null, null, null), cancellation));
                        break;
                    case "Stop":
                    case "SubagentStop":
                        if (string.IsNullOrEmpty(hook.TranscriptPath))
                        {
                            Report(new InvalidHookInputException(HookInput.Excerpt(hook.SessionId ?? string.Empty), Messages.HookNoTranscript));
                            break;
                        }
                        ExactUsageFile? running = Exact(tracker, hook, cancellation);
                        if (running is null) { break; }
                        Done(new SessionLifecycle(tracker).Update(new SessionUpdateRequest
                        {
                            ClaudeSessionId = string.IsNullOrEmpty(hook.SessionId) ? null : hook.SessionId,
                            TranscriptPath = Path.GetFullPath(hook.TranscriptPath!),
                            Exact = running,
                        }, cancellation));
                        break;
                    case "SessionEnd":
                        SessionStopRequest stop = HookEvents.Stop(hook, null, null, null);
                        stop.Exact = Exact(tracker, hook, cancellation);
                        Done(new SessionLifecycle(tracker).Stop(stop, cancellation));
                        break;
                    case "PreCompact":
                        CompactRequest compact = HookEvents.Compact(hook, null, string.IsNullOrEmpty(hook.TranscriptPath) ? null : Path.GetFullPath(hook.TranscriptPath!), null);
                        if (compact.TranscriptPath is not null)
                        {
                            // Extra, as in Register-CompactEvent: a transcript that cannot be read is reported and the compaction still recorded.
                            try { compact.ContextTokens = TranscriptCost.LastContextTokens(compact.TranscriptPath); }
                            catch (RlmTokensException e) { Report(e); }
                        }
                        Done(new CompactEventRecorder(tracker).Record(compact, cancellation));
                        break;
                    default:
                        Report(new InvalidArgumentException("UnknownHookEvent", name,
                            string.Format(CultureInfo.CurrentCulture, Messages.UnknownHookEvent, name, string.Join(", ", HookEvents.Names))));
                        break;
                }
            }
            catch (RlmTokensException e)
            {
                Report(e);
            }
        }

        // Hook mode, as the cmdlets in a hook: the lock wait bounded by RLMTOKENS_HOOK_LOCK_TIMEOUT_MS (2 s), then the spool.
        private static TokenTracker Tracker(HookInput hook) =>
            new TokenTracker(HookEvents.ResolveWorkspace(hook.Cwd, Environment.CurrentDirectory, Environment.GetEnvironmentVariable("CLAUDE_PROJECT_DIR")),
                SystemClock.Instance, LockSettings.HookFromEnvironment(), new TrackerOptions { HookMode = true });

        // The transcript is counted before the lock is taken; one that cannot be read is reported and the session booked at its estimate.
        private static ExactUsageFile? Exact(TokenTracker tracker, HookInput hook, CancellationToken cancellation)
        {
            if (string.IsNullOrEmpty(hook.TranscriptPath)) { return null; }
            try
            {
                var (exact, warnings) = HookEvents.ReadExactUsage(tracker, Path.GetFullPath(hook.TranscriptPath!), hook.SessionId, TranscriptCache.FolderFromEnvironment(), cancellation);
                foreach (string warning in warnings) { Warn(warning); }
                return exact;
            }
            catch (RlmTokensException e)
            {
                Report(e);
                return null;
            }
        }

        private static void Done<T>(Outcome<T> outcome)
        {
            foreach (RlmTokensException problem in outcome.Problems) { Report(problem); }
            foreach (string warning in outcome.Warnings) { Warn(warning); }
        }

        private static void Warn(string warning) =>
            Console.Out.WriteLine(string.Format(CultureInfo.CurrentCulture, Messages.HookWarning, warning));

        private static void Report(RlmTokensException e)
        {
            s_errors++;
            Console.Error.WriteLine("rlmtokens-hook: " + e.ErrorId + ": " + e.Message);
        }
    }
}
