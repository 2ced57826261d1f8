using System;
using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

/// <summary>The shared server core (registry, upgrade pairs, outcome mapping), connection info and connection disposal.</summary>
public class RxServerCoreTests
{
    /// <summary>A server call that has nothing to read or write, for running services through the core directly.</summary>
    private sealed class IdleServerCall(ushort serviceId) : IRxServerCall
    {
        public ushort ServiceId { get; } = serviceId;

        public RxConnectionInfo Connection => RxConnectionInfo.Anonymous;

        public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => new(0);

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;
    }

    /// <summary>A service that records the connection info its calls see and replies with nothing.</summary>
    private static DelegateRxService Recorder(ushort serviceId, ConcurrentQueue<RxConnectionInfo> seen) => new(serviceId, "recorder", async (call, ct) =>
    {
        await DelegateRxService.DrainAsync(call, ct);
        seen.Enqueue(call.Connection);
        return 0;
    });

    private static async Task<int> RunAsync(RxServerCore core, Func<IRxServerCall, CancellationToken, Task<int>> body, CancellationToken token) =>
        await core.ExecuteAsync(new DelegateRxService(9, "body", body), new IdleServerCall(9), token);

    [Fact]
    public async Task OutcomesMapToAbortCodes()
    {
        var core = new RxServerCore();
        var faults = new ConcurrentQueue<Exception>();
        core.ServiceFaulted = (_, ex) => faults.Enqueue(ex);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.Equal(0, await RunAsync(core, (_, _) => Task.FromResult(0), CancellationToken.None));
        Assert.Equal(17, await RunAsync(core, (_, _) => Task.FromResult(17), CancellationToken.None));
        Assert.Equal(363524, await RunAsync(core, (_, _) => throw new RpcAbortException(363524), CancellationToken.None));
        Assert.Equal(RxGenErrorCodes.UserAbort, await RunAsync(core, (_, _) => throw new RpcAbortException(0), CancellationToken.None));
        Assert.Empty(faults);

        // Cancellation of an aborted call is not a fault.
        Assert.Equal(RxGenErrorCodes.UserAbort, await RunAsync(core, (_, ct) => throw new OperationCanceledException(ct), cancelled.Token));
        Assert.Empty(faults);

        // A cancellation the call did not ask for, and any other exception, are.
        Assert.Equal(RxGenErrorCodes.UserAbort, await RunAsync(core, (_, _) => throw new OperationCanceledException(), CancellationToken.None));
        Assert.Equal(RxGenErrorCodes.UserAbort, await RunAsync(core, (_, _) => throw new InvalidOperationException("bug"), CancellationToken.None));
        Assert.Collection(faults, e => Assert.IsType<OperationCanceledException>(e), e => Assert.Equal("bug", e.Message));
    }

    [Fact]
    public async Task AThrowingFaultHookDoesNotChangeTheOutcome()
    {
        var core = new RxServerCore { ServiceFaulted = (_, _) => throw new InvalidOperationException("hook bug") };
        Assert.Equal(RxGenErrorCodes.UserAbort, await RunAsync(core, (_, _) => throw new FormatException(), CancellationToken.None));
    }

    [Fact]
    public void RegistryAndUpgradePairs()
    {
        var core = new RxServerCore();
        core.AddService(DelegateRxService.Echo(52));
        core.AddService(DelegateRxService.Echo(2503));
        Assert.Throws<InvalidOperationException>(() => core.AddService(DelegateRxService.Echo(52)));
        Assert.Throws<InvalidOperationException>(() => core.AddUpgrade(52, 52));
        Assert.Throws<InvalidOperationException>(() => core.AddUpgrade(52, 9));
        Assert.False(core.TryGetUpgrade(52, out _));
        core.AddUpgrade(52, 2503);
        Assert.Throws<InvalidOperationException>(() => core.AddUpgrade(52, 2503));
        Assert.True(core.TryGetUpgrade(52, out ushort to));
        Assert.Equal(2503, to);
        Assert.False(core.TryGetUpgrade(2503, out _));
        Assert.True(core.TryGetService(2503, out IRxService? service));
        Assert.Equal("echo2503", service.Name);
        Assert.False(core.TryGetService(1, out _));
        Assert.Equal(2, core.Services.Count);
    }

    [Fact]
    public async Task TwoTransportsShareOneCore()
    {
        var core = new RxServerCore();
        var a = new InMemoryRxServer(core);
        var b = new InMemoryRxServer(core);
        a.AddService(DelegateRxService.Identify(33));
        await using IRxConnection connection = await b.ConnectAsync(33, requestUpgrade: false).WithTimeout();
        using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, new byte[4], CancellationToken.None).WithTimeout();
        Assert.Equal("00000021", Hex.Of(reply.Span));
        Assert.Same(core, b.Core);
    }

    [Fact]
    public async Task DefaultConnectionsAreAnonymousWithoutAnAddress()
    {
        var server = new InMemoryRxServer();
        var seen = new ConcurrentQueue<RxConnectionInfo>();
        server.AddService(Recorder(5, seen));
        await using IRxConnection first = await server.ConnectAsync(5, requestUpgrade: false).WithTimeout();
        await using IRxConnection second = await server.ConnectAsync(5, requestUpgrade: false).WithTimeout();
        (await RxCalls.CallAsync(first, new byte[4], CancellationToken.None).WithTimeout()).Dispose();
        (await RxCalls.CallAsync(first, new byte[4], CancellationToken.None).WithTimeout()).Dispose();
        (await RxCalls.CallAsync(second, new byte[4], CancellationToken.None).WithTimeout()).Dispose();
        await TimeoutExtensions.Eventually(() => seen.Count == 3, "three calls seen");

        RxConnectionInfo[] infos = seen.ToArray();
        Assert.All(infos, i => Assert.Null(i.PeerEndPoint));
        Assert.All(infos, i => Assert.Equal(RxSecurityIndex.Null, i.SecurityIndex));
        Assert.All(infos, i => Assert.True(i.IsAnonymous));
        Assert.All(infos, i => Assert.Equal(0x80000000u, i.Epoch & 0xC0000000u)); // bit 31 set, bit 30 clear
        Assert.All(infos, i => Assert.Equal(0u, i.ConnectionId & 3u));
        Assert.Equal(infos[0].Epoch, infos[2].Epoch);
        Assert.Equal(infos[0], infos[1]); // the same connection
        Assert.NotEqual(infos[0].ConnectionId, infos[2].ConnectionId);
    }

    [Fact]
    public async Task ConnectorConnectionsCarryTheirSecurityIdentityAndAddress()
    {
        var server = new InMemoryRxServer();
        var seen = new ConcurrentQueue<RxConnectionInfo>();
        server.AddService(Recorder(5, seen));
        var peer = new IPEndPoint(IPAddress.Parse("192.0.2.7"), 7001);
        IRxConnector connector = server.CreateConnector(RxSecurityIndex.Kad, "alice@EXAMPLE.ORG", peer);
        await using IRxConnection connection = await connector.ConnectAsync(5, requestUpgrade: false).WithTimeout();
        (await RxCalls.CallAsync(connection, new byte[4], CancellationToken.None).WithTimeout()).Dispose();
        await TimeoutExtensions.Eventually(() => seen.Count == 1, "call seen");

        RxConnectionInfo info = Assert.Single(seen);
        Assert.Equal((RxSecurityIndex.Kad, "alice@EXAMPLE.ORG", (EndPoint)peer), (info.SecurityIndex, info.Identity, info.PeerEndPoint!));
        Assert.False(info.IsAnonymous);
        Assert.Throws<ArgumentException>(() => server.CreateConnector(RxSecurityIndex.Null, "someone"));
    }

    [Fact]
    public void CallContextReflectsTheCall()
    {
        var info = new RxConnectionInfo(new IPEndPoint(IPAddress.Loopback, 7003), 0x80000001, 8, RxSecurityIndex.Gk, "bob");
        using var cts = new CancellationTokenSource();
        var context = new RxCallContext(info, 52, 519, cts.Token);
        Assert.Equal((52, 519, RxSecurityIndex.Gk, (object?)"bob", false), (context.ServiceId, context.Opcode, context.SecurityIndex, context.Identity, context.IsAnonymous));
        Assert.Same(info.PeerEndPoint, context.PeerEndPoint);
        Assert.Equal(cts.Token, context.CancellationToken);
        var fromCall = new RxCallContext(new IdleServerCall(7), 3, CancellationToken.None);
        Assert.Equal((7, 3, true), (fromCall.ServiceId, fromCall.Opcode, fromCall.IsAnonymous));
        Assert.True(RxCallContext.ForLocalCall(1, 2).IsAnonymous);
    }

    [Fact]
    public async Task ADisposedConnectionStartsNoCallsButLetsCallsInFlightFinish()
    {
        var server = new InMemoryRxServer();
        server.AddService(DelegateRxService.Echo(7));
        IRxConnection connection = await server.ConnectAsync(7, requestUpgrade: false).WithTimeout();
        IRxClientCall inFlight = await connection.StartCallAsync().WithTimeout();
        await connection.DisposeAsync();
        await connection.DisposeAsync(); // idempotent

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await connection.StartCallAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await RxCalls.CallAsync(connection, new byte[4], CancellationToken.None));

        await using (inFlight)
        {
            await inFlight.WriteAsync(Hex.Bytes("0000002A")).WithTimeout();
            using var reader = XdrCallReader.For(inFlight);
            using XdrPooledBuffer echoed = await reader.ReadToEndAsync(CancellationToken.None).WithTimeout();
            Assert.Equal("0000002A", Hex.Of(echoed.Span));
        }
    }

    [Fact]
    public async Task DisposingAConnectionFailsCallsWaitingForAChannel()
    {
        var server = new InMemoryRxServer(maxCallsPerConnection: 1);
        server.AddService(DelegateRxService.Echo(7));
        IRxConnection connection = await server.ConnectAsync(7, requestUpgrade: false).WithTimeout();
        IRxClientCall busy = await connection.StartCallAsync().WithTimeout();
        ValueTask<IRxClientCall> waiting = connection.StartCallAsync();
        Assert.False(waiting.IsCompleted);
        await connection.DisposeAsync();
        await busy.DisposeAsync(); // frees the channel: the waiter wakes up to a disposed connection
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await waiting.AsTask().WithTimeout());
    }
}
