using System;

namespace RxGen.Benchmarks;

/// <summary>Hex, hashing and comparison helpers shared by the benchmark samples.</summary>
internal static class SampleBytes
{
    /// <summary>The SHA-256 of <paramref name="bytes"/> as lowercase hex.</summary>
    public static string Sha256(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes));

    /// <summary>The SHA-256 of the lowercase hex text of <paramref name="bytes"/> (what tests/peers/bench/expected.sha256 pins).</summary>
    public static string Sha256OfHex(ReadOnlySpan<byte> bytes) => Sha256(System.Text.Encoding.ASCII.GetBytes(ToHex(bytes)));

    /// <summary>Lowercase hex without separators, the format the C peers print.</summary>
    public static string ToHex(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    /// <summary>
    /// Checks that <paramref name="encoded"/> equals <paramref name="expectedHex"/>; on a mismatch returns a
    /// message naming the first differing byte, else null.
    /// </summary>
    public static string? Compare(string shape, ReadOnlySpan<byte> encoded, string expectedHex, string expectedSource)
    {
        string actual = ToHex(encoded);
        string expected = expectedHex.Trim().ToLowerInvariant();
        if (actual == expected)
        {
            return null;
        }

        int i = 0;
        while (i < actual.Length && i < expected.Length && actual[i] == expected[i])
        {
            i++;
        }

        int offset = i / 2;
        int from = Math.Max(0, (offset - 8) * 2);
        return $"C# encoding of the {shape} sample ({encoded.Length} bytes) differs from {expectedSource} " +
            $"({expected.Length / 2} bytes) at byte offset {offset}.{Environment.NewLine}" +
            $"  C#:       ...{Slice(actual, from)}...{Environment.NewLine}" +
            $"  expected: ...{Slice(expected, from)}...";

        static string Slice(string s, int from) => from >= s.Length ? "" : s.Substring(from, Math.Min(48, s.Length - from));
    }
}
