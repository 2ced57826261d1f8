using System;
using System.Linq;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrBufferWriterTests
{
    [Fact]
    public void GrowsAndKeepsWhatWasWritten()
    {
        using var buffer = new XdrBufferWriter(16);
        int initial = buffer.Capacity;
        var random = new Random(1234);
        byte[] expected = new byte[10_000];
        random.NextBytes(expected);
        int offset = 0;
        while (offset < expected.Length)
        {
            int chunk = Math.Min(random.Next(1, 700), expected.Length - offset);
            Span<byte> span = buffer.GetSpan(chunk);
            Assert.True(span.Length >= chunk);
            expected.AsSpan(offset, chunk).CopyTo(span);
            buffer.Advance(chunk);
            offset += chunk;
        }

        Assert.Equal(expected.Length, buffer.WrittenCount);
        Assert.True(buffer.Capacity > initial);
        Assert.Equal(expected, buffer.WrittenSpan.ToArray());
        Assert.Equal(expected, buffer.WrittenMemory.ToArray());
        Assert.Equal(expected, buffer.ToArray());
    }

    [Fact]
    public void GetSpanWithoutHintReturnsRoom()
    {
        using var buffer = new XdrBufferWriter(0);
        Assert.True(buffer.GetSpan().Length >= 1);
        Assert.True(buffer.GetMemory(300).Length >= 300);
    }

    [Fact]
    public void ResetReusesTheBuffer()
    {
        using var buffer = new XdrBufferWriter(64);
        buffer.GetSpan(40)[..40].Fill(7);
        buffer.Advance(40);
        int capacity = buffer.Capacity;
        buffer.Reset();
        Assert.Equal(0, buffer.WrittenCount);
        Assert.True(buffer.WrittenSpan.IsEmpty);
        Assert.Equal(capacity, buffer.Capacity);
        var w = new XdrWriter(buffer);
        w.WriteInt32(1);
        w.Flush();
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, buffer.WrittenSpan.ToArray());
        Assert.Equal(capacity, buffer.Capacity);
    }

    [Fact]
    public void AdvancingPastTheSpanIsRejected()
    {
        using var buffer = new XdrBufferWriter(16);
        int room = buffer.GetSpan(1).Length;
        Assert.Throws<InvalidOperationException>(() => buffer.Advance(room + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => buffer.Advance(-1));
    }

    [Fact]
    public void DisposeReturnsTheBufferAndForbidsUse()
    {
        var buffer = new XdrBufferWriter();
        buffer.GetSpan(8);
        buffer.Advance(8);
        buffer.Dispose();
        buffer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => buffer.GetSpan(1));
        Assert.Throws<ObjectDisposedException>(() => buffer.WrittenSpan.Length);
        Assert.Throws<ObjectDisposedException>(() => buffer.Reset());
    }

    [Fact]
    public void PooledBufferCopiesAndDisposes()
    {
        byte[] data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        var pooled = XdrPooledBuffer.Copy(data);
        data[0] = 99;
        Assert.Equal(100, pooled.Length);
        Assert.Equal(0, pooled.Span[0]);
        Assert.Equal(100, pooled.Memory.Length);
        pooled.Dispose();
        pooled.Dispose();
        Assert.True(pooled.IsDisposed);
        Assert.Throws<ObjectDisposedException>(() => pooled.Span.Length);

        using var empty = XdrPooledBuffer.Copy([]);
        Assert.Equal(0, empty.Length);
        Assert.True(empty.Span.IsEmpty);
    }
}
