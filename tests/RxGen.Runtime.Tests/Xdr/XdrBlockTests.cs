using System;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

/// <summary>XdrWriter.Reserve + XdrBlock: one room check per run, big-endian stores, no store outside the block.</summary>
public class XdrBlockTests
{
    [Fact]
    public void Block_stores_are_the_same_bytes_as_single_writes()
    {
        using var a = new XdrBufferWriter(4);
        var w = new XdrWriter(a);
        w.WriteInt32(-2);
        var block = w.Reserve(36);
        block.Int32(0, -1);
        block.UInt32(4, 0xDEADBEEF);
        block.Int64(8, long.MinValue + 5);
        block.UInt64(16, 0x0123456789ABCDEF);
        block.Bool(24, true);
        block.Single(28, 1.5f);
        w.Flush();
        Assert.Equal(40, a.WrittenCount);
        Assert.Equal(36, block.Length);

        using var b = new XdrBufferWriter(4);
        var v = new XdrWriter(b);
        v.WriteInt32(-2);
        v.WriteInt32(-1);
        v.WriteUInt32(0xDEADBEEF);
        v.WriteInt64(long.MinValue + 5);
        v.WriteUInt64(0x0123456789ABCDEF);
        v.WriteBool(true);
        v.WriteSingle(1.5f);
        v.WriteInt32(0); // the block's last word was never stored: it is whatever the buffer held; compare the rest
        v.Flush();
        Assert.Equal(b.WrittenSpan[..36].ToArray(), a.WrittenSpan[..36].ToArray());
    }

    [Theory]
    [InlineData(5)]
    [InlineData(-1)]
    [InlineData(int.MaxValue)]
    public void A_store_outside_the_block_throws(int offset)
    {
        var buffer = new byte[64];
        var w = new XdrWriter(buffer.AsSpan());
        var block = w.Reserve(8);
        var thrown = false;
        try { block.UInt32(offset, 1); } catch (ArgumentOutOfRangeException) { thrown = true; }
        Assert.True(thrown);
        Assert.All(buffer, x => Assert.Equal(0, x));
    }

    [Fact]
    public void Reserve_past_a_fixed_buffer_is_an_XdrException()
    {
        var buffer = new byte[8];
        var thrown = false;
        var w = new XdrWriter(buffer.AsSpan());
        try { w.Reserve(12); } catch (XdrException) { thrown = true; }
        Assert.True(thrown);
    }
}
