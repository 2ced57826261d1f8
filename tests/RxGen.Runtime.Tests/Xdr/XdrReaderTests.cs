using System;
using System.Linq;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using static RxGen.Runtime.Tests.TestSupport.XdrTestHelpers;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrReaderTests
{
    [Fact]
    public void PositionRemainingAndIsAtEndTrackConsumption()
    {
        var r = new XdrReader(Hex.Bytes("00000001 0000000000000002"));
        Assert.Equal(0, r.Position);
        Assert.Equal(12, r.Remaining);
        Assert.False(r.IsAtEnd);
        Assert.Equal(1, r.ReadInt32());
        Assert.Equal(4, r.Position);
        Assert.Equal(2L, r.ReadInt64());
        Assert.True(r.IsAtEnd);
        Assert.Equal(0, r.Remaining);
        r.EnsureAtEnd("x");
    }

    [Theory]
    [InlineData("00000002")]
    [InlineData("FFFFFFFF")]
    [InlineData("00000100")]
    public void BoolOtherThanZeroOrOneIsRejected(string hex)
    {
        XdrException ex = ReadFails(Hex.Bytes(hex), (ref XdrReader r) => r.ReadBool("entry.flag"));
        Assert.False(ex.IsTruncation);
        Assert.Equal("entry.flag", ex.FieldPath);
        ReadFails(Hex.Bytes(hex), (ref XdrReader r) => r.ReadBool());
    }

    [Fact]
    public void BoolZeroAndOneDecode()
    {
        Assert.True(Read(Hex.Bytes("00000001"), (ref XdrReader r) => r.ReadBool()));
        Assert.False(Read(Hex.Bytes("00000000"), (ref XdrReader r) => r.ReadBool()));
    }

    [Fact]
    public void NonZeroPaddingIsAccepted()
    {
        Assert.Equal(new byte[] { 0x41 }, Read(Hex.Bytes("00000001 41FFFFFF"), (ref XdrReader r) => r.ReadVariableOpaque(10, "o")));
        Assert.Equal("A", Read(Hex.Bytes("00000001 41010203"), (ref XdrReader r) => r.ReadString(10, "s")));
        Assert.Equal(new byte[] { 1, 2 }, Read(Hex.Bytes("0102EEEE"), (ref XdrReader r) => r.ReadFixedOpaque(2, "f")));
    }

    [Fact]
    public void FixedOpaqueIntoSpan()
    {
        byte[] dest = new byte[3];
        var r = new XdrReader(Hex.Bytes("01020300 00000009"));
        r.ReadFixedOpaque(dest, "f");
        Assert.Equal(new byte[] { 1, 2, 3 }, dest);
        Assert.Equal(9, r.ReadInt32());
    }

    [Fact]
    public void VariableOpaqueSpanPointsIntoTheInput()
    {
        byte[] input = Hex.Bytes("00000003 0A0B0C00");
        var r = new XdrReader(input);
        ReadOnlySpan<byte> span = r.ReadVariableOpaqueSpan(3, "o");
        Assert.True(span.Overlaps(input));
        Assert.Equal(new byte[] { 0x0A, 0x0B, 0x0C }, span.ToArray());
        Assert.True(r.IsAtEnd);
    }

    [Theory]
    [InlineData("FF")]
    [InlineData("C080")]
    [InlineData("80")]
    [InlineData("E282")]
    [InlineData("EDA080")]
    [InlineData("F4908080")]
    [InlineData("61FE62")]
    public void InvalidUtf8IsRejectedNotReplaced(string utf8Hex)
    {
        byte[] body = Hex.Bytes(utf8Hex);
        byte[] wire = Write((ref XdrWriter w) => w.WriteVariableOpaque(body, 100, "x"));
        XdrException ex = ReadFails(wire, (ref XdrReader r) => r.ReadString(100, "vldb.name"));
        Assert.False(ex.IsTruncation);
        Assert.Equal("vldb.name", ex.FieldPath);
    }

    [Fact]
    public void ValidMultiByteUtf8Decodes()
    {
        const string text = "añ€😀";
        byte[] wire = Write((ref XdrWriter w) => w.WriteString(text, 100, "s"));
        Assert.Equal(text, Read(wire, (ref XdrReader r) => r.ReadString(100, "s")));
    }

    [Fact]
    public void LengthAboveMaxIsRejectedOnRead()
    {
        byte[] wire = Write((ref XdrWriter w) => w.WriteVariableOpaque(new byte[5], 5, "o"));
        XdrException ex = ReadFails(wire, (ref XdrReader r) => r.ReadVariableOpaque(4, "entry.blob"));
        Assert.False(ex.IsTruncation);
        Assert.Equal("entry.blob", ex.FieldPath);
        ReadFails(wire, (ref XdrReader r) => r.ReadString(4, "s").Length);
        ReadFails(Hex.Bytes("00000005"), (ref XdrReader r) => r.ReadCount(4, 0, "a"));
    }

    [Fact]
    public void CountWithinBoundsIsReturned()
    {
        Assert.Equal(2, Read(Hex.Bytes("00000002 00000001 00000002"), (ref XdrReader r) =>
        {
            int n = r.ReadCount(5, 4, "a");
            r.ReadInt32();
            r.ReadInt32();
            return n;
        }));
        // A minimum element size below 1 counts as 1.
        var reader = new XdrReader(Hex.Bytes("00000003 000000"));
        Assert.Equal(3, reader.ReadCount(3, 0, "a"));
        Assert.True(ReadFails(Hex.Bytes("00000003 0000"), (ref XdrReader r) => r.ReadCount(3, 0, "a")).IsTruncation);
    }

    [Fact]
    public void CountThatCannotFitTheRemainingInputIsATruncation()
    {
        XdrException ex = ReadFails(Hex.Bytes("00000003 00000001 00000002"), (ref XdrReader r) => r.ReadCount(10, 4, "entry.serverNumber"));
        Assert.True(ex.IsTruncation);
        Assert.Equal("entry.serverNumber", ex.FieldPath);
    }

    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0xFFFFFFFFu)]
    [InlineData(0x80000000u)]
    [InlineData(0x7FFFFFC8u)]
    public void HostileLengthsThrowQuicklyWithoutAllocating(uint length)
    {
        byte[] wire = new byte[64];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(wire, length);

        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadVariableOpaque(uint.MaxValue, "o").Length);
        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadVariableOpaqueSpan(uint.MaxValue, "o").Length);
        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadString(uint.MaxValue, "s").Length);
        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadCount(uint.MaxValue, 0, "a"));
        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadCount(uint.MaxValue, 4, "a"));
        AssertFailsWithoutAllocating(wire, (ref XdrReader r) => r.ReadCount(uint.MaxValue, 44, "a"));
    }

    [Fact]
    public void CountsOfTwoToTheThirtyFirstAndAboveAreRejectedNotTruncations()
    {
        XdrException ex = ReadFails(Hex.Bytes("80000000"), (ref XdrReader r) => r.ReadCount(uint.MaxValue, 0, "a"));
        Assert.False(ex.IsTruncation);
        ex = ReadFails(Hex.Bytes("FFFFFFFF"), (ref XdrReader r) => r.ReadCount(uint.MaxValue, 1, "a"));
        Assert.False(ex.IsTruncation);
    }

    [Fact]
    public void TruncationAtEveryCutPointOfASampleEncoding()
    {
        byte[] full = RxGen.Runtime.Xdr.Xdr.Serialize(SampleEntry.CreateSample());
        Assert.Equal(SampleEntry.CreateSample(), RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(full));
        for (int cut = 0; cut < full.Length; cut++)
        {
            byte[] partial = full[..cut];
            XdrException ex = Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(partial));
            Assert.True(ex.IsTruncation, $"cut at {cut}: {ex.Message}");
        }
    }

    [Fact]
    public void TruncationNamesTheFieldBeingRead()
    {
        byte[] full = RxGen.Runtime.Xdr.Xdr.Serialize(SampleEntry.CreateSample());
        // Cut inside the name's bytes ("root.cell" starts at offset 4).
        XdrException ex = Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(full[..6]));
        Assert.Equal("entry.name", ex.FieldPath);
        Assert.Contains("entry.name", ex.Message);
        // Cut inside the count's element list, which ReadCount checks up front.
        ex = Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(full[..24]));
        Assert.Equal("entry.serverNumber", ex.FieldPath);
    }

    [Fact]
    public void TruncationOfAnUnnamedReadNamesTheEnclosingNestedField()
    {
        XdrException ex = ReadFails(Hex.Bytes("000000"), (ref XdrReader r) =>
        {
            r.EnterNested("vldb.entry");
            return r.ReadInt32();
        });
        Assert.True(ex.IsTruncation);
        Assert.Equal("vldb.entry", ex.FieldPath);

        ex = ReadFails(Hex.Bytes("000000"), (ref XdrReader r) =>
        {
            r.EnterNested("outer");
            r.EnterNested("outer.inner");
            r.ExitNested();
            return r.ReadInt32();
        });
        Assert.Equal("outer", ex.FieldPath);

        ex = ReadFails(Hex.Bytes("00"), (ref XdrReader r) => r.ReadInt32());
        Assert.Null(ex.FieldPath);
        Assert.True(ex.IsTruncation);
    }

    [Fact]
    public void TrailingBytesAreRejected()
    {
        byte[] full = RxGen.Runtime.Xdr.Xdr.Serialize(SampleEntry.CreateSample());
        XdrException ex = Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>([.. full, 0, 0, 0, 0]));
        Assert.False(ex.IsTruncation);
        Assert.Contains("trailing", ex.Message);
    }

    [Fact]
    public void NestingDepthIsLimited()
    {
        var ok = new XdrReader([], maxDepth: 3);
        ok.EnterNested("a");
        ok.EnterNested("a");
        ok.EnterNested("a");
        Assert.Equal(3, ok.Depth);
        ok.ExitNested();
        ok.EnterNested("a");
        XdrException ex = ReadFails([], (ref XdrReader r) =>
        {
            for (int i = 0; i < 4; i++)
            {
                r.EnterNested("list.next");
            }

            return 0;
        }, maxDepth: 3);
        Assert.Equal("list.next", ex.FieldPath);
        Assert.False(ex.IsTruncation);
    }

    [Fact]
    public void ExitNestedWithoutEnterIsAProgrammingError()
    {
        Assert.Throws<InvalidOperationException>(() =>
        {
            var r = new XdrReader([]);
            r.ExitNested();
        });
    }

    [Fact]
    public void HostileDeepListFailsWithXdrExceptionNotStackOverflow()
    {
        // 100 000 entries, each "next present": far deeper than the default limit of 256.
        var entry = new SampleEntry();
        byte[] one = RxGen.Runtime.Xdr.Xdr.Serialize(entry);
        one[^4..].AsSpan().Clear();
        one[^1] = 1; // next = TRUE
        byte[] wire = Enumerable.Repeat(one, 100_000).SelectMany(b => b).ToArray();
        XdrException ex = Assert.Throws<XdrException>(() => RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(wire));
        Assert.False(ex.IsTruncation);
        Assert.Equal("entry.next", ex.FieldPath);
    }

    [Fact]
    public void DeepListWithinTheLimitDecodes()
    {
        var head = new SampleEntry { Name = "0" };
        SampleEntry tail = head;
        for (int i = 1; i < 200; i++)
        {
            tail.Next = new SampleEntry { Name = i.ToString(System.Globalization.CultureInfo.InvariantCulture) };
            tail = tail.Next;
        }

        byte[] wire = RxGen.Runtime.Xdr.Xdr.Serialize(head);
        Assert.Equal(head, RxGen.Runtime.Xdr.Xdr.Deserialize<SampleEntry>(wire));
    }

    [Fact]
    public void NegativeFixedLengthsAreRejected()
    {
        ReadFails([], (ref XdrReader r) => r.ReadFixedOpaque(-1, "f"));
        ReadFails([], (ref XdrReader r) => r.ReadCharVector(-1, "c"));
    }

    [Fact]
    public void FixedOpaqueMissingItsPaddingIsATruncation()
    {
        XdrException ex = ReadFails(Hex.Bytes("010203"), (ref XdrReader r) => r.ReadFixedOpaque(3, "f"));
        Assert.True(ex.IsTruncation);
        Assert.Equal("f", ex.FieldPath);
    }

    private static void AssertFailsWithoutAllocating(byte[] wire, ReaderFunc<int> func)
    {
        // Warm up the throw path once so JIT work is not counted.
        try
        {
            var warm = new XdrReader(wire);
            func(ref warm);
        }
        catch (XdrException)
        {
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        XdrException? caught = null;
        try
        {
            var reader = new XdrReader(wire);
            func(ref reader);
        }
        catch (XdrException ex)
        {
            caught = ex;
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(caught);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }
}
