using System;
using System.Runtime.InteropServices;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using XdrApi = RxGen.Runtime.Xdr.Xdr;

namespace RxGen.Runtime.Tests.Afs;

public class AfsUuidTests
{
    [Fact]
    public void EncodesAsElevenWords()
    {
        AfsUuid uuid = AfsUuid.Parse("01020304-0506-0708-090a-0b0c0d0e0f10");
        byte[] wire = XdrApi.Serialize(uuid);
        Assert.Equal(AfsUuid.EncodedLength, wire.Length);
        Assert.Equal(
            "01020304" + "00000506" + "00000708" + "00000009" + "0000000A" +
            "0000000B" + "0000000C" + "0000000D" + "0000000E" + "0000000F" + "00000010",
            Hex.Of(wire));
    }

    [Fact]
    public void ShortsAreZeroExtendedAndCharsSignExtended()
    {
        AfsUuid uuid = AfsUuid.Parse("ffffffff-ffff-8001-ff80-ff7f00018081");
        byte[] wire = XdrApi.Serialize(uuid);
        Assert.Equal(
            "FFFFFFFF" + "0000FFFF" + "00008001" + "FFFFFFFF" + "FFFFFF80" +
            "FFFFFFFF" + "0000007F" + "00000000" + "00000001" + "FFFFFF80" + "FFFFFF81",
            Hex.Of(wire));
        Assert.Equal(uuid, XdrApi.Deserialize<AfsUuid>(wire));
    }

    [Fact]
    public void DecodeKeepsTheLowBitsOfEachWordAsCDoes()
    {
        byte[] wire = Hex.Bytes(
            "00000001" + "00010002" + "FFFF0003" + "00000104" + "7FFFFF05" +
            "00000006" + "00000007" + "00000008" + "00000009" + "0000000A" + "1234560B");
        AfsUuid uuid = XdrApi.Deserialize<AfsUuid>(wire);
        Assert.Equal(AfsUuid.Parse("00000001-0002-0003-0405-060708090a0b"), uuid);
    }

    [Fact]
    public void GuidRoundTripsAndTextMatches()
    {
        for (int i = 0; i < 50; i++)
        {
            Guid guid = Guid.NewGuid();
            AfsUuid uuid = AfsUuid.FromGuid(guid);
            Assert.Equal(guid, uuid.ToGuid());
            Assert.Equal(guid.ToString(), uuid.ToString());
            Assert.Equal(uuid, XdrApi.Deserialize<AfsUuid>(XdrApi.Serialize(uuid)));
        }
    }

    [Fact]
    public void FieldsMapInRfc4122Order()
    {
        AfsUuid uuid = AfsUuid.FromGuid(Guid.Parse("a1b2c3d4-e5f6-0718-293a-4b5c6d7e8f90"));
        Assert.Equal(0xa1b2c3d4u, uuid.TimeLow);
        Assert.Equal((ushort)0xe5f6, uuid.TimeMid);
        Assert.Equal((ushort)0x0718, uuid.TimeHiAndVersion);
        Assert.Equal((byte)0x29, uuid.ClockSeqHiAndReserved);
        Assert.Equal((byte)0x3a, uuid.ClockSeqLow);
        Assert.Equal(new byte[] { 0x4b, 0x5c, 0x6d, 0x7e, 0x8f, 0x90 }, uuid.Node.ToArray());
        byte[] raw = new byte[16];
        uuid.WriteBytes(raw);
        Assert.Equal("A1B2C3D4E5F60718293A4B5C6D7E8F90", Hex.Of(raw));
        Assert.Equal(uuid, AfsUuid.FromBytes(raw));
    }

    [Fact]
    public void EqualityComparesNodeBytesNotReferences()
    {
        byte[] nodeA = [1, 2, 3, 4, 5, 6];
        byte[] nodeB = [1, 2, 3, 4, 5, 6];
        var a = new AfsUuid(1, 2, 3, 4, 5, nodeA);
        var b = new AfsUuid(1, 2, 3, 4, 5, nodeB);
        var c = new AfsUuid(1, 2, 3, 4, 5, [1, 2, 3, 4, 5, 7]);
        Assert.Equal(a, b);
        Assert.True(a == b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.NotEqual(a, c);
        Assert.True(a != c);
        Assert.False(a.Equals((object)"x"));

        nodeA[0] = 99; // the value copied the node
        Assert.Equal(a, b);
    }

    [Fact]
    public void NodeReturnsACopy()
    {
        var a = new AfsUuid(1, 2, 3, 4, 5, [1, 2, 3, 4, 5, 6]);
        ReadOnlyMemory<byte> node = a.Node;
        Assert.True(MemoryMarshal.TryGetArray(node, out ArraySegment<byte> segment));
        segment.Array![0] = 42;
        Assert.Equal(1, a.Node.Span[0]);
    }

    [Fact]
    public void EmptyIsAllZeros()
    {
        Assert.True(AfsUuid.Empty.IsEmpty);
        Assert.Equal(AfsUuid.Empty, AfsUuid.FromGuid(Guid.Empty));
        Assert.Equal(Guid.Empty, AfsUuid.Empty.ToGuid());
        Assert.Equal(new byte[44], XdrApi.Serialize(AfsUuid.Empty));
        Assert.False(AfsUuid.FromGuid(Guid.NewGuid()).IsEmpty);
    }

    [Fact]
    public void NodeMustBeSixBytes()
    {
        Assert.Throws<ArgumentException>(() => new AfsUuid(0, 0, 0, 0, 0, new byte[5]));
        Assert.Throws<ArgumentException>(() => new AfsUuid(0, 0, 0, 0, 0, new byte[7]));
        Assert.Throws<ArgumentException>(() => AfsUuid.FromBytes(new byte[15]));
    }

    [Fact]
    public void ParseAndTryParse()
    {
        Assert.True(AfsUuid.TryParse("01020304-0506-0708-090a-0b0c0d0e0f10", out AfsUuid parsed));
        Assert.Equal(0x01020304u, parsed.TimeLow);
        Assert.False(AfsUuid.TryParse("nope", out AfsUuid bad));
        Assert.Equal(AfsUuid.Empty, bad);
    }

    [Fact]
    public void TruncatedEncodingIsATruncation()
    {
        byte[] wire = XdrApi.Serialize(AfsUuid.FromGuid(Guid.NewGuid()));
        for (int cut = 0; cut < wire.Length; cut++)
        {
            XdrException ex = Assert.Throws<XdrException>(() => XdrApi.Deserialize<AfsUuid>(wire.AsSpan(0, cut)));
            Assert.True(ex.IsTruncation);
            Assert.StartsWith("afsUUID.", ex.FieldPath);
        }
    }
}
