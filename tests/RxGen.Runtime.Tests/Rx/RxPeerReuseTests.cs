using System;
using System.Buffers.Binary;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using Xunit;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// The transport reuses per-call machinery (a call's wait signal, server calls' abort token sources): cancelling a
/// wait after many reuses still works, an aborted call's token fires, and recycled tokens of later calls do not; with
/// client continuations on the thread pool and on the receive thread (<see cref="RxPeerOptions.RunClientContinuationsInline"/>).
/// </summary>
public sealed class RxPeerReuseTests
{
    private const ushort ServiceId = 7412;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Cancelled_waits_and_recycled_abort_tokens_behave_after_many_calls(bool inlineContinuations)
    {
        var service = new HoldService();
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(service);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), new RxPeerOptions { RunClientContinuationsInline = inlineContinuations });
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, ServiceId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        for (int round = 0; round < 3; round++)
        {
            for (int i = 0; i < 200; i++)
            {
                Assert.Equal(i + 1, await CallAsync(connection, hold: false, i, timeout.Token));
            }

            // A call the server holds: the client's read waits, and cancelling it aborts the call.
            using var cancel = new CancellationTokenSource();
            Task<int> held = CallAsync(connection, hold: true, 0, cancel.Token);
            Assert.True(await service.Held.Task.WaitAsync(timeout.Token));
            Assert.False(held.IsCompleted);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => held.WaitAsync(timeout.Token));

            // The server call's token fires (the client aborted with RX_USER_ABORT).
            Assert.True(await service.SawAbort.Task.WaitAsync(timeout.Token));
            service.Reset();
        }

        // After the aborts, calls still work and none of the (recycled) tokens of completed calls fired.
        for (int i = 0; i < 200; i++)
        {
            Assert.Equal(i + 1, await CallAsync(connection, hold: false, i, timeout.Token));
        }

        // Many callers at once (calls spread over channels and connections; waits for a channel share a signal).
        Task[] workers = new Task[48];
        for (int w = 0; w < workers.Length; w++)
        {
            int id = w;
            workers[w] = Task.Run(async () =>
            {
                for (int i = 0; i < 50; i++)
                {
                    Assert.Equal((id * 1000) + i + 1, await CallAsync(connection, hold: false, (id * 1000) + i, timeout.Token));
                }
            });
        }

        await Task.WhenAll(workers).WaitAsync(timeout.Token);
        Assert.Equal(0, service.CancelledCompletedCalls);
    }

    [Fact]
    public async Task A_disposed_client_call_gives_its_engine_call_back_and_refuses_further_use_while_later_calls_on_one_peer_as_client_and_server_stay_right()
    {
        var service = new HoldService();
        await using RxPeer peer = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)); // client and server on one socket
        peer.AddService(service);
        await using IRxConnection connection = peer.Connect(peer.LocalEndPoint, ServiceId);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        IRxClientCall first = await connection.StartCallAsync(timeout.Token);
        byte[] request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), 99);
        await first.WriteAsync(request, timeout.Token);
        byte[] reply = new byte[4];
        Assert.Equal(4, await first.ReadAsync(reply, timeout.Token));
        Assert.Equal(0, await first.ReadAsync(reply, timeout.Token)); // the end of the reply: the call has ended
        await first.DisposeAsync();
        Assert.Equal(ServiceId, first.ServiceId);

        // The engine may now hand that call object to another call, the server side of this peer's calls included.
        for (int i = 0; i < 300; i++)
        {
            Assert.Equal(i + 1, await CallAsync(connection, hold: false, i, timeout.Token));
        }

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await first.ReadAsync(reply, timeout.Token));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await first.WriteAsync(request, timeout.Token));
        await first.AbortAsync(-1); // a no-op: it must not abort whichever call now uses the engine's object
        Assert.Equal(5, await CallAsync(connection, hold: false, 4, timeout.Token));
        Assert.Equal(0, service.CancelledCompletedCalls);
    }

    private static async Task<int> CallAsync(IRxConnection connection, bool hold, int value, CancellationToken cancellationToken)
    {
        await using IRxClientCall call = await connection.StartCallAsync(cancellationToken);
        byte[] request = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(request, hold ? 2 : 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), value);
        await call.WriteAsync(request, cancellationToken);
        await call.CompleteRequestAsync(cancellationToken);
        byte[] reply = new byte[4];
        int got = 0;
        while (got < 4)
        {
            int n = await call.ReadAsync(reply.AsMemory(got), cancellationToken);
            Assert.NotEqual(0, n);
            got += n;
        }

        return BinaryPrimitives.ReadInt32BigEndian(reply);
    }

    private sealed class HoldService : IRxService
    {
        private int _cancelledCompleted;

        public TaskCompletionSource<bool> Held { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<bool> SawAbort { get; private set; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int CancelledCompletedCalls => Volatile.Read(ref _cancelledCompleted);

        public ushort ServiceId => RxPeerReuseTests.ServiceId;

        public string Name => "HOLD";

        public void Reset()
        {
            Held = new(TaskCreationOptions.RunContinuationsAsynchronously);
            SawAbort = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            byte[] request = new byte[8];
            int got = 0;
            while (got < 8)
            {
                int n = await call.ReadAsync(request.AsMemory(got), cancellationToken);
                if (n == 0)
                {
                    return RxGenErrorCodes.ProtocolError;
                }

                got += n;
            }

            if (BinaryPrimitives.ReadInt32BigEndian(request) == 2)
            {
                Held.TrySetResult(true);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    SawAbort.TrySetResult(true);
                    throw;
                }

                return RxGenErrorCodes.ProtocolError; // not reached within the test's time
            }

            if (cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _cancelledCompleted);
            }

            byte[] reply = new byte[4];
            BinaryPrimitives.WriteInt32BigEndian(reply, BinaryPrimitives.ReadInt32BigEndian(request.AsSpan(4)) + 1);
            await call.WriteAsync(reply, cancellationToken);
            return 0;
        }
    }
}
