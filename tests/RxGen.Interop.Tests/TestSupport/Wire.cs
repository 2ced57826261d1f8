using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace RxGen.Interop.Tests.TestSupport;

/// <summary>Hand-made XDR for hostile inputs.</summary>
internal static class Wire
{
    /// <summary>Big-endian 4-byte words.</summary>
    public static byte[] Words(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (int i = 0; i < words.Length; i++)
        {
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        }

        return bytes;
    }

    /// <summary>The concatenation of <paramref name="parts"/>.</summary>
    public static byte[] Concat(params byte[][] parts)
    {
        var all = new List<byte>();
        foreach (byte[] part in parts)
        {
            all.AddRange(part);
        }

        return all.ToArray();
    }

    /// <summary>
    /// A copy of <paramref name="encoding"/> with the word at <paramref name="offset"/> replaced; the word
    /// there must be <paramref name="expectedOld"/>, so a wrong offset fails loudly instead of testing nothing.
    /// </summary>
    public static byte[] Patch(byte[] encoding, int offset, uint expectedOld, uint value)
    {
        uint old = BinaryPrimitives.ReadUInt32BigEndian(encoding.AsSpan(offset));
        Assert.True(old == expectedOld, $"word at offset {offset} is 0x{old:x8}, expected 0x{expectedOld:x8}: the layout assumption is wrong");
        byte[] copy = (byte[])encoding.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(copy.AsSpan(offset), value);
        return copy;
    }
}
