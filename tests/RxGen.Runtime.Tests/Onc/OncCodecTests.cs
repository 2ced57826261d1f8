using System;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The ONC RPC message codec and record marking (RFC 5531 §9, §11), byte for byte.</summary>
public class OncCodecTests
{
    private static byte[] Words(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        return bytes;
    }

    [Fact]
    public void Call_header_round_trips_with_AUTH_SYS_credentials()
    {
        var credentials = new OncAuthSysCredentials(7, "host", 1000, 100, new uint[] { 4, 24 });
        var buffer = new XdrBufferWriter();
        OncMessages.WriteCall(buffer, 0x1234, 100003, 3, 1, credentials);
        var bytes = buffer.ToArray();
        // xid, CALL, rpcvers 2, prog, vers, proc, then AUTH_SYS (1) with a 32-byte body, then AUTH_NONE.
        Assert.Equal(Words(0x1234, 0, 2, 100003, 3, 1, 1, 32), bytes[..32]);
        Assert.True(OncMessages.TryReadCall(bytes, out var header));
        Assert.Equal((0x1234u, 2u, 100003u, 3u, 1u, OncAuthFlavor.Sys, OncAuthFlavor.None, bytes.Length),
            (header.Xid, header.RpcVersion, header.Program, header.Version, header.Procedure, header.CredentialFlavor, header.VerifierFlavor, header.ArgumentsOffset));
        var decoded = OncAuthSysCredentials.Decode(bytes.AsSpan(header.CredentialOffset, header.CredentialLength));
        Assert.Equal((7u, "host", 1000u, 100u), (decoded.Stamp, decoded.MachineName, decoded.Uid, decoded.Gid));
        Assert.Equal(new uint[] { 4, 24 }, decoded.Gids);
    }

    [Fact]
    public void Short_replies_and_oversized_auth_bodies_are_not_calls()
    {
        Assert.False(OncMessages.TryReadCall(new byte[39], out _));
        Assert.False(OncMessages.TryReadCall(Words(1, 1, 2, 1, 1, 1, 0, 0, 0, 0), out _)); // a REPLY
        Assert.False(OncMessages.TryReadCall(Words(1, 0, 2, 1, 1, 1, 0, 401, 0, 0), out _)); // cred body > 400
        Assert.False(OncMessages.TryReadCall(Words(1, 0, 2, 1, 1, 1, 0, 400, 0, 0), out _)); // claims more than is there
        Assert.True(OncMessages.TryReadCall(Words(1, 0, 2, 1, 1, 1, 0, 0, 0, 0), out var h));
        Assert.Equal(40, h.ArgumentsOffset);
    }

    [Fact]
    public void Replies_are_written_and_read_as_RFC_5531_says()
    {
        var buffer = new XdrBufferWriter();
        OncMessages.WriteAccepted(buffer, 9, OncAcceptStat.ProgMismatch, 2, 4);
        Assert.Equal(Words(9, 1, 0, 0, 0, 2, 2, 4), buffer.ToArray());
        Assert.True(OncMessages.TryReadReply(buffer.WrittenSpan, out var mismatch));
        Assert.Equal((OncReplyKind.NotAccepted, OncAcceptStat.ProgMismatch, 2u, 4u), (mismatch.Kind, mismatch.AcceptStat, mismatch.Low, mismatch.High));

        buffer.Reset();
        OncMessages.WriteRpcMismatch(buffer, 10);
        Assert.Equal(Words(10, 1, 1, 0, 2, 2), buffer.ToArray());
        Assert.True(OncMessages.TryReadReply(buffer.WrittenSpan, out var rpc));
        Assert.Equal(OncReplyKind.RpcMismatch, rpc.Kind);

        buffer.Reset();
        OncMessages.WriteAuthError(buffer, 11, OncAuthStat.TooWeak);
        Assert.Equal(Words(11, 1, 1, 1, 5), buffer.ToArray());
        Assert.True(OncMessages.TryReadReply(buffer.WrittenSpan, out var auth));
        Assert.Equal((OncReplyKind.AuthError, OncAuthStat.TooWeak), (auth.Kind, auth.AuthStat));

        buffer.Reset();
        OncMessages.WriteAccepted(buffer, 12, OncAcceptStat.Success);
        buffer.GetSpan(4)[..4].Clear();
        buffer.Advance(4);
        Assert.True(OncMessages.TryReadReply(buffer.WrittenSpan, out var ok));
        Assert.Equal((OncReplyKind.Success, 24), (ok.Kind, ok.ResultsOffset));
        Assert.False(OncMessages.TryReadReply(new byte[8], out _));
    }

    [Fact]
    public async Task A_record_of_many_fragments_arriving_a_byte_at_a_time_is_reassembled()
    {
        var pipe = new Pipe();
        var message = new byte[1000];
        new Random(5).NextBytes(message);
        var wire = new XdrBufferWriter();
        for (var offset = 0; offset < message.Length; offset += 100)
        {
            var last = offset + 100 >= message.Length;
            var header = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(header, (last ? OncRecordMarking.LastFragment : 0) | 100u);
            header.CopyTo(wire.GetSpan(4));
            wire.Advance(4);
            message.AsSpan(offset, 100).CopyTo(wire.GetSpan(100));
            wire.Advance(100);
        }
        var bytes = wire.ToArray();
        var writer = Task.Run(async () =>
        {
            foreach (var b in bytes) await pipe.Writer.WriteAsync(new[] { b });
            await pipe.Writer.CompleteAsync();
        });
        var record = new XdrBufferWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        Assert.True(await OncRecordMarking.ReadRecordAsync(pipe.Reader, record, OncRecordMarking.DefaultMaxRecordSize, timeout.Token));
        Assert.Equal(message, record.ToArray());
        Assert.False(await OncRecordMarking.ReadRecordAsync(pipe.Reader, record, OncRecordMarking.DefaultMaxRecordSize, timeout.Token));
        await writer;
    }

    [Fact]
    public async Task An_oversized_or_truncated_record_is_refused_without_allocating_the_claim()
    {
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(Words(OncRecordMarking.LastFragment | 0x7FFF_FFFFu, 1, 2));
        var record = new XdrBufferWriter();
        await Assert.ThrowsAsync<OncFramingException>(() => OncRecordMarking.ReadRecordAsync(pipe.Reader, record, 4096, CancellationToken.None).AsTask());
        Assert.True(record.Capacity < 4096);

        var truncated = new Pipe();
        await truncated.Writer.WriteAsync(Words(OncRecordMarking.LastFragment | 1000u, 1, 2));
        await truncated.Writer.CompleteAsync();
        await Assert.ThrowsAsync<OncFramingException>(() => OncRecordMarking.ReadRecordAsync(truncated.Reader, record, 4096, CancellationToken.None).AsTask());
        Assert.True(record.Capacity < 1000);
    }
}
