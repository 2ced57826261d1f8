using System;
using System.Buffers.Binary;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>
/// The optional ACK trailer that follows the acks array after 3 zero bytes (so it is usually unaligned): each word is
/// optional and <see langword="null"/> when an older peer left it out.
/// </summary>
/// <param name="MaxMtu">The largest packet the sender accepts.</param>
/// <param name="InterfaceMtu">The sender's recommended packet size (OpenAFS stores it as natMTU).</param>
/// <param name="ReceiveWindow">The sender's receive window in packets (AFS 3.4).</param>
/// <param name="MaxDatagramPackets">How many packets the sender accepts in one jumbogram (AFS 3.5).</param>
public readonly record struct RxAckTrailer(uint? MaxMtu, uint? InterfaceMtu, uint? ReceiveWindow, uint? MaxDatagramPackets)
{
    /// <summary>The bytes of zero padding between the acks array and the trailer words.</summary>
    public const int PaddingSize = 3;

    /// <summary>Size of the full trailer (padding and four words).</summary>
    public const int FullSize = PaddingSize + 16;

    /// <summary>Number of trailer words present (0–4; a word is written only if all before it are present).</summary>
    public int WordCount => MaxMtu is null ? 0 : InterfaceMtu is null ? 1 : ReceiveWindow is null ? 2 : MaxDatagramPackets is null ? 3 : 4;
}

/// <summary>
/// A decoded ACK body (<c>struct rx_ackPacket</c>): bufferSpace, maxSkew, firstPacket, previousPacket, serial, reason,
/// nAcks and the acks array (0 = NACK, 1 = soft ACK, for seq <c>FirstPacket + i</c>), then the optional trailer.
/// It views the datagram; copy <see cref="Acks"/> to keep it.
/// </summary>
public readonly ref struct RxAckBody
{
    /// <summary>Size of the fixed part before the acks array.</summary>
    public const int FixedSize = 18;

    /// <summary>The largest number of acks an ACK carries (OpenAFS <c>RX_MAXACKS</c>).</summary>
    public const int MaxAcks = 255;

    /// <summary>Ack array value for a packet the receiver does not have.</summary>
    public const byte Nack = 0;

    /// <summary>Ack array value for a packet the receiver has (soft: it may still discard it).</summary>
    public const byte SoftAck = 1;

    /// <summary>Creates an ACK body view.</summary>
    public RxAckBody(ushort bufferSpace, ushort maxSkew, uint firstPacket, uint previousPacket, uint serial, RxAckReason reason, ReadOnlySpan<byte> acks, RxAckTrailer trailer)
    {
        BufferSpace = bufferSpace;
        MaxSkew = maxSkew;
        FirstPacket = firstPacket;
        PreviousPacket = previousPacket;
        Serial = serial;
        Reason = reason;
        Acks = acks;
        Trailer = trailer;
    }

    /// <summary>Buffer space (OpenAFS sends 0).</summary>
    public ushort BufferSpace { get; }

    /// <summary>Max skew (OpenAFS sends 0).</summary>
    public ushort MaxSkew { get; }

    /// <summary>The lowest sequence number not yet consumed; every packet below it is hard-acknowledged.</summary>
    public uint FirstPacket { get; }

    /// <summary>Obsolete: the previous packet.</summary>
    public uint PreviousPacket { get; }

    /// <summary>The serial number of the packet that prompted this ACK (0 if none).</summary>
    public uint Serial { get; }

    /// <summary>Why the ACK was sent.</summary>
    public RxAckReason Reason { get; }

    /// <summary>The acks array; its length is nAcks.</summary>
    public ReadOnlySpan<byte> Acks { get; }

    /// <summary>The optional trailer.</summary>
    public RxAckTrailer Trailer { get; }

    /// <summary>The encoded size of this body.</summary>
    public int EncodedSize => FixedSize + Acks.Length + (Trailer.WordCount == 0 ? 0 : RxAckTrailer.PaddingSize + (4 * Trailer.WordCount));

    /// <summary>Whether <paramref name="seq"/> is acknowledged (hard, below <see cref="FirstPacket"/>, or soft in the array).</summary>
    public bool IsAcked(uint seq)
    {
        if (seq < FirstPacket)
        {
            return true;
        }

        ulong index = (ulong)seq - FirstPacket;
        return index < (ulong)Acks.Length && Acks[(int)index] == SoftAck;
    }

    /// <summary>
    /// Decodes an ACK body (the packet payload after the header). nAcks must fit in the payload; a trailer word is
    /// read only when all its 4 bytes are present. Never throws and never allocates.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RxAckBody body, out RxWireError error)
    {
        body = default;
        if (payload.Length < FixedSize)
        {
            error = RxWireError.ShortAck;
            return false;
        }

        int nAcks = payload[17];
        if (FixedSize + nAcks > payload.Length)
        {
            error = RxWireError.AckCountPastEnd;
            return false;
        }

        ReadOnlySpan<byte> rest = payload[(FixedSize + nAcks)..];
        uint? w0 = TrailerWord(rest, 0), w1 = null, w2 = null, w3 = null;
        if (w0 is not null)
        {
            w1 = TrailerWord(rest, 1);
            if (w1 is not null)
            {
                w2 = TrailerWord(rest, 2);
                if (w2 is not null)
                {
                    w3 = TrailerWord(rest, 3);
                }
            }
        }

        body = new RxAckBody(
            BinaryPrimitives.ReadUInt16BigEndian(payload),
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[4..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[8..]),
            BinaryPrimitives.ReadUInt32BigEndian(payload[12..]),
            (RxAckReason)payload[16],
            payload.Slice(FixedSize, nAcks),
            new RxAckTrailer(w0, w1, w2, w3));
        error = RxWireError.None;
        return true;
    }

    /// <summary>Encodes this body into <paramref name="destination"/> and returns the bytes written.</summary>
    /// <exception cref="ArgumentException">More than 255 acks, or the destination is too small.</exception>
    public int Write(Span<byte> destination)
    {
        if (Acks.Length > MaxAcks)
        {
            throw new ArgumentException("An ACK carries at most 255 acks.", nameof(destination));
        }

        int size = EncodedSize;
        if (destination.Length < size)
        {
            throw new ArgumentException($"The ACK body needs {size} bytes.", nameof(destination));
        }

        BinaryPrimitives.WriteUInt16BigEndian(destination, BufferSpace);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], MaxSkew);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], FirstPacket);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], PreviousPacket);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Serial);
        destination[16] = (byte)Reason;
        destination[17] = (byte)Acks.Length;
        Acks.CopyTo(destination[FixedSize..]);
        int words = Trailer.WordCount;
        if (words > 0)
        {
            int at = FixedSize + Acks.Length;
            destination.Slice(at, RxAckTrailer.PaddingSize).Clear();
            at += RxAckTrailer.PaddingSize;
            ReadOnlySpan<uint?> values = [Trailer.MaxMtu, Trailer.InterfaceMtu, Trailer.ReceiveWindow, Trailer.MaxDatagramPackets];
            for (int i = 0; i < words; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(destination[(at + (4 * i))..], values[i]!.Value);
            }
        }

        return size;
    }

    private static uint? TrailerWord(ReadOnlySpan<byte> rest, int index)
    {
        int at = RxAckTrailer.PaddingSize + (4 * index);
        return rest.Length >= at + 4 ? BinaryPrimitives.ReadUInt32BigEndian(rest[at..]) : null;
    }
}
