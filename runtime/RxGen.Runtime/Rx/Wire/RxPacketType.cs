namespace RxGen.Runtime.Rx.Wire;

/// <summary>The Rx packet types (header byte 20), as OpenAFS <c>rx_packet.h</c> numbers them.</summary>
public enum RxPacketType : byte
{
    /// <summary>A data packet carrying part of a call's request or reply.</summary>
    Data = 1,

    /// <summary>An acknowledgement with the receiver's window state.</summary>
    Ack = 2,

    /// <summary>The channel is still busy with a previous call; try later.</summary>
    Busy = 3,

    /// <summary>Aborts a call (or, with call number 0, a connection); payload is one big-endian int32 code.</summary>
    Abort = 4,

    /// <summary>Acknowledges every packet of the call.</summary>
    AckAll = 5,

    /// <summary>A security challenge from the server (connection level).</summary>
    Challenge = 6,

    /// <summary>The client's response to a challenge (connection level).</summary>
    Response = 7,

    /// <summary>An <c>rxdebug</c> request or reply.</summary>
    Debug = 8,

    /// <summary>Size parameters (unused by OpenAFS; ignored).</summary>
    Params = 9,

    /// <summary>Second unused parameters type.</summary>
    Params2 = 10,

    /// <summary>Third unused parameters type.</summary>
    Params3 = 11,

    /// <summary>Fourth unused parameters type.</summary>
    Params4 = 12,

    /// <summary>Asks a server for its version string (<c>rxdebug -version</c>).</summary>
    Version = 13,
}
