using System;
using System.Buffers.Binary;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

public class InMemoryRxUpgradeTests
{
    private const ushort VlService = 52;
    private const ushort YfsVlService = 2503;
    private static readonly byte[] GetCapabilities = Hex.Bytes("00010001"); // opcode 65537

    private static InMemoryRxServer ServerWithPair()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Identify(VlService));
        server.AddService(DelegateRxService.Identify(YfsVlService));
        server.AddUpgrade(VlService, YfsVlService);
        return server;
    }

    private static async Task<ushort> AnsweringServiceAsync(IRxConnection connection)
    {
        using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, GetCapabilities, CancellationToken.None).WithTimeout();
        return (ushort)BinaryPrimitives.ReadUInt32BigEndian(reply.Span);
    }

    [Fact]
    public async Task ProbeUpgradesTheConnectionWhenThePairExists()
    {
        InMemoryRxServer server = ServerWithPair();
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        Assert.Equal(VlService, connection.ServiceId);

        await using (IRxClientCall probe = await connection.StartCallAsync().WithTimeout())
        {
            Assert.Equal(YfsVlService, probe.ServiceId);
            await probe.WriteAsync(GetCapabilities).WithTimeout();
            using XdrPooledBuffer reply = await XdrCallReader.For(probe).ReadToEndAsync(CancellationToken.None).WithTimeout();
            Assert.Equal(YfsVlService, (ushort)BinaryPrimitives.ReadUInt32BigEndian(reply.Span));
        }

        Assert.Equal(YfsVlService, connection.ServiceId);

        // Every later call on the connection goes to the upgraded service.
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(YfsVlService, await AnsweringServiceAsync(connection));
        }

        Assert.Equal(YfsVlService, connection.ServiceId);
    }

    [Fact]
    public async Task NoUpgradeWithoutThePair()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Identify(VlService));
        server.AddService(DelegateRxService.Identify(YfsVlService));
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        Assert.Equal(VlService, await AnsweringServiceAsync(connection));
        Assert.Equal(VlService, connection.ServiceId);
        Assert.Equal(VlService, await AnsweringServiceAsync(connection));
    }

    [Fact]
    public async Task NoUpgradeWhenNotRequested()
    {
        InMemoryRxServer server = ServerWithPair();
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: false).WithTimeout();
        Assert.Equal(VlService, await AnsweringServiceAsync(connection));
        Assert.Equal(VlService, connection.ServiceId);
    }

    [Fact]
    public async Task NoUpgradeFromTheTargetService()
    {
        InMemoryRxServer server = ServerWithPair();
        IRxConnection connection = await server.ConnectAsync(YfsVlService, requestUpgrade: true).WithTimeout();
        Assert.Equal(YfsVlService, await AnsweringServiceAsync(connection));
        Assert.Equal(YfsVlService, connection.ServiceId);
    }

    [Fact]
    public async Task EachNewConnectionProbesAgain()
    {
        InMemoryRxServer server = ServerWithPair();
        IRxConnection first = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        IRxConnection plain = await server.ConnectAsync(VlService, requestUpgrade: false).WithTimeout();
        IRxConnection second = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        Assert.Equal(YfsVlService, await AnsweringServiceAsync(first));
        Assert.Equal(VlService, await AnsweringServiceAsync(plain));
        Assert.Equal(YfsVlService, await AnsweringServiceAsync(second));
    }

    [Fact]
    public async Task ProbeBlocksLaterCallsUntilItEnds()
    {
        var server = new InMemoryRxServer();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.AddService(DelegateRxService.Identify(VlService));
        server.AddService(new DelegateRxService(YfsVlService, "slow-yfs", async (call, ct) =>
        {
            await DelegateRxService.DrainAsync(call, ct);
            await release.Task.WaitAsync(TimeoutExtensions.Limit, ct);
            await call.WriteAsync(new byte[] { 0, 0, YfsVlService >> 8, YfsVlService & 0xFF }, ct);
            return 0;
        }));
        server.AddUpgrade(VlService, YfsVlService);
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();

        ValueTask<XdrPooledBuffer> probe = RxCalls.CallAsync(connection, GetCapabilities, CancellationToken.None);
        Task<IRxClientCall> second = connection.StartCallAsync().AsTask();
        Task<IRxClientCall> third = connection.StartCallAsync().AsTask();
        await Task.Delay(100);
        Assert.False(second.IsCompleted, "a call started while the probe was in progress");
        Assert.False(third.IsCompleted, "a call started while the probe was in progress");
        Assert.Equal(1, server.CallsStarted);

        release.SetResult();
        using (XdrPooledBuffer reply = await probe.WithTimeout())
        {
            Assert.Equal(YfsVlService, (ushort)BinaryPrimitives.ReadUInt32BigEndian(reply.Span));
        }

        await using IRxClientCall secondCall = await second.WithTimeout();
        await using IRxClientCall thirdCall = await third.WithTimeout();
        Assert.Equal(YfsVlService, secondCall.ServiceId);
        Assert.Equal(YfsVlService, thirdCall.ServiceId);
    }

    [Fact]
    public async Task WaitingForTheProbeCanBeCancelled()
    {
        InMemoryRxServer server = ServerWithPair();
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        IRxClientCall probe = await connection.StartCallAsync().WithTimeout();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(30));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await connection.StartCallAsync(cts.Token).WithTimeout());
        await probe.DisposeAsync(); // ending the probe (even by abandoning it) lets others proceed
        await using IRxClientCall next = await connection.StartCallAsync().WithTimeout();
        Assert.Equal(YfsVlService, next.ServiceId);
    }

    [Fact]
    public async Task AnAbortedProbeStillEndsTheProbe()
    {
        var server = new InMemoryRxServer();
        server.AddService(new DelegateRxService(VlService, "old", (_, _) => Task.FromResult(RxGenErrorCodes.Opcode)));
        IRxConnection connection = await server.ConnectAsync(VlService, requestUpgrade: true).WithTimeout();
        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(async () => await AnsweringServiceAsync(connection));
        Assert.Equal(RxGenErrorCodes.Opcode, ex.Code); // an OpenAFS server without GetCapabilities
        await using IRxClientCall next = await connection.StartCallAsync().WithTimeout();
        Assert.Equal(VlService, next.ServiceId);
    }

    [Fact]
    public void UpgradePairsAreValidated()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Identify(VlService));
        Assert.Throws<InvalidOperationException>(() => server.AddUpgrade(VlService, YfsVlService));
        Assert.Throws<InvalidOperationException>(() => server.AddUpgrade(YfsVlService, VlService));
        Assert.Throws<InvalidOperationException>(() => server.AddUpgrade(VlService, VlService));
        server.AddService(DelegateRxService.Identify(YfsVlService));
        server.AddUpgrade(VlService, YfsVlService);
        Assert.Throws<InvalidOperationException>(() => server.AddUpgrade(VlService, YfsVlService));
    }
}
