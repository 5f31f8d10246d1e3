using System;
using System.Text.Unicode;
using RlmTokens.Transcripts;

namespace RlmTokens.Core.Tests.Transcripts
{
    /// <summary>The hand-vectorized searches against the span extensions, at every length around the vector widths.</summary>
    public sealed class ByteSearchTests
    {
        private static readonly byte[] Alphabet = "\"\\\nusagetassin{}: \u00e9"u8.ToArray();

        [Fact]
        public void Searches_OnRandomBytesOfEveryLengthUpTo200_ShouldEqualTheSpanExtensions()
        {
            var rng = new Random(20261207);
            for (int length = 0; length <= 200; length++)
            {
                for (int round = 0; round < 40; round++)
                {
                    byte[] s = new byte[length];
                    // Mostly plain letters, sometimes the bytes searched for, so hits fall in every lane and in the tail.
                    for (int i = 0; i < length; i++) { s[i] = rng.Next(8) == 0 ? Alphabet[rng.Next(Alphabet.Length)] : (byte)('a' + rng.Next(3)); }
                    if (round % 5 == 0 && length > 0) { s[rng.Next(length)] = (byte)rng.Next(256); }
                    ReadOnlySpan<byte> span = s;
                    Assert.Equal(span.IndexOfAny((byte)'"', (byte)'\\'), ByteSearch.IndexOfAny(span, (byte)'"', (byte)'\\'));
                    Assert.Equal(span.IndexOf((byte)'\n'), ByteSearch.IndexOf(span, (byte)'\n'));
                    Assert.Equal(span.LastIndexOf((byte)'\n'), ByteSearch.LastIndexOf(span, (byte)'\n'));
                    Assert.Equal(span.IndexOf("\"usage\""u8), ByteSearch.IndexOf(span, "\"usage\""u8));
                    Assert.Equal(span.IndexOf("as"u8), ByteSearch.IndexOf(span, "as"u8));
                    Assert.Equal(span.IndexOf("assistant"u8), ByteSearch.IndexOf(span, "assistant"u8));
                    TextKind expected = span.IndexOfAnyInRange((byte)0, (byte)0x1F) >= 0 ? TextKind.Control
                        : span.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0 ? TextKind.NonAscii : TextKind.Ascii;
                    Assert.Equal(expected, ByteSearch.Classify(span));
                }
            }
        }

        [Theory]
        [InlineData(31)]
        [InlineData(32)]
        [InlineData(33)]
        [InlineData(63)]
        [InlineData(64)]
        [InlineData(65)]
        public void IndexOfWord_StraddlingAVectorEdge_ShouldFindIt(int at)
        {
            byte[] s = new byte[at + 40];
            s.AsSpan().Fill((byte)'x');
            "\"usage\""u8.CopyTo(s.AsSpan(at));
            Assert.Equal(at, ByteSearch.IndexOf(s, "\"usage\""u8));
            Assert.Equal(-1, ByteSearch.IndexOf(s.AsSpan(0, at + 6), "\"usage\""u8));
        }
    }
}
