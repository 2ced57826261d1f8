using System;
using System.Runtime.InteropServices;
using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Text;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// Writes XDR (RFC 4506, big-endian, 4-byte aligned) into an <see cref="IBufferWriter{T}"/> or a fixed
/// <see cref="Span{T}"/>. Meant for generated code; pass it by <c>ref</c>.
/// </summary>
/// <remarks>
/// Over an <see cref="IBufferWriter{T}"/> the writer takes spans with <c>GetSpan</c> and commits them
/// with <c>Advance</c>; call <see cref="Flush"/> when done, or the last bytes are never committed.
/// Over a fixed span, running out of room throws <see cref="XdrException"/> (not a truncation).
/// Encoding primitives, opaques and strings allocates nothing.
/// </remarks>
public ref struct XdrWriter
{
    /// <summary>The default nesting limit used by <see cref="EnterNested"/>.</summary>
    public const int DefaultMaxDepth = 256;

    private readonly IBufferWriter<byte>? _output;
    private readonly int _maxDepth;
    private Span<byte> _span;
    private int _position;
    private int _committed;
    private int _depth;

    /// <summary>Creates a writer that grows through <paramref name="output"/>; call <see cref="Flush"/> at the end.</summary>
    /// <param name="output">The destination.</param>
    public XdrWriter(IBufferWriter<byte> output) : this(output, DefaultMaxDepth)
    {
    }

    /// <summary>Creates a writer that grows through <paramref name="output"/>, with a nesting limit.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="maxDepth">The deepest <see cref="EnterNested"/> nesting allowed.</param>
    public XdrWriter(IBufferWriter<byte> output, int maxDepth)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        _output = output;
        _span = default;
        _maxDepth = maxDepth;
    }

    /// <summary>Creates a writer over a fixed buffer; writing past its end throws <see cref="XdrException"/>.</summary>
    /// <param name="destination">The destination.</param>
    public XdrWriter(Span<byte> destination) : this(destination, DefaultMaxDepth)
    {
    }

    /// <summary>Creates a writer over a fixed buffer, with a nesting limit.</summary>
    /// <param name="destination">The destination.</param>
    /// <param name="maxDepth">The deepest <see cref="EnterNested"/> nesting allowed.</param>
    public XdrWriter(Span<byte> destination, int maxDepth)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        _output = null;
        _span = destination;
        _maxDepth = maxDepth;
    }

    /// <summary>The number of bytes written so far (committed or not).</summary>
    public readonly int BytesWritten => _committed + _position;

    /// <summary>Reserves <paramref name="length"/> bytes with one room check and advances past them; the caller fills
    /// every byte through the returned block (generated encoders: runs of fixed-size fields).</summary>
    /// <param name="length">The number of bytes, a multiple of 4 in XDR.</param>
    /// <returns>The reserved bytes.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public XdrBlock Reserve(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        Ensure(length, null);
        var block = new XdrBlock(_span.Slice(_position, length));
        _position += length;
        return block;
    }

    /// <summary>The current <see cref="EnterNested"/> depth.</summary>
    public readonly int Depth => _depth;

    /// <summary>Writes a 4-byte big-endian signed integer (XDR <c>int</c>, also <c>enum</c>).</summary>
    /// <param name="v">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt32(int v)
    {
        StoreBigEndian((uint)v);
    }

    /// <summary>Writes a 4-byte big-endian unsigned integer (XDR <c>unsigned int</c>).</summary>
    /// <param name="v">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(uint v)
    {
        StoreBigEndian((uint)v);
    }

    /// <summary>Writes an 8-byte big-endian signed integer (XDR <c>hyper</c>): high word first.</summary>
    /// <param name="v">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteInt64(long v)
    {
        StoreBigEndian((ulong)v);
    }

    /// <summary>Writes an 8-byte big-endian unsigned integer (XDR <c>unsigned hyper</c>): high word first.</summary>
    /// <param name="v">The value.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong v)
    {
        StoreBigEndian((ulong)v);
    }

    /// <summary>Writes a C <c>short</c> as XDR does: sign-extended to 4 bytes.</summary>
    /// <param name="v">The value.</param>
    public void WriteInt16(short v) => WriteInt32(v);

    /// <summary>Writes a C <c>unsigned short</c> as XDR does: zero-extended to 4 bytes.</summary>
    /// <param name="v">The value.</param>
    public void WriteUInt16(ushort v) => WriteUInt32(v);

    /// <summary>Writes an XDR <c>bool</c>: 0 or 1 as 4 bytes.</summary>
    /// <param name="v">The value.</param>
    public void WriteBool(bool v) => WriteInt32(v ? 1 : 0);

    /// <summary>Writes an IEEE 754 single (XDR <c>float</c>), big-endian.</summary>
    /// <param name="v">The value.</param>
    public void WriteSingle(float v)
    {
        Ensure(4, null);
        BinaryPrimitives.WriteSingleBigEndian(_span.Slice(_position), v);
        _position += 4;
    }

    /// <summary>Writes an IEEE 754 double (XDR <c>double</c>), big-endian.</summary>
    /// <param name="v">The value.</param>
    public void WriteDouble(double v)
    {
        Ensure(8, null);
        BinaryPrimitives.WriteDoubleBigEndian(_span.Slice(_position), v);
        _position += 8;
    }

    /// <summary>Writes XDR <c>opaque x[N]</c>: exactly <paramref name="length"/> bytes, zero-padded to 4.</summary>
    /// <param name="data">The bytes; must be exactly <paramref name="length"/> long.</param>
    /// <param name="length">The declared length N.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException"><paramref name="data"/> has another length.</exception>
    public void WriteFixedOpaque(scoped ReadOnlySpan<byte> data, int length, string fieldPath)
    {
        if (data.Length != length)
        {
            XdrThrow.Format("fixed opaque has {0} byte(s), expected exactly {1}", data.Length, length, fieldPath);
        }

        WriteOpaqueBody(data, fieldPath);
    }

    /// <summary>Writes XDR <c>opaque x&lt;N&gt;</c>: a 4-byte length, the bytes, zero padding to 4.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="maxLength">The declared bound N (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException"><paramref name="data"/> is longer than <paramref name="maxLength"/>.</exception>
    public void WriteVariableOpaque(scoped ReadOnlySpan<byte> data, uint maxLength, string fieldPath)
    {
        if ((uint)data.Length > maxLength)
        {
            XdrThrow.Format("opaque length {0} exceeds maximum {1}", data.Length, maxLength, fieldPath);
        }

        if (_output is null)
        {
            Ensure(4L + data.Length + XdrThrow.Pad(data.Length), fieldPath);
        }

        WriteUInt32((uint)data.Length);
        WriteOpaqueBody(data, fieldPath);
    }

    /// <summary>
    /// Writes XDR <c>string x&lt;N&gt;</c>: the UTF-8 byte count, the bytes (no NUL), zero padding to 4.
    /// </summary>
    /// <param name="value">The string; null is rejected.</param>
    /// <param name="maxLength">The declared bound N in bytes (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException">The value is null, is not valid UTF-16, or its UTF-8 form is longer than the bound.</exception>
    public void WriteString(string? value, uint maxLength, string fieldPath)
    {
        if (value is null)
        {
            XdrThrow.Error("string is null", fieldPath);
        }

        int byteCount;
        try
        {
            byteCount = XdrThrow.StrictUtf8.GetByteCount(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new XdrException("string contains an unpaired surrogate and cannot be encoded as UTF-8", fieldPath, ex);
        }

        if ((uint)byteCount > maxLength)
        {
            XdrThrow.Format("string length {0} (UTF-8 bytes) exceeds maximum {1}", byteCount, maxLength, fieldPath);
        }

        int pad = XdrThrow.Pad(byteCount);
        Ensure(4L + byteCount + pad, fieldPath);
        Span<byte> span = _span.Slice(_position);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)byteCount);
        int written = XdrThrow.StrictUtf8.GetBytes(value, span.Slice(4));
        span.Slice(4 + written, pad).Clear();
        _position += 4 + written + pad;
    }

    /// <summary>
    /// Writes XDR <c>string x&lt;N&gt;</c> as Latin-1 (ISO 8859-1): one byte per character, the inverse of
    /// <see cref="XdrReader.ReadStringLatin1"/>.
    /// </summary>
    /// <param name="value">The string; null is rejected.</param>
    /// <param name="maxLength">The declared bound N in bytes (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException">The value is null, holds a character above U+00FF, or is longer than the bound.</exception>
    public void WriteStringLatin1(string? value, uint maxLength, string fieldPath)
    {
        if (value is null)
        {
            XdrThrow.Error("string is null", fieldPath);
        }

        if ((uint)value.Length > maxLength)
        {
            XdrThrow.Format("string length {0} (Latin-1 bytes) exceeds maximum {1}", value.Length, maxLength, fieldPath);
        }

        foreach (char ch in value)
        {
            if (ch > '\u00FF')
            {
                XdrThrow.Error("string holds a character above U+00FF, which Latin-1 cannot encode", fieldPath);
            }
        }

        int byteCount = value.Length;
        int pad = XdrThrow.Pad(byteCount);
        Ensure(4L + byteCount + pad, fieldPath);
        Span<byte> span = _span.Slice(_position);
        BinaryPrimitives.WriteUInt32BigEndian(span, (uint)byteCount);
        int written = Encoding.Latin1.GetBytes(value, span.Slice(4));
        span.Slice(4 + written, pad).Clear();
        _position += 4 + written + pad;
    }

    /// <summary>Writes the count word of a variable-length array <c>T x&lt;N&gt;</c>.</summary>
    /// <param name="count">The number of elements that follow.</param>
    /// <param name="maxCount">The declared bound N (<see cref="uint.MaxValue"/> when unbounded).</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException">The count is negative or above the bound.</exception>
    public void WriteCount(int count, uint maxCount, string fieldPath)
    {
        if (count < 0)
        {
            XdrThrow.Format("array count {0} is negative", count, fieldPath);
        }

        if ((uint)count > maxCount)
        {
            XdrThrow.Format("array count {0} exceeds maximum {1}", count, maxCount, fieldPath);
        }

        WriteUInt32((uint)count);
    }

    /// <summary>Checks the element count of a fixed-length array <c>T x[N]</c>; writes nothing.</summary>
    /// <param name="actual">The number of elements the value has.</param>
    /// <param name="expected">The declared length N.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException">The counts differ.</exception>
    public readonly void CheckFixedCount(int actual, int expected, string fieldPath)
    {
        if (actual != expected)
        {
            XdrThrow.Format("fixed array has {0} element(s), expected exactly {1}", actual, expected, fieldPath);
        }
    }

    /// <summary>
    /// Writes rxgen <c>char x[N]</c> / <c>u_char x[N]</c>: every byte becomes a 4-byte integer
    /// (xdr_vector of xdr_char), not opaque data.
    /// </summary>
    /// <param name="values">The bytes, one per element.</param>
    /// <param name="signExtend">True for C <c>char</c> (signed: 0xFF → FF FF FF FF), false for <c>u_char</c> (00 00 00 FF).</param>
    public void WriteCharVector(scoped ReadOnlySpan<byte> values, bool signExtend)
    {
        Ensure(4L * values.Length, null);
        Span<byte> span = _span.Slice(_position, values.Length * 4);
        for (int i = 0; i < values.Length; i++)
        {
            int v = signExtend ? (sbyte)values[i] : values[i];
            BinaryPrimitives.WriteInt32BigEndian(span.Slice(i * 4), v);
        }

        _position += span.Length;
    }

    /// <summary>Writes bytes as they are: no length word, no padding (for already-encoded XDR).</summary>
    /// <param name="data">The bytes.</param>
    public void WriteRawBytes(scoped ReadOnlySpan<byte> data)
    {
        if (_output is null)
        {
            Ensure(data.Length, null);
        }

        CopyChunked(data, null);
    }

    /// <summary>
    /// Enters a nested value (a union arm, an optional-data pointer, a struct in a recursive type).
    /// Pair with <see cref="ExitNested"/>. Guards against cyclic object graphs.
    /// </summary>
    /// <param name="fieldPath">The field being entered.</param>
    /// <exception cref="XdrException">The nesting is deeper than the limit.</exception>
    public void EnterNested(string fieldPath)
    {
        if (++_depth > _maxDepth)
        {
            _depth--;
            XdrThrow.Format("nesting deeper than {0} levels (cyclic value?)", _maxDepth, fieldPath);
        }
    }

    /// <summary>Leaves the value entered with <see cref="EnterNested"/>.</summary>
    public void ExitNested()
    {
        if (_depth == 0)
        {
            throw new InvalidOperationException("ExitNested without a matching EnterNested.");
        }

        _depth--;
    }

    /// <summary>Commits pending bytes to the <see cref="IBufferWriter{T}"/> (no-op over a fixed span).</summary>
    public void Flush()
    {
        if (_output is not null && _position > 0)
        {
            _output.Advance(_position);
            _committed += _position;
            _position = 0;
            _span = default;
        }
    }

    private void WriteOpaqueBody(scoped ReadOnlySpan<byte> data, string fieldPath)
    {
        int pad = XdrThrow.Pad(data.Length);
        if ((long)data.Length + pad <= _span.Length - _position)
        {
            Span<byte> span = _span.Slice(_position);
            data.CopyTo(span);
            span.Slice(data.Length, pad).Clear();
            _position += data.Length + pad;
            return;
        }

        if (_output is null)
        {
            XdrThrow.OutputFull(BytesWritten, data.Length + pad, fieldPath);
        }

        CopyChunked(data, fieldPath);
        Ensure(pad, fieldPath);
        _span.Slice(_position, pad).Clear();
        _position += pad;
    }

    private void CopyChunked(scoped ReadOnlySpan<byte> data, string? fieldPath)
    {
        while (!data.IsEmpty)
        {
            if (_position == _span.Length)
            {
                Grow(1, fieldPath);
            }

            int n = Math.Min(data.Length, _span.Length - _position);
            data.Slice(0, n).CopyTo(_span.Slice(_position));
            _position += n;
            data = data.Slice(n);
        }
    }

    // One room check, then a store through a ref: no Slice and no second length check (the JIT keeps the
    // span and position in registers), measured in docs/benchmarks.md "Profile".
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StoreBigEndian(uint v)
    {
        if (_span.Length - _position < 4) Grow(4, null);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _position), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v);
        _position += 4;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void StoreBigEndian(ulong v)
    {
        if (_span.Length - _position < 8) Grow(8, null);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), _position), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v);
        _position += 8;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Ensure(long needed, string? fieldPath)
    {
        if (needed > _span.Length - _position)
        {
            Grow(needed, fieldPath);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(long needed, string? fieldPath)
    {
        if (_output is null || needed > int.MaxValue)
        {
            XdrThrow.OutputFull(BytesWritten, (int)Math.Min(needed, int.MaxValue), fieldPath);
        }

        if (_position > 0)
        {
            _output.Advance(_position);
            _committed += _position;
            _position = 0;
        }

        _span = _output.GetSpan((int)needed);
        if (_span.Length < needed)
        {
            XdrThrow.OutputFull(BytesWritten, (int)needed, fieldPath);
        }
    }
}
