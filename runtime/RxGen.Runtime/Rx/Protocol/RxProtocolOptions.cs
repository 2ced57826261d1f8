using System;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// Tunables of the Rx protocol core. Defaults follow OpenAFS 1.8 where interoperability depends on them (packet size,
/// dead time, ping interval) and are tighter where OpenAFS is slow to recover (initial and minimum retransmit timeout).
/// </summary>
public sealed record RxProtocolOptions
{
    /// <summary>The data bytes in one non-jumbo DATA packet we send (OpenAFS: 1444-byte packets, 1416 data bytes).</summary>
    public int PacketDataSize { get; init; } = 1416;

    /// <summary>The largest DATA payload accepted in one received packet (OpenAFS <c>RX_MAX_PACKET_SIZE</c> less the header).</summary>
    public int MaxReceivePacketDataSize { get; init; } = 16384 - 28;

    /// <summary>Our receive window in packets, advertised in every ACK trailer (1–255).</summary>
    public int ReceiveWindow { get; init; } = 64;

    /// <summary>The peer's receive window assumed until its first ACK trailer (OpenAFS's initial window).</summary>
    public int InitialPeerWindow { get; init; } = 16;

    /// <summary>The congestion window a call starts with, in packets.</summary>
    public int InitialCongestionWindow { get; init; } = 8;

    /// <summary>Full packets a call may queue for sending beyond the window (back-pressure for writers).</summary>
    public int SendBufferPackets { get; init; } = 96;

    /// <summary>The largest packet count we accept in one received jumbogram.</summary>
    public int MaxReceiveJumboPackets { get; init; } = 8;

    /// <summary>The most packets we put in one jumbogram (also bounded by what the peer advertises and its maxMTU; 1 = never send jumbograms).</summary>
    public int MaxSendJumboPackets { get; init; } = 4;

    /// <summary>The maxDgramPackets we advertise (1 = please send no jumbograms; OpenAFS advertises 4).</summary>
    public int AdvertisedMaxDatagramPackets { get; init; } = 4;

    /// <summary>The maxMTU we advertise: the largest datagram we accept (OpenAFS on loopback: 5692, room for a 4-packet jumbogram).</summary>
    public int AdvertisedMaxMtu { get; init; } = 5692;

    /// <summary>The ifMTU we advertise (the packet size we recommend).</summary>
    public int AdvertisedInterfaceMtu { get; init; } = 1444;

    /// <summary>The retransmit timeout before any round-trip sample.</summary>
    public TimeSpan InitialRetransmitTimeout { get; init; } = TimeSpan.FromMilliseconds(1000);

    /// <summary>The smallest retransmit timeout.</summary>
    public TimeSpan MinRetransmitTimeout { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>The largest retransmit timeout, back-off included.</summary>
    public TimeSpan MaxRetransmitTimeout { get; init; } = TimeSpan.FromSeconds(4);

    /// <summary>How long an ACK may be delayed waiting for more data or a reply to carry it.</summary>
    public TimeSpan AckDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>
    /// Client calls: how long the final ACK of a reply waits for the next call on the same channel, whose first DATA
    /// packet acknowledges the reply implicitly (as the protocol allows): sequential calls then cost one datagram
    /// each way instead of three. Keep it well below the server's retransmission timeout (ours is at least
    /// <see cref="MinRetransmitTimeout"/>; OpenAFS's are longer), or the server re-sends the reply first.
    /// <see cref="TimeSpan.Zero"/> sends every final ACK at once, as OpenAFS's client does.
    /// </summary>
    public TimeSpan FinalAckDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>In-order packets received before an ACK is sent at once (1 = ack every packet).</summary>
    public int AckEveryPackets { get; init; } = 2;

    /// <summary>No packet from the peer for this long fails the call with RX_CALL_DEAD (-1) (OpenAFS default 12 s).</summary>
    public TimeSpan DeadTime { get; init; } = TimeSpan.FromSeconds(12);

    /// <summary>A client waiting this long for its reply with no reply data arriving fails with RX_CALL_TIMEOUT (-3); zero disables.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>A call's total lifetime before it fails with RX_CALL_TIMEOUT (-3); zero disables.</summary>
    public TimeSpan HardDeadTime { get; init; } = TimeSpan.Zero;

    /// <summary>Server connections idle (no call, no packet) this long are forgotten.</summary>
    public TimeSpan ConnectionIdleTime { get; init; } = TimeSpan.FromSeconds(700);

    /// <summary>Received bytes held for applications, all calls together; beyond it DATA is dropped with an ACK NOSPACE.</summary>
    public long MaxBufferedReceiveBytes { get; init; } = 64L << 20;

    /// <summary>Server connections kept at once; a new peer beyond this is refused (dropped).</summary>
    public int MaxServerConnections { get; init; } = 10_000;

    /// <summary>
    /// Whether the first DATA packet of a new connection to a service this peer does not serve is answered with
    /// ABORT RX_INVALID_OPERATION (-2), as OpenAFS 1.8 and Linux AF_RXRPC answer it. False drops it silently, as a
    /// server that ignores unknown service ids does: its clients wait until their own deadline (the case service upgrade
    /// probes exist for).
    /// </summary>
    public bool AbortUnknownServices { get; init; } = true;

    /// <summary>
    /// Server calls in progress per service (running, waiting for a slot, or finishing their reply) beyond which a new
    /// call is refused (see <see cref="BusyAbortCode"/>) before any of its packets is accepted, so the client still holds
    /// its whole request and may send it again; 0 = no limit. <c>RxPeer</c> sets it from its concurrency bound and queue.
    /// </summary>
    public int MaxServerCallsPerService { get; init; }

    /// <summary>
    /// How a refused call is answered: 0 (the default) sends a BUSY packet for the call, which our client answers by
    /// sending the request again after <see cref="BusyRetryDelay"/> (doubling) and an OpenAFS client by its
    /// retransmission timer; non-zero sends an ABORT with this code, as an OpenAFS server with
    /// <c>rx_SetBusyThreshold(n, code)</c> does (the fileserver's <c>-busyat</c> uses VBUSY, 110).
    /// </summary>
    public int BusyAbortCode { get; init; }

    /// <summary>
    /// After a BUSY for a call whose reply has not started, the request is sent again (same channel and call number,
    /// so the server can never run it twice) after this delay, doubled for each further BUSY up to
    /// <see cref="MaxRetransmitTimeout"/>, instead of waiting for the retransmission timeout.
    /// </summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromMilliseconds(5);

    /// <summary>A channel that answered BUSY is passed over by new calls for this long while another channel is free.</summary>
    public TimeSpan BusyChannelAvoidance { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The string answered to <c>rxdebug -version</c>.</summary>
    public string VersionString { get; init; } = "RxGen managed Rx 0.1";

    /// <summary>The keepalive interval: a call with nothing sent for this long sends a PING (dead time / 6, as OpenAFS).</summary>
    public TimeSpan KeepaliveInterval => DeadTime / 6;

    /// <summary>Checks the values and returns the options.</summary>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A value is outside its range.</exception>
    public RxProtocolOptions Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PacketDataSize, 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PacketDataSize, 16384 - 28);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReceiveWindow, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(ReceiveWindow, 255);
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialPeerWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialCongestionWindow, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(SendBufferPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AckEveryPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReceiveJumboPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxSendJumboPackets, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(DeadTime, TimeSpan.FromMilliseconds(60));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MinRetransmitTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRetransmitTimeout, MinRetransmitTimeout);
        ArgumentOutOfRangeException.ThrowIfNegative(FinalAckDelay.Ticks, nameof(FinalAckDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxServerConnections, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBufferedReceiveBytes, 65536L);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxServerCallsPerService);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(BusyRetryDelay, TimeSpan.Zero);
        return this;
    }
}
