using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace RxGen.Runtime.Xdr;

/// <summary>A run of fixed-size XDR words reserved with one room check (<see cref="XdrWriter.Reserve"/>). Generated
/// encoders store a struct's consecutive fixed-size fields into it at constant offsets. Every store is still
/// bounds-checked (one compare), so a wrong offset throws instead of writing outside the block.</summary>
public readonly ref struct XdrBlock
{
    private readonly Span<byte> _span;

    internal XdrBlock(Span<byte> span) => _span = span;

    /// <summary>The size of the block in bytes.</summary>
    public int Length => _span.Length;

    /// <summary>Stores a 4-byte big-endian signed integer at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int32(int offset, int value) => UInt32(offset, unchecked((uint)value));

    /// <summary>Stores a 4-byte big-endian unsigned integer at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void UInt32(int offset, uint value)
    {
        if ((ulong)(uint)offset + 4 > (ulong)(uint)_span.Length) ThrowOutside(offset, 4);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);
    }

    /// <summary>Stores an 8-byte big-endian signed integer (high word first) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Int64(int offset, long value) => UInt64(offset, unchecked((ulong)value));

    /// <summary>Stores an 8-byte big-endian unsigned integer (high word first) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void UInt64(int offset, ulong value)
    {
        if ((ulong)(uint)offset + 8 > (ulong)(uint)_span.Length) ThrowOutside(offset, 8);
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref MemoryMarshal.GetReference(_span), offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value);
    }

    /// <summary>Stores an XDR bool (0 or 1) at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Bool(int offset, bool value) => UInt32(offset, value ? 1u : 0u);

    /// <summary>Stores an IEEE 754 single at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Single(int offset, float value) => UInt32(offset, BitConverter.SingleToUInt32Bits(value));

    /// <summary>Stores an IEEE 754 double at <paramref name="offset"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Double(int offset, double value) => UInt64(offset, BitConverter.DoubleToUInt64Bits(value));

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowOutside(int offset, int size) =>
        throw new ArgumentOutOfRangeException(nameof(offset), offset, $"a {size}-byte store does not fit in the {_span.Length}-byte block");
}
