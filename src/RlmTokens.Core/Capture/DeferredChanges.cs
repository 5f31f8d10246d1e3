using System.Text.Json;
using RlmTokens.Errors;
using RlmTokens.Estimation;
using RlmTokens.Json;
using RlmTokens.Storage;

namespace RlmTokens.Capture
{
    /// <summary>
    /// The records a hook may spool when the lock stays busy past its bound (issue 11), and how the next
    /// lock holder applies each, exactly once (applying it and deleting its spool file are one change).
    /// A spooled request carries everything that was known at hook time (its time, the file size, the
    /// exact figure counted from the transcript), so it is booked as it would have been then.
    /// </summary>
    internal static class DeferredChanges
    {
        public const string Estimate = "estimate";
        public const string Compact = "compact";
        public const string SessionStart = "session-start";
        public const string SessionStop = "session-stop";
        public const string SessionUpdate = "session-update";

        /// <summary>Applies one spooled record inside <paramref name="tx"/>.</summary>
        /// <exception cref="JsonException">The payload is not the record its kind names.</exception>
        public static void Replay(TokenTracker tracker, FolderTransaction tx, SpoolEntry entry)
        {
            switch (entry.Kind)
            {
                case Estimate:
                    EstimateRequest estimate = Payload(entry, RlmJsonContext.Files.EstimateRequest);
                    EstimationSettings settings = tracker.LoadSettings().Value;
                    (long input, long output, long added, long measured) = Estimator.Estimate(estimate, settings);
                    tracker.ApplyEstimate(tx, estimate, input, output, added, measured, settings);
                    break;
                case Compact:
                    new CompactEventRecorder(tracker).Apply(tx, Payload(entry, RlmJsonContext.Files.CompactRequest));
                    break;
                case SessionStart:
                    SessionStartRequest start = Payload(entry, RlmJsonContext.Files.SessionStartRequest);
                    start.Force = true;
                    new SessionLifecycle(tracker).ApplyStart(tx, start);
                    break;
                case SessionStop:
                    SessionStopRequest stop = Payload(entry, RlmJsonContext.Files.SessionStopRequest);
                    try { new SessionLifecycle(tracker).ApplyStop(tx, stop); }
                    catch (NoOpenSessionException) { } // already closed (a repeated SessionEnd): nothing to book
                    break;
                case SessionUpdate:
                    new SessionLifecycle(tracker).ApplyUpdate(tx, Payload(entry, RlmJsonContext.Files.SessionUpdateRequest));
                    break;
                default:
                    throw new JsonException("unknown spooled record kind '" + entry.Kind + "'");
            }
        }

        private static T Payload<T>(SpoolEntry entry, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> info) where T : class =>
            entry.Payload.Deserialize(info) ?? throw new JsonException("empty spooled record");
    }
}
