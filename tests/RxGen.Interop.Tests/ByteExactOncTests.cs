using System;
using System.Linq;
using System.Threading.Tasks;
using Golden.RichOnc;
using RxGen.Interop.Tests.Samples;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>
/// Golden.RichOnc (generated from tests/peers/onc/rich.x) against rpcgen + libtirpc (rich_onc_peer):
/// byte-exact encodings both ways for every sample of tests/peers/SAMPLES.md.
/// </summary>
public sealed class ByteExactOncTests
{
    public static TheoryData<int> AllSamples => new(Enumerable.Range(1, OncSamples.Count));

    [Fact]
    public async Task Peer_HasExactlyTheDocumentedSamples()
    {
        PeerRun run = await Peer.RunAsync(Peer.RichOnc, ["count"], stdin: null);
        Assert.Equal(0, run.ExitCode);
        Assert.Equal(OncSamples.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), run.StandardOutput.Trim());
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task CSharpEncoding_EqualsPeerEncoding(int sample)
    {
        byte[] encoded = Xdr.Serialize(OncSamples.Build(sample));
        string peerHex = await Peer.EncodeAsync(Peer.RichOnc, sample);

        Assert.Equal(peerHex, Hex.Of(encoded));
        Assert.Equal(OncSamples.EncodedLength(sample), encoded.Length);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PeerEncoding_DecodesToTheSample_AndReencodesIdentically(int sample)
    {
        string peerHex = await Peer.EncodeAsync(Peer.RichOnc, sample);

        rich decoded = Xdr.Deserialize<rich>(Hex.Parse(peerHex));

        SampleAssert.Equal(OncSamples.Build(sample), decoded);
        Assert.Equal(peerHex, Hex.Of(Xdr.Serialize(decoded)));
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PeerDecodesCSharpEncoding_AndReturnsItUnchanged(int sample)
    {
        string csharpHex = Hex.Of(Xdr.Serialize(OncSamples.Build(sample)));

        PeerRun run = await Peer.DecodeAsync(Peer.RichOnc, csharpHex);

        Assert.True(run.ExitCode == 0, $"rich_onc_peer decode rejected the C# encoding of sample {sample}: {run.StandardError}");
        Assert.Equal(csharpHex, run.Hex);
    }

    [Theory]
    [MemberData(nameof(AllSamples))]
    public async Task PinnedHexInSamplesMd_MatchesPeerAndCSharp(int sample)
    {
        string pinned = SamplesDocument.PinnedHex($"onc {sample}");
        string peerHex = await Peer.EncodeAsync(Peer.RichOnc, sample);

        Assert.True(pinned == peerHex,
            $"tests/peers/SAMPLES.md is stale for onc {sample}: run 'bash tests/peers/check-samples.sh --update'.\npinned: {pinned}\npeer:   {peerHex}");
        Assert.Equal(pinned, Hex.Of(Xdr.Serialize(OncSamples.Build(sample))));
    }

    [Fact]
    public async Task Sample1_DecodesTypicalValues_AndSharedLabelArm()
    {
        rich r = Xdr.Deserialize<rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichOnc, 1)));

        Assert.Equal(42, r.I32);
        Assert.Equal(3000000000u, r.U32);
        Assert.Equal(color.BLUE, r.Col);
        Assert.Equal(1.5f, r.F32);
        Assert.Equal(-2.25, r.F64);
        Assert.Equal((short)-2, r.I16);
        Assert.Equal((sbyte)'A', r.C8);
        Assert.Equal("hello, rich", r.Str);
        Assert.Equal(new (int, string)[] { (10, "a"), (20, "bb"), (30, "") }, SampleAssert.Nodes(r.Head));
        Assert.Equal(2, r.Pick.Kind);
        Assert.True(r.Pick.IsX);
        Assert.Equal(99, r.Pick.X);
        Assert.Throws<InvalidOperationException>(() => r.Pick.Text);
    }

    [Fact]
    public async Task Sample2_DecodesExtremes_NullList_AndVoidArm()
    {
        rich r = Xdr.Deserialize<rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichOnc, 2)));

        Assert.Equal(int.MinValue, r.I32);
        Assert.Equal(ulong.MaxValue, r.U64);
        Assert.Equal(color.BLACK, r.Col);
        Assert.Equal(unchecked((int)0x80000000), BitConverter.SingleToInt32Bits(r.F32));
        Assert.Equal(double.NegativeInfinity, r.F64);
        Assert.Equal(short.MinValue, r.I16);
        Assert.Equal(ushort.MaxValue, r.U16);
        Assert.Equal(sbyte.MinValue, r.C8);
        Assert.Equal(byte.MaxValue, r.U8);
        Assert.Empty(r.Var);
        Assert.Equal("", r.Str);
        Assert.Empty(r.Pts);
        Assert.Null(r.Head);
        Assert.Equal(3, r.Pick.Kind);
        Assert.False(r.Pick.IsX || r.Pick.IsText || r.Pick.IsOther);
    }

    [Fact]
    public async Task Sample3_DecodesTwelveNodeList_FullArrays_AndDefaultArm()
    {
        rich r = Xdr.Deserialize<rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichOnc, 3)));

        var nodes = SampleAssert.Nodes(r.Head);
        Assert.Equal(12, nodes.Count);
        for (int i = 0; i < 12; i++)
        {
            Assert.Equal(((i * i) - 50, $"n{i}"), nodes[i]);
        }

        Assert.Equal(8, r.Pts.Length);
        Assert.Equal(-7000, r.Pts[7].Y);
        Assert.Equal(32, r.Str.Length);
        Assert.Equal(Enumerable.Range(0, 16).Select(i => (byte)i), r.Var);
        Assert.Equal(new byte[] { 0x41, 0x46, 0x53, 0x00, 0x58 }, r.Fixed);
        Assert.Equal(0x3dcccccd, BitConverter.SingleToInt32Bits(r.F32));
        Assert.Equal(-7, r.Pick.Kind);
        Assert.True(r.Pick.IsOther);
        Assert.Equal(0xfedcba9876543210UL, r.Pick.Other);
    }

    [Fact]
    public async Task Sample4_DecodesStringArm_AndFullLengthTag()
    {
        rich r = Xdr.Deserialize<rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichOnc, 4)));

        Assert.Equal(new (int, string)[] { (-1, "12345678") }, SampleAssert.Nodes(r.Head));
        Assert.Equal(color.RED, r.Col);
        Assert.Single(r.Pts);
        Assert.Equal(4, r.Pick.Kind);
        Assert.True(r.Pick.IsText);
        Assert.Equal("union text arm", r.Pick.Text);
    }

    [Fact]
    public async Task Sample5_DecodesZeros_AndFirstSharedLabel()
    {
        rich r = Xdr.Deserialize<rich>(Hex.Parse(await Peer.EncodeAsync(Peer.RichOnc, 5)));

        Assert.Equal(0, r.I32);
        Assert.Equal(0, BitConverter.DoubleToInt64Bits(r.F64));
        Assert.Equal(new byte[5], r.Fixed);
        Assert.Null(r.Head);
        Assert.Equal(1, r.Pick.Kind);
        Assert.True(r.Pick.IsX);
        Assert.Equal(-1, r.Pick.X);
    }
    /// <summary>The nested_bench value (tests/peers/bench/nested.x) with Golden.Nested: byte-exact with the peer and SAMPLES.md.</summary>
    [Fact]
    public async Task BenchmarkValue_EncodesLikeNestedBench_AndRoundTrips()
    {
        byte[] encoded = Xdr.Serialize(BenchmarkValue());
        PeerRun run = await Peer.RunAsync(Peer.NestedBench, ["hex"], stdin: null);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(772, encoded.Length);
        Assert.Equal(run.Hex, Hex.Of(encoded));
        Assert.Equal(SamplesDocument.PinnedHex("bench"), run.Hex);
        Golden.Nested.nested decoded = Xdr.Deserialize<Golden.Nested.nested>(encoded);
        Assert.Equal(16, decoded.Items.Length);
        Assert.Equal(1u << 15, decoded.Items[15].Flags);
        int nodes = 0;
        for (Golden.Nested.nb_node? n = decoded.List; n is not null; n = n.Next)
        {
            Assert.Equal((3 * nodes) - 7, n.Value);
            nodes++;
        }

        Assert.Equal(32, nodes);
        Assert.Equal(run.Hex, Hex.Of(Xdr.Serialize(decoded)));
    }

    private static Golden.Nested.nested BenchmarkValue()
    {
        Golden.Nested.nb_node? list = null;
        for (int i = 31; i >= 0; i--)
        {
            list = new Golden.Nested.nb_node { Value = (3 * i) - 7, Stamp = 1700000000000000000 + (1000L * i), Next = list };
        }

        return new Golden.Nested.nested
        {
            Revision = 3,
            Flags = 0xa5a5a5a5,
            Created = 1700000000123456789,
            Size = 0x00000001fffffffe,
            Meta = new Golden.Nested.nb_inner { A = -17, B = 4000000000, C = -9000000000, Enabled = true },
            Fixed = Enumerable.Range(0, 8).Select(i => (11 * (i + 1)) - 40).ToArray(),
            Items = Enumerable.Range(0, 16).Select(i => new Golden.Nested.nb_item { Id = 1000 + i, Flags = 1u << i }).ToArray(),
            Name = "benchmark-record-001",
            Owner = "user.admin@TEST.CELL",
            List = list,
        };
    }
}
