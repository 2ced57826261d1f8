using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// RxPeer against real OpenAFS Rx: tests/peers/rx/rxt_peer, built in the test run with OpenAFS's rxgen and libafsrpc
/// from tests/peers/rx/rxt.xg, as client and as server; and the real <c>rxdebug</c> against an RxPeer.
/// </summary>
public class RxOpenAfsInteropTests
{
    private const ushort Service = 7400;
    private const int Big = 16 << 20;

    internal static readonly Lazy<string> Peer = new(BuildPeer, LazyThreadSafetyMode.ExecutionAndPublication);

    [Fact]
    public async Task OpenAfs_client_calls_the_managed_server()
    {
        var service = new RxtService();
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(service);

        (int exit, string output) = await RunAsync(Peer.Value, $"client 127.0.0.1 {server.LocalEndPoint.Port} all:{Big}", TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, output);
        foreach (string test in new[] { "echo", "fail", "unknown", "sink", "source", "sinkabort" })
        {
            Assert.Contains($"ok {test} ", output, StringComparison.Ordinal);
        }

        // Six calls (echo, fail, unknown, sink, source, sinkabort). The abort can be processed before the sinkabort call's
        // service was scheduled (a loaded machine): then the service is not run at all. When it was run, it saw 4321.
        Assert.InRange(service.Executions, 5, 6);
        if (service.Executions == 6)
        {
            Assert.Contains(4321, service.AbortsSeen);
        }

        Assert.Contains((long)Big, service.SinkBytes);

        // The OpenAFS client acknowledges our replies: no call lingers retransmitting its last packet.
        await TimeoutExtensions.Eventually(() => server.GetStatistics().ActiveCalls == 0, "server calls to end");
        RxPeerStatistics stats = server.GetStatistics();
        // (A bound relative to the traffic: a loaded machine delays ACKs and causes some timely retransmissions.)
        Assert.True(stats.Retransmissions < 100 + stats.DatagramsSent / 20, stats.ToString());
    }

    /// <summary>
    /// Why service upgrade exists. Against a server that ignores unknown service ids (here a C# server with
    /// <see cref="RxGen.Runtime.Rx.Protocol.RxProtocolOptions.AbortUnknownServices"/> off), a client that simply tries the new service waits
    /// until its deadline, while a client that asks for the upgrade on the original service is answered (on the original
    /// id) in one round trip. OpenAFS 1.8 does not ignore them: it aborts a call to an unknown service at once with
    /// RX_INVALID_OPERATION (-2), and ignores the upgrade request.
    /// </summary>
    [Fact]
    public async Task A_naive_client_of_an_unknown_service_times_out_where_the_probing_client_is_answered()
    {
        byte[] echo = Request(1, w => { w.Int(41); w.String("hello"); });
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));

        var silent = new RxPeerOptions { Protocol = new RxGen.Runtime.Rx.Protocol.RxProtocolOptions { AbortUnknownServices = false } };
        await using (RxPeer ignoring = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), silent))
        {
            ignoring.AddService(new RxtService());
            await using IRxConnection naive = client.Connect(ignoring.LocalEndPoint, (ushort)(Service + 1));
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            {
                var watch = Stopwatch.StartNew();
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RxCalls.CallAsync(naive, echo, deadline.Token).AsTask());
                Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(2.5), $"gave up after {watch.Elapsed}, before the deadline");
            }

            await using IRxConnection probing = client.Connect(ignoring.LocalEndPoint, Service, requestUpgrade: true);
            using (var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(3)))
            {
                using var reply = await RxCalls.CallAsync(probing, echo, deadline.Token);
                Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(reply.Memory.Span));
            }

            Assert.Equal(Service, probing.ServiceId);
        }

        int port = FreeUdpPort();
        var lines = new BlockingCollection<string>();
        using Process server = StartServer(port, lines);
        try
        {
            Assert.True(lines.TryTake(out string? ready, TimeSpan.FromSeconds(10)) && ready == "ready", "rxt_peer server did not start");
            var endpoint = new IPEndPoint(IPAddress.Loopback, port);
            await using IRxConnection naive = client.Connect(endpoint, (ushort)(Service + 1));
            RpcAbortException refused = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(naive, echo, CancellationToken.None).AsTask().WithTimeout());
            Assert.Equal(RxGenErrorCodes.InvalidOperation, refused.Code);

            await using IRxConnection probing = client.Connect(endpoint, Service, requestUpgrade: true);
            using var reply = await RxCalls.CallAsync(probing, echo, CancellationToken.None).AsTask().WithTimeout();
            Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(reply.Memory.Span));
            Assert.Equal(Service, probing.ServiceId);
        }
        finally
        {
            Stop(server);
        }
    }

    /// <summary>Starts the C server on <paramref name="port"/>; its output lines go to <paramref name="lines"/>.</summary>
    private static Process StartServer(int port, BlockingCollection<string> lines)
    {
        Process server = Start(Peer.Value, $"server {port}");
        server.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add(e.Data);
            }
        };
        server.BeginOutputReadLine();
        return server;
    }

    [Fact]
    public async Task Managed_client_calls_the_OpenAfs_server()
    {
        int port = FreeUdpPort();
        var lines = new BlockingCollection<string>();
        using Process server = StartServer(port, lines);
        try
        {
            Assert.True(lines.TryTake(out string? ready, TimeSpan.FromSeconds(10)) && ready == "ready", "rxt_peer server did not start");
            await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            await using IRxConnection connection = client.Connect(new IPEndPoint(IPAddress.Loopback, port), Service);

            // Echo: IN 41, "hello" -> OUT 42, "hello-ack".
            using (var reply = await RxCalls.CallAsync(connection, Request(1, w => { w.Int(41); w.String("hello"); }), CancellationToken.None).WithTimeout())
            {
                ReadOnlySpan<byte> r = reply.Memory.Span;
                Assert.Equal(42, BinaryPrimitives.ReadInt32BigEndian(r));
                Assert.Equal(9, BinaryPrimitives.ReadInt32BigEndian(r[4..]));
                Assert.Equal("hello-ack", Encoding.ASCII.GetString(r.Slice(8, 9)));
            }

            RpcAbortException fail = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, Request(2, w => w.Int(363524)), CancellationToken.None).AsTask().WithTimeout());
            Assert.Equal(363524, fail.Code);

            RpcAbortException unknown = await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, Request(77, _ => { }), CancellationToken.None).AsTask().WithTimeout());
            Assert.Equal(RxGenErrorCodes.Opcode, unknown.Code);

            // Sink: stream 16 MiB after the arguments; the C server checks every byte and answers the checksum.
            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                await call.WriteAsync(Request(3, w => { w.Int(Big); w.Int(3); }));
                uint checksum = 0;
                var chunk = new byte[65536];
                for (int done = 0; done < Big; done += chunk.Length)
                {
                    Rxt.Fill(chunk, done, 3);
                    checksum = Rxt.Fold(checksum, chunk);
                    await call.WriteAsync(chunk).WithTimeout();
                }

                byte[] outs = await ReadExactlyAsync(call.ReadAsync, 4);
                Assert.Equal(checksum, BinaryPrimitives.ReadUInt32BigEndian(outs));
                Assert.Equal(0, await call.ReadAsync(new byte[1]).WithTimeout());
            }

            // Source: the C server streams 16 MiB, then the checksum.
            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                await call.WriteAsync(Request(4, w => { w.Int(Big); w.Int(5); }));
                byte[] data = await ReadExactlyAsync(call.ReadAsync, Big);
                var expected = new byte[Big];
                Rxt.Fill(expected, 0, 5);
                Assert.True(data.AsSpan().SequenceEqual(expected), "source data differs");
                byte[] outs = await ReadExactlyAsync(call.ReadAsync, 4);
                Assert.Equal(Rxt.Fold(0, expected), BinaryPrimitives.ReadUInt32BigEndian(outs));
            }

            // Cancelling a call aborts it: the C server's call sees RX_USER_ABORT (-6).
            using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => RxCalls.CallAsync(connection, Request(5, w => w.Int(8000)), cts.Token).AsTask().WithTimeout());
            }

            Assert.True(WaitForLine(lines, "slow-ended ", out string slow), "the C server's Slow call did not end");
            Assert.Equal("slow-ended -6", slow);
        }
        finally
        {
            Stop(server);
        }
    }

    [Fact]
    public async Task Through_a_lossy_shim_the_OpenAfs_client_and_the_managed_server_complete_byte_exact()
    {
        var service = new RxtService();
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(service);
        await using var shim = new UdpFaultShim(server.LocalEndPoint, seed: 7, loss: 0.01, duplicate: 0.01, reorder: 0.05);

        var sw = Stopwatch.StartNew();
        (int exit, string output) = await RunAsync(Peer.Value, $"client 127.0.0.1 {shim.EndPoint.Port} all:{2 << 20}", TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, $"{output} ({shim}, {sw.Elapsed})");
        Assert.Contains((long)(2 << 20), service.SinkBytes);
    }

    [Fact]
    public async Task Through_a_lossy_shim_the_managed_client_and_the_OpenAfs_server_complete_byte_exact()
    {
        int port = FreeUdpPort();
        using Process server = Start(Peer.Value, $"server {port}");
        try
        {
            Assert.Equal("ready", await server.StandardOutput.ReadLineAsync().WithTimeout());
            await using var shim = new UdpFaultShim(new IPEndPoint(IPAddress.Loopback, port), seed: 8, loss: 0.01, duplicate: 0.01, reorder: 0.05);
            await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            await using IRxConnection connection = client.Connect(shim.EndPoint, Service);
            const int size = 4 << 20;

            for (int i = 0; i < 50; i++)
            {
                using var reply = await RxCalls.CallAsync(connection, Request(1, w => { w.Int(i); w.String("x"); }), CancellationToken.None).WithTimeout();
                Assert.Equal(i + 1, BinaryPrimitives.ReadInt32BigEndian(reply.Memory.Span));
            }

            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                await call.WriteAsync(Request(3, w => { w.Int(size); w.Int(3); }));
                var data = new byte[size];
                Rxt.Fill(data, 0, 3);
                await call.WriteAsync(data).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
                byte[] outs = await ReadExactlyAsync(call.ReadAsync, 4);
                Assert.Equal(Rxt.Fold(0, data), BinaryPrimitives.ReadUInt32BigEndian(outs));
            }

            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                await call.WriteAsync(Request(4, w => { w.Int(size); w.Int(5); }));
                byte[] data = await ReadExactlyAsync(call.ReadAsync, size);
                var expected = new byte[size];
                Rxt.Fill(expected, 0, 5);
                Assert.True(data.AsSpan().SequenceEqual(expected), $"source data differs ({shim})");
            }
        }
        finally
        {
            Stop(server);
        }
    }

    [Fact]
    public async Task Real_rxdebug_gets_the_version_of_an_RxPeer()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        (int exit, string output) = await RunAsync("rxdebug", $"127.0.0.1 {server.LocalEndPoint.Port} -version", TimeSpan.FromSeconds(20));
        Assert.True(exit == 0, output);
        Assert.Contains("AFS version: RxGen managed Rx", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Real_rxdebug_noconns_reads_the_statistics_of_an_RxPeer()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new RxtService());
        await using (RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);
            await Assert.ThrowsAsync<RpcAbortException>(() => RxCalls.CallAsync(connection, Request(2, w => w.Int(1)), CancellationToken.None).AsTask().WithTimeout());
        }

        (int exit, string output) = await RunAsync("rxdebug", $"127.0.0.1 {server.LocalEndPoint.Port} -noconns", TimeSpan.FromSeconds(20));
        Assert.True(exit == 0, output);
        Assert.Contains("Free packets: 0/0, packet reclaims: 0, calls: 1, used FDs: 1", output, StringComparison.Ordinal);
        Assert.Contains("0 calls waiting for a thread", output, StringComparison.Ordinal);
    }

    private static bool WaitForLine(BlockingCollection<string> lines, string prefix, out string line)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (lines.TryTake(out string? next, deadline - DateTime.UtcNow > TimeSpan.Zero ? deadline - DateTime.UtcNow : TimeSpan.Zero))
        {
            if (next.StartsWith(prefix, StringComparison.Ordinal))
            {
                line = next;
                return true;
            }
        }

        line = "";
        return false;
    }

    private static async Task<byte[]> ReadExactlyAsync(Func<Memory<byte>, CancellationToken, ValueTask<int>> read, int count)
    {
        var data = new byte[count];
        int at = 0;
        while (at < count)
        {
            int n = await read(data.AsMemory(at), CancellationToken.None).AsTask().WithTimeout();
            Assert.True(n > 0, $"stream ended after {at} of {count} bytes");
            at += n;
        }

        return data;
    }

    private static byte[] Request(int opcode, Action<XdrBuilder> args)
    {
        var builder = new XdrBuilder();
        builder.Int(opcode);
        args(builder);
        return builder.ToArray();
    }

    internal static int FreeUdpPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    internal static Process Start(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        return Process.Start(psi)!;
    }

    internal static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit(5000);
        }
    }

    internal static async Task<(int Exit, string Output)> RunAsync(string file, string arguments, TimeSpan limit)
    {
        using Process process = Start(file, arguments);
        using var cts = new CancellationTokenSource(limit);
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(cts.Token);
            Task<string> stderr = process.StandardError.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            return (process.ExitCode, await stdout + await stderr);
        }
        finally
        {
            Stop(process);
        }
    }

    private static string BuildPeer()
    {
        string? dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "tests", "peers", "rx", "build.sh")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        Assert.True(dir is not null, "tests/peers/rx/build.sh not found above " + AppContext.BaseDirectory);
        string output = Path.Combine(Path.GetTempPath(), $"rxgen-rxt-peer-{Environment.ProcessId}");
        using Process build = Start("bash", $"\"{Path.Combine(dir, "tests", "peers", "rx", "build.sh")}\" \"{output}\"");
        string log = build.StandardOutput.ReadToEnd() + build.StandardError.ReadToEnd();
        Assert.True(build.WaitForExit(120_000) && build.ExitCode == 0, "building rxt_peer failed: " + log);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(output, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return Path.Combine(output, "rxt_peer");
    }

    /// <summary>rxt.xg's data pattern and checksum.</summary>
    internal static class Rxt
    {
        public static void Fill(Span<byte> destination, long offset, int seed)
        {
            for (int i = 0; i < destination.Length; i++)
            {
                long at = offset + i;
                destination[i] = (byte)((at * 7) + (at >> 10) + seed);
            }
        }

        public static uint Fold(uint c, ReadOnlySpan<byte> bytes)
        {
            foreach (byte b in bytes)
            {
                c = (c * 31) + b;
            }

            return c;
        }
    }

    /// <summary>A tiny XDR writer for hand-built requests.</summary>
    private sealed class XdrBuilder
    {
        private readonly MemoryStream _stream = new();

        public void Int(int value)
        {
            Span<byte> b = stackalloc byte[4];
            BinaryPrimitives.WriteInt32BigEndian(b, value);
            _stream.Write(b);
        }

        public void String(string value)
        {
            byte[] bytes = Encoding.ASCII.GetBytes(value);
            Int(bytes.Length);
            _stream.Write(bytes);
            _stream.Write(new byte[(4 - (bytes.Length % 4)) % 4]);
        }

        public byte[] ToArray() => _stream.ToArray();
    }

    /// <summary>rxt.xg's server, written by hand over <see cref="IRxServerCall"/>.</summary>
    private sealed class RxtService : IRxService
    {
        private int _executions;

        public ConcurrentBag<int> AbortsSeen { get; } = new();

        /// <summary>Calls the service was started for.</summary>
        public int Executions => Volatile.Read(ref _executions);

        public ConcurrentBag<long> SinkBytes { get; } = new();

        public ushort ServiceId => Service;

        public string Name => "rxt";

        public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _executions);
            try
            {
                return await ExecuteCoreAsync(call, cancellationToken);
            }
            catch (RpcAbortException ex)
            {
                // The client's abort can arrive before the service has read the arguments (a loaded machine): the
                // first read then reports it.
                AbortsSeen.Add(ex.Code);
                throw;
            }
        }

        private async ValueTask<int> ExecuteCoreAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            byte[] head = await ReadAsync(call, 4, cancellationToken);
            switch (BinaryPrimitives.ReadInt32BigEndian(head))
            {
                case 1:
                {
                    int a = BinaryPrimitives.ReadInt32BigEndian(await ReadAsync(call, 4, cancellationToken));
                    int length = BinaryPrimitives.ReadInt32BigEndian(await ReadAsync(call, 4, cancellationToken));
                    if (length is < 0 or > 1024)
                    {
                        return RxGenErrorCodes.SsUnmarshal;
                    }

                    string s = Encoding.ASCII.GetString(await ReadAsync(call, (length + 3) & ~3, cancellationToken), 0, length);
                    var reply = new XdrBuilder();
                    reply.Int(a + 1);
                    reply.String(s + "-ack");
                    await call.WriteAsync(reply.ToArray(), cancellationToken);
                    return 0;
                }

                case 2:
                    return BinaryPrimitives.ReadInt32BigEndian(await ReadAsync(call, 4, cancellationToken));
                case 3:
                {
                    byte[] args = await ReadAsync(call, 8, cancellationToken);
                    int length = BinaryPrimitives.ReadInt32BigEndian(args);
                    int seed = BinaryPrimitives.ReadInt32BigEndian(args.AsSpan(4));
                    var buffer = new byte[65536];
                    var expected = new byte[65536];
                    long done = 0;
                    uint checksum = 0;
                    try
                    {
                        while (done < length)
                        {
                            int n = await call.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), cancellationToken);
                            if (n == 0)
                            {
                                return RxGenErrorCodes.SsUnmarshal;
                            }

                            Rxt.Fill(expected.AsSpan(0, n), done, seed);
                            if (!buffer.AsSpan(0, n).SequenceEqual(expected.AsSpan(0, n)))
                            {
                                return 5;
                            }

                            checksum = Rxt.Fold(checksum, buffer.AsSpan(0, n));
                            done += n;
                        }
                    }
                    catch (RpcAbortException)
                    {
                        throw;   // recorded by ExecuteAsync
                    }

                    SinkBytes.Add(done);
                    var reply = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(reply, checksum);
                    await call.WriteAsync(reply, cancellationToken);
                    return 0;
                }

                case 4:
                {
                    byte[] args = await ReadAsync(call, 8, cancellationToken);
                    int length = BinaryPrimitives.ReadInt32BigEndian(args);
                    int seed = BinaryPrimitives.ReadInt32BigEndian(args.AsSpan(4));
                    var chunk = new byte[65536];
                    uint checksum = 0;
                    for (long done = 0; done < length; done += chunk.Length)
                    {
                        int n = (int)Math.Min(chunk.Length, length - done);
                        Rxt.Fill(chunk.AsSpan(0, n), done, seed);
                        checksum = Rxt.Fold(checksum, chunk.AsSpan(0, n));
                        await call.WriteAsync(chunk.AsMemory(0, n), cancellationToken);
                    }

                    var reply = new byte[4];
                    BinaryPrimitives.WriteUInt32BigEndian(reply, checksum);
                    await call.WriteAsync(reply, cancellationToken);
                    return 0;
                }

                case 5:
                    await Task.Delay(BinaryPrimitives.ReadInt32BigEndian(await ReadAsync(call, 4, cancellationToken)), cancellationToken);
                    return 0;
                default:
                    return RxGenErrorCodes.Opcode;
            }
        }

        private static async Task<byte[]> ReadAsync(IRxServerCall call, int count, CancellationToken cancellationToken)
        {
            var data = new byte[count];
            int at = 0;
            while (at < count)
            {
                int n = await call.ReadAsync(data.AsMemory(at), cancellationToken);
                if (n == 0)
                {
                    throw new RpcAbortException(RxGenErrorCodes.SsUnmarshal, "short request");
                }

                at += n;
            }

            return data;
        }
    }
}
