using System;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrTextTests
{
    [Fact]
    public void FromCCharsStopsAtTheFirstNul()
    {
        Assert.Equal("root", XdrText.FromCChars("root\0afs\0\0"u8));
        Assert.Equal("", XdrText.FromCChars("\0abc"u8));
        Assert.Equal("full", XdrText.FromCChars("full"u8));
        Assert.Equal("", XdrText.FromCChars([]));
        Assert.Equal("é", XdrText.FromCChars([0xC3, 0xA9, 0, 0xFF]));
    }

    [Fact]
    public void FromCCharsRejectsInvalidUtf8()
    {
        Assert.Throws<XdrException>(() => XdrText.FromCChars([0x61, 0xFF, 0]));
    }

    [Fact]
    public void ToCCharsPadsWithNul()
    {
        Assert.Equal("abc\0\0\0"u8.ToArray(), XdrText.ToCChars("abc", 6));
        Assert.Equal("abc\0"u8.ToArray(), XdrText.ToCChars("abc", 4));
        Assert.Equal(new byte[] { 0xC3, 0xA9, 0 }, XdrText.ToCChars("é", 3));
        Assert.Equal(new byte[] { 0 }, XdrText.ToCChars("", 1));
    }

    [Fact]
    public void ToCCharsNeedsRoomForTheNul()
    {
        Assert.Throws<XdrException>(() => XdrText.ToCChars("abcd", 4));
        Assert.Throws<XdrException>(() => XdrText.ToCChars("é", 2));
        Assert.Throws<XdrException>(() => XdrText.ToCChars("", 0));
    }

    [Fact]
    public void ToCCharsRejectsEmbeddedNulAndBadSurrogates()
    {
        Assert.Throws<XdrException>(() => XdrText.ToCChars("a\0b", 10));
        Assert.Throws<XdrException>(() => XdrText.ToCChars("a\uDC00", 10));
    }

    [Fact]
    public void RoundTripThroughACharVector()
    {
        byte[] name = XdrText.ToCChars("volume.readonly", 65);
        byte[] wire = RxGen.Runtime.Tests.TestSupport.XdrTestHelpers.Write((ref XdrWriter w) => w.WriteCharVector(name, signExtend: true));
        Assert.Equal(65 * 4, wire.Length);
        var r = new XdrReader(wire);
        Assert.Equal("volume.readonly", XdrText.FromCChars(r.ReadCharVector(65, "name")));
    }
}

/// <summary>Latin-1 strings: any byte string decodes and re-encodes unchanged.</summary>
public class XdrLatin1StringTests
{
    [Fact]
    public void Every_byte_round_trips()
    {
        var bytes = new byte[256];
        for (var i = 0; i < 256; i++) bytes[i] = (byte)i;
        var buffer = new RxGen.Runtime.Xdr.XdrBufferWriter();
        var writer = new RxGen.Runtime.Xdr.XdrWriter(buffer);
        writer.WriteVariableOpaque(bytes, 300, "x");
        writer.Flush();
        var reader = new RxGen.Runtime.Xdr.XdrReader(buffer.WrittenSpan);
        var text = reader.ReadStringLatin1(300, "x");
        Assert.Equal(256, text.Length);
        Assert.Equal('\u00e9', text[0xe9]);
        var again = new RxGen.Runtime.Xdr.XdrBufferWriter();
        var w2 = new RxGen.Runtime.Xdr.XdrWriter(again);
        w2.WriteStringLatin1(text, 300, "x");
        w2.Flush();
        Assert.Equal(buffer.WrittenSpan.ToArray(), again.WrittenSpan.ToArray());
    }

    [Fact]
    public void Characters_above_FF_and_overlong_strings_are_rejected()
    {
        var buffer = new RxGen.Runtime.Xdr.XdrBufferWriter();
        Assert.Throws<RxGen.Runtime.Xdr.XdrException>(() => { var w = new RxGen.Runtime.Xdr.XdrWriter(buffer); w.WriteStringLatin1("\u20ac", 10, "x"); });
        Assert.Throws<RxGen.Runtime.Xdr.XdrException>(() => { var w = new RxGen.Runtime.Xdr.XdrWriter(buffer); w.WriteStringLatin1("abcdef", 3, "x"); });
    }
}
