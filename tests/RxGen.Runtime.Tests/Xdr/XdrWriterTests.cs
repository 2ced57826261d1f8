using System;
using System.Linq;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using static RxGen.Runtime.Tests.TestSupport.XdrTestHelpers;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrWriterTests
{
    [Theory]
    [InlineData(0, "00000000")]
    [InlineData(1, "00000001")]
    [InlineData(-1, "FFFFFFFF")]
    [InlineData(-2, "FFFFFFFE")]
    [InlineData(0x12345678, "12345678")]
    [InlineData(int.MinValue, "80000000")]
    [InlineData(int.MaxValue, "7FFFFFFF")]
    public void Int32IsFourBytesBigEndian(int value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteInt32(value))));
        Assert.Equal(value, Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadInt32()));
    }

    [Theory]
    [InlineData(0u, "00000000")]
    [InlineData(0xDEADBEEFu, "DEADBEEF")]
    [InlineData(uint.MaxValue, "FFFFFFFF")]
    public void UInt32IsFourBytesBigEndian(uint value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteUInt32(value))));
        Assert.Equal(value, Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadUInt32()));
    }

    [Theory]
    [InlineData(0x0102030405060708L, "0102030405060708")]
    [InlineData(-1L, "FFFFFFFFFFFFFFFF")]
    [InlineData(-2L, "FFFFFFFFFFFFFFFE")]
    [InlineData(0x00000001_00000000L, "0000000100000000")]
    [InlineData(long.MinValue, "8000000000000000")]
    public void HyperIsHighWordFirst(long value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteInt64(value))));
        Assert.Equal(value, Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadInt64()));
    }

    [Theory]
    [InlineData(0xFEDCBA9876543210UL, "FEDCBA9876543210")]
    [InlineData(0x00000000FFFFFFFFUL, "00000000FFFFFFFF")]
    public void UnsignedHyperIsHighWordFirst(ulong value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteUInt64(value))));
        Assert.Equal(value, Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadUInt64()));
    }

    [Fact]
    public void BoolIsZeroOrOneAsFourBytes()
    {
        Assert.Equal("00000001", Hex.Of(Write((ref XdrWriter w) => w.WriteBool(true))));
        Assert.Equal("00000000", Hex.Of(Write((ref XdrWriter w) => w.WriteBool(false))));
    }

    [Theory]
    [InlineData(1.0f, "3F800000")]
    [InlineData(-2.5f, "C0200000")]
    [InlineData(0.0f, "00000000")]
    [InlineData(float.PositiveInfinity, "7F800000")]
    public void SingleIsIeeeBigEndian(float value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteSingle(value))));
        Assert.Equal(value, Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadSingle()));
    }

    [Theory]
    [InlineData(1.0, "3FF0000000000000")]
    [InlineData(-0.0, "8000000000000000")]
    [InlineData(0.1, "3FB999999999999A")]
    [InlineData(double.NegativeInfinity, "FFF0000000000000")]
    public void DoubleIsIeeeBigEndian(double value, string hex)
    {
        Assert.Equal(hex, Hex.Of(Write((ref XdrWriter w) => w.WriteDouble(value))));
        double back = Read(Hex.Bytes(hex), (ref XdrReader r) => r.ReadDouble());
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(back));
    }

    [Fact]
    public void NaNPayloadsSurviveBitExact()
    {
        float f = BitConverter.Int32BitsToSingle(0x7FC00123);
        double d = BitConverter.Int64BitsToDouble(0x7FF8000000000ABCL);
        byte[] bytes = Write((ref XdrWriter w) =>
        {
            w.WriteSingle(f);
            w.WriteDouble(d);
        });
        Assert.Equal("7FC001237FF8000000000ABC", Hex.Of(bytes));
        var r = new XdrReader(bytes);
        Assert.Equal(0x7FC00123, BitConverter.SingleToInt32Bits(r.ReadSingle()));
        Assert.Equal(0x7FF8000000000ABCL, BitConverter.DoubleToInt64Bits(r.ReadDouble()));
    }

    [Fact]
    public void ShortsAreExtendedToFourBytes()
    {
        Assert.Equal("FFFFFFFE", Hex.Of(Write((ref XdrWriter w) => w.WriteInt16(-2))));
        Assert.Equal("0000FFFE", Hex.Of(Write((ref XdrWriter w) => w.WriteUInt16(0xFFFE))));
        var r = new XdrReader(Hex.Bytes("FFFFFFFE 0001FFFE"));
        Assert.Equal((short)-2, r.ReadInt16());
        Assert.Equal((ushort)0xFFFE, r.ReadUInt16());
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(4, 0)]
    [InlineData(5, 3)]
    public void FixedOpaqueIsPaddedWithZerosToFour(int length, int pad)
    {
        byte[] data = Enumerable.Range(1, length).Select(i => (byte)(0xA0 + i)).ToArray();
        byte[] bytes = Write((ref XdrWriter w) => w.WriteFixedOpaque(data, length, "f"));
        Assert.Equal(length + pad, bytes.Length);
        Assert.Equal(data, bytes[..length]);
        Assert.All(bytes[length..], b => Assert.Equal(0, b));
        Assert.Equal(data, Read(bytes, (ref XdrReader r) => r.ReadFixedOpaque(length, "f")));
    }

    [Theory]
    [InlineData(0, 0)]
    [InlineData(1, 3)]
    [InlineData(2, 2)]
    [InlineData(3, 1)]
    [InlineData(4, 0)]
    [InlineData(5, 3)]
    public void VariableOpaqueIsLengthBytesAndPadding(int length, int pad)
    {
        byte[] data = Enumerable.Range(1, length).Select(i => (byte)i).ToArray();
        byte[] bytes = Write((ref XdrWriter w) => w.WriteVariableOpaque(data, 5, "v"));
        Assert.Equal(4 + length + pad, bytes.Length);
        Assert.Equal(length, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes));
        Assert.Equal(data, bytes[4..(4 + length)]);
        Assert.All(bytes[(4 + length)..], b => Assert.Equal(0, b));
        Assert.Equal(data, Read(bytes, (ref XdrReader r) => r.ReadVariableOpaque(5, "v")));
    }

    [Theory]
    [InlineData("", "00000000")]
    [InlineData("a", "00000001 61000000")]
    [InlineData("ab", "00000002 61620000")]
    [InlineData("abc", "00000003 61626300")]
    [InlineData("abcd", "00000004 61626364")]
    [InlineData("abcde", "00000005 61626364 65000000")]
    [InlineData("é", "00000002 C3A90000")]
    public void StringIsUtf8LengthBytesAndPaddingWithoutNul(string value, string hex)
    {
        byte[] bytes = Write((ref XdrWriter w) => w.WriteString(value, 8, "s"));
        Assert.Equal(Hex.Of(Hex.Bytes(hex)), Hex.Of(bytes));
        Assert.Equal(value, Read(bytes, (ref XdrReader r) => r.ReadString(8, "s")));
    }

    [Fact]
    public void StringBoundCountsUtf8BytesNotChars()
    {
        Write((ref XdrWriter w) => w.WriteString("éé", 4, "s"));
        XdrException ex = WriteFails((ref XdrWriter w) => w.WriteString("éé", 3, "vldb.name"));
        Assert.Equal("vldb.name", ex.FieldPath);
        Assert.Contains("vldb.name", ex.Message);
        Assert.False(ex.IsTruncation);
    }

    [Fact]
    public void NullStringIsRejected()
    {
        XdrException ex = WriteFails((ref XdrWriter w) => w.WriteString(null, 10, "name"));
        Assert.Equal("name", ex.FieldPath);
    }

    [Fact]
    public void UnpairedSurrogateIsRejectedNotReplaced()
    {
        XdrException ex = WriteFails((ref XdrWriter w) => w.WriteString("a\uD800b", 10, "s"));
        Assert.Equal("s", ex.FieldPath);
    }

    [Fact]
    public void OpaqueLongerThanMaxIsRejected()
    {
        XdrException ex = WriteFails((ref XdrWriter w) => w.WriteVariableOpaque(new byte[17], 16, "entry.blob"));
        Assert.Equal("entry.blob", ex.FieldPath);
        Write((ref XdrWriter w) => w.WriteVariableOpaque(new byte[16], 16, "entry.blob"));
    }

    [Fact]
    public void FixedOpaqueOfWrongLengthIsRejected()
    {
        Assert.Equal("f", WriteFails((ref XdrWriter w) => w.WriteFixedOpaque(new byte[3], 4, "f")).FieldPath);
        WriteFails((ref XdrWriter w) => w.WriteFixedOpaque(new byte[5], 4, "f"));
    }

    [Fact]
    public void CountIsCheckedAgainstMax()
    {
        Assert.Equal("00000003", Hex.Of(Write((ref XdrWriter w) => w.WriteCount(3, 3, "a"))));
        Assert.Equal("entry.serverNumber", WriteFails((ref XdrWriter w) => w.WriteCount(14, 13, "entry.serverNumber")).FieldPath);
        WriteFails((ref XdrWriter w) => w.WriteCount(-1, uint.MaxValue, "a"));
    }

    [Fact]
    public void CheckFixedCountWritesNothingAndRejectsMismatch()
    {
        Assert.Empty(Write((ref XdrWriter w) => w.CheckFixedCount(6, 6, "node")));
        Assert.Equal("node", WriteFails((ref XdrWriter w) => w.CheckFixedCount(5, 6, "node")).FieldPath);
    }

    [Fact]
    public void CharVectorSignExtendsForCharAndZeroExtendsForUChar()
    {
        byte[] values = [0x00, 0x7F, 0x80, 0xFF];
        Assert.Equal(
            "00000000" + "0000007F" + "FFFFFF80" + "FFFFFFFF",
            Hex.Of(Write((ref XdrWriter w) => w.WriteCharVector(values, signExtend: true))));
        Assert.Equal(
            "00000000" + "0000007F" + "00000080" + "000000FF",
            Hex.Of(Write((ref XdrWriter w) => w.WriteCharVector(values, signExtend: false))));
    }

    [Fact]
    public void CharVectorReadTruncatesEachWordToItsLowByte()
    {
        byte[] wire = Hex.Bytes("FFFFFF80 000000FF 00000180 7FFFFF41");
        Assert.Equal(new byte[] { 0x80, 0xFF, 0x80, 0x41 }, Read(wire, (ref XdrReader r) => r.ReadCharVector(4, "c")));
        Span<byte> dest = stackalloc byte[4];
        var reader = new XdrReader(wire);
        reader.ReadCharVector(dest, "c");
        Assert.Equal(new byte[] { 0x80, 0xFF, 0x80, 0x41 }, dest.ToArray());
    }

    [Fact]
    public void FixedSpanOverflowThrowsAndIsNotATruncation()
    {
        byte[] dest = new byte[6];
        XdrException ex = Assert.Throws<XdrException>(() =>
        {
            var w = new XdrWriter(dest);
            w.WriteInt32(1);
            w.WriteInt32(2);
        });
        Assert.False(ex.IsTruncation);
        Assert.Equal("00000001", Hex.Of(dest.AsSpan(0, 4)));
    }

    [Fact]
    public void FixedSpanWriterFillsExactly()
    {
        byte[] dest = new byte[12];
        var w = new XdrWriter(dest);
        w.WriteString("abc", 10, "s");
        w.WriteInt32(-1);
        w.Flush();
        Assert.Equal(12, w.BytesWritten);
        Assert.Equal("00000003616263 00FFFFFFFF".Replace(" ", ""), Hex.Of(dest));
    }

    [Fact]
    public void StingyBufferWriterGetsTheSameBytesAsAContiguousOne()
    {
        SampleEntry entry = SampleEntry.CreateSample();
        byte[] expected = RxGen.Runtime.Xdr.Xdr.Serialize(entry);
        var stingy = new StingyBufferWriter();
        var w = new XdrWriter(stingy);
        entry.Encode(ref w);
        byte[] bigBlob = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        w.WriteVariableOpaque(bigBlob, 1000, "big");
        w.WriteRawBytes(bigBlob);
        w.Flush();
        byte[] tail = Write((ref XdrWriter x) =>
        {
            x.WriteVariableOpaque(bigBlob, 1000, "big");
            x.WriteRawBytes(bigBlob);
        });
        Assert.Equal(expected.Concat(tail).ToArray(), stingy.Written);
        Assert.Equal(expected.Length + tail.Length, w.BytesWritten);
        Assert.True(stingy.GetSpanCalls > 10);
    }

    [Fact]
    public void NothingIsCommittedBeforeFlush()
    {
        using var buffer = new XdrBufferWriter();
        var w = new XdrWriter(buffer);
        w.WriteInt32(5);
        Assert.Equal(0, buffer.WrittenCount);
        Assert.Equal(4, w.BytesWritten);
        w.Flush();
        Assert.Equal(4, buffer.WrittenCount);
        w.Flush();
        Assert.Equal(4, buffer.WrittenCount);
        w.WriteInt32(6);
        w.Flush();
        Assert.Equal("0000000500000006", Hex.Of(buffer.WrittenSpan));
    }

    [Fact]
    public void WriterNestingIsLimited()
    {
        XdrException ex = Assert.Throws<XdrException>(() =>
        {
            using var buffer = new XdrBufferWriter();
            var w = new XdrWriter(buffer, maxDepth: 3);
            for (int i = 0; i < 4; i++)
            {
                w.EnterNested("list.next");
            }
        });
        Assert.Equal("list.next", ex.FieldPath);
        Assert.Throws<InvalidOperationException>(() =>
        {
            using var buffer = new XdrBufferWriter();
            var w = new XdrWriter(buffer);
            w.ExitNested();
        });
    }

    [Fact]
    public void CyclicValueFailsWithXdrExceptionInsteadOfStackOverflow()
    {
        var entry = new SampleEntry();
        entry.Next = entry;
        Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Serialize(entry));
    }
}
