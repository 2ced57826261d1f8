using System;
using System.Buffers.Binary;
using System.Text;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>The <c>rxdebug</c> request types (<c>RX_DEBUGI_*</c>).</summary>
public enum RxDebugRequestType
{
    /// <summary>Basic statistics (<c>struct rx_debugStats</c>).</summary>
    GetStats = 1,

    /// <summary>Interesting connections.</summary>
    GetConnection = 2,

    /// <summary>All connections.</summary>
    GetAllConnections = 3,

    /// <summary>All Rx statistics.</summary>
    RxStats = 4,

    /// <summary>Peer structures.</summary>
    GetPeer = 5,
}

/// <summary>The DEBUG request payload <c>{type, index}</c> (two big-endian int32s).</summary>
/// <param name="Type">What is asked for (see <see cref="RxDebugRequestType"/>; other values are answered with <see cref="RxDebugPackets.BadType"/>).</param>
/// <param name="Index">Which connection or peer (for the list requests).</param>
public readonly record struct RxDebugRequest(int Type, int Index)
{
    /// <summary>Size of the request payload.</summary>
    public const int Size = 8;

    /// <summary>Reads the request; fails on a payload shorter than 8 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RxDebugRequest request, out RxWireError error)
    {
        if (payload.Length < Size)
        {
            request = default;
            error = RxWireError.ShortDebug;
            return false;
        }

        request = new RxDebugRequest(BinaryPrimitives.ReadInt32BigEndian(payload), BinaryPrimitives.ReadInt32BigEndian(payload[4..]));
        error = RxWireError.None;
        return true;
    }

    /// <summary>Writes the request and returns 8.</summary>
    public int Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, Type);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], Index);
        return Size;
    }
}

/// <summary>The GETSTATS reply (<c>struct rx_debugStats</c>, 56 bytes).</summary>
/// <param name="FreePackets">nFreePackets.</param>
/// <param name="PacketReclaims">packetReclaims.</param>
/// <param name="CallsExecuted">callsExecuted.</param>
/// <param name="WaitingForPackets">waitingForPackets.</param>
/// <param name="UsedFds">usedFDs.</param>
/// <param name="Version">The debug protocol version byte (OpenAFS 1.8: 'S').</param>
/// <param name="Waiting">nWaiting: calls waiting for a thread.</param>
/// <param name="IdleThreads">idleThreads.</param>
/// <param name="Waited">nWaited.</param>
/// <param name="Packets">nPackets.</param>
public readonly record struct RxDebugStats(
    int FreePackets,
    int PacketReclaims,
    int CallsExecuted,
    byte WaitingForPackets,
    byte UsedFds,
    byte Version,
    int Waiting,
    int IdleThreads,
    int Waited,
    int Packets)
{
    /// <summary>Size of the encoded structure.</summary>
    public const int Size = 56;

    /// <summary>Writes the structure (spares zero) and returns 56.</summary>
    public int Write(Span<byte> destination)
    {
        destination[..Size].Clear();
        BinaryPrimitives.WriteInt32BigEndian(destination, FreePackets);
        BinaryPrimitives.WriteInt32BigEndian(destination[4..], PacketReclaims);
        BinaryPrimitives.WriteInt32BigEndian(destination[8..], CallsExecuted);
        destination[12] = WaitingForPackets;
        destination[13] = UsedFds;
        destination[14] = Version;
        BinaryPrimitives.WriteInt32BigEndian(destination[16..], Waiting);
        BinaryPrimitives.WriteInt32BigEndian(destination[20..], IdleThreads);
        BinaryPrimitives.WriteInt32BigEndian(destination[24..], Waited);
        BinaryPrimitives.WriteInt32BigEndian(destination[28..], Packets);
        return Size;
    }

    /// <summary>Reads the structure; fails on fewer than 56 bytes.</summary>
    public static bool TryRead(ReadOnlySpan<byte> payload, out RxDebugStats stats)
    {
        if (payload.Length < Size)
        {
            stats = default;
            return false;
        }

        stats = new RxDebugStats(
            BinaryPrimitives.ReadInt32BigEndian(payload),
            BinaryPrimitives.ReadInt32BigEndian(payload[4..]),
            BinaryPrimitives.ReadInt32BigEndian(payload[8..]),
            payload[12],
            payload[13],
            payload[14],
            BinaryPrimitives.ReadInt32BigEndian(payload[16..]),
            BinaryPrimitives.ReadInt32BigEndian(payload[20..]),
            BinaryPrimitives.ReadInt32BigEndian(payload[24..]),
            BinaryPrimitives.ReadInt32BigEndian(payload[28..]));
        return true;
    }
}

/// <summary>Helpers for the DEBUG and VERSION packets <c>rxdebug</c> sends.</summary>
public static class RxDebugPackets
{
    /// <summary>The debug protocol version OpenAFS 1.8 reports ('S').</summary>
    public const byte DebugVersion = (byte)'S';

    /// <summary>The type value answered to an unknown debug request (<c>RX_DEBUGI_BADTYPE</c>).</summary>
    public const int BadType = -8;

    /// <summary>The size of the VERSION reply payload (<c>65</c> bytes, NUL-padded).</summary>
    public const int VersionStringSize = 65;

    /// <summary>The epoch <c>rxdebug</c> uses in its requests.</summary>
    public const uint RxDebugEpoch = 999;

    /// <summary>Writes a NUL-padded 65-byte version string (truncated to 64 ASCII bytes) and returns 65.</summary>
    public static int WriteVersionString(Span<byte> destination, string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        Span<byte> field = destination[..VersionStringSize];
        field.Clear();
        int n = Math.Min(version.Length, VersionStringSize - 1);
        for (int i = 0; i < n; i++)
        {
            char c = version[i];
            field[i] = c is >= ' ' and < (char)0x7f ? (byte)c : (byte)'?';
        }

        return VersionStringSize;
    }

    /// <summary>Reads a version string: ASCII up to the first NUL or the end of the payload (at most 65 bytes).</summary>
    public static string ReadVersionString(ReadOnlySpan<byte> payload)
    {
        ReadOnlySpan<byte> field = payload[..Math.Min(payload.Length, VersionStringSize)];
        int nul = field.IndexOf((byte)0);
        return Encoding.ASCII.GetString(nul < 0 ? field : field[..nul]);
    }
}
