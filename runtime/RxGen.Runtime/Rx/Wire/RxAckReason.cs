namespace RxGen.Runtime.Rx.Wire;

/// <summary>Why an ACK was sent (ACK body byte 16; OpenAFS <c>rx.h</c> <c>RX_ACK_*</c>).</summary>
public enum RxAckReason : byte
{
    /// <summary>Not a reason OpenAFS sends; seen only from broken peers.</summary>
    None = 0,

    /// <summary>The peer set REQUEST_ACK on a DATA packet.</summary>
    Requested = 1,

    /// <summary>A duplicate packet arrived.</summary>
    Duplicate = 2,

    /// <summary>A packet arrived out of sequence (there is a gap).</summary>
    OutOfSequence = 3,

    /// <summary>A packet beyond the receive window was discarded.</summary>
    ExceedsWindow = 4,

    /// <summary>No buffer space.</summary>
    NoSpace = 5,

    /// <summary>A keepalive / reachability ping (sent with REQUEST_ACK).</summary>
    Ping = 6,

    /// <summary>The answer to a <see cref="Ping"/> (or any ACK carrying REQUEST_ACK).</summary>
    PingResponse = 7,

    /// <summary>A delayed ACK: nothing happened since the packet arrived (not used for RTT).</summary>
    Delay = 8,

    /// <summary>Like <see cref="Delay"/>, sent when the call goes idle (rx-spec calls it OTHER).</summary>
    Idle = 9,
}
