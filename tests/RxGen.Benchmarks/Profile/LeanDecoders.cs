using System;
using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks.Profile;

/// <summary>
/// Hand-written decoders of the nested.x wire format, each changing ONE thing relative to the generated
/// decoder (tests/Golden/nested.x.cs), so that the difference in time isolates one cost. All of them check
/// what the generated one checks (bounds, counts, bools, UTF-8) and throw <see cref="XdrException"/>.
/// Only the public XdrReader API is used, so each could be emitted today.
/// </summary>
internal static class LeanDecoders
{
    private const int HeadBytes = 4 + 4 + 8 + 8 + 20 + 32; // revision .. fixed: the fixed-size prefix of nested
    private const int NodeBytes = 4 + 8 + 4;              // value, stamp, the next pointer's bool

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Same reader calls as the generated decoder, but the result is built through a constructor, so the
    /// discarded default <c>nb_inner</c> and <c>int[8]</c> are not allocated.
    /// </summary>
    public static LeanNested<LeanItem> NoDiscardedDefaults(ref XdrReader reader)
    {
        int revision = reader.ReadInt32();
        uint flags = reader.ReadUInt32();
        long created = reader.ReadInt64();
        ulong size = reader.ReadUInt64();
        LeanInner meta = ReadInner(ref reader);
        int[] fixedValues = ReadFixed(ref reader);
        int count = reader.ReadCount(16u, 8, "nested.items");
        var items = new LeanItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new LeanItem(reader.ReadInt32(), reader.ReadUInt32());
        }

        string name = reader.ReadString(32u, "nested.name");
        string owner = reader.ReadString(32u, "nested.owner");
        LeanNode? list = ReadListChecked(ref reader);
        return new LeanNested<LeanItem>(revision, flags, created, size, meta, fixedValues, items, name, owner, list);
    }

    /// <summary><see cref="NoDiscardedDefaults"/> with <c>nb_item</c> as a struct: one array instead of 1 + 16 objects.</summary>
    public static LeanNested<LeanItemValue> StructItems(ref XdrReader reader)
    {
        int revision = reader.ReadInt32();
        uint flags = reader.ReadUInt32();
        long created = reader.ReadInt64();
        ulong size = reader.ReadUInt64();
        LeanInner meta = ReadInner(ref reader);
        int[] fixedValues = ReadFixed(ref reader);
        int count = reader.ReadCount(16u, 8, "nested.items");
        var items = new LeanItemValue[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new LeanItemValue(reader.ReadInt32(), reader.ReadUInt32());
        }

        string name = reader.ReadString(32u, "nested.name");
        string owner = reader.ReadString(32u, "nested.owner");
        LeanNode? list = ReadListChecked(ref reader);
        return new LeanNested<LeanItemValue>(revision, flags, created, size, meta, fixedValues, items, name, owner, list);
    }

    /// <summary>
    /// <see cref="NoDiscardedDefaults"/> with strings validated and transcoded in one pass (a throwing
    /// UTF8Encoding) instead of <c>Utf8.IsValid</c> followed by <c>Encoding.UTF8.GetString</c>.
    /// </summary>
    public static LeanNested<LeanItem> SinglePassStrings(ref XdrReader reader)
    {
        int revision = reader.ReadInt32();
        uint flags = reader.ReadUInt32();
        long created = reader.ReadInt64();
        ulong size = reader.ReadUInt64();
        LeanInner meta = ReadInner(ref reader);
        int[] fixedValues = ReadFixed(ref reader);
        int count = reader.ReadCount(16u, 8, "nested.items");
        var items = new LeanItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new LeanItem(reader.ReadInt32(), reader.ReadUInt32());
        }

        string name = ReadStringOnePass(ref reader, 32u, "nested.name");
        string owner = ReadStringOnePass(ref reader, 32u, "nested.owner");
        LeanNode? list = ReadListChecked(ref reader);
        return new LeanNested<LeanItem>(revision, flags, created, size, meta, fixedValues, items, name, owner, list);
    }

    /// <summary>
    /// <see cref="NoDiscardedDefaults"/> with one availability check per fixed-size run instead of one per
    /// primitive: the 76-byte prefix (revision .. fixed), the items (count × 8 bytes) and each list node
    /// (16 bytes) are taken with <c>ReadRawBytes</c> and read with <c>BinaryPrimitives</c> at constant offsets.
    /// </summary>
    public static LeanNested<LeanItem> BlockReads(ref XdrReader reader)
    {
        ReadOnlySpan<byte> head = reader.ReadRawBytes(HeadBytes, "nested");
        int revision = BinaryPrimitives.ReadInt32BigEndian(head);
        uint flags = BinaryPrimitives.ReadUInt32BigEndian(head.Slice(4));
        long created = BinaryPrimitives.ReadInt64BigEndian(head.Slice(8));
        ulong size = BinaryPrimitives.ReadUInt64BigEndian(head.Slice(16));
        var meta = new LeanInner(
            BinaryPrimitives.ReadInt32BigEndian(head.Slice(24)),
            BinaryPrimitives.ReadUInt32BigEndian(head.Slice(28)),
            BinaryPrimitives.ReadInt64BigEndian(head.Slice(32)),
            Bool(BinaryPrimitives.ReadUInt32BigEndian(head.Slice(40)), "nested.meta.enabled"));
        var fixedValues = new int[8];
        ReadOnlySpan<byte> f = head.Slice(44, 32);
        for (int i = 0; i < fixedValues.Length; i++)
        {
            fixedValues[i] = BinaryPrimitives.ReadInt32BigEndian(f.Slice(i * 4));
        }

        int count = reader.ReadCount(16u, 8, "nested.items");
        ReadOnlySpan<byte> block = reader.ReadRawBytes(count * 8, "nested.items");
        var items = new LeanItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            ReadOnlySpan<byte> e = block.Slice(i * 8, 8);
            items[i] = new LeanItem(BinaryPrimitives.ReadInt32BigEndian(e), BinaryPrimitives.ReadUInt32BigEndian(e.Slice(4)));
        }

        string name = reader.ReadString(32u, "nested.name");
        string owner = reader.ReadString(32u, "nested.owner");
        LeanNode? list = null;
        if (reader.ReadBool("nested.list"))
        {
            reader.EnterNested("nested.list");
            var head0 = new LeanNode();
            LeanNode node = head0;
            while (true)
            {
                ReadOnlySpan<byte> n = reader.ReadRawBytes(NodeBytes);
                node.Value = BinaryPrimitives.ReadInt32BigEndian(n);
                node.Stamp = BinaryPrimitives.ReadInt64BigEndian(n.Slice(4));
                if (!Bool(BinaryPrimitives.ReadUInt32BigEndian(n.Slice(12)), "nested.list"))
                {
                    break;
                }

                var next = new LeanNode();
                node.Next = next;
                node = next;
            }

            list = head0;
            reader.ExitNested();
        }

        return new LeanNested<LeanItem>(revision, flags, created, size, meta, fixedValues, items, name, owner, list);
    }

    /// <summary>
    /// <see cref="BlockReads"/> with the block bodies read without any further bounds checks
    /// (<c>Unsafe.ReadUnaligned</c> from the block's first byte; the block length was checked once).
    /// </summary>
    public static LeanNested<LeanItem> BlockReadsUnchecked(ref XdrReader reader)
    {
        ref byte h = ref MemoryMarshal.GetReference(reader.ReadRawBytes(HeadBytes, "nested"));
        var meta = new LeanInner(I32(ref h, 24), U32(ref h, 28), I64(ref h, 32), Bool(U32(ref h, 40), "nested.meta.enabled"));
        var fixedValues = new int[8];
        for (int i = 0; i < fixedValues.Length; i++)
        {
            fixedValues[i] = I32(ref h, 44 + (i * 4));
        }

        int revision = I32(ref h, 0);
        uint flags = U32(ref h, 4);
        long created = I64(ref h, 8);
        ulong size = (ulong)I64(ref h, 16);

        int count = reader.ReadCount(16u, 8, "nested.items");
        ref byte b = ref MemoryMarshal.GetReference(reader.ReadRawBytes(count * 8, "nested.items"));
        var items = new LeanItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new LeanItem(I32(ref b, i * 8), U32(ref b, (i * 8) + 4));
        }

        string name = reader.ReadString(32u, "nested.name");
        string owner = reader.ReadString(32u, "nested.owner");
        LeanNode? list = ReadListUnchecked(ref reader);
        return new LeanNested<LeanItem>(revision, flags, created, size, meta, fixedValues, items, name, owner, list);
    }

    /// <summary>Everything above at once: no discarded defaults, struct items, one-pass strings, unchecked blocks.</summary>
    public static LeanNested<LeanItemValue> Combined(ref XdrReader reader)
    {
        ref byte h = ref MemoryMarshal.GetReference(reader.ReadRawBytes(HeadBytes, "nested"));
        var meta = new LeanInner(I32(ref h, 24), U32(ref h, 28), I64(ref h, 32), Bool(U32(ref h, 40), "nested.meta.enabled"));
        var fixedValues = new int[8];
        for (int i = 0; i < fixedValues.Length; i++)
        {
            fixedValues[i] = I32(ref h, 44 + (i * 4));
        }

        int count = reader.ReadCount(16u, 8, "nested.items");
        ref byte b = ref MemoryMarshal.GetReference(reader.ReadRawBytes(count * 8, "nested.items"));
        var items = new LeanItemValue[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new LeanItemValue(I32(ref b, i * 8), U32(ref b, (i * 8) + 4));
        }

        string name = ReadStringOnePass(ref reader, 32u, "nested.name");
        string owner = ReadStringOnePass(ref reader, 32u, "nested.owner");
        LeanNode? list = ReadListUnchecked(ref reader);
        return new LeanNested<LeanItemValue>(I32(ref h, 0), U32(ref h, 4), I64(ref h, 8), (ulong)I64(ref h, 16), meta,
            fixedValues, items, name, owner, list);
    }

    /// <summary>
    /// The generated decoder's reader calls with nothing allocated (values summed, strings validated but not
    /// materialised): what reading alone costs with the current XdrReader.
    /// </summary>
    public static long ParseOnly(ref XdrReader reader)
    {
        long sum = reader.ReadInt32();
        sum += reader.ReadUInt32();
        sum += reader.ReadInt64();
        sum += (long)reader.ReadUInt64();
        sum += reader.ReadInt32();
        sum += reader.ReadUInt32();
        sum += reader.ReadInt64();
        sum += reader.ReadBool() ? 1 : 0;
        for (int i = 0; i < 8; i++)
        {
            sum += reader.ReadInt32();
        }

        int count = reader.ReadCount(16u, 8, "nested.items");
        for (int i = 0; i < count; i++)
        {
            sum += reader.ReadInt32();
            sum += reader.ReadUInt32();
        }

        for (int s = 0; s < 2; s++)
        {
            ReadOnlySpan<byte> text = reader.ReadVariableOpaqueSpan(32u, "nested.name");
            if (!System.Text.Unicode.Utf8.IsValid(text))
            {
                throw new XdrException("string is not valid UTF-8", "nested.name");
            }

            sum += text.Length;
        }

        if (reader.ReadBool())
        {
            reader.EnterNested("nested.list");
            do
            {
                sum += reader.ReadInt32();
                sum += reader.ReadInt64();
            }
            while (reader.ReadBool());
            reader.ExitNested();
        }

        return sum;
    }

    /// <summary>
    /// The 56 allocations of the generated decoder (same types, sizes and string lengths) with no reading at
    /// all: what building the object graph alone costs.
    /// </summary>
    public static Golden.Nested.nested AllocateOnly(string nameTemplate, string ownerTemplate)
    {
        var result = new Golden.Nested.nested(); // also allocates the default nb_inner and int[8], as Decode does
        result.Meta = new Golden.Nested.nb_inner { A = 1 };
        result.Fixed = new int[8];
        var items = new Golden.Nested.nb_item[16];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new Golden.Nested.nb_item { Id = i };
        }

        result.Items = items;
        result.Name = new string(nameTemplate.AsSpan());
        result.Owner = new string(ownerTemplate.AsSpan());
        var head = new Golden.Nested.nb_node();
        var node = head;
        for (int i = 1; i < NestedSample.ListLength; i++)
        {
            var next = new Golden.Nested.nb_node { Value = i };
            node.Next = next;
            node = next;
        }

        result.List = head;
        return result;
    }

    private static LeanInner ReadInner(ref XdrReader reader) =>
        new(reader.ReadInt32(), reader.ReadUInt32(), reader.ReadInt64(), reader.ReadBool());

    private static int[] ReadFixed(ref XdrReader reader)
    {
        if (reader.Remaining < 8 * 4)
        {
            throw new XdrException("input ends inside a fixed array", "nested.fixed", isTruncation: true);
        }

        var values = new int[8];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = reader.ReadInt32();
        }

        return values;
    }

    private static LeanNode? ReadListChecked(ref XdrReader reader)
    {
        if (!reader.ReadBool())
        {
            return null;
        }

        reader.EnterNested("nested.list");
        var head = new LeanNode();
        LeanNode node = head;
        while (true)
        {
            node.Value = reader.ReadInt32();
            node.Stamp = reader.ReadInt64();
            if (!reader.ReadBool())
            {
                break;
            }

            var next = new LeanNode();
            node.Next = next;
            node = next;
        }

        reader.ExitNested();
        return head;
    }

    private static LeanNode? ReadListUnchecked(ref XdrReader reader)
    {
        if (!reader.ReadBool("nested.list"))
        {
            return null;
        }

        reader.EnterNested("nested.list");
        var head = new LeanNode();
        LeanNode node = head;
        while (true)
        {
            ref byte n = ref MemoryMarshal.GetReference(reader.ReadRawBytes(NodeBytes));
            node.Value = I32(ref n, 0);
            node.Stamp = I64(ref n, 4);
            if (!Bool(U32(ref n, 12), "nested.list"))
            {
                break;
            }

            var next = new LeanNode();
            node.Next = next;
            node = next;
        }

        reader.ExitNested();
        return head;
    }

    private static string ReadStringOnePass(ref XdrReader reader, uint maxLength, string fieldPath)
    {
        ReadOnlySpan<byte> bytes = reader.ReadVariableOpaqueSpan(maxLength, fieldPath);
        if (bytes.IsEmpty)
        {
            return string.Empty;
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            throw new XdrException("string is not valid UTF-8", fieldPath, ex);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Bool(uint v, string fieldPath) => v switch
    {
        0 => false,
        1 => true,
        _ => ThrowBadBool(v, fieldPath),
    };

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool ThrowBadBool(uint v, string fieldPath) =>
        throw new XdrException($"bool value {v} is neither 0 nor 1", fieldPath);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int I32(ref byte p, int offset)
    {
        int v = Unsafe.ReadUnaligned<int>(ref Unsafe.Add(ref p, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint U32(ref byte p, int offset)
    {
        uint v = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref p, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long I64(ref byte p, int offset)
    {
        long v = Unsafe.ReadUnaligned<long>(ref Unsafe.Add(ref p, offset));
        return BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(v) : v;
    }
}
