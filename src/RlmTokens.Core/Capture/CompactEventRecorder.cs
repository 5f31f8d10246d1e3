using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Threading;
using RlmTokens.Errors;
using RlmTokens.Json;
using RlmTokens.Sessions;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    /// <summary>One compaction to record (from a PreCompact hook's JSON or from parameters).</summary>
    internal sealed class CompactRequest
    {
        public CompactTrigger Trigger { get; set; }

        public string? CustomInstructions { get; set; }

        /// <summary>An explicit session id (wins over the open session).</summary>
        public string? SessionId { get; set; }

        /// <summary>Claude Code's session id from the hook: used when no RLM session is open.</summary>
        public string? HookSessionId { get; set; }

        public string? TranscriptPath { get; set; }

        public long? ContextTokens { get; set; }

        public DateTimeOffset? Timestamp { get; set; }
    }

    /// <summary>
    /// Register-CompactEvent's engine (RLM's pre-compact.ps1): appends to compact-events.json (always
    /// written back as an array), adds a context_compacts entry to the session's record (and so to
    /// current-session.json when it is the most recently active) and appends a Markdown entry to
    /// RLM/progress/logs/&lt;local date&gt;.md — the three as one all-or-nothing change.
    /// </summary>
    /// <remarks>
    /// The whole operation holds ONE lock, the token-usage folder's (STYLE.md section 6: one lock per
    /// folder, no lock order to get wrong). The Markdown log lives in another folder (logs/); its append
    /// is a step of the same journaled change rather than under a second lock, so two compactions never
    /// interleave their entries and no code path ever holds two locks. Other writers of logs/ (RLM's
    /// own scripts) take no lock at all; our append lands after whatever they wrote.
    /// </remarks>
    internal sealed class CompactEventRecorder
    {
        public const string UnknownSession = "UNKNOWN";

        private readonly TokenTracker _tracker;

        public CompactEventRecorder(TokenTracker tracker) => _tracker = tracker;

        private Workspace Workspace => _tracker.Workspace;

        /// <summary>RLM/progress/logs/yyyy-MM-dd.md for the local day of <paramref name="at"/>.</summary>
        public string LogFile(DateTimeOffset at) =>
            Path.Combine(Workspace.LogsFolder, TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) + ".md");

        public Outcome<CompactEventRecord> Record(CompactRequest request, CancellationToken cancellation)
        {
            if (!string.IsNullOrEmpty(request.SessionId)) { Workspace.CheckSessionId(request.SessionId!); }
            if (!string.IsNullOrEmpty(request.HookSessionId)) { Workspace.CheckSessionId(request.HookSessionId!); }
            request.Timestamp ??= _tracker.Clock.UtcNow;
            return _tracker.ChangeOrSpool(DeferredChanges.Compact,
                () => JsonSerializer.SerializeToElement(request, RlmJsonContext.Files.CompactRequest),
                tx => Apply(tx, request),
                () => new CompactEventRecord
                {
                    Timestamp = request.Timestamp.Value,
                    SessionId = FirstOf(request.SessionId, request.HookSessionId) ?? UnknownSession,
                    Trigger = request.Trigger,
                    CustomInstructions = request.CustomInstructions,
                    ContextTokens = request.ContextTokens,
                    TranscriptPath = request.TranscriptPath,
                    Workspace = Workspace.Root,
                },
                cancellation);
        }

        /// <summary>Records a compaction inside a change (also when a spooled one is folded in).</summary>
        internal Outcome<CompactEventRecord> Apply(FolderTransaction tx, CompactRequest request)
        {
            DateTimeOffset at = request.Timestamp ?? _tracker.Clock.UtcNow;
            string stamp = RlmTime.Format(at);
            var book = new SessionBook(_tracker, tx);
            book.AdoptView();
            // A hook names its Claude Code session (opened when this is its first event); without a name
            // the most recently active open session is meant, and none means "UNKNOWN", as RLM writes.
            SessionStateFile? session = book.Resolve(new SessionRef { SessionId = request.SessionId, ClaudeSessionId = request.HookSessionId, TranscriptPath = request.TranscriptPath },
                at, create: !string.IsNullOrEmpty(request.HookSessionId));
            CompactEventsFile events = tx.Read(Workspace.CompactEventsFile, RlmJsonContext.Files.CompactEventsFile) ?? new CompactEventsFile();
            string sessionId = session?.RlmSessionId ?? FirstOf(request.SessionId, request.HookSessionId) ?? UnknownSession;
            SessionMetrics metrics = session?.Session.Metrics ?? new SessionMetrics();
            string trigger = TriggerName(request.Trigger);
            var entry = new CompactEventEntry
            {
                Event = "context_compact",
                Timestamp = stamp,
                Reason = trigger,
                SessionId = sessionId,
                MetricsAtCompact = new CompactMetrics
                {
                    SubagentCalls = metrics.TotalSubagentCalls,
                    FilesCreated = metrics.FilesCreated,
                    FilesModified = metrics.FilesModified,
                },
                Trigger = trigger,
                CustomInstructions = string.IsNullOrEmpty(request.CustomInstructions) ? null : request.CustomInstructions,
                TranscriptPath = string.IsNullOrEmpty(request.TranscriptPath) ? null : request.TranscriptPath,
                ContextTokens = request.ContextTokens,
            };
            if (!string.IsNullOrEmpty(session?.ClaudeSessionId)) { (entry.Extra ??= new Dictionary<string, JsonElement>())["claude_session_id"] = DailyBook.Text(session!.ClaudeSessionId!); }
            events.Events.Add(entry);
            tx.Write(Workspace.CompactEventsFile, events, RlmJsonContext.Files.CompactEventsFile);

            if (session is not null)
            {
                session.Session.ContextCompacts.Add(new ContextCompactEntry { Timestamp = stamp, SubagentCallsAtCompact = metrics.TotalSubagentCalls });
                book.Touch(session, at);
            }
            book.Flush();
            tx.AppendText(LogFile(at), Markdown(entry, at));
            var record = new CompactEventRecord
            {
                Timestamp = at,
                SessionId = entry.SessionId,
                Trigger = request.Trigger,
                CustomInstructions = entry.CustomInstructions,
                SubagentCalls = entry.MetricsAtCompact.SubagentCalls,
                FilesCreated = entry.MetricsAtCompact.FilesCreated,
                FilesModified = entry.MetricsAtCompact.FilesModified,
                ContextTokens = entry.ContextTokens,
                EventCount = events.Events.Count,
                TranscriptPath = entry.TranscriptPath,
                Workspace = Workspace.Root,
            };
            return new Outcome<CompactEventRecord>(record, new List<RlmTokensException>(), book.Warnings);
        }

        /// <summary>PreCompact's trigger text ("manual", "auto") as the enum; anything else is Unknown.</summary>
        public static CompactTrigger ParseTrigger(string? text)
        {
            switch ((text ?? string.Empty).Trim().ToLowerInvariant())
            {
                case "manual": return CompactTrigger.Manual;
                case "auto": return CompactTrigger.Auto;
                default: return CompactTrigger.Unknown;
            }
        }

        public static string TriggerName(CompactTrigger trigger) =>
            trigger == CompactTrigger.Manual ? "manual" : trigger == CompactTrigger.Auto ? "auto" : "unknown";

        private string Markdown(CompactEventEntry entry, DateTimeOffset at)
        {
            DateTimeOffset local = TimeZoneInfo.ConvertTime(at, _tracker.Clock.LocalZone);
            var md = new StringBuilder();
            md.Append("\n## Context compaction (").Append(local.ToString("HH:mm:ss", CultureInfo.InvariantCulture)).Append(")\n\n");
            md.Append("- **Session**: ").Append(entry.SessionId).Append('\n');
            md.Append("- **Trigger**: ").Append(entry.Trigger).Append('\n');
            md.Append("- **Subagent calls**: ").Append(entry.MetricsAtCompact.SubagentCalls.ToString(CultureInfo.InvariantCulture)).Append('\n');
            md.Append("- **Files created**: ").Append(entry.MetricsAtCompact.FilesCreated.ToString(CultureInfo.InvariantCulture)).Append('\n');
            md.Append("- **Files modified**: ").Append(entry.MetricsAtCompact.FilesModified.ToString(CultureInfo.InvariantCulture)).Append('\n');
            if (entry.ContextTokens is long tokens)
            {
                md.Append("- **Context tokens**: ").Append(tokens.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
            if (!string.IsNullOrEmpty(entry.CustomInstructions))
            {
                md.Append("- **Instructions**: ").Append(entry.CustomInstructions!.Replace("\r", " ").Replace("\n", " ")).Append('\n');
            }
            return md.ToString();
        }

        internal static string? FirstOf(params string?[] values)
        {
            foreach (string? v in values) { if (!string.IsNullOrEmpty(v)) { return v; } }
            return null;
        }
    }
}
