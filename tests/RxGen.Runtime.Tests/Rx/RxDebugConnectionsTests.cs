using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// DEBUG GETCONN, GETALLCONN and GETPEER (<c>struct rx_debugConn</c>, <c>struct rx_debugPeer</c>): the layouts, and two
/// engines talking in memory whose answers are checked against their own state, including hostile requests.
/// </summary>
public class RxDebugConnectionsTests
{
    private const ushort Service = 77;
    private const uint ClientEpoch = 0x8123_4567;
    private const uint FirstCid = 0x0004_0000;
    private static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.0.0.1"), 7000);
    private static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.0.0.2"), 7001);
    private static readonly IPEndPoint DebugAddress = new(IPAddress.Parse("10.0.0.3"), 7002);

    [Fact]
    public void The_connection_layout_is_rx_h_s_aligned_rx_debugConn()
    {
        var c = new RxDebugConnection
        {
            Host = 0x7F000001,
            Port = 7001,
            ConnectionId = 0x1234_5678,
            Serial = 99,
            Error = -3,
            Flags = 4,
            Type = RxDebugConnection.ServerConnection,
            SecurityIndex = 2,
            SecurityType = 3,
            SecurityLevel = 1,
            SecurityFlags = 6,
            SecurityExpires = 0x0102_0304,
            Epoch = 0x8000_0042,
            NatMtu = 1444,
        };
        c.Calls[1] = new RxDebugCall(5, RxDebugCallState.Active, RxDebugCallMode.Receiving, RxDebugConnection.CallReceiveDone, RxDebugConnection.OtherOut);
        var bytes = new byte[RxDebugConnection.Size + 4];
        bytes.AsSpan().Fill(0xEE);
        Assert.Equal(176, c.Write(bytes));

        // Offsets from OpenAFS rx.h (checked with offsetof on Linux x86-64): host 0, cid 4, serial 8, callNumber 12,
        // error 28, port 32, flags 34, type 35, securityIndex 36, sparec 37-39, callState 40, callMode 44,
        // callFlags 48, callOther 52, secStats 56 (type, level, sparec[10], flags 68, expires 72), epoch 132, natMTU 136.
        Assert.Equal(0x7F000001u, BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.Equal(0x1234_5678u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(4)));
        Assert.Equal(99u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(8)));
        Assert.Equal(5u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(16)));
        Assert.Equal(-3, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(28)));
        Assert.Equal(7001, BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(32)));
        Assert.Equal([4, 1, 2, 0, 0, 0], bytes[34..40]);
        Assert.Equal([0, 2, 0, 0], bytes[40..44]);
        Assert.Equal([0, 2, 0, 0], bytes[44..48]);
        Assert.Equal([0, 32, 0, 0], bytes[48..52]);
        Assert.Equal([0, 2, 0, 0], bytes[52..56]);
        Assert.Equal([3, 1], bytes[56..58]);
        Assert.Equal(6, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(68)));
        Assert.Equal(0x0102_0304u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(72)));
        Assert.Equal(0x8000_0042u, BinaryPrimitives.ReadUInt32BigEndian(bytes.AsSpan(132)));
        Assert.Equal(1444, BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(136)));
        Assert.All(bytes[140..176], b => Assert.Equal(0, b));
        Assert.Equal(0xEE, bytes[176]);

        Assert.True(RxDebugConnection.TryRead(bytes, out RxDebugConnection back));
        Assert.Equal(c.ConnectionId, back.ConnectionId);
        Assert.Equal(c.Calls[1], back.Calls[1]);
        Assert.Equal(c.Epoch, back.Epoch);
        Assert.False(back.IsEnd);
        Assert.False(RxDebugConnection.TryRead(bytes.AsSpan(0, 175), out _));
        Assert.True(RxDebugConnection.End.IsEnd);
    }

    [Fact]
    public void The_peer_layout_is_rx_h_s_rx_debugPeer()
    {
        var p = new RxDebugPeer
        {
            Host = 0x0A000002,
            Port = 7001,
            InterfaceMtu = 1444,
            ReferenceCount = 3,
            Rtt = 80,
            RttDeviation = 12,
            Timeout = TimeSpan.FromMilliseconds(1250),
            PacketsSent = 11,
            Resends = 2,
            NatMtu = 1444,
            MaxMtu = 5692,
            MaxDatagramPackets = 4,
            InterfaceDatagramPackets = 4,
            Mtu = 1444,
            CongestionWindow = 16,
            DatagramPackets = 4,
            BytesSent = 0x1_0000_0005,
            BytesReceived = 77,
        };
        var bytes = new byte[RxDebugPeer.Size];
        Assert.Equal(132, p.Write(bytes));
        int Word(int at) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
        int Short(int at) => BinaryPrimitives.ReadUInt16BigEndian(bytes.AsSpan(at));

        // host 0, port 4, ifMTU 6, idleWhen 8, refCount 12, burstSize 14, burst 15, burstWait 16, rtt 24, rtt_dev 28,
        // timeout 32, nSent 40, reSends 44, skews 48/52, rateFlag 56, natMTU 60 ... congestSeq 74, bytesSent 76, bytesReceived 84.
        Assert.Equal(0x0A000002, Word(0));
        Assert.Equal(7001, Short(4));
        Assert.Equal(1444, Short(6));
        Assert.Equal(3, Short(12));
        Assert.Equal(80, Word(24));
        Assert.Equal(12, Word(28));
        Assert.Equal(1, Word(32));
        Assert.Equal(250_000, Word(36));
        Assert.Equal(11, Word(40));
        Assert.Equal(2, Word(44));
        Assert.Equal(1444, Short(60));
        Assert.Equal(5692, Short(62));
        Assert.Equal(4, Short(64));
        Assert.Equal(4, Short(66));
        Assert.Equal(1444, Short(68));
        Assert.Equal(16, Short(70));
        Assert.Equal(4, Short(72));
        Assert.Equal(1, Word(76));
        Assert.Equal(5, Word(80));
        Assert.Equal(0, Word(84));
        Assert.Equal(77, Word(88));
        Assert.All(bytes[92..], b => Assert.Equal(0, b));

        Assert.True(RxDebugPeer.TryRead(bytes, out RxDebugPeer back));
        Assert.Equal(p, back);
        Assert.False(RxDebugPeer.TryRead(bytes.AsSpan(0, 131), out _));
    }

    [Theory]
    [InlineData('S', 0x3DF)]
    [InlineData('Q', 0x0DF)]
    [InlineData('M', 0x007)]
    [InlineData('L', 0x021)]
    [InlineData('K', 0x020)]
    public void Rxdebug_derives_the_features_from_the_version_letter(char version, int expected) =>
        Assert.Equal((RxDebugSupportedValues)expected, RxDebugVersions.SupportedValues((byte)version));

    [Fact]
    public void The_GETSTATS_version_promises_all_connections_and_peers()
    {
        var pair = new EnginePair();
        RxDebugStats stats = pair.AskStats();
        Assert.Equal(RxDebugPackets.DebugVersion, stats.Version);
        RxDebugSupportedValues features = RxDebugVersions.SupportedValues(stats.Version);
        Assert.True(features.HasFlag(RxDebugSupportedValues.AllConnections | RxDebugSupportedValues.AllPeers | RxDebugSupportedValues.SecurityStats));
        Assert.False(features.HasFlag(RxDebugSupportedValues.OldConnections)); // the aligned layout
    }

    [Fact]
    public void Connections_list_the_engine_s_own_connections_and_calls()
    {
        var pair = new EnginePair();
        pair.CompleteCall(30);
        pair.CompleteCall(3000); // three packets each way
        RxCall pending = pair.StartCall(40); // the server has the request and has not answered

        // GETCONN lists the connection with a call in progress (index 0), then the end marker.
        RxDebugConnection c = pair.AskConnection(pair.Server, RxDebugRequestType.GetConnection, 0);
        Assert.False(c.IsEnd);
        Assert.Equal(0x0A000002u, c.Host);
        Assert.Equal(ClientAddress.Port, c.Port);
        Assert.Equal(ClientEpoch, c.Epoch);
        Assert.Equal(pair.Connection.ConnectionId, c.ConnectionId);
        Assert.Equal(RxDebugConnection.ServerConnection, c.Type);
        Assert.Equal(0, c.SecurityIndex);
        Assert.Equal(0, c.Error);
        Assert.Equal(1444, c.NatMtu);
        Assert.Equal((uint)pair.ServerPacketsSent, c.Serial); // serials 1..n, one per packet on the connection
        uint total = 0;
        for (int ch = 0; ch < RxDebugConnection.ChannelCount; ch++)
        {
            total += c.Calls[ch].Number;
            if (ch == pending.Channel)
            {
                Assert.Equal(pending.CallNumber, c.Calls[ch].Number);
                Assert.Equal(RxDebugCallState.Active, c.Calls[ch].State);
                Assert.Equal(RxDebugCallMode.Receiving, c.Calls[ch].Mode);
                Assert.Equal(RxDebugConnection.CallReceiveDone, c.Calls[ch].Flags);
                Assert.Equal(RxDebugConnection.OtherIn, c.Calls[ch].Other); // the request waits to be read
            }
        }

        Assert.Equal(3u, total); // three calls so far
        Assert.True(pair.AskConnection(pair.Server, RxDebugRequestType.GetConnection, 1).IsEnd);
        Assert.Equal(c.ConnectionId, pair.AskConnection(pair.Server, RxDebugRequestType.GetConnection, -7).ConnectionId); // as OpenAFS: the first
        Assert.True(pair.AskConnection(pair.Server, RxDebugRequestType.GetConnection, int.MaxValue).IsEnd);

        // The client side: a client connection, its call sending... no: its request is complete, it waits for the reply.
        RxDebugConnection own = pair.AskConnection(pair.Client, RxDebugRequestType.GetConnection, 0);
        Assert.Equal(RxDebugConnection.ClientConnection, own.Type);
        Assert.Equal(0x0A000001u, own.Host);
        Assert.Equal(ServerAddress.Port, own.Port);
        Assert.Equal(pending.CallNumber, own.Calls[pending.Channel].Number);
        Assert.Equal(RxDebugCallMode.Receiving, own.Calls[pending.Channel].Mode);

        // The reply ends the call: GETCONN has nothing left, GETALLCONN still has the connection, its call dallying.
        pair.Answer(40);
        pair.Finish(pending);
        Assert.True(pair.AskConnection(pair.Server, RxDebugRequestType.GetConnection, 0).IsEnd);
        RxDebugConnection all = pair.AskConnection(pair.Server, RxDebugRequestType.GetAllConnections, 0);
        Assert.Equal(pair.Connection.ConnectionId, all.ConnectionId);
        Assert.Equal(RxDebugCallState.Dally, all.Calls[pending.Channel].State);
        Assert.Equal(RxDebugCallMode.Eof, all.Calls[pending.Channel].Mode);
        Assert.Equal((uint)pair.ServerPacketsSent, all.Serial);
        Assert.True(pair.AskConnection(pair.Server, RxDebugRequestType.GetAllConnections, 1).IsEnd);
    }

    [Fact]
    public void Peers_carry_the_engine_s_round_trip_and_counters()
    {
        var pair = new EnginePair();
        pair.CompleteCall(5000);
        pair.CompleteCall(10);
        RxRttEstimator rtt = pair.ServerCall!.Connection.RoundTrip;
        Assert.True(rtt.Samples > 0);

        RxDebugPeer p = pair.AskPeer(pair.Server, 0);
        Assert.False(p.IsEnd);
        Assert.Equal(0x0A000002u, p.Host);
        Assert.Equal(ClientAddress.Port, p.Port);
        Assert.Equal(1, p.ReferenceCount);
        Assert.Equal((int)(rtt.SmoothedRtt.TotalMilliseconds * 8), p.Rtt);
        Assert.Equal((int)(rtt.RttVariance.TotalMilliseconds * 4), p.RttDeviation);
        Assert.Equal(rtt.RetransmitTimeout, p.Timeout);
        Assert.Equal(pair.Server.Statistics.DataPacketsSent, p.PacketsSent);
        Assert.Equal(pair.Server.Statistics.Retransmissions, p.Resends);
        Assert.Equal((ulong)pair.ServerPayloadSent, p.BytesSent);
        Assert.Equal((ulong)pair.ServerPayloadReceived, p.BytesReceived);
        Assert.Equal(1444, p.Mtu);
        Assert.Equal(1444, p.InterfaceMtu);
        Assert.Equal(5692, p.MaxMtu); // from the client's ACK trailer
        Assert.Equal(4, p.MaxDatagramPackets);
        Assert.Equal(4, p.InterfaceDatagramPackets);
        Assert.InRange(p.DatagramPackets, 1, 4);
        Assert.True(pair.AskPeer(pair.Server, 1).IsEnd);
        Assert.True(pair.AskPeer(pair.Server, int.MaxValue).IsEnd);
        Assert.Equal(p.Host, pair.AskPeer(pair.Server, int.MinValue).Host);
    }

    [Fact]
    public void Hostile_debug_requests_are_answered_or_dropped()
    {
        var pair = new EnginePair();
        pair.CompleteCall(10);
        long dropped = pair.Server.Statistics.DatagramsDropped;

        // Short: no answer, counted as dropped.
        foreach (int length in new[] { 0, 1, 4, 7 })
        {
            Assert.Empty(pair.Debug(pair.Server, new byte[length]));
        }

        Assert.Equal(dropped + 4, pair.Server.Statistics.DatagramsDropped);

        // Not CLIENT_INITIATED (an answer, or a reflection): no answer.
        Assert.Empty(pair.Debug(pair.Server, Request(RxDebugRequestType.GetPeer, 0), clientInitiated: false));

        // Unknown types: BADTYPE; longer requests are read by their first 8 bytes.
        foreach (int type in new[] { 0, 6, -8, int.MinValue, int.MaxValue })
        {
            byte[] request = new byte[8];
            BinaryPrimitives.WriteInt32BigEndian(request, type);
            byte[] answer = Assert.Single(pair.Debug(pair.Server, request));
            Assert.Equal(RxDebugPackets.BadType, BinaryPrimitives.ReadInt32BigEndian(answer));
        }

        byte[] padded = new byte[1000];
        Request(RxDebugRequestType.GetAllConnections, 0).CopyTo(padded, 0);
        Assert.True(RxDebugConnection.TryRead(Assert.Single(pair.Debug(pair.Server, padded)), out RxDebugConnection first));
        Assert.Equal(pair.Connection.ConnectionId, first.ConnectionId);

        // Every index, including the extremes, is answered with a full record.
        foreach (int index in new[] { int.MinValue, -1, 0, 1, 2, 1000, int.MaxValue })
        {
            foreach (RxDebugRequestType type in new[] { RxDebugRequestType.GetConnection, RxDebugRequestType.GetAllConnections })
            {
                Assert.Equal(RxDebugConnection.Size, Assert.Single(pair.Debug(pair.Server, Request(type, index))).Length);
            }

            Assert.Equal(RxDebugPeer.Size, Assert.Single(pair.Debug(pair.Server, Request(RxDebugRequestType.GetPeer, index))).Length);
        }

        // The engine still serves calls.
        pair.CompleteCall(20);
    }

    private static byte[] Request(RxDebugRequestType type, int index)
    {
        var payload = new byte[RxDebugRequest.Size];
        new RxDebugRequest((int)type, index).Write(payload);
        return payload;
    }

    /// <summary>A client and a server engine exchanging datagrams in memory, 1 ms per hop; a third address asks DEBUG questions.</summary>
    private sealed class EnginePair
    {
        private uint _debugCallNumber;
        private TimeSpan _now;

        public EnginePair()
        {
            Server = new RxProtocolEngine(new RxProtocolOptions(), 0x8000_0001, 0x100);
            Server.AddService(Service, RxNullSecurityClass.Instance);
            Client = new RxProtocolEngine(new RxProtocolOptions(), ClientEpoch, FirstCid);
            Connection = Client.CreateClientConnection(ServerAddress, Service, null, false, _now);
        }

        public RxProtocolEngine Server { get; }

        public RxProtocolEngine Client { get; }

        public RxConnection Connection { get; }

        public RxCall? ServerCall { get; private set; }

        /// <summary>The serial of the latest packet the server sent on its connection (serials count from 1).</summary>
        public long ServerPacketsSent { get; private set; }

        public long ServerPayloadSent { get; private set; }

        public long ServerPayloadReceived { get; private set; }

        public RxCall StartCall(int size)
        {
            RxCall call = Client.StartCall(Connection, _now)!;
            Assert.Equal(size, Client.Write(call, new byte[size], _now));
            Client.CompleteWrite(call, _now);
            Pump();
            return call;
        }

        public void Answer(int size)
        {
            RxCall call = ServerCall!;
            var buffer = new byte[65536];
            while (Server.Read(call, buffer, _now) > 0)
            {
            }

            Assert.Equal(size, Server.Write(call, new byte[size], _now));
            Server.CompleteWrite(call, _now);
            Pump();
        }

        public void CompleteCall(int size)
        {
            RxCall call = StartCall(size);
            Answer(size);
            Finish(call);
        }

        /// <summary>The client reads the reply; time passes until both sides have ended the call.</summary>
        public void Finish(RxCall call)
        {
            var buffer = new byte[65536];
            while (Client.Read(call, buffer, _now) > 0)
            {
            }

            for (int i = 0; i < 20 && (call.State == RxCallState.Active || ServerCall!.State == RxCallState.Active); i++)
            {
                _now += TimeSpan.FromMilliseconds(10);
                Client.Tick(_now);
                Server.Tick(_now);
                Pump();
            }

            Assert.Equal(RxCallState.Completed, call.State);
            Assert.Equal(RxCallState.Completed, ServerCall!.State);
        }

        public RxDebugStats AskStats()
        {
            byte[] answer = Assert.Single(Debug(Server, Request(RxDebugRequestType.GetStats, 0)));
            Assert.True(RxDebugStats.TryRead(answer, out RxDebugStats stats));
            return stats;
        }

        public RxDebugConnection AskConnection(RxProtocolEngine engine, RxDebugRequestType type, int index)
        {
            byte[] answer = Assert.Single(Debug(engine, Request(type, index)));
            Assert.True(RxDebugConnection.TryRead(answer, out RxDebugConnection c));
            return c;
        }

        public RxDebugPeer AskPeer(RxProtocolEngine engine, int index)
        {
            byte[] answer = Assert.Single(Debug(engine, Request(RxDebugRequestType.GetPeer, index)));
            Assert.True(RxDebugPeer.TryRead(answer, out RxDebugPeer p));
            return p;
        }

        /// <summary>Sends a DEBUG packet with <paramref name="payload"/> from the debug address; returns the answers' payloads.</summary>
        public List<byte[]> Debug(RxProtocolEngine engine, byte[] payload, bool clientInitiated = true)
        {
            uint number = ++_debugCallNumber;
            RxPacketFlags flags = RxPacketFlags.LastPacket | (clientInitiated ? RxPacketFlags.ClientInitiated : RxPacketFlags.None);
            var datagram = new byte[RxHeader.Size + payload.Length];
            new RxHeader(RxDebugPackets.RxDebugEpoch, 0, number, 0, 1, RxPacketType.Debug, flags, 0, 0, 0, 0).Write(datagram);
            payload.CopyTo(datagram, RxHeader.Size);
            engine.Receive(datagram, DebugAddress, _now);

            var answers = new List<byte[]>();
            while (engine.TryDequeueDatagram(out RxOutgoingDatagram d))
            {
                Assert.Equal(DebugAddress, d.Destination);
                Assert.True(RxHeader.TryRead(d.Memory.Span, out RxHeader h, out _));
                Assert.Equal(RxPacketType.Debug, h.Type);
                Assert.Equal(number, h.CallNumber);
                Assert.False(h.IsClientInitiated);
                answers.Add(d.Memory.Span[RxHeader.Size..].ToArray());
                d.Release();
            }

            return answers;
        }

        private static long LastSerial(ReadOnlySpan<byte> datagram)
        {
            Assert.True(RxHeader.TryRead(datagram, out RxHeader h, out _));
            if (h.Type != RxPacketType.Data)
            {
                return h.Serial;
            }

            uint last = 0;
            RxJumbogram.Reader reader = RxJumbogram.Read(datagram, h);
            while (reader.TryReadNext(out RxHeader part, out _))
            {
                last = part.Serial;
            }

            return last;
        }

        /// <summary>Delivers datagrams both ways until none is left (bounded), 1 ms per hop.</summary>
        private void Pump()
        {
            for (int round = 0; round < 1000; round++)
            {
                bool any = false;
                var toServer = new List<byte[]>();
                while (Client.TryDequeueDatagram(out RxOutgoingDatagram d))
                {
                    Assert.Equal(ServerAddress, d.Destination);
                    toServer.Add(d.Memory.ToArray());
                    d.Release();
                }

                var toClient = new List<byte[]>();
                while (Server.TryDequeueDatagram(out RxOutgoingDatagram d))
                {
                    Assert.Equal(ClientAddress, d.Destination);
                    toClient.Add(d.Memory.ToArray());
                    ServerPacketsSent = Math.Max(ServerPacketsSent, LastSerial(d.Memory.Span));
                    ServerPayloadSent += d.Length - RxHeader.Size;
                    d.Release();
                }

                _now += TimeSpan.FromMilliseconds(1);
                foreach (byte[] datagram in toServer)
                {
                    ServerPayloadReceived += datagram.Length - RxHeader.Size;
                    Server.Receive(datagram, ClientAddress, _now);
                    any = true;
                }

                foreach (byte[] datagram in toClient)
                {
                    Client.Receive(datagram, ServerAddress, _now);
                    any = true;
                }

                while (Server.TryDequeueEvent(out RxProtocolEvent e))
                {
                    if (e.Kind == RxProtocolEventKind.IncomingCall)
                    {
                        ServerCall = e.Call;
                    }
                }

                while (Client.TryDequeueEvent(out _))
                {
                }

                if (!any)
                {
                    return;
                }

                _now += TimeSpan.FromMilliseconds(1);
                Client.Tick(_now);
                Server.Tick(_now);
            }

            Assert.Fail("the engines did not settle");
        }
    }
}
