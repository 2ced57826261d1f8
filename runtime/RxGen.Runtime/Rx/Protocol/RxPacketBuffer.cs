using System;
using System.Buffers;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>One call's DATA packet held for sending or receiving: a pooled buffer and the packet's state.</summary>
internal sealed class RxPacketBuffer
{
    public RxPacketBuffer(int capacity, uint seq)
    {
        Data = ArrayPool<byte>.Shared.Rent(capacity);
        Seq = seq;
    }

    /// <summary>The payload (pooled; <see cref="Length"/> bytes are valid).</summary>
    public byte[] Data { get; private set; }

    public int Length { get; set; }

    public uint Seq { get; set; }

    /// <summary>The packet is the last of its side of the call.</summary>
    public bool Last { get; set; }

    /// <summary>Send side: the serial of the latest transmission (0 = never sent).</summary>
    public uint Serial { get; set; }

    /// <summary>Send side: when the latest transmission went out.</summary>
    public TimeSpan SentAt { get; set; }

    /// <summary>Send side: transmissions so far.</summary>
    public int Transmits { get; set; }

    /// <summary>Send side: the receiver holds it (soft ACK).</summary>
    public bool Acked { get; set; }

    /// <summary>Send side: it must go out (again) as soon as the window allows.</summary>
    public bool NeedsSend { get; set; } = true;

    public Span<byte> Payload => Data.AsSpan(0, Length);

    public void Release()
    {
        if (Data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Data);
            Data = [];
        }
    }
}
