using System;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>The Rx header flags (header byte 21).</summary>
[Flags]
public enum RxPacketFlags : byte
{
    /// <summary>No flag.</summary>
    None = 0,

    /// <summary>Sent by the client side of the connection.</summary>
    ClientInitiated = 0x01,

    /// <summary>The sender asks for an ACK.</summary>
    RequestAck = 0x02,

    /// <summary>The last DATA packet of this side of the call.</summary>
    LastPacket = 0x04,

    /// <summary>More packets follow (the next sequence number seen should be greater).</summary>
    MorePackets = 0x08,

    /// <summary>Reserved.</summary>
    Reserved10 = 0x10,

    /// <summary>In DATA: another packet follows in this datagram (a jumbogram). Same bit as <see cref="SlowStartOk"/>.</summary>
    JumboPacket = 0x20,

    /// <summary>In ACK: the receiver supports slow start (OpenAFS sets it on every ACK). Same bit as <see cref="JumboPacket"/>.</summary>
    SlowStartOk = 0x20,
}
