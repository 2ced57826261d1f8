using System;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx.Simulation;

/// <summary>
/// The Linux AF_RXRPC server's service upgrade (6.1 and 6.12; /work/shared/docs/service-upgrade-on-the-wire.md §3),
/// scripted in front of a server engine that has no upgrade pair: a first DATA (seq 1) of a new connection with
/// userStatus 1 and service <c>from</c> switches the <i>connection</i> to <c>to</c>, but the call is served (and
/// answered) on <c>from</c>; every later packet on that connection carrying another service id than <c>to</c> is
/// rejected with ABORT -5 (flags 0, serial 0, seq 0; epoch, cid, call number and service id copied) and dropped.
/// Optionally the server PINGs the probe at once and its application answers only after <c>replyDelay</c>, so the
/// rejection of the client's ping response reaches the client before the reply.
/// </summary>
internal sealed class SimLinuxUpgradeServer
{
    private readonly SimNode _server;
    private readonly ushort _from;
    private readonly ushort _to;
    private readonly TimeSpan _replyDelay;
    private readonly bool _ping;
    private readonly Dictionary<(uint Epoch, uint Cid), ushort> _connectionService = new();
    private readonly HashSet<byte[]> _released = new(ReferenceEqualityComparer.Instance);
    private uint _serial = 1000;

    public SimLinuxUpgradeServer(SimNode server, ushort from, ushort to, TimeSpan replyDelay = default, bool ping = false)
    {
        _server = server;
        _from = from;
        _to = to;
        _replyDelay = replyDelay;
        _ping = ping;
        server.Intercept = Intercept;
    }

    /// <summary>Packets rejected with ABORT -5.</summary>
    public int Rejected { get; private set; }

    /// <summary>The cids (channel bits clear) of connections with a rejected packet.</summary>
    public HashSet<uint> RejectedConnections { get; } = new();

    /// <summary>Connections switched to the new service.</summary>
    public int Upgraded { get; private set; }

    private bool Intercept(IPEndPoint from, byte[] datagram)
    {
        if (_released.Remove(datagram))
        {
            return true; // the delayed probe DATA: the application answers it now
        }

        if (!RxHeader.TryRead(datagram, out RxHeader header, out _) || !header.IsClientInitiated
            || header.Type is RxPacketType.Version or RxPacketType.Debug)
        {
            return true;
        }

        var key = (header.Epoch, header.ConnectionId);
        if (_connectionService.TryGetValue(key, out ushort service))
        {
            if (header.ServiceId == service)
            {
                return true;
            }

            Rejected++;
            RejectedConnections.Add(header.ConnectionId);
            var abort = new byte[RxHeader.Size + RxAbort.PayloadSize];
            (header with { Seq = 0, Serial = 0, Type = RxPacketType.Abort, Flags = 0, UserStatus = 0 }).Write(abort);
            RxAbort.WriteCode(abort.AsSpan(RxHeader.Size), RxGenErrorCodes.ProtocolError);
            _server.Network.SendRaw(_server.EndPoint, from, abort);
            return false;
        }

        if (header.Type == RxPacketType.Data && header.Seq == 1 && header.UserStatus == 1 && header.ServiceId == _from)
        {
            _connectionService[key] = _to;
            Upgraded++;
            if (_ping)
            {
                var ping = new byte[RxHeader.Size + RxAckBody.FixedSize + 1];
                new RxHeader(header.Epoch, header.Cid, header.CallNumber, 0, _serial++, RxPacketType.Ack, RxPacketFlags.RequestAck, 0, header.SecurityIndex, 0, header.ServiceId)
                    .Write(ping);
                new RxAckBody(0, 0, 1, 1, header.Serial, RxAckReason.Ping, [RxAckBody.SoftAck], default).Write(ping.AsSpan(RxHeader.Size));
                _server.Network.SendRaw(_server.EndPoint, from, ping);
            }

            if (_replyDelay > TimeSpan.Zero)
            {
                _released.Add(datagram);
                _server.Network.Inject(from, _server.EndPoint, datagram, _replyDelay);
                return false;
            }

            return true;
        }

        _connectionService.TryAdd(key, header.ServiceId);
        return true;
    }
}
