using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

public class InMemoryRxTests
{
    private const ushort EchoId = 7;

    private static async Task<IRxConnection> ConnectAsync(InMemoryRxServer server, ushort serviceId = EchoId) =>
        await server.ConnectAsync(serviceId, requestUpgrade: false).WithTimeout();

    private static InMemoryRxServer EchoServer()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Echo(EchoId));
        return server;
    }

    [Fact]
    public async Task EchoServiceAnswersAOneShotCall()
    {
        InMemoryRxServer server = EchoServer();
        IRxConnection connection = await ConnectAsync(server);
        Assert.Equal(EchoId, connection.ServiceId);
        byte[] request = Hex.Bytes("00000001 DEADBEEF 00000000");
        using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, request, CancellationToken.None).WithTimeout();
        Assert.Equal(request, reply.Span.ToArray());
        await TimeoutExtensions.Eventually(() => server.ActiveServerCalls == 0, "server side finished");
        Assert.Equal(1, server.CallsStarted);
    }

    [Fact]
    public async Task GeneratedStyleCallWithXdrCallReader()
    {
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(52, "sum", async (call, ct) =>
        {
            var reader = XdrCallReader.For(call);
            int opcode = await reader.DecodeAsync(static (ref XdrReader r) => r.ReadInt32(), ct);
            if (opcode != 503)
            {
                return RxGenErrorCodes.Opcode;
            }

            int[] values = await reader.DecodeAsync(static (ref XdrReader r) =>
            {
                int n = r.ReadCount(100, 4, "values");
                int[] v = new int[n];
                for (int i = 0; i < n; i++)
                {
                    v[i] = r.ReadInt32();
                }

                return v;
            }, ct);
            using var reply = new XdrBufferWriter();
            var w = new XdrWriter(reply);
            w.WriteInt64(values.Sum(v => (long)v));
            w.WriteUInt32(call.ServiceId);
            w.Flush();
            await call.WriteAsync(reply.WrittenMemory, ct);
            return 0;
        }));
        IRxConnection connection = await ConnectAsync(server, 52);

        await using IRxClientCall call = await connection.StartCallAsync().WithTimeout();
        Assert.Equal((ushort)52, call.ServiceId);
        using var request = new XdrBufferWriter();
        var rw = new XdrWriter(request);
        rw.WriteInt32(503);
        rw.WriteCount(3, 100, "values");
        rw.WriteInt32(int.MaxValue);
        rw.WriteInt32(int.MaxValue);
        rw.WriteInt32(2);
        rw.Flush();
        // Write in two pieces to show the request is a stream.
        await call.WriteAsync(request.WrittenMemory[..6]).WithTimeout();
        await call.WriteAsync(request.WrittenMemory[6..]).WithTimeout();
        var replyReader = XdrCallReader.For(call);
        long sum = await replyReader.DecodeAsync(static (ref XdrReader r) => r.ReadInt64(), CancellationToken.None).WithTimeout();
        uint serviceId = await replyReader.DecodeAsync(static (ref XdrReader r) => r.ReadUInt32(), CancellationToken.None).WithTimeout();
        Assert.Equal(2L * int.MaxValue + 2, sum);
        Assert.Equal(52u, serviceId);
        Assert.Equal(0, await replyReader.ReadRawAsync(new byte[1], CancellationToken.None).WithTimeout());
    }

    [Fact]
    public async Task EmptySuccessfulReplyIsEmpty()
    {
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(1, "void", (_, _) => Task.FromResult(0)));
        using XdrPooledBuffer reply = await RxCalls.CallAsync(await ConnectAsync(server, 1), Hex.Bytes("00000001"), CancellationToken.None).WithTimeout();
        Assert.Equal(0, reply.Length);
    }

    [Fact]
    public async Task UnknownServiceIsAbortedWithInvalidOperation()
    {
        InMemoryRxServer server = EchoServer();
        IRxConnection connection = await ConnectAsync(server, 999);
        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(
            async () => await RxCalls.CallAsync(connection, Hex.Bytes("00000001"), CancellationToken.None).WithTimeout());
        Assert.Equal(RxGenErrorCodes.InvalidOperation, ex.Code);
        Assert.Equal(-2, ex.Code);
        Assert.Contains("-2", ex.Message);
    }

    [Theory]
    [InlineData(RxGenErrorCodes.Opcode)]
    [InlineData(17)]
    [InlineData(-1)]
    public async Task ServiceReturnCodeBecomesTheClientsAbortCode(int code)
    {
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(3, "fails", async (call, ct) =>
        {
            await DelegateRxService.DrainAsync(call, ct);
            await call.WriteAsync(new byte[8], ct); // reply bytes that the abort must override
            return code;
        }));
        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(
            async () => await RxCalls.CallAsync(await ConnectAsync(server, 3), new byte[4], CancellationToken.None).WithTimeout());
        Assert.Equal(code, ex.Code);
        Assert.Contains(RxGenErrorCodes.Describe(code), ex.Message);
    }

    [Fact]
    public async Task ServiceExceptionsBecomeAborts()
    {
        var server = new InMemoryRxServer();
        Exception? faulted = null;
        server.ServiceFaulted = (_, ex) => faulted = ex;
        server.AddService(new DelegateRxService(1, "throws", (_, _) => throw new InvalidOperationException("boom")));
        server.AddService(new DelegateRxService(2, "aborts", (_, _) => throw new RpcAbortException(123)));

        RpcAbortException ex1 = await Assert.ThrowsAsync<RpcAbortException>(
            async () => await RxCalls.CallAsync(await ConnectAsync(server, 1), new byte[4], CancellationToken.None).WithTimeout());
        Assert.Equal(RxGenErrorCodes.UserAbort, ex1.Code);
        await TimeoutExtensions.Eventually(() => faulted is not null, "fault reported");
        Assert.Equal("boom", faulted!.Message);

        RpcAbortException ex2 = await Assert.ThrowsAsync<RpcAbortException>(
            async () => await RxCalls.CallAsync(await ConnectAsync(server, 2), new byte[4], CancellationToken.None).WithTimeout());
        Assert.Equal(123, ex2.Code);
    }

    [Fact]
    public async Task ClientAbortReachesTheServer()
    {
        var server = new InMemoryRxServer();
        var serverSaw = new TaskCompletionSource<(int Code, bool Cancelled)>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(4, "waits", async (call, ct) =>
        {
            try
            {
                await DelegateRxService.DrainAsync(call, ct);
                serverSaw.TrySetResult((0, false));
            }
            catch (RpcAbortException ex)
            {
                serverSaw.TrySetResult((ex.Code, ct.IsCancellationRequested));
                throw;
            }

            return 0;
        }));
        IRxConnection connection = await ConnectAsync(server, 4);
        await using IRxClientCall call = await connection.StartCallAsync().WithTimeout();
        await call.WriteAsync(new byte[4]).WithTimeout();
        await call.AbortAsync(99).WithTimeout();
        (int code, bool _) = await serverSaw.Task.WithTimeout();
        Assert.Equal(99, code);
        await TimeoutExtensions.Eventually(() => server.ActiveServerCalls == 0, "server side finished");

        RpcAbortException local = await Assert.ThrowsAsync<RpcAbortException>(async () => await call.ReadAsync(new byte[4]));
        Assert.Equal(99, local.Code);
        await Assert.ThrowsAsync<RpcAbortException>(async () => await call.WriteAsync(new byte[4]));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () => await call.AbortAsync(0));
    }

    [Fact]
    public async Task ClientAbortCancelsTheServersToken()
    {
        var server = new InMemoryRxServer();
        var cancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(5, "sleeps", async (_, ct) =>
        {
            using CancellationTokenRegistration reg = ct.Register(() => cancelled.TrySetResult());
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }));
        await using IRxClientCall call = await (await ConnectAsync(server, 5)).StartCallAsync().WithTimeout();
        await started.Task.WithTimeout();
        await call.AbortAsync(RxGenErrorCodes.CallTimeout).WithTimeout();
        await cancelled.Task.WithTimeout();
        await TimeoutExtensions.Eventually(() => server.ActiveServerCalls == 0, "server side finished");
    }

    [Fact]
    public async Task CancellingAClientReadAbortsTheCall()
    {
        var server = new InMemoryRxServer();
        var serverCode = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(6, "slow", async (call, ct) =>
        {
            try
            {
                await DelegateRxService.DrainAsync(call, ct);
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                serverCode.TrySetResult(-1000);
                throw;
            }

            return 0;
        }));
        await using IRxClientCall call = await (await ConnectAsync(server, 6)).StartCallAsync().WithTimeout();
        await call.WriteAsync(new byte[4]).WithTimeout();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call.ReadAsync(new byte[4], cts.Token).WithTimeout());
        Assert.Equal(-1000, await serverCode.Task.WithTimeout());
        RpcAbortException after = await Assert.ThrowsAsync<RpcAbortException>(async () => await call.ReadAsync(new byte[4]));
        Assert.Equal(RxGenErrorCodes.UserAbort, after.Code);
        await TimeoutExtensions.Eventually(() => server.ActiveServerCalls == 0, "server side finished");
    }

    [Fact]
    public async Task CancellingRxCallsCallAsyncAbortsTheCall()
    {
        var server = new InMemoryRxServer();
        var serverSawCancel = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(6, "never", async (_, ct) =>
        {
            using CancellationTokenRegistration reg = ct.Register(() => serverSawCancel.TrySetResult());
            await Task.Delay(Timeout.Infinite, ct);
            return 0;
        }));
        using var cts = new CancellationTokenSource();
        ValueTask<XdrPooledBuffer> pending = RxCalls.CallAsync(await ConnectAsync(server, 6), new byte[4], cts.Token);
        cts.CancelAfter(20);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await pending.WithTimeout());
        await serverSawCancel.Task.WithTimeout();
    }

    [Fact]
    public async Task DisposingAnUnfinishedCallAbortsItWithUserAbort()
    {
        var server = new InMemoryRxServer();
        var serverSaw = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(8, "reader", async (call, ct) =>
        {
            try
            {
                await DelegateRxService.DrainAsync(call, ct);
            }
            catch (RpcAbortException ex)
            {
                serverSaw.TrySetResult(ex.Code);
            }

            return 0;
        }));
        IRxClientCall call = await (await ConnectAsync(server, 8)).StartCallAsync().WithTimeout();
        await call.WriteAsync(new byte[3]).WithTimeout();
        await call.DisposeAsync().WithTimeout();
        Assert.Equal(RxGenErrorCodes.UserAbort, await serverSaw.Task.WithTimeout());
        await call.DisposeAsync().WithTimeout();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await call.WriteAsync(new byte[1]));
    }

    [Fact]
    public async Task CallsRunConcurrently()
    {
        const int calls = 8;
        var server = new InMemoryRxServer();
        int arrived = 0;
        var allArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(9, "barrier", async (call, ct) =>
        {
            long n = await DelegateRxService.DrainAsync(call, ct);
            if (Interlocked.Increment(ref arrived) == calls)
            {
                allArrived.TrySetResult();
            }

            // Every call waits for all the others: this only finishes if they run at the same time.
            await allArrived.Task.WaitAsync(TimeoutExtensions.Limit, ct);
            await call.WriteAsync(BitConverter.GetBytes((int)n), ct);
            return 0;
        }));

        IRxConnection a = await ConnectAsync(server, 9);
        IRxConnection b = await ConnectAsync(server, 9);
        Task<XdrPooledBuffer>[] tasks = Enumerable.Range(1, calls)
            .Select(i => RxCalls.CallAsync(i % 2 == 0 ? a : b, new byte[i * 4], CancellationToken.None).AsTask())
            .ToArray();
        XdrPooledBuffer[] replies = await Task.WhenAll(tasks).WithTimeout();
        for (int i = 0; i < calls; i++)
        {
            Assert.Equal((i + 1) * 4, BitConverter.ToInt32(replies[i].Span));
            replies[i].Dispose();
        }
    }

    [Fact]
    public async Task AConnectionHasFourCallChannels()
    {
        InMemoryRxServer server = EchoServer();
        IRxConnection connection = await ConnectAsync(server);
        IRxClientCall[] open = new IRxClientCall[InMemoryRxServer.DefaultMaxCallsPerConnection];
        for (int i = 0; i < open.Length; i++)
        {
            open[i] = await connection.StartCallAsync().WithTimeout();
        }

        Task<IRxClientCall> fifth = connection.StartCallAsync().AsTask();
        await Task.Delay(50);
        Assert.False(fifth.IsCompleted);
        await open[0].DisposeAsync();
        IRxClientCall fifthCall = await fifth.WithTimeout();
        await fifthCall.DisposeAsync();
        foreach (IRxClientCall call in open.Skip(1))
        {
            await call.DisposeAsync();
        }
    }

    [Fact]
    public async Task SplitProcStreamsBothWaysWithBoundedBuffers()
    {
        // StoreData-then-FetchData style: 4 MiB up, then 4 MiB down, through 64 KiB pipes, so each
        // direction only completes if the other side consumes it as a stream.
        const int size = 4 * 1024 * 1024;
        byte[] payload = new byte[size];
        new Random(42).NextBytes(payload);
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(10, "store-fetch", async (call, ct) =>
        {
            var reader = XdrCallReader.For(call);
            int length = await reader.DecodeAsync(static (ref XdrReader r) => r.ReadInt32(), ct);
            byte[] chunk = new byte[7000];
            long received = 0;
            long checksum = 0;
            int n;
            while ((n = await reader.ReadRawAsync(chunk, ct)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    checksum += chunk[i];
                }

                received += n;
            }

            if (received != length)
            {
                return RxGenErrorCodes.SsUnmarshal;
            }

            Stream down = RxCallStreams.ForWriting(call);
            await down.WriteAsync(BitConverter.GetBytes(checksum), ct);
            for (int offset = 0; offset < size; offset += 10_000)
            {
                await down.WriteAsync(payload.AsMemory(offset, Math.Min(10_000, size - offset)), ct);
            }

            return 0;
        }));

        await using IRxClientCall call = await (await ConnectAsync(server, 10)).StartCallAsync().WithTimeout();
        await call.WriteAsync(new byte[] { 0, 0x40, 0, 0 }).WithTimeout(); // 4 MiB
        Stream upload = RxCallStreams.ForWriting(call);
        Assert.True(upload.CanWrite);
        Assert.False(upload.CanRead);
        for (int offset = 0; offset < size; offset += 12_345)
        {
            await upload.WriteAsync(payload.AsMemory(offset, Math.Min(12_345, size - offset))).WithTimeout();
        }

        var replyReader = XdrCallReader.For(call);
        using var received = new MemoryStream();
        await replyReader.AsStream().CopyToAsync(received).WithTimeout();
        long expectedChecksum = 0;
        foreach (byte b in payload)
        {
            expectedChecksum += b;
        }

        Assert.Equal(8 + size, received.Length);
        Assert.Equal(expectedChecksum, BitConverter.ToInt64(received.GetBuffer(), 0));
        Assert.True(payload.AsSpan().SequenceEqual(received.GetBuffer().AsSpan(8, size)));
    }

    [Fact]
    public async Task WritesWaitWhileTheServerDoesNotRead()
    {
        var server = new InMemoryRxServer();
        var startReading = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(13, "lazy", async (call, ct) =>
        {
            await startReading.Task.WaitAsync(TimeoutExtensions.Limit, ct);
            await DelegateRxService.DrainAsync(call, ct);
            return 0;
        }));
        await using IRxClientCall call = await (await ConnectAsync(server, 13)).StartCallAsync().WithTimeout();
        Task write = call.WriteAsync(new byte[1024 * 1024]).AsTask();
        await Task.Delay(100);
        Assert.False(write.IsCompleted, "1 MiB was buffered without the server reading");
        startReading.SetResult();
        await write.WithTimeout();
        Assert.Equal(0, await call.ReadAsync(new byte[1]).WithTimeout());
    }

    [Fact]
    public async Task ServerSideWriteStreamAndServiceIdAreExposed()
    {
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(11, "fetch", async (call, ct) =>
        {
            await DelegateRxService.DrainAsync(call, ct);
            Stream s = RxCallStreams.ForWriting(call);
            await s.WriteAsync(new byte[] { 0, 0, 0, 3, 1, 2, 3 }, ct);
            s.Write([9]);
            await s.FlushAsync(ct);
            return call.ServiceId == 11 ? 0 : 1;
        }));
        using XdrPooledBuffer reply = await RxCalls.CallAsync(await ConnectAsync(server, 11), new byte[4], CancellationToken.None).WithTimeout();
        Assert.Equal("0000000301020309", Hex.Of(reply.Span));
    }

    [Fact]
    public async Task ReplyLargerThanTheLimitAbortsWithCcUnmarshal()
    {
        var server = new InMemoryRxServer();
        var serverSaw = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(new DelegateRxService(12, "big", async (call, ct) =>
        {
            try
            {
                for (int i = 0; i < 100; i++)
                {
                    await call.WriteAsync(new byte[1024], ct);
                }
            }
            catch (RpcAbortException ex)
            {
                serverSaw.TrySetResult(ex.Code);
                throw;
            }

            serverSaw.TrySetResult(0);
            return 0;
        }));
        await Assert.ThrowsAsync<XdrException>(async () =>
            await RxCalls.CallAsync(await ConnectAsync(server, 12), new byte[4], maxReplyBytes: 10_000, CancellationToken.None).WithTimeout());
        Assert.Equal(RxGenErrorCodes.CcUnmarshal, await serverSaw.Task.WithTimeout());
    }

    [Fact]
    public async Task WritingAfterCompletingTheRequestIsAnError()
    {
        InMemoryRxServer server = EchoServer();
        await using IRxClientCall call = await (await ConnectAsync(server)).StartCallAsync().WithTimeout();
        await call.CompleteRequestAsync().WithTimeout();
        await call.CompleteRequestAsync().WithTimeout();
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await call.WriteAsync(new byte[1]));
        Assert.Equal(0, await call.ReadAsync(new byte[8]).WithTimeout());
        Assert.Equal(0, await call.ReadAsync(new byte[8]).WithTimeout());
    }

    [Fact]
    public void ServicesAreRegisteredOncePerId()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Echo(1));
        Assert.Throws<InvalidOperationException>(() => server.AddService(DelegateRxService.Echo(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new InMemoryRxServer(0));
    }

    [Fact]
    public void ErrorCodesAreDescribed()
    {
        Assert.Equal(-450, RxGenErrorCodes.CcMarshal);
        Assert.Equal(-457, RxGenErrorCodes.CcXdrFree);
        Assert.Contains("RXGEN_OPCODE", RxGenErrorCodes.Describe(-455));
        Assert.Contains("RX_INVALID_OPERATION", RxGenErrorCodes.Describe(-2));
        Assert.Contains("RX_USER_ABORT", RxGenErrorCodes.Describe(-6));
        Assert.NotEmpty(RxGenErrorCodes.Describe(12345));
        var ex = new RpcAbortException(-455, "VL_GetEntryByName failed");
        Assert.Equal(-455, ex.Code);
        Assert.Contains("-455", ex.Message);
        Assert.Contains("RXGEN_OPCODE", ex.Message);
        Assert.Contains("VL_GetEntryByName failed", ex.Message);
    }
}
