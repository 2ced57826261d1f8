using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>What the engine knows about one remote address, shared by all connections to it: the round-trip estimate and how many packets it accepts in one jumbogram.</summary>
internal sealed class RxRemotePeer(RxRttEstimator rtt)
{
    public RxRttEstimator Rtt { get; } = rtt;

    /// <summary>Packets per jumbogram the peer accepts (1 until its ACK trailer says otherwise, and fits its maxMTU).</summary>
    public int JumboPackets { get; private set; } = 1;

    /// <summary>For rxdebug GETPEER: DATA packets sent (first transmissions).</summary>
    public long PacketsSent { get; set; }

    /// <summary>For rxdebug GETPEER: DATA packets retransmitted.</summary>
    public long Resends { get; set; }

    /// <summary>For rxdebug GETPEER: bytes after the Rx header of the connection packets sent.</summary>
    public long BytesSent { get; set; }

    /// <summary>For rxdebug GETPEER: bytes after the Rx header of the connection packets received.</summary>
    public long BytesReceived { get; set; }

    /// <summary>The peer's latest ACK trailer (its maxMTU and jumbogram size; default before the first).</summary>
    public RxAckTrailer Trailer { get; private set; }

    public void Learn(in RxAckTrailer trailer, int cap)
    {
        Trailer = trailer;
        if (trailer.MaxDatagramPackets is not uint packets || trailer.MaxMtu is not uint mtu)
        {
            JumboPackets = 1; // an AFS 3.4 trailer (3 words) or none: no jumbograms
            return;
        }

        long fit = mtu < RxHeader.Size + RxJumbogram.PacketDataSize
            ? 1
            : ((mtu - RxHeader.Size - RxJumbogram.PacketDataSize) / (RxJumbogram.PacketDataSize + RxJumbogram.ShortHeaderSize)) + 1;
        JumboPackets = (int)System.Math.Clamp(System.Math.Min(packets, fit), 1, cap);
    }
}
