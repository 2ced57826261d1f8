using System;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Golden.KvStore;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;
using Vl = Golden.Vl;
using Yfs = Golden.YfsVl;

namespace RxGen.Interop.Tests;

/// <summary>
/// The generated server-side API: call contexts reaching service methods, the generated service bases
/// (RXGEN_OPCODE / PROC_UNAVAIL defaults), and the upgrade probe's handling of the connection it opens.
/// </summary>
public sealed class GeneratedServerApiTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // ---- Rx: call context and the generated base ----

    [Fact]
    public async Task RxServiceMethodsSeeTheirCallContext()
    {
        var vl = new ContextVlServer();
        var server = new InMemoryRxServer();
        server.AddService(new Vl.VLDispatcher(vl));
        var peer = new IPEndPoint(IPAddress.Parse("192.0.2.10"), 7001);
        await using IRxConnection connection = await server.CreateConnector(RxSecurityIndex.Kad, "admin@EXAMPLE.ORG", peer).ConnectAsync(Vl.VLProtocol.ServiceId, requestUpgrade: false);
        var client = new Vl.VLClient(connection);

        Vl.nvldbentry entry = await client.GetEntryByNameNAsync("root.cell").WaitAsync(Timeout);

        Assert.Equal("root.cell", XdrText.FromCChars(entry.Name));
        RxCallContext context = Assert.Single(vl.Contexts);
        Assert.Equal((Vl.VLProtocol.ServiceId, Vl.VLProtocol.Opcodes.GetEntryByNameN), (context.ServiceId, context.Opcode));
        Assert.Equal((RxSecurityIndex.Kad, (object?)"admin@EXAMPLE.ORG", (EndPoint?)peer), (context.SecurityIndex, context.Identity, context.PeerEndPoint));
        Assert.False(context.IsAnonymous);
        Assert.True(context.Connection.Epoch >= 0x80000000u);
    }

    [Fact]
    public async Task RxServiceBaseAbortsWhatIsNotOverriddenWithRxgenOpcode()
    {
        var server = new InMemoryRxServer();
        var faults = new ConcurrentQueue<Exception>();
        server.ServiceFaulted = (_, e) => faults.Enqueue(e);
        server.AddService(new Vl.VLDispatcher(new ContextVlServer()));
        await using IRxConnection connection = await server.ConnectAsync(Vl.VLProtocol.ServiceId, requestUpgrade: false);
        var client = new Vl.VLClient(connection);

        RpcAbortException probe = await Assert.ThrowsAsync<RpcAbortException>(() => client.ProbeServerAsync().WaitAsync(Timeout));
        RpcAbortException caps = await Assert.ThrowsAsync<RpcAbortException>(() => client.GetCapabilitiesAsync().WaitAsync(Timeout));

        Assert.Equal(RxGenErrorCodes.Opcode, probe.Code);
        Assert.Equal(RxGenErrorCodes.Opcode, caps.Code);
        Assert.Empty(faults); // an unimplemented procedure is an answer, not a fault
        await Assert.ThrowsAsync<RpcAbortException>(() => new ContextVlServer().GetEntryByIDAsync(1, 0, RxCallContext.ForLocalCall(52, 503)).AsTask());
    }

    [Fact]
    public async Task RxCancellationReachesTheServiceThroughItsContext()
    {
        var vl = new ContextVlServer();
        var server = new InMemoryRxServer();
        server.AddService(new Vl.VLDispatcher(vl));
        await using IRxConnection connection = await server.ConnectAsync(Vl.VLProtocol.ServiceId, requestUpgrade: false);
        using var cts = new CancellationTokenSource();

        Task<Vl.nvldbentry> call = new Vl.VLClient(connection).GetEntryByNameNAsync(ContextVlServer.Hang, cts.Token);
        await vl.HangStarted.Task.WaitAsync(Timeout);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Timeout));
        await vl.HangCancelled.Task.WaitAsync(Timeout);
    }

    // ---- ONC: call context and the generated base ----

    [Fact]
    public async Task OncServiceBaseAnswersProcUnavailAndServesWhatIsOverridden()
    {
        var kv = new ContextKvServer();
        var server = new InMemoryOncServer();
        server.Add(new KVSTORE_V1Dispatcher(kv));
        var credentials = new OncAuthSysCredentials(5, "ws1", 1000, 100, [10]);
        var client = new KVSTORE_V1Client(server.CreateClient(credentials, new IPEndPoint(IPAddress.Loopback, 900)));

        await client.KvprocNullAsync().WaitAsync(Timeout); // the base's NULL procedure succeeds
        Assert.Equal(kvstatus.KV_NOTFOUND, await client.KvprocDeleteAsync("x").WaitAsync(Timeout));
        OncRpcException put = await Assert.ThrowsAsync<OncRpcException>(() => client.KvprocPutAsync("x", [1]).WaitAsync(Timeout));
        OncRpcException list = await Assert.ThrowsAsync<OncRpcException>(() => client.KvprocListAsync().WaitAsync(Timeout));

        Assert.Equal(OncAcceptStat.ProcUnavail, put.Status);
        Assert.Equal(OncAcceptStat.ProcUnavail, list.Status);
        OncCallContext context = Assert.Single(kv.Contexts);
        Assert.Equal((KVSTORE_V1Protocol.Program, KVSTORE_V1Protocol.Version, KVSTORE_V1Protocol.Procedures.KvprocDelete), (context.Program, context.Version, context.Procedure));
        Assert.Equal(OncAuthFlavor.Sys, context.AuthFlavor);
        Assert.Equal(("ws1", 1000u), (context.AuthSys!.MachineName, context.AuthSys.Uid));
        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 900), context.CallerAddress);
    }

    // ---- the upgrade probe owns its connection until it returns ----

    [Fact]
    public async Task Probe_Answered_HandsTheOpenConnectionToTheCaller()
    {
        var connector = new TrackingConnector(UpgradeServer(new CapableVlServer()));

        Yfs.YFSVLUpgradeProbeResult probe = await Yfs.YFSVLUpgrade.ProbeAsync(connector).WaitAsync(Timeout);

        Assert.Null(probe.AbortCode);
        Assert.Equal(CapableVlServer.Capabilities, probe.Capabilities);
        TrackingConnection connection = Assert.Single(connector.Connections);
        Assert.Same(connection, probe.Connection);
        Assert.False(connection.Disposed);
        await probe.Connection.DisposeAsync();
        Assert.True(connection.Disposed);
    }

    [Fact]
    public async Task Probe_ServerAbort_IsAnAnswer_AndTheConnectionStaysOpen()
    {
        var connector = new TrackingConnector(UpgradeServer(new NoCapabilitiesVlServer()));

        Yfs.YFSVLUpgradeProbeResult probe = await Yfs.YFSVLUpgrade.ProbeAsync(connector).WaitAsync(Timeout);

        Assert.Equal(RxGenErrorCodes.Opcode, probe.AbortCode);
        Assert.False(Assert.Single(connector.Connections).Disposed);
        await new Golden.Vl.VLClient(probe.Connection).ProbeServerAsync().WaitAsync(Timeout);
        await probe.Connection.DisposeAsync();
    }

    [Fact]
    public async Task Probe_UndecodableReply_DisposesTheConnection()
    {
        var server = new InMemoryRxServer();
        server.AddService(new RawReplyService(Yfs.YFSVLUpgrade.FromServiceId, [0, 0, 0])); // not a whole uint[]
        var connector = new TrackingConnector(server);

        await Assert.ThrowsAsync<XdrException>(() => Yfs.YFSVLUpgrade.ProbeAsync(connector).WaitAsync(Timeout));

        Assert.True(Assert.Single(connector.Connections).Disposed);
    }

    [Fact]
    public async Task Probe_Cancelled_DisposesTheConnection()
    {
        var hanging = new HangingVlServer();
        var connector = new TrackingConnector(UpgradeServer(hanging));
        using var cts = new CancellationTokenSource();

        Task<Yfs.YFSVLUpgradeProbeResult> probe = Yfs.YFSVLUpgrade.ProbeAsync(connector, cts.Token);
        await hanging.Started.Task.WaitAsync(Timeout);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(Timeout));
        Assert.True(Assert.Single(connector.Connections).Disposed);
    }

    [Fact]
    public async Task Probe_TransportFailure_DisposesTheConnection()
    {
        var connector = new TrackingConnector(UpgradeServer(new CapableVlServer())) { FailStartCall = true };

        await Assert.ThrowsAsync<IOException>(() => Yfs.YFSVLUpgrade.ProbeAsync(connector).WaitAsync(Timeout));

        Assert.True(Assert.Single(connector.Connections).Disposed);
    }

    private static InMemoryRxServer UpgradeServer(Golden.Vl.IVLService vl)
    {
        var server = new InMemoryRxServer();
        server.AddService(new Golden.Vl.VLDispatcher(vl));
        return server;
    }

    // ---- fakes ----

    private sealed class ContextVlServer : Vl.VLServiceBase
    {
        public const string Hang = "hang.forever";

        public ConcurrentQueue<RxCallContext> Contexts { get; } = new();

        public TaskCompletionSource HangStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource HangCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<Vl.nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context)
        {
            if (volumename == Hang)
            {
                using CancellationTokenRegistration registration = context.CancellationToken.Register(() => HangCancelled.TrySetResult());
                HangStarted.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
            }

            // the dispatcher reuses its contexts once the call completes: keep a copy
            Contexts.Enqueue(new RxCallContext(context.Connection, context.ServiceId, context.Opcode, context.CancellationToken));
            return VlData.NEntry(volumename, 536870912);
        }
    }

    private sealed class ContextKvServer : KVSTORE_V1ServiceBase
    {
        public ConcurrentQueue<OncCallContext> Contexts { get; } = new();

        public override ValueTask<kvstatus> KvprocDeleteAsync(string argument, OncCallContext context)
        {
            Contexts.Enqueue(context);
            return ValueTask.FromResult(kvstatus.KV_NOTFOUND);
        }
    }

    private sealed class CapableVlServer : Golden.Vl.VLServiceBase
    {
        public static readonly uint[] Capabilities = [0x1];

        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(Capabilities);
    }

    private sealed class NoCapabilitiesVlServer : Golden.Vl.VLServiceBase
    {
        public override ValueTask ProbeServerAsync(RxCallContext context) => ValueTask.CompletedTask;
    }

    private sealed class HangingVlServer : Golden.Vl.VLServiceBase
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
        {
            Started.TrySetResult();
            await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
            return [];
        }
    }

    /// <summary>Answers every call with fixed raw reply bytes.</summary>
    private sealed class RawReplyService(ushort serviceId, byte[] reply) : IRxService
    {
        public ushort ServiceId { get; } = serviceId;

        public string Name => "raw";

        public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            byte[] buffer = new byte[256];
            while (await call.ReadAsync(buffer, cancellationToken) > 0)
            {
            }

            await call.WriteAsync(reply, cancellationToken);
            return 0;
        }
    }

    private sealed class TrackingConnector(IRxConnector inner) : IRxConnector
    {
        public ConcurrentQueue<TrackingConnection> Connections { get; } = new();

        public bool FailStartCall { get; init; }

        public async ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
        {
            var connection = new TrackingConnection(await inner.ConnectAsync(serviceId, requestUpgrade, cancellationToken), FailStartCall);
            Connections.Enqueue(connection);
            return connection;
        }
    }

    private sealed class TrackingConnection(IRxConnection inner, bool failStartCall) : IRxConnection
    {
        private int _disposed;

        public bool Disposed => Volatile.Read(ref _disposed) != 0;

        public ushort ServiceId => inner.ServiceId;

        public ValueTask<IRxClientCall> StartCallAsync(CancellationToken cancellationToken = default) =>
            failStartCall ? ValueTask.FromException<IRxClientCall>(new IOException("network down")) : inner.StartCallAsync(cancellationToken);

        public ValueTask DisposeAsync()
        {
            Interlocked.Exchange(ref _disposed, 1);
            return inner.DisposeAsync();
        }
    }
}
