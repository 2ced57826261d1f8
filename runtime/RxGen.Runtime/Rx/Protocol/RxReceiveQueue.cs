using System;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>What <see cref="RxReceiveQueue.Accept"/> did with a DATA packet.</summary>
internal enum RxReceiveOutcome
{
    /// <summary>Stored, and it was the next packet in sequence.</summary>
    InOrder,

    /// <summary>Stored, but a gap lies before it.</summary>
    OutOfOrder,

    /// <summary>Already held or already consumed.</summary>
    Duplicate,

    /// <summary>Beyond the receive window: dropped.</summary>
    ExceedsWindow,

    /// <summary>The engine's receive budget is spent: dropped.</summary>
    NoSpace,

    /// <summary>The stream was closed by the application: ignored.</summary>
    Ignored,

    /// <summary>Inconsistent with the call (seq 0, past the LAST packet, oversized): dropped.</summary>
    Invalid,
}

/// <summary>
/// The receiving half of one call: a ring of at most <c>window</c> packets from <see cref="FirstUnconsumed"/> up.
/// Packets below it have been read by the application, so the ACK's firstPacket (a hard ack) never frees a packet the
/// application has not seen, and memory stays bounded by the window whatever the peer sends.
/// </summary>
internal sealed class RxReceiveQueue
{
    private const int InitialSlots = 4;

    private readonly RxMemoryBudget _budget;
    private RxPacketBuffer?[] _ring;
    private int _readOffset;
    private RxPacketSpares _spares;

    public RxReceiveQueue(int window, RxMemoryBudget budget)
    {
        Window = window;
        _ring = new RxPacketBuffer?[Math.Min(window, InitialSlots)];
        _budget = budget;
    }

    /// <summary>The receive window: packets held at most (the ring starts small and grows up to it).</summary>
    public int Window { get; private set; }

    /// <summary>The lowest sequence number the application has not finished reading.</summary>
    public uint FirstUnconsumed { get; private set; } = 1;

    /// <summary>The next sequence number expected in order (all below it are held or consumed).</summary>
    public uint NextInOrder { get; private set; } = 1;

    /// <summary>The highest sequence number held (0 if none beyond the consumed ones).</summary>
    public uint HighestReceived { get; private set; }

    /// <summary>The LAST packet's sequence number, once seen (0 until then).</summary>
    public uint LastSeq { get; private set; }

    /// <summary>Whether any packet has arrived.</summary>
    public bool AnyReceived { get; private set; }

    /// <summary>The application has read everything, LAST packet included (or closed the stream).</summary>
    public bool Complete => Closed || (LastSeq != 0 && FirstUnconsumed > LastSeq);

    /// <summary>Data can be read now (or the end of the stream can be reported).</summary>
    public bool Readable => (!Closed && FirstUnconsumed < NextInOrder) || Complete;

    /// <summary>The application stopped reading (a server that starts its reply discards the rest of the request, as OpenAFS does).</summary>
    public bool Closed { get; private set; }

    /// <summary>Discards everything held and ignores later packets.</summary>
    public void Close()
    {
        Closed = true;
        Release();
    }

    /// <summary>Stores a copy of a DATA packet's payload.</summary>
    public RxReceiveOutcome Accept(uint seq, ReadOnlySpan<byte> data, bool last, int maxPacketData)
    {
        if (Closed)
        {
            return RxReceiveOutcome.Ignored;
        }

        if (seq == 0 || data.Length > maxPacketData || (LastSeq != 0 && seq > LastSeq) || (last && LastSeq != 0 && seq != LastSeq))
        {
            return RxReceiveOutcome.Invalid;
        }

        if (seq < FirstUnconsumed)
        {
            return RxReceiveOutcome.Duplicate;
        }

        if (seq - FirstUnconsumed >= (uint)Window)
        {
            return RxReceiveOutcome.ExceedsWindow;
        }

        if (seq - FirstUnconsumed >= (uint)_ring.Length)
        {
            Grow(seq - FirstUnconsumed + 1);
        }

        if (last && seq < HighestReceived)
        {
            return RxReceiveOutcome.Invalid;
        }

        int slot = (int)(seq % (uint)_ring.Length);
        if (_ring[slot] is not null)
        {
            return RxReceiveOutcome.Duplicate;
        }

        if (!_budget.TryReserve(data.Length))
        {
            return RxReceiveOutcome.NoSpace;
        }

        RxPacketBuffer packet = _spares.Take(Math.Max(data.Length, 1), seq);
        packet.Length = data.Length;
        packet.Last = last;
        data.CopyTo(packet.Data);
        _ring[slot] = packet;
        AnyReceived = true;
        if (last)
        {
            LastSeq = seq;
        }

        if (seq > HighestReceived)
        {
            HighestReceived = seq;
        }

        bool inOrder = seq == NextInOrder;
        while (NextInOrder - FirstUnconsumed < (uint)_ring.Length && _ring[(int)(NextInOrder % (uint)_ring.Length)] is not null)
        {
            NextInOrder++;
        }

        return inOrder ? RxReceiveOutcome.InOrder : RxReceiveOutcome.OutOfOrder;
    }

    /// <summary>Copies in-order data to <paramref name="destination"/>, freeing packets as they are consumed.</summary>
    public int Read(Span<byte> destination)
    {
        int copied = 0;
        while (!Closed && FirstUnconsumed < NextInOrder)
        {
            int slot = (int)(FirstUnconsumed % (uint)_ring.Length);
            RxPacketBuffer packet = _ring[slot]!;
            int n = Math.Min(packet.Length - _readOffset, destination.Length - copied);
            packet.Data.AsSpan(_readOffset, n).CopyTo(destination[copied..]);
            copied += n;
            _readOffset += n;
            if (_readOffset < packet.Length)
            {
                break;
            }

            _budget.Return(packet.Length);
            _ring[slot] = null;
            _spares.Keep(packet);
            _readOffset = 0;
            FirstUnconsumed++;
        }

        return copied;
    }

    /// <summary>Writes the ACK array (1 = held, 0 = missing) from <see cref="FirstUnconsumed"/> to the highest held packet.</summary>
    public int WriteAcks(Span<byte> destination)
    {
        if (HighestReceived < FirstUnconsumed)
        {
            return 0;
        }

        int count = (int)Math.Min(HighestReceived - FirstUnconsumed + 1, (uint)Math.Min(destination.Length, 255));
        for (int i = 0; i < count; i++)
        {
            destination[i] = _ring[(int)((FirstUnconsumed + (uint)i) % (uint)_ring.Length)] is null ? (byte)0 : (byte)1;
        }

        return count;
    }

    /// <summary>Enlarges the ring to hold <paramref name="span"/> consecutive sequence numbers (at most the window), re-slotting what it holds.</summary>
    private void Grow(uint span)
    {
        int size = _ring.Length;
        while ((uint)size < span)
        {
            size *= 2;
        }

        var ring = new RxPacketBuffer?[Math.Min(size, Window)];
        foreach (RxPacketBuffer? packet in _ring)
        {
            if (packet is not null)
            {
                ring[(int)(packet.Seq % (uint)ring.Length)] = packet;
            }
        }

        _ring = ring;
    }

    public void Release()
    {
        for (int i = 0; i < _ring.Length; i++)
        {
            if (_ring[i] is RxPacketBuffer packet)
            {
                _budget.Return(packet.Length);
                _ring[i] = null;
                _spares.Keep(packet);
            }
        }
    }

    /// <summary>Makes a released queue (of a recycled call) an empty one, as the constructor leaves it (the ring is kept if the window allows it).</summary>
    public void Reset(int window)
    {
        Release();
        Window = window;
        if (_ring.Length > window)
        {
            _ring = new RxPacketBuffer?[Math.Min(window, InitialSlots)];
        }

        _readOffset = 0;
        FirstUnconsumed = 1;
        NextInOrder = 1;
        HighestReceived = 0;
        LastSeq = 0;
        AnyReceived = false;
        Closed = false;
    }
}
