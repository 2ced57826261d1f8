using System;
using System.Buffers.Binary;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>One DATA packet to place in a jumbogram.</summary>
/// <param name="Flags">The packet's flags (JUMBO_PACKET is set or cleared by the writer).</param>
/// <param name="Checksum">The packet's security checksum (header bytes 24–25, or the short header's cksum).</param>
/// <param name="Data">The packet's data: exactly <see cref="RxJumbogram.PacketDataSize"/> bytes unless it is the last.</param>
public readonly record struct RxJumboPart(RxPacketFlags Flags, ushort Checksum, ReadOnlyMemory<byte> Data);

/// <summary>
/// AFS 3.5 jumbograms: several DATA packets in one datagram. Every packet but the last carries exactly 1412 data bytes
/// and has JUMBO_PACKET set; packets 2..n are preceded by a 4-byte short header <c>{flags, spare, cksum}</c>; seq and
/// serial are consecutive and userStatus of sub-packets is 0 (OpenAFS <c>rxi_SplitJumboPacket</c>).
/// </summary>
public static class RxJumbogram
{
    /// <summary>The data bytes in every jumbogram packet except the last (<c>RX_JUMBOBUFFERSIZE</c>).</summary>
    public const int PacketDataSize = 1412;

    /// <summary>The short header before packets 2..n (<c>RX_JUMBOHEADERSIZE</c>).</summary>
    public const int ShortHeaderSize = 4;

    /// <summary>The most packets a jumbogram may hold in any datagram we accept.</summary>
    public const int MaxPackets = (RxHeader.MaxDatagramSize - RxHeader.Size) / (PacketDataSize + ShortHeaderSize) + 1;

    /// <summary>The datagram size of a jumbogram of <paramref name="packets"/> packets whose last packet has <paramref name="lastDataSize"/> bytes.</summary>
    public static int DatagramSize(int packets, int lastDataSize) =>
        RxHeader.Size + ((packets - 1) * (PacketDataSize + ShortHeaderSize)) + lastDataSize;

    /// <summary>Starts reading the DATA packets of <paramref name="datagram"/> (a plain DATA packet yields one packet).</summary>
    public static Reader Read(ReadOnlySpan<byte> datagram, in RxHeader header, int maxPackets = MaxPackets) => new(datagram, header, maxPackets);

    /// <summary>
    /// Writes a jumbogram (or, with one part, a plain DATA packet): <paramref name="first"/> supplies the header fields
    /// shared by all packets and the first packet's seq, serial and userStatus. Returns the bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">No parts, a non-last part not of 1412 bytes, or the destination is too small.</exception>
    public static int Write(Span<byte> destination, in RxHeader first, ReadOnlySpan<RxJumboPart> parts)
    {
        if (parts.Length == 0 || parts.Length > MaxPackets)
        {
            throw new ArgumentException("A jumbogram holds 1 to MaxPackets packets.", nameof(parts));
        }

        int size = DatagramSize(parts.Length, parts[^1].Data.Length);
        if (destination.Length < size)
        {
            throw new ArgumentException($"The jumbogram needs {size} bytes.", nameof(destination));
        }

        (first with { Type = RxPacketType.Data, Flags = PartFlags(parts, 0), Checksum = parts[0].Checksum }).Write(destination);
        int at = RxHeader.Size;
        for (int i = 0; i < parts.Length; i++)
        {
            if (i > 0)
            {
                destination[at] = (byte)PartFlags(parts, i);
                destination[at + 1] = 0;
                BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], parts[i].Checksum);
                at += ShortHeaderSize;
            }

            ReadOnlySpan<byte> data = parts[i].Data.Span;
            if (i < parts.Length - 1 && data.Length != PacketDataSize)
            {
                throw new ArgumentException("Every jumbogram packet but the last carries exactly 1412 bytes.", nameof(parts));
            }

            data.CopyTo(destination[at..]);
            at += data.Length;
        }

        return at;
    }

    private static RxPacketFlags PartFlags(ReadOnlySpan<RxJumboPart> parts, int i) =>
        i < parts.Length - 1 ? parts[i].Flags | RxPacketFlags.JumboPacket : parts[i].Flags & ~RxPacketFlags.JumboPacket;

    /// <summary>Reads the DATA packets of a datagram one by one, validating as it goes; never throws on wire input.</summary>
    public ref struct Reader
    {
        private readonly ReadOnlySpan<byte> _datagram;
        private readonly int _maxPackets;
        private RxHeader _next;
        private int _offset;
        private int _count;
        private bool _done;

        internal Reader(ReadOnlySpan<byte> datagram, in RxHeader header, int maxPackets)
        {
            _datagram = datagram;
            _maxPackets = Math.Clamp(maxPackets, 1, MaxPackets);
            _next = header;
            _offset = RxHeader.Size;
            _count = 0;
            _done = header.Type != RxPacketType.Data || datagram.Length < RxHeader.Size;
            Error = header.Type != RxPacketType.Data ? RxWireError.BadHeader : RxWireError.None;
        }

        /// <summary>Why reading stopped early (<see cref="RxWireError.None"/> after a clean end).</summary>
        public RxWireError Error { get; private set; }

        /// <summary>
        /// Gets the next packet's header and data, or returns <see langword="false"/> at the end or on a malformed
        /// jumbogram (then <see cref="Error"/> says why; packets already returned were well-formed).
        /// </summary>
        public bool TryReadNext(out RxHeader header, out ReadOnlySpan<byte> data)
        {
            header = default;
            data = default;
            if (_done)
            {
                return false;
            }

            if (++_count > _maxPackets)
            {
                return Fail(RxWireError.TooManyJumboPackets);
            }

            ReadOnlySpan<byte> rest = _datagram[_offset..];
            if ((_next.Flags & RxPacketFlags.JumboPacket) == 0)
            {
                header = _next;
                data = rest;
                _done = true;
                return true;
            }

            if (rest.Length < PacketDataSize + ShortHeaderSize)
            {
                return Fail(RxWireError.BadJumbogram);
            }

            header = _next;
            data = rest[..PacketDataSize];
            ReadOnlySpan<byte> shortHeader = rest.Slice(PacketDataSize, ShortHeaderSize);
            _next = _next with
            {
                Seq = _next.Seq + 1,
                Serial = _next.Serial + 1,
                Flags = (RxPacketFlags)shortHeader[0],
                UserStatus = 0,
                Checksum = BinaryPrimitives.ReadUInt16BigEndian(shortHeader[2..]),
            };
            _offset += PacketDataSize + ShortHeaderSize;
            return true;
        }

        private bool Fail(RxWireError error)
        {
            Error = error;
            _done = true;
            return false;
        }
    }
}
