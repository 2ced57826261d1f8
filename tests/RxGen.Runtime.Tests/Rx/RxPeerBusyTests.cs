using System;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>BUSY over real sockets: a service with its slot and queue full refuses calls, and the C# client retries them soon.</summary>
public class RxPeerBusyTests
{
    private const ushort Service = 1240;

    [Fact]
    public async Task A_call_refused_by_a_full_service_is_retried_soon_after_the_slot_frees_and_runs_once()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        int executions = 0;
        var service = new DelegateRxService(Service, "gated", async (call, ct) =>
        {
            int n = Interlocked.Increment(ref executions);
            var buffer = new byte[64];
            int read = await call.ReadAsync(buffer, ct);
            if (n == 1)
            {
                entered.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }

            await call.WriteAsync(buffer.AsMemory(0, read), ct);
            return 0;
        });

        var serverOptions = new RxPeerOptions { MaxConcurrentCallsPerService = 1, MaxQueuedCallsPerService = 0 };
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), serverOptions);
        server.AddService(service);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        Task<XdrPooledBuffer> first = RxCalls.CallAsync(connection, new byte[] { 1, 2, 3, 4 }, CancellationToken.None).AsTask();
        await entered.Task.WithTimeout();
        var sw = Stopwatch.StartNew();
        Task<XdrPooledBuffer> second = RxCalls.CallAsync(connection, new byte[] { 5, 6, 7, 8 }, CancellationToken.None).AsTask();

        // While the first call holds the only slot, the second is refused with BUSY, again and again (backing off).
        for (int i = 0; i < 200 && client.GetStatistics().BusyReceived < 3; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(client.GetStatistics().BusyReceived >= 3, client.GetStatistics().ToString());
        Assert.True(server.GetStatistics().ServerCallsRefused >= 3, server.GetStatistics().ToString());
        Assert.False(second.IsCompleted);
        Assert.Equal(1, Volatile.Read(ref executions));

        TimeSpan releasedAt = sw.Elapsed;
        gate.SetResult();
        using (XdrPooledBuffer reply = await first.WithTimeout())
        {
            Assert.Equal(new byte[] { 1, 2, 3, 4 }, reply.Memory.ToArray());
        }

        using (XdrPooledBuffer reply = await second.WithTimeout())
        {
            Assert.Equal(new byte[] { 5, 6, 7, 8 }, reply.Memory.ToArray());
        }

        // The retry after the slot freed came from the BUSY back-off (a few ms, doubling), not the retransmission
        // timeout (1 s before any round-trip sample, doubling); and the refused call ran exactly once.
        TimeSpan after = sw.Elapsed - releasedAt;
        Assert.True(after < TimeSpan.FromMilliseconds(900), $"second call finished {after.TotalMilliseconds:F0} ms after the slot freed");
        Assert.Equal(2, Volatile.Read(ref executions));
        RxPeerStatistics stats = client.GetStatistics();
        Assert.True(stats.BusyRetries >= 3, stats.ToString());
        Assert.Equal(2, server.GetStatistics().ServerCalls);
    }

    [Fact]
    public async Task A_busy_abort_code_fails_the_refused_call_with_that_code()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new DelegateRxService(Service, "gated", async (call, ct) =>
        {
            entered.TrySetResult();
            await gate.Task.WaitAsync(ct);
            return 0;
        });

        var serverOptions = new RxPeerOptions
        {
            MaxConcurrentCallsPerService = 1,
            MaxQueuedCallsPerService = 0,
            Protocol = new RxProtocolOptions { BusyAbortCode = 110 },
        };
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), serverOptions);
        server.AddService(service);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        Task<XdrPooledBuffer> first = RxCalls.CallAsync(connection, new byte[4], CancellationToken.None).AsTask();
        await entered.Task.WithTimeout();
        RpcAbortException refused = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, new byte[4], CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(110, refused.Code);
        gate.SetResult();
        (await first.WithTimeout()).Dispose();
        Assert.Equal(1, server.GetStatistics().ServerCalls);
    }
}
