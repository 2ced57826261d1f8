using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Golden.KvStore;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>
/// The generated rpcgen-style Golden.KvStore clients against the generated dispatchers over
/// <see cref="InMemoryOncServer"/>, both program versions: every procedure, and the RPC-level failures
/// (PROC_UNAVAIL, PROG_MISMATCH, GARBAGE_ARGS).
/// </summary>
public sealed class OncRoundTripTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly KvStore _store = new();
    private readonly InMemoryOncServer _server = new();
    private readonly KVSTORE_V1Client _v1;
    private readonly KVSTORE_V2Client _v2;

    public OncRoundTripTests()
    {
        _server.Add(new KVSTORE_V1Dispatcher(_store));
        _server.Add(new KVSTORE_V2Dispatcher(_store));
        _v1 = new KVSTORE_V1Client(_server);
        _v2 = new KVSTORE_V2Client(_server);
    }

    [Fact]
    public async Task NullProcedure_Succeeds_InBothVersions()
    {
        await _v1.KvprocNullAsync().WaitAsync(Timeout);
        await _v2.KvprocNullAsync().WaitAsync(Timeout);

        Assert.Equal(2, _store.NullCalls);
    }

    [Fact]
    public async Task Put_TwoArguments_ThenGet_FindsTheValue()
    {
        byte[] value = Encoding.UTF8.GetBytes("value with \u00e9");

        kvstatus put = await _v1.KvprocPutAsync("alpha", value).WaitAsync(Timeout);
        kvgetres found = await _v1.KvprocGetAsync("alpha").WaitAsync(Timeout);

        Assert.Equal(kvstatus.KV_OK, put);
        Assert.Equal(kvstatus.KV_OK, found.Status);
        Assert.True(found.IsValue);
        Assert.Equal(value, found.Value);
        Assert.NotNull(_store.LastPut);
        Assert.Equal("alpha", _store.LastPut.Value.Item1);
        Assert.Equal(value, _store.LastPut.Value.Item2);
    }

    [Fact]
    public async Task Get_MissingKey_ReturnsTheVoidArm()
    {
        kvgetres missing = await _v1.KvprocGetAsync("nope").WaitAsync(Timeout);

        Assert.Equal(kvstatus.KV_NOTFOUND, missing.Status);
        Assert.False(missing.IsValue);
        Assert.Throws<InvalidOperationException>(() => missing.Value);
    }

    [Fact]
    public async Task Put_ValueOverTheBound_IsRejectedByTheServersStatus_AndTheClientEncoder()
    {
        // The service answers KV_TOOBIG for values at the bound; past the bound the client refuses to encode.
        Assert.Equal(kvstatus.KV_TOOBIG, await _v1.KvprocPutAsync("big", new byte[KvstoreIdl.KV_MAXVALUE]).WaitAsync(Timeout));
        XdrException ex = await Assert.ThrowsAsync<XdrException>(() => _v1.KvprocPutAsync("big", new byte[KvstoreIdl.KV_MAXVALUE + 1]).WaitAsync(Timeout));
        Assert.Equal("KVSTORE_V1.KVPROC_PUT.arg2", ex.FieldPath);
    }

    [Fact]
    public async Task Delete_ReportsFoundAndNotFound()
    {
        await _v1.KvprocPutAsync("gone", [1]).WaitAsync(Timeout);

        Assert.Equal(kvstatus.KV_OK, await _v1.KvprocDeleteAsync("gone").WaitAsync(Timeout));
        Assert.Equal(kvstatus.KV_NOTFOUND, await _v1.KvprocDeleteAsync("gone").WaitAsync(Timeout));
        Assert.Equal(kvstatus.KV_NOTFOUND, (await _v1.KvprocGetAsync("gone").WaitAsync(Timeout)).Status);
    }

    [Fact]
    public async Task List_ReturnsTheLinkedList_InOrder()
    {
        Assert.Null(await _v1.KvprocListAsync().WaitAsync(Timeout));
        foreach (string key in new[] { "c", "a", "b" })
        {
            await _v1.KvprocPutAsync(key, Encoding.ASCII.GetBytes(key + key)).WaitAsync(Timeout);
        }

        kventry? head = await _v1.KvprocListAsync().WaitAsync(Timeout);

        var entries = new List<(string, string)>();
        for (kventry? e = head; e is not null; e = e.Next)
        {
            entries.Add((e.Key, Encoding.ASCII.GetString(e.Value)));
        }

        Assert.Equal(new[] { ("a", "aa"), ("b", "bb"), ("c", "cc") }, entries);
    }

    [Fact]
    public async Task V2_SharedProcedures_BehaveLikeV1()
    {
        Assert.Equal(kvstatus.KV_OK, await _v2.KvprocPutAsync("p", [7]).WaitAsync(Timeout));
        Assert.Equal(kvstatus.KV_OK, await _v2.KvprocPutAsync("q", [8]).WaitAsync(Timeout));
        Assert.Equal(kvstatus.KV_OK, await _v2.KvprocDeleteAsync("p").WaitAsync(Timeout));

        kventry? head = await _v2.KvprocListAsync().WaitAsync(Timeout);

        Assert.NotNull(head);
        Assert.Equal("q", head.Key);
        Assert.Equal(new byte[] { 8 }, head.Value);
        Assert.Null(head.Next);
        Assert.Equal(kvstatus.KV_NOTFOUND, (await _v1.KvprocGetAsync("p").WaitAsync(Timeout)).Status);
    }

    [Fact]
    public async Task V2_CompareAndSwap_SelectsEachUnionArm()
    {
        await _v2.KvprocPutAsync("k", [1]).WaitAsync(Timeout); // version 1

        kvcasres swapped = await _v2.KvprocCasAsync(new kvcasargs { Key = "k", ExpectedVersion = 1, Value = [2] }).WaitAsync(Timeout);
        kvcasres stale = await _v2.KvprocCasAsync(new kvcasargs { Key = "k", ExpectedVersion = 1, Value = [3] }).WaitAsync(Timeout);
        kvcasres missing = await _v2.KvprocCasAsync(new kvcasargs { Key = "absent", ExpectedVersion = 0, Value = [] }).WaitAsync(Timeout);

        Assert.True(swapped.IsNewVersion);
        Assert.Equal(2UL, swapped.NewVersion);
        Assert.Equal(kvstatus.KV_READONLY, stale.Status);
        Assert.True(stale.IsCurrentVersion);
        Assert.Equal(2UL, stale.CurrentVersion);
        Assert.Equal(kvstatus.KV_NOTFOUND, missing.Status);
        Assert.False(missing.IsNewVersion || missing.IsCurrentVersion);
        Assert.Equal(new byte[] { 2 }, (await _v2.KvprocGetAsync("k").WaitAsync(Timeout)).Value);
    }

    [Fact]
    public async Task V2_GetMany_ReturnsOneUnionPerKey()
    {
        await _v2.KvprocPutAsync("x", [9, 9]).WaitAsync(Timeout);

        kvgetres[] results = await _v2.KvprocGetmanyAsync(["x", "y", "x"]).WaitAsync(Timeout);

        Assert.Equal(new[] { kvstatus.KV_OK, kvstatus.KV_NOTFOUND, kvstatus.KV_OK }, results.Select(r => r.Status));
        Assert.Equal(new byte[] { 9, 9 }, results[2].Value);
    }

    [Fact]
    public async Task V2_Stats_ReturnsTheStruct()
    {
        await _v2.KvprocPutAsync("a", [1, 2, 3]).WaitAsync(Timeout);
        await _v2.KvprocPutAsync("b", [4]).WaitAsync(Timeout);

        Assert.True((await _v2.KvprocCountAsync("no-such-key").WaitAsync(Timeout)).Status == kvstatus.KV_NOTFOUND);
        kvstats stats = await _v2.KvprocStatsAsync().WaitAsync(Timeout);

        Assert.Equal(2u, stats.Entries);
        Assert.Equal(4UL, stats.Bytes);
        Assert.Equal(KvStore.UptimeNs, stats.UptimeNs);
        Assert.True(stats.Readonly);
    }

    [Fact]
    public async Task UnknownProcedure_FailsWithProcUnavail()
    {
        OncRpcException v1 = await Assert.ThrowsAsync<OncRpcException>(() => CallRawAsync(KVSTORE_V1Protocol.Version, 5, []));
        OncRpcException v2 = await Assert.ThrowsAsync<OncRpcException>(() => CallRawAsync(KVSTORE_V2Protocol.Version, 99, []));

        Assert.Equal(OncAcceptStat.ProcUnavail, v1.Status);
        Assert.Equal(OncAcceptStat.ProcUnavail, v2.Status);
    }

    [Fact]
    public async Task UnknownVersion_FailsWithProgMismatch_CarryingTheServedRange()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(() => CallRawAsync(3, KVSTORE_V1Protocol.Procedures.KvprocNull, []));

        Assert.Equal(OncAcceptStat.ProgMismatch, ex.Status);
        Assert.Equal(1u, ex.LowVersion);
        Assert.Equal(2u, ex.HighVersion);
    }

    [Fact]
    public async Task UnknownProgram_FailsWithProgUnavail()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(
            async () => (await _server.CallAsync(KVSTORE_V1Protocol.Program + 1, 1, 0, ReadOnlyMemory<byte>.Empty).AsTask().WaitAsync(Timeout)).Dispose());

        Assert.Equal(OncAcceptStat.ProgUnavail, ex.Status);
    }

    public static TheoryData<string, uint, byte[]> GarbageArguments => new()
    {
        { "PUT with the second argument missing", KVSTORE_V1Protocol.Procedures.KvprocPut, Wire.Words(1, 0x61000000) },
        { "PUT key over kvkey<256>", KVSTORE_V1Protocol.Procedures.KvprocPut, Wire.Words(257) },
        { "GET key cut short", KVSTORE_V1Protocol.Procedures.KvprocGet, Wire.Words(8, 0x61626364) },
        { "GET key not UTF-8", KVSTORE_V1Protocol.Procedures.KvprocGet, Wire.Concat(Wire.Words(1), [0xff, 0, 0, 0]) },
        { "NULL with an argument", KVSTORE_V1Protocol.Procedures.KvprocNull, Wire.Words(0) },
        { "LIST with trailing bytes", KVSTORE_V1Protocol.Procedures.KvprocList, Wire.Words(1, 2) },
        { "DELETE with absurd length", KVSTORE_V1Protocol.Procedures.KvprocDelete, Wire.Words(0xFFFFFFFF) },
    };

    [Theory]
    [MemberData(nameof(GarbageArguments))]
    public async Task GarbageArguments_FailWithGarbageArgs_WithoutReachingTheService(string what, uint procedure, byte[] arguments)
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(() => CallRawAsync(KVSTORE_V1Protocol.Version, procedure, arguments));

        Assert.True(ex.Status == OncAcceptStat.GarbageArgs, $"{what}: {ex.Status}");
        Assert.Equal(0, _store.ServiceCalls);
    }

    [Fact]
    public async Task V2GetMany_CountOverTheBound_FailsWithGarbageArgs()
    {
        byte[] arguments = Wire.Words([KvstoreIdl.KV_MAXBATCH + 1, .. new uint[KvstoreIdl.KV_MAXBATCH + 1]]);

        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(() => CallRawAsync(KVSTORE_V2Protocol.Version, KVSTORE_V2Protocol.Procedures.KvprocGetmany, arguments));

        Assert.Equal(OncAcceptStat.GarbageArgs, ex.Status);
    }

    [Fact]
    public async Task ServiceFailure_IsASystemError_AndCancellationPropagates()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(() => _v1.KvprocGetAsync(KvStore.FailingKey).WaitAsync(Timeout));
        Assert.Equal(OncAcceptStat.SystemErr, ex.Status);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _v1.KvprocGetAsync("a", new CancellationToken(canceled: true)).WaitAsync(Timeout));
    }

    private async Task CallRawAsync(uint version, uint procedure, byte[] arguments)
    {
        using XdrPooledBuffer reply = await _server.CallAsync(KVSTORE_V1Protocol.Program, version, procedure, arguments).AsTask().WaitAsync(Timeout);
    }

    /// <summary>An in-memory key/value store serving both versions; versions count PUTs per key.</summary>
    private sealed class KvStore : IKVSTORE_V1Service, IKVSTORE_V2Service
    {
        public const long UptimeNs = 123_456_789_000;
        public const string FailingKey = "fail!";

        private readonly ConcurrentDictionary<string, (byte[] Value, ulong Version)> _data = new(StringComparer.Ordinal);
        private int _nullCalls;
        private int _serviceCalls;

        public int NullCalls => Volatile.Read(ref _nullCalls);

        public int ServiceCalls => Volatile.Read(ref _serviceCalls);

        public (string, byte[])? LastPut { get; private set; }

        public ValueTask KvprocNullAsync(OncCallContext context)
        {
            Interlocked.Increment(ref _nullCalls);
            Interlocked.Increment(ref _serviceCalls);
            return ValueTask.CompletedTask;
        }

        public ValueTask<kvstatus> KvprocPutAsync(string arg1, byte[] arg2, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            if (arg2.Length >= KvstoreIdl.KV_MAXVALUE)
            {
                return ValueTask.FromResult(kvstatus.KV_TOOBIG);
            }

            LastPut = (arg1, arg2);
            _data.AddOrUpdate(arg1, _ => (arg2, 1), (_, old) => (arg2, old.Version + 1));
            return ValueTask.FromResult(kvstatus.KV_OK);
        }

        public ValueTask<kvgetres> KvprocGetAsync(string argument, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            if (argument == FailingKey)
            {
                throw new InvalidOperationException("the store is broken");
            }

            return ValueTask.FromResult(Get(argument));
        }

        public ValueTask<kvstatus> KvprocDeleteAsync(string argument, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            return ValueTask.FromResult(_data.TryRemove(argument, out _) ? kvstatus.KV_OK : kvstatus.KV_NOTFOUND);
        }

        public ValueTask<kventry?> KvprocListAsync(OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            kventry? head = null;
            foreach (var pair in _data.OrderByDescending(p => p.Key, StringComparer.Ordinal))
            {
                head = new kventry { Key = pair.Key, Value = pair.Value.Value, Next = head };
            }

            return ValueTask.FromResult(head);
        }

        public ValueTask<kvcasres> KvprocCasAsync(kvcasargs argument, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            if (!_data.TryGetValue(argument.Key, out var current))
            {
                return ValueTask.FromResult(kvcasres.FromVoid(kvstatus.KV_NOTFOUND));
            }

            if (current.Version != argument.ExpectedVersion ||
                !_data.TryUpdate(argument.Key, (argument.Value, current.Version + 1), current))
            {
                return ValueTask.FromResult(kvcasres.FromCurrentVersion(kvstatus.KV_READONLY, current.Version));
            }

            return ValueTask.FromResult(kvcasres.FromNewVersion(current.Version + 1));
        }

        public ValueTask<kvgetres[]> KvprocGetmanyAsync(string[] argument, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            return ValueTask.FromResult(argument.Select(Get).ToArray());
        }

        public ValueTask<kvstrictres> KvprocCountAsync(string argument, OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            return ValueTask.FromResult(_data.ContainsKey(argument) ? kvstrictres.FromCount(1) : kvstrictres.FromVoid(kvstatus.KV_NOTFOUND));
        }

        public ValueTask<kvstats> KvprocStatsAsync(OncCallContext context)
        {
            Interlocked.Increment(ref _serviceCalls);
            return ValueTask.FromResult(new kvstats
            {
                Entries = (uint)_data.Count,
                Bytes = (ulong)_data.Values.Sum(v => v.Value.Length),
                UptimeNs = UptimeNs,
                Readonly = true,
            });
        }

        private kvgetres Get(string key) =>
            _data.TryGetValue(key, out var entry) ? kvgetres.FromValue(entry.Value) : kvgetres.FromVoid(kvstatus.KV_NOTFOUND);
    }
}
