using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// Frames every packet the engine sends (headers with the connection's serials, DATA and jumbograms through the
/// security hooks, ACKs with their trailer, ABORT, BUSY, CHALLENGE/RESPONSE, VERSION and DEBUG answers) into pooled
/// buffers, and queues them. It decides nothing about when to send: the engine does.
/// </summary>
internal sealed class RxPacketWriter(RxProtocolOptions options, RxProtocolStatistics statistics)
{
    private const int SecurityPayloadMax = 1024;

    private readonly Queue<RxOutgoingDatagram> _outgoing = new();

    public bool TryDequeue(out RxOutgoingDatagram datagram) => _outgoing.TryDequeue(out datagram);

    /// <summary>A header of <paramref name="connection"/> with its next serial (CLIENT_INITIATED on client connections).</summary>
    public static RxHeader Header(RxConnection connection, int channel, uint callNumber, RxPacketType type, RxPacketFlags flags)
    {
        if (!connection.IsServer)
        {
            flags |= RxPacketFlags.ClientInitiated;
        }

        return new RxHeader(connection.Epoch, connection.ConnectionId | (uint)channel, callNumber, 0, connection.TakeSerial(), type, flags, 0, (byte)connection.SecurityIndex, 0, connection.ServiceId);
    }

    /// <summary>
    /// One DATA packet, or a jumbogram of consecutive ones (every part but the last full, JUMBO_PACKET on all but the
    /// last, a short header before parts 2..n). Sets each packet's serial.
    /// </summary>
    public void Data(RxCall call, List<RxPacketBuffer> batch, bool retransmit)
    {
        RxConnection connection = call.Connection;
        int overhead = connection.Security.PacketOverhead;
        int size = RxHeader.Size;
        foreach (RxPacketBuffer p in batch)
        {
            size += p.Length + overhead + RxJumbogram.ShortHeaderSize;
        }

        byte[] buffer = ArrayPool<byte>.Shared.Rent(size);
        int at = RxHeader.Size;
        for (int i = 0; i < batch.Count; i++)
        {
            RxPacketBuffer packet = batch[i];
            RxPacketFlags flags = packet.Last ? RxPacketFlags.LastPacket : RxPacketFlags.MorePackets;
            if (i < batch.Count - 1)
            {
                flags |= RxPacketFlags.JumboPacket;
            }
            else if (retransmit || (!packet.Last && call.Send.FillsWindow(packet)))
            {
                flags |= RxPacketFlags.RequestAck;
            }

            byte userStatus = i == 0 && !connection.IsServer && connection.RequestUpgrade && !connection.FirstDataSent ? (byte)1 : (byte)0;
            RxHeader header = Header(connection, call.Channel, call.CallNumber, RxPacketType.Data, flags) with { Seq = packet.Seq, UserStatus = userStatus };
            if (i > 0)
            {
                at += RxJumbogram.ShortHeaderSize; // written below, once the checksum is known
            }

            packet.Payload.CopyTo(buffer.AsSpan(at));
            int length = packet.Length;
            ushort checksum = connection.Security.PreparePacket(header, buffer.AsSpan(at, packet.Length + overhead), ref length);
            if (i == 0)
            {
                (header with { Checksum = checksum }).Write(buffer);
            }
            else
            {
                Span<byte> shortHeader = buffer.AsSpan(at - RxJumbogram.ShortHeaderSize, RxJumbogram.ShortHeaderSize);
                shortHeader[0] = (byte)header.Flags;
                shortHeader[1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(shortHeader[2..], checksum);
            }

            at += length;
            packet.Serial = header.Serial;
            statistics.CountSent(RxPacketType.Data);
            if (retransmit)
            {
                statistics.Retransmissions++;
                connection.Remote.Resends++;
            }
            else
            {
                statistics.DataPacketsSent++;
                connection.Remote.PacketsSent++;
            }
        }

        if (batch.Count > 1)
        {
            statistics.JumbogramsSent++;
        }

        Emit(buffer, at, connection.Peer, connection.Remote);
        connection.FirstDataSent = true;
    }

    /// <summary>An ACK of the call's receive state with the full trailer; returns its header (for a ping's serial).</summary>
    public RxHeader Ack(RxCall call, RxAckReason reason, uint serial, bool ping)
    {
        const int bodyAt = RxHeader.Size;
        const int acksAt = bodyAt + RxAckBody.FixedSize;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(acksAt + RxAckBody.MaxAcks + RxAckTrailer.FullSize);
        int nAcks = call.Receive.WriteAcks(buffer.AsSpan(acksAt, RxAckBody.MaxAcks));
        var trailer = new RxAckTrailer((uint)options.AdvertisedMaxMtu, (uint)options.AdvertisedInterfaceMtu, (uint)call.Receive.Window, (uint)options.AdvertisedMaxDatagramPackets);
        var body = new RxAckBody(0, 0, call.Receive.FirstUnconsumed, call.Receive.HighestReceived, serial, reason, buffer.AsSpan(acksAt, nAcks), trailer);
        int bodyLength = body.Write(buffer.AsSpan(bodyAt));
        RxPacketFlags flags = RxPacketFlags.SlowStartOk | (ping ? RxPacketFlags.RequestAck : RxPacketFlags.None);
        RxHeader header = Header(call.Connection, call.Channel, call.CallNumber, RxPacketType.Ack, flags);
        header.Write(buffer);
        Emit(buffer, bodyAt + bodyLength, call.Connection.Peer, call.Connection.Remote);
        statistics.AcksSent++;
        if (ping)
        {
            statistics.PingsSent++;
        }

        return header;
    }

    public void Abort(RxConnection connection, int channel, uint callNumber, int code)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + RxAbort.PayloadSize);
        Header(connection, channel, callNumber, RxPacketType.Abort, RxPacketFlags.None).Write(buffer);
        RxAbort.WriteCode(buffer.AsSpan(RxHeader.Size), code);
        Emit(buffer, RxHeader.Size + RxAbort.PayloadSize, connection.Peer, connection.Remote);
        statistics.AbortsSent++;
    }

    /// <summary>A packet with no payload (BUSY).</summary>
    public void Empty(RxConnection connection, int channel, uint callNumber, RxPacketType type)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size);
        Header(connection, channel, callNumber, type, RxPacketFlags.None).Write(buffer);
        Emit(buffer, RxHeader.Size, connection.Peer, connection.Remote);
        if (type == RxPacketType.Busy)
        {
            statistics.BusySent++;
        }
    }

    public void Challenge(RxConnection connection)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + SecurityPayloadMax);
        int length = connection.Security.WriteChallenge(buffer.AsSpan(RxHeader.Size, SecurityPayloadMax));
        Header(connection, 0, 0, RxPacketType.Challenge, RxPacketFlags.None).Write(buffer);
        Emit(buffer, RxHeader.Size + length, connection.Peer, connection.Remote);
    }

    /// <summary>The RESPONSE to a CHALLENGE, if the security class answers it.</summary>
    public bool Response(RxConnection connection, ReadOnlySpan<byte> challenge)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + SecurityPayloadMax);
        if (!connection.Security.TryRespond(challenge, buffer.AsSpan(RxHeader.Size, SecurityPayloadMax), out int written))
        {
            ArrayPool<byte>.Shared.Return(buffer);
            return false;
        }

        Header(connection, 0, 0, RxPacketType.Response, RxPacketFlags.None).Write(buffer);
        Emit(buffer, RxHeader.Size + written, connection.Peer, connection.Remote);
        return true;
    }

    /// <summary>An ABORT for a packet that has no connection (unknown service): the reply mirrors its header.</summary>
    public void RawAbort(in RxHeader request, IPEndPoint to, int code)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + RxAbort.PayloadSize);
        new RxHeader(request.Epoch, request.Cid, request.CallNumber, 0, 1, RxPacketType.Abort, RxPacketFlags.None, 0, request.SecurityIndex, 0, request.ServiceId).Write(buffer);
        RxAbort.WriteCode(buffer.AsSpan(RxHeader.Size), code);
        Emit(buffer, RxHeader.Size + RxAbort.PayloadSize, to);
        statistics.AbortsSent++;
    }

    /// <summary>The VERSION answer: the request's header without CLIENT_INITIATED, then the 65-byte version string.</summary>
    public void Version(in RxHeader request, IPEndPoint to)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + RxDebugPackets.VersionStringSize);
        (request with { Flags = request.Flags & ~RxPacketFlags.ClientInitiated }).Write(buffer);
        int length = RxDebugPackets.WriteVersionString(buffer.AsSpan(RxHeader.Size), options.VersionString);
        Emit(buffer, RxHeader.Size + length, to);
    }

    /// <summary>
    /// The DEBUG answer: GETSTATS gets <c>rx_debugStats</c>, RXSTATS <paramref name="rxStats"/> (when given); any other
    /// request its type replaced by BadType.
    /// </summary>
    public void Debug(in RxHeader request, in RxDebugRequest debug, IPEndPoint to, RxDebugRxStats? rxStats)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + Math.Max(RxDebugStats.Size, RxDebugRxStats.Size));
        (request with { Flags = request.Flags & ~RxPacketFlags.ClientInitiated }).Write(buffer);
        int length = debug.Type switch
        {
            (int)RxDebugRequestType.GetStats => new RxDebugStats(0, 0, (int)Math.Min(statistics.ServerCalls, int.MaxValue), 0, 1, RxDebugPackets.DebugVersion, 0, 0, 0, 0).Write(buffer.AsSpan(RxHeader.Size)),
            (int)RxDebugRequestType.RxStats when rxStats is not null => rxStats.Write(buffer.AsSpan(RxHeader.Size)),
            _ => new RxDebugRequest(RxDebugPackets.BadType, debug.Index).Write(buffer.AsSpan(RxHeader.Size)),
        };
        Emit(buffer, RxHeader.Size + length, to);
    }

    /// <summary>A DEBUG answer with a prepared payload (GETCONN, GETALLCONN, GETPEER): the request's header without CLIENT_INITIATED.</summary>
    public void DebugAnswer(in RxHeader request, IPEndPoint to, ReadOnlySpan<byte> payload)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(RxHeader.Size + payload.Length);
        (request with { Flags = request.Flags & ~RxPacketFlags.ClientInitiated }).Write(buffer);
        payload.CopyTo(buffer.AsSpan(RxHeader.Size));
        Emit(buffer, RxHeader.Size + payload.Length, to);
    }

    private void Emit(byte[] buffer, int length, IPEndPoint to, RxRemotePeer? remote = null)
    {
        if (remote is not null)
        {
            remote.BytesSent += length - RxHeader.Size;
        }

        _outgoing.Enqueue(new RxOutgoingDatagram(buffer, length, to));
        statistics.DatagramsSent++;
        var type = (RxPacketType)buffer[20]; // the header's type byte
        if (type != RxPacketType.Data)
        {
            statistics.CountSent(type); // DATA is counted per packet in Data
        }
    }
}
