using System;
using System.Runtime.InteropServices;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// Reads XDR (RFC 4506, big-endian, 4-byte aligned) from a span. Meant for generated code; pass it by
/// <c>ref</c>.
/// </summary>
/// <remarks>
/// <para>Every length and count read from the wire is checked against its declared bound and against
/// the remaining input before anything is allocated, so a hostile length cannot cause a large
/// allocation.</para>
/// <para>When the input ends before a value does, the reader throws <see cref="XdrException"/> with
/// <see cref="XdrException.IsTruncation"/> set, naming the field when one is known: the field passed to
/// the read, or else the innermost field passed to <see cref="EnterNested"/>.</para>
/// <para>Padding bytes are skipped without checking that they are zero, as libtirpc and OpenAFS do.</para>
/// </remarks>
public ref struct XdrReader
{
    /// <summary>The default nesting limit for <see cref="EnterNested"/>.</summary>
    public const int DefaultMaxDepth = 256;

    private const int PathStackSize = 8;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _maxDepth;
    private int _position;
    private int _depth;
    private PathStack _paths;

    /// <summary>Creates a reader over <paramref name="data"/>.</summary>
    /// <param name="data">The encoded bytes.</param>
    /// <param name="maxDepth">The deepest <see cref="EnterNested"/> nesting allowed.</param>
    public XdrReader(ReadOnlySpan<byte> data, int maxDepth = DefaultMaxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        _data = data;
        _maxDepth = maxDepth;
        _position = 0;
        _depth = 0;
        _paths = default;
    }

    /// <summary>The number of bytes consumed so far.</summary>
    public readonly int Position => _position;

    /// <summary>The number of bytes not yet consumed.</summary>
    public readonly int Remaining => _data.Length - _position;

    /// <summary>True when all input has been consumed.</summary>
    public readonly bool IsAtEnd => _position == _data.Length;

    /// <summary>The current <see cref="EnterNested"/> depth.</summary>
    public readonly int Depth => _depth;

    /// <summary>The input not yet consumed.</summary>
    public readonly ReadOnlySpan<byte> UnreadSpan => _data.Slice(_position);

    /// <summary>Reads a 4-byte big-endian signed integer.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32() => (int)ReadUInt32Core(null);

    /// <summary>Reads a 4-byte big-endian signed integer, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int ReadInt32(string fieldPath) => (int)ReadUInt32Core(fieldPath);

    /// <summary>Reads a 4-byte big-endian unsigned integer.</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32() => ReadUInt32Core(null);

    /// <summary>Reads a 4-byte big-endian unsigned integer, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(string fieldPath) => ReadUInt32Core(fieldPath);

    /// <summary>Reads an 8-byte big-endian signed integer (high word first).</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public long ReadInt64() => (long)ReadUInt64Core(null);

    /// <summary>Reads an 8-byte big-endian signed integer, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    public long ReadInt64(string fieldPath) => (long)ReadUInt64Core(fieldPath);

    /// <summary>Reads an 8-byte big-endian unsigned integer (high word first).</summary>
    /// <returns>The value.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64() => ReadUInt64Core(null);

    /// <summary>Reads an 8-byte big-endian unsigned integer, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    public ulong ReadUInt64(string fieldPath) => ReadUInt64Core(fieldPath);

    /// <summary>Reads a C <c>short</c> carried in 4 bytes; like C, keeps the low 16 bits.</summary>
    /// <returns>The value.</returns>
    public short ReadInt16() => (short)ReadUInt32Core(null);

    /// <summary>Reads a C <c>unsigned short</c> carried in 4 bytes; like C, keeps the low 16 bits.</summary>
    /// <returns>The value.</returns>
    public ushort ReadUInt16() => (ushort)ReadUInt32Core(null);

    /// <summary>Reads an IEEE 754 single, big-endian.</summary>
    /// <returns>The value.</returns>
    public float ReadSingle() => BitConverter.UInt32BitsToSingle(ReadUInt32Core(null));

    /// <summary>Reads an IEEE 754 single, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    public float ReadSingle(string fieldPath) => BitConverter.UInt32BitsToSingle(ReadUInt32Core(fieldPath));

    /// <summary>Reads an IEEE 754 double, big-endian.</summary>
    /// <returns>The value.</returns>
    public double ReadDouble() => BitConverter.UInt64BitsToDouble(ReadUInt64Core(null));

    /// <summary>Reads an IEEE 754 double, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    public double ReadDouble(string fieldPath) => BitConverter.UInt64BitsToDouble(ReadUInt64Core(fieldPath));

    /// <summary>Reads an XDR <c>bool</c>; a value other than 0 or 1 throws <see cref="XdrException"/>.</summary>
    /// <returns>The value.</returns>
    public bool ReadBool() => ReadBoolCore(null);

    /// <summary>Reads an XDR <c>bool</c>, naming <paramref name="fieldPath"/> in errors.</summary>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The value.</returns>
    public bool ReadBool(string fieldPath) => ReadBoolCore(fieldPath);

    /// <summary>Reads XDR <c>opaque x[N]</c> into a new array and skips its padding.</summary>
    /// <param name="length">The declared length N.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The bytes.</returns>
    public byte[] ReadFixedOpaque(int length, string fieldPath)
    {
        if (length < 0)
        {
            XdrThrow.Format("fixed opaque length {0} is negative", length, fieldPath);
        }

        return CopyToNewArray(TakePadded(length, fieldPath));
    }

    /// <summary>Reads XDR <c>opaque x[N]</c> with N = <paramref name="destination"/>.Length, and skips its padding.</summary>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    public void ReadFixedOpaque(scoped Span<byte> destination, string fieldPath) =>
        TakePadded(destination.Length, fieldPath).CopyTo(destination);

    /// <summary>Reads XDR <c>opaque x&lt;N&gt;</c> into a new array.</summary>
    /// <param name="maxLength">The declared bound N (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The bytes.</returns>
    public byte[] ReadVariableOpaque(uint maxLength, string fieldPath) =>
        CopyToNewArray(ReadVariableOpaqueSpan(maxLength, fieldPath));

    // Every byte is overwritten at once, so the array need not be zeroed first (the runtime skips the
    // zeroing for arrays of 2 KB and more, which is where it costs).
    private static byte[] CopyToNewArray(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }

        byte[] result = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(result);
        return result;
    }

    /// <summary>Reads XDR <c>opaque x&lt;N&gt;</c> without copying: the result points into the input.</summary>
    /// <param name="maxLength">The declared bound N (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The bytes, valid as long as the input is.</returns>
    public ReadOnlySpan<byte> ReadVariableOpaqueSpan(uint maxLength, string fieldPath)
    {
        int length = ReadLength(maxLength, "opaque", fieldPath);
        return TakePadded(length, fieldPath);
    }

    /// <summary>Reads XDR <c>string x&lt;N&gt;</c>; the bytes must be valid UTF-8.</summary>
    /// <param name="maxLength">The declared bound N in bytes (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The string.</returns>
    /// <exception cref="XdrException">Above the bound, truncated, or not valid UTF-8.</exception>
    public string ReadString(uint maxLength, string fieldPath)
    {
        int length = ReadLength(maxLength, "string", fieldPath);
        ReadOnlySpan<byte> bytes = TakePadded(length, fieldPath);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        return DecodeUtf8(bytes, fieldPath);
    }

    // One pass: the strict encoding validates while it transcodes (and throws on the first invalid byte).
    private static string DecodeUtf8(ReadOnlySpan<byte> bytes, string fieldPath)
    {
        try
        {
            return XdrThrow.StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            XdrThrow.InvalidUtf8(fieldPath, ex);
            return null;
        }
    }

    /// <summary>
    /// Reads XDR <c>string x&lt;N&gt;</c> as Latin-1 (ISO 8859-1): every byte becomes the character with that
    /// code, so any byte string — also names in old AFS databases that are not UTF-8 — decodes, and
    /// <see cref="XdrWriter.WriteStringLatin1"/> gives the same bytes back.
    /// </summary>
    /// <param name="maxLength">The declared bound N in bytes (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The string.</returns>
    /// <exception cref="XdrException">Above the bound or truncated.</exception>
    public string ReadStringLatin1(uint maxLength, string fieldPath)
    {
        int length = ReadLength(maxLength, "string", fieldPath);
        ReadOnlySpan<byte> bytes = TakePadded(length, fieldPath);
        return bytes.IsEmpty ? string.Empty : Encoding.Latin1.GetString(bytes);
    }

    /// <summary>
    /// Reads the count word of a variable-length array <c>T x&lt;N&gt;</c> and checks, before the caller
    /// allocates, that the input can hold that many elements.
    /// </summary>
    /// <param name="maxCount">The declared bound N (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="minElementSize">The fewest bytes one element can take on the wire (values below 1 count as 1).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The element count.</returns>
    /// <exception cref="XdrException">
    /// The count is above the bound or at least 2^31, or (as a truncation) the remaining input is shorter
    /// than <c>count × minElementSize</c>.
    /// </exception>
    public int ReadCount(uint maxCount, int minElementSize, string fieldPath)
    {
        uint count = ReadUInt32Core(fieldPath);
        if (count > maxCount)
        {
            XdrThrow.Format("array count {0} exceeds maximum {1}", count, maxCount, fieldPath);
        }

        if (count > int.MaxValue)
        {
            XdrThrow.Format("array count {0} is too large", count, fieldPath);
        }

        long needed = (long)count * Math.Max(minElementSize, 1);
        if (needed > Remaining)
        {
            XdrThrow.Truncated(_position, needed, Remaining, fieldPath);
        }

        return (int)count;
    }

    /// <summary>
    /// Reads rxgen <c>char x[N]</c> / <c>u_char x[N]</c>: <paramref name="count"/> 4-byte integers, each
    /// truncated to its low byte as C does.
    /// </summary>
    /// <param name="count">The declared length N.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The bytes, one per element.</returns>
    public byte[] ReadCharVector(int count, string fieldPath)
    {
        if (count < 0)
        {
            XdrThrow.Format("char vector length {0} is negative", count, fieldPath);
        }

        CheckAvailable(4L * count, fieldPath);
        byte[] result = new byte[count];
        ReadCharVectorCore(result);
        return result;
    }

    /// <summary>Reads rxgen <c>char x[N]</c> with N = <paramref name="destination"/>.Length, without allocating.</summary>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    public void ReadCharVector(scoped Span<byte> destination, string fieldPath)
    {
        CheckAvailable(4L * destination.Length, fieldPath);
        ReadCharVectorCore(destination);
    }

    /// <summary>Takes <paramref name="length"/> bytes as they are (no padding).</summary>
    /// <param name="length">The number of bytes.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <returns>The bytes, pointing into the input.</returns>
    public ReadOnlySpan<byte> ReadRawBytes(int length, string? fieldPath = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        CheckAvailable(length, fieldPath);
        ReadOnlySpan<byte> result = _data.Slice(_position, length);
        _position += length;
        return result;
    }

    /// <summary>
    /// Enters a nested value (a union arm, an optional-data pointer, a recursive struct). Pair with
    /// <see cref="ExitNested"/>. Bounds the recursion that hostile input can cause.
    /// </summary>
    /// <param name="fieldPath">The field being entered; named in truncation errors from inside it.</param>
    /// <exception cref="XdrException">The nesting is deeper than the limit.</exception>
    public void EnterNested(string fieldPath)
    {
        if (_depth >= _maxDepth)
        {
            XdrThrow.Format("nesting deeper than {0} levels", _maxDepth, fieldPath);
        }

        if (_depth < PathStackSize)
        {
            _paths[_depth] = fieldPath;
        }

        _depth++;
    }

    /// <summary>Leaves the value entered with <see cref="EnterNested"/>.</summary>
    public void ExitNested()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("ExitNested without a matching EnterNested.");
        }

        _depth--;
        if (_depth < PathStackSize)
        {
            _paths[_depth] = null;
        }
    }

    /// <summary>Throws if any input is left: a complete message must be consumed exactly.</summary>
    /// <param name="what">What was decoded, for the message (e.g. a type or procedure name).</param>
    /// <exception cref="XdrException">Bytes remain.</exception>
    public readonly void EnsureAtEnd(string what)
    {
        if (_position != _data.Length)
        {
            XdrThrow.Format("{0} unexpected trailing byte(s) after {1}", Remaining, what, null);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private uint ReadUInt32Core(string? fieldPath)
    {
        if (_data.Length - _position < 4)
        {
            ThrowTruncated(4, fieldPath);
        }

        uint v = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), _position));
        _position += 4;
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong ReadUInt64Core(string? fieldPath)
    {
        if (_data.Length - _position < 8)
        {
            ThrowTruncated(8, fieldPath);
        }

        ulong v = Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetReference(_data), _position));
        _position += 8;
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    private bool ReadBoolCore(string? fieldPath)
    {
        uint v = ReadUInt32Core(fieldPath);
        if (v > 1)
        {
            _position -= 4;
            XdrThrow.Format("bool value {0} is neither 0 nor 1", v, fieldPath ?? CurrentPath);
        }

        return v != 0;
    }

    private int ReadLength(uint maxLength, string kind, string fieldPath)
    {
        uint length = ReadUInt32Core(fieldPath);
        if (length > maxLength)
        {
            XdrThrow.Format("{0} length {1} exceeds maximum {2}", kind, length, maxLength, fieldPath);
        }

        if (length > Array.MaxLength)
        {
            XdrThrow.Format("{0} length {1} is too large", kind, length, fieldPath);
        }

        return (int)length;
    }

    private ReadOnlySpan<byte> TakePadded(int length, string fieldPath)
    {
        long padded = (long)length + XdrThrow.Pad(length);
        CheckAvailable(padded, fieldPath);
        ReadOnlySpan<byte> body = _data.Slice(_position, length);
        _position += (int)padded;
        return body;
    }

    private void ReadCharVectorCore(scoped Span<byte> destination)
    {
        ReadOnlySpan<byte> src = _data.Slice(_position, destination.Length * 4);
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = src[(i * 4) + 3];
        }

        _position += src.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly void CheckAvailable(long needed, string? fieldPath)
    {
        if (needed > _data.Length - _position)
        {
            ThrowTruncated(needed, fieldPath);
        }
    }

    private readonly string? CurrentPath =>
        _depth == 0 ? null : _paths[Math.Min(_depth, PathStackSize) - 1];

    [MethodImpl(MethodImplOptions.NoInlining)]
    private readonly void ThrowTruncated(long needed, string? fieldPath) =>
        XdrThrow.Truncated(_position, needed, _data.Length - _position, fieldPath ?? CurrentPath);

    /// <summary>The innermost field paths entered, for error messages (no allocation).</summary>
    [InlineArray(PathStackSize)]
    private struct PathStack
    {
        private string? _element0;
    }
}
