using System;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>Counters of one <see cref="RxProtocolEngine"/> (for rxdebug, logs and tests). Not thread-safe: read under the engine's lock.</summary>
public sealed class RxProtocolStatistics
{
    /// <summary>Datagrams received.</summary>
    public long DatagramsReceived { get; internal set; }

    /// <summary>Datagrams dropped as malformed, unexpected or stale.</summary>
    public long DatagramsDropped { get; internal set; }

    /// <summary>Datagrams sent.</summary>
    public long DatagramsSent { get; internal set; }

    /// <summary>DATA packets sent (first transmissions).</summary>
    public long DataPacketsSent { get; internal set; }

    /// <summary>Jumbograms sent (datagrams carrying several DATA packets).</summary>
    public long JumbogramsSent { get; internal set; }

    /// <summary>DATA packets retransmitted.</summary>
    public long Retransmissions { get; internal set; }

    /// <summary>Retransmit timeouts.</summary>
    public long Timeouts { get; internal set; }

    /// <summary>Retransmission timeouts found spurious (an ACK prompted by a packet sent before the timeout acknowledged new data) and undone.</summary>
    public long SpuriousTimeouts { get; internal set; }

    /// <summary>ACK packets sent.</summary>
    public long AcksSent { get; internal set; }

    /// <summary>Calls we served.</summary>
    public long ServerCalls { get; internal set; }

    /// <summary>ABORT -5 rejections of an upgrade probe's own packets, tolerated (a Linux AF_RXRPC server).</summary>
    public long UpgradeRejections { get; internal set; }

    /// <summary>Calls we made.</summary>
    public long ClientCalls { get; internal set; }

    /// <summary>BUSY packets sent.</summary>
    public long BusySent { get; internal set; }

    /// <summary>ABORT packets sent.</summary>
    public long AbortsSent { get; internal set; }

    private readonly long[] _received = new long[RxDebugRxStats.PacketTypeCount];
    private readonly long[] _sent = new long[RxDebugRxStats.PacketTypeCount];

    /// <summary>Unique DATA packets received (in order or out of order, not duplicates).</summary>
    public long DataPacketsReceived { get; internal set; }

    /// <summary>Duplicate DATA packets received.</summary>
    public long DuplicateDataPacketsReceived { get; internal set; }

    /// <summary>ACK packets received and parsed.</summary>
    public long AcksReceived { get; internal set; }

    /// <summary>PING ACKs sent (keepalives).</summary>
    public long PingsSent { get; internal set; }

    /// <summary>BUSY packets received (a channel of ours was still busy on the server, or the service was full).</summary>
    public long BusyReceived { get; internal set; }

    /// <summary>Requests sent again early because of a BUSY (rather than after the retransmission timeout).</summary>
    public long BusyRetries { get; internal set; }

    /// <summary>New server calls refused (BUSY or <see cref="RxProtocolOptions.BusyAbortCode"/>) because their service had <see cref="RxProtocolOptions.MaxServerCallsPerService"/> calls in progress.</summary>
    public long ServerCallsRefused { get; internal set; }

    /// <summary>Round-trip samples taken.</summary>
    public long RttSamples { get; internal set; }

    /// <summary>The sum of the round-trip samples.</summary>
    public TimeSpan RttTotal { get; internal set; }

    /// <summary>The smallest round-trip sample (zero before the first).</summary>
    public TimeSpan RttMin { get; internal set; }

    /// <summary>The largest round-trip sample.</summary>
    public TimeSpan RttMax { get; internal set; }

    /// <summary>Packets received of one type (with a valid header; a jumbogram counts once).</summary>
    /// <param name="type">The type.</param>
    /// <returns>The count (0 for a type outside 1..13).</returns>
    public long GetPacketsReceived(RxPacketType type) => (int)type is >= 1 and <= RxDebugRxStats.PacketTypeCount ? _received[(int)type - 1] : 0;

    /// <summary>Packets sent of one type (DATA: every packet, first transmissions and retransmissions, also inside jumbograms).</summary>
    /// <param name="type">The type.</param>
    /// <returns>The count (0 for a type outside 1..13).</returns>
    public long GetPacketsSent(RxPacketType type) => (int)type is >= 1 and <= RxDebugRxStats.PacketTypeCount ? _sent[(int)type - 1] : 0;

    internal void CountReceived(RxPacketType type)
    {
        if ((int)type is >= 1 and <= RxDebugRxStats.PacketTypeCount)
        {
            _received[(int)type - 1]++;
        }
    }

    internal void CountSent(RxPacketType type)
    {
        if ((int)type is >= 1 and <= RxDebugRxStats.PacketTypeCount)
        {
            _sent[(int)type - 1]++;
        }
    }

    internal void AddRttSample(TimeSpan rtt)
    {
        if (rtt < TimeSpan.Zero)
        {
            return;
        }

        RttMin = RttSamples == 0 || rtt < RttMin ? rtt : RttMin;
        RttMax = rtt > RttMax ? rtt : RttMax;
        RttTotal += rtt;
        RttSamples++;
    }
}
