using System;
using System.Collections.Generic;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// The sending half of one call: packets from <see cref="FirstUnacked"/> (tfirst) up, the partially filled packet, the
/// peer's window and the congestion window (slow start, congestion avoidance, fast retransmit, timeout collapse).
/// It decides what may go out; the engine frames and sends it.
/// </summary>
internal sealed class RxSendQueue
{
    private readonly List<RxPacketBuffer> _packets = new();
    private int _packetSize;
    private int _bufferPackets;
    private RxPacketSpares _spares;
    private RxPacketBuffer? _fill;
    private int _fillCapacity;
    private int _cwndFraction;
    private uint _recoveryPoint;
    private TimeSpan _latestDeliveredSentAt = TimeSpan.MinValue;
    private int _undoCwnd;
    private int _undoSsthresh;

    public RxSendQueue(int packetSize, int bufferPackets, int initialCwnd, int initialPeerWindow)
    {
        _packetSize = packetSize;
        _bufferPackets = bufferPackets;
        CongestionWindow = initialCwnd;
        SlowStartThreshold = 255;
        PeerWindow = initialPeerWindow;
    }

    /// <summary>The lowest sequence number not hard-acked (tfirst).</summary>
    public uint FirstUnacked { get; private set; } = 1;

    /// <summary>The sequence number the next packet gets.</summary>
    public uint NextSeq { get; private set; } = 1;

    /// <summary>The LAST packet is queued: nothing more may be written.</summary>
    public bool Completed { get; private set; }

    /// <summary>Everything queued, LAST included, is hard-acked.</summary>
    public bool AllAcked => Completed && _packets.Count == 0;

    public int CongestionWindow { get; private set; }

    public int SlowStartThreshold { get; private set; }

    public int PeerWindow { get; set; }

    /// <summary>Consecutive timeouts without progress.</summary>
    public int Backoff { get; private set; }

    public int Queued => _packets.Count;

    public bool HasSpace => !Completed && (_fill is not null || _packets.Count < _bufferPackets);

    public IReadOnlyList<RxPacketBuffer> Packets => _packets;

    /// <summary>Packets started from now on carry <paramref name="size"/> bytes (the jumbogram size, once the peer is known to take them).</summary>
    public void UsePacketSize(int size) => _packetSize = size;

    /// <summary>Copies as much of <paramref name="data"/> as the buffer takes; returns the bytes taken.</summary>
    public int Write(ReadOnlySpan<byte> data)
    {
        int taken = 0;
        while (taken < data.Length && !Completed)
        {
            if (_fill is null)
            {
                if (_packets.Count >= _bufferPackets)
                {
                    break;
                }

                _fill = _spares.Take(_packetSize, 0);
                _fillCapacity = _packetSize;
            }

            int n = Math.Min(_fillCapacity - _fill.Length, data.Length - taken);
            data.Slice(taken, n).CopyTo(_fill.Data.AsSpan(_fill.Length));
            _fill.Length += n;
            taken += n;
            if (_fill.Length == _fillCapacity)
            {
                Enqueue(_fill, last: false);
                _fill = null;
            }
        }

        return taken;
    }

    /// <summary>Queues the partial packet (if any) as the LAST packet; an empty LAST packet when nothing is pending.</summary>
    public void Complete()
    {
        if (Completed)
        {
            return;
        }

        RxPacketBuffer last = _fill ?? _spares.Take(_packetSize, 0);
        _fill = null;
        Enqueue(last, last: true);
        Completed = true;
    }

    /// <summary>The next packet the windows allow out, or null.</summary>
    public RxPacketBuffer? NextToSend()
    {
        int inFlight = 0;
        RxPacketBuffer? candidate = null;
        int window = Math.Min(PeerWindow, 255);
        for (int i = 0; i < _packets.Count; i++)
        {
            RxPacketBuffer p = _packets[i];
            if (p.Seq - FirstUnacked >= (uint)window)
            {
                break;
            }

            if (p.Acked)
            {
                continue;
            }

            if (p.NeedsSend)
            {
                candidate ??= p;
            }
            else
            {
                inFlight++;
            }
        }

        return candidate is not null && inFlight < CongestionWindow ? candidate : null;
    }

    /// <summary>Whether sending <paramref name="p"/> fills the window (then it asks for an ACK).</summary>
    public bool FillsWindow(RxPacketBuffer p) =>
        p.Seq + 1 - FirstUnacked >= (uint)Math.Min(PeerWindow, 255) || InFlight() + 1 >= CongestionWindow;

    public void MarkSent(RxPacketBuffer p, uint serial, TimeSpan now)
    {
        p.Serial = serial;
        p.SentAt = now;
        p.Transmits++;
        p.NeedsSend = false;
    }

    /// <summary>The earliest time an in-flight packet times out, or <see cref="TimeSpan.MaxValue"/>.</summary>
    public TimeSpan RetransmitDeadline(TimeSpan rto)
    {
        TimeSpan earliest = TimeSpan.MaxValue;
        foreach (RxPacketBuffer p in _packets)
        {
            if (!p.Acked && !p.NeedsSend && p.SentAt + rto < earliest)
            {
                earliest = p.SentAt + rto;
            }
        }

        return earliest;
    }

    /// <summary>Finds the in-flight packet whose latest transmission had <paramref name="serial"/>.</summary>
    public RxPacketBuffer? FindBySerial(uint serial)
    {
        foreach (RxPacketBuffer p in _packets)
        {
            if (p.Serial == serial)
            {
                return p;
            }
        }

        return null;
    }

    /// <summary>
    /// Applies an ACK: hard acks below <paramref name="firstPacket"/>, soft acks and NACKs from <paramref name="acks"/>.
    /// Returns the number of packets newly acknowledged; grows the congestion window and marks packets for fast
    /// retransmit: a NACKed packet followed by at least 3 soft ACKs whose latest transmission is older than a
    /// transmission that has been delivered since (RFC 8985's time rule: a retransmission is not repeated until
    /// something sent after it arrives). The congestion window halves once per recovery.
    /// </summary>
    public int OnAck(uint firstPacket, ReadOnlySpan<byte> acks)
    {
        int newly = 0;
        if (firstPacket > NextSeq)
        {
            firstPacket = NextSeq; // never acks what was not sent; hostile values are clamped
        }

        while (_packets.Count > 0 && _packets[0].Seq < firstPacket)
        {
            RxPacketBuffer p = _packets[0];
            if (!p.Acked)
            {
                newly++;
            }

            if (p.Transmits > 0 && p.SentAt > _latestDeliveredSentAt)
            {
                _latestDeliveredSentAt = p.SentAt;
            }

            _packets.RemoveAt(0);
            _spares.Keep(p);
        }

        if (firstPacket > FirstUnacked)
        {
            FirstUnacked = firstPacket;
        }

        for (int i = 0; i < acks.Length; i++)
        {
            int index = (int)(firstPacket + (uint)i - FirstUnacked);
            if (acks[i] != 0 && firstPacket + (uint)i >= FirstUnacked && index < _packets.Count
                && _packets[index] is { Transmits: > 0 } acked && acked.SentAt > _latestDeliveredSentAt)
            {
                _latestDeliveredSentAt = acked.SentAt;
            }
        }

        int laterAcked = 0;
        for (int i = acks.Length - 1; i >= 0; i--)
        {
            uint seq = firstPacket + (uint)i;
            int index = (int)(seq - FirstUnacked);
            if (seq < FirstUnacked || index >= _packets.Count)
            {
                continue;
            }

            RxPacketBuffer p = _packets[index];
            if (acks[i] != 0)
            {
                if (!p.Acked)
                {
                    p.Acked = true;
                    newly++;
                }

                laterAcked++;
            }
            else
            {
                if (p.Acked)
                {
                    p.Acked = false; // the receiver dropped it after all
                    p.NeedsSend = true;
                }
                else if (!p.NeedsSend && laterAcked >= 3 && p.SentAt < _latestDeliveredSentAt)
                {
                    p.NeedsSend = true;
                    _undoCwnd = 0; // a real loss: the collapse stands
                    if (p.Seq > _recoveryPoint)
                    {
                        _recoveryPoint = NextSeq - 1;
                        SlowStartThreshold = Math.Max(CongestionWindow / 2, 2);
                        CongestionWindow = SlowStartThreshold;
                        _cwndFraction = 0;
                    }
                }
            }
        }

        if (newly > 0)
        {
            Backoff = 0;
            Grow(newly);
        }

        return newly;
    }

    /// <summary>The peer answered the call: every request packet arrived (a reply implicitly acks the request).</summary>
    public void AckAll()
    {
        foreach (RxPacketBuffer p in _packets)
        {
            _spares.Keep(p);
        }

        _packets.Clear();
        FirstUnacked = NextSeq;
        Backoff = 0;
    }

    /// <summary>Set by <see cref="OnTimeout"/>: serials from here on were sent after the timeout.</summary>
    public uint TimeoutSerial { get; private set; }

    /// <summary>Whether a timeout's window collapse may still be undone (see <see cref="UndoTimeout"/>).</summary>
    public bool CanUndoTimeout => _undoCwnd > 0;

    /// <summary>
    /// A retransmit timeout: collapse the window, back off, and resend everything in flight.
    /// <paramref name="nextSerial"/> is the first serial sent after it, for <see cref="UndoTimeout"/>.
    /// </summary>
    public void OnTimeout(uint nextSerial)
    {
        if (_undoCwnd == 0)
        {
            _undoCwnd = CongestionWindow;
            _undoSsthresh = SlowStartThreshold;
        }

        TimeoutSerial = nextSerial;
        SlowStartThreshold = Math.Max(InFlight() / 2, 2);
        CongestionWindow = 1;
        _cwndFraction = 0;
        Backoff++;
        _recoveryPoint = NextSeq - 1;
        foreach (RxPacketBuffer p in _packets)
        {
            if (!p.Acked)
            {
                p.NeedsSend = true;
            }
        }
    }

    /// <summary>
    /// An ACK prompted by a packet sent before the last timeout acknowledged new data: the timeout was spurious (the
    /// peer or the path was only slow; Eifel, RFC 3522). Restore the window and do not resend what is still in flight
    /// (the packet resent at the timeout is the only cost).
    /// </summary>
    public void UndoTimeout()
    {
        if (_undoCwnd == 0)
        {
            return;
        }

        CongestionWindow = Math.Max(CongestionWindow, _undoCwnd);
        SlowStartThreshold = Math.Max(SlowStartThreshold, _undoSsthresh);
        _undoCwnd = 0;
        foreach (RxPacketBuffer p in _packets)
        {
            if (p.NeedsSend && p.Transmits > 0)
            {
                p.NeedsSend = false; // its first transmission is still on its way
            }
        }
    }

    /// <summary>An ACK prompted by a packet sent after the timeout: the collapse stands.</summary>
    public void ForgetTimeout() => _undoCwnd = 0;

    /// <summary>Marks every unacknowledged packet for sending again (without touching the windows).</summary>
    public void ResendUnacked()
    {
        foreach (RxPacketBuffer p in _packets)
        {
            if (!p.Acked)
            {
                p.NeedsSend = true;
            }
        }
    }

    public void Release()
    {
        AckAll();
        if (_fill is not null)
        {
            _spares.Keep(_fill);
            _fill = null;
        }
    }

    /// <summary>Makes a released queue (of a recycled call) an empty one, as the constructor leaves it.</summary>
    public void Reset(int packetSize, int bufferPackets, int initialCwnd, int initialPeerWindow)
    {
        Release();
        _packetSize = packetSize;
        _bufferPackets = bufferPackets;
        _fillCapacity = 0;
        _cwndFraction = 0;
        _recoveryPoint = 0;
        _latestDeliveredSentAt = TimeSpan.MinValue;
        _undoCwnd = 0;
        _undoSsthresh = 0;
        CongestionWindow = initialCwnd;
        SlowStartThreshold = 255;
        PeerWindow = initialPeerWindow;
        FirstUnacked = 1;
        NextSeq = 1;
        Completed = false;
        Backoff = 0;
        TimeoutSerial = 0;
    }

    private int InFlight()
    {
        int n = 0;
        foreach (RxPacketBuffer p in _packets)
        {
            if (!p.Acked && !p.NeedsSend)
            {
                n++;
            }
        }

        return n;
    }

    private void Grow(int acked)
    {
        for (int i = 0; i < acked; i++)
        {
            if (CongestionWindow < SlowStartThreshold)
            {
                CongestionWindow++;
            }
            else if (++_cwndFraction >= CongestionWindow)
            {
                _cwndFraction = 0;
                CongestionWindow++;
            }
        }

        CongestionWindow = Math.Min(CongestionWindow, 255);
    }

    private void Enqueue(RxPacketBuffer packet, bool last)
    {
        packet.Seq = NextSeq++;
        packet.Last = last;
        _packets.Add(packet);
    }
}
