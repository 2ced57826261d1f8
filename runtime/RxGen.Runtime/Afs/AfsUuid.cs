using System;
using System.Buffers.Binary;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Afs;

/// <summary>
/// The OpenAFS <c>afsUUID</c> (a DCE UUID), with its XDR encoding from <c>xdr_afsUUID</c>: 11 four-byte
/// words, 44 bytes.
/// </summary>
/// <remarks>
/// <para>Wire layout: <c>time_low</c> u32; <c>time_mid</c> and <c>time_hi_and_version</c> u16, each
/// zero-extended to 4 bytes; <c>clock_seq_hi_and_reserved</c>, <c>clock_seq_low</c> and the six
/// <c>node</c> bytes are C <c>char</c>, each sign-extended to 4 bytes. Decoding keeps the low 16 or
/// 8 bits of each word, as C does.</para>
/// <para>The value is a plain immutable struct: the node is stored inline, so copies never share
/// state and equality compares all 16 bytes. Conversions to <see cref="Guid"/> map the fields in
/// DCE/RFC 4122 order, so <see cref="ToString"/> matches OpenAFS's <c>afsUUID_to_string</c> layout.</para>
/// <para>Not to be confused with the raw 16-byte UUIDs of YFS RPCs: use <see cref="FromBytes"/> and
/// <see cref="WriteBytes"/> for those.</para>
/// </remarks>
public readonly struct AfsUuid : IXdrSerializable<AfsUuid>, IEquatable<AfsUuid>
{
    /// <summary>The size of the XDR encoding in bytes.</summary>
    public const int EncodedLength = 44;

    /// <summary>The number of node bytes.</summary>
    public const int NodeLength = 6;

    private readonly ulong _node; // the six node bytes, big-endian, in the low 48 bits

    /// <summary>Creates a UUID from its fields.</summary>
    /// <param name="timeLow">time_low.</param>
    /// <param name="timeMid">time_mid.</param>
    /// <param name="timeHiAndVersion">time_hi_and_version.</param>
    /// <param name="clockSeqHiAndReserved">clock_seq_hi_and_reserved.</param>
    /// <param name="clockSeqLow">clock_seq_low.</param>
    /// <param name="node">The node, exactly 6 bytes.</param>
    /// <exception cref="ArgumentException"><paramref name="node"/> is not 6 bytes long.</exception>
    public AfsUuid(uint timeLow, ushort timeMid, ushort timeHiAndVersion, byte clockSeqHiAndReserved, byte clockSeqLow, ReadOnlySpan<byte> node)
    {
        if (node.Length != NodeLength)
        {
            throw new ArgumentException($"An afsUUID node is {NodeLength} bytes, not {node.Length}.", nameof(node));
        }

        TimeLow = timeLow;
        TimeMid = timeMid;
        TimeHiAndVersion = timeHiAndVersion;
        ClockSeqHiAndReserved = clockSeqHiAndReserved;
        ClockSeqLow = clockSeqLow;
        _node = PackNode(node);
    }

    private AfsUuid(uint timeLow, ushort timeMid, ushort timeHiAndVersion, byte clockSeqHiAndReserved, byte clockSeqLow, ulong node)
    {
        TimeLow = timeLow;
        TimeMid = timeMid;
        TimeHiAndVersion = timeHiAndVersion;
        ClockSeqHiAndReserved = clockSeqHiAndReserved;
        ClockSeqLow = clockSeqLow;
        _node = node;
    }

    /// <summary>The all-zero UUID.</summary>
    public static AfsUuid Empty => default;

    /// <summary>time_low.</summary>
    public uint TimeLow { get; }

    /// <summary>time_mid.</summary>
    public ushort TimeMid { get; }

    /// <summary>time_hi_and_version.</summary>
    public ushort TimeHiAndVersion { get; }

    /// <summary>clock_seq_hi_and_reserved.</summary>
    public byte ClockSeqHiAndReserved { get; }

    /// <summary>clock_seq_low.</summary>
    public byte ClockSeqLow { get; }

    /// <summary>A copy of the six node bytes (a new array on each call; use <see cref="CopyNodeTo"/> to avoid it).</summary>
    public ReadOnlyMemory<byte> Node
    {
        get
        {
            byte[] node = new byte[NodeLength];
            CopyNodeTo(node);
            return node;
        }
    }

    /// <summary>True for the all-zero UUID.</summary>
    public bool IsEmpty => this == Empty;

    /// <summary>Copies the six node bytes into <paramref name="destination"/>.</summary>
    /// <param name="destination">At least 6 bytes.</param>
    public void CopyNodeTo(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, NodeLength, nameof(destination));
        for (int i = 0; i < NodeLength; i++)
        {
            destination[i] = (byte)(_node >> (8 * (NodeLength - 1 - i)));
        }
    }

    /// <summary>Converts a <see cref="Guid"/>; fields map in RFC 4122 order (Guid's a = time_low, b = time_mid, …).</summary>
    /// <param name="guid">The GUID.</param>
    /// <returns>The UUID.</returns>
    public static AfsUuid FromGuid(Guid guid)
    {
        Span<byte> bytes = stackalloc byte[16];
        guid.TryWriteBytes(bytes, bigEndian: true, out _);
        return FromBytes(bytes);
    }

    /// <summary>Converts to a <see cref="Guid"/>; the inverse of <see cref="FromGuid"/>.</summary>
    /// <returns>The GUID.</returns>
    public Guid ToGuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        WriteBytes(bytes);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Reads the 16-byte RFC 4122 binary form (network order), as YFS RPCs carry UUIDs.</summary>
    /// <param name="bytes">Exactly 16 bytes.</param>
    /// <returns>The UUID.</returns>
    public static AfsUuid FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != 16)
        {
            throw new ArgumentException($"A binary UUID is 16 bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new AfsUuid(
            BinaryPrimitives.ReadUInt32BigEndian(bytes),
            BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(4)),
            BinaryPrimitives.ReadUInt16BigEndian(bytes.Slice(6)),
            bytes[8],
            bytes[9],
            PackNode(bytes.Slice(10, NodeLength)));
    }

    /// <summary>Writes the 16-byte RFC 4122 binary form (network order).</summary>
    /// <param name="destination">At least 16 bytes.</param>
    public void WriteBytes(Span<byte> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, 16, nameof(destination));
        BinaryPrimitives.WriteUInt32BigEndian(destination, TimeLow);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(4), TimeMid);
        BinaryPrimitives.WriteUInt16BigEndian(destination.Slice(6), TimeHiAndVersion);
        destination[8] = ClockSeqHiAndReserved;
        destination[9] = ClockSeqLow;
        CopyNodeTo(destination.Slice(10));
    }

    /// <summary>Parses the usual text form (<c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c>, any form <see cref="Guid.Parse(string)"/> accepts).</summary>
    /// <param name="text">The text.</param>
    /// <returns>The UUID.</returns>
    public static AfsUuid Parse(string text) => FromGuid(Guid.Parse(text));

    /// <summary>Tries to parse the usual text form.</summary>
    /// <param name="text">The text.</param>
    /// <param name="result">The UUID, or <see cref="Empty"/>.</param>
    /// <returns>True when the text parsed.</returns>
    public static bool TryParse(string? text, out AfsUuid result)
    {
        if (Guid.TryParse(text, out Guid guid))
        {
            result = FromGuid(guid);
            return true;
        }

        result = Empty;
        return false;
    }

    /// <inheritdoc/>
    public void Encode(ref XdrWriter writer)
    {
        writer.WriteUInt32(TimeLow);
        writer.WriteUInt32(TimeMid);
        writer.WriteUInt32(TimeHiAndVersion);
        writer.WriteInt32((sbyte)ClockSeqHiAndReserved);
        writer.WriteInt32((sbyte)ClockSeqLow);
        Span<byte> node = stackalloc byte[NodeLength];
        CopyNodeTo(node);
        writer.WriteCharVector(node, signExtend: true);
    }

    /// <inheritdoc/>
    public static AfsUuid Decode(ref XdrReader reader)
    {
        uint timeLow = reader.ReadUInt32("afsUUID.time_low");
        ushort timeMid = (ushort)reader.ReadUInt32("afsUUID.time_mid");
        ushort timeHi = (ushort)reader.ReadUInt32("afsUUID.time_hi_and_version");
        byte clockSeqHi = (byte)reader.ReadUInt32("afsUUID.clock_seq_hi_and_reserved");
        byte clockSeqLow = (byte)reader.ReadUInt32("afsUUID.clock_seq_low");
        Span<byte> node = stackalloc byte[NodeLength];
        reader.ReadCharVector(node, "afsUUID.node");
        return new AfsUuid(timeLow, timeMid, timeHi, clockSeqHi, clockSeqLow, PackNode(node));
    }

    /// <inheritdoc/>
    public bool Equals(AfsUuid other) =>
        TimeLow == other.TimeLow && TimeMid == other.TimeMid && TimeHiAndVersion == other.TimeHiAndVersion &&
        ClockSeqHiAndReserved == other.ClockSeqHiAndReserved && ClockSeqLow == other.ClockSeqLow && _node == other._node;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is AfsUuid other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode() =>
        HashCode.Combine(TimeLow, TimeMid, TimeHiAndVersion, ClockSeqHiAndReserved, ClockSeqLow, _node);

    /// <summary>The text form, <c>xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx</c> (lower-case hex).</summary>
    /// <returns>The text.</returns>
    public override string ToString() => ToGuid().ToString("D");

    /// <summary>Value equality.</summary>
    /// <param name="left">A UUID.</param>
    /// <param name="right">Another UUID.</param>
    /// <returns>True when all fields are equal.</returns>
    public static bool operator ==(AfsUuid left, AfsUuid right) => left.Equals(right);

    /// <summary>Value inequality.</summary>
    /// <param name="left">A UUID.</param>
    /// <param name="right">Another UUID.</param>
    /// <returns>True when any field differs.</returns>
    public static bool operator !=(AfsUuid left, AfsUuid right) => !left.Equals(right);

    private static ulong PackNode(ReadOnlySpan<byte> node)
    {
        ulong packed = 0;
        for (int i = 0; i < NodeLength; i++)
        {
            packed = (packed << 8) | node[i];
        }

        return packed;
    }
}
