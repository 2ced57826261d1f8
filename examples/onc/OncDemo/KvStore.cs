using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using OncDemo.KvStore;
using RxGen.Runtime.Rpc;

namespace OncDemo;

/// <summary>
/// The key/value store behind both program versions: thread-safe, in memory. Every key carries a version that
/// starts at 1 when the key is created and grows by one on each PUT or successful CAS.
/// </summary>
public sealed class KeyValueStore
{
    private readonly object _gate = new();
    private readonly SortedDictionary<string, (byte[] Value, ulong Version)> _entries = new(StringComparer.Ordinal);
    private readonly long _started = Stopwatch.GetTimestamp();
    private ulong _bytes;

    /// <summary>Creates a store; a read-only one answers KV_READONLY to PUT, DELETE and CAS.</summary>
    public KeyValueStore(bool readOnly) => ReadOnly = readOnly;

    /// <summary>Whether writes are refused.</summary>
    public bool ReadOnly { get; }

    /// <summary>KVPROC_PUT.</summary>
    public kvstatus Put(string key, byte[] value)
    {
        if (ReadOnly) return kvstatus.KV_READONLY;
        lock (_gate)
        {
            ulong version = 1;
            if (_entries.TryGetValue(key, out var old))
            {
                version = old.Version + 1;
                _bytes -= Size(key, old.Value);
            }
            _entries[key] = (value, version);
            _bytes += Size(key, value);
        }
        return kvstatus.KV_OK;
    }

    /// <summary>KVPROC_GET.</summary>
    public kvgetres Get(string key)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(key, out var entry) ? kvgetres.FromValue(entry.Value) : kvgetres.FromVoid(kvstatus.KV_NOTFOUND);
        }
    }

    /// <summary>KVPROC_DELETE.</summary>
    public kvstatus Delete(string key)
    {
        if (ReadOnly) return kvstatus.KV_READONLY;
        lock (_gate)
        {
            if (!_entries.Remove(key, out var old)) return kvstatus.KV_NOTFOUND;
            _bytes -= Size(key, old.Value);
            return kvstatus.KV_OK;
        }
    }

    /// <summary>KVPROC_LIST: every entry, ordered by key (ordinal).</summary>
    public kventry? List()
    {
        lock (_gate)
        {
            kventry? head = null;
            foreach (var pair in _entries.Reverse())
            {
                head = new kventry { Key = pair.Key, Value = pair.Value.Value, Next = head };
            }
            return head;
        }
    }

    /// <summary>KVPROC_CAS: replaces the value when the key's version is the expected one.</summary>
    public kvcasres CompareAndSet(kvcasargs args)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(args.Key, out var old)) return kvcasres.FromVoid(kvstatus.KV_NOTFOUND);
            // kvstore.x has no "conflict" status: a read-only store and a version mismatch both answer
            // KV_READONLY with the current version (the union's default arm).
            if (ReadOnly || old.Version != args.ExpectedVersion) return kvcasres.FromCurrentVersion(kvstatus.KV_READONLY, old.Version);
            _entries[args.Key] = (args.Value, old.Version + 1);
            _bytes = _bytes - Size(args.Key, old.Value) + Size(args.Key, args.Value);
            return kvcasres.FromNewVersion(old.Version + 1);
        }
    }

    /// <summary>KVPROC_STATS.</summary>
    public kvstats Stats()
    {
        lock (_gate)
        {
            return new kvstats
            {
                Entries = (uint)_entries.Count,
                Bytes = _bytes,
                UptimeNs = (long)Stopwatch.GetElapsedTime(_started).TotalNanoseconds,
                Readonly = ReadOnly,
            };
        }
    }

    /// <summary>KVPROC_COUNT: how many keys start with the prefix; KV_NOTFOUND when none.</summary>
    public kvstrictres Count(string prefix)
    {
        lock (_gate)
        {
            uint n = 0;
            foreach (var key in _entries.Keys)
            {
                if (key.StartsWith(prefix, StringComparison.Ordinal)) n++;
            }
            return n == 0 ? kvstrictres.FromVoid(kvstatus.KV_NOTFOUND) : kvstrictres.FromCount(n);
        }
    }

    private static ulong Size(string key, byte[] value) => (ulong)(Encoding.UTF8.GetByteCount(key) + value.Length);
}

/// <summary>Version 1 of KVSTORE_PROG over the store.</summary>
public sealed class KvStoreV1(KeyValueStore store) : KVSTORE_V1ServiceBase
{
    /// <inheritdoc/>
    public override ValueTask<kvstatus> KvprocPutAsync(string arg1, byte[] arg2, OncCallContext context) => ValueTask.FromResult(store.Put(arg1, arg2));

    /// <inheritdoc/>
    public override ValueTask<kvgetres> KvprocGetAsync(string argument, OncCallContext context) => ValueTask.FromResult(store.Get(argument));

    /// <inheritdoc/>
    public override ValueTask<kvstatus> KvprocDeleteAsync(string argument, OncCallContext context) => ValueTask.FromResult(store.Delete(argument));

    /// <inheritdoc/>
    public override ValueTask<kventry?> KvprocListAsync(OncCallContext context) => ValueTask.FromResult(store.List());
}

/// <summary>Version 2 of KVSTORE_PROG over the same store.</summary>
public sealed class KvStoreV2(KeyValueStore store) : KVSTORE_V2ServiceBase
{
    /// <inheritdoc/>
    public override ValueTask<kvstatus> KvprocPutAsync(string arg1, byte[] arg2, OncCallContext context) => ValueTask.FromResult(store.Put(arg1, arg2));

    /// <inheritdoc/>
    public override ValueTask<kvgetres> KvprocGetAsync(string argument, OncCallContext context) => ValueTask.FromResult(store.Get(argument));

    /// <inheritdoc/>
    public override ValueTask<kvstatus> KvprocDeleteAsync(string argument, OncCallContext context) => ValueTask.FromResult(store.Delete(argument));

    /// <inheritdoc/>
    public override ValueTask<kventry?> KvprocListAsync(OncCallContext context) => ValueTask.FromResult(store.List());

    /// <inheritdoc/>
    public override ValueTask<kvcasres> KvprocCasAsync(kvcasargs argument, OncCallContext context) => ValueTask.FromResult(store.CompareAndSet(argument));

    /// <inheritdoc/>
    public override ValueTask<kvgetres[]> KvprocGetmanyAsync(string[] argument, OncCallContext context) =>
        ValueTask.FromResult(Array.ConvertAll(argument, store.Get));

    /// <inheritdoc/>
    public override ValueTask<kvstats> KvprocStatsAsync(OncCallContext context) => ValueTask.FromResult(store.Stats());

    /// <inheritdoc/>
    public override ValueTask<kvstrictres> KvprocCountAsync(string argument, OncCallContext context) => ValueTask.FromResult(store.Count(argument));
}
