using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// A hand-written UDP Rx server on loopback that does what the Linux AF_RXRPC server does with an upgrade pair
/// (/work/shared/docs/service-upgrade-on-the-wire.md §3): single-packet requests are answered with a 4-byte reply
/// carrying the request's service id; a connection whose first DATA asked for the upgrade of <c>from</c> is switched
/// to <c>to</c>, its probe is still answered on <c>from</c>, and every later packet on it carrying <c>from</c> gets
/// ABORT -5 (flags 0, serial 0, seq 0).
/// </summary>
internal sealed class LinuxUpgradeUdpServer : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly ushort _from;
    private readonly ushort _to;
    private readonly ConcurrentDictionary<(uint Epoch, uint Cid), ushort> _connections = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _rejected;
    private int _upgradeRequests;

    public LinuxUpgradeUdpServer(ushort from, ushort to)
    {
        _from = from;
        _to = to;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    public int Rejected => Volatile.Read(ref _rejected);

    public int UpgradeRequests => Volatile.Read(ref _upgradeRequests);

    public int Connections => _connections.Count;

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[2048];
        var reply = new byte[RxHeader.Size + 4];
        uint serial = 1;
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult r = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), _stop.Token);
            if (!RxHeader.TryRead(buffer.AsSpan(0, r.ReceivedBytes), out RxHeader h, out _) || !h.IsClientInitiated)
            {
                continue;
            }

            var key = (h.Epoch, h.ConnectionId);
            if (_connections.TryGetValue(key, out ushort service))
            {
                if (h.ServiceId != service)
                {
                    Interlocked.Increment(ref _rejected);
                    (h with { Seq = 0, Serial = 0, Type = RxPacketType.Abort, Flags = 0, UserStatus = 0 }).Write(reply);
                    RxAbort.WriteCode(reply.AsSpan(RxHeader.Size), RxGenErrorCodes.ProtocolError);
                    await _socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint);
                    continue;
                }
            }
            else if (h.Type == RxPacketType.Data && h.Seq == 1)
            {
                bool upgrade = h.UserStatus == 1 && h.ServiceId == _from;
                if (upgrade)
                {
                    Interlocked.Increment(ref _upgradeRequests);
                }

                _connections[key] = upgrade ? _to : h.ServiceId;
            }
            else
            {
                continue;
            }

            if (h.Type == RxPacketType.Data && h.Seq == 1)
            {
                // The reply carries the packet's service id (the probe's old one, too); its body is that id.
                new RxHeader(h.Epoch, h.Cid, h.CallNumber, 1, serial++, RxPacketType.Data, RxPacketFlags.LastPacket, 0, h.SecurityIndex, 0, h.ServiceId).Write(reply);
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(RxHeader.Size), h.ServiceId);
                await _socket.SendToAsync(reply, SocketFlags.None, r.RemoteEndPoint);
            }
        }
    }
}
