using System;
using System.Linq;
using System.Threading;
using Golden.RichAfs;
using Golden.RichOnc;
using RxGen.Interop.Tests.Samples;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using KvV1 = Golden.KvStore.KVSTORE_V1Protocol;
using KvV2 = Golden.KvStore.KVSTORE_V2Protocol;
using VlProtocol = Golden.Vl.VLProtocol;

namespace RxGen.Interop.Tests;

/// <summary>
/// Generated decoders against hostile input: truncations, counts and lengths over their bounds or absurd,
/// malformed words, and linked lists far longer than any recursion could handle. Every failure must be an
/// <see cref="XdrException"/>, never another exception type, and never a large allocation.
/// </summary>
public sealed class HostileInputTests
{
    private const long AllocationBudget = 1024 * 1024;

    public static TheoryData<int> OncSampleNumbers => new(Enumerable.Range(1, OncSamples.Count));

    public static TheoryData<int> AfsSampleNumbers => new(Enumerable.Range(1, AfsSamples.Count));

    // ---- truncation at every cut point ----

    [Theory]
    [MemberData(nameof(OncSampleNumbers))]
    public void Onc_TruncatedAtEveryCutPoint_ThrowsTruncationXdrException(int sample)
    {
        byte[] bytes = Xdr.Serialize(OncSamples.Build(sample));
        AssertEveryCutIsTruncation(bytes, data => Xdr.Deserialize<rich>(data));
    }

    [Theory]
    [MemberData(nameof(AfsSampleNumbers))]
    public void Afs_TruncatedAtEveryCutPoint_ThrowsTruncationXdrException(int sample)
    {
        byte[] bytes = Xdr.Serialize(AfsSamples.Build(sample));
        AssertEveryCutIsTruncation(bytes, data => Xdr.Deserialize<ar_rich>(data));
    }

    [Fact]
    public void An_unknown_discriminant_of_a_union_without_default_is_an_XdrException()
    {
        // kvstrictres switch (kvstatus status) { case KV_OK: unsigned count; case KV_NOTFOUND: void; } — no default.
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 0, 0, 7 }, Xdr.Serialize(Golden.KvStore.kvstrictres.FromCount(7)));
        var ex = Assert.Throws<XdrException>(() => Xdr.Deserialize<Golden.KvStore.kvstrictres>(new byte[] { 0, 0, 0, 2, 0, 0, 0, 7 }));
        Assert.Contains("kvstrictres", ex.Message);
        var unknown = Golden.KvStore.kvstrictres.FromVoid(Golden.KvStore.kvstatus.KV_NOTFOUND);
        Assert.Equal(new byte[] { 0, 0, 0, 1 }, Xdr.Serialize(unknown));
        Assert.Throws<ArgumentOutOfRangeException>(() => Golden.KvStore.kvstrictres.FromVoid(Golden.KvStore.kvstatus.KV_TOOBIG));
    }

    [Fact]
    public void VlReplies_TruncatedAtEveryCutPoint_ThrowTruncationXdrException()
    {
        using var buffer = new XdrBufferWriter();
        VlProtocol.EncodeListAttributesNReply(buffer, new Golden.Vl.VLListAttributesNResult(2, [VlData.NEntry("root.cell", 536870912), VlData.NEntry("user.a", 536870915)]));
        AssertEveryCutIsTruncation(buffer.ToArray(), data => VlProtocol.DecodeListAttributesNReply(data));

        var chain = new Golden.Vl.vldb_list
        {
            Node = new Golden.Vl.single_vldbentry
            {
                VldbEntry = VlData.Entry("a", 1),
                NextVldb = new Golden.Vl.single_vldbentry { VldbEntry = VlData.Entry("b", 4) },
            },
        };
        AssertEveryCutIsTruncation(Xdr.Serialize(chain), data => Xdr.Deserialize<Golden.Vl.vldb_list>(data));
    }

    [Fact]
    public void KvStoreArguments_TruncatedAtEveryCutPoint_ThrowTruncationXdrException()
    {
        using var buffer = new XdrBufferWriter();
        KvV1.EncodeKvprocPutArguments(buffer, "some key", [1, 2, 3, 4, 5, 6, 7]);
        AssertEveryCutIsTruncation(buffer.ToArray(), data => KvV1.DecodeKvprocPutArguments(data));
    }

    // ---- counts and lengths over the IDL bound ----

    [Fact]
    public void Onc_ArrayCountOverBound_NamesTheField()
    {
        byte[] hostile = Wire.Patch(Xdr.Serialize(OncSamples.Build(2)), RichOncSample2.PtsCount, 0, 9); // pts<8>

        XdrException ex = Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(hostile));

        Assert.Equal("rich.pts", ex.FieldPath);
        Assert.Contains("rich.pts", ex.Message);
        Assert.False(ex.IsTruncation);
    }

    [Fact]
    public void Afs_ArrayCountOverBound_NamesTheField()
    {
        byte[] hostile = Wire.Patch(Xdr.Serialize(AfsSamples.Build(2)), RichAfsSample2.PairsCount, 0, 5); // pairs<4>

        XdrException ex = Assert.Throws<XdrException>(() => Xdr.Deserialize<ar_rich>(hostile));

        Assert.Equal("ar_rich.pairs", ex.FieldPath);
        Assert.False(ex.IsTruncation);
    }

    [Fact]
    public void ProcedureArrayCountsOverBound_NameTheProcedureField()
    {
        // VLCapabilities<196>: 197 words announced (and present).
        byte[] capabilities = Wire.Words([197, .. new uint[197]]);
        XdrException vl = Assert.Throws<XdrException>(() => VlProtocol.DecodeGetCapabilitiesReply(capabilities));
        Assert.Equal("VL_GetCapabilities.capabilities", vl.FieldPath);

        // kvkeys<64>: 65 empty keys.
        byte[] keys = Wire.Words([65, .. new uint[65]]);
        XdrException kv = Assert.Throws<XdrException>(() => KvV2.DecodeKvprocGetmanyArguments(keys));
        Assert.Equal("KVSTORE_V2.KVPROC_GETMANY.argument", kv.FieldPath);
    }

    [Fact]
    public void StringsAndOpaquesOverBound_NameTheField()
    {
        byte[] sample2 = Xdr.Serialize(OncSamples.Build(2));
        Assert.Equal("rich.var", Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(Wire.Patch(sample2, RichOncSample2.VarLength, 0, 17))).FieldPath);
        Assert.Equal("rich.str", Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(Wire.Patch(sample2, RichOncSample2.StrLength, 0, 33))).FieldPath);

        // A node whose tag (label<8>) has 9 bytes.
        byte[] longTag = Wire.Concat(Wire.Words(1, 9), "123456789"u8.ToArray(), new byte[3], Wire.Words(0));
        Assert.Equal("node.tag", Assert.Throws<XdrException>(() => Xdr.Deserialize<node>(longTag)).FieldPath);

        // choice arm text<32> with 33 bytes.
        byte[] longText = Wire.Concat(Wire.Words(4, 33), new byte[36]);
        Assert.Equal("choice.text", Assert.Throws<XdrException>(() => Xdr.Deserialize<choice>(longText)).FieldPath);

        byte[] afs2 = Xdr.Serialize(AfsSamples.Build(2));
        Assert.Equal("ar_rich.s", Assert.Throws<XdrException>(() => Xdr.Deserialize<ar_rich>(Wire.Patch(afs2, RichAfsSample2.SLength, 0, 65))).FieldPath);
        Assert.Equal("ar_rich.o", Assert.Throws<XdrException>(() => Xdr.Deserialize<ar_rich>(Wire.Patch(afs2, RichAfsSample2.OLength, 0, 11))).FieldPath);
    }

    // ---- absurd lengths: rejected before anything is allocated ----

    public static TheoryData<string, uint> AbsurdLengthCases()
    {
        var data = new TheoryData<string, uint>();
        foreach (string field in new[] { "rich.var", "rich.str", "rich.pts", "ar_rich.s", "ar_rich.o", "ar_rich.pairs", "VL_ListAttributesN.blkentries", "KVSTORE_V1.KVPROC_PUT.arg2", "kventry.key" })
        {
            data.Add(field, 0x7FFFFFFF);
            data.Add(field, 0xFFFFFFFF);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(AbsurdLengthCases))]
    public void AbsurdLength_ThrowsXdrException_WithoutLargeAllocation(string field, uint length)
    {
        (byte[] hostile, Action<byte[]> decode) = AbsurdLengthCase(field, length);

        // Warm up (JIT, type loading, exception machinery) so that only the decode itself is measured.
        Assert.Throws<XdrException>(() => decode(hostile));
        long before = GC.GetAllocatedBytesForCurrentThread();
        Exception? error = Record.Exception(() => decode(hostile));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        XdrException ex = Assert.IsType<XdrException>(error);
        Assert.Equal(field, ex.FieldPath);
        Assert.True(allocated < AllocationBudget, $"decoding a {field} length of 0x{length:x8} allocated {allocated} bytes");
    }

    private static (byte[] Hostile, Action<byte[]> Decode) AbsurdLengthCase(string field, uint length)
    {
        byte[] onc2 = Xdr.Serialize(OncSamples.Build(2));
        byte[] afs2 = Xdr.Serialize(AfsSamples.Build(2));
        Action<byte[]> rich = data => Xdr.Deserialize<rich>(data);
        Action<byte[]> arRich = data => Xdr.Deserialize<ar_rich>(data);
        return field switch
        {
            "rich.var" => (Wire.Patch(onc2, RichOncSample2.VarLength, 0, length), rich),
            "rich.str" => (Wire.Patch(onc2, RichOncSample2.StrLength, 0, length), rich),
            "rich.pts" => (Wire.Patch(onc2, RichOncSample2.PtsCount, 0, length), rich),
            "ar_rich.s" => (Wire.Patch(afs2, RichAfsSample2.SLength, 0, length), arRich),
            "ar_rich.o" => (Wire.Patch(afs2, RichAfsSample2.OLength, 0, length), arRich),
            "ar_rich.pairs" => (Wire.Patch(afs2, RichAfsSample2.PairsCount, 0, length), arRich),

            // nbulkentries is unbounded (uint.MaxValue): only the remaining input can refute the count.
            "VL_ListAttributesN.blkentries" => (Wire.Concat(Wire.Words(1, length), new byte[64]), data => VlProtocol.DecodeListAttributesNReply(data)),
            "KVSTORE_V1.KVPROC_PUT.arg2" => (Wire.Concat(Wire.Words(1, 0x6b000000, length), new byte[64]), data => KvV1.DecodeKvprocPutArguments(data)),
            "kventry.key" => (Wire.Concat(Wire.Words(1, length), new byte[64]), data => KvV1.DecodeKvprocListResult(data)),
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
        };
    }

    // ---- malformed words ----

    [Fact]
    public void BoolWordOtherThanZeroOrOne_ThrowsXdrException()
    {
        byte[] sample2 = Xdr.Serialize(OncSamples.Build(2));

        Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(Wire.Patch(sample2, RichOncSample2.Flag, 0, 2)));
        Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(Wire.Patch(sample2, RichOncSample2.HeadPresent, 0, 0x80000000)));
    }

    [Fact]
    public void TrailingBytes_ThrowXdrException()
    {
        byte[] sample = Xdr.Serialize(OncSamples.Build(1));

        Assert.Throws<XdrException>(() => Xdr.Deserialize<rich>(Wire.Concat(sample, Wire.Words(0))));
        Assert.Throws<XdrException>(() => VlProtocol.DecodeProbeServerReply(Wire.Words(0)));
    }

    [Fact]
    public void InvalidUtf8InString_ThrowsXdrException()
    {
        byte[] badTag = Wire.Concat(Wire.Words(1, 2), [0xc3, 0x28, 0, 0], Wire.Words(0));

        XdrException ex = Assert.Throws<XdrException>(() => Xdr.Deserialize<node>(badTag));
        Assert.Equal("node.tag", ex.FieldPath);
    }

    /// <summary>Every word of every sample replaced by a hostile value: the decoder succeeds or throws XdrException.</summary>
    [Fact]
    public void EveryWordOverwrittenWithHostileValues_OnlyEverThrowsXdrException()
    {
        uint[] hostileWords = [0xFFFFFFFF, 0x80000000, 0x7FFFFFFF, 0x00010000, 2, 1];
        int decoded = 0, rejected = 0;
        foreach (byte[] sample in Enumerable.Range(1, OncSamples.Count).Select(n => Xdr.Serialize(OncSamples.Build(n))))
        {
            ForEachPatch(sample, hostileWords, data => Xdr.Deserialize<rich>(data), ref decoded, ref rejected);
        }

        foreach (byte[] sample in Enumerable.Range(1, AfsSamples.Count).Select(n => Xdr.Serialize(AfsSamples.Build(n))))
        {
            ForEachPatch(sample, hostileWords, data => Xdr.Deserialize<ar_rich>(data), ref decoded, ref rejected);
        }

        // Both outcomes happen: most words are plain numbers, but lengths, counts, bools and pointers break.
        Assert.True(decoded > 100, $"{decoded} decoded");
        Assert.True(rejected > 100, $"{rejected} rejected");
    }

    // ---- unions ----

    [Fact]
    public void UnknownDiscriminant_SelectsTheDefaultArm_OfUnionsThatHaveOne()
    {
        // Every union in the golden IDL has a default arm (see the report: none exercises "no default").
        choice c = Xdr.Deserialize<choice>(Wire.Words(12345, 0x01234567, 0x89abcdef));
        Assert.True(c.IsOther);
        Assert.Equal(0x0123456789abcdefUL, c.Other);

        ar_choice a = Xdr.Deserialize<ar_choice>(Wire.Words(0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFFE));
        Assert.True(a.IsBig);
        Assert.Equal(-2, a.Big);

        Golden.KvStore.kvgetres g = Xdr.Deserialize<Golden.KvStore.kvgetres>(Wire.Words(99));
        Assert.Equal((Golden.KvStore.kvstatus)99, g.Status);
        Assert.False(g.IsValue);

        // A void arm consumes nothing: an arm's worth of bytes after it is trailing garbage.
        Assert.Throws<XdrException>(() => Xdr.Deserialize<Golden.KvStore.kvgetres>(Wire.Words(99, 0)));
        Assert.Throws<XdrException>(() => Xdr.Deserialize<choice>(Wire.Words(3, 0)));
    }

    // ---- long linked lists: the codec is iterative ----

    [Fact]
    public void LongOncList_200000Nodes_EncodesAndDecodesWithoutRecursion()
    {
        const int count = 200_000;
        RunWithSmallStack(() =>
        {
            var head = new node { Value = 0, Tag = "t0" };
            node tail = head;
            for (int i = 1; i < count; i++)
            {
                tail = tail.Next = new node { Value = i, Tag = (i % 1000).ToString(System.Globalization.CultureInfo.InvariantCulture) };
            }

            rich value = OncSamples.Build(5);
            value.Head = head;
            byte[] bytes = Xdr.Serialize(value);
            rich decoded = Xdr.Deserialize<rich>(bytes);

            int seen = 0;
            for (node? n = decoded.Head; n is not null; n = n.Next)
            {
                Assert.Equal(seen, n.Value);
                seen++;
            }

            Assert.Equal(count, seen);
            Assert.Equal(bytes, Xdr.Serialize(decoded));
        });
    }

    [Fact]
    public void LongVldbList_EncodesAndDecodesWithoutRecursion()
    {
        const int count = 20_000;
        RunWithSmallStack(() =>
        {
            var head = new Golden.Vl.single_vldbentry { VldbEntry = VlData.Entry("v0", 0) };
            Golden.Vl.single_vldbentry tail = head;
            for (int i = 1; i < count; i++)
            {
                tail = tail.NextVldb = new Golden.Vl.single_vldbentry { VldbEntry = VlData.Entry("v" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), (uint)i * 3) };
            }

            using var buffer = new XdrBufferWriter();
            VlProtocol.EncodeLinkedListReply(buffer, new Golden.Vl.VLLinkedListResult(count, new Golden.Vl.vldb_list { Node = head }));
            Golden.Vl.VLLinkedListResult decoded = VlProtocol.DecodeLinkedListReply(buffer.WrittenSpan);

            Assert.Equal(count, decoded.Nentries);
            int seen = 0;
            for (Golden.Vl.single_vldbentry? n = decoded.Linkedentries.Node; n is not null; n = n.NextVldb)
            {
                Assert.Equal((uint)seen * 3, n.VldbEntry.VolumeId[0]);
                seen++;
            }

            Assert.Equal(count, seen);
        });
    }

    [Fact]
    public void LongKvList_200000Entries_EncodesAndDecodesWithoutRecursion()
    {
        const int count = 200_000;
        RunWithSmallStack(() =>
        {
            var head = new Golden.KvStore.kventry { Key = "k0", Value = [0] };
            Golden.KvStore.kventry tail = head;
            for (int i = 1; i < count; i++)
            {
                tail = tail.Next = new Golden.KvStore.kventry { Key = "k", Value = [(byte)i] };
            }

            using var buffer = new XdrBufferWriter();
            KvV1.EncodeKvprocListResult(buffer, head);
            Golden.KvStore.kventry? decoded = KvV1.DecodeKvprocListResult(buffer.WrittenSpan);

            int seen = 0;
            for (Golden.KvStore.kventry? n = decoded; n is not null; n = n.Next)
            {
                Assert.Equal((byte)seen, n.Value[0]);
                seen++;
            }

            Assert.Equal(count, seen);
        });
    }

    // ---- helpers ----

    private static void AssertEveryCutIsTruncation(byte[] bytes, Action<byte[]> decode)
    {
        decode(bytes); // the whole encoding is valid
        for (int cut = 0; cut < bytes.Length; cut++)
        {
            byte[] truncated = bytes.AsSpan(0, cut).ToArray();
            Exception? error = Record.Exception(() => decode(truncated));
            Assert.True(error is XdrException, $"cut at {cut} of {bytes.Length}: expected XdrException, got {error?.GetType().FullName ?? "success"}: {error}");
            Assert.True(((XdrException)error!).IsTruncation, $"cut at {cut} of {bytes.Length}: XdrException is not marked as a truncation: {error.Message}");
        }
    }

    private static void ForEachPatch(byte[] sample, uint[] values, Action<byte[]> decode, ref int decoded, ref int rejected)
    {
        for (int offset = 0; offset + 4 <= sample.Length; offset += 4)
        {
            uint old = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(sample.AsSpan(offset));
            foreach (uint value in values)
            {
                byte[] hostile = Wire.Patch(sample, offset, old, value);
                Exception? error = Record.Exception(() => decode(hostile));
                if (error is null)
                {
                    decoded++;
                }
                else
                {
                    Assert.True(error is XdrException, $"word {offset / 4} = 0x{value:x8}: {error.GetType().FullName}: {error}");
                    rejected++;
                }
            }
        }
    }

    /// <summary>Runs <paramref name="body"/> on a thread with a 512 KiB stack, so any per-node recursion overflows.</summary>
    private static void RunWithSmallStack(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        }, maxStackSize: 512 * 1024);
        thread.Start();
        Assert.True(thread.Join(TimeSpan.FromSeconds(30)), "the list codec did not finish within 30 s");
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    /// <summary>Word offsets in the encoding of ONC sample 2 (all variable-length fields empty).</summary>
    private static class RichOncSample2
    {
        public const int Flag = 24;
        public const int VarLength = 68;
        public const int StrLength = 72;
        public const int PtsCount = 88;
        public const int HeadPresent = 96;
    }

    /// <summary>Word offsets in the encoding of AFS sample 2 (all variable-length fields empty).</summary>
    private static class RichAfsSample2
    {
        public const int SLength = 64;
        public const int OLength = 68;
        public const int PairsCount = 84;
    }
}
