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

    /// <summary>Makes a released packet (kept by its queue for reuse) a fresh one with a newly rented buffer.</summary>
    public void Reuse(int capacity, uint seq)
    {
        Data = ArrayPool<byte>.Shared.Rent(capacity);
        Seq = seq;
        Length = 0;
        Last = false;
        Serial = 0;
        SentAt = TimeSpan.Zero;
        Transmits = 0;
        Acked = false;
        NeedsSend = true;
    }

    public void Release()
    {
        if (Data.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(Data);
            Data = [];
        }
    }
}

/// <summary>
/// Up to four released packet objects a queue keeps for its next packets: a queue lives as long as its (recycled)
/// call, so a small call reuses the packet objects of the call before it instead of allocating. Only the queue that
/// released a packet reuses it, never while the packet is in any of its lists.
/// </summary>
internal struct RxPacketSpares
{
    private RxPacketBuffer? _a;
    private RxPacketBuffer? _b;
    private RxPacketBuffer? _c;
    private RxPacketBuffer? _d;

    /// <summary>A packet with a freshly rented buffer of at least <paramref name="capacity"/> bytes: a kept one, or a new one.</summary>
    public RxPacketBuffer Take(int capacity, uint seq)
    {
        RxPacketBuffer? p = _a;
        if (p is not null)
        {
            _a = null;
        }
        else if ((p = _b) is not null)
        {
            _b = null;
        }
        else if ((p = _c) is not null)
        {
            _c = null;
        }
        else if ((p = _d) is not null)
        {
            _d = null;
        }
        else
        {
            return new RxPacketBuffer(capacity, seq);
        }

        p.Reuse(capacity, seq);
        return p;
    }

    /// <summary>Releases <paramref name="packet"/>'s buffer and keeps the object if there is room.</summary>
    public void Keep(RxPacketBuffer packet)
    {
        packet.Release();
        if (_a is null)
        {
            _a = packet;
        }
        else if (_b is null)
        {
            _b = packet;
        }
        else if (_c is null)
        {
            _c = packet;
        }
        else if (_d is null)
        {
            _d = packet;
        }
    }
}
