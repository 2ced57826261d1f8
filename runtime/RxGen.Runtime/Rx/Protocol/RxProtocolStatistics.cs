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
}
