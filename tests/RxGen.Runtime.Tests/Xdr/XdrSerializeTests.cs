using System;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using static RxGen.Runtime.Tests.TestSupport.XdrTestHelpers;
using XdrApi = RxGen.Runtime.Xdr.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

public class XdrSerializeTests
{
    private enum Color
    {
        Red = 0,
        Blue = 7,
        Negative = -3,
    }

    private enum Small : byte
    {
        A = 1,
    }

    private enum SignedSmall : short
    {
        Minus = -5,
    }

    private enum Wide : long
    {
        Ok = 5,
        TooBig = 1L << 40,
    }

    private enum UWide : uint
    {
        High = 0xFFFFFFF0,
    }

    [Fact]
    public void SampleRoundTripsThroughAllEntryPoints()
    {
        SampleEntry sample = SampleEntry.CreateSample();
        byte[] bytes = XdrApi.Serialize(sample);

        using var buffer = new XdrBufferWriter(1);
        XdrApi.Serialize(sample, buffer);
        Assert.Equal(bytes, buffer.WrittenSpan.ToArray());

        byte[] fixedBuffer = new byte[bytes.Length];
        Assert.Equal(bytes.Length, XdrApi.Serialize(sample, fixedBuffer));
        Assert.Equal(bytes, fixedBuffer);
        Assert.Throws<XdrException>(() => XdrApi.Serialize(sample, new byte[bytes.Length - 1].AsSpan()));

        Assert.Equal(sample, XdrApi.Deserialize<SampleEntry>(bytes));
    }

    [Fact]
    public void SampleHasTheExpectedWireLayout()
    {
        byte[] bytes = XdrApi.Serialize(new SampleEntry { Name = "ab", ServerNumber = [5], Volume = 1, Blob = [9], Flag = true });
        string expected =
            "00000002 61620000" +          // name
            "00000001 00000005" +          // serverNumber<13>
            "0000000000000001" +           // volume
            "00000001 09000000" +          // blob<16>
            string.Concat(System.Linq.Enumerable.Repeat("00000000", 8)) + // label[8], chars as words
            "00000001" +                   // flag
            "00000000";                    // next = NULL
        Assert.Equal(Hex.Of(Hex.Bytes(expected)), Hex.Of(bytes));
    }

    [Fact]
    public void CachedDelegatesCallTheTypesOwnMethods()
    {
        SampleEntry sample = SampleEntry.CreateSample();
        Assert.Same(XdrApi.DecoderFor<SampleEntry>(), XdrApi.DecoderFor<SampleEntry>());
        byte[] bytes = Write((ref XdrWriter w) => XdrApi.EncoderFor<SampleEntry>()(ref w, sample));
        Assert.Equal(XdrApi.Serialize(sample), bytes);
        var r = new XdrReader(bytes);
        Assert.Equal(sample, XdrApi.DecoderFor<SampleEntry>()(ref r));
    }

    [Fact]
    public void EnumsAreFourByteInts()
    {
        Assert.Equal("00000007", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, Color.Blue))));
        Assert.Equal("FFFFFFFD", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, Color.Negative))));
        Assert.Equal(Color.Negative, Read(Hex.Bytes("FFFFFFFD"), (ref XdrReader r) => XdrApi.DecodeEnum<Color>(ref r)));
        // Undefined values are kept, as C does.
        Assert.Equal((Color)42, Read(Hex.Bytes("0000002A"), (ref XdrReader r) => XdrApi.DecodeEnum<Color>(ref r)));
    }

    [Fact]
    public void EnumsWithOtherUnderlyingTypes()
    {
        Assert.Equal("00000001", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, Small.A))));
        Assert.Equal(Small.A, Read(Hex.Bytes("00000001"), (ref XdrReader r) => XdrApi.DecodeEnum<Small>(ref r)));
        ReadFails(Hex.Bytes("00000100"), (ref XdrReader r) => XdrApi.DecodeEnum<Small>(ref r));

        Assert.Equal("FFFFFFFB", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, SignedSmall.Minus))));
        Assert.Equal(SignedSmall.Minus, Read(Hex.Bytes("FFFFFFFB"), (ref XdrReader r) => XdrApi.DecodeEnum<SignedSmall>(ref r)));

        Assert.Equal("00000005", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, Wide.Ok))));
        WriteFails((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, Wide.TooBig));
        Assert.Equal(Wide.Ok, Read(Hex.Bytes("00000005"), (ref XdrReader r) => XdrApi.DecodeEnum<Wide>(ref r)));

        Assert.Equal("FFFFFFF0", Hex.Of(Write((ref XdrWriter w) => XdrApi.EncodeEnum(ref w, UWide.High))));
        Assert.Equal(UWide.High, Read(Hex.Bytes("FFFFFFF0"), (ref XdrReader r) => XdrApi.DecodeEnum<UWide>(ref r)));
    }

    [Fact]
    public void ExceptionCarriesFieldPathInMessage()
    {
        var ex = new XdrException("bad", "entry.serverNumber[3]", isTruncation: true);
        Assert.Equal("entry.serverNumber[3]", ex.FieldPath);
        Assert.True(ex.IsTruncation);
        Assert.Contains("entry.serverNumber[3]", ex.Message);
        Assert.Equal("bad", new XdrException("bad").Message);
    }
}
