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
    /// Parses one JSONL line, but only a line that can carry usage: a byte search for the "usage" key rejects
    /// user lines and tool results (most of a transcript's bytes) without reading them. Counted: an assistant
    /// line or a line without a type (as ccusage counts them) with message.usage, and a progress line's
    /// agent_progress copy of a subagent's response (marked <see cref="UsageEntry.FromProgressCopy"/>). A line that
    /// passes goes through <see cref="LineScanner"/>, which pulls out the usage fields in one forward pass
    /// without tokenizing the rest; what it is not sure of (malformed JSON, comments, counts written as
    /// strings or floats) goes to the <see cref="Utf8JsonReader"/> parser, which decides. One instance per
    /// thread: it reuses repeated strings.
    /// </summary>
    internal sealed class TranscriptLineParser
    {
        private static readonly JsonReaderOptions s_options = new JsonReaderOptions { MaxDepth = 256, CommentHandling = JsonCommentHandling.Skip };

        /// <summary>
        /// The largest token count one usage field may hold. A response's four counts must also add up to
        /// no more than this, so a sum of entries can only leave long's range by overflow, which the
        /// summing code checks (NumberOutOfRange), never by one line.
        /// </summary>
        public const long MaxTokensPerCount = long.MaxValue;

        /// <summary>Marks a usage count that cannot be used (negative, fractional, not a number, out of range).</summary>
        private const long BadCount = -1;

        private readonly RepeatedString _model = new RepeatedString();
        private readonly RepeatedString _session = new RepeatedString();
        private readonly RepeatedString _cwd = new RepeatedString();
        private readonly RepeatedString _branch = new RepeatedString();
        private readonly RepeatedString _agent = new RepeatedString();

        /// <summary>True when a line may hold usage (cheap; no parsing).</summary>
        public static bool MayHoldUsage(ReadOnlySpan<byte> line) => ByteSearch.IndexOf(line, "\"usage\""u8) >= 0;

        public LineKind Parse(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry)
        {
            entry = null;
            return MayHoldUsage(line) ? ParseCandidate(line, project, file, out entry) : LineKind.Skip;
        }

        /// <summary>
        /// <see cref="Parse"/> for a line the caller already found "usage" in: one search per line.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public LineKind ParseWithUsage(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry) =>
            ParseCandidate(line, project, file, out entry);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private LineKind ParseCandidate(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry)
        {
            LineFields f = default;
            if (LineScanner.TryRead(line, ref f, out bool notAssistant, _model, _session, _cwd, _branch, _agent))
            {
                entry = null;
                return notAssistant ? LineKind.Skip : Build(ref f, project, file, out entry);
            }
            return ParseWithReader(line, project, file, out entry);
        }

        /// <summary>The <see cref="Utf8JsonReader"/> parser alone: the fallback, and the reference a test holds the fast path to.</summary>
        internal LineKind ParseWithReader(ReadOnlySpan<byte> line, string project, string? file, out UsageEntry? entry)
        {
            entry = null;
            try
            {
                LineFields f = default;
                LineKind kind = ReadFields(line, ref f);
                return kind == LineKind.Usage ? Build(ref f, project, file, out entry) : kind;
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

        /// <summary>Reads the fields with <see cref="Utf8JsonReader"/>; Usage means "go on to <see cref="Build"/>".</summary>
        private LineKind ReadFields(ReadOnlySpan<byte> line, ref LineFields f)
        {
            Utf8JsonReader r = new Utf8JsonReader(line, s_options);
            if (!r.Read() || r.TokenType != JsonTokenType.StartObject) { return LineKind.Malformed; }
            // A progress line's data (agent_progress): the subagent's response it copies, read whatever the order of type and data.
            LineFields copy = default;
            while (r.Read())
            {
                if (r.TokenType == JsonTokenType.EndObject) { break; }
                if (r.TokenType != JsonTokenType.PropertyName) { return LineKind.Malformed; }
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    f.TypeSeen = true;
                    f.Assistant = r.TokenType == JsonTokenType.String && r.ValueTextEquals("assistant"u8);
                    f.Progress = r.TokenType == JsonTokenType.String && r.ValueTextEquals("progress"u8);
                    if (!f.Assistant && !f.Progress) { return CheckRest(ref r); }
                }
                else if (r.ValueTextEquals("message"u8)) { r.Read(); ReadMessage(ref r, ref f); }
                else if (r.ValueTextEquals("data"u8))
                {
                    r.Read();
                    ReadProgressData(ref r, ref copy);
                }
                else if (r.ValueTextEquals("requestId"u8)) { r.Read(); f.RequestId = r.TokenType == JsonTokenType.String ? r.GetString() : null; }
                else if (r.ValueTextEquals("timestamp"u8))
                {
                    r.Read();
                    if (r.TokenType == JsonTokenType.String) { f.HasTimestamp = TryTimestamp(ref r, out f.Timestamp); }
                }
                else if (r.ValueTextEquals("costUSD"u8)) { r.Read(); f.CostUsd = Cost(ref r); }
                else if (r.ValueTextEquals("sessionId"u8)) { r.Read(); f.Session = Str(ref r, _session); }
                else if (r.ValueTextEquals("cwd"u8)) { r.Read(); f.Cwd = Str(ref r, _cwd); }
                else if (r.ValueTextEquals("gitBranch"u8)) { r.Read(); f.Branch = Str(ref r, _branch); }
                else if (r.ValueTextEquals("agentId"u8)) { r.Read(); f.Agent = Str(ref r, _agent); }
                else if (r.ValueTextEquals("isSidechain"u8)) { r.Read(); f.Sidechain = r.TokenType == JsonTokenType.True; }
                else { r.Read(); r.Skip(); }
            }
            if (r.TokenType != JsonTokenType.EndObject || r.CurrentDepth != 0) { return LineKind.Malformed; }
            if (f.Progress) { LineScanner.TakeCopy(ref f, ref copy); }
            return LineKind.Usage;
        }

        /// <summary>The members of a line's message object (model, id, usage); anything else is skipped.</summary>
        private void ReadMessage(ref Utf8JsonReader r, ref LineFields f)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("model"u8)) { r.Read(); f.Model = Str(ref r, _model); }
                else if (r.ValueTextEquals("id"u8))
                {
                    r.Read();
                    f.MessageId = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                    if (f.MessageId is null) { r.Skip(); }
                }
                else if (r.ValueTextEquals("usage"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                    f.HasUsage = true;
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("input_tokens"u8)) { r.Read(); f.Input = Num(ref r); }
                        else if (r.ValueTextEquals("output_tokens"u8)) { r.Read(); f.Output = Num(ref r); }
                        else if (r.ValueTextEquals("cache_creation_input_tokens"u8)) { r.Read(); f.CacheCreate = Num(ref r); }
                        else if (r.ValueTextEquals("cache_read_input_tokens"u8)) { r.Read(); f.CacheRead = Num(ref r); }
                        else if (r.ValueTextEquals("speed"u8))
                        {
                            r.Read();
                            if (r.TokenType == JsonTokenType.String) { f.Fast = r.ValueTextEquals("fast"u8); }
                            else { r.Skip(); }
                        }
                        else if (r.ValueTextEquals("cache_creation"u8))
                        {
                            r.Read();
                            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                            f.HasSplit = true;
                            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                            {
                                if (r.ValueTextEquals("ephemeral_5m_input_tokens"u8)) { r.Read(); f.Cache5m = Num(ref r); }
                                else if (r.ValueTextEquals("ephemeral_1h_input_tokens"u8)) { r.Read(); f.Cache1h = Num(ref r); }
                                else { r.Read(); r.Skip(); }
                            }
                        }
                        else { r.Read(); r.Skip(); }
                    }
                }
                else { r.Read(); r.Skip(); }
            }
        }

        /// <summary>
        /// A progress line's data: its type (agent_progress), agentId, and the copied line in data.message
        /// (type, timestamp, requestId, and message with model, id and usage) read into <paramref name="copy"/>.
        /// </summary>
        private void ReadProgressData(ref Utf8JsonReader r, ref LineFields copy)
        {
            if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); return; }
            while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
            {
                if (r.ValueTextEquals("type"u8))
                {
                    r.Read();
                    copy.AgentProgress = r.TokenType == JsonTokenType.String && r.ValueTextEquals("agent_progress"u8);
                    if (r.TokenType != JsonTokenType.String) { r.Skip(); }
                }
                else if (r.ValueTextEquals("agentId"u8)) { r.Read(); copy.Agent = Str(ref r, _agent); }
                else if (r.ValueTextEquals("message"u8))
                {
                    r.Read();
                    if (r.TokenType != JsonTokenType.StartObject) { r.Skip(); continue; }
                    while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
                    {
                        if (r.ValueTextEquals("type"u8))
                        {
                            r.Read();
                            copy.TypeSeen = true;
                            copy.Assistant = r.TokenType == JsonTokenType.String && r.ValueTextEquals("assistant"u8);
                            if (r.TokenType != JsonTokenType.String) { r.Skip(); }
                        }
                        else if (r.ValueTextEquals("message"u8)) { r.Read(); ReadMessage(ref r, ref copy); }
                        else if (r.ValueTextEquals("costUSD"u8)) { r.Read(); copy.CostUsd = Cost(ref r); }
                        else if (r.ValueTextEquals("requestId"u8))
                        {
                            r.Read();
                            copy.RequestId = r.TokenType == JsonTokenType.String ? r.GetString() : null;
                            if (copy.RequestId is null) { r.Skip(); }
                        }
                        else if (r.ValueTextEquals("timestamp"u8))
                        {
                            r.Read();
                            if (r.TokenType == JsonTokenType.String) { copy.HasTimestamp = TryTimestamp(ref r, out copy.Timestamp); }
                            else { r.Skip(); }
                        }
                        else { r.Read(); r.Skip(); }
                    }
                }
                else { r.Read(); r.Skip(); }
            }
        }

        /// <summary>What the fields of a well-formed line amount to: Skip, Malformed (counts that are no counts) or an entry.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static LineKind Build(ref LineFields f, string project, string? file, out UsageEntry? entry)
        {
            entry = null;
            // A line without a type counts as an assistant line when it carries message.usage (as ccusage reads them).
            if ((f.TypeSeen && !f.Assistant) || !f.HasUsage) { return LineKind.Skip; }
            long input = f.Input, output = f.Output, cacheCreate = f.CacheCreate, cacheRead = f.CacheRead, cc5 = f.Cache5m, cc1 = f.Cache1h;
            // Usage that cannot be a count (negative, fractional, not a number, past long) is never summed.
            if (input < 0 || output < 0 || cacheCreate < 0 || cacheRead < 0 || cc5 < 0 || cc1 < 0) { return LineKind.Malformed; }
            long lineTotal;
            try { lineTotal = checked(input + output + cacheCreate + cacheRead); }
            catch (OverflowException) { return LineKind.Malformed; }
            if (lineTotal > MaxTokensPerCount) { return LineKind.Malformed; }
            if (!f.HasTimestamp) { return LineKind.Skip; }
            string model = f.Model ?? string.Empty;
            if (string.Equals(model, "<synthetic>", StringComparison.Ordinal) && lineTotal == 0)
            {
                return LineKind.Skip;
            }
            if (!f.HasSplit)
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
                Timestamp = f.Timestamp,
                Model = model,
                MessageId = f.MessageId,
                RequestId = f.RequestId,
                SessionId = f.Session,
                Project = project,
                Cwd = f.Cwd,
                GitBranch = f.Branch,
                IsSidechain = f.Sidechain,
                AgentId = f.Agent,
                InputTokens = input,
                OutputTokens = output,
                CacheCreationTokens = cacheCreate,
                CacheCreation5mTokens = cc5,
                CacheCreation1hTokens = cc1,
                CacheReadTokens = cacheRead,
                SourceFile = file,
                FromProgressCopy = f.ProgressCopy,
                Fast = f.Fast,
                CostUsd = f.CostUsd,
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

        /// <summary>A costUSD: a number's text through <see cref="LineScanner.CostValue"/>; anything else is none.</summary>
        private static decimal? Cost(ref Utf8JsonReader r)
        {
            if (r.TokenType != JsonTokenType.Number) { r.Skip(); return null; }
            return LineScanner.CostValue(r.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(r.ValueSequence) : r.ValueSpan);
        }

        private static string? Str(ref Utf8JsonReader r, RepeatedString last)
        {
            if (r.TokenType != JsonTokenType.String) { r.Skip(); return null; }
            if (r.HasValueSequence || r.ValueIsEscaped) { return r.GetString(); }
            // GetString fails on invalid UTF-8; the repeated-string decoder would not, so check first.
            return System.Text.Unicode.Utf8.IsValid(r.ValueSpan) ? last.Get(r.ValueSpan, false) : r.GetString();
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
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
