using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Net;
using System.Numerics;

namespace RxGen.Runtime.Onc;

/// <summary>What <see cref="OncDuplicateRequestCache.Begin"/> found.</summary>
public enum OncCacheLookup
{
    /// <summary>A new call: run it, then <see cref="OncDuplicateRequestCache.Complete"/> or <see cref="OncDuplicateRequestCache.Abandon"/> its ticket.</summary>
    New,

    /// <summary>A retransmission of a call whose reply is cached: the reply was copied out; send it, do not run the call.</summary>
    Replay,

    /// <summary>A retransmission of a call still running: drop it (the running call will answer).</summary>
    InProgress,

    /// <summary>The cache is full of running calls: run this one without caching it.</summary>
    NotCached,
}

/// <summary>A call's place in the <see cref="OncDuplicateRequestCache"/>, from <see cref="OncDuplicateRequestCache.Begin"/>.</summary>
public readonly struct OncCacheTicket
{
    internal OncCacheTicket(object entry, long generation)
    {
        Entry = entry;
        Generation = generation;
    }

    internal object? Entry { get; }

    /// <summary>Which use of a (recycled) entry the ticket stands for.</summary>
    internal long Generation { get; }

    /// <summary>True when the ticket stands for a cache entry (lookup <see cref="OncCacheLookup.New"/>).</summary>
    public bool IsValid => Entry is not null;
}

/// <summary>
/// The UDP duplicate-request cache: replies of recent calls by (client address, xid, program, version,
/// procedure, checksum of the rest of the call message), so that a retransmitted call is answered with the
/// identical reply without running the procedure again, and a retransmission that arrives while the first
/// run is in progress is not run twice. Bounded by entries and by reply bytes; eviction takes the oldest
/// completed entry and never an entry in progress. Thread-safe.
/// </summary>
public sealed class OncDuplicateRequestCache
{
    private readonly object _lock = new();
    private readonly Dictionary<Key, Entry> _entries;
    private readonly Stack<Entry> _free = new();
    private Entry? _oldest; // completed entries, oldest first (intrusive list)
    private Entry? _newest;
    private readonly int _capacity;
    private readonly long _maxBytes;
    private long _bytes;

    /// <summary>Creates a cache.</summary>
    /// <param name="capacity">The most entries (running and completed).</param>
    /// <param name="maxBytes">The most reply bytes held.</param>
    public OncDuplicateRequestCache(int capacity, long maxBytes = 8L << 20)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(maxBytes);
        _capacity = capacity;
        _maxBytes = maxBytes;
        _entries = new Dictionary<Key, Entry>(Math.Min(capacity, 4096));
    }

    /// <summary>Entries held (running and completed).</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Reply bytes held.</summary>
    public long Bytes
    {
        get
        {
            lock (_lock)
            {
                return _bytes;
            }
        }
    }

    /// <summary>Looks a call up and, when it is new, enters it as in progress.</summary>
    /// <param name="caller">The client's address.</param>
    /// <param name="header">The call's header.</param>
    /// <param name="message">The whole call message (the checksum covers everything after the xid).</param>
    /// <param name="replay">Receives the cached reply for <see cref="OncCacheLookup.Replay"/>.</param>
    /// <param name="ticket">For <see cref="OncCacheLookup.New"/>: the entry to complete or abandon.</param>
    /// <returns>What to do with the call.</returns>
    public OncCacheLookup Begin(EndPoint caller, in OncCallHeader header, ReadOnlySpan<byte> message, IBufferWriter<byte> replay, out OncCacheTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(replay);
        ticket = default;
        var key = new Key(caller, header.Xid, header.Program, header.Version, header.Procedure, Checksum(message.Length >= 4 ? message.Slice(4) : message));
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out Entry? found))
            {
                if (found.Reply is null)
                {
                    return OncCacheLookup.InProgress;
                }

                found.Reply.AsSpan(0, found.Length).CopyTo(replay.GetSpan(found.Length));
                replay.Advance(found.Length);
                return OncCacheLookup.Replay;
            }

            if (_entries.Count >= _capacity && !EvictOldest())
            {
                return OncCacheLookup.NotCached;
            }

            Entry entry = _free.Count > 0 ? _free.Pop() : new Entry();
            entry.Key = key;
            entry.Generation++;
            _entries.Add(key, entry);
            ticket = new OncCacheTicket(entry, entry.Generation);
            return OncCacheLookup.New;
        }
    }

    /// <summary>Stores the reply of a call entered by <see cref="Begin"/>; later retransmissions get it.</summary>
    /// <param name="ticket">The call's ticket.</param>
    /// <param name="reply">The reply message.</param>
    public void Complete(OncCacheTicket ticket, ReadOnlySpan<byte> reply)
    {
        if (ticket.Entry is not Entry entry)
        {
            return;
        }

        lock (_lock)
        {
            if (entry.Generation != ticket.Generation || !_entries.TryGetValue(entry.Key, out Entry? current) || !ReferenceEquals(current, entry) || entry.Reply is not null)
            {
                return;
            }

            if (reply.Length > _maxBytes)
            {
                Release(entry);
                return;
            }

            while (_bytes + reply.Length > _maxBytes && EvictOldest())
            {
            }

            byte[] copy = reply.IsEmpty ? Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(reply.Length);
            reply.CopyTo(copy);
            entry.Reply = copy;
            entry.Length = reply.Length;
            _bytes += reply.Length;
            entry.Newer = null;
            entry.Older = _newest;
            if (_newest is null)
            {
                _oldest = entry;
            }
            else
            {
                _newest.Newer = entry;
            }

            _newest = entry;
        }
    }

    /// <summary>Forgets a call entered by <see cref="Begin"/> that got no reply (so that a retransmission runs it).</summary>
    /// <param name="ticket">The call's ticket.</param>
    public void Abandon(OncCacheTicket ticket)
    {
        if (ticket.Entry is not Entry entry)
        {
            return;
        }

        lock (_lock)
        {
            if (entry.Generation == ticket.Generation && entry.Reply is null && _entries.TryGetValue(entry.Key, out Entry? current) && ReferenceEquals(current, entry))
            {
                Release(entry);
            }
        }
    }

    /// <summary>Drops every completed entry (running ones stay).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            while (EvictOldest())
            {
            }
        }
    }

    private bool EvictOldest()
    {
        Entry? entry = _oldest;
        if (entry is null)
        {
            return false;
        }

        _oldest = entry.Newer;
        if (_oldest is null)
        {
            _newest = null;
        }
        else
        {
            _oldest.Older = null;
        }

        _bytes -= entry.Length;
        if (entry.Reply is { Length: > 0 } array)
        {
            ArrayPool<byte>.Shared.Return(array);
        }

        Release(entry);
        return true;
    }

    /// <summary>Takes an entry (not in the completed list) out of the table and keeps it for reuse.</summary>
    private void Release(Entry entry)
    {
        _entries.Remove(entry.Key);
        entry.Key = default;
        entry.Reply = null;
        entry.Length = 0;
        entry.Older = entry.Newer = null;
        entry.Generation++;
        if (_free.Count < Math.Min(_capacity, 4096))
        {
            _free.Push(entry);
        }
    }

    /// <summary>A 64-bit checksum of a call body (not cryptographic: it tells retransmissions from reused xids).</summary>
    /// <param name="data">The bytes.</param>
    /// <returns>The checksum.</returns>
    public static ulong Checksum(ReadOnlySpan<byte> data)
    {
        const ulong c1 = 0x87c37b91114253d5UL;
        const ulong c2 = 0x4cf5ad432745937fUL;
        ulong h = 0x9E3779B97F4A7C15UL ^ (ulong)data.Length;
        while (data.Length >= 8)
        {
            ulong k = BinaryPrimitives.ReadUInt64LittleEndian(data);
            k *= c1;
            k = BitOperations.RotateLeft(k, 31);
            k *= c2;
            h ^= k;
            h = (BitOperations.RotateLeft(h, 27) * 5) + 0x52dce729;
            data = data.Slice(8);
        }

        ulong tail = 0;
        for (int i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        h ^= tail * c1;
        h ^= h >> 33;
        h *= 0xff51afd7ed558ccdUL;
        h ^= h >> 33;
        h *= 0xc4ceb9fe1a85ec53UL;
        h ^= h >> 33;
        return h;
    }

    private readonly record struct Key(EndPoint Caller, uint Xid, uint Program, uint Version, uint Procedure, ulong Checksum);

    /// <summary>One call: in progress while <see cref="Reply"/> is null. Entries are recycled; <see cref="Generation"/> tells uses apart.</summary>
    private sealed class Entry
    {
        public Key Key;
        public byte[]? Reply;
        public int Length;
        public long Generation;
        public Entry? Older;
        public Entry? Newer;
    }
}
