using System;

namespace RxGen.Runtime.Tests.TestSupport;

internal static class Hex
{
    /// <summary>Parses hex with optional spaces, e.g. "00 00 00 01".</summary>
    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal));

    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);
}
