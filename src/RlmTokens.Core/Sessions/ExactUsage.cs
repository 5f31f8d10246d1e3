using System;
using System.Linq;
using RlmTokens.Capture;
using RlmTokens.Errors;
using RlmTokens.Storage;

namespace RlmTokens.Sessions
{
    /// <summary>A session's exact transcript usage as its record keeps it, and back as a capture for the cost file.</summary>
    internal static class ExactUsage
    {
        /// <summary>The record form of an exact capture (tokens per model and cost, counted at <paramref name="at"/>).</summary>
        public static ExactUsageFile From(CostCapture capture, DateTimeOffset at, DateTimeOffset? since)
        {
            var exact = new ExactUsageFile
            {
                CountedAt = RlmTime.Format(at),
                TranscriptPath = capture.TranscriptPath,
                Since = since is DateTimeOffset s ? RlmTime.Format(s) : null,
                CostUsd = Math.Round(capture.Report.CostUsd, 6),
            };
            try
            {
                checked
                {
                    foreach (ModelUsage m in capture.Report.Models)
                    {
                        exact.Input += m.InputTokens;
                        exact.Output += m.OutputTokens;
                        exact.CacheRead += m.CacheReadTokens;
                        exact.CacheWrite += m.CacheWriteTokens;
                        exact.Models.Add(new CaptureModelEntry
                        {
                            Model = m.Model,
                            InputTokens = m.InputTokens,
                            OutputTokens = m.OutputTokens,
                            CacheReadTokens = m.CacheReadTokens,
                            CacheWriteTokens = m.CacheWriteTokens,
                            CostUsd = m.CostUsd is decimal c ? Math.Round(c, 6) : (decimal?)null,
                        });
                    }
                    exact.Total = exact.Input + exact.Output + exact.CacheRead + exact.CacheWrite;
                }
            }
            catch (OverflowException)
            {
                throw Numbers.OutOfRange(capture.TranscriptPath ?? "transcript", "token counts");
            }
            return exact;
        }

        /// <summary>The capture form of a recorded exact figure (what the cost file is written from).</summary>
        public static CostCapture ToCapture(ExactUsageFile exact)
        {
            var report = new CostReport { CostUsd = exact.CostUsd };
            report.Models.AddRange(exact.Models.Select(m => new ModelUsage
            {
                Model = m.Model ?? string.Empty,
                InputTokens = m.InputTokens,
                OutputTokens = m.OutputTokens,
                CacheReadTokens = m.CacheReadTokens,
                CacheWriteTokens = m.CacheWriteTokens,
                CostUsd = m.CostUsd,
            }));
            return new CostCapture { Report = report, TranscriptPath = exact.TranscriptPath, Exact = true };
        }
    }
}
