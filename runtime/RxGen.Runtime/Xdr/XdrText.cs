using System;
using System.Text;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// Helpers for rxgen <c>char name[N]</c> fields, which generated code carries as <c>byte[]</c> of
/// length N holding a NUL-terminated C string.
/// </summary>
public static class XdrText
{
    /// <summary>Decodes the UTF-8 text up to the first NUL (or the whole span if there is none).</summary>
    /// <param name="chars">The field's bytes.</param>
    /// <returns>The text.</returns>
    /// <exception cref="XdrException">The text is not valid UTF-8.</exception>
    public static string FromCChars(ReadOnlySpan<byte> chars)
    {
        int nul = chars.IndexOf((byte)0);
        ReadOnlySpan<byte> text = nul < 0 ? chars : chars.Slice(0, nul);
        if (text.IsEmpty)
        {
            return string.Empty;
        }

        if (!System.Text.Unicode.Utf8.IsValid(text))
        {
            XdrThrow.InvalidUtf8(null, null);
        }

        return Encoding.UTF8.GetString(text);
    }

    /// <summary>Encodes <paramref name="value"/> as UTF-8 into a new array of <paramref name="length"/> bytes, NUL-padded.</summary>
    /// <param name="value">The text; must not contain NUL.</param>
    /// <param name="length">The field length N; the text plus its terminating NUL must fit.</param>
    /// <returns>The field's bytes.</returns>
    /// <exception cref="XdrException">The text is too long, contains NUL, or is not valid UTF-16.</exception>
    public static byte[] ToCChars(string value, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        byte[] result = new byte[length];
        ToCChars(value, result);
        return result;
    }

    /// <summary>Encodes <paramref name="value"/> as UTF-8 into <paramref name="destination"/>, NUL-padded.</summary>
    /// <param name="value">The text; must not contain NUL.</param>
    /// <param name="destination">The field; the text plus its terminating NUL must fit.</param>
    /// <exception cref="XdrException">The text is too long, contains NUL, or is not valid UTF-16.</exception>
    public static void ToCChars(string value, Span<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            XdrThrow.Error("text contains a NUL character", null);
        }

        int byteCount;
        try
        {
            byteCount = XdrThrow.StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new XdrException("text contains an unpaired surrogate and cannot be encoded as UTF-8", null, ex);
        }

        if (byteCount >= destination.Length)
        {
            XdrThrow.Error(
                $"text needs {byteCount} UTF-8 byte(s) plus a NUL, but the field holds {destination.Length}", null);
        }

        int written = XdrThrow.StrictUtf8.GetBytes(value, destination);
        destination.Slice(written).Clear();
    }
}
