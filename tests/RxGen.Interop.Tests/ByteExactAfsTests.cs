using System;
using System.Linq;
using System.Threading.Tasks;
using Golden.RichAfs;
using RxGen.Interop.Tests.Samples;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>
/// Golden.RichAfs (generated from tests/peers/afs/rich.xg) against OpenAFS rxgen + libafsrpc (rich_afs_peer):
/// byte-exact encodings both ways for every sample of tests/peers/SAMPLES.md, including rxgen's char
/// vectors (4-byte, sign-extended units) and afsUUID.
/// </summary>
public sealed class ByteExactAfsTests
{
    public static TheoryData<int> AllSamples => new(Enumerable.Range(1, AfsSamples.Count));

    [Fact]
    public async Task Peer_HasExactlyTheDocumentedSamples()
    {
        PeerRun run = await Peer.RunAsync(Peer.RichAfs, ["count"], stdin: null);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(AfsSamples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), run.StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task CSharpEncoding_EqualsPeerEncoding(int sample)
    {
        byte[] encoded = Xdr.Serialize(AfsSamples.Build(sample));
        string peerHex = await Peer.EncodeAsync(Peer.RichAfs, sample);

        Assert.Equal(peerHex, Hex.Of(encoded));
        Assert.Equal(AfsSamples.EncodedLength(sample), encoded.Length);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PeerEncoding_DecodesToTheSample_AndReencodesIdentically(int sample)
    {
        string peerHex = await Peer.EncodeAsync(Peer.RichAfs, sample);

        ar_rich decoded = Xdr.Deserialize<ar_rich>(Hex.Parse(peerHex));

        SampleAssert.Equal(AfsSamples.Build(sample), decoded);
        Assert.Equal(peerHex, Hex.Of(Xdr.Serialize(decoded)));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PeerDecodesCSharpEncoding_AndReturnsItUnchanged(int sample)
    {
        string csharpHex = Hex.Of(Xdr.Serialize(AfsSamples.Build(sample)));

        PeerRun run = await Peer.DecodeAsync(Peer.RichAfs, csharpHex);

        Assert.True(run.ExitCode == 0, $"rich_afs_peer decode rejected the C# encoding of sample {sample}: {run.StandardError}");
        Assert.Equal(csharpHex, run.Hex);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PinnedHexInSamplesMd_MatchesPeerAndCSharp(int sample)
    {
        string pinned = SamplesDocument.PinnedHex($"afs {sample}");
        string peerHex = await Peer.EncodeAsync(Peer.RichAfs, sample);

        Assert.True(pinned == peerHex,
            $"tests/peers/SAMPLES.md is stale for afs {sample}: run 'bash tests/peers/check-samples.sh --update'.\npinned: {pinned}\npeer:   {peerHex}");
        Assert.Equal(pinned, Hex.Of(Xdr.Serialize(AfsSamples.Build(sample))));
    }

    [Fact]
    public async Task Sample1_DecodesTypicalValues_UuidAndIntArm()
    {
        ar_rich r = Xdr.Deserialize<ar_rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichAfs, 1)));

        Assert.Equal("vol.a", XdrText.FromCChars(r.Name));
        Assert.Equal(-42, r.I32);
        Assert.Equal((short)-2, r.I16);
        Assert.Equal((byte)200, r.U8);
        Assert.Equal("hello, afs", r.S);
        Assert.Equal(4000000000u, r.Pairs[1].Val);
        Assert.Equal(0x01234567u, r.Uuid.TimeLow);
        Assert.Equal((ushort)0x89ab, r.Uuid.TimeMid);
        Assert.Equal((ushort)0xcdef, r.Uuid.TimeHiAndVersion);
        Assert.Equal((byte)0x01, r.Uuid.ClockSeqHiAndReserved);
        Assert.Equal((byte)0x23, r.Uuid.ClockSeqLow);
        Assert.Equal(new byte[] { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55 }, r.Uuid.Node.ToArray());
        Assert.Equal(new (int, string)[] { (7, "one"), (8, "two"), (9, "three") }, SampleAssert.Nodes(r.Head));
        Assert.True(r.Pick.IsNum);
        Assert.Equal(99, r.Pick.Num);
    }

    [Fact]
    public async Task Sample2_DecodesExtremes_AllOnesUuid_AndVoidArm()
    {
        ar_rich r = Xdr.Deserialize<ar_rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichAfs, 2)));

        Assert.Equal(long.MinValue, r.I64);
        Assert.Equal(short.MinValue, r.I16);
        Assert.Equal(byte.MaxValue, r.U8);
        Assert.Empty(r.O);
        Assert.Empty(r.Pairs);
        Assert.Equal(new AfsUuid(0xffffffff, 0xffff, 0xffff, 0xff, 0xff, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), r.Uuid);
        Assert.Null(r.Head);
        Assert.Equal(3, r.Pick.T);
        Assert.False(r.Pick.IsNum || r.Pick.IsText || r.Pick.IsBig);
    }

    [Fact]
    public async Task Sample3_HighBitCharsAreSignExtended_TenNodeList_AndDefaultArm()
    {
        string peerHex = await Peer.EncodeAsync(Peer.RichAfs, 3);
        byte[] bytes = Hex.Parse(peerHex);

        // char name[8] goes out as 8 sign-extended words: e9 -> ffffffe9, 74 -> 00000074.
        Assert.StartsWith("ffffffe900000074ffffffe90000002dffffff800000007f000000010000005a", peerHex);
        ar_rich r = Xdr.Deserialize<ar_rich>(bytes);
        Assert.Equal(new byte[] { 0xe9, 0x74, 0xe9, 0x2d, 0x80, 0x7f, 0x01, 0x5a }, r.Name);
        Assert.Equal(64, r.S.Length);
        Assert.Equal(10, r.O.Length);
        Assert.Equal(new byte[] { 0xff, 0x00, 0x7f }, r.Tag);
        Assert.Equal(new[] { 0x12345678, -0x12345678 }, r.Vec);
        Assert.Equal(4, r.Pairs.Length);
        Assert.Equal((-3, 0xffffff03u), (r.Pairs[3].Key, r.Pairs[3].Val));
        Assert.Equal(-1, r.Count);
        Assert.Equal((byte)0xc0, r.Uuid.ClockSeqHiAndReserved);
        Assert.Equal(new byte[] { 0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x80 }, r.Uuid.Node.ToArray());
        var nodes = SampleAssert.Nodes(r.Head);
        Assert.Equal(10, nodes.Count);
        for (int i = 0; i < 10; i++)
        {
            Assert.Equal(((1000 * i) - 3, $"node-{i}"), nodes[i]);
        }

        Assert.Equal(-5, r.Pick.T);
        Assert.True(r.Pick.IsBig);
        Assert.Equal(-1234567890123456789, r.Pick.Big);
    }

    [Fact]
    public async Task Sample4_DecodesTextArm_UnterminatedName_AndEmptyUuid()
    {
        ar_rich r = Xdr.Deserialize<ar_rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichAfs, 4)));

        Assert.Equal("ABCDEFGH"u8.ToArray(), r.Name);
        Assert.True(r.Uuid.IsEmpty);
        Assert.Equal(new (int, string)[] { (0, "12345678") }, SampleAssert.Nodes(r.Head));
        Assert.Equal(2, r.Pick.T);
        Assert.Equal("union text arm", r.Pick.Text);
    }
}
