using System;
using System.Buffers.Binary;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>
/// The words of the RXSTATS reply (<c>struct rx_statistics</c> of OpenAFS <c>rx.h</c>: 71 big-endian int32s, 284
/// bytes; a <c>struct clock</c> is two words, seconds then microseconds). The value of each member is the index of
/// its first word.
/// </summary>
public enum RxStatsWord
{
    /// <summary>packetRequests: packet allocation requests.</summary>
    PacketRequests = 0,

    /// <summary>receivePktAllocFailures.</summary>
    ReceivePacketAllocFailures = 1,

    /// <summary>sendPktAllocFailures.</summary>
    SendPacketAllocFailures = 2,

    /// <summary>specialPktAllocFailures.</summary>
    SpecialPacketAllocFailures = 3,

    /// <summary>socketGreedy.</summary>
    SocketGreedy = 4,

    /// <summary>bogusPacketOnRead: datagrams too short or malformed.</summary>
    BogusPacketOnRead = 5,

    /// <summary>bogusHost: the address of the last bogus datagram.</summary>
    BogusHost = 6,

    /// <summary>noPacketOnRead.</summary>
    NoPacketOnRead = 7,

    /// <summary>noPacketBuffersOnRead: DATA dropped for lack of buffers.</summary>
    NoPacketBuffersOnRead = 8,

    /// <summary>selects.</summary>
    Selects = 9,

    /// <summary>sendSelects.</summary>
    SendSelects = 10,

    /// <summary>packetsRead[13]: packets read per type (word <c>PacketsRead + type - 1</c>).</summary>
    PacketsRead = 11,

    /// <summary>dataPacketsRead: unique DATA packets read.</summary>
    DataPacketsRead = 24,

    /// <summary>ackPacketsRead.</summary>
    AckPacketsRead = 25,

    /// <summary>dupPacketsRead: duplicate DATA packets.</summary>
    DupPacketsRead = 26,

    /// <summary>spuriousPacketsRead.</summary>
    SpuriousPacketsRead = 27,

    /// <summary>packetsSent[13]: packets sent per type (word <c>PacketsSent + type - 1</c>).</summary>
    PacketsSent = 28,

    /// <summary>ackPacketsSent.</summary>
    AckPacketsSent = 41,

    /// <summary>pingPacketsSent.</summary>
    PingPacketsSent = 42,

    /// <summary>abortPacketsSent.</summary>
    AbortPacketsSent = 43,

    /// <summary>busyPacketsSent.</summary>
    BusyPacketsSent = 44,

    /// <summary>dataPacketsSent: first transmissions.</summary>
    DataPacketsSent = 45,

    /// <summary>dataPacketsReSent: retransmissions.</summary>
    DataPacketsResent = 46,

    /// <summary>dataPacketsPushed: retransmissions pushed early by a NACK.</summary>
    DataPacketsPushed = 47,

    /// <summary>ignoreAckedPacket.</summary>
    IgnoreAckedPacket = 48,

    /// <summary>totalRtt (seconds, then microseconds).</summary>
    TotalRtt = 49,

    /// <summary>minRtt (seconds, then microseconds).</summary>
    MinRtt = 51,

    /// <summary>maxRtt (seconds, then microseconds).</summary>
    MaxRtt = 53,

    /// <summary>nRttSamples.</summary>
    RttSamples = 55,

    /// <summary>nServerConns.</summary>
    ServerConnections = 56,

    /// <summary>nClientConns.</summary>
    ClientConnections = 57,

    /// <summary>nPeerStructs.</summary>
    PeerStructs = 58,

    /// <summary>nCallStructs.</summary>
    CallStructs = 59,

    /// <summary>nFreeCallStructs.</summary>
    FreeCallStructs = 60,

    /// <summary>netSendFailures.</summary>
    NetSendFailures = 61,

    /// <summary>fatalErrors.</summary>
    FatalErrors = 62,

    /// <summary>ignorePacketDally.</summary>
    IgnorePacketDally = 63,

    /// <summary>receiveCbufPktAllocFailures.</summary>
    ReceiveCbufPacketAllocFailures = 64,

    /// <summary>sendCbufPktAllocFailures.</summary>
    SendCbufPacketAllocFailures = 65,

    /// <summary>nBusies.</summary>
    Busies = 66,

    /// <summary>spares[4].</summary>
    Spares = 67,
}

/// <summary>The RXSTATS reply payload (<c>struct rx_statistics</c>): 71 words, encoded big-endian.</summary>
public sealed class RxDebugRxStats
{
    /// <summary>The number of 32-bit words.</summary>
    public const int WordCount = 71;

    /// <summary>The encoded size in bytes (284).</summary>
    public const int Size = WordCount * 4;

    /// <summary>The number of per-type packet counters (<c>RX_N_PACKET_TYPES</c>).</summary>
    public const int PacketTypeCount = 13;

    private readonly int[] _words = new int[WordCount];

    /// <summary>A word by its index (see <see cref="RxStatsWord"/>).</summary>
    /// <param name="word">The word.</param>
    public int this[RxStatsWord word]
    {
        get => _words[(int)word];
        set => _words[(int)word] = value;
    }

    /// <summary>Packets read of one type (<c>packetsRead[type - 1]</c>); 0 for a type outside 1..13.</summary>
    /// <param name="type">The packet type.</param>
    /// <returns>The count.</returns>
    public int GetPacketsRead(RxPacketType type) => TypeIndex(type) is int i ? _words[(int)RxStatsWord.PacketsRead + i] : 0;

    /// <summary>Sets the packets read of one type; a type outside 1..13 is ignored.</summary>
    /// <param name="type">The packet type.</param>
    /// <param name="count">The count.</param>
    public void SetPacketsRead(RxPacketType type, int count)
    {
        if (TypeIndex(type) is int i)
        {
            _words[(int)RxStatsWord.PacketsRead + i] = count;
        }
    }

    /// <summary>Packets sent of one type (<c>packetsSent[type - 1]</c>); 0 for a type outside 1..13.</summary>
    /// <param name="type">The packet type.</param>
    /// <returns>The count.</returns>
    public int GetPacketsSent(RxPacketType type) => TypeIndex(type) is int i ? _words[(int)RxStatsWord.PacketsSent + i] : 0;

    /// <summary>Sets the packets sent of one type; a type outside 1..13 is ignored.</summary>
    /// <param name="type">The packet type.</param>
    /// <param name="count">The count.</param>
    public void SetPacketsSent(RxPacketType type, int count)
    {
        if (TypeIndex(type) is int i)
        {
            _words[(int)RxStatsWord.PacketsSent + i] = count;
        }
    }

    /// <summary>Sets a <c>struct clock</c> pair (seconds, microseconds) from a duration.</summary>
    /// <param name="word">The first word of the pair (<see cref="RxStatsWord.TotalRtt"/>, <see cref="RxStatsWord.MinRtt"/> or <see cref="RxStatsWord.MaxRtt"/>).</param>
    /// <param name="value">The duration (negative is taken as zero).</param>
    public void SetClock(RxStatsWord word, TimeSpan value)
    {
        long micro = Math.Max(0, value.Ticks / 10);
        _words[(int)word] = (int)Math.Min(micro / 1_000_000, int.MaxValue);
        _words[(int)word + 1] = (int)(micro % 1_000_000);
    }

    /// <summary>Writes the 284 bytes and returns the size.</summary>
    /// <param name="destination">At least <see cref="Size"/> bytes.</param>
    /// <returns><see cref="Size"/>.</returns>
    public int Write(Span<byte> destination)
    {
        for (int i = 0; i < WordCount; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(destination[(i * 4)..], _words[i]);
        }

        return Size;
    }

    /// <summary>Reads the structure; fails on fewer than <see cref="Size"/> bytes.</summary>
    /// <param name="payload">The reply payload.</param>
    /// <param name="stats">The statistics.</param>
    /// <returns>False when the payload is short.</returns>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RxDebugRxStats? stats)
    {
        if (payload.Length < Size)
        {
            stats = null;
            return false;
        }

        stats = new RxDebugRxStats();
        for (int i = 0; i < WordCount; i++)
        {
            stats._words[i] = BinaryPrimitives.ReadInt32BigEndian(payload[(i * 4)..]);
        }

        return true;
    }

    /// <summary>Saturates a counter to an int32 word.</summary>
    /// <param name="value">The counter.</param>
    /// <returns>The word.</returns>
    public static int Word(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    private static int? TypeIndex(RxPacketType type) => (int)type is >= 1 and <= PacketTypeCount ? (int)type - 1 : null;
}
