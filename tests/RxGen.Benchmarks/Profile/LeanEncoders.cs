using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Golden.Nested;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks.Profile;

/// <summary>
/// A hand-written encoder of the generated <c>nested</c> type that does what an emitter with a
/// "reserve N bytes" writer primitive could do: one room check per fixed-size run (the 76-byte prefix, all
/// items, each list node) and plain stores at constant offsets, strings transcoded in one pass. It writes a
/// <see cref="Span{T}"/> the caller sized, and keeps the generated encoder's value checks.
/// </summary>
internal static class LeanEncoders
{
    private const int HeadBytes = 76;
    private const int NodeBytes = 16;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static int Blocks(nested value, Span<byte> destination)
    {
        int pos = 0;
        ref byte h = ref Reserve(destination, ref pos, HeadBytes);
        nb_inner meta = value.Meta ?? throw new XdrException("value is null", "nested.meta");
        int[] fixedValues = value.Fixed ?? throw new XdrException("array is null", "nested.fixed");
        if (fixedValues.Length != 8)
        {
            throw new XdrException($"fixed array has {fixedValues.Length} element(s), expected exactly 8", "nested.fixed");
        }

        Put(ref h, 0, value.Revision);
        Put(ref h, 4, (int)value.Flags);
        Put(ref h, 8, value.Created);
        Put(ref h, 16, (long)value.Size);
        Put(ref h, 24, meta.A);
        Put(ref h, 28, (int)meta.B);
        Put(ref h, 32, meta.C);
        Put(ref h, 40, meta.Enabled ? 1 : 0);
        for (int i = 0; i < 8; i++)
        {
            Put(ref h, 44 + (i * 4), fixedValues[i]);
        }

        nb_item[] items = value.Items ?? throw new XdrException("array is null", "nested.items");
        if ((uint)items.Length > 16u)
        {
            throw new XdrException($"array count {items.Length} exceeds maximum 16", "nested.items");
        }

        ref byte b = ref Reserve(destination, ref pos, 4 + (items.Length * 8));
        Put(ref b, 0, items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            nb_item item = items[i] ?? throw new XdrException("value is null", "nested.items[]");
            Put(ref b, 4 + (i * 8), item.Id);
            Put(ref b, 8 + (i * 8), (int)item.Flags);
        }

        PutString(destination, ref pos, value.Name, 32, "nested.name");
        PutString(destination, ref pos, value.Owner, 32, "nested.owner");

        nb_node? node = value.List;
        Put(ref Reserve(destination, ref pos, 4), 0, node is null ? 0 : 1);
        while (node is not null)
        {
            ref byte n = ref Reserve(destination, ref pos, NodeBytes);
            nb_node? next = node.Next;
            Put(ref n, 0, node.Value);
            Put(ref n, 4, node.Stamp);
            Put(ref n, 12, next is null ? 0 : 1);
            node = next;
        }

        return pos;
    }

    private static void PutString(Span<byte> destination, ref int pos, string? text, int maxBytes, string fieldPath)
    {
        if (text is null)
        {
            throw new XdrException("string is null", fieldPath);
        }

        // One pass: transcode straight into the output when the worst case (3 bytes per UTF-16 unit) fits the
        // bound and the room; the length word is written afterwards.
        if (text.Length * 3 > maxBytes || destination.Length - pos < 4 + (text.Length * 3) + 3)
        {
            PutStringTwoPass(destination, ref pos, text, maxBytes, fieldPath);
            return;
        }

        int written;
        try
        {
            written = StrictUtf8.GetBytes(text, destination.Slice(pos + 4));
        }
        catch (EncoderFallbackException ex)
        {
            throw new XdrException("string contains an unpaired surrogate and cannot be encoded as UTF-8", fieldPath, ex);
        }

        BinaryPrimitives.WriteInt32BigEndian(destination.Slice(pos), written);
        int pad = -written & 3;
        destination.Slice(pos + 4 + written, pad).Clear();
        pos += 4 + written + pad;
    }

    private static void PutStringTwoPass(Span<byte> destination, ref int pos, string text, int maxBytes, string fieldPath)
    {
        int count = StrictUtf8.GetByteCount(text);
        if (count > maxBytes)
        {
            throw new XdrException($"string length {count} (UTF-8 bytes) exceeds maximum {maxBytes}", fieldPath);
        }

        int pad = -count & 3;
        if (destination.Length - pos < 4 + count + pad)
        {
            ThrowFull(pos, 4 + count + pad);
        }

        Span<byte> span = destination.Slice(pos, 4 + count + pad);
        BinaryPrimitives.WriteInt32BigEndian(span, count);
        StrictUtf8.GetBytes(text, span.Slice(4));
        span.Slice(4 + count).Clear();
        pos += span.Length;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ref byte Reserve(Span<byte> destination, ref int pos, int length)
    {
        int at = pos;
        if ((uint)length > (uint)(destination.Length - at))
        {
            ThrowFull(at, length);
        }

        pos = at + length;
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(destination), at);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowFull(int at, int length) =>
        throw new XdrException($"XDR output buffer too small: {length} more byte(s) needed after {at} written");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref byte p, int offset, int v) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref p, offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(ref byte p, int offset, long v) =>
        Unsafe.WriteUnaligned(ref Unsafe.Add(ref p, offset), BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v);
}
