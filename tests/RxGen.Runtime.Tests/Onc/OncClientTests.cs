using System;
using System.Collections.Generic;
using System.Diagnostics.Metrics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Tests.TestSupport;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>Generated calc.x client against the generated dispatcher, over the TCP and UDP transports on loopback.</summary>
public sealed class OncClientTests : IAsyncLifetime
{
    private CalcServer _server = null!;

    public async Task InitializeAsync() => _server = await CalcServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<IOncCallTransport> TransportAsync(bool udp, OncClientOptions? options = null) =>
        udp ? OncUdpClient.Create(_server.Udp, options) : await OncTcpClient.ConnectAsync(_server.Tcp, options);

    private static ValueTask DisposeAsync(IOncCallTransport transport) => ((IAsyncDisposable)transport).DisposeAsync();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GeneratedClientCallsEveryKindOfProcedure(bool udp)
    {
        IOncCallTransport transport = await TransportAsync(udp);
        try
        {
            var client = new CALC_V1Client(transport);
            await client.CalcNullAsync().WithTimeout();
            Assert.Equal(-5, await client.CalcAddAsync(new calcargs { A = 10, B = -15 }).WithTimeout());
            byte[] blob = Enumerable.Range(0, udp ? 30000 : 300000).Select(i => (byte)i).ToArray();
            Assert.Equal(blob, await client.CalcEchoAsync(blob).WithTimeout());
            calcwho who = await client.CalcWhoamiAsync().WithTimeout();
            Assert.Equal(0u, who.Flavor);
            Assert.Equal(OncAcceptStat.SystemErr, (await Assert.ThrowsAsync<OncRpcException>(() => client.CalcFailAsync())).Status);
            await new CALC_V2Client(transport).CalcNullAsync().WithTimeout();
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ErrorRepliesBecomeExceptions(bool udp)
    {
        IOncCallTransport transport = await TransportAsync(udp);
        try
        {
            OncRpcException mismatch = await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(RawOnc.Program, 7, 0, ReadOnlyMemory<byte>.Empty));
            Assert.Equal(OncAcceptStat.ProgMismatch, mismatch.Status);
            Assert.Equal(1u, mismatch.LowVersion);
            Assert.Equal(2u, mismatch.HighVersion);
            Assert.Equal(OncAcceptStat.ProgUnavail, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(1, 1, 0, ReadOnlyMemory<byte>.Empty))).Status);
            Assert.Equal(OncAcceptStat.ProcUnavail, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(RawOnc.Program, 1, 77, ReadOnlyMemory<byte>.Empty))).Status);
            Assert.Equal(OncAcceptStat.GarbageArgs, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(RawOnc.Program, 1, 1, new byte[4]))).Status);
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ARecycledContextIsNeverHandedToAnotherCallWhileItsCallRuns(bool udp)
    {
        // 32 slow calls wait inside the procedure while 500 quick ones run past them: every context keeps
        // describing its own call until the procedure returns, and quick calls reuse contexts of finished ones.
        IOncCallTransport transport = await TransportAsync(udp);
        try
        {
            var client = new CALC_V1Client(transport);
            Task<uint>[] slow = Enumerable.Range(0, 32).Select(i => client.CalcSlowAsync((uint)(20 + i))).ToArray();
            for (int i = 0; i < 500; i++)
            {
                Assert.Equal(i + 1, await client.CalcAddAsync(new calcargs { A = i, B = 1 }).WithTimeout());
            }

            uint[] runs = await Task.WhenAll(slow).WithTimeout();
            Assert.Equal(32, runs.Distinct().Count());
            Assert.Equal(0, _server.Service.ContextsChanged);
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AuthSysCredentialsReachTheService(bool udp)
    {
        var options = new OncClientOptions { Credentials = new OncAuthSysCredentials(1, "client-host", 1001, 1002, new uint[] { 5, 6 }) };
        IOncCallTransport transport = await TransportAsync(udp, options);
        try
        {
            calcwho who = await new CALC_V1Client(transport).CalcWhoamiAsync().WithTimeout();
            Assert.Equal((1u, 1001u, 1002u, "client-host"), (who.Flavor, who.Uid, who.Gid, who.Machine));
            await new CALC_V1Client(transport).CalcAddAsync(new calcargs()).WithTimeout();
            Assert.True(_server.Service.Contexts.TryDequeue(out OncCallContext? context));
            Assert.Equal(new uint[] { 5, 6 }, context!.AuthSys!.Gids);
            Assert.Equal(IPAddress.Loopback, ((IPEndPoint)context.CallerAddress!).Address);
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManyConcurrentCallsAreMatchedByXid(bool udp)
    {
        IOncCallTransport transport = await TransportAsync(udp);
        try
        {
            var client = new CALC_V1Client(transport);
            // Slow calls of decreasing length finish in reverse order; fast ones overtake them.
            Task<uint>[] slow = Enumerable.Range(0, 8).Select(i => client.CalcSlowAsync((uint)(160 - (i * 20)))).ToArray();
            Task<int>[] fast = Enumerable.Range(0, 200).Select(i => client.CalcAddAsync(new calcargs { A = i, B = i })).ToArray();
            int[] sums = await Task.WhenAll(fast).WithTimeout();
            Assert.Equal(Enumerable.Range(0, 200).Select(i => 2 * i), sums);
            uint[] runs = await Task.WhenAll(slow).WithTimeout();
            Assert.Equal(8, runs.Distinct().Count());
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CancellationAndTimeoutEndTheWaitAndLaterCallsWork(bool udp)
    {
        // The cancellation (100 ms) comes well before the timeout (1 s), also when a loaded machine delays timers.
        IOncCallTransport transport = await TransportAsync(udp, new OncClientOptions { Timeout = TimeSpan.FromSeconds(1), RetransmitInterval = TimeSpan.FromMilliseconds(100) });
        try
        {
            var client = new CALC_V1Client(transport);
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CalcSlowAsync(4000, cts.Token));
            await Assert.ThrowsAsync<TimeoutException>(() => client.CalcSlowAsync(4000));
            Assert.Equal(3, await client.CalcAddAsync(new calcargs { A = 1, B = 2 }).WithTimeout());
        }
        finally
        {
            await DisposeAsync(transport);
        }
    }

    [Fact]
    public async Task UdpRetransmitsWithTheSameXidAndTheServerRunsTheCallOnce()
    {
        await using OncUdpClient client = OncUdpClient.Create(_server.Udp, new OncClientOptions { RetransmitInterval = TimeSpan.FromMilliseconds(40) });
        uint run = await new CALC_V1Client(client).CalcSlowAsync(400).WithTimeout();
        Assert.True(client.Retransmissions >= 2, $"{client.Retransmissions} retransmissions");
        Assert.Equal(1u, run);
        Assert.Equal(1, _server.Service.SlowRuns);
    }

    [Fact]
    public async Task UdpRetransmissionRecoversALostDatagram()
    {
        // A relay that drops the first datagram of each call.
        using Socket relay = RawOnc.UdpSocket();
        var relayEnd = (IPEndPoint)relay.LocalEndPoint!;
        using var stop = new CancellationTokenSource();
        Task relaying = Task.Run(async () =>
        {
            var seen = new HashSet<uint>();
            var buffer = new byte[65536];
            EndPoint? clientEnd = null;
            while (!stop.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await relay.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                byte[] data = buffer.AsSpan(0, r.ReceivedBytes).ToArray();
                if (((IPEndPoint)r.RemoteEndPoint).Equals(_server.Udp))
                {
                    await relay.SendToAsync(data, SocketFlags.None, clientEnd!);
                }
                else
                {
                    clientEnd = r.RemoteEndPoint;
                    if (seen.Add(RawOnc.U32(data, 0)))
                    {
                        continue;
                    }

                    await relay.SendToAsync(data, SocketFlags.None, _server.Udp);
                }
            }
        });
        await using (OncUdpClient client = OncUdpClient.Create(relayEnd, new OncClientOptions { RetransmitInterval = TimeSpan.FromMilliseconds(30) }))
        {
            Assert.Equal(9, await new CALC_V1Client(client).CalcAddAsync(new calcargs { A = 4, B = 5 }).WithTimeout());
            Assert.True(client.Retransmissions >= 1);
        }

        stop.Cancel();
        await relaying.WithTimeout();
    }

    [Fact]
    public async Task ATcpClientWhoseServerGoesAwayFailsItsCalls()
    {
        CalcServer server = await CalcServer.StartAsync();
        await using OncTcpClient client = await OncTcpClient.ConnectAsync(server.Tcp);
        Task<uint> waiting = new CALC_V1Client(client).CalcSlowAsync(5000);
        await TimeoutExtensions.Eventually(() => server.Service.SlowRuns == 1, "call running");
        await server.DisposeAsync();
        await Assert.ThrowsAsync<IOException>(() => waiting.WithTimeout());
        await Assert.ThrowsAsync<IOException>(() => new CALC_V1Client(client).CalcNullAsync());
    }

    [Fact]
    public async Task MetricsCountCallsByProcedureAndStatus()
    {
        var seen = new List<(long Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == OncServerMetrics.MeterName && instrument.Name == "rxgen.onc.server.calls")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, state) =>
        {
            var dict = new Dictionary<string, object?>();
            foreach (KeyValuePair<string, object?> tag in tags)
            {
                dict[tag.Key] = tag.Value;
            }

            lock (seen)
            {
                seen.Add((value, dict));
            }
        });
        listener.Start();
        await using OncTcpClient client = await OncTcpClient.ConnectAsync(_server.Tcp);
        await new CALC_V1Client(client).CalcAddAsync(new calcargs()).WithTimeout();
        await Assert.ThrowsAsync<OncRpcException>(async () => await client.CalcAsyncProcUnavail());
        lock (seen)
        {
            Assert.Contains(seen, m => (uint)m.Tags["rpc.onc.procedure"]! == 1 && (string)m.Tags["rpc.onc.status"]! == "success" && (uint)m.Tags["rpc.onc.program"]! == RawOnc.Program);
            Assert.Contains(seen, m => (uint)m.Tags["rpc.onc.procedure"]! == 99 && (string)m.Tags["rpc.onc.status"]! == "proc_unavail");
        }
    }

    [Fact]
    public async Task TheHostedServiceStartsAndStopsTheServer()
    {
        var registry = new OncDispatcherRegistry();
        registry.Register(new CALC_V1Dispatcher(new CalcService()));
        await using var server = new OncServer(registry);
        IPEndPoint tcp = server.AddTcpListener(new IPEndPoint(IPAddress.Loopback, 0));
        var hosted = new OncServerHostedService(server);
        await hosted.StartAsync(CancellationToken.None);
        await using (OncTcpClient client = await OncTcpClient.ConnectAsync(tcp))
        {
            await new CALC_V1Client(client).CalcNullAsync().WithTimeout();
        }

        await hosted.StopAsync(CancellationToken.None).WithTimeout();
        await Assert.ThrowsAnyAsync<SocketException>(() => OncTcpClient.ConnectAsync(tcp));
    }
}

internal static class CalcTransportExtensions
{
    public static async Task CalcAsyncProcUnavail(this IOncCallTransport transport)
    {
        using var reply = await transport.CallAsync(RawOnc.Program, 1, 99, ReadOnlyMemory<byte>.Empty);
    }
}

public sealed class OncClientLifetimeTests
{
    [Fact]
    public async Task ClientsDisposeTwiceAndRefuseCallsAfterwards()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        OncTcpClient tcp = await OncTcpClient.ConnectAsync(server.Tcp);
        OncUdpClient udp = OncUdpClient.Create(server.Udp);
        await tcp.DisposeAsync();
        await tcp.DisposeAsync();
        await udp.DisposeAsync();
        await udp.DisposeAsync();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => new CALC_V1Client(tcp).CalcNullAsync());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => new CALC_V1Client(udp).CalcNullAsync());
    }
}
