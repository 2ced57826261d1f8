using System;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>The engine's answers to <c>rxdebug</c>'s DEBUG requests: statistics, connections and peers.</summary>
public sealed partial class RxProtocolEngine
{
    /// <summary>
    /// Answers one DEBUG request. GETCONN (connections with a call in progress), GETALLCONN and GETPEER answer the
    /// entry at the request's index (counting from 0; a negative index counts as 0, as in OpenAFS) or the end marker
    /// past the last; the order is stable while the tables do not change. Work is bounded by the number of connections.
    /// </summary>
    private void AnswerDebug(in RxHeader header, in RxDebugRequest debug, IPEndPoint from)
    {
        switch (debug.Type)
        {
            case (int)RxDebugRequestType.GetConnection or (int)RxDebugRequestType.GetAllConnections:
            {
                Span<byte> payload = stackalloc byte[RxDebugConnection.Size];
                RxConnection? connection = FindDebugConnection(debug.Index, all: debug.Type == (int)RxDebugRequestType.GetAllConnections);
                (connection is null ? RxDebugConnection.End : DescribeConnection(connection)).Write(payload);
                _writer.DebugAnswer(header, from, payload);
                return;
            }

            case (int)RxDebugRequestType.GetPeer:
            {
                Span<byte> payload = stackalloc byte[RxDebugPeer.Size];
                (FindDebugPeer(debug.Index, out IPEndPoint? address, out RxRemotePeer? remote) ? DescribePeer(address!, remote!) : RxDebugPeer.End).Write(payload);
                _writer.DebugAnswer(header, from, payload);
                return;
            }

            default:
                _writer.Debug(header, debug, from, debug.Type == (int)RxDebugRequestType.RxStats ? BuildRxStats() : null);
                return;
        }
    }

    /// <summary>The connection at <paramref name="index"/>: client connections first, then server connections.</summary>
    private RxConnection? FindDebugConnection(int index, bool all)
    {
        int remaining = Math.Max(index, 0);
        foreach (RxConnection connection in _clientConnections.Values)
        {
            if ((all || IsInteresting(connection)) && remaining-- == 0)
            {
                return connection;
            }
        }

        foreach (RxConnection connection in _serverConnections.Values)
        {
            if ((all || IsInteresting(connection)) && remaining-- == 0)
            {
                return connection;
            }
        }

        return null;
    }

    /// <summary>OpenAFS's "interesting" connection: one with a call in progress.</summary>
    private static bool IsInteresting(RxConnection connection)
    {
        foreach (RxCall? call in connection.Calls)
        {
            if (call is { IsActive: true })
            {
                return true;
            }
        }

        return false;
    }

    private bool FindDebugPeer(int index, out IPEndPoint? address, out RxRemotePeer? remote)
    {
        int remaining = Math.Max(index, 0);
        foreach (KeyValuePair<IPEndPoint, RxRemotePeer> entry in _peers)
        {
            if (remaining-- == 0)
            {
                address = entry.Key;
                remote = entry.Value;
                return true;
            }
        }

        address = null;
        remote = null;
        return false;
    }

    private RxDebugConnection DescribeConnection(RxConnection connection)
    {
        var d = new RxDebugConnection
        {
            Host = RxDebugVersions.HostOf(connection.Peer),
            Port = (ushort)connection.Peer.Port,
            ConnectionId = connection.ConnectionId,
            Epoch = connection.Epoch,
            Serial = connection.NextSerial - 1,
            Error = connection.ErrorCode,
            Type = connection.IsServer ? RxDebugConnection.ServerConnection : RxDebugConnection.ClientConnection,
            SecurityIndex = (byte)connection.SecurityIndex,
            NatMtu = RxHeader.Size + _options.PacketDataSize,
        };
        for (int ch = 0; ch < RxConnection.ChannelCount; ch++)
        {
            d.Calls[ch] = DescribeCall(connection.CallNumbers[ch], connection.Calls[ch]);
        }

        return d;
    }

    /// <summary>
    /// One channel in OpenAFS's terms: an active call is ACTIVE, sending or receiving as its direction is now; a server
    /// call that has written all of its reply is DALLY in mode EOF, as OpenAFS's is after <c>rx_EndCall</c> (its reply
    /// kept until the final ACK or the next call on the channel); an ended call stays on its channel as DALLY, in
    /// mode EOF (completed) or ERROR (failed).
    /// </summary>
    private static RxDebugCall DescribeCall(uint number, RxCall? call)
    {
        if (call is null)
        {
            return new RxDebugCall(number, RxDebugCallState.NotInitialized, RxDebugCallMode.None, 0, 0);
        }

        RxReceiveQueue receive = call.Receive;
        bool receivedAll = receive.Complete || (receive.LastSeq != 0 && receive.NextInOrder > receive.LastSeq);
        byte flags = receivedAll ? RxDebugConnection.CallReceiveDone : (byte)0;
        if (!call.IsActive)
        {
            return new RxDebugCall(number, RxDebugCallState.Dally, call.State == RxCallState.Completed ? RxDebugCallMode.Eof : RxDebugCallMode.Error, flags, 0);
        }

        if (call.IsServerCall && call.Send.Completed)
        {
            return new RxDebugCall(number, RxDebugCallState.Dally, RxDebugCallMode.Eof, flags, call.Send.Queued > 0 ? RxDebugConnection.OtherOut : (byte)0);
        }

        RxDebugCallMode mode = call.IsServerCall
            ? (call.Send.Completed ? RxDebugCallMode.Eof : call.ReplyStarted || call.Send.NextSeq > 1 ? RxDebugCallMode.Sending : RxDebugCallMode.Receiving)
            : (call.Send.Completed ? (call.Receive.Complete ? RxDebugCallMode.Eof : RxDebugCallMode.Receiving) : RxDebugCallMode.Sending);
        byte other = 0;
        if (call.Receive.NextInOrder > call.Receive.FirstUnconsumed)
        {
            other |= RxDebugConnection.OtherIn;
        }

        if (call.Send.Queued > 0)
        {
            other |= RxDebugConnection.OtherOut;
        }

        return new RxDebugCall(number, RxDebugCallState.Active, mode, flags, other);
    }

    private RxDebugPeer DescribePeer(IPEndPoint address, RxRemotePeer remote)
    {
        // refCount and cwind: the connections using this peer, and the window of the latest active call to it.
        int references = 0;
        int window = 0;
        CountPeerUse(_clientConnections.Values, remote, ref references, ref window);
        CountPeerUse(_serverConnections.Values, remote, ref references, ref window);
        RxRttEstimator rtt = remote.Rtt;
        RxAckTrailer trailer = remote.Trailer;
        int mtu = RxHeader.Size + _options.PacketDataSize;
        return new RxDebugPeer
        {
            Host = RxDebugVersions.HostOf(address),
            Port = (ushort)address.Port,
            InterfaceMtu = Clamp16(_options.AdvertisedInterfaceMtu),
            ReferenceCount = (short)Math.Min(references, short.MaxValue),
            Rtt = (int)Math.Min(rtt.SmoothedRtt.Ticks * 8 / TimeSpan.TicksPerMillisecond, int.MaxValue),
            RttDeviation = (int)Math.Min(rtt.RttVariance.Ticks * 4 / TimeSpan.TicksPerMillisecond, int.MaxValue),
            Timeout = rtt.RetransmitTimeout,
            PacketsSent = (uint)remote.PacketsSent,
            Resends = (uint)remote.Resends,
            NatMtu = Clamp16(mtu),
            MaxMtu = Clamp16(trailer.MaxMtu ?? 0),
            MaxDatagramPackets = Clamp16(trailer.MaxDatagramPackets ?? 1),
            InterfaceDatagramPackets = Clamp16(_options.AdvertisedMaxDatagramPackets),
            Mtu = Clamp16(mtu),
            CongestionWindow = Clamp16(window == 0 ? _options.InitialCongestionWindow : window),
            DatagramPackets = Clamp16(remote.JumboPackets),
            BytesSent = (ulong)remote.BytesSent,
            BytesReceived = (ulong)remote.BytesReceived,
        };
    }

    private static void CountPeerUse<TKey>(Dictionary<TKey, RxConnection>.ValueCollection connections, RxRemotePeer remote, ref int references, ref int window)
        where TKey : notnull
    {
        foreach (RxConnection connection in connections)
        {
            if (!ReferenceEquals(connection.Remote, remote))
            {
                continue;
            }

            references++;
            foreach (RxCall? call in connection.Calls)
            {
                if (call is { IsActive: true })
                {
                    window = call.Send.CongestionWindow;
                }
            }
        }
    }

    private static ushort Clamp16(long value) => (ushort)Math.Clamp(value, 0, ushort.MaxValue);
}
