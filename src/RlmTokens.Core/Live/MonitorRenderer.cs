using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace RlmTokens.Live
{
    /// <summary>The text of a monitor frame as Watch-TokenUsage draws it: plain lines, or with ANSI colors.</summary>
    public static class MonitorRenderer
    {
        private const string Reset = "\u001b[0m", Bold = "\u001b[1m", Dim = "\u001b[2m", Green = "\u001b[32m", Yellow = "\u001b[33m", Red = "\u001b[31m";

        /// <summary>The lines of one frame, each at most <paramref name="width"/> characters of text (colors aside).</summary>
        public static IReadOnlyList<string> Render(TokenMonitorFrame f, int width, bool color)
        {
            if (f is null) { throw new ArgumentNullException(nameof(f)); }
            CultureInfo c = CultureInfo.InvariantCulture;
            width = Math.Max(40, width);
            List<string> lines = new List<string>();
            string C(string code, string text) => color ? code + text + Reset : text;
            string Money(decimal? v) => v is decimal d ? "$" + d.ToString("0.00", c) : "unknown";
            string Time(DateTimeOffset? t) => t is DateTimeOffset v ? v.ToString("HH:mm", c) : "-";

            lines.Add(C(Bold, "Token usage monitor") + "  " + f.Now.ToString("yyyy-MM-dd HH:mm:ss", c)
                + "  plan " + f.Plan + " (" + f.TokenLimit.ToString("N0", c) + " tokens" + (f.CostLimitUsd is decimal cl ? ", " + Money(cl) : string.Empty) + " per block, " + f.LimitSource.ToString().ToLowerInvariant() + ")");
            lines.Add(string.Empty);
            if (!f.BlockActive)
            {
                lines.Add("No active block: nothing used in the last five hours.");
            }
            else
            {
                string tone = f.PercentUsed >= 90 ? Red : f.PercentUsed >= 60 ? Yellow : Green;
                int barWidth = Math.Min(50, width - 30);
                int filled = (int)Math.Min(barWidth, Math.Round(f.PercentUsed / 100 * barWidth));
                string bar = "[" + new string('#', filled) + new string('-', barWidth - filled) + "]";
                lines.Add("Block    " + Time(f.BlockStart) + "-" + Time(f.BlockEnd) + "  resets in " + Duration(f.MinutesLeft));
                lines.Add("Tokens   " + C(tone, bar) + " " + f.PercentUsed.ToString("0.0", c) + "%");
                lines.Add("         " + f.BlockTokens.ToString("N0", c) + " of " + f.TokenLimit.ToString("N0", c) + (f.TokensLeft >= 0 ? "  (" + f.TokensLeft.ToString("N0", c) + " left)" : "  (" + (-f.TokensLeft).ToString("N0", c) + " over)"));
                lines.Add("Cost     " + Money(f.BlockCostUsd) + (f.CostKnown ? string.Empty : "+?") + (f.CostLimitUsd is decimal lim ? " of " + Money(lim) : string.Empty));
                lines.Add("Burn     " + f.TokensPerMinute.ToString("N0", c) + " tokens/min  " + Money(f.CostPerHourUsd) + "/h");
                lines.Add("Forecast " + f.ProjectedTokens.ToString("N0", c) + " tokens, " + Money(f.ProjectedCostUsd) + " at " + Time(f.BlockEnd));
                string limit = f.LimitExceeded ? C(Red, "limit reached at " + Time(f.LimitReachedAt))
                    : f.LimitReachedAt is DateTimeOffset at ? C(Yellow, "limit at " + Time(at) + " at this pace")
                    : C(Green, "limit not reached before the reset");
                lines.Add("Limit    " + limit);
                lines.Add("Models   " + (f.TopModels.Length == 0 ? "-" : f.TopModels));
            }
            lines.Add(string.Empty);
            lines.Add("Today    " + f.TodayTokens.ToString("N0", c) + " tokens  " + Money(f.TodayCostUsd));
            lines.Add("Month    " + f.MonthTokens.ToString("N0", c) + " tokens  " + Money(f.MonthCostUsd));
            lines.Add(string.Empty);
            lines.Add(C(Dim, "Ctrl+C to stop"));
            for (int i = 0; i < lines.Count; i++) { lines[i] = Clip(lines[i], width, color); }
            return lines;
        }

        private static string Duration(double minutes)
        {
            int m = Math.Max(0, (int)Math.Round(minutes));
            return (m / 60).ToString(CultureInfo.InvariantCulture) + "h " + (m % 60).ToString("00", CultureInfo.InvariantCulture) + "m";
        }

        // Clips a line to the width (escape sequences take no columns) so it never wraps and scrolls the frame.
        private static string Clip(string line, int width, bool color)
        {
            StringBuilder sb = new StringBuilder();
            int visible = 0;
            for (int i = 0; i < line.Length; i++)
            {
                if (line[i] == '\u001b')
                {
                    int end = line.IndexOf('m', i);
                    if (end < 0) { break; }
                    sb.Append(line, i, end - i + 1);
                    i = end;
                    continue;
                }
                if (visible >= width - 1) { continue; }
                sb.Append(line[i]);
                visible++;
            }
            if (color && visible >= width - 1) { sb.Append(Reset); }
            return sb.ToString();
        }
    }
}
