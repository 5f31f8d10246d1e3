using System;
using System.Runtime.CompilerServices;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace RlmTokens.Transcripts
{
    /// <summary>What one transcript line turned out to be.</summary>
    internal enum LineKind
    {
        /// <summary>No usage to count (user, tool result, progress copy, synthetic zero usage, ...).</summary>
        Skip,

        /// <summary>An assistant response with usage.</summary>
        Usage,

        /// <summary>
        /// Not valid JSON (a torn write, a hand edit), or an assistant line whose usage holds a count that is
        /// negative, fractional, not a number or out of range (<see cref="TranscriptLineParser.MaxTokensPerCount"/>):
        /// such a line is counted as malformed and never summed.
        /// </summary>
        Malformed,
    }

    /// <summary>
    /// Parses one JSONL line with <see cref="Utf8JsonReader"/>, but only a line that can carry usage:
    /// a byte search for "usage" and "assistant" rejects user lines and tool results (most of a
    /// transcript's bytes) without tokenizing them. One instance per thread: it reuses repeated strings.
    /// </summary>
    internal sealed class TranscriptLineParser
    {
        private static readonly byte[] s_usage = Encoding.UTF8.GetBytes("\"usage\"");
        private static readonly byte[] s_assistant = Encoding.UTF8.GetBytes("assistant");
        private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip };

        /// <summary>
        /// The largest token count one usage field may hold. A response's four counts must also add up to
        /// no more than this, so a sum of entries can only leave long's range by overflow, which the
        /// summing code checks (NumberOutOfRange), never by one line.
        /// </summary>
        public const long MaxTokensPerCount = long.MaxValue;

        /// <summary>Marks a usage count that cannot be used (negative, fractional, not a number, out of range).</summary>
        private const long BadCount = -1;

        private string? _model;
        private string? _session;
        private string? _cwd;
        private string? _branch;
        private string? _agent;

        /// <summary>True when a line may hold usage (cheap; no parsing).</summary>
        public static bool MayHoldUsage(ReadOnlySpan<byte> line) =>
            line.IndexOf(s_usage) >= 0 && line.IndexOf(s_assistant) >= 0;

        public LineKind Parse(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry)
        {
            entry = null;
            if (!MayHoldUsage(line)) { return LineKind.Skip; }
            try
            {
                return ParseCore(line, project, file, out entry);
            }
            catch (JsonException)
            {
                return LineKind.Malformed;
            }
            catch (InvalidOperationException)
            {
                return LineKind.Malformed;
            }
            catch (FormatException)
            {
                return LineKind.Malformed;
            }
            catch (OverflowException)
            {
                return LineKind.Malformed;
            }
        }

        [MethodImpl(HotPath.Hot)]
        private LineKind ParseCore(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry)
        {
            entry = null;
            Utf8JsonReader r = new Utf8JsonReader(line, s_options);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { return LineKind.Malformed; }
            bool assistant = false, typeSeen = false, hasUsage = false, sidechain = false;
            string? model = null, messageId = null, requestId = null, session = null, cwd = null, branch = null, agent = null;
            DateTime timestamp = default;
            bool hasTimestamp = false;
            long input = 0, output = 0, cacheCreate = 0, cacheRead = 0, cc5 = 0, cc1 = 0;
            bool hasSplit = false;
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.EndObject) { break; }
                if (r.TokenType != JsonTokenType.PropertyName) { return LineKind.Malformed; }
                if (r.ValueTextEquals("type"))
                {
                    r.Read();
                    typeSeen = true;
                    assistant = r.TokenType == JsonTokenType.String && r.ValueTextEquals("assistant");
                    if (!assistant) { return CheckRest(ref r); }
                }
                else if (r.ValueTextEquals("message"))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("model")) { r.Read(); model = Str(ref r, ref _model); }
                        else if (r.ValueTextEquals("id")) { r.Read(); messageId = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                        else if (r.ValueTextEquals("usage"))
                        {
                            r.Read();
                            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                            hasUsage = true;
                            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                            {
                                if (r.ValueTextEquals("input_tokens")) { r.Read(); input = Num(ref r); }
                                else if (r.ValueTextEquals("output_tokens")) { r.Read(); output = Num(ref r); }
                                else if (r.ValueTextEquals("cache_creation_input_tokens")) { r.Read(); cacheCreate = Num(ref r); }
                                else if (r.ValueTextEquals("cache_read_input_tokens")) { r.Read(); cacheRead = Num(ref r); }
                                else if (r.ValueTextEquals("cache_creation"))
                                {
                                    r.Read();
                                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                                    hasSplit = true;
                                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                                    {
                                        if (r.ValueTextEquals("ephemeral_5m_input_tokens")) { r.Read(); cc5 = Num(ref r); }
                                        else if (r.ValueTextEquals("ephemeral_1h_input_tokens")) { r.Read(); cc1 = Num(ref r); }
                                        else { r.Read(); r.Skip(); }
                                    }
                                }
                                else { r.Read(); r.Skip(); }
                            }
                        }
                        else { r.Read(); r.Skip(); }
                    }
                }
                else if (r.ValueTextEquals("requestId")) { r.Read(); requestId = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                else if (r.ValueTextEquals("timestamp"))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String) { hasTimestamp = TryTimestamp(ref r, out timestamp); }
                }
                else if (r.ValueTextEquals("sessionId")) { r.Read(); session = Str(ref r, ref _session); }
                else if (r.ValueTextEquals("cwd")) { r.Read(); cwd = Str(ref r, ref _cwd); }
                else if (r.ValueTextEquals("gitBranch")) { r.Read(); branch = Str(ref r, ref _branch); }
                else if (r.ValueTextEquals("agentId")) { r.Read(); agent = Str(ref r, ref _agent); }
                else if (r.ValueTextEquals("isSidechain")) { r.Read(); sidechain = r.TokenType == JsonTokenType.True; }
                else { r.Read(); r.Skip(); }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.CurrentDepth != 0) { return LineKind.Malformed; }
            if (!typeSeen || !assistant || !hasUsage) { return LineKind.Skip; }
            // Usage that cannot be a count (negative, fractional, not a number, past long) is never summed.
            if (input < 0 || output < 0 || cacheCreate < 0 || cacheRead < 0 || cc5 < 0 || cc1 < 0) { return LineKind.Malformed; }
            long lineTotal;
            try { lineTotal = checked(input + output + cacheCreate + cacheRead); }
            catch (OverflowException) { return LineKind.Malformed; }
            if (lineTotal > MaxTokensPerCount) { return LineKind.Malformed; }
            if (!hasTimestamp) { return LineKind.Skip; }
            if (model is null) { model = string.Empty; }
            if (string.Equals(model, "<synthetic>", StringComparison.Ordinal) && input + output + cacheCreate + cacheRead == 0)
            {
                return LineKind.Skip;
            }
            if (!hasSplit)
            {
                cc5 = cacheCreate;
                cc1 = 0;
            }
            else if (cc5 > cacheCreate || cc1 > cacheCreate || cc5 + cc1 != cacheCreate)
            {
                // Trust the total; put what the split does not explain in the 5-minute bucket.
                long rest = cacheCreate - cc1;
                cc5 = rest < 0 ? 0 : rest;
                if (rest < 0) { cc1 = cacheCreate; }
            }
            entry = new UsageEntry
            {
                Timestamp = timestamp,
                Model = model,
                MessageId = messageId,
                RequestId = requestId,
                SessionId = session,
                Project = project,
                Cwd = cwd,
                GitBranch = branch,
                IsSidechain = sidechain,
                AgentId = agent,
                InputTokens = input,
                OutputTokens = output,
                CacheCreationTokens = cacheCreate,
                CacheCreation5mTokens = cc5,
                CacheCreation1hTokens = cc1,
                CacheReadTokens = cacheRead,
                SourceFile = file,
            };
            return LineKind.Usage;
        }

        // A line that is not an assistant line is skipped, but it must still be well-formed JSON
        // to count as such: finish tokenizing it.
        private static LineKind CheckRest(ref Utf8JsonReader r)
        {
            while (r.Read()) { }
            return r.CurrentDepth == 0 ? LineKind.Skip : LineKind.Malformed;
        }

        private static string? Str(ref Utf8JsonReader r, ref string? last)
        {
            if (r.TokenType != JsonTokenType.String) { r.Skip(); return null; }
            if (last is not null && r.ValueTextEquals(last)) { return last; }
            return last = r.GetString();
        }

        /// <summary>
        /// A usage count: a non-negative integer (1234, 1234.0 or "1234", as PowerShell writes numbers) that
        /// fits in long; null counts as 0. Anything else is <see cref="BadCount"/>, which makes the line malformed.
        /// </summary>
        private static long Num(ref Utf8JsonReader r)
        {
            switch (r.TokenType)
            {
                case JsonTokenType.Number:
                    if (r.TryGetInt64(out long v)) { return v < 0 ? BadCount : v; }
                    return r.TryGetDouble(out double d) ? FromDouble(d) : BadCount;
                case JsonTokenType.String:
                    string? s = r.GetString();
                    if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out long l)) { return l; }
                    return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double ds) ? FromDouble(ds) : BadCount;
                case JsonTokenType.Null:
                    return 0;
                case JsonTokenType.StartObject:
                case JsonTokenType.StartArray:
                    r.Skip();
                    return BadCount;
                default:
                    return BadCount;
            }
        }

        // 9.2e18 is the first double past long.MaxValue; a fraction or anything not finite is no count.
        private static long FromDouble(double d) =>
            !double.IsNaN(d) && !double.IsInfinity(d) && d >= 0 && d < 9.2233720368547758e18 && Math.Floor(d) == d ? (long)d : BadCount;

        private static bool TryTimestamp(ref Utf8JsonReader r, out DateTime value)
        {
            if (!r.HasValueSequence && !r.ValueIsEscaped && TimestampParser.TryParseIsoUtc(r.ValueSpan, out value)) { return true; }
            string? s = r.GetString();
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset dto))
            {
                value = dto.UtcDateTime;
                return true;
            }
            value = default;
            return false;
        }
    }

    /// <summary>Fast path for Claude Code's timestamps: yyyy-MM-ddTHH:mm:ss[.fffffff]Z.</summary>
    internal static class TimestampParser
    {
        [MethodImpl(HotPath.Hot)]
        public static bool TryParseIsoUtc(ReadOnlySpan<byte> s, out DateTime value)
        {
            value = default;
            if (s.Length < 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':' || s[s.Length - 1] != 'Z') { return false; }
            if (!D(s, 0, 4, out int y) || !D(s, 5, 2, out int mo) || !D(s, 8, 2, out int d) || !D(s, 11, 2, out int h)
                || !D(s, 14, 2, out int mi) || !D(s, 17, 2, out int sec)) { return false; }
            long frac = 0;
            int i = 19;
            if (s[i] == '.')
            {
                i++;
                int digits = 0;
                while (i < s.Length - 1)
                {
                    byte c = s[i];
                    if (c < '0' || c > '9') { return false; }
                    if (digits < 7) { frac = frac * 10 + (c - '0'); digits++; }
                    i++;
                }
                if (digits == 0) { return false; }
                for (; digits < 7; digits++) { frac *= 10; }
            }
            if (i != s.Length - 1) { return false; }
            if (mo < 1 || mo > 12 || d < 1 || d > DateTime.DaysInMonth(y < 1 ? 1 : y, mo) || h > 23 || mi > 59 || sec > 59 || y < 1) { return false; }
            value = new DateTime(y, mo, d, h, mi, sec, DateTimeKind.Utc).AddTicks(frac);
            return true;
        }

        private static bool D(ReadOnlySpan<byte> s, int start, int len, out int v)
        {
            v = 0;
            for (int i = start; i < start + len; i++)
            {
                int c = s[i] - '0';
                if (c < 0 || c > 9) { return false; }
                v = v * 10 + c;
            }
            return true;
        }
    }
}
