using System;
using System.Net;
using RxGen.Runtime.Rpc;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// One Rx connection (client or server side): epoch and cid, the peer, the service, the security class, four call
/// channels with their call numbers, and the per-connection serial counter.
/// </summary>
public sealed class RxConnection
{
    /// <summary>Calls per connection (OpenAFS <c>RX_MAXCALLS</c>).</summary>
    public const int ChannelCount = 4;

    internal RxConnection(bool isServer, uint epoch, uint connectionId, IPEndPoint peer, ushort serviceId, IRxSecurityClass securityClass, RxRemotePeer remote, TimeSpan now)
    {
        IsServer = isServer;
        Epoch = epoch;
        ConnectionId = connectionId;
        Peer = peer;
        ServiceId = serviceId;
        SecurityClass = securityClass;
        Security = securityClass.CreateContext(isServer, epoch, connectionId);
        Remote = remote;
        LastActivityAt = now;
    }

    /// <summary>True when the peer is the client and we serve its calls.</summary>
    public bool IsServer { get; }

    /// <summary>The epoch (chosen by the client side).</summary>
    public uint Epoch { get; }

    /// <summary>The cid with the channel bits clear.</summary>
    public uint ConnectionId { get; }

    /// <summary>The peer's address (for epoch-only connections: where its latest packet came from).</summary>
    public IPEndPoint Peer { get; internal set; }

    /// <summary>The service the connection's calls address (after any upgrade).</summary>
    public ushort ServiceId { get; internal set; }

    /// <summary>The security class.</summary>
    public IRxSecurityClass SecurityClass { get; }

    /// <summary>The security index in the headers.</summary>
    public RxSecurityIndex SecurityIndex => SecurityClass.Index;

    /// <summary>Who the security class authenticated (null for anonymous, and before authentication).</summary>
    public object? Identity => Security.Identity;

    /// <summary>Free for the layer above (the socket loop keeps the connection's <c>RxConnectionInfo</c> here, built once per connection).</summary>
    public object? UserState { get; set; }

    /// <summary>Client side: the connection's first DATA packet asks for a service upgrade.</summary>
    public bool RequestUpgrade { get; internal set; }

    /// <summary>
    /// Client side: the server rejected the upgrade probe's own packets with ABORT -5 while answering it on the old
    /// service id (the Linux AF_RXRPC server); the probe goes on and completes (see <see cref="UpgradeDeclined"/>).
    /// </summary>
    public bool UpgradeRejected { get; internal set; }

    /// <summary>
    /// Client side: the upgrade probe was answered on the requested service id (or rejected as in
    /// <see cref="UpgradeRejected"/>): no further call starts on this connection, because a Linux AF_RXRPC server has
    /// switched it to the new id and rejects the old one; later calls belong on a fresh connection without the
    /// upgrade request.
    /// </summary>
    public bool UpgradeDeclined { get; internal set; }

    /// <summary>Set when the connection was aborted as a whole (call number 0) or closed; later calls fail with it.</summary>
    public int ErrorCode { get; internal set; }

    /// <summary>Whether a call can start on a free channel now.</summary>
    public bool HasFreeChannel
    {
        get
        {
            if (UpgradeDeclined)
            {
                return false;
            }

            foreach (RxCall? call in Calls)
            {
                if (call is null || !call.IsActive)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>The active calls.</summary>
    public int ActiveCalls
    {
        get
        {
            int n = 0;
            foreach (RxCall? call in Calls)
            {
                if (call is { IsActive: true })
                {
                    n++;
                }
            }

            return n;
        }
    }

    internal IRxSecurityContext Security { get; }

    internal RxRemotePeer Remote { get; }

    internal RxRttEstimator Rtt => Remote.Rtt;

    /// <summary>The round-trip estimate shared by all connections to this peer.</summary>
    public RxRttEstimator RoundTrip => Rtt;

    internal uint NextSerial { get; set; } = 1;

    internal uint[] CallNumbers { get; } = new uint[ChannelCount];

    /// <summary>The latest call per channel (kept after it ends, to answer retransmissions).</summary>
    internal RxCall?[] Calls { get; } = new RxCall?[ChannelCount];

    /// <summary>How often the ended call on each channel has re-sent its abort (bounded).</summary>
    internal int[] AbortResends { get; } = new int[ChannelCount];

    /// <summary>When each channel last answered BUSY (client connections; <see cref="TimeSpan.MinValue"/>: never).</summary>
    internal TimeSpan[] LastBusyAt { get; } = [TimeSpan.MinValue, TimeSpan.MinValue, TimeSpan.MinValue, TimeSpan.MinValue];

    internal TimeSpan LastActivityAt { get; set; }

    internal bool FirstDataSent { get; set; }

    /// <summary>An ACK went out on this connection, so the peer has our ACK trailer (MTU, window, jumbograms).</summary>
    internal bool AckSent { get; set; }

    /// <summary>Client side: a reply came on another service id while probing and the connection switched to it.</summary>
    internal bool UpgradeAdopted { get; set; }

    internal uint TakeSerial() => NextSerial++;

    /// <inheritdoc/>
    public override string ToString() => $"{(IsServer ? "server" : "client")} connection {Epoch:x8}/{ConnectionId:x8} service {ServiceId} peer {Peer}";
}
