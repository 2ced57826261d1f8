using System;
using System.Buffers;
using System.Net;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// A datagram the protocol core wants sent. <see cref="Buffer"/> is rented from <see cref="ArrayPool{T}.Shared"/>:
/// the consumer returns it with <see cref="Release"/> once sent (or dropped).
/// </summary>
/// <param name="Buffer">The pooled buffer.</param>
/// <param name="Length">The datagram's length.</param>
/// <param name="Destination">Where to send it.</param>
public readonly record struct RxOutgoingDatagram(byte[] Buffer, int Length, IPEndPoint Destination)
{
    /// <summary>The datagram's bytes.</summary>
    public ReadOnlyMemory<byte> Memory => Buffer.AsMemory(0, Length);

    /// <summary>Returns <see cref="Buffer"/> to the pool; the datagram must not be used afterwards.</summary>
    public void Release() => ArrayPool<byte>.Shared.Return(Buffer);
}
