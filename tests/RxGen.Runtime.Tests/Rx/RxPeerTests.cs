using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>C# client and C# server over real UDP sockets on loopback (IPv4 and IPv6) through <see cref="RxPeer"/>.</summary>
public class RxPeerTests
{
    private const ushort Service = 1234;

    public static TheoryData<string> Loopbacks => new() { "127.0.0.1", "::1" };

    [Theory]
    [MemberData(nameof(Loopbacks))]
    public async Task Small_calls_round_trip_over_a_dual_stack_socket(string address)
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.IPv6Any, 0));
        server.AddService(TestServices.Echo(Service));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.IPv6Any, 0));
        await using IRxConnection connection = client.Connect(new IPEndPoint(IPAddress.Parse(address), server.LocalEndPoint.Port), Service);

        for (int i = 0; i < 50; i++)
        {
            byte[] request = Enumerable.Range(0, 8 + (i * 97)).Select(b => (byte)(b + i)).ToArray();
            using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, request, CancellationToken.None).WithTimeout();
            Assert.Equal(request, reply.Memory.ToArray());
        }

        Assert.Equal(50, server.GetStatistics().ServerCalls);
    }

    [Fact]
    public async Task Concurrent_calls_spread_over_channels_and_connections()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(Service));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(async i =>
        {
            byte[] request = BitConverter.GetBytes(i).Concat(new byte[i * 50]).ToArray();
            using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, request, CancellationToken.None);
            Assert.Equal(request, reply.Memory.ToArray());
        })).WithTimeout();
    }

    [Fact]
    public async Task A_split_transfer_streams_several_MiB_each_way_byte_exact()
    {
        const int size = 6 << 20;
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(Service));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        await using IRxClientCall call = await connection.StartCallAsync();
        var chunk = new byte[60000];
        long total = 0;
        for (int sent = 0; sent < size; sent += chunk.Length, total += chunk.Length)
        {
            for (int i = 0; i < chunk.Length; i++)
            {
                chunk[i] = Pattern(sent + i);
            }

            await call.WriteAsync(chunk).WithTimeout();
        }

        long received = 0;
        bool same = true;
        var buffer = new byte[70000];
        int n;
        while ((n = await call.ReadAsync(buffer).WithTimeout()) > 0)
        {
            for (int i = 0; i < n; i++)
            {
                same &= buffer[i] == Pattern(received + i);
            }

            received += n;
        }

        Assert.True(same, "the echoed bytes differ");
        Assert.Equal(total, received);
    }

    [Fact]
    public async Task Abort_codes_travel_both_ways_and_an_unknown_service_is_refused()
    {
        var serverSawAbort = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new DelegateRxService(Service, "aborter", async (call, ct) =>
        {
            var op = new byte[4];
            await call.ReadAsync(op, ct);
            if (op[3] == 1)
            {
                await DelegateRxService.DrainAsync(call, ct);
                return 363524;
            }

            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                serverSawAbort.TrySetResult(1);
                throw;
            }

            return 0;
        }));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        RpcAbortException fromServer = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, new byte[] { 0, 0, 0, 1 }, CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(363524, fromServer.Code);

        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RxCalls.CallAsync(connection, new byte[] { 0, 0, 0, 2 }, cts.Token).AsTask().WithTimeout());
        await serverSawAbort.Task.WithTimeout();

        await using IRxConnection nobody = client.Connect(server.LocalEndPoint, 999);
        RpcAbortException refused = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(nobody, new byte[] { 0, 0, 0, 1 }, CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(RxGenErrorCodes.InvalidOperation, refused.Code);
    }

    [Fact]
    public async Task A_vanished_peer_fails_the_call_with_a_timeout_naming_it()
    {
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork, System.Net.Sockets.SocketType.Dgram, System.Net.Sockets.ProtocolType.Udp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var options = new RxPeerOptions { Protocol = new RxProtocolOptions { DeadTime = TimeSpan.FromMilliseconds(600) } };
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), options);
        var target = (IPEndPoint)silent.LocalEndPoint!;
        await using IRxConnection connection = client.Connect(target, Service);

        RpcAbortException ex = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, new byte[8], CancellationToken.None).AsTask().WithTimeout());
        Assert.Equal(RxGenErrorCodes.CallDead, ex.Code);
        Assert.Contains(target.ToString(), ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Through_a_lossy_duplicating_reordering_shim_calls_and_16_MiB_each_way_complete_byte_exact()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(Service));
        await using var shim = new UdpFaultShim(server.LocalEndPoint, seed: 5, loss: 0.05, duplicate: 0.05, reorder: 0.1);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(shim.EndPoint, Service);

        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 200; i++)
        {
            byte[] request = BitConverter.GetBytes(i);
            using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, request, CancellationToken.None).WithTimeout();
            Assert.Equal(request, reply.Memory.ToArray());
        }

        TimeSpan small = sw.Elapsed;
        var big = new byte[16 << 20];
        new Random(3).NextBytes(big);
        sw.Restart();
        using (XdrPooledBuffer reply = await RxCalls.CallAsync(connection, big, 32 << 20, CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(60)))
        {
            Assert.True(reply.Memory.Span.SequenceEqual(big), $"16 MiB echo differs ({shim})");
        }

        Assert.True(small < TimeSpan.FromSeconds(15), $"200 small calls took {small} ({shim})");
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"16 MiB each way took {sw.Elapsed} ({shim})");
        Assert.True(shim.Dropped > 100, shim.ToString());
    }

    [Fact]
    public async Task Against_a_linux_style_server_the_probe_succeeds_and_later_calls_use_a_fresh_connection_without_the_upgrade()
    {
        await using var linux = new LinuxUpgradeUdpServer(52, 2503);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(linux.EndPoint, 52, requestUpgrade: true);
        var sw = Stopwatch.StartNew();
        var reply = new byte[8];
        for (int i = 0; i < 4; i++)
        {
            await using IRxClientCall call = await connection.StartCallAsync().AsTask().WithTimeout();
            await call.WriteAsync(new byte[4]);
            Assert.Equal(4, await call.ReadAsync(reply).WithTimeout());
            Assert.Equal(52, BinaryPrimitives.ReadInt32BigEndian(reply));
            Assert.Equal(0, await call.ReadAsync(reply).WithTimeout());
            await call.DisposeAsync();
            Assert.Equal(52, connection.ServiceId);
            await Task.Delay(20); // let the server's rejection of the old-id final ACK arrive
        }

        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"no timeout penalty: {sw.Elapsed}");
        Assert.Equal(1, linux.UpgradeRequests); // never asked again on that IRxConnection
        Assert.True(linux.Rejected >= 1, "the server rejected the probe's final ACK, as Linux does");
        Assert.Equal(2, linux.Connections); // the probe's connection, then one fresh connection for the later calls
    }

    [Fact]
    public async Task A_probe_to_a_server_without_a_pair_falls_back_at_once_and_later_calls_work()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(DelegateRxService.Identify(52));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, 52, requestUpgrade: true);
        var sw = Stopwatch.StartNew();
        var reply = new byte[8];
        Task[] calls = Enumerable.Range(0, 6).Select(async _ =>
        {
            await using IRxClientCall call = await connection.StartCallAsync();
            await call.WriteAsync(new byte[4]);
            Assert.Equal(4, await call.ReadAsync(reply.AsMemory(0, 4)).WithTimeout());
            Assert.Equal(52, BinaryPrimitives.ReadInt32BigEndian(reply));
        }).ToArray();
        await Task.WhenAll(calls).WithTimeout();
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(3), $"no timeout penalty: {sw.Elapsed}");
        Assert.Equal(52, connection.ServiceId);
    }

    [Fact]
    public async Task An_upgrade_pair_added_to_the_server_core_after_both_services_reaches_the_engine()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(DelegateRxService.Identify(52));
        server.AddService(DelegateRxService.Identify(2503));
        server.Server.AddUpgrade(52, 2503); // not RxPeer.AddUpgrade: the lead's order
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, 52, requestUpgrade: true);
        await using IRxClientCall probe = await connection.StartCallAsync();
        await probe.WriteAsync(new byte[4]);
        var reply = new byte[8];
        Assert.Equal(4, await probe.ReadAsync(reply).WithTimeout());
        Assert.Equal(2503, BinaryPrimitives.ReadInt32BigEndian(reply));
        Assert.Equal(0, await probe.ReadAsync(reply).WithTimeout());
        await probe.DisposeAsync();
        Assert.Equal(2503, connection.ServiceId);
    }

    [Fact]
    public async Task A_service_upgrade_switches_the_connection_and_later_calls_wait_for_the_probe()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(DelegateRxService.Identify(52));
        server.AddService(DelegateRxService.Identify(2503));
        server.AddUpgrade(52, 2503);
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        IRxConnector connector = client.CreateConnector(server.LocalEndPoint);
        await using IRxConnection connection = await connector.ConnectAsync(52, requestUpgrade: true);

        IRxClientCall probe = await connection.StartCallAsync();
        Task<IRxClientCall> second = connection.StartCallAsync().AsTask();
        await Task.Delay(50);
        Assert.False(second.IsCompleted, "a call started while the upgrade probe was in progress");
        await probe.WriteAsync(new byte[4]);
        var reply = new byte[8];
        Assert.Equal(4, await probe.ReadAsync(reply).WithTimeout());
        Assert.Equal(2503, BinaryPrimitives.ReadInt32BigEndian(reply));
        Assert.Equal(0, await probe.ReadAsync(reply).WithTimeout());
        await probe.DisposeAsync();
        Assert.Equal(2503, connection.ServiceId);

        await using IRxClientCall next = await second.WithTimeout();
        Assert.Equal(2503, next.ServiceId);
        await next.WriteAsync(new byte[4]);
        Assert.Equal(4, await next.ReadAsync(reply).WithTimeout());
        Assert.Equal(2503, BinaryPrimitives.ReadInt32BigEndian(reply));
    }

    [Fact]
    public async Task Every_call_gets_a_span_and_metrics_with_service_opcode_and_code()
    {
        var spans = new System.Collections.Concurrent.ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RxTelemetry.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var measured = new System.Collections.Concurrent.ConcurrentQueue<(string Side, int Opcode, int Code)>();
        using var meters = new System.Diagnostics.Metrics.MeterListener();
        meters.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == RxTelemetry.Name && instrument.Name == "rxgen.rx.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string side = "";
            int opcode = 0, code = 0;
            foreach (var tag in tags)
            {
                switch (tag.Key)
                {
                    case "rx.side": side = (string)tag.Value!; break;
                    case "rx.opcode": opcode = (int)tag.Value!; break;
                    case "rx.code": code = (int)tag.Value!; break;
                }
            }

            measured.Enqueue((side, opcode, code));
        });
        meters.Start();

        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new DelegateRxService(Service, "codes", async (call, ct) =>
        {
            var op = new byte[4];
            await call.ReadAsync(op, ct);
            return op[3] == 7 ? 0 : 4242;
        }));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);
        using (await RxCalls.CallAsync(connection, new byte[] { 0, 0, 0, 7 }, CancellationToken.None).WithTimeout())
        {
        }

        await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, new byte[] { 0, 0, 0, 9 }, CancellationToken.None).AsTask().WithTimeout());
        await TimeoutExtensions.Eventually(() => measured.Count >= 4, "4 measurements");
        Assert.Contains(("client", 7, 0), measured);
        Assert.Contains(("server", 7, 0), measured);
        Assert.Contains(("client", 9, 4242), measured);
        Assert.Contains(("server", 9, 4242), measured);
        Assert.Contains(spans, a => a.Kind == ActivityKind.Server && a.OperationName == "rx.serve" && (int?)a.GetTagItem("rx.opcode") == 9 && a.Status == ActivityStatusCode.Error);
        Assert.Contains(spans, a => a.Kind == ActivityKind.Client && (int?)a.GetTagItem("rx.code") == 0);
    }

    [Fact]
    public async Task A_service_runs_at_most_its_concurrency_limit_and_queues_the_rest()
    {
        int running = 0, most = 0;
        var options = new RxPeerOptions { MaxConcurrentCallsPerService = 2 };
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), options);
        server.AddService(new DelegateRxService(Service, "slow", async (call, ct) =>
        {
            int now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            await DelegateRxService.DrainAsync(call, ct);
            await Task.Delay(100, ct);
            Interlocked.Decrement(ref running);
            return 0;
        }));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);

        await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, new byte[4], CancellationToken.None);
        })).WithTimeout();
        Assert.Equal(2, most);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while (value > (seen = Volatile.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private static byte Pattern(long i) => (byte)((i * 13) + (i >> 11));
}

/// <summary>Hand-written services for transport tests.</summary>
internal static class TestServices
{
    /// <summary>Reads the whole request, then replies with it (Rx: a reply starts after the request).</summary>
    public static DelegateRxService Echo(ushort serviceId) => new(serviceId, "echo", async (call, ct) =>
    {
        var stored = new System.IO.MemoryStream();
        var buffer = new byte[65536];
        int n;
        while ((n = await call.ReadAsync(buffer, ct)) > 0)
        {
            stored.Write(buffer, 0, n);
        }

        await call.WriteAsync(stored.GetBuffer().AsMemory(0, (int)stored.Length), ct);
        return 0;
    });
}
