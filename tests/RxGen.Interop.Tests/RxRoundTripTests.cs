using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Golden.Vl;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;
using Afs = Golden.Afs;
using AfsCommon = Golden.AfsCommon;
using Pt = Golden.Pt;
using Yfs = Golden.YfsVl;

namespace RxGen.Interop.Tests;

/// <summary>
/// Generated Rx clients against generated dispatchers over <see cref="InMemoryRxServer"/>: OUT values,
/// aborts, rxgen's stub error codes, multi calls, split (streaming) procs, cancellation and the
/// AuriStor-style service upgrade.
/// </summary>
public sealed class RxRoundTripTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // ---- VL: plain calls ----

    [Fact]
    public async Task GetEntryByNameN_ReturnsTheServersEntry()
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);

        nvldbentry entry = await harness.Client.GetEntryByNameNAsync("root.cell").WaitAsync(Timeout);

        Assert.Equal("root.cell", XdrText.FromCChars(entry.Name));
        Assert.Equal(2, entry.NServers);
        Assert.Equal(new uint[] { 536870912, 536870913, 536870914 }, entry.VolumeId);
        Assert.Equal(0x0a000002, entry.ServerNumber[1]);
        Assert.Equal(VldbintIdl.VLSF_ROVOL, entry.ServerFlags[1]);
        Assert.Equal(-1, entry.Matchindex);
        Assert.Equal(new[] { "root.cell" }, vl.LookedUp);
        harness.AssertNoServiceFaults();
    }

    [Fact]
    public async Task GetEntryByNameN_MissingVolume_AbortsWithTheServersCode()
    {
        var harness = await VlHarness.StartAsync(new CannedVlServer());

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(() => harness.Client.GetEntryByNameNAsync("no.such.volume").WaitAsync(Timeout));

        Assert.Equal(VlData.VlNoEnt, ex.Code);
        harness.AssertNoServiceFaults();
    }

    [Fact]
    public async Task ListAttributesN_ReturnsEveryOutParameter_AsOneResultRecord()
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);
        var query = new VldbListByAttributes { Mask = VldbintIdl.VLLIST_SERVER | VldbintIdl.VLLIST_FLAG, Server = 0x0a000001, Flag = VldbintIdl.VLF_ROEXISTS };

        VLListAttributesNResult result = await harness.Client.ListAttributesNAsync(query).WaitAsync(Timeout);

        Assert.Equal(3, result.Nentries);
        Assert.Equal(new[] { "root.afs", "root.cell", "user.alice" }, result.Blkentries.Select(e => XdrText.FromCChars(e.Name)));
        Assert.Equal(536870918u, result.Blkentries[2].VolumeId[0]);
        VldbListByAttributes seen = Assert.Single(vl.Queries);
        Assert.Equal((query.Mask, query.Server, query.Flag), (seen.Mask, seen.Server, seen.Flag));
    }

    [Fact]
    public async Task ProbeServer_Succeeds()
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);

        await harness.Client.ProbeServerAsync().WaitAsync(Timeout);

        Assert.Equal(1, vl.Probes);
    }

    [Fact]
    public async Task DeclaredGetCapabilities_ReturnsTheCapabilityWords()
    {
        var harness = await VlHarness.StartAsync(new CannedVlServer());

        uint[] capabilities = await harness.Client.GetCapabilitiesAsync().WaitAsync(Timeout);

        Assert.Equal(CannedVlServer.Capabilities, capabilities);
    }

    [Fact]
    public async Task SynthesizedGetCapabilities_DefaultsToNoWords_AndCanBeImplemented()
    {
        var server = new InMemoryRxServer();
        server.AddService(new Pt.PRDispatcher(new BarePrServer()));
        server.AddService(new Pt.PRDispatcher(new CapablePrServer(), serviceId: 74));

        var bare = new Pt.PRClient(await server.ConnectAsync(Pt.PRProtocol.ServiceId, requestUpgrade: false));
        var capable = new Pt.PRClient(await server.ConnectAsync(74, requestUpgrade: false));

        Assert.Empty(await bare.GetCapabilitiesAsync().WaitAsync(Timeout));
        Assert.Equal(new uint[] { 0x1, 0x80000000 }, await capable.GetCapabilitiesAsync().WaitAsync(Timeout));
        Assert.Equal(Pt.PRProtocol.Opcodes.GetCapabilities, VLProtocol.Opcodes.GetCapabilities);
    }

    // ---- rxgen stub errors ----

    [Fact]
    public async Task UnknownOpcode_AbortsWithRxgenOpcode()
    {
        var harness = await VlHarness.StartAsync(new CannedVlServer());

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(
            async () => (await RxCalls.CallAsync(harness.Connection, Wire.Words(9999), CancellationToken.None).AsTask().WaitAsync(Timeout)).Dispose());

        Assert.Equal(RxGenErrorCodes.Opcode, ex.Code);
        Assert.Equal(-455, ex.Code);
    }

    public static TheoryData<string, byte[]> GarbageRequests => new()
    {
        { "string length over volumename<65>", Wire.Words(VLProtocol.Opcodes.GetEntryByNameN, 1000) },
        { "absurd string length", Wire.Words(VLProtocol.Opcodes.GetEntryByNameN, 0xFFFFFFFF) },
        { "argument missing", Wire.Words(VLProtocol.Opcodes.GetEntryByNameN) },
        { "string body cut short", Wire.Words(VLProtocol.Opcodes.GetEntryByNameN, 9, 0x726f6f74) },
        { "struct argument cut short", Wire.Words(VLProtocol.Opcodes.ListAttributesN, 1, 2) },
        { "trailing bytes after the arguments", Wire.Words(VLProtocol.Opcodes.ProbeServer, 0) },
        { "string that is not UTF-8", Wire.Concat(Wire.Words(VLProtocol.Opcodes.GetEntryByNameN, 2), [0xc3, 0x28, 0, 0]) },
    };

    [Theory]
    [MemberData(nameof(GarbageRequests))]
    public async Task GarbageArguments_AbortWithRxgenSsUnmarshal(string what, byte[] request)
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(
            async () => (await RxCalls.CallAsync(harness.Connection, request, CancellationToken.None).AsTask().WaitAsync(Timeout)).Dispose());

        Assert.True(ex.Code == RxGenErrorCodes.SsUnmarshal, $"{what}: abort code {ex.Code}, expected -453");
        Assert.Empty(vl.LookedUp);
        Assert.Empty(vl.Queries);
        Assert.Equal(0, vl.Probes);
        harness.AssertNoServiceFaults();
    }

    [Fact]
    public async Task RequestShorterThanAnOpcode_AbortsWithRxgenDecode()
    {
        var harness = await VlHarness.StartAsync(new CannedVlServer());

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(
            async () => (await RxCalls.CallAsync(harness.Connection, new byte[] { 0, 0 }, CancellationToken.None).AsTask().WaitAsync(Timeout)).Dispose());

        Assert.Equal(RxGenErrorCodes.Decode, ex.Code);
    }

    [Fact]
    public async Task CallToAServiceTheServerDoesNotOffer_AbortsWithInvalidOperation()
    {
        var server = new InMemoryRxServer();
        server.AddService(new VLDispatcher(new CannedVlServer()));
        var client = new VLClient(await server.ConnectAsync(Afs.RXAFSProtocol.ServiceId, requestUpgrade: false));

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(() => client.ProbeServerAsync().WaitAsync(Timeout));

        Assert.Equal(RxGenErrorCodes.InvalidOperation, ex.Code);
    }

    // ---- multi ----

    [Fact]
    public async Task MultiProbeServer_YieldsEachReplyAsItArrives_IncludingAnAbort()
    {
        const int abortCode = 5377;
        var gates = Enumerable.Range(0, 3).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var servers = new List<InMemoryRxServer>();
        var clients = new List<VLClient>();
        for (int i = 0; i < gates.Length; i++)
        {
            var server = new InMemoryRxServer();
            server.AddService(new VLDispatcher(new GatedProbeServer(gates[i].Task, i == 1 ? abortCode : 0)));
            servers.Add(server);
            clients.Add(new VLClient(await server.ConnectAsync(VLProtocol.ServiceId, requestUpgrade: false)));
        }

        // Server 2 answers first, then the aborting server 1, then server 0: each is let go only after
        // the previous reply was consumed, so the order seen proves results stream as they arrive.
        int[] releaseOrder = [2, 1, 0];
        var seen = new List<RxMultiResult<bool>>();
        gates[releaseOrder[0]].SetResult();
        await ConsumeAsync().WaitAsync(Timeout);

        Assert.Equal(releaseOrder, seen.Select(r => r.Index));
        Assert.All(seen.Where(r => r.Index != 1), r => Assert.True(r.Succeeded && r.Value));
        RxMultiResult<bool> aborted = seen.Single(r => r.Index == 1);
        Assert.False(aborted.Succeeded);
        Assert.Equal(abortCode, Assert.IsType<RpcAbortException>(aborted.Error).Code);

        async Task ConsumeAsync()
        {
            await foreach (RxMultiResult<bool> result in VLClient.MultiProbeServerAsync(clients))
            {
                seen.Add(result);
                if (seen.Count < releaseOrder.Length)
                {
                    gates[releaseOrder[seen.Count]].SetResult();
                }
            }
        }
    }

    // ---- split procs: streaming raw bytes ----

    [Fact]
    public async Task FetchData_StreamsSeveralMiB_ThenReturnsTheOutValues()
    {
        const int size = 4 * 1024 * 1024;
        var fs = new StreamingFileServer(Pattern(size));
        var harness = await AfsHarness.StartAsync(fs);
        var fid = new AfsCommon.AFSFid { Volume = 536870912, Vnode = 1, Unique = 1 };

        await using Afs.RXAFSFetchDataCall call = await harness.Client.StartFetchDataAsync(fid, 0, size).WaitAsync(Timeout);
        byte[] lengthWord = new byte[4];
        await ReadExactlyAsync(call.ReadAsync, lengthWord).WaitAsync(Timeout);
        Assert.Equal(Wire.Words(size), lengthWord);

        byte[] received = new byte[size];
        await ReadExactlyAsync(call.ReadAsync, received.AsMemory(0, 64 * 1024)).WaitAsync(Timeout);
        // The reply is streamed through bounded pipes: with 64 KiB read, the server cannot be done writing 4 MiB.
        Assert.False(fs.FetchFinishedWriting.Task.IsCompleted, "the server wrote the whole file before the client read it: not streamed");
        Assert.True(Volatile.Read(ref fs.FetchBytesWritten) < 1024 * 1024, $"server is {fs.FetchBytesWritten} bytes ahead");
        await ReadExactlyAsync(call.ReadAsync, received.AsMemory(64 * 1024)).WaitAsync(Timeout);
        Afs.RXAFSFetchDataResult outValues = await call.EndAsync().WaitAsync(Timeout);

        Assert.True(fs.Content.AsSpan().SequenceEqual(received), "fetched bytes differ from the file");
        Assert.Equal((uint)size, outValues.OutStatus.Length);
        Assert.Equal(7u, outValues.OutStatus.DataVersion);
        Assert.Equal((3u, 7200u, 1u), (outValues.CallBack.CallBackVersion, outValues.CallBack.ExpirationTime, outValues.CallBack.CallBackType));
        Assert.Equal(0xdeadu, outValues.Sync.Spare1);
        Assert.Equal((fid.Volume, fid.Vnode, fid.Unique), fs.LastFid);
        harness.AssertNoServiceFaults();
    }

    [Fact]
    public async Task StoreData_through_the_request_Stream()
    {
        const int size = 1024 * 1024 + 3;
        byte[] content = Pattern(size);
        var fs = new StreamingFileServer([]);
        var harness = await AfsHarness.StartAsync(fs);
        var fid = new AfsCommon.AFSFid { Volume = 536870912, Vnode = 6, Unique = 2 };
        var status = new AfsCommon.AFSStoreStatus { Mask = 1, ClientModTime = 1700000000 };

        await using Afs.RXAFSStoreDataCall call = await harness.Client.StartStoreDataAsync(fid, status, 0, size, size).WaitAsync(Timeout);
        await new System.IO.MemoryStream(content).CopyToAsync(call.RequestStream).WaitAsync(Timeout);
        Afs.RXAFSStoreDataResult outValues = await call.EndAsync().WaitAsync(Timeout);

        Assert.Equal(size, fs.StoreBytesRead);
        Assert.True(content.AsSpan().SequenceEqual(fs.Stored), "stored bytes differ from the ones sent");
        Assert.Equal((uint)size, outValues.OutStatus.Length);
    }

    [Fact]
    public async Task StoreData_ClientStreamsSeveralMiB_ServerReadsExactlyLength()
    {
        const int size = 3 * 1024 * 1024 + 5;
        byte[] content = Pattern(size);
        var fs = new StreamingFileServer([]);
        var harness = await AfsHarness.StartAsync(fs);
        var fid = new AfsCommon.AFSFid { Volume = 536870912, Vnode = 6, Unique = 2 };
        var status = new AfsCommon.AFSStoreStatus { Mask = 1, ClientModTime = 1700000000 };

        await using Afs.RXAFSStoreDataCall call = await harness.Client.StartStoreDataAsync(fid, status, 0, size, size).WaitAsync(Timeout);
        for (int offset = 0; offset < size; offset += 100_000)
        {
            await call.WriteAsync(content.AsMemory(offset, Math.Min(100_000, size - offset))).AsTask().WaitAsync(Timeout);
        }

        // Writes complete only as the server consumes them (bounded pipes): it has read nearly everything by now.
        Assert.True(Volatile.Read(ref fs.StoreBytesRead) > size - (512 * 1024), $"server has read only {fs.StoreBytesRead} of {size} bytes");
        Afs.RXAFSStoreDataResult outValues = await call.EndAsync().WaitAsync(Timeout);

        Assert.Equal(size, fs.StoreBytesRead);
        Assert.Equal(0, fs.StoreBytesAfterLength);
        Assert.True(content.AsSpan().SequenceEqual(fs.Stored), "stored bytes differ from the ones sent");
        Assert.Equal((uint)size, outValues.OutStatus.Length);
        Assert.Equal(8u, outValues.OutStatus.DataVersion);
        Assert.Equal(0xbeefu, outValues.Sync.Spare1);
        Assert.Equal((1u, 1700000000u), (fs.LastStoreStatus!.Mask, fs.LastStoreStatus.ClientModTime));
        harness.AssertNoServiceFaults();
    }

    // ---- cancellation ----

    [Fact]
    public async Task CancellingACall_AbortsIt_CancelsTheServer_AndFreesTheChannel()
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);
        using var cts = new CancellationTokenSource();

        Task<nvldbentry> call = harness.Client.GetEntryByNameNAsync(CannedVlServer.SlowVolume, cts.Token);
        await vl.SlowStarted.Task.WaitAsync(Timeout);
        cts.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call.WaitAsync(Timeout));
        await vl.SlowCancelled.Task.WaitAsync(Timeout);

        // The connection keeps working: the cancelled call gave its channel back.
        for (int i = 0; i < InMemoryRxServer.DefaultMaxCallsPerConnection + 1; i++)
        {
            Assert.Equal("root.cell", XdrText.FromCChars((await harness.Client.GetEntryByNameNAsync("root.cell").WaitAsync(Timeout)).Name));
        }

        harness.AssertNoServiceFaults();
    }

    [Fact]
    public async Task AlreadyCancelledToken_NeverReachesTheServer()
    {
        var vl = new CannedVlServer();
        var harness = await VlHarness.StartAsync(vl);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => harness.Client.GetEntryByNameNAsync("root.cell", new CancellationToken(canceled: true)).WaitAsync(Timeout));

        Assert.Empty(vl.LookedUp);
    }

    // ---- service upgrade VL (52) -> YFSVL (2503) ----

    [Fact]
    public async Task Upgrade_WithThePair_SwitchesTheConnectionToYfsVl()
    {
        var old = new YfsVlOldServer();
        var yfs = new YfsVlNewServer();
        var server = new InMemoryRxServer();
        server.AddService(new VLDispatcher(old));
        server.AddService(new Yfs.YFSVLDispatcher(yfs));
        server.AddUpgrade(Yfs.YFSVLUpgrade.FromServiceId, Yfs.YFSVLUpgrade.ToServiceId);

        Yfs.YFSVLUpgradeProbeResult probe = await Yfs.YFSVLUpgrade.ProbeAsync(server).WaitAsync(Timeout);

        Assert.True(probe.Upgraded, $"not upgraded: service {probe.ServiceId}, abort {probe.AbortCode}");
        Assert.Equal((ushort)2503, probe.ServiceId);
        Assert.Equal((ushort)2503, probe.Connection.ServiceId);
        Assert.Null(probe.AbortCode);
        Assert.Null(probe.Capabilities);
        Assert.Equal(YfsVlNewServer.Capabilities, probe.UpgradedCapabilities);

        // Later calls on that connection reach the YFSVL_ implementation, with either client.
        Assert.Equal(YfsVlNewServer.CellName, await new Yfs.YFSVLClient(probe.Connection).GetCellNameAsync().WaitAsync(Timeout));
        nvldbentry entry = await new VLClient(probe.Connection).GetEntryByNameNAsync("root.cell").WaitAsync(Timeout);
        Assert.Equal("yfs:root.cell", XdrText.FromCChars(entry.Name));
        Assert.Equal(0, old.Calls);
        Assert.Equal(3, yfs.Calls);
    }

    [Fact]
    public async Task Upgrade_WithoutThePair_StaysOnVl()
    {
        var old = new YfsVlOldServer();
        var yfs = new YfsVlNewServer();
        var server = new InMemoryRxServer();
        server.AddService(new VLDispatcher(old));
        server.AddService(new Yfs.YFSVLDispatcher(yfs));

        Yfs.YFSVLUpgradeProbeResult probe = await Yfs.YFSVLUpgrade.ProbeAsync(server).WaitAsync(Timeout);

        Assert.False(probe.Upgraded);
        Assert.Equal((ushort)52, probe.ServiceId);
        Assert.Equal((ushort)52, probe.Connection.ServiceId);
        Assert.Null(probe.AbortCode);
        Assert.Equal(YfsVlOldServer.Capabilities, probe.Capabilities);
        Assert.Null(probe.UpgradedCapabilities);

        // Still VL_: the YFSVL-only opcode is unknown there.
        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(() => new Yfs.YFSVLClient(probe.Connection).GetCellNameAsync().WaitAsync(Timeout));
        Assert.Equal(RxGenErrorCodes.Opcode, ex.Code);
        Assert.Equal(1, old.Calls);
        Assert.Equal(0, yfs.Calls);
    }

    [Fact]
    public async Task Upgrade_AgainstAnOldVlServerWithoutGetCapabilities_ReportsTheAbort()
    {
        var server = new InMemoryRxServer();
        server.AddService(new VLDispatcher(new OpenAfs18VlServer()));

        Yfs.YFSVLUpgradeProbeResult probe = await Yfs.YFSVLUpgrade.ProbeAsync(server).WaitAsync(Timeout);

        Assert.False(probe.Upgraded);
        Assert.Equal((ushort)52, probe.ServiceId);
        Assert.Equal(RxGenErrorCodes.Opcode, probe.AbortCode);
        Assert.Null(probe.Capabilities);
        Assert.Null(probe.UpgradedCapabilities);

        // The connection is usable after the failed probe.
        await new VLClient(probe.Connection).ProbeServerAsync().WaitAsync(Timeout);
    }

    // ---- helpers ----

    private static byte[] Pattern(int size)
    {
        var bytes = new byte[size];
        for (int i = 0; i < size; i++)
        {
            bytes[i] = unchecked((byte)((i * 7) + (i >> 11)));
        }

        return bytes;
    }

    private static async Task ReadExactlyAsync(Func<Memory<byte>, CancellationToken, ValueTask<int>> read, Memory<byte> buffer)
    {
        while (!buffer.IsEmpty)
        {
            int n = await read(buffer, CancellationToken.None);
            Assert.True(n > 0, $"the reply ended with {buffer.Length} byte(s) still expected");
            buffer = buffer.Slice(n);
        }
    }

    /// <summary>A server with one connection to it, watching for service faults.</summary>
    private sealed class Harness<TClient>
    {
        private readonly ConcurrentQueue<Exception> _faults;

        public Harness(InMemoryRxServer server, IRxConnection connection, TClient client, ConcurrentQueue<Exception> faults)
        {
            Server = server;
            Connection = connection;
            Client = client;
            _faults = faults;
        }

        public InMemoryRxServer Server { get; }

        public IRxConnection Connection { get; }

        public TClient Client { get; }

        public void AssertNoServiceFaults() => Assert.Empty(_faults);

        public static async Task<Harness<TClient>> StartAsync(IRxService service, Func<IRxConnection, TClient> createClient)
        {
            var faults = new ConcurrentQueue<Exception>();
            var server = new InMemoryRxServer { ServiceFaulted = (_, ex) => faults.Enqueue(ex) };
            server.AddService(service);
            IRxConnection connection = await server.ConnectAsync(service.ServiceId, requestUpgrade: false);
            return new Harness<TClient>(server, connection, createClient(connection), faults);
        }
    }

    private static class VlHarness
    {
        public static Task<Harness<VLClient>> StartAsync(IVLService service) =>
            Harness<VLClient>.StartAsync(new VLDispatcher(service), c => new VLClient(c));
    }

    private static class AfsHarness
    {
        public static Task<Harness<Afs.RXAFSClient>> StartAsync(Afs.IRXAFSService service) =>
            Harness<Afs.RXAFSClient>.StartAsync(new Afs.RXAFSDispatcher(service), c => new Afs.RXAFSClient(c));
    }

    /// <summary>A VL server with three volumes.</summary>
    private sealed class CannedVlServer : VLServiceBase
    {
        public const string SlowVolume = "slow.volume";

        public static readonly uint[] Capabilities = [0x00000001, 0x80000000, 0];

        private readonly Dictionary<string, nvldbentry> _entries = new()
        {
            ["root.afs"] = VlData.NEntry("root.afs", 536870915, servers: 1),
            ["root.cell"] = VlData.NEntry("root.cell", 536870912),
            ["user.alice"] = VlData.NEntry("user.alice", 536870918, servers: 3),
        };

        private int _probes;

        public ConcurrentQueue<string> LookedUp { get; } = new();

        public ConcurrentQueue<VldbListByAttributes> Queries { get; } = new();

        public int Probes => Volatile.Read(ref _probes);

        public TaskCompletionSource SlowStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource SlowCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override async ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context)
        {
            if (volumename == SlowVolume)
            {
                using CancellationTokenRegistration registration = context.CancellationToken.Register(() => SlowCancelled.TrySetResult());
                SlowStarted.TrySetResult();
                await Task.Delay(System.Threading.Timeout.Infinite, context.CancellationToken);
            }

            LookedUp.Enqueue(volumename);
            await Task.Yield();
            return _entries.TryGetValue(volumename, out nvldbentry? entry) ? entry : throw new RpcAbortException(VlData.VlNoEnt, "no such volume");
        }

        public override ValueTask<VLListAttributesNResult> ListAttributesNAsync(VldbListByAttributes attributes, RxCallContext context)
        {
            Queries.Enqueue(attributes);
            nvldbentry[] all = _entries.OrderBy(e => e.Key, StringComparer.Ordinal).Select(e => e.Value).ToArray();
            return ValueTask.FromResult(new VLListAttributesNResult(all.Length, all));
        }

        public override ValueTask ProbeServerAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _probes);
            return ValueTask.CompletedTask;
        }

        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(Capabilities);
    }

    /// <summary>A VL server whose ProbeServer answers once its gate opens, and then aborts if asked to.</summary>
    private sealed class GatedProbeServer(Task gate, int abortCode) : VLServiceBase
    {
        public override async ValueTask ProbeServerAsync(RxCallContext context)
        {
            await gate.WaitAsync(context.CancellationToken);
            if (abortCode != 0)
            {
                throw new RpcAbortException(abortCode, "probe refused");
            }
        }
    }

    /// <summary>A file server whose FetchData and StoreData stream their raw bytes.</summary>
    private sealed class StreamingFileServer(byte[] content) : Afs.RXAFSServiceBase
    {
        private const int Chunk = 64 * 1024;

        public long FetchBytesWritten;

        public int StoreBytesRead;

        public byte[] Content { get; } = content;

        public TaskCompletionSource FetchFinishedWriting { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public (uint, uint, uint) LastFid { get; private set; }

        public AfsCommon.AFSStoreStatus? LastStoreStatus { get; private set; }

        public byte[] Stored { get; private set; } = [];

        public int StoreBytesAfterLength { get; private set; } = -1;

        public override async ValueTask<Afs.RXAFSFetchDataResult> FetchDataAsync(AfsCommon.AFSFid fid, int pos, int length, RxSplitServerCall stream, RxCallContext context)
        {
            LastFid = (fid.Volume, fid.Vnode, fid.Unique);
            int n = Math.Min(length, Content.Length - pos);
            await stream.WriteAsync(Wire.Words((uint)n), context.CancellationToken);
            for (int offset = 0; offset < n; offset += Chunk)
            {
                int chunk = Math.Min(Chunk, n - offset);
                await stream.WriteAsync(Content.AsMemory(pos + offset, chunk), context.CancellationToken);
                Interlocked.Add(ref FetchBytesWritten, chunk);
            }

            FetchFinishedWriting.TrySetResult();
            return new Afs.RXAFSFetchDataResult(
                new AfsCommon.AFSFetchStatus { InterfaceVersion = 1, FileType = 1, LinkCount = 1, Length = (uint)Content.Length, DataVersion = 7 },
                new AfsCommon.AFSCallBack { CallBackVersion = 3, ExpirationTime = 7200, CallBackType = 1 },
                new AfsCommon.AFSVolSync { Spare1 = 0xdead });
        }

        public override async ValueTask<Afs.RXAFSStoreDataResult> StoreDataAsync(AfsCommon.AFSFid fid, AfsCommon.AFSStoreStatus inStatus, uint pos, uint length, uint fileLength, RxSplitServerCall stream, RxCallContext context)
        {
            LastFid = (fid.Volume, fid.Vnode, fid.Unique);
            LastStoreStatus = inStatus;
            byte[] received = new byte[length];
            int got = 0;
            while (got < received.Length)
            {
                int n = await stream.ReadAsync(received.AsMemory(got, Math.Min(Chunk, received.Length - got)), context.CancellationToken);
                if (n == 0)
                {
                    throw new RpcAbortException(RxGenErrorCodes.Eof, "the client sent fewer bytes than Length");
                }

                got += n;
                Volatile.Write(ref StoreBytesRead, got);
            }

            // Exactly Length bytes: the request ends right after them.
            StoreBytesAfterLength = await stream.ReadAsync(new byte[16], context.CancellationToken);
            Stored = received;
            return new Afs.RXAFSStoreDataResult(
                new AfsCommon.AFSFetchStatus { InterfaceVersion = 1, FileType = 1, Length = fileLength, DataVersion = 8 },
                new AfsCommon.AFSVolSync { Spare1 = 0xbeef });
        }
    }

    private sealed class BarePrServer : Pt.PRServiceBase
    {
    }

    private sealed class CapablePrServer : Pt.PRServiceBase
    {
        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context) => ValueTask.FromResult(new uint[] { 0x1, 0x80000000 });
    }

    /// <summary>The VL_ side of an upgrade-capable server (Golden.YfsVl, service 52).</summary>
    private sealed class YfsVlOldServer : VLServiceBase
    {
        public static readonly uint[] Capabilities = [0x1];

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(Capabilities);
        }

        public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(VlData.YfsNEntry("vl:" + volumename, 536870912));
        }
    }

    /// <summary>The YFSVL_ side of an upgrade-capable server (service 2503).</summary>
    private sealed class YfsVlNewServer : Yfs.YFSVLServiceBase
    {
        public const string CellName = "yfs.example.org";

        public static readonly uint[] Capabilities = [0x1, 0x2503];

        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public override ValueTask<uint[]> GetCapabilitiesAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(Capabilities);
        }

        public override ValueTask<string> GetCellNameAsync(RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(CellName);
        }

        public override ValueTask<nvldbentry> GetEntryByNameNAsync(string volumename, RxCallContext context)
        {
            Interlocked.Increment(ref _calls);
            return ValueTask.FromResult(VlData.YfsNEntry("yfs:" + volumename, 536870912));
        }
    }

    /// <summary>An OpenAFS 1.8 VL server: no GetCapabilities (it aborts with RXGEN_OPCODE, the base's default).</summary>
    private sealed class OpenAfs18VlServer : VLServiceBase
    {
        public override ValueTask ProbeServerAsync(RxCallContext context) => ValueTask.CompletedTask;
    }
}
