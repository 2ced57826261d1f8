using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using static RxGen.Runtime.Tests.TestSupport.XdrTestHelpers;
using XdrApi = RxGen.Runtime.Xdr.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

public class XdrCallReaderTests
{
    private static readonly XdrDecoder<int> Int32Decoder = static (ref XdrReader r) => r.ReadInt32();

    private static byte[] SampleStream(out SampleEntry entry, out byte[] tail)
    {
        entry = SampleEntry.CreateSample();
        tail = "raw split data"u8.ToArray();
        SampleEntry e = entry;
        byte[] t = tail;
        return Write((ref XdrWriter w) =>
        {
            w.WriteInt32(130); // opcode
            e.Encode(ref w);
            w.WriteInt64(-5);
            w.WriteRawBytes(t);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task DecodesValuesFedInSmallChunksAndKeepsTheSurplus(int chunk)
    {
        byte[] stream = SampleStream(out SampleEntry entry, out byte[] tail);
        var source = new ChunkedSource(stream, chunk);
        using var reader = new XdrCallReader(source.ReadAsync);

        Assert.Equal(130, await reader.DecodeAsync(Int32Decoder, CancellationToken.None));
        Assert.Equal(entry, await reader.DecodeAsync<SampleEntry>(CancellationToken.None));
        Assert.Equal(-5L, await reader.DecodeAsync(static (ref XdrReader r) => r.ReadInt64(), CancellationToken.None));

        using var rest = new MemoryStream();
        byte[] buffer = new byte[5];
        int n;
        while ((n = await reader.ReadRawAsync(buffer, CancellationToken.None)) > 0)
        {
            rest.Write(buffer, 0, n);
        }

        Assert.Equal(tail, rest.ToArray());
        Assert.True(reader.IsAtEnd);
        Assert.Equal(0, await reader.ReadRawAsync(buffer, CancellationToken.None));
    }

    [Fact]
    public async Task SurplusStaysBufferedAfterADecode()
    {
        byte[] stream = Hex.Bytes("00000001 00000002 00000003");
        var source = new ChunkedSource(stream, 100);
        using var reader = new XdrCallReader(source.ReadAsync);
        Assert.Equal(1, await reader.DecodeAsync(Int32Decoder, CancellationToken.None));
        Assert.Equal(8, reader.BufferedCount);
        Assert.Equal(1, source.Reads);
        Assert.Equal(2, await reader.DecodeAsync(Int32Decoder, CancellationToken.None));
        Assert.Equal(1, source.Reads); // served from the buffer
        using XdrPooledBuffer rest = await reader.ReadToEndAsync(CancellationToken.None);
        Assert.Equal("00000003", Hex.Of(rest.Span));
    }

    [Fact]
    public async Task EndOfStreamInsideAValueRethrowsTheTruncation()
    {
        byte[] stream = XdrApi.Serialize(SampleEntry.CreateSample());
        var source = new ChunkedSource(stream[..^3], 2);
        using var reader = new XdrCallReader(source.ReadAsync);
        XdrException ex = await Assert.ThrowsAsync<XdrException>(async () => await reader.DecodeAsync<SampleEntry>(CancellationToken.None));
        Assert.True(ex.IsTruncation);
    }

    [Fact]
    public async Task NonTruncationErrorsAreNotRetried()
    {
        var source = new ChunkedSource(Hex.Bytes("00000002 00000000 00000000"), 4);
        using var reader = new XdrCallReader(source.ReadAsync);
        XdrException ex = await Assert.ThrowsAsync<XdrException>(async () =>
            await reader.DecodeAsync(static (ref XdrReader r) => r.ReadBool("flag"), CancellationToken.None));
        Assert.False(ex.IsTruncation);
        Assert.Equal(1, source.Reads);
    }

    [Fact]
    public async Task AKnownRequiredLengthIsReadBeforeRetrying()
    {
        byte[] blob = new byte[10_000];
        new Random(5).NextBytes(blob);
        byte[] stream = Write((ref XdrWriter w) => w.WriteVariableOpaque(blob, uint.MaxValue, "blob"));
        var source = new ChunkedSource(stream, 100);
        int attempts = 0;
        using var reader = new XdrCallReader(source.ReadAsync);
        byte[] result = await reader.DecodeAsync((ref XdrReader r) =>
        {
            attempts++;
            return r.ReadVariableOpaque(uint.MaxValue, "blob");
        }, CancellationToken.None);
        Assert.Equal(blob, result);
        Assert.True(attempts <= 3, $"{attempts} attempts");
    }

    [Theory]
    [InlineData(0x7FFFFFFFu)]
    [InlineData(0x01000000u)]
    public async Task HostileCountOnAStreamFailsWithoutBufferingItAll(uint count)
    {
        byte[] stream = new byte[1 << 20];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(stream, count);
        var source = new ChunkedSource(stream, 1000);
        using var reader = new XdrCallReader(source.ReadAsync, maxBufferedBytes: 64 * 1024);
        XdrException ex = await Assert.ThrowsAsync<XdrException>(async () =>
            await reader.DecodeAsync(static (ref XdrReader r) => r.ReadCount(uint.MaxValue, 4, "list"), CancellationToken.None));
        Assert.False(ex.IsTruncation);
        Assert.Equal("list", ex.FieldPath);
        Assert.True(source.Offset <= 64 * 1024, $"read {source.Offset} bytes");
    }

    [Fact]
    public async Task ReadToEndHonoursTheLimit()
    {
        byte[] data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        using (var exact = new XdrCallReader(new ChunkedSource(data, 7).ReadAsync, maxBufferedBytes: 1000))
        {
            using XdrPooledBuffer all = await exact.ReadToEndAsync(CancellationToken.None);
            Assert.Equal(data, all.Span.ToArray());
        }

        using var tooSmall = new XdrCallReader(new ChunkedSource(data, 7).ReadAsync, maxBufferedBytes: 999);
        await Assert.ThrowsAsync<XdrException>(async () => await tooSmall.ReadToEndAsync(CancellationToken.None));
    }

    [Fact]
    public async Task ReadToEndIncludesBufferedBytes()
    {
        var source = new ChunkedSource(Hex.Bytes("00000009 AABBCCDD EEFF"), 6);
        using var reader = new XdrCallReader(source.ReadAsync);
        Assert.Equal(9, await reader.DecodeAsync(Int32Decoder, CancellationToken.None));
        using XdrPooledBuffer rest = await reader.ReadToEndAsync(CancellationToken.None);
        Assert.Equal("AABBCCDDEEFF", Hex.Of(rest.Span));
        using XdrPooledBuffer nothing = await reader.ReadToEndAsync(CancellationToken.None);
        Assert.Equal(0, nothing.Length);
    }

    [Fact]
    public async Task AsStreamReadsBufferedThenRemainingBytes()
    {
        byte[] payload = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        byte[] stream = Write((ref XdrWriter w) =>
        {
            w.WriteInt32(payload.Length);
            w.WriteRawBytes(payload);
        });
        using var reader = new XdrCallReader(new ChunkedSource(stream, 333).ReadAsync);
        Assert.Equal(payload.Length, await reader.DecodeAsync(Int32Decoder, CancellationToken.None));
        Stream s = reader.AsStream();
        Assert.True(s.CanRead);
        Assert.False(s.CanWrite);
        Assert.False(s.CanSeek);
        using var copy = new MemoryStream();
        await s.CopyToAsync(copy);
        Assert.Equal(payload, copy.ToArray());
    }

    [Fact]
    public async Task CancellationReachesTheReadFunction()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        using var reader = new XdrCallReader(new ChunkedSource(new byte[8], 1).ReadAsync);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.DecodeAsync(Int32Decoder, cts.Token));
    }
}
