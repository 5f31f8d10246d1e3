using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.RegularExpressions;
using RlmTokens.Errors;

namespace RlmTokens.Capture
{
    /// <summary>One model's line of the "Usage by model:" block of /cost (or one model of a transcript).</summary>
    internal sealed class ModelUsage
    {
        public string Model { get; set; } = string.Empty;

        public long InputTokens { get; set; }

        public long OutputTokens { get; set; }

        public long CacheReadTokens { get; set; }

        public long CacheWriteTokens { get; set; }

        /// <summary>The cost shown for the model, or computed from a price table; null when unknown.</summary>
        public decimal? CostUsd { get; set; }

        public long TotalTokens => InputTokens + OutputTokens + CacheReadTokens + CacheWriteTokens;
    }

    /// <summary>What a /cost output says: the totals, and the per-model usage when the newer block is there.</summary>
    internal sealed class CostReport
    {
        public decimal CostUsd { get; set; }

        public double? ApiDurationSeconds { get; set; }

        public double? WallDurationSeconds { get; set; }

        public long? LinesAdded { get; set; }

        public long? LinesRemoved { get; set; }

        public List<ModelUsage> Models { get; } = new List<ModelUsage>();

        /// <summary>Lines that were recognised but could not be read: the value is left out, the capture goes on.</summary>
        public List<string> Warnings { get; } = new List<string>();
    }

    /// <summary>
    /// Parses the text Claude Code's /cost command prints. The classic block:
    /// <code>
    /// Total cost:            $0.55
    /// Total duration (API):  6m 19.7s
    /// Total duration (wall): 6h 33m 10.2s
    /// Total code changes:    12 lines added, 3 lines removed
    /// </code>
    /// and the newer one that adds <c>Usage by model:</c> followed by lines such as
    /// <c>claude-sonnet-4-6:  1.2k input, 5.3k output, 940.0k cache read, 50.0k cache write ($0.55)</c>.
    /// Durations are compound (d, h, m, s, ms), "line" may be singular, numbers may carry thousands
    /// separators and k/m/b suffixes. A missing or unreadable total cost is an error (nothing is
    /// written); an unreadable duration, code-change or model line is a warning.
    /// </summary>
    internal static class CostOutputParser
    {
        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        private static readonly Regex s_totalCost = new Regex(@"^total\s+cost\s*:\s*(?<v>.*)$", Options);
        private static readonly Regex s_apiDuration = new Regex(@"^total\s+duration\s*\(\s*api\s*\)\s*:\s*(?<v>.*)$", Options);
        private static readonly Regex s_wallDuration = new Regex(@"^total\s+duration\s*\(\s*wall\s*\)\s*:\s*(?<v>.*)$", Options);
        private static readonly Regex s_codeChanges = new Regex(@"^total\s+code\s+changes\s*:\s*(?<v>.*)$", Options);
        private static readonly Regex s_usageHeader = new Regex(@"^usage\s+by\s+model\s*:\s*$", Options);
        private static readonly Regex s_money = new Regex(@"^\$\s*(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?:\s.*)?$", Options);
        private static readonly Regex s_durationPart = new Regex(@"\G\s*(?<n>\d+(?:\.\d+)?)\s*(?<u>ms|d|h|m|s)(?![a-z])", Options);
        private static readonly Regex s_changes = new Regex(
            @"^(?<a>\d{1,3}(?:,\d{3})+|\d+)\s+lines?\s+added\s*(?:,\s*(?<r>\d{1,3}(?:,\d{3})+|\d+)\s+lines?\s+removed)?\s*$", Options);
        private static readonly Regex s_noChanges = new Regex(@"^(?:none|no\s+code\s+changes|0)\s*$", Options);
        private static readonly Regex s_modelLine = new Regex(@"^(?<m>[A-Za-z0-9][A-Za-z0-9._:/@\[\]\- ]*?)\s*:\s+(?<v>.+)$", Options);
        private static readonly Regex s_modelPart = new Regex(
            @"^(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?<x>[kmb])?\s+(?<k>input|output|cache\s+read|cache\s+write)$", Options);
        private static readonly Regex s_modelCost = new Regex(@"\(\s*\$\s*(?<n>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*\)\s*$", Options);

        /// <summary>Parses /cost text.</summary>
        /// <exception cref="InvalidCostOutputException">Empty text, no total cost, an unreadable or conflicting total.</exception>
        public static CostReport Parse(string? text)
        {
            if (text is null || text.Trim().Length == 0)
            {
                throw new InvalidCostOutputException("CostOutputEmpty", string.Empty, Resources.Messages.CostOutputEmpty);
            }
            var report = new CostReport();
            string? costLine = null;
            bool inModels = false;
            bool modelHeaderSeen = false;
            int modelLines = 0;
            foreach (string rawLine in text.Replace("\r\n", "\n").Replace('\r', '\n').Split('\n'))
            {
                string line = Clean(rawLine);
                if (line.Length == 0)
                {
                    inModels = false;
                    continue;
                }
                Match m;
                if ((m = s_totalCost.Match(line)).Success)
                {
                    inModels = false;
                    decimal cost = ParseMoney(m.Groups["v"].Value.Trim(), line);
                    if (costLine is not null && cost != report.CostUsd)
                    {
                        throw new InvalidCostOutputException("ConflictingCostTotals", line,
                            Format(Resources.Messages.ConflictingCostTotals, costLine, line));
                    }
                    costLine = line;
                    report.CostUsd = cost;
                }
                else if ((m = s_apiDuration.Match(line)).Success)
                {
                    inModels = false;
                    report.ApiDurationSeconds = DurationOrWarn(m.Groups["v"].Value, line, report);
                }
                else if ((m = s_wallDuration.Match(line)).Success)
                {
                    inModels = false;
                    report.WallDurationSeconds = DurationOrWarn(m.Groups["v"].Value, line, report);
                }
                else if ((m = s_codeChanges.Match(line)).Success)
                {
                    inModels = false;
                    ParseChanges(m.Groups["v"].Value.Trim(), line, report);
                }
                else if (s_usageHeader.IsMatch(line))
                {
                    inModels = true;
                    modelHeaderSeen = true;
                }
                else if (inModels)
                {
                    modelLines++;
                    ModelUsage? usage = ParseModelLine(line);
                    if (usage is null)
                    {
                        report.Warnings.Add(Format(Resources.Messages.CostModelLineUnreadable, line));
                    }
                    else
                    {
                        report.Models.Add(usage);
                    }
                }
                // Anything else (the prompt, banners, tips) is not part of the figures.
            }
            if (costLine is null)
            {
                throw new InvalidCostOutputException("CostTotalMissing", Excerpt(text), Resources.Messages.CostTotalMissing);
            }
            if (modelHeaderSeen && modelLines == 0)
            {
                report.Warnings.Add(Resources.Messages.CostModelBlockEmpty);
            }
            decimal modelSum = 0;
            bool allCosted = report.Models.Count > 0;
            foreach (ModelUsage u in report.Models)
            {
                if (u.CostUsd is decimal c) { modelSum += c; } else { allCosted = false; }
            }
            // Per-model costs are rounded to cents on screen: a gap above a cent per model is worth a word.
            if (allCosted && Math.Abs(modelSum - report.CostUsd) > 0.01m * report.Models.Count)
            {
                report.Warnings.Add(Format(Resources.Messages.CostModelSumMismatch, modelSum, report.CostUsd));
            }
            return report;
        }

        /// <summary>A compound duration ("6h 33m 10.2s", "19.7s", "1d 2h", "850ms") in seconds; null when unreadable.</summary>
        public static double? ParseDuration(string text)
        {
            string t = text.Trim();
            if (t.Length == 0) { return null; }
            decimal seconds = 0;
            int at = 0;
            int parts = 0;
            while (at < t.Length)
            {
                Match m = s_durationPart.Match(t, at);
                if (!m.Success) { break; }
                // More digits than a decimal holds: unreadable (a warning), not an OverflowException.
                if (!decimal.TryParse(m.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n)) { return null; }
                try
                {
                    switch (m.Groups["u"].Value.ToLowerInvariant())
                    {
                        case "d": seconds += n * 86400; break;
                        case "h": seconds += n * 3600; break;
                        case "m": seconds += n * 60; break;
                        case "s": seconds += n; break;
                        case "ms": seconds += n / 1000; break;
                    }
                }
                catch (OverflowException) { return null; }
                at = m.Index + m.Length;
                parts++;
            }
            if (parts == 0 || t.Substring(at).Trim().Length != 0) { return null; }
            return (double)seconds;
        }

        /// <summary>A token count as /cost prints it: 940, 1,234, 1.2k, 940.0k, 1.5m, 2b.</summary>
        public static long? ParseCount(string number, string? suffix)
        {
            if (!decimal.TryParse(number.Replace(",", string.Empty), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal n))
            {
                return null;
            }
            try
            {
                switch ((suffix ?? string.Empty).ToLowerInvariant())
                {
                    case "k": n *= 1_000m; break;
                    case "m": n *= 1_000_000m; break;
                    case "b": n *= 1_000_000_000m; break;
                }
                return (long)Math.Round(n, MidpointRounding.AwayFromZero);
            }
            catch (OverflowException)
            {
                // More tokens than a long holds (a pasted run of digits): unreadable, not a crash.
                return null;
            }
        }

        private static ModelUsage? ParseModelLine(string line)
        {
            Match m = s_modelLine.Match(line);
            if (!m.Success) { return null; }
            string rest = m.Groups["v"].Value.Trim();
            var usage = new ModelUsage { Model = m.Groups["m"].Value.Trim() };
            Match cost = s_modelCost.Match(rest);
            if (cost.Success)
            {
                // The cents the text shows, exactly; a figure past decimal's range is no cost.
                usage.CostUsd = decimal.TryParse(cost.Groups["n"].Value.Replace(",", string.Empty), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal modelCost)
                    ? modelCost : null;
                rest = rest.Substring(0, cost.Index).Trim();
            }
            int found = 0;
            foreach (string piece in rest.Split(','))
            {
                string p = piece.Trim();
                if (p.Length == 0) { continue; }
                Match part = s_modelPart.Match(p);
                if (!part.Success) { return null; }
                long? count = ParseCount(part.Groups["n"].Value, part.Groups["x"].Success ? part.Groups["x"].Value : null);
                if (count is null) { return null; }
                switch (Regex.Replace(part.Groups["k"].Value.ToLowerInvariant(), @"\s+", " "))
                {
                    case "input": usage.InputTokens = count.Value; break;
                    case "output": usage.OutputTokens = count.Value; break;
                    case "cache read": usage.CacheReadTokens = count.Value; break;
                    case "cache write": usage.CacheWriteTokens = count.Value; break;
                }
                found++;
            }
            return found == 0 ? null : usage;
        }

        // The amount as the text writes it ($1.2345 stays 1.2345: a captured /cost keeps the cents it had).
        private static decimal ParseMoney(string value, string line)
        {
            Match m = s_money.Match(value);
            if (!m.Success)
            {
                throw new InvalidCostOutputException("InvalidCostValue", line, Format(Resources.Messages.InvalidCostValue, line));
            }
            if (!decimal.TryParse(m.Groups["n"].Value.Replace(",", string.Empty), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out decimal d))
            {
                // Thirty digits and more are past decimal's range.
                throw new InvalidCostOutputException("InvalidCostValue", line, Format(Resources.Messages.InvalidCostValue, line));
            }
            return d;
        }

        private static double? DurationOrWarn(string value, string line, CostReport report)
        {
            double? d = ParseDuration(value);
            if (d is null) { report.Warnings.Add(Format(Resources.Messages.CostDurationUnreadable, line)); }
            return d;
        }

        private static void ParseChanges(string value, string line, CostReport report)
        {
            if (s_noChanges.IsMatch(value))
            {
                report.LinesAdded = 0;
                report.LinesRemoved = 0;
                return;
            }
            Match m = s_changes.Match(value);
            if (!m.Success)
            {
                report.Warnings.Add(Format(Resources.Messages.CostChangesUnreadable, line));
                return;
            }
            long removed = 0;
            // A count too large for a long is unreadable (a warning), not an OverflowException.
            if (!long.TryParse(m.Groups["a"].Value.Replace(",", string.Empty), NumberStyles.Integer, CultureInfo.InvariantCulture, out long added)
                || (m.Groups["r"].Success && !long.TryParse(m.Groups["r"].Value.Replace(",", string.Empty), NumberStyles.Integer, CultureInfo.InvariantCulture, out removed)))
            {
                report.Warnings.Add(Format(Resources.Messages.CostChangesUnreadable, line));
                return;
            }
            report.LinesAdded = added;
            report.LinesRemoved = removed;
        }

        // Claude Code prefixes command output with a tree glyph ("⎿") and pads with spaces; a pasted
        // transcript may quote lines with '>' or '│'.
        private static string Clean(string line)
        {
            int i = 0;
            while (i < line.Length && (char.IsWhiteSpace(line[i]) || line[i] == '⎿' || line[i] == '│' || line[i] == '>' || line[i] == '\uFEFF'))
            {
                i++;
            }
            return line.Substring(i).TrimEnd();
        }

        internal static string Excerpt(string text)
        {
            string t = text.Trim();
            return t.Length <= 80 ? t : t.Substring(0, 80) + "...";
        }

        private static string Format(string template, params object?[] args) =>
            string.Format(CultureInfo.CurrentCulture, template, args);
    }
}
