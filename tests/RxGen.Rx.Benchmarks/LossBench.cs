// Loss recovery bench (issue 12, "Loss recovery is a feature"): everything through the loopback UDP fault shim of the
// tests (tests/RxGen.Runtime.Tests/Rx/UdpFaultShim.cs, linked), in one run:
//   1. C# client <-> C# server at 1% loss: sequential small calls/s (target >= 1,000) and split MB/s each way (>= 50);
//   2. C# client <-> C# server at 10% loss with duplication and reordering: 16 MiB each way (target <= 10 s each);
//   3. the C# client and the OpenAFS C client (rxt_peer) against the same OpenAFS C server through the same shim at
//      1% loss: small calls/s and split MB/s (target: C# no worse than C).
// Usage: dotnet run -c Release --project tests/RxGen.Rx.Benchmarks -- --phase loss --peer PATH/rxt_peer
//        [--calls N (C# small calls, default 5000)] [--c-calls N (C client, default 100)] [--mib M (default 32)]
using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.Rx;

namespace RxGen.Rx.Benchmarks;

internal static partial class Program
{
    private const int LossSeed = 1212;

    private static async Task<int> LossAsync(string[] args, string peer)
    {
        int calls = int.Parse(Arg(args, "--calls") ?? "5000", CultureInfo.InvariantCulture);
        int cCalls = int.Parse(Arg(args, "--c-calls") ?? "100", CultureInfo.InvariantCulture);
        int mib = int.Parse(Arg(args, "--mib") ?? "32", CultureInfo.InvariantCulture);
        string? only = Arg(args, "--only"); // "cs1", "cs10" or "c": one part alone (for tuning)
        double low = double.Parse(Arg(args, "--low-loss") ?? "0.01", CultureInfo.InvariantCulture); // part 1 and 3 (0 = the shim's own limit)
        Console.WriteLine($"# loss bench; load average: {File.ReadAllText("/proc/loadavg").Trim()}; {Environment.ProcessorCount} cpus; calls={calls} c-calls={cCalls} mib={mib}");
        var rows = new List<string>();

        if (only is null or "cs1")
        {
            // 1. C# <-> C# at 1% loss.
            await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            server.AddService(new RxtService());
            await using var shim = new UdpFaultShim(server.LocalEndPoint, LossSeed, low, 0, 0);
            await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            await using IRxConnection connection = client.Connect(shim.EndPoint, Service);
            (double rate, double cpu) = await LossSequentialAsync(connection, calls);
            (double sink, double source) = await LossSplitAsync(connection, mib);
            RxPeerStatistics c = client.GetStatistics(), s = server.GetStatistics();
            Console.WriteLine(FormattableString.Invariant($"C#->C# 1% loss: {rate:F0} calls/s sequential (cpu/call {cpu:F0} us, client+server+shim); {mib} MiB sink {sink:F1} MB/s, source {source:F1} MB/s; {shim}; client retransmissions {c.Retransmissions}, timeouts {c.Timeouts}; server retransmissions {s.Retransmissions}, timeouts {s.Timeouts}"));
            rows.Add(Row("C#<->C# 1% loss, sequential small calls", rate, "calls/s", ">= 1000", rate >= 1000));
            rows.Add(Row($"C#<->C# 1% loss, split {mib} MiB client->server", sink, "MB/s", ">= 50", sink >= 50));
            rows.Add(Row($"C#<->C# 1% loss, split {mib} MiB server->client", source, "MB/s", ">= 50", source >= 50));
        }

        if (only is null or "cs10")
        {
            // 2. C# <-> C# at 10% loss, 5% duplication, 10% reordered (delayed 1-5 ms).
            await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            server.AddService(new RxtService());
            await using var shim = new UdpFaultShim(server.LocalEndPoint, LossSeed, 0.10, 0.05, 0.10);
            await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            await using IRxConnection connection = client.Connect(shim.EndPoint, Service);
            (double sink, double source) = await LossSplitAsync(connection, 16);
            double sinkSeconds = 16.0 * (1 << 20) / 1e6 / sink, sourceSeconds = 16.0 * (1 << 20) / 1e6 / source;
            RxPeerStatistics c = client.GetStatistics(), s = server.GetStatistics();
            Console.WriteLine(FormattableString.Invariant($"C#->C# 10% loss+dup+reorder: 16 MiB sink {sinkSeconds:F2} s ({sink:F1} MB/s), source {sourceSeconds:F2} s ({source:F1} MB/s); {shim}; client retransmissions {c.Retransmissions}, timeouts {c.Timeouts}; server retransmissions {s.Retransmissions}, timeouts {s.Timeouts}"));
            rows.Add(Row("C#<->C# 10% loss+5% dup+10% reorder, 16 MiB client->server", sinkSeconds, "s", "<= 10", sinkSeconds <= 10));
            rows.Add(Row("C#<->C# 10% loss+5% dup+10% reorder, 16 MiB server->client", sourceSeconds, "s", "<= 10", sourceSeconds <= 10));
        }

        if (only is null or "c")
        {
            // 3. Against the OpenAFS C server at 1% loss: the C# client, then the OpenAFS C client (same seed).
            int cmib = Math.Min(mib, 16);
            double csRate, csSink, csSource;
            string csLine;
            using (CServer cserver = CServer.Start(peer, false))
            {
                await using var shim = new UdpFaultShim(new IPEndPoint(IPAddress.Loopback, cserver.Port), LossSeed, low, 0, 0);
                await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
                await using IRxConnection connection = client.Connect(shim.EndPoint, Service);
                (csRate, _) = await LossSequentialAsync(connection, Math.Max(cCalls, Math.Min(calls, 1000)), warmUp: 100);
                (csSink, csSource) = await LossSplitAsync(connection, cmib);
                RxPeerStatistics c = client.GetStatistics();
                csLine = FormattableString.Invariant($"{shim}; C# client retransmissions {c.Retransmissions}, timeouts {c.Timeouts}");
            }

            Dictionary<string, double> nul;
            Dictionary<string, Dictionary<string, double>> split;
            string cLine;
            using (CServer cserver = CServer.Start(peer, false))
            {
                await using var shim = new UdpFaultShim(new IPEndPoint(IPAddress.Loopback, cserver.Port), LossSeed, low, 0, 0);
                nul = Run(peer, $"client 127.0.0.1 {shim.EndPoint.Port} bench-null {cCalls}", false)["null"];
                split = Run(peer, $"client 127.0.0.1 {shim.EndPoint.Port} bench-split {cmib}", false);
                cLine = shim.ToString();
            }

            double cRate = nul["n"] / nul["seconds"];
            double cSink = split["sink"]["n"] / 1e6 / split["sink"]["seconds"], cSource = split["source"]["n"] / 1e6 / split["source"]["seconds"];
            Console.WriteLine(FormattableString.Invariant($"C# client -> C server 1% loss: {csRate:F1} calls/s; {cmib} MiB sink {csSink:F2} MB/s, source {csSource:F2} MB/s ({csLine})"));
            Console.WriteLine(FormattableString.Invariant($"C client  -> C server 1% loss: {cRate:F1} calls/s; {cmib} MiB sink {cSink:F2} MB/s, source {cSource:F2} MB/s ({cLine})"));
            rows.Add(Row("C# client / C client vs C server, 1% loss, small calls/s", csRate / cRate, "ratio", ">= 1", csRate >= cRate, $"{csRate:F1} / {cRate:F1}"));
            rows.Add(Row($"C# client / C client vs C server, 1% loss, {cmib} MiB client->server", csSink / cSink, "ratio", ">= 1", csSink >= cSink, $"{csSink:F2} / {cSink:F2} MB/s"));
            rows.Add(Row($"C# client / C client vs C server, 1% loss, {cmib} MiB server->client", csSource / cSource, "ratio", ">= 1", csSource >= cSource, $"{csSource:F2} / {cSource:F2} MB/s"));
        }

        Console.WriteLine();
        Console.WriteLine("| figure | value | target | met |");
        Console.WriteLine("|---|---|---|---|");
        foreach (string row in rows)
        {
            Console.WriteLine(row);
        }

        return 0;
    }

    private static string Row(string name, double value, string unit, string target, bool met, string? detail = null) =>
        FormattableString.Invariant($"| {name} | {value:G4} {unit}{(detail is null ? "" : $" ({detail})")} | {target} | {(met ? "yes" : "no")} |");

    /// <summary>Sequential Echo calls: calls/s and CPU (this process: client, and server or shim) per call.</summary>
    private static async Task<(double Rate, double CpuMicros)> LossSequentialAsync(IRxConnection connection, int n, int warmUp = 200)
    {
        var request = new byte[16];
        var reply = new byte[64];
        for (int i = 0; i < warmUp; i++)
        {
            await EchoAsync(connection, i, request, reply);
        }

        TimeSpan cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < n; i++)
        {
            await EchoAsync(connection, i, request, reply);
        }

        sw.Stop();
        double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds / n;
        return (n / sw.Elapsed.TotalSeconds, cpu);
    }

    /// <summary>A split Sink (client to server) then Source (server to client) of <paramref name="mib"/> MiB, MB/s each.</summary>
    private static async Task<(double Sink, double Source)> LossSplitAsync(IRxConnection connection, int mib)
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
                int n = (int)Math.Min(chunk.Length, length - done);
                for (int i = 0; i < n; i++)
                {
                    long k = done + i;
                    chunk[i] = (byte)((k * 7) + (k >> 10) + 3); // rxt.xg's pattern (seed 3): the C server checks it
                }

                await call.WriteAsync(chunk.AsMemory(0, n));
            }

            await call.CompleteRequestAsync();
            await ReadExactlyAsync(call, chunk.AsMemory(0, 4));
        }

        double sink = length / 1e6 / sw.Elapsed.TotalSeconds;
        sw.Restart();
        await using (IRxClientCall call = await connection.StartCallAsync())
        {
            BinaryPrimitives.WriteInt32BigEndian(header, 4);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), (int)length);
            BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 7);
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
