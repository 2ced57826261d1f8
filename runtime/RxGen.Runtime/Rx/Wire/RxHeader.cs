using System;
using System.Buffers.Binary;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>
/// The 28-byte big-endian Rx packet header (OpenAFS <c>rxi_EncodePacketHeader</c>): epoch, cid, callNumber, seq,
/// serial, type, flags, userStatus, securityIndex, then a 16-bit checksum/spare and the 16-bit serviceId.
/// </summary>
/// <param name="Epoch">Connection epoch chosen by the client; bit 31 set means "match by epoch and cid only".</param>
/// <param name="Cid">Connection id; the low 2 bits are the channel.</param>
/// <param name="CallNumber">Call number on the channel; 0 for connection-level packets.</param>
/// <param name="Seq">Sequence number of a DATA packet in its call (from 1); 0 for other packets.</param>
/// <param name="Serial">Per-connection serial number, +1 for every packet sent, retransmits included.</param>
/// <param name="Type">The packet type.</param>
/// <param name="Flags">The header flags.</param>
/// <param name="UserStatus">User status byte (1 on the first DATA of a new connection requests a service upgrade).</param>
/// <param name="SecurityIndex">Security class index (0 rxnull, 2 rxkad, 4 rxgk).</param>
/// <param name="Checksum">Header bytes 24–25: the security class's header checksum (rxkad), else 0.</param>
/// <param name="ServiceId">Header bytes 26–27: the Rx service id.</param>
public readonly record struct RxHeader(
    uint Epoch,
    uint Cid,
    uint CallNumber,
    uint Seq,
    uint Serial,
    RxPacketType Type,
    RxPacketFlags Flags,
    byte UserStatus,
    byte SecurityIndex,
    ushort Checksum,
    ushort ServiceId)
{
    /// <summary>The size of the header on the wire.</summary>
    public const int Size = 28;

    /// <summary>The largest datagram accepted or produced (OpenAFS <c>RX_MAX_PACKET_SIZE</c> × a jumbogram's worth, bounded at 64 KiB).</summary>
    public const int MaxDatagramSize = 65507;

    /// <summary>Mask of the channel bits in <see cref="Cid"/>.</summary>
    public const uint ChannelMask = 3;

    /// <summary>Epoch bit 31: the connection is identified by epoch and cid alone, not by the peer address.</summary>
    public const uint EpochOnlyFlag = 0x80000000;

    /// <summary>The channel (0–3): the low two bits of the cid.</summary>
    public int Channel => (int)(Cid & ChannelMask);

    /// <summary>The connection part of the cid (channel bits cleared).</summary>
    public uint ConnectionId => Cid & ~ChannelMask;

    /// <summary>Whether <see cref="RxPacketFlags.ClientInitiated"/> is set.</summary>
    public bool IsClientInitiated => (Flags & RxPacketFlags.ClientInitiated) != 0;

    /// <summary>Writes the header into the first 28 bytes of <paramref name="destination"/>.</summary>
    /// <exception cref="ArgumentException">The destination is shorter than 28 bytes.</exception>
    public void Write(Span<byte> destination)
    {
        if (destination.Length < Size)
        {
            throw new ArgumentException("An Rx header needs 28 bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt32BigEndian(destination, Epoch);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], Cid);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], CallNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Seq);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], Serial);
        destination[20] = (byte)Type;
        destination[21] = (byte)Flags;
        destination[22] = UserStatus;
        destination[23] = SecurityIndex;
        BinaryPrimitives.WriteUInt16BigEndian(destination[24..], Checksum);
        BinaryPrimitives.WriteUInt16BigEndian(destination[26..], ServiceId);
    }

    /// <summary>
    /// Reads a header from the start of <paramref name="source"/>. Fails (never throws) on a datagram shorter than 28
    /// bytes, longer than <see cref="MaxDatagramSize"/>, or of an unknown packet type.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out RxHeader header, out RxWireError error)
    {
        header = default;
        if (source.Length < Size)
        {
            error = RxWireError.ShortHeader;
            return false;
        }

        if (source.Length > MaxDatagramSize)
        {
            error = RxWireError.Oversized;
            return false;
        }

        byte type = source[20];
        if (type is 0 or > (byte)RxPacketType.Version)
        {
            error = RxWireError.UnknownType;
            return false;
        }

        header = new RxHeader(
            BinaryPrimitives.ReadUInt32BigEndian(source),
            BinaryPrimitives.ReadUInt32BigEndian(source[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]),
            (RxPacketType)type,
            (RxPacketFlags)source[21],
            source[22],
            source[23],
            BinaryPrimitives.ReadUInt16BigEndian(source[24..]),
            BinaryPrimitives.ReadUInt16BigEndian(source[26..]));
        error = RxWireError.None;
        return true;
    }
}
