using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Golden.Vl;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;
using Yfs = Golden.YfsVl;

namespace RxGen.Interop.Tests;

/// <summary>
/// The generated upgrading client (<see cref="Yfs.YFSVLUpgradingClient"/>, VL_ 52 → YFSVL_ 2503) over
/// <see cref="InMemoryRxServer"/>: one cached probe per destination, calls routed to the service that answered.
/// </summary>
public sealed class UpgradeClientTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task UpgradeClient_Granted_RoutesCallsToTheShadow()
    {
        var (server, old, yfs) = Servers(withPair: true);
        var connector = new CountingConnector(server);
        await using var client = new Yfs.YFSVLUpgradingClient(connector);
        Assert.Null(client.ProbeResult);
        Assert.Null(client.Original);

        nvldbentry entry = await client.GetEntryByNameNAsync("root.cell").WaitAsync(Timeout);

        Assert.Equal("yfs:root.cell", XdrText.FromCChars(entry.Name));
        Yfs.YFSVLUpgradeProbeResult probe = Assert.IsType<Yfs.YFSVLUpgradeProbeResult>(client.ProbeResult);
        Assert.True(probe.Upgraded);
        Assert.True(client.IsUpgraded);
        Assert.Equal((ushort)2503, probe.ServiceId);
        Assert.Equal(ShadowVl.Capabilities, probe.UpgradedCapabilities);
        Assert.Null(probe.AbortCode);
        Assert.NotNull(client.Original);

        // A shadow-only call through the typed client.
        Yfs.YFSVLClient upgraded = Assert.IsType<Yfs.YFSVLClient>(client.Upgraded);
        Assert.Equal(ShadowVl.CellName, await upgraded.GetCellNameAsync().WaitAsync(Timeout));
        await client.ProbeServerAsync().WaitAsync(Timeout);

        Assert.Equal(1, connector.Connects);
        Assert.Equal(1, yfs.Probes);
        Assert.Equal(1, yfs.ProbeServers);
        Assert.Equal(0, old.Calls);
    }

    [Fact]
    public async Task UpgradeClient_ServerWithoutThePair_StaysOnTheOriginal()
    {
        var (server, old, yfs) = Servers(withPair: false);
        var connector = new CountingConnector(server);
        await using var client = new Yfs.YFSVLUpgradingClient(connector);

        nvldbentry entry = await client.GetEntryByNameNAsync("root.cell").WaitAsync(Timeout);
        await client.ProbeServerAsync().WaitAsync(Timeout);

        Assert.Equal("vl:root.cell", XdrText.FromCChars(entry.Name));
        Assert.False(client.IsUpgraded);
        Assert.Null(client.Upgraded);
        Assert.Equal((ushort)52, client.ProbeResult!.ServiceId);
        Assert.Equal(OriginalVl.Capabilities, client.ProbeResult.Capabilities);
        Assert.Equal(3, old.Calls);
        Assert.Equal(0, yfs.Probes + yfs.ProbeServers);
        Assert.Equal(1, connector.Connects);
    }

    [Fact]
    public async Task UpgradeClient_ProbeAbortedWithRxgenOpcode_FallsBackWithoutDelay()
    {
        var server = new InMemoryRxServer();
        var old = new OriginalVl(answerCapabilities: false); // OpenAFS 1.8: no VL GetCapabilities
        server.AddService(new VLDispatcher(old));
        await using var client = new Yfs.YFSVLUpgradingClient(server);

        var started = System.Diagnostics.Stopwatch.StartNew();
        nvldbentry entry = await client.GetEntryByNameNAsync("root.afs").WaitAsync(Timeout);
        started.Stop();

        Assert.Equal("vl:root.afs", XdrText.FromCChars(entry.Name));
        Assert.False(client.IsUpgraded);
        Assert.Equal(RxGenErrorCodes.Opcode, client.ProbeResult!.AbortCode);
        Assert.Null(client.ProbeResult.Capabilities);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"fallback took {started.Elapsed}");
        Assert.Equal(2, old.Calls);
    }

    [Fact]
    public async Task UpgradeClient_ConcurrentFirstCalls_WaitForOneProbe()
    {
        var (server, _, yfs) = Servers(withPair: true);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        yfs.ProbeGate = gate.Task;
        var connector = new CountingConnector(server);
        await using var client = new Yfs.YFSVLUpgradingClient(connector);

        Task<nvldbentry>[] calls = Enumerable.Range(0, 8).Select(i => client.GetEntryByNameNAsync("v" + i)).ToArray();
        await yfs.ProbeStarted.Task.WaitAsync(Timeout);
        Assert.All(calls, c => Assert.False(c.IsCompleted));
        Assert.Null(client.ProbeResult);
        gate.SetResult();

        nvldbentry[] entries = await Task.WhenAll(calls).WaitAsync(Timeout);
        Assert.Equal(Enumerable.Range(0, 8).Select(i => "yfs:v" + i), entries.Select(e => XdrText.FromCChars(e.Name)));
        Assert.Equal(1, yfs.Probes);
        Assert.Equal(1, connector.Connects);
    }

    [Fact]
    public async Task UpgradeClient_Reprobe_OpensANewConnection()
    {
        var (server, _, yfs) = Servers(withPair: true);
        var connector = new CountingConnector(server);
        await using var client = new Yfs.YFSVLUpgradingClient(connector);

        Yfs.YFSVLUpgradeProbeResult first = await client.ProbeAsync().WaitAsync(Timeout);
        Yfs.YFSVLUpgradeProbeResult cached = await client.ProbeAsync().WaitAsync(Timeout);
        Assert.Same(first, cached);
        Assert.Equal(1, connector.Connects);

        Yfs.YFSVLUpgradeProbeResult second = await client.ReprobeAsync().WaitAsync(Timeout);
        Assert.NotSame(first.Connection, second.Connection);
        Assert.Same(second, client.ProbeResult);
        Assert.True(second.Upgraded);
        Assert.Equal(2, connector.Connects);
        Assert.Equal(2, yfs.Probes);

        // Calls now use the new connection; the old one still works until the client is disposed.
        await client.ProbeServerAsync().WaitAsync(Timeout);
        await new Yfs.YFSVLClient(first.Connection).ProbeServerAsync().WaitAsync(Timeout);
        Assert.Equal(2, yfs.ProbeServers);
    }

    [Fact]
    public async Task UpgradeClient_FailedProbe_IsNotCached()
    {
        var (server, _, yfs) = Servers(withPair: true);
        var connector = new CountingConnector(server) { FailNext = true };
        await using var client = new Yfs.YFSVLUpgradingClient(connector);

        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ProbeServerAsync().WaitAsync(Timeout));
        Assert.Null(client.ProbeResult);

        await client.ProbeServerAsync().WaitAsync(Timeout);
        Assert.True(client.IsUpgraded);
        Assert.Equal(2, connector.Connects);
        Assert.Equal(1, yfs.Probes);
    }

    [Fact]
    public async Task UpgradeClient_Disposed_Throws()
    {
        var (server, _, _) = Servers(withPair: true);
        var client = new Yfs.YFSVLUpgradingClient(server);
        await client.ProbeAsync().WaitAsync(Timeout);
        await client.DisposeAsync();
        await client.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.ProbeServerAsync());
    }

    private static (InMemoryRxServer Server, OriginalVl Old, ShadowVl Yfs) Servers(bool withPair)
    {
        var old = new OriginalVl(answerCapabilities: true);
        var yfs = new ShadowVl();
        var server = new InMemoryRxServer();
        server.AddService(new VLDispatcher(old));
        server.AddService(new Yfs.YFSVLDispatcher(yfs));
        if (withPair)
        {
            server.AddUpgrade(Yfs.YFSVLUpgrade.FromServiceId, Yfs.YFSVLUpgrade.ToServiceId);
        }

        return (server, old, yfs);
    }

    private sealed class CountingConnector(IRxConnector inner) : IRxConnector
    {
        private int _connects;

        public int Connects => Volatile.Read(ref _connects);

        public bool FailNext { get; set; }

        public ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
        {
            Interlocked.Increment(ref _connects);
            Assert.Equal((ushort)52, serviceId);
            Assert.True(requestUpgrade);
            if (FailNext)
            {
                FailNext = false;
                throw new InvalidOperationException("connect failed");
            }

            return inner.ConnectAsync(serviceId, requestUpgrade, cancellationToken);
        }
    }

    private sealed class OriginalVl(bool answerCapabilities) : VLServiceBase
    {
        public static readonly uint[] Capabilities = [0x1];

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return answerCapabilities ? ValueTask.FromResult(Capabilities) : base.GetCapabilitiesAsync(context);
        }

        public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(VlData.NEntry("vl:" + volumename, 536870912));
        }

        public override ValueTask ProbeServerAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ShadowVl : Yfs.YFSVLServiceBase
    {
        public const string CellName = "yfs.example.org";

        public static readonly uint[] Capabilities = [0x1, 0x2503];

        private int _probes;
        private int _probeServers;

        public int Probes => Volatile.Read(ref _probes);

        public int ProbeServers => Volatile.Read(ref _probeServers);

        public Task ProbeGate { get; set; } = Task.CompletedTask;

        public TaskCompletionSource ProbeStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _probes);
            ProbeStarted.TrySetResult();
            await ProbeGate.WaitAsync(context.CancellationToken);
            return Capabilities;
        }

        public override ValueTask<string> GetCellNameAsync(RxCallContext context) => ValueTask.FromResult(CellName);

        public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context) =>
            ValueTask.FromResult(VlData.YfsNEntry("yfs:" + volumename, 536870912));

        public override ValueTask ProbeServerAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _probeServers);
            return ValueTask.CompletedTask;
        }
    }
}
