using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace RlmTokens.Transcripts
{
    /// <summary>What a transcript line says about usage, whichever parser read it.</summary>
    internal struct LineFields
    {
        public bool TypeSeen;
        public bool Assistant;

        /// <summary>The line's type is "progress": its usage, if any, is a copy nested in data.message.</summary>
        public bool Progress;

        /// <summary>Of a progress line's data (read into a LineFields of its own): data.type is "agent_progress".</summary>
        public bool AgentProgress;

        /// <summary>The line is a progress line's copy of a subagent's response (see <see cref="UsageEntry.FromProgressCopy"/>).</summary>
        public bool ProgressCopy;

        /// <summary>usage.speed is "fast".</summary>
        public bool Fast;

        /// <summary>The line's costUSD (older Claude Code wrote it): a non-negative number, else null.</summary>
        public decimal? CostUsd;
        public bool HasUsage;
        public bool HasSplit;
        public bool Sidechain;
        public bool HasTimestamp;
        public DateTime Timestamp;
        public string? Model;
        public string? MessageId;
        public string? RequestId;
        public string? Session;
        public string? Cwd;
        public string? Branch;
        public string? Agent;
        public long Input;
        public long Output;
        public long CacheCreate;
        public long CacheRead;
        public long Cache5m;
        public long Cache1h;
    }

    /// <summary>Strings a parser saw last, so a file's repeated model, session, cwd, branch and agent are decoded once.</summary>
    internal sealed class RepeatedString
    {
        private byte[] _raw = Array.Empty<byte>();
        private string? _value;

        /// <summary>The text of a JSON string's raw (still escaped) bytes.</summary>
        public string? Get(ReadOnlySpan<byte> raw, bool escaped)
        {
            if (_value is not null && raw.SequenceEqual(_raw)) { return _value; }
            string? value = escaped ? LineScanner.Unescape(raw) : Encoding.UTF8.GetString(raw);
            if (value is null) { return null; }
            _raw = raw.ToArray();
            return _value = value;
        }
    }

    /// <summary>
    /// The fast path of <see cref="TranscriptLineParser"/>: one forward pass over a line's bytes that pulls out
    /// the few fields a usage line needs and checks everything else only for well-formedness, without
    /// tokenizing it (strings are crossed with one vectorized search per escape). It accepts a strict subset of
    /// what <see cref="System.Text.Json.Utf8JsonReader"/> accepts: plain JSON in valid UTF-8, no comments, depth
    /// at most 64, plain integer counts. Anything else (a malformed line, a comment, a count written as
    /// "1234" or 1234.0, a surrogate escape, a property name with an escape) returns false, and the line goes
    /// to the reader-based parser, which decides: both give the same result for every line (a differential
    /// test holds them to it).
    /// </summary>
    internal ref struct LineScanner
    {
        private const int MaxDepth = 64;

        private readonly ReadOnlySpan<byte> _s;
        private readonly RepeatedString? _agent;
        private int _p;

        private LineScanner(ReadOnlySpan<byte> line, RepeatedString agent)
        {
            _s = line;
            _agent = agent;
            _p = 0;
        }

        /// <summary>
        /// Reads a line as the reader-based parser would, filling <paramref name="f"/>; <paramref name="notAssistant"/>
        /// is set when the line is well-formed but its type is neither "assistant", "progress" nor absent (a skipped
        /// line); a progress line ends as the response it copies, or without usage (<see cref="TakeCopy"/>). False:
        /// not sure, ask the reader-based parser.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static bool TryRead(ReadOnlySpan<byte> line, ref LineFields f, out bool notAssistant, RepeatedString model,
            RepeatedString session, RepeatedString cwd, RepeatedString branch, RepeatedString agent)
        {
            notAssistant = false;
            LineFields copy = default;
            // Raw control bytes (legal only as whitespace between tokens) and invalid UTF-8: the reader decides.
            TextKind kind = ByteSearch.Classify(line);
            if (kind == TextKind.Control || (kind == TextKind.NonAscii && !System.Text.Unicode.Utf8.IsValid(line))) { return false; }
            LineScanner s = new LineScanner(line, agent);
            s.Ws();
            if (s.Peek() != '{') { return false; }
            s._p++;
            s.Ws();
            if (s.Peek() == '}') { s._p++; return s.End(); }
            while (true)
            {
                if (!s.Name(out ReadOnlySpan<byte> name)) { return false; }
                if (notAssistant)
                {
                    if (!s.Value(1)) { return false; }
                }
                else if (name.SequenceEqual("type"u8))
                {
                    if (s.Peek() != '"' || !s.String(out ReadOnlySpan<byte> type, out bool escaped) || escaped) { return false; }
                    f.TypeSeen = true;
                    f.Assistant = type.SequenceEqual("assistant"u8);
                    f.Progress = type.SequenceEqual("progress"u8);
                    notAssistant = !f.Assistant && !f.Progress;
                }
                else if (name.SequenceEqual("message"u8))
                {
                    if (s.Peek() != '{') { if (!s.Value(1)) { return false; } }
                    else if (!s.Members(Level.Message, ref f, model)) { return false; }
                }
                else if (name.SequenceEqual("data"u8))
                {
                    // A progress line's data, whichever of type and data comes first: read into the copy.
                    if (s.Peek() != '{') { if (!s.Value(1)) { return false; } }
                    else if (!s.Members(Level.Data, ref copy, model)) { return false; }
                }
                else if (name.SequenceEqual("requestId"u8)) { if (!s.Id(out f.RequestId)) { return false; } }
                else if (name.SequenceEqual("timestamp"u8)) { if (!s.Timestamp(ref f)) { return false; } }
                else if (name.SequenceEqual("costUSD"u8)) { if (!s.Cost(out f.CostUsd)) { return false; } }
                else if (name.SequenceEqual("sessionId"u8)) { if (!s.Text(session, out f.Session)) { return false; } }
                else if (name.SequenceEqual("cwd"u8)) { if (!s.Text(cwd, out f.Cwd)) { return false; } }
                else if (name.SequenceEqual("gitBranch"u8)) { if (!s.Text(branch, out f.Branch)) { return false; } }
                else if (name.SequenceEqual("agentId"u8)) { if (!s.Text(agent, out f.Agent)) { return false; } }
                else if (name.SequenceEqual("isSidechain"u8))
                {
                    byte c = s.Peek();
                    if (c == '{' || c == '[') { return false; }
                    f.Sidechain = c == 't';
                    if (!s.Value(1)) { return false; }
                }
                else if (!s.Value(1)) { return false; }
                switch (s.Next())
                {
                    case (byte)',': continue;
                    case (byte)'}':
                        if (!s.End()) { return false; }
                        if (f.Progress) { TakeCopy(ref f, ref copy); }
                        return true;
                    default: return false;
                }
            }
        }

        /// <summary>
        /// A progress line stands for the subagent response its data.message copies (an agent_progress whose
        /// message is an assistant line with usage): that response's fields, the line's session, cwd and branch,
        /// the copy's agentId (else the line's), marked as a copy. Anything else on a progress line leaves
        /// <paramref name="f"/> without usage (skipped). Both parsers end a progress line here.
        /// </summary>
        internal static void TakeCopy(ref LineFields f, ref LineFields copy)
        {
            if (!copy.AgentProgress || !copy.HasUsage || (copy.TypeSeen && !copy.Assistant))
            {
                f.HasUsage = false;
                return;
            }
            copy.TypeSeen = true;
            copy.Assistant = true;
            copy.Progress = true;
            copy.ProgressCopy = true;
            copy.Sidechain = true;
            if (!copy.HasTimestamp)
            {
                copy.HasTimestamp = f.HasTimestamp;
                copy.Timestamp = f.Timestamp;
            }
            copy.Session = f.Session;
            copy.Cwd = f.Cwd;
            copy.Branch = f.Branch;
            copy.Agent ??= f.Agent;
            f = copy;
        }

        /// <summary>The nested objects whose members the scanner reads: message, message.usage, usage.cache_creation.</summary>
        private enum Level
        {
            Message = 2,
            Usage = 3,
            Split = 4,

            // A progress line's data, and the line it copies in data.message (values above their depth: a deeper
            // limit than the real one only makes the scanner fall back sooner).
            Data = 5,
            Copy = 6,
        }

        /// <summary>Reads the members of the object at the current brace, each through <see cref="Member"/>.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Members(Level level, ref LineFields f, RepeatedString model)
        {
            _p++;
            Ws();
            if (Peek() == '}') { _p++; return true; }
            while (true)
            {
                if (!Name(out ReadOnlySpan<byte> name) || !Member(level, name, ref f, model)) { return false; }
                switch (Next())
                {
                    case (byte)',': continue;
                    case (byte)'}': return true;
                    default: return false;
                }
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Member(Level level, ReadOnlySpan<byte> name, ref LineFields f, RepeatedString model)
        {
            switch (level)
            {
                case Level.Message:
                    if (name.SequenceEqual("model"u8)) { return Text(model, out f.Model); }
                    if (name.SequenceEqual("id"u8)) { return Id(out f.MessageId); }
                    if (name.SequenceEqual("usage"u8) && Peek() == '{')
                    {
                        f.HasUsage = true;
                        return Members(Level.Usage, ref f, model);
                    }
                    break;
                case Level.Usage:
                    if (name.SequenceEqual("input_tokens"u8)) { return Count(out f.Input); }
                    if (name.SequenceEqual("output_tokens"u8)) { return Count(out f.Output); }
                    if (name.SequenceEqual("cache_creation_input_tokens"u8)) { return Count(out f.CacheCreate); }
                    if (name.SequenceEqual("cache_read_input_tokens"u8)) { return Count(out f.CacheRead); }
                    if (name.SequenceEqual("speed"u8) && Peek() == '"')
                    {
                        if (!String(out ReadOnlySpan<byte> speed, out bool escaped) || escaped) { return false; }
                        f.Fast = speed.SequenceEqual("fast"u8);
                        return true;
                    }
                    if (name.SequenceEqual("cache_creation"u8) && Peek() == '{')
                    {
                        f.HasSplit = true;
                        return Members(Level.Split, ref f, model);
                    }
                    break;
                case Level.Split:
                    if (name.SequenceEqual("ephemeral_5m_input_tokens"u8)) { return Count(out f.Cache5m); }
                    if (name.SequenceEqual("ephemeral_1h_input_tokens"u8)) { return Count(out f.Cache1h); }
                    break;
                case Level.Data:
                    if (name.SequenceEqual("type"u8))
                    {
                        f.AgentProgress = false;
                        if (Peek() != '"') { return Value((int)level); }
                        if (!String(out ReadOnlySpan<byte> type, out bool escaped) || escaped) { return false; }
                        f.AgentProgress = type.SequenceEqual("agent_progress"u8);
                        return true;
                    }
                    if (name.SequenceEqual("agentId"u8)) { return _agent is not null && Text(_agent, out f.Agent); }
                    if (name.SequenceEqual("message"u8) && Peek() == '{') { return Members(Level.Copy, ref f, model); }
                    break;
                default:
                    if (name.SequenceEqual("type"u8))
                    {
                        f.TypeSeen = true;
                        f.Assistant = false;
                        if (Peek() != '"') { return Value((int)level); }
                        if (!String(out ReadOnlySpan<byte> type, out bool escaped) || escaped) { return false; }
                        f.Assistant = type.SequenceEqual("assistant"u8);
                        return true;
                    }
                    if (name.SequenceEqual("message"u8) && Peek() == '{') { return Members(Level.Message, ref f, model); }
                    if (name.SequenceEqual("requestId"u8)) { return Id(out f.RequestId); }
                    if (name.SequenceEqual("timestamp"u8)) { return Timestamp(ref f); }
                    if (name.SequenceEqual("costUSD"u8)) { return Cost(out f.CostUsd); }
                    break;
            }
            return Value((int)level);
        }

        /// <summary>A timestamp: an ISO UTC string the fast parser reads, or a scalar that counts as none. Anything else: not sure.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Timestamp(ref LineFields f)
        {
            byte c = Peek();
            if (c == '{' || c == '[') { return false; }
            if (c != '"') { return Value(1); }
            if (!String(out ReadOnlySpan<byte> ts, out bool escaped) || escaped) { return false; }
            f.HasTimestamp = TimestampParser.TryParseIsoUtc(ts, out f.Timestamp);
            return f.HasTimestamp;
        }

        /// <summary>A costUSD: a JSON number read by <see cref="CostValue"/>; any other scalar counts as none. An object or array: not sure.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Cost(out decimal? value)
        {
            value = null;
            byte c = Peek();
            if (c == '{' || c == '[') { return false; }
            if (c != '-' && !IsDigit(c)) { return Value(1); }
            int start = _p;
            if (!Number(out _)) { return false; }
            value = CostValue(_s.Slice(start, _p - start));
            return true;
        }

        /// <summary>
        /// A costUSD's JSON number text as USD: a finite, non-negative decimal, else null (both parsers read the
        /// number's text through this one function).
        /// </summary>
        internal static decimal? CostValue(ReadOnlySpan<byte> number)
        {
            if (number.Length > 64) { return null; }
            return decimal.TryParse(Encoding.ASCII.GetString(number), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out decimal d) && d >= 0
                ? d : (decimal?)null;
        }

        /// <summary>A usage count: a plain non-negative integer of at most 18 digits, or null (0). Anything else: not sure.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Count(out long value)
        {
            value = 0;
            byte c = Peek();
            if (c == 'n') { return Literal("null"u8); }
            int start = _p;
            if (!Number(out bool plain) || !plain || _p - start > 18) { return false; }
            for (int i = start; i < _p; i++) { value = value * 10 + (_s[i] - '0'); }
            return true;
        }

        /// <summary>message.id or requestId: a string, or a scalar that counts as none. An object or array: not sure.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Id(out string? value)
        {
            value = null;
            byte c = Peek();
            if (c == '{' || c == '[') { return false; }
            if (c != '"') { return Value(1); }
            if (!String(out ReadOnlySpan<byte> raw, out bool escaped)) { return false; }
            value = escaped ? Unescape(raw) : Encoding.UTF8.GetString(raw);
            return value is not null;
        }

        /// <summary>A repeated string field; any other value (skipped) counts as none.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Text(RepeatedString last, out string? value)
        {
            value = null;
            if (Peek() != '"') { return Value(1); }
            if (!String(out ReadOnlySpan<byte> raw, out bool escaped)) { return false; }
            value = last.Get(raw, escaped);
            return value is not null;
        }

        /// <summary>A property name without escapes, its colon, and the whitespace up to the value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Name(out ReadOnlySpan<byte> name)
        {
            name = default;
            if (Peek() != '"' || !String(out name, out bool escaped) || escaped) { return false; }
            Ws();
            if (Peek() != ':') { return false; }
            _p++;
            Ws();
            return true;
        }

        /// <summary>Checks one value of any kind and steps past it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Value(int depth)
        {
            switch (Peek())
            {
                case (byte)'"': return String(out _, out _);
                case (byte)'{': return Container(depth, (byte)'}');
                case (byte)'[': return Container(depth, (byte)']');
                case (byte)'t': return Literal("true"u8);
                case (byte)'f': return Literal("false"u8);
                case (byte)'n': return Literal("null"u8);
                default: return Number(out _);
            }
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Container(int depth, byte close)
        {
            if (depth >= MaxDepth) { return false; }
            _p++;
            Ws();
            if (Peek() == close) { _p++; return true; }
            while (true)
            {
                if (close == '}' && !Name(out _)) { return false; }
                if (!Value(depth + 1)) { return false; }
                byte c = Next();
                if (c == close) { return true; }
                if (c != ',') { return false; }
            }
        }

        /// <summary>A string at the current quote; <paramref name="raw"/> is its content between the quotes, still escaped.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool String(out ReadOnlySpan<byte> raw, out bool escaped)
        {
            escaped = false;
            raw = default;
            int start = ++_p;
            while (true)
            {
                int i = ByteSearch.IndexOfAny(_s.Slice(_p), (byte)'"', (byte)'\\');
                if (i < 0) { return false; }
                _p += i;
                byte c = _s[_p];
                if (c == '"')
                {
                    raw = _s.Slice(start, _p - start);
                    _p++;
                    return true;
                }
                if (_p + 1 >= _s.Length) { return false; }
                escaped = true;
                byte e = _s[_p + 1];
                if (e == 'u')
                {
                    if (_p + 6 > _s.Length || !Hex(_s.Slice(_p + 2, 4), out int unit) || (unit >= 0xD800 && unit <= 0xDFFF)) { return false; }
                    _p += 6;
                }
                else if (e == '"' || e == '\\' || e == '/' || e == 'b' || e == 'f' || e == 'n' || e == 'r' || e == 't') { _p += 2; }
                else { return false; }
            }
        }

        /// <summary>A JSON number; <paramref name="plain"/> when it is digits only (no sign, fraction or exponent).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private bool Number(out bool plain)
        {
            plain = true;
            int p = _p;
            if (p < _s.Length && _s[p] == '-') { plain = false; p++; }
            if (p >= _s.Length || !IsDigit(_s[p])) { return false; }
            if (_s[p] == '0') { p++; }
            else { while (p < _s.Length && IsDigit(_s[p])) { p++; } }
            if (p < _s.Length && _s[p] == '.')
            {
                plain = false;
                p++;
                if (p >= _s.Length || !IsDigit(_s[p])) { return false; }
                while (p < _s.Length && IsDigit(_s[p])) { p++; }
            }
            if (p < _s.Length && (_s[p] == 'e' || _s[p] == 'E'))
            {
                plain = false;
                p++;
                if (p < _s.Length && (_s[p] == '+' || _s[p] == '-')) { p++; }
                if (p >= _s.Length || !IsDigit(_s[p])) { return false; }
                while (p < _s.Length && IsDigit(_s[p])) { p++; }
            }
            _p = p;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool Literal(ReadOnlySpan<byte> word)
        {
            if (!_s.Slice(_p).StartsWith(word)) { return false; }
            _p += word.Length;
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool IsDigit(byte b) => (uint)(b - '0') <= 9;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Hex(ReadOnlySpan<byte> four, out int value)
        {
            value = 0;
            foreach (byte b in four)
            {
                int d = b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
                if (d < 0) { return false; }
                value = (value << 4) | d;
            }
            return true;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte Peek() => _p < _s.Length ? _s[_p] : (byte)0;

        /// <summary>Skips whitespace and returns (and steps past) the next byte: the separator after a value.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private byte Next()
        {
            Ws();
            return _p < _s.Length ? _s[_p++] : (byte)0;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void Ws()
        {
            while (_p < _s.Length)
            {
                byte c = _s[_p];
                if (c != ' ' && c != '\t' && c != '\r' && c != '\n') { return; }
                _p++;
            }
        }

        /// <summary>After the root object only whitespace may follow.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private bool End()
        {
            Ws();
            return _p == _s.Length;
        }

        /// <summary>
        /// The text of an escaped JSON string's content (valid UTF-8, escapes already checked by <see cref="String"/>,
        /// no surrogate escapes); null when it holds something else.
        /// </summary>
        internal static string? Unescape(ReadOnlySpan<byte> raw)
        {
            byte[] buffer = ArrayPool<byte>.Shared.Rent(raw.Length);
            try
            {
                int n = 0;
                for (int i = 0; i < raw.Length; i++)
                {
                    byte b = raw[i];
                    if (b != '\\') { buffer[n++] = b; continue; }
                    if (++i >= raw.Length) { return null; }
                    switch (raw[i])
                    {
                        case (byte)'"': buffer[n++] = (byte)'"'; break;
                        case (byte)'\\': buffer[n++] = (byte)'\\'; break;
                        case (byte)'/': buffer[n++] = (byte)'/'; break;
                        case (byte)'b': buffer[n++] = (byte)'\b'; break;
                        case (byte)'f': buffer[n++] = (byte)'\f'; break;
                        case (byte)'n': buffer[n++] = (byte)'\n'; break;
                        case (byte)'r': buffer[n++] = (byte)'\r'; break;
                        case (byte)'t': buffer[n++] = (byte)'\t'; break;
                        case (byte)'u':
                            if (i + 4 >= raw.Length || !Hex(raw.Slice(i + 1, 4), out int unit) || (unit >= 0xD800 && unit <= 0xDFFF)) { return null; }
                            // \uXXXX is at most 6 bytes and its UTF-8 form at most 3: it fits where it stood.
                            n += new Rune(unit).EncodeToUtf8(buffer.AsSpan(n));
                            i += 4;
                            break;
                        default: return null;
                    }
                }
                return Encoding.UTF8.GetString(buffer, 0, n);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }
}
