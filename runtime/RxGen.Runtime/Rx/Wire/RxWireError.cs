namespace RxGen.Runtime.Rx.Wire;

/// <summary>Why a datagram or packet body could not be decoded. Decoders return it; they never throw on wire input.</summary>
public enum RxWireError
{
    /// <summary>Decoded.</summary>
    None = 0,

    /// <summary>Shorter than the 28-byte header.</summary>
    ShortHeader,

    /// <summary>Longer than <see cref="RxHeader.MaxDatagramSize"/>.</summary>
    Oversized,

    /// <summary>The type byte is not a known Rx packet type.</summary>
    UnknownType,

    /// <summary>An ACK body shorter than its 18 fixed bytes.</summary>
    ShortAck,

    /// <summary>An ACK whose nAcks runs past the end of the packet.</summary>
    AckCountPastEnd,

    /// <summary>An ABORT without its 4-byte code.</summary>
    ShortAbort,

    /// <summary>A jumbogram whose sub-packets are not the fixed 1412 bytes, or with an empty/truncated sub-packet.</summary>
    BadJumbogram,

    /// <summary>More sub-packets in a jumbogram than the caller allowed.</summary>
    TooManyJumboPackets,

    /// <summary>A DEBUG request shorter than its 8 bytes.</summary>
    ShortDebug,

    /// <summary>A packet whose header fields are inconsistent (e.g. DATA with sequence 0).</summary>
    BadHeader,
}
