using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

public class InMemoryOncTests
{
    private const uint Program = 0x20000099;

    /// <summary>
    /// A stand-in for a generated dispatcher: proc 0 = NULL, proc 1 = ADD(int, int) -> int, proc 2 = fails,
    /// proc 3 = throws PROC_UNAVAIL, proc 4 = records its context, proc 5 = waits for cancellation.
    /// </summary>
    private sealed class CalcDispatcher : IOncProgramDispatcher
    {
        public CalcDispatcher(uint version) => Version = version;

        public uint Program => InMemoryOncTests.Program;

        public uint Version { get; }

        public string Name => $"CALC_V{Version}";

        public ConcurrentQueue<OncCallContext> Contexts { get; } = new();

        public async ValueTask<OncAcceptStat> DispatchAsync(OncCallContext context, ReadOnlyMemory<byte> arguments, IBufferWriter<byte> results)
        {
            switch (context.Procedure)
            {
                case 3:
                    throw OncRpcException.ProcedureUnavailable("CALC_HALF");
                case 4:
                    Contexts.Enqueue(context);
                    return OncAcceptStat.Success;
                case 5:
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    return OncAcceptStat.Success;
                case 0:
                    return OncAcceptStat.Success;
                case 1:
                    int a, b;
                    try
                    {
                        var r = new XdrReader(arguments.Span);
                        a = r.ReadInt32();
                        b = r.ReadInt32();
                        r.EnsureAtEnd("ADD arguments");
                    }
                    catch (XdrException)
                    {
                        return OncAcceptStat.GarbageArgs;
                    }

                    var w = new XdrWriter(results);
                    w.WriteInt32(a + b);
                    w.WriteUInt32(Version);
                    w.Flush();
                    return OncAcceptStat.Success;
                case 2:
                    throw new InvalidOperationException("dispatcher bug");
                default:
                    return OncAcceptStat.ProcUnavail;
            }
        }
    }

    private static InMemoryOncServer Server() => Server(out _);

    private static InMemoryOncServer Server(out CalcDispatcher v1)
    {
        var server = new InMemoryOncServer();
        v1 = new CalcDispatcher(1);
        server.Add(v1);
        server.Add(new CalcDispatcher(3));
        server.Add(new CalcDispatcher(4));
        return server;
    }

    [Fact]
    public async Task SuccessfulCallReturnsResults()
    {
        InMemoryOncServer server = Server();
        using XdrPooledBuffer reply = await server.CallAsync(Program, 3, 1, Hex.Bytes("00000002 FFFFFFFF")).WithTimeout();
        Assert.Equal("00000001 00000003".Replace(" ", ""), Hex.Of(reply.Span));
        using XdrPooledBuffer empty = await server.CallAsync(Program, 1, 0, ReadOnlyMemory<byte>.Empty).WithTimeout();
        Assert.Equal(0, empty.Length);
    }

    [Fact]
    public async Task UnknownProgramIsProgUnavail()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program + 1, 1, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProgUnavail, ex.Status);
        Assert.Null(ex.LowVersion);
        Assert.Null(ex.HighVersion);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(0u)]
    [InlineData(5u)]
    public async Task UnknownVersionIsProgMismatchWithTheRegisteredRange(uint version)
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, version, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProgMismatch, ex.Status);
        Assert.Equal(1u, ex.LowVersion);
        Assert.Equal(4u, ex.HighVersion);
        Assert.Contains("1..4", ex.Message);
    }

    [Fact]
    public async Task UnknownProcedureIsProcUnavail()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 77, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProcUnavail, ex.Status);
    }

    [Fact]
    public async Task UndecodableArgumentsAreGarbageArgs()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 1, Hex.Bytes("000000")));
        Assert.Equal(OncAcceptStat.GarbageArgs, ex.Status);
        ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 1, Hex.Bytes("00000001 00000002 00000003")));
        Assert.Equal(OncAcceptStat.GarbageArgs, ex.Status);
    }

    [Fact]
    public async Task ThrowingDispatcherIsSystemErrAndReportedToTheFaultHook()
    {
        InMemoryOncServer server = Server();
        var faults = new ConcurrentQueue<(string, uint, Exception)>();
        server.Registry.DispatcherFaulted = (d, c, e) => faults.Enqueue((d.Name, c.Procedure, e));
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await server.CallAsync(Program, 1, 2, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.SystemErr, ex.Status);
        Assert.Null(ex.InnerException); // as over a network: the server's exception stays on the server
        (string name, uint procedure, Exception fault) = Assert.Single(faults);
        Assert.Equal(("CALC_V1", 2u), (name, procedure));
        Assert.IsType<InvalidOperationException>(fault);
    }

    [Fact]
    public async Task AThrowingFaultHookDoesNotChangeTheReply()
    {
        InMemoryOncServer server = Server();
        server.Registry.DispatcherFaulted = (_, _, _) => throw new InvalidOperationException("hook bug");
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await server.CallAsync(Program, 1, 2, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.SystemErr, ex.Status);
    }

    [Fact]
    public async Task ProcedureUnavailableExceptionIsProcUnavail()
    {
        InMemoryOncServer server = Server();
        int faults = 0;
        server.Registry.DispatcherFaulted = (_, _, _) => faults++;
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await server.CallAsync(Program, 1, 3, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProcUnavail, ex.Status);
        Assert.Equal(0, faults);
    }

    [Fact]
    public async Task CancellationReachesTheDispatcherAndPropagates()
    {
        using var cts = new CancellationTokenSource();
        ValueTask<XdrPooledBuffer> call = Server().CallAsync(Program, 1, 5, ReadOnlyMemory<byte>.Empty, cts.Token);
        Assert.False(call.IsCompleted);
        cts.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await call.AsTask().WithTimeout());
    }

    [Fact]
    public async Task ContextCarriesTheCallAndNoCredentialsThroughTheServerItself()
    {
        InMemoryOncServer server = Server(out CalcDispatcher v1);
        (await server.CallAsync(Program, 1, 4, ReadOnlyMemory<byte>.Empty).WithTimeout()).Dispose();
        (await server.CallAsync(Program, 1, 4, ReadOnlyMemory<byte>.Empty).WithTimeout()).Dispose();

        OncCallContext[] contexts = v1.Contexts.ToArray();
        Assert.Equal(2, contexts.Length);
        Assert.Equal((Program, 1u, 4u), (contexts[0].Program, contexts[0].Version, contexts[0].Procedure));
        Assert.Equal(OncAuthFlavor.None, contexts[0].AuthFlavor);
        Assert.Null(contexts[0].AuthSys);
        Assert.Null(contexts[0].CallerAddress);
        Assert.Equal(unchecked(contexts[0].Xid + 1), contexts[1].Xid);
    }

    [Fact]
    public async Task ClientWithCredentialsCarriesAuthSysAndItsAddress()
    {
        InMemoryOncServer server = Server(out CalcDispatcher v1);
        var credentials = new OncAuthSysCredentials(77, "client.example.org", 1000, 100, [4, 24, 27]);
        var address = new IPEndPoint(IPAddress.Loopback, 40001);
        IOncCallTransport client = server.CreateClient(credentials, address);
        (await client.CallAsync(Program, 1, 4, ReadOnlyMemory<byte>.Empty).WithTimeout()).Dispose();

        OncCallContext context = Assert.Single(v1.Contexts);
        Assert.Equal(OncAuthFlavor.Sys, context.AuthFlavor);
        Assert.Same(credentials, context.AuthSys);
        Assert.Equal(address, context.CallerAddress);
    }

    [Fact]
    public async Task UnregisteredVersionIsNoLongerServed()
    {
        InMemoryOncServer server = Server();
        Assert.True(server.Registry.Unregister(Program, 1));
        Assert.False(server.Registry.Unregister(Program, 1));
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await server.CallAsync(Program, 1, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal((OncAcceptStat.ProgMismatch, 3u, 4u), (ex.Status, ex.LowVersion!.Value, ex.HighVersion!.Value));
        Assert.True(server.Registry.Unregister(Program, 3));
        Assert.True(server.Registry.Unregister(Program, 4));
        ex = await Assert.ThrowsAsync<OncRpcException>(async () => await server.CallAsync(Program, 4, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProgUnavail, ex.Status);
    }

    [Fact]
    public async Task RegistryIsSharedBetweenServers()
    {
        var registry = new OncDispatcherRegistry();
        registry.Register(new CalcDispatcher(2));
        var a = new InMemoryOncServer(registry);
        var b = new InMemoryOncServer(registry);
        using XdrPooledBuffer ra = await a.CallAsync(Program, 2, 1, Hex.Bytes("00000001 00000001")).WithTimeout();
        using XdrPooledBuffer rb = await b.CallAsync(Program, 2, 1, Hex.Bytes("00000001 00000002")).WithTimeout();
        Assert.Equal("0000000200000002", Hex.Of(ra.Span));
        Assert.Equal("0000000300000002", Hex.Of(rb.Span));
        Assert.Single(registry.Dispatchers);
        Assert.True(registry.TryGetDispatcher(Program, 2, out IOncProgramDispatcher? found));
        Assert.Equal("CALC_V2", found.Name);
    }

    [Fact]
    public void AuthSysCredentialsRoundTripAndEnforceTheirBounds()
    {
        var credentials = new OncAuthSysCredentials(0x01020304, "host", 1000, 100, [4, 24]);
        var buffer = new XdrBufferWriter();
        credentials.Encode(buffer);
        Assert.Equal("01020304 00000004 686F7374 000003E8 00000064 00000002 00000004 00000018".Replace(" ", ""), Hex.Of(buffer.WrittenSpan));
        OncAuthSysCredentials decoded = OncAuthSysCredentials.Decode(buffer.WrittenSpan);
        Assert.Equal((credentials.Stamp, credentials.MachineName, credentials.Uid, credentials.Gid), (decoded.Stamp, decoded.MachineName, decoded.Uid, decoded.Gid));
        Assert.Equal(credentials.Gids, decoded.Gids);

        Assert.Throws<XdrException>(() => OncAuthSysCredentials.Decode(Hex.Bytes("00000001 00000000 00000000 00000000 00000011")));
        Assert.Throws<XdrException>(() => OncAuthSysCredentials.Decode(Hex.Bytes("00000001 00000000 00000000 00000000 00000000 00000000")));
        Assert.Throws<XdrException>(() => new OncAuthSysCredentials(1, new string('h', 256), 0, 0, []).Encode(new XdrBufferWriter()));
        Assert.Throws<ArgumentException>(() => new OncCallContext(null, 1, 2, 3, 4, OncAuthFlavor.None, credentials, CancellationToken.None));
    }

    [Fact]
    public void DuplicateRegistrationIsRejected()
    {
        InMemoryOncServer server = Server();
        Assert.Throws<InvalidOperationException>(() => server.Add(new CalcDispatcher(3)));
    }

    [Fact]
    public void ExceptionShapes()
    {
        var plain = new OncRpcException(OncAcceptStat.GarbageArgs);
        Assert.Equal(OncAcceptStat.GarbageArgs, plain.Status);
        Assert.Contains("GarbageArgs", plain.Message);
        var mismatch = new OncRpcException(2, 3);
        Assert.Equal(OncAcceptStat.ProgMismatch, mismatch.Status);
        Assert.Equal(2u, mismatch.LowVersion);
        Assert.Equal(3u, mismatch.HighVersion);
    }
}
