using System;
using System.Collections.Generic;
using RlmTokens.Pricing;
using RlmTokens.Transcripts;

namespace RlmTokens.Live
{
    /// <summary>A frame and the warnings its read produced.</summary>
    public sealed class MonitorReading
    {
        internal MonitorReading(TokenMonitorFrame frame, IReadOnlyList<string> warnings)
        {
            Frame = frame;
            Warnings = warnings;
        }

        public TokenMonitorFrame Frame { get; }

        public IReadOnlyList<string> Warnings { get; }
    }

    /// <summary>
    /// The live monitor's reader: each frame reads the transcripts through the incremental cache, so a
    /// frame reads only the bytes appended since the one before (and new files), then computes the frame.
    /// </summary>
    public sealed class TokenMonitor
    {
        private readonly TranscriptReadOptions _read;
        private readonly MonitorSettings _settings;
        private readonly PriceTable _prices;

        public TokenMonitor(TranscriptReadOptions read, MonitorSettings settings, PriceTable prices)
        {
            _read = read ?? throw new ArgumentNullException(nameof(read));
            _settings = settings ?? throw new ArgumentNullException(nameof(settings));
            _prices = prices ?? throw new ArgumentNullException(nameof(prices));
        }

        /// <summary>Reads what changed and returns the frame at <paramref name="now"/>.</summary>
        public MonitorReading Next(DateTimeOffset now)
        {
            TranscriptReadResult read = TranscriptReader.Read(_read);
            TokenMonitorFrame frame = MonitorCalculator.Build(read.Entries, now, _settings, _prices, out TranscriptReportResult report);
            frame.Files = read.Files;
            frame.BytesRead = read.BytesRead;
            return new MonitorReading(frame, TranscriptUsage.Warnings(read, report));
        }
    }
}
