// RxGen Rx benchmark (issue 12): C# client <-> C# server and the OpenAFS C client <-> C server (rxt_peer), one run,
// loopback. Not a test: prints figures and ratios. Usage:
//   dotnet run -c Release --project tests/RxGen.Rx.Benchmarks -- --peer PATH/rxt_peer [--calls N] [--mib M]
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;

namespace RxGen.Rx.Benchmarks;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal static partial class Program
{
    private const ushort Service = 7400;

    private static async Task<int> Main(string[] args)
    {
        string peer = Arg(args, "--peer") ?? "rxt_peer";
        int calls = int.Parse(Arg(args, "--calls") ?? "20000", CultureInfo.InvariantCulture);
        int mib = int.Parse(Arg(args, "--mib") ?? "64", CultureInfo.InvariantCulture);
        PeerPath = peer;
        switch (Arg(args, "--phase"))
        {
            case "udp":
                Console.WriteLine(FormattableString.Invariant($"bench udp n={calls} seconds={calls / UdpPingPong(calls)}"));
                return 0;
            case "loss":
                return await LossAsync(args, peer); // LossBench.cs
            case "seq":
                (double r, double c, double a) = await CSharpSequentialAsync(calls);
                Console.WriteLine(FormattableString.Invariant($"bench seq n={calls} seconds={calls / r} cpu={c} alloc={a}"));
                return 0;
        }

        Console.WriteLine($"# load average: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cpus; calls={calls} mib={mib}");

        var results = new List<(string Name, double CSharp, double C, string Unit)>();
        foreach (bool pinned in new[] { true, false })
        {
            string where = pinned ? "pinned core 0" : "unpinned";
            string self = Path.Combine(AppContext.BaseDirectory, "RxGen.Rx.Benchmarks");
            Dictionary<string, double> u = Run(self, $"--phase udp --calls {calls * 2}", pinned)["udp"];
            double udp = u["n"] / u["seconds"];
            Console.WriteLine($"udp round trips/s ({where}): {udp:F0}");
            Dictionary<string, double> q = Run(self, $"--phase seq --calls {calls}", pinned)["seq"];
            (double rate, double cpu, double alloc) = (q["n"] / q["seconds"], q["cpu"], q["alloc"]);
            Console.WriteLine($"C#->C# sequential calls/s ({where}): {rate:F0}; cpu/call {cpu:F1} us; allocated/call (client+server) {alloc:F0} B");
            (double cRate, double cCpu) = COpenAfsSequential(peer, calls, pinned);
            Console.WriteLine($"C->C   sequential calls/s ({where}): {cRate:F0}; cpu/call {cCpu:F1} us");
            results.Add(($"sequential calls/s {where}", rate, cRate, "calls/s"));
            results.Add(($"cpu per call {where}", cpu, cCpu, "us"));
            results.Add(($"sequential / udp round-trip limit {where}", rate / udp, cRate / udp, "ratio"));
        }

        double inflight = await CSharpInFlightAsync(64, calls);
        double cThreads4 = COpenAfsThreads(peer, 4, calls / 4);
        double cThreads64 = COpenAfsThreads(peer, 64, Math.Max(1, calls / 64));
        Console.WriteLine($"C#->C# 64 in flight calls/s: {inflight:F0}; C->C 4 threads: {cThreads4:F0}, 64 threads: {cThreads64:F0}");
        results.Add(("calls/s 64 in flight (C: best of 4/64 threads)", inflight, Math.Max(cThreads4, cThreads64), "calls/s"));

        (double sink, double source) = await CSharpSplitAsync(mib);
        (double cSink, double cSource) = COpenAfsSplit(peer, mib);
        Console.WriteLine($"C#->C# {mib} MiB sink {sink:F1} MB/s, source {source:F1} MB/s; C->C sink {cSink:F1} MB/s, source {cSource:F1} MB/s");
        results.Add(($"split {mib} MiB client->server", sink, cSink, "MB/s"));
        results.Add(($"split {mib} MiB server->client", source, cSource, "MB/s"));

        double serverAlloc = await ServerAllocationsPerCallAsync(calls);
        Console.WriteLine($"C# server allocated/call (OpenAFS C client in a child process, GC.GetTotalAllocatedBytes of this process): {serverAlloc:F0} B");

        Console.WriteLine();
        Console.WriteLine("| figure | C# | OpenAFS C | C#/C |");
        Console.WriteLine("|---|---|---|---|");
        foreach ((string name, double cs, double c, string unit) in results)
        {
            Console.WriteLine($"| {name} ({unit}) | {cs:G4} | {c:G4} | {(c == 0 ? double.NaN : cs / c):F2} |");
        }

        return 0;
    }

    private static string? Arg(string[] args, string name)
    {
        int i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    /// <summary>One-datagram ping-pong between two blocking sockets on two threads: the loopback round-trip limit.</summary>
    private static double UdpPingPong(int n)
    {
        using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var b = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        a.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        b.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        a.Connect(b.LocalEndPoint!);
        b.Connect(a.LocalEndPoint!);
        var echo = new Thread(() =>
        {
            var buf = new byte[64];
            for (int i = 0; i < n; i++)
            {
                int got = b.Receive(buf);
                b.Send(buf.AsSpan(0, got));
            }
        });
        echo.Start();
        var buffer = new byte[64];
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            a.Send(buffer.AsSpan(0, 28));
            a.Receive(buffer);
        }

        sw.Stop();
        echo.Join();
        return n / sw.Elapsed.TotalSeconds;
    }

    private static async Task<(RxPeer Server, RxPeer Client, IRxConnection Connection)> StartPairAsync()
    {
        RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new RxtService());
        // RXBENCH_INLINE=1: the client resumes callers on its receive thread (RxPeerOptions.RunClientContinuationsInline).
        var options = new RxPeerOptions { RunClientContinuationsInline = Environment.GetEnvironmentVariable("RXBENCH_INLINE") == "1" };
        RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0), options);
        return (server, client, client.Connect(server.LocalEndPoint, Service));
    }

    private static async Task<(double Rate, double CpuMicros, double AllocBytes)> CSharpSequentialAsync(int n)
    {
        (RxPeer server, RxPeer client, IRxConnection connection) = await StartPairAsync();
        await using (server)
        await using (client)
        await using (connection)
        {
            var request = new byte[16];
            var reply = new byte[64];
            await WarmUpAsync(connection, request, reply);

            TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < n; i++)
            {
                await EchoAsync(connection, i, request, reply);
            }

            sw.Stop();
            long alloc = GC.GetTotalAllocatedBytes(true) - alloc0;
            TimeSpan cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
            if (Environment.GetEnvironmentVariable("RXBENCH_STATS") is not null)
            {
                Console.WriteLine($"# server {server.GetStatistics()}; client {client.GetStatistics()}");
            }
            return (n / sw.Elapsed.TotalSeconds, cpu.TotalMicroseconds / n, (double)alloc / n);
        }
    }

    /// <summary>
    /// Steady state before timing: at least 500 calls and <see cref="WarmUpSeconds"/> of them, so that the JIT's
    /// tiering has promoted the hot methods: pinned to one core that takes 3–8 s (after the 500 calls of earlier runs most
    /// methods still ran at tier 0, and CPU per call was ~1.6× the steady state). RXBENCH_WARMUP_SECONDS overrides it.
    /// </summary>
    private static async Task WarmUpAsync(IRxConnection connection, byte[] request, byte[] reply)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 500 || sw.Elapsed.TotalSeconds < WarmUpSeconds; i++)
        {
            await EchoAsync(connection, i, request, reply);
        }
    }

    private static double WarmUpSeconds => double.Parse(Environment.GetEnvironmentVariable("RXBENCH_WARMUP_SECONDS") ?? "8", CultureInfo.InvariantCulture);

    private static async Task<double> ServerAllocationsPerCallAsync(int n)
    {
        // The client runs in a child process (rxt_peer, C) so every managed allocation here is the server's.
        RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using (server)
        {
            server.AddService(new RxtService());
            long alloc0 = GC.GetTotalAllocatedBytes(true);
            Run(PeerPath, $"client 127.0.0.1 {server.LocalEndPoint.Port} bench-null {n}", pinned: false);
            long alloc = GC.GetTotalAllocatedBytes(true) - alloc0;
            return (double)alloc / (n + 100);
        }
    }

    private static async Task<double> CSharpInFlightAsync(int inFlight, int n)
    {
        (RxPeer server, RxPeer client, IRxConnection connection) = await StartPairAsync();
        await using (server)
        await using (client)
        await using (connection)
        {
            int per = Math.Max(1, n / inFlight);
            async Task Worker(int w)
            {
                var request = new byte[16];
                var reply = new byte[64];
                for (int i = 0; i < per; i++)
                {
                    await EchoAsync(connection, i, request, reply);
                }
            }

            var warm = Stopwatch.StartNew();
            do
            {
                await Task.WhenAll(Enumerable.Range(0, inFlight).Select(w => Task.Run(() => Worker(w)))); // warm-up (see WarmUpAsync)
            }
            while (warm.Elapsed.TotalSeconds < WarmUpSeconds);

            var sw = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, inFlight).Select(w => Task.Run(() => Worker(w))));
            return per * inFlight / sw.Elapsed.TotalSeconds;
        }
    }

    private static async Task<(double Sink, double Source)> CSharpSplitAsync(int mib)
    {
        (RxPeer server, RxPeer client, IRxConnection connection) = await StartPairAsync();
        await using (server)
        await using (client)
        await using (connection)
        {
            long length = (long)mib << 20;
            var chunk = new byte[65536];
            var header = new byte[12];
            var sw = Stopwatch.StartNew();
            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                BinaryPrimitives.WriteInt32BigEndian(header, 3);
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), (int)length);
                BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 3);
                await call.WriteAsync(header);
                for (long done = 0; done < length; done += chunk.Length)
                {
                    await call.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, length - done)));
                }

                await call.CompleteRequestAsync();
                await ReadExactlyAsync(call, chunk.AsMemory(0, 4));
            }

            double sink = length / 1e6 / sw.Elapsed.TotalSeconds;
            sw.Restart();
            await using (IRxClientCall call = await connection.StartCallAsync())
            {
                BinaryPrimitives.WriteInt32BigEndian(header, 4);
                await call.WriteAsync(header);
                await call.CompleteRequestAsync();
                long total = 0;
                int got;
                while ((got = await call.ReadAsync(chunk)) > 0)
                {
                    total += got;
                }

                if (total != length + 4)
                {
                    throw new InvalidOperationException($"source returned {total} bytes");
                }
            }

            return (sink, length / 1e6 / sw.Elapsed.TotalSeconds);
        }
    }

    private static async ValueTask EchoAsync(IRxConnection connection, int a, byte[] request, byte[] reply)
    {
        await using IRxClientCall call = await connection.StartCallAsync();
        BinaryPrimitives.WriteInt32BigEndian(request, 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), a);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(12), 'x' << 24);
        await call.WriteAsync(request);
        await call.CompleteRequestAsync();
        int total = 0, n;
        while ((n = await call.ReadAsync(reply.AsMemory(total))) > 0)
        {
            total += n;
        }

        if (total < 8 || BinaryPrimitives.ReadInt32BigEndian(reply) != a + 1)
        {
            throw new InvalidOperationException("bad echo reply");
        }
    }

    private static async ValueTask ReadExactlyAsync(IRxClientCall call, Memory<byte> buffer)
    {
        while (buffer.Length > 0)
        {
            int n = await call.ReadAsync(buffer);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            buffer = buffer[n..];
        }
    }

    private static string PeerPath { get; set; } = "rxt_peer";

    private static (double Rate, double CpuMicros) COpenAfsSequential(string peer, int n, bool pinned)
    {
        using CServer server = CServer.Start(peer, pinned);
        double s0 = server.CpuSeconds();
        Dictionary<string, double> r = Run(peer, $"client 127.0.0.1 {server.Port} bench-null {n}", pinned)["null"];
        double serverCpu = server.CpuSeconds() - s0; // includes the client's 100 warm-up calls: negligible
        return (n / r["seconds"], (r["user"] + r["sys"] + serverCpu) * 1e6 / n);
    }

    private static double COpenAfsThreads(string peer, int threads, int per)
    {
        using CServer server = CServer.Start(peer, false);
        Dictionary<string, double> r = Run(peer, $"client 127.0.0.1 {server.Port} bench-threads {threads} {per}", false)["threads"];
        return r["n"] / r["seconds"];
    }

    private static (double Sink, double Source) COpenAfsSplit(string peer, int mib)
    {
        using CServer server = CServer.Start(peer, false);
        Dictionary<string, Dictionary<string, double>> r = Run(peer, $"client 127.0.0.1 {server.Port} bench-split {mib}", false);
        return (r["sink"]["n"] / 1e6 / r["sink"]["seconds"], r["source"]["n"] / 1e6 / r["source"]["seconds"]);
    }

    /// <summary>Runs the C client and parses its "bench KIND k=v ..." lines.</summary>
    private static Dictionary<string, Dictionary<string, double>> Run(string peer, string arguments, bool pinned)
    {
        var psi = new ProcessStartInfo(pinned ? "taskset" : peer, pinned ? $"-c 0 {peer} {arguments}" : arguments) { RedirectStandardOutput = true };
        using Process p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(600_000) || p.ExitCode != 0)
        {
            throw new InvalidOperationException($"rxt_peer {arguments} failed ({(p.HasExited ? p.ExitCode : -1)}): {output}");
        }

        var result = new Dictionary<string, Dictionary<string, double>>();
        foreach (string line in output.Split('\n').Where(l => l.StartsWith("bench ", StringComparison.Ordinal)))
        {
            string[] parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            result[parts[1]] = parts.Skip(2).Select(kv => kv.Split('=')).ToDictionary(kv => kv[0], kv => double.Parse(kv[1], CultureInfo.InvariantCulture));
        }

        return result;
    }

    /// <summary>The OpenAFS C server (rxt_peer server), started by us and killed by its PID.</summary>
    private sealed class CServer : IDisposable
    {
        private static int s_port = 20000 + (Environment.ProcessId % 20000);
        private readonly Process _process;

        private CServer(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public static CServer Start(string peer, bool pinned)
        {
            int port = Interlocked.Increment(ref s_port);
            var psi = new ProcessStartInfo(pinned ? "taskset" : peer, pinned ? $"-c 0 {peer} server {port}" : $"server {port}") { RedirectStandardOutput = true };
            Process p = Process.Start(psi)!;
            string? line = p.StandardOutput.ReadLine();
            if (line != "ready")
            {
                p.Kill();
                throw new InvalidOperationException($"rxt_peer server: {line}");
            }

            return new CServer(p, port);
        }

        /// <summary>user+sys of the server process from /proc/PID/stat.</summary>
        public double CpuSeconds()
        {
            string stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
        }

        public void Dispose()
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }

            _process.Dispose();
        }
    }

    /// <summary>rxt.xg's Echo (1), Sink (3) and Source (4) by hand, for the C# server.</summary>
    private sealed class RxtService : IRxService
    {
        public ushort ServiceId => Service;

        public string Name => "RXT";

        public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(65536);
            try
            {
                return await ExecuteAsync(call, buffer, cancellationToken);
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        private static async ValueTask<int> ExecuteAsync(IRxServerCall call, byte[] buffer, CancellationToken cancellationToken)
        {
            await ReadExactlyAsync(call, buffer.AsMemory(0, 4), cancellationToken);
            int op = BinaryPrimitives.ReadInt32BigEndian(buffer);
            switch (op)
            {
                case 1:
                    {
                        await ReadExactlyAsync(call, buffer.AsMemory(0, 8), cancellationToken);
                        int a = BinaryPrimitives.ReadInt32BigEndian(buffer);
                        int len = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(4));
                        if (len < 0 || len > 1024)
                        {
                            return RxGenErrorCodes.ProtocolError;
                        }

                        int padded = (len + 3) & ~3;
                        await ReadExactlyAsync(call, buffer.AsMemory(8, padded), cancellationToken);
                        Memory<byte> reply = buffer.AsMemory(2048, 8 + ((len + 4 + 3) & ~3));
                        reply.Span.Clear();
                        BinaryPrimitives.WriteInt32BigEndian(reply.Span, a + 1);
                        BinaryPrimitives.WriteInt32BigEndian(reply.Span[4..], len + 4);
                        buffer.AsSpan(8, len).CopyTo(reply.Span[8..]);
                        "-ack"u8.CopyTo(reply.Span[(8 + len)..]);
                        await call.WriteAsync(reply, cancellationToken);
                        return 0;
                    }

                case 3:
                    {
                        await ReadExactlyAsync(call, buffer.AsMemory(0, 8), cancellationToken);
                        long length = BinaryPrimitives.ReadInt32BigEndian(buffer);
                        uint c = 0;
                        for (long done = 0; done < length;)
                        {
                            int n = await call.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), cancellationToken);
                            if (n == 0)
                            {
                                return RxGenErrorCodes.ProtocolError;
                            }

                            foreach (byte x in buffer.AsSpan(0, n))
                            {
                                c = (c * 31) + x;
                            }

                            done += n;
                        }

                        BinaryPrimitives.WriteUInt32BigEndian(buffer, c);
                        await call.WriteAsync(buffer.AsMemory(0, 4), cancellationToken);
                        return 0;
                    }

                case 4:
                    {
                        await ReadExactlyAsync(call, buffer.AsMemory(0, 8), cancellationToken);
                        long length = BinaryPrimitives.ReadInt32BigEndian(buffer);
                        int seed = BinaryPrimitives.ReadInt32BigEndian(buffer.AsSpan(4));
                        uint c = 0;
                        for (long done = 0; done < length;)
                        {
                            int n = (int)Math.Min(buffer.Length, length - done);
                            for (int i = 0; i < n; i++)
                            {
                                long k = done + i;
                                buffer[i] = (byte)((k * 7) + (k >> 10) + seed);
                                c = (c * 31) + buffer[i];
                            }

                            await call.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
                            done += n;
                        }

                        BinaryPrimitives.WriteUInt32BigEndian(buffer, c);
                        await call.WriteAsync(buffer.AsMemory(0, 4), cancellationToken);
                        return 0;
                    }

                default:
                    return RxGenErrorCodes.InvalidOperation; // not what OpenAFS says (-455), enough for a bench
            }
        }

        private static async ValueTask ReadExactlyAsync(IRxServerCall call, Memory<byte> buffer, CancellationToken ct)
        {
            while (buffer.Length > 0)
            {
                int n = await call.ReadAsync(buffer, ct);
                if (n == 0)
                {
                    throw new EndOfStreamException();
                }

                buffer = buffer[n..];
            }
        }
    }
}
