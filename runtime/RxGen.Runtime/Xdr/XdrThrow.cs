using System;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Text;

namespace RxGen.Runtime.Xdr;

/// <summary>Cold paths of the codec, kept out of the hot methods so those stay small and inlinable.</summary>
internal static class XdrThrow
{
    /// <summary>Strict UTF-8: invalid input throws instead of being replaced. Immutable, so safe to share.</summary>
    internal static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Truncated(int position, long needed, int remaining, string? fieldPath) =>
        throw new XdrException(
            $"XDR input truncated: {needed} more byte(s) needed at offset {position}, {remaining} available",
            fieldPath, isTruncation: true, requiredLength: position + needed, innerException: null);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void OutputFull(int bytesWritten, int needed, string? fieldPath) =>
        throw new XdrException(
            $"XDR output buffer too small: {needed} more byte(s) needed after {bytesWritten} written", fieldPath);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Error(string message, string? fieldPath) => throw new XdrException(message, fieldPath);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static T Error<T>(string message, string? fieldPath) => throw new XdrException(message, fieldPath);

    /// <summary>Formats the message here, not at the call site: an interpolated string in an inlined hot method
    /// would put its handler in every caller's frame (zeroed on each call, even when nothing fails).</summary>
    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Format(string format, object? arg0, string? fieldPath) =>
        throw new XdrException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg0), fieldPath);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Format(string format, object? arg0, object? arg1, string? fieldPath) =>
        throw new XdrException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg0, arg1), fieldPath);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void Format(string format, object? arg0, object? arg1, object? arg2, string? fieldPath) =>
        throw new XdrException(string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg0, arg1, arg2), fieldPath);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    internal static void InvalidUtf8(string? fieldPath, Exception? inner) =>
        throw new XdrException("string is not valid UTF-8", fieldPath, inner);

    /// <summary>The number of zero bytes that pad <paramref name="length"/> to a multiple of 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int Pad(long length) => (int)(-length & 3);
}
