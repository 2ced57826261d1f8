using System;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrAllocationTests
{
    private static readonly byte[] Blob = [1, 2, 3, 4, 5, 6, 7];
    private static readonly byte[] Chars = [0x61, 0x62, 0xFF, 0];
    private const string Text = "user.admin@example.org";

    [Fact]
    public void EncodingIntoAReusedBufferWriterAllocatesNothing()
    {
        using var buffer = new XdrBufferWriter(1024);
        AfsUuid uuid = AfsUuid.FromGuid(Guid.Parse("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0"));
        EncodeMany(buffer, uuid, 10); // warm up: JIT, pool, buffer growth

        long before = GC.GetAllocatedBytesForCurrentThread();
        EncodeMany(buffer, uuid, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(buffer.WrittenCount > 100);
    }

    [Fact]
    public void SerializingAStructValueIntoAReusedBufferAllocatesNothing()
    {
        using var buffer = new XdrBufferWriter(64);
        AfsUuid uuid = AfsUuid.FromGuid(Guid.NewGuid());
        for (int i = 0; i < 10; i++)
        {
            buffer.Reset();
            RxGen.Runtime.Xdr.Xdr.Serialize(uuid, buffer);
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            buffer.Reset();
            RxGen.Runtime.Xdr.Xdr.Serialize(uuid, buffer);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
        Assert.Equal(AfsUuid.EncodedLength, buffer.WrittenCount);
    }

    [Fact]
    public void DecodingPrimitivesAllocatesNothing()
    {
        using var buffer = new XdrBufferWriter(1024);
        AfsUuid uuid = AfsUuid.FromGuid(Guid.NewGuid());
        EncodeMany(buffer, uuid, 1);
        byte[] wire = buffer.ToArray();
        long sum = DecodeMany(wire, 10);

        long before = GC.GetAllocatedBytesForCurrentThread();
        sum += DecodeMany(wire, 1000);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.NotEqual(0, sum);
    }

    private static void EncodeMany(XdrBufferWriter buffer, AfsUuid uuid, int iterations)
    {
        for (int i = 0; i < iterations; i++)
        {
            buffer.Reset();
            var w = new XdrWriter(buffer);
            w.WriteInt32(-i);
            w.WriteUInt32((uint)i);
            w.WriteInt64(long.MinValue + i);
            w.WriteUInt64(ulong.MaxValue);
            w.WriteBool((i & 1) == 0);
            w.WriteSingle(1.5f);
            w.WriteDouble(-2.25);
            w.WriteFixedOpaque(Blob, Blob.Length, "f");
            w.WriteVariableOpaque(Blob, 16, "v");
            w.WriteString(Text, 64, "s");
            w.WriteCount(2, 10, "c");
            w.WriteCharVector(Chars, signExtend: true);
            RxGen.Runtime.Xdr.Xdr.EncodeEnum(ref w, DayOfWeek.Friday);
            uuid.Encode(ref w);
            w.Flush();
        }
    }

    private static long DecodeMany(byte[] wire, int iterations)
    {
        long sum = 0;
        Span<byte> fixedDest = stackalloc byte[7];
        Span<byte> chars = stackalloc byte[4];
        for (int i = 0; i < iterations; i++)
        {
            var r = new XdrReader(wire);
            sum += r.ReadInt32();
            sum += r.ReadUInt32();
            sum += r.ReadInt64();
            sum += (long)(r.ReadUInt64() & 0xFF);
            sum += r.ReadBool() ? 1 : 0;
            sum += (long)r.ReadSingle();
            sum += (long)r.ReadDouble();
            r.ReadFixedOpaque(fixedDest, "f");
            sum += r.ReadVariableOpaqueSpan(16, "v").Length;
            sum += r.ReadVariableOpaqueSpan(64, "s").Length;
            sum += r.ReadCount(10, 0, "c");
            r.ReadCharVector(chars, "chars");
            sum += (int)RxGen.Runtime.Xdr.Xdr.DecodeEnum<DayOfWeek>(ref r);
            sum += AfsUuid.Decode(ref r).TimeLow;
            r.EnsureAtEnd("sample");
        }

        return sum;
    }
}
