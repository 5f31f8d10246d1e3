using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace RlmTokens.Transcripts
{
    /// <summary>
    /// The byte searches of a transcript read, vectorized here rather than through the span extensions: these
    /// methods are compiled optimized on their first call (AggressiveOptimization), so a report's first run in a
    /// fresh PowerShell session never goes through the runtime's unoptimized and instrumented (tiered PGO) copies
    /// of the library searches, which a module cannot switch off for the pwsh process it is loaded into.
    /// </summary>
    internal static class ByteSearch
    {
        /// <summary>The index of the first <paramref name="a"/> or <paramref name="b"/>, or -1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int IndexOfAny(ReadOnlySpan<byte> s, byte a, byte b)
        {
            ref byte start = ref MemoryMarshal.GetReference(s);
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<byte> va = Vector256.Create(a), vb = Vector256.Create(b);
                for (; i <= s.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
                {
                    Vector256<byte> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                    uint mask = (Vector256.Equals(v, va) | Vector256.Equals(v, vb)).ExtractMostSignificantBits();
                    if (mask != 0) { return i + BitOperations.TrailingZeroCount(mask); }
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<byte> va = Vector128.Create(a), vb = Vector128.Create(b);
                for (; i <= s.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
                {
                    Vector128<byte> v = Vector128.LoadUnsafe(ref start, (nuint)i);
                    uint mask = (Vector128.Equals(v, va) | Vector128.Equals(v, vb)).ExtractMostSignificantBits();
                    if (mask != 0) { return i + BitOperations.TrailingZeroCount(mask); }
                }
            }
            for (; i < s.Length; i++)
            {
                byte c = s[i];
                if (c == a || c == b) { return i; }
            }
            return -1;
        }

        /// <summary>The index of the first <paramref name="a"/>, or -1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int IndexOf(ReadOnlySpan<byte> s, byte a) => IndexOfAny(s, a, a);

        /// <summary>The index of the last <paramref name="a"/>, or -1.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int LastIndexOf(ReadOnlySpan<byte> s, byte a)
        {
            ref byte start = ref MemoryMarshal.GetReference(s);
            int i = s.Length;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<byte> va = Vector256.Create(a);
                for (; i >= Vector256<byte>.Count; i -= Vector256<byte>.Count)
                {
                    uint mask = Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i - Vector256<byte>.Count)), va).ExtractMostSignificantBits();
                    if (mask != 0) { return i - Vector256<byte>.Count + 31 - BitOperations.LeadingZeroCount(mask); }
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<byte> va = Vector128.Create(a);
                for (; i >= Vector128<byte>.Count; i -= Vector128<byte>.Count)
                {
                    uint mask = Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)(i - Vector128<byte>.Count)), va).ExtractMostSignificantBits();
                    if (mask != 0) { return i - Vector128<byte>.Count + 31 - BitOperations.LeadingZeroCount(mask); }
                }
            }
            for (i--; i >= 0; i--)
            {
                if (s[i] == a) { return i; }
            }
            return -1;
        }

        /// <summary>
        /// The index of the first occurrence of <paramref name="word"/> (at least two bytes), or -1: a vector pass
        /// finds where its first two bytes stand side by side, and only those places are compared whole.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static int IndexOf(ReadOnlySpan<byte> s, ReadOnlySpan<byte> word)
        {
            int last = s.Length - word.Length;
            if (last < 0) { return -1; }
            ref byte start = ref MemoryMarshal.GetReference(s);
            byte w0 = word[0], w1 = word[1];
            int i = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<byte> v0 = Vector256.Create(w0), v1 = Vector256.Create(w1);
                // A candidate at i needs bytes i and i + 1; loads stop where i + 1 would leave the span.
                for (; i <= last && i + 1 + Vector256<byte>.Count <= s.Length; i += Vector256<byte>.Count)
                {
                    uint mask = (Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)i), v0)
                        & Vector256.Equals(Vector256.LoadUnsafe(ref start, (nuint)(i + 1)), v1)).ExtractMostSignificantBits();
                    while (mask != 0)
                    {
                        int at = i + BitOperations.TrailingZeroCount(mask);
                        if (at <= last && Matches(s, at, word)) { return at; }
                        mask &= mask - 1;
                    }
                }
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<byte> v0 = Vector128.Create(w0), v1 = Vector128.Create(w1);
                for (; i <= last && i + 1 + Vector128<byte>.Count <= s.Length; i += Vector128<byte>.Count)
                {
                    uint mask = (Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)i), v0)
                        & Vector128.Equals(Vector128.LoadUnsafe(ref start, (nuint)(i + 1)), v1)).ExtractMostSignificantBits();
                    while (mask != 0)
                    {
                        int at = i + BitOperations.TrailingZeroCount(mask);
                        if (at <= last && Matches(s, at, word)) { return at; }
                        mask &= mask - 1;
                    }
                }
            }
            for (; i <= last; i++)
            {
                if (s[i] == w0 && s[i + 1] == w1 && Matches(s, i, word)) { return i; }
            }
            return -1;
        }

        /// <summary>
        /// What kind of bytes <paramref name="s"/> holds: <see cref="TextKind.Ascii"/> (printable ASCII only),
        /// <see cref="TextKind.NonAscii"/> (some bytes of 0x80 or more, no control byte) or <see cref="TextKind.Control"/>
        /// (a byte below 0x20, which JSON allows raw only as whitespace between tokens).
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static TextKind Classify(ReadOnlySpan<byte> s)
        {
            ref byte start = ref MemoryMarshal.GetReference(s);
            int i = 0;
            bool high = false;
            if (Vector256.IsHardwareAccelerated)
            {
                Vector256<byte> low = Vector256.Create((byte)0x20), top = Vector256.Create((byte)0x80), seen = Vector256<byte>.Zero;
                for (; i <= s.Length - Vector256<byte>.Count; i += Vector256<byte>.Count)
                {
                    Vector256<byte> v = Vector256.LoadUnsafe(ref start, (nuint)i);
                    if (Vector256.LessThanAny(v, low)) { return TextKind.Control; }
                    seen |= v & top;
                }
                high = seen != Vector256<byte>.Zero;
            }
            else if (Vector128.IsHardwareAccelerated)
            {
                Vector128<byte> low = Vector128.Create((byte)0x20), top = Vector128.Create((byte)0x80), seen = Vector128<byte>.Zero;
                for (; i <= s.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
                {
                    Vector128<byte> v = Vector128.LoadUnsafe(ref start, (nuint)i);
                    if (Vector128.LessThanAny(v, low)) { return TextKind.Control; }
                    seen |= v & top;
                }
                high = seen != Vector128<byte>.Zero;
            }
            for (; i < s.Length; i++)
            {
                byte c = s[i];
                if (c < 0x20) { return TextKind.Control; }
                high |= c >= 0x80;
            }
            return high ? TextKind.NonAscii : TextKind.Ascii;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private static bool Matches(ReadOnlySpan<byte> s, int at, ReadOnlySpan<byte> word)
        {
            for (int k = 2; k < word.Length; k++)
            {
                if (s[at + k] != word[k]) { return false; }
            }
            return true;
        }
    }

    /// <summary>What <see cref="ByteSearch.Classify"/> found.</summary>
    internal enum TextKind
    {
        Ascii,
        NonAscii,
        Control,
    }
}
