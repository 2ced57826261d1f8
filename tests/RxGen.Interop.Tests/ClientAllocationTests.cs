using System;
using System.Threading;
using System.Threading.Tasks;
using Golden.KvStore;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>Runs alone: the measurements below count this thread's allocations, and pool slots are shared.</summary>
[CollectionDefinition(nameof(ClientAllocationTests), DisableParallelization = true)]
public sealed class ClientAllocationCollection;

/// <summary>
/// A generated client call allocates nothing on top of the transport call it makes: the request
/// writer comes from <see cref="XdrBufferWriter.Rent"/>. Measured over <see cref="InMemoryOncServer"/>,
/// whose calls complete synchronously on the calling thread, so
/// <see cref="GC.GetAllocatedBytesForCurrentThread"/> sees all of a call's allocations.
/// </summary>
[Collection(nameof(ClientAllocationTests))]
public sealed class ClientAllocationTests
{
    private const int Calls = 1000;
    private static readonly byte[] Value = [1, 2, 3, 4, 5];

    private readonly InMemoryOncServer _server = new();
    private readonly KVSTORE_V1Client _client;
    private readonly byte[] _putRequest;

    public ClientAllocationTests()
    {
        _server.Add(new KVSTORE_V1Dispatcher(new SynchronousKv()));
        _client = new KVSTORE_V1Client(_server);
        var request = new XdrBufferWriter();
        KVSTORE_V1Protocol.EncodeKvprocPutArguments(request, "alpha", Value);
        _putRequest = request.ToArray();
    }

    [Fact]
    public void AGeneratedClientCallAllocatesNoMoreThanTheTransportCallItMakes()
    {
        // Warm up both paths (JIT, pools, tiering), then measure each.
        for (int i = 0; i < 200; i++)
        {
            Generated();
            Baseline();
        }

        long generated = Measure(Generated);
        long baseline = Measure(Baseline);

        // Before the writer pool, every generated call also allocated its XdrBufferWriter (≥ 32 bytes).
        Assert.True(baseline > 0, "the transport path allocates (contexts, buffers): the measurement works");
        Assert.Equal(baseline, generated);
    }

    [Fact]
    public async Task GeneratedClientCallsCompleteSynchronouslyOverTheInMemoryServer()
    {
        // The premise of the measurement above: nothing leaves this thread.
        Task<kvstatus> put = _client.KvprocPutAsync("alpha", Value);
        Assert.True(put.IsCompletedSuccessfully);
        Assert.Equal(kvstatus.KV_OK, await put);
    }

    private static long Measure(Action call)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < Calls; i++)
        {
            call();
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / Calls;
    }

    private void Generated()
    {
        Task<kvstatus> put = _client.KvprocPutAsync("alpha", Value, CancellationToken.None);
        if (!put.IsCompletedSuccessfully || put.GetAwaiter().GetResult() != kvstatus.KV_OK)
        {
            throw new InvalidOperationException("the generated call did not complete synchronously");
        }
    }

    /// <summary>What the generated method does, minus encoding the request: the same transport call and decode.</summary>
    private void Baseline()
    {
        Task<kvstatus> put = BaselineAsync();
        if (!put.IsCompletedSuccessfully || put.GetAwaiter().GetResult() != kvstatus.KV_OK)
        {
            throw new InvalidOperationException("the baseline call did not complete synchronously");
        }
    }

    private async Task<kvstatus> BaselineAsync()
    {
        using XdrPooledBuffer reply = await _server.CallAsync(KVSTORE_V1Protocol.Program, KVSTORE_V1Protocol.Version, KVSTORE_V1Protocol.Procedures.KvprocPut, _putRequest, CancellationToken.None).ConfigureAwait(false);
        return KVSTORE_V1Protocol.DecodeKvprocPutResult(reply.Span);
    }

    /// <summary>Serves PUT synchronously with a cached task.</summary>
    private sealed class SynchronousKv : KVSTORE_V1ServiceBase
    {
        private static ValueTask<kvstatus> Ok => new(kvstatus.KV_OK);

        public override ValueTask<kvstatus> KvprocPutAsync(string arg1, byte[] arg2, OncCallContext context) => Ok;
    }
}
