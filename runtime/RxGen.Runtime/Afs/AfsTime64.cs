using System;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Afs;

/// <summary>
/// OpenAFS's <c>struct afs_time64 { afs_int64 ticks; }</c> from <c>stds.h</c> (used by <c>token.xg</c> and
/// <c>rxgk_int.xg</c> without an IDL definition): a time as 100-nanosecond ticks since the Unix epoch,
/// 8 bytes on the wire (one XDR hyper).
/// </summary>
public readonly record struct AfsTime64(long Ticks) : IXdrSerializable<AfsTime64>
{
    /// <summary>The size of the XDR encoding in bytes.</summary>
    public const int EncodedLength = 8;

    /// <summary>The time as a <see cref="DateTimeOffset"/> (UTC).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The ticks are outside <see cref="DateTimeOffset"/>'s range.</exception>
    public DateTimeOffset ToDateTimeOffset() => DateTimeOffset.UnixEpoch.AddTicks(Ticks);

    /// <summary>The afs_time64 of <paramref name="time"/>.</summary>
    /// <param name="time">The time.</param>
    /// <returns>The value.</returns>
    public static AfsTime64 FromDateTimeOffset(DateTimeOffset time) => new(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks);

    /// <inheritdoc/>
    public void Encode(ref XdrWriter writer) => writer.WriteInt64(Ticks);

    /// <inheritdoc/>
    public static AfsTime64 Decode(ref XdrReader reader) => new(reader.ReadInt64());
}
