using System;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>The protocol core fed hand-built packets: wire behaviour seen one packet at a time.</summary>
public class RxProtocolEngineTests
{
    private const ushort Service = 52;
    private const uint ClientEpoch = 0x9234_5678;
    private static readonly IPEndPoint Peer = new(IPAddress.Parse("10.1.1.1"), 7001);

    [Fact]
    public void A_jumbogram_request_is_split_into_its_packets()
    {
        RxProtocolEngine server = NewServer();
        var data = new byte[(2 * RxJumbogram.PacketDataSize) + 100];
        new Random(1).NextBytes(data);
        RxHeader first = Data(callNumber: 1, seq: 1, serial: 1, RxPacketFlags.ClientInitiated);
        var parts = new RxJumboPart[]
        {
            new(RxPacketFlags.ClientInitiated, 0, data.AsMemory(0, RxJumbogram.PacketDataSize)),
            new(RxPacketFlags.ClientInitiated, 0, data.AsMemory(RxJumbogram.PacketDataSize, RxJumbogram.PacketDataSize)),
            new(RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket, 0, data.AsMemory(2 * RxJumbogram.PacketDataSize)),
        };
        var datagram = new byte[RxJumbogram.DatagramSize(3, 100)];
        RxJumbogram.Write(datagram, first, parts);

        server.Receive(datagram, Peer, TimeSpan.Zero);
        RxCall call = SingleIncoming(server);
        var read = new byte[data.Length + 10];
        int n = server.Read(call, read, TimeSpan.Zero);
        Assert.Equal(data.Length, n);
        Assert.Equal(data, read[..n]);
        Assert.True(call.IsReceiveComplete);
    }

    [Fact]
    public void A_new_call_on_a_busy_channel_gets_BUSY_and_kills_the_old_call()
    {
        RxProtocolEngine server = NewServer();
        server.Receive(Packet(Data(1, 1, 1, RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket), [0, 0, 0, 1]), Peer, TimeSpan.Zero);
        RxCall old = SingleIncoming(server);
        Drain(server);

        server.Receive(Packet(Data(2, 1, 2, RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket), [0, 0, 0, 1]), Peer, TimeSpan.FromMilliseconds(1));
        List<RxHeader> sent = Drain(server);
        Assert.Contains(sent, h => h.Type == RxPacketType.Busy && h.CallNumber == 2 && !h.IsClientInitiated);
        Assert.Equal(RxCallState.Failed, old.State);
        Assert.Equal(RxGenErrorCodes.CallDead, old.ErrorCode);
    }

    [Fact]
    public void A_ping_is_answered_with_a_ping_response_naming_its_serial_and_the_trailer()
    {
        RxProtocolEngine server = NewServer();
        server.Receive(Packet(Data(1, 1, 1, RxPacketFlags.ClientInitiated), [0, 0, 0, 1]), Peer, TimeSpan.Zero);
        Drain(server);
        var ping = new byte[RxHeader.Size + 64];
        RxHeader header = Data(1, 0, 77, RxPacketFlags.ClientInitiated | RxPacketFlags.RequestAck) with { Type = RxPacketType.Ack };
        header.Write(ping);
        int length = new RxAckBody(0, 0, 1, 0, 0, RxAckReason.Ping, [], default).Write(ping.AsSpan(RxHeader.Size));
        server.Receive(ping.AsSpan(0, RxHeader.Size + length), Peer, TimeSpan.FromMilliseconds(1));

        Assert.True(server.TryDequeueDatagram(out RxOutgoingDatagram reply));
        Assert.True(RxHeader.TryRead(reply.Memory.Span, out RxHeader replyHeader, out _));
        Assert.Equal(RxPacketType.Ack, replyHeader.Type);
        Assert.Equal(RxPacketFlags.SlowStartOk, replyHeader.Flags);
        Assert.True(RxAckBody.TryRead(reply.Memory.Span[RxHeader.Size..], out RxAckBody ack, out _));
        Assert.Equal(RxAckReason.PingResponse, ack.Reason);
        Assert.Equal(77u, ack.Serial);
        Assert.Equal(1u, ack.FirstPacket); // packet 1 is held but not yet read: soft-acked only
        Assert.Equal([RxAckBody.SoftAck], ack.Acks.ToArray());
        Assert.Equal(new RxAckTrailer(5692, 1444, 64, 4), ack.Trailer);
        Assert.Equal(Peer, reply.Destination);
        reply.Release();
    }

    [Fact]
    public void Version_requests_are_answered_and_NAT_pings_are_not()
    {
        RxProtocolEngine server = NewServer();
        var request = new byte[RxHeader.Size + 1];
        new RxHeader(RxDebugPackets.RxDebugEpoch, 0, 5, 0, 0, RxPacketType.Version, RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket, 0, 0, 0, 0).Write(request);
        server.Receive(request, Peer, TimeSpan.Zero);
        Assert.True(server.TryDequeueDatagram(out RxOutgoingDatagram reply));
        Assert.Equal("RxGen managed Rx 0.1", RxDebugPackets.ReadVersionString(reply.Memory.Span[RxHeader.Size..]));
        reply.Release();

        new RxHeader(1, 0, 5, 0, 0, RxPacketType.Version, RxPacketFlags.None, 0, 0, 0, 0).Write(request);
        server.Receive(request, Peer, TimeSpan.Zero);
        Assert.False(server.TryDequeueDatagram(out _));
    }

    [Fact]
    public void A_connection_abort_fails_every_call_on_the_connection()
    {
        RxProtocolEngine server = NewServer();
        for (uint ch = 0; ch < 3; ch++)
        {
            server.Receive(Packet(Data(1, 1, 1 + ch, RxPacketFlags.ClientInitiated) with { Cid = 0x100 | ch }, [0, 0, 0, 1]), Peer, TimeSpan.Zero);
        }

        Assert.Equal(3, server.ActiveCallCount);
        var abort = new byte[RxHeader.Size + 4];
        (Data(0, 0, 9, RxPacketFlags.ClientInitiated) with { Type = RxPacketType.Abort }).Write(abort);
        RxAbort.WriteCode(abort.AsSpan(RxHeader.Size), -100);
        server.Receive(abort, Peer, TimeSpan.Zero);
        Assert.Equal(0, server.ActiveCallCount);
        int ended = 0;
        while (server.TryDequeueEvent(out RxProtocolEvent e))
        {
            if (e.Kind == RxProtocolEventKind.Ended)
            {
                Assert.Equal(-100, e.Code);
                ended++;
            }
        }

        Assert.Equal(3, ended);
    }

    [Fact]
    public void Hostile_datagrams_never_throw_and_connection_state_stays_bounded()
    {
        var options = new RxProtocolOptions { MaxServerConnections = 50 };
        var server = new RxProtocolEngine(options, 0x8000_0001, 0);
        server.AddService(Service, RxNullSecurityClass.Instance);
        var random = new Random(7);
        var buffer = new byte[2000];
        TimeSpan now = TimeSpan.Zero;
        for (int i = 0; i < 30_000; i++)
        {
            int length = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            if (i % 2 == 0 && length >= RxHeader.Size)
            {
                // Mostly-valid packets with random fields: DATA/ACK/ABORT to our service from many cids.
                var type = (RxPacketType)random.Next(1, 14);
                new RxHeader((uint)random.Next(), (uint)random.Next(), (uint)random.Next(0, 4), (uint)random.Next(0, 300), (uint)random.Next(), type, (RxPacketFlags)random.Next(256), (byte)random.Next(3), 0, 0, Service).Write(buffer);
            }

            now += TimeSpan.FromMilliseconds(1);
            server.Receive(buffer.AsSpan(0, length), new IPEndPoint(IPAddress.Parse("10.9.0.1"), 1000 + (i % 5000)), now);
            server.Tick(now);
            while (server.TryDequeueDatagram(out RxOutgoingDatagram d))
            {
                d.Release();
            }

            while (server.TryDequeueEvent(out RxProtocolEvent e))
            {
                if (e.Kind == RxProtocolEventKind.IncomingCall && random.Next(2) == 0)
                {
                    server.Abort(e.Call, 1, now);
                }
            }

            Assert.True(server.ServerConnectionCount <= 50);
            Assert.True(server.BufferedReceiveBytes <= options.MaxBufferedReceiveBytes);
        }

        Assert.True(server.Statistics.DatagramsDropped > 10_000);
    }

    [Fact]
    public void Peers_that_never_get_read_cannot_make_the_engine_buffer_more_than_its_budget()
    {
        var options = new RxProtocolOptions { MaxBufferedReceiveBytes = 256 << 10 };
        var server = new RxProtocolEngine(options, 0x8000_0001, 0);
        server.AddService(Service, RxNullSecurityClass.Instance);
        var payload = new byte[1416];
        int noSpace = 0;
        for (uint cid = 0; cid < 40; cid++)
        {
            for (uint seq = 1; seq <= 64; seq++)
            {
                server.Receive(Packet(Data(1, seq, seq, RxPacketFlags.ClientInitiated) with { Cid = cid << 2 }, payload), Peer, TimeSpan.Zero);
                while (server.TryDequeueDatagram(out RxOutgoingDatagram d))
                {
                    if (RxAckBody.TryRead(d.Memory.Span[RxHeader.Size..], out RxAckBody ack, out _) && ack.Reason == RxAckReason.NoSpace)
                    {
                        noSpace++;
                    }

                    d.Release();
                }
            }
        }

        Assert.Equal(40, server.ActiveCallCount);
        Assert.InRange(server.BufferedReceiveBytes, (256 << 10) - 1416, 256 << 10);
        Assert.True(noSpace > 2000, $"{noSpace} NOSPACE acks");
    }

    private static RxProtocolEngine NewServer()
    {
        var server = new RxProtocolEngine(new RxProtocolOptions(), 0x8000_0001, 0);
        server.AddService(Service, RxNullSecurityClass.Instance);
        return server;
    }

    private static RxHeader Data(uint callNumber, uint seq, uint serial, RxPacketFlags flags) =>
        new(ClientEpoch, 0x100, callNumber, seq, serial, RxPacketType.Data, flags, 0, 0, 0, Service);

    private static byte[] Packet(RxHeader header, byte[] payload)
    {
        var datagram = new byte[RxHeader.Size + payload.Length];
        header.Write(datagram);
        payload.CopyTo(datagram, RxHeader.Size);
        return datagram;
    }

    private static RxCall SingleIncoming(RxProtocolEngine engine)
    {
        RxCall? call = null;
        while (engine.TryDequeueEvent(out RxProtocolEvent e))
        {
            if (e.Kind == RxProtocolEventKind.IncomingCall)
            {
                Assert.Null(call);
                call = e.Call;
            }
        }

        Assert.NotNull(call);
        return call;
    }

    private static List<RxHeader> Drain(RxProtocolEngine engine)
    {
        var headers = new List<RxHeader>();
        while (engine.TryDequeueDatagram(out RxOutgoingDatagram d))
        {
            Assert.True(RxHeader.TryRead(d.Memory.Span, out RxHeader h, out _));
            headers.Add(h);
            d.Release();
        }

        while (engine.TryDequeueEvent(out _))
        {
        }

        return headers;
    }
}
