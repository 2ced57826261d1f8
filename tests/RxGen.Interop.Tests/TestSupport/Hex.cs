using System;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>Hex as the C peers print it: lowercase, no separators.</summary>
internal static class Hex
{
    public static string Of(ReadOnlySpan<byte> bytes) => Convert.ToHexStringLower(bytes);

    public static byte[] Parse(string hex) => Convert.FromHexString(hex.Trim());
}
