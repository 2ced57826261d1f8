using System;
using System.Net;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>Where a call is in its life.</summary>
public enum RxCallState
{
    /// <summary>Data is flowing (either way).</summary>
    Active,

    /// <summary>The call finished successfully.</summary>
    Completed,

    /// <summary>The call ended with an error or abort (<see cref="RxCall.ErrorCode"/>).</summary>
    Failed,
}

/// <summary>
/// One Rx call on a channel of a connection, as the protocol core sees it. Operate on it through
/// <see cref="RxProtocolEngine"/>; this object exposes its state for the layer above.
/// </summary>
public sealed class RxCall
{
    internal RxCall(RxConnection connection, int channel, uint callNumber, RxProtocolOptions options, RxRttEstimator rtt, RxMemoryBudget budget, TimeSpan now)
    {
        Connection = connection;
        Rtt = rtt;
        Send = new RxSendQueue(PacketSize(connection, options), options.SendBufferPackets, options.InitialCongestionWindow, options.InitialPeerWindow);
        Receive = new RxReceiveQueue(options.ReceiveWindow, budget);
        Start(channel, callNumber, now);
    }

    // With a peer that takes jumbograms, packets carry exactly the jumbogram size so consecutive ones can share a datagram.
    private static int PacketSize(RxConnection connection, RxProtocolOptions options) =>
        (connection.Remote.JumboPackets > 1 ? RxJumbogram.PacketDataSize : options.PacketDataSize) - connection.Security.PacketOverhead;

    /// <summary>Makes a recycled call (see <see cref="RxProtocolEngine.ReleaseCall"/>) a new one, with its queues emptied and every field as a new call has it.</summary>
    internal void Reuse(RxConnection connection, int channel, uint callNumber, RxProtocolOptions options, RxRttEstimator rtt, TimeSpan now)
    {
        Connection = connection;
        Rtt = rtt;
        Send.Reset(PacketSize(connection, options), options.SendBufferPackets, options.InitialCongestionWindow, options.InitialPeerWindow);
        Receive.Reset(options.ReceiveWindow);
        State = RxCallState.Active;
        ErrorCode = 0;
        AbortedByPeer = false;
        UserState = null;
        DelayedAckAt = TimeSpan.MaxValue;
        PacketsSinceAck = 0;
        LastAdvertisedFirst = 1;
        PingSerial = 0;
        PingSentAt = TimeSpan.Zero;
        RequestSentAt = TimeSpan.MinValue;
        ReplyStarted = false;
        BusyCount = 0;
        BusyRetryAt = TimeSpan.MaxValue;
        ActiveIndex = -1;
        FinalAckIndex = -1;
        Retired = false;
        Detached = false;
        OwnerReleased = false;
        Start(channel, callNumber, now);
    }

    private void Start(int channel, uint callNumber, TimeSpan now)
    {
        Channel = channel;
        CallNumber = callNumber;
        StartedAt = now;
        LastReceiveAt = now;
        LastSendAt = now;
        LastProgressAt = now;
    }

    /// <summary>The connection the call runs on.</summary>
    public RxConnection Connection { get; private set; }

    /// <summary>The channel (0–3).</summary>
    public int Channel { get; private set; }

    /// <summary>The call number on the channel.</summary>
    public uint CallNumber { get; private set; }

    /// <summary>True when we serve this call (the peer called us).</summary>
    public bool IsServerCall => Connection.IsServer;

    /// <summary>The peer's address.</summary>
    public IPEndPoint Peer => Connection.Peer;

    /// <summary>The service id the call addresses.</summary>
    public ushort ServiceId => Connection.ServiceId;

    /// <summary>Where the call is in its life.</summary>
    public RxCallState State { get; internal set; }

    /// <summary>The error or abort code once <see cref="State"/> is <see cref="RxCallState.Failed"/>.</summary>
    public int ErrorCode { get; internal set; }

    /// <summary>True when the peer sent the abort (false for local errors such as timeouts).</summary>
    public bool AbortedByPeer { get; internal set; }

    /// <summary>Whether <see cref="RxProtocolEngine.Read"/> has data, or the end of the stream, to report.</summary>
    public bool IsReadable => Receive.Readable;

    /// <summary>The peer's data has been read to its end.</summary>
    public bool IsReceiveComplete => Receive.Complete;

    /// <summary>Whether <see cref="RxProtocolEngine.Write"/> can take bytes now.</summary>
    public bool IsWritable => Send.HasSpace;

    /// <summary>Free for the layer above (e.g. the socket loop's call object).</summary>
    public object? UserState { get; set; }

    internal RxSendQueue Send { get; }

    internal RxReceiveQueue Receive { get; }

    internal RxRttEstimator Rtt { get; private set; }

    internal TimeSpan StartedAt { get; private set; }

    internal TimeSpan LastReceiveAt { get; set; }

    internal TimeSpan LastSendAt { get; set; }

    internal TimeSpan LastProgressAt { get; set; }

    /// <summary>When a delayed ACK is due (<see cref="TimeSpan.MaxValue"/>: none).</summary>
    internal TimeSpan DelayedAckAt { get; set; } = TimeSpan.MaxValue;

    internal int PacketsSinceAck { get; set; }

    internal uint LastAdvertisedFirst { get; set; } = 1;

    internal uint PingSerial { get; set; }

    internal TimeSpan PingSentAt { get; set; }

    /// <summary>Client: the request's LAST packet was first sent at this time, never retransmitted (for request→reply RTT).</summary>
    internal TimeSpan RequestSentAt { get; set; } = TimeSpan.MinValue;

    internal bool ReplyStarted { get; set; }

    /// <summary>BUSY answers received since the call last made progress.</summary>
    internal int BusyCount { get; set; }

    /// <summary>When the request is sent again after a BUSY (<see cref="TimeSpan.MaxValue"/>: not waiting on a BUSY).</summary>
    internal TimeSpan BusyRetryAt { get; set; } = TimeSpan.MaxValue;

    /// <summary>The call's place in the engine's list of active calls (-1 once retired).</summary>
    internal int ActiveIndex { get; set; } = -1;

    internal bool IsActive => State == RxCallState.Active;

    /// <summary>The engine is done with the call's queues and timers (it ended).</summary>
    internal bool Retired { get; set; }

    /// <summary>The call no longer sits in its channel's slot (a newer call took it), so no packet can reach it.</summary>
    internal bool Detached { get; set; }

    /// <summary>The layer above promised never to touch the object again (<see cref="RxProtocolEngine.ReleaseCall"/>).</summary>
    internal bool OwnerReleased { get; set; }

    /// <summary>A completed client call whose final ACK waits for the next call on the channel: its place in the engine's list (-1: none pending).</summary>
    internal int FinalAckIndex { get; set; } = -1;

    /// <summary>When the pending final ACK goes out if no DATA of a newer call on the channel has carried it.</summary>
    internal TimeSpan FinalAckAt { get; set; } = TimeSpan.MaxValue;

    /// <summary>Whether the engine may hand this object out as a new call.</summary>
    internal bool Recyclable => Retired && Detached && OwnerReleased && ActiveIndex < 0 && FinalAckIndex < 0;

    /// <inheritdoc/>
    public override string ToString() => $"call {Connection.ConnectionId:x8}.{Channel}#{CallNumber} {(IsServerCall ? "from" : "to")} {Peer}";
}
