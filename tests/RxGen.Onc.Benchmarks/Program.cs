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
using Golden.Calc;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;

namespace RxGen.Onc.Benchmarks;

/// <summary>
/// The ONC RPC server benchmark (issue 13). One run, loopback only: the C# server (this program's "serve" mode, a
/// child process) and libtirpc's calc_server (tests/peers/build), both driven by the same blocking-socket client in
/// this process; and a tiny ping-pong server (this program's "pingpong" mode) for the round-trip limit.
/// Usage: RxGen.Onc.Benchmarks [--seconds S] [--peers DIR]     (S: seconds per measurement, default 2)
/// </summary>
public static class Program
{
    private const uint Prog = CALC_V1Protocol.Program;
    private static readonly List<Process> Children = [];

    public static async Task<int> Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "serve") return await ServeAsync();
        if (args.Length > 0 && args[0] == "pingpong") return PingPong();
        double seconds = 2;
        string peers = Path.Combine(FindRepo(), "tests", "peers", "build");
        for (int i = 0; i + 1 < args.Length; i += 2)
        {
            if (args[i] == "--seconds") seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
            else if (args[i] == "--peers") peers = args[i + 1];
        }
        try
        {
            Run(TimeSpan.FromSeconds(seconds), peers);
            return 0;
        }
        finally
        {
            foreach (var child in Children)
            {
                try
                {
                    if (!child.HasExited) { child.Kill(); child.WaitForExit(5000); }
                }
                catch (InvalidOperationException)
                {
                }
            }
        }
    }

    // ---------------------------------------------------------------- child modes

    private sealed class BenchCalc : CALC_V1ServiceBase
    {
        public override ValueTask<int> CalcAddAsync(calcargs argument, OncCallContext context) => ValueTask.FromResult(unchecked(argument.A + argument.B));

        public override ValueTask<byte[]> CalcEchoAsync(byte[] argument, OncCallContext context) => ValueTask.FromResult(argument);
    }

    /// <summary>The C# calc server; prints "tcp=P udp=Q"; on stdin, "alloc" prints the bytes allocated so far; EOF stops.</summary>
    private static async Task<int> ServeAsync()
    {
        var registry = new OncDispatcherRegistry();
        registry.Register(new CALC_V1Dispatcher(new BenchCalc()));
        await using var server = new OncServer(registry, new OncServerOptions());
        var tcp = server.AddTcpListener(new IPEndPoint(IPAddress.Loopback, 0));
        var udp = server.AddUdpListener(new IPEndPoint(IPAddress.Loopback, 0));
        await server.StartAsync(CancellationToken.None);
        Console.WriteLine($"tcp={tcp.Port} udp={udp.Port}");
        while (await Console.In.ReadLineAsync() is { } line)
        {
            if (line == "alloc") Console.WriteLine(GC.GetTotalAllocatedBytes(precise: true).ToString(CultureInfo.InvariantCulture));
        }
        await server.StopAsync(CancellationToken.None);
        return 0;
    }

    /// <summary>A blocking TCP and UDP echo server for the round-trip limit; prints "tcp=P udp=Q".</summary>
    private static int PingPong()
    {
        var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(16);
        var udp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        udp.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        new Thread(() =>
        {
            var buffer = new byte[2048];
            EndPoint from = new IPEndPoint(IPAddress.Any, 0);
            while (true)
            {
                int n = udp.ReceiveFrom(buffer, ref from);
                udp.SendTo(buffer.AsSpan(0, n), SocketFlags.None, from);
            }
        }) { IsBackground = true }.Start();
        new Thread(() =>
        {
            while (true)
            {
                Socket s = listener.Accept();
                s.NoDelay = true;
                new Thread(() =>
                {
                    var buffer = new byte[2048];
                    try
                    {
                        int n;
                        while ((n = s.Receive(buffer)) > 0) s.Send(buffer.AsSpan(0, n));
                    }
                    catch (SocketException)
                    {
                    }
                    s.Dispose();
                }) { IsBackground = true }.Start();
            }
        }) { IsBackground = true }.Start();
        Console.WriteLine($"tcp={((IPEndPoint)listener.LocalEndPoint!).Port} udp={((IPEndPoint)udp.LocalEndPoint!).Port}");
        Console.In.ReadToEnd();
        return 0;
    }

    // ---------------------------------------------------------------- the run

    private sealed record Server(string Name, Process Process, int Tcp, int Udp);

    private static void Run(TimeSpan duration, string peers)
    {
        string self = typeof(Program).Assembly.Location;
        string calcServer = Path.Combine(peers, "calc_server");
        if (!File.Exists(calcServer)) throw new FileNotFoundException($"{calcServer} missing: bash tests/peers/build.sh");
        double[] load = File.ReadAllText("/proc/loadavg").Split(' ').Take(3).Select(x => double.Parse(x, CultureInfo.InvariantCulture)).ToArray();
        Console.WriteLine($"# ONC RPC benchmark, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} CPUs, load average {load[0]} {load[1]} {load[2]}, {duration.TotalSeconds} s per figure");

        var cs = Start("C#", "dotnet", [self, "serve"]);
        var c = Start("libtirpc", calcServer, ["0", "0"]);
        var ping = Start("ping-pong", "dotnet", [self, "pingpong"]);
        // Warm up (JIT, tiered compilation) both servers.
        foreach (var s in new[] { cs, c })
        {
            Sequential(s, udp: false, CALC_V1Protocol.Procedures.CalcAdd, TimeSpan.FromSeconds(1));
            Sequential(s, udp: true, CALC_V1Protocol.Procedures.CalcAdd, TimeSpan.FromSeconds(1));
        }

        var rows = new List<string[]>();
        void Row(params string[] cells) { rows.Add(cells); Console.Error.WriteLine(string.Join(" | ", cells)); }

        foreach (bool pinned in new[] { true, false })
        {
            string where = pinned ? "pinned to CPU 0" : "unpinned";
            foreach (var p in new[] { cs.Process, c.Process, ping.Process, Process.GetCurrentProcess() }) Pin(p, pinned);
            double limitTcp = PingPongRate(ping.Tcp, udp: false, duration);
            double limitUdp = PingPongRate(ping.Udp, udp: true, duration);
            Row($"round-trip limit TCP, {where}", F(limitTcp) + "/s", "", "");
            Row($"round-trip limit UDP, {where}", F(limitUdp) + "/s", "", "");
            foreach (bool udp in new[] { false, true })
            {
                double limit = udp ? limitUdp : limitTcp;
                foreach (var (procName, proc) in new[] { ("NULL", CALC_V1Protocol.Procedures.CalcNull), ("ADD", CALC_V1Protocol.Procedures.CalcAdd) })
                {
                    var a = Sequential(cs, udp, proc, duration);
                    var b = Sequential(c, udp, proc, duration);
                    string label = $"sequential {procName} {(udp ? "UDP" : "TCP")}, {where}";
                    Row(label + ": calls/s", F(a.Rate) + $" ({a.Rate / limit:0.00}× limit)", F(b.Rate) + $" ({b.Rate / limit:0.00}× limit)", $"{a.Rate / b.Rate:0.00}");
                    Row(label + ": CPU µs/call server+client", $"{a.ServerCpuUs:0.0}+{a.ClientCpuUs:0.0}", $"{b.ServerCpuUs:0.0}+{b.ClientCpuUs:0.0}",
                        $"{(a.ServerCpuUs + a.ClientCpuUs) / (b.ServerCpuUs + b.ClientCpuUs):0.00}");
                }
            }
        }
        foreach (var p in new[] { cs.Process, c.Process, ping.Process, Process.GetCurrentProcess() }) Pin(p, false);

        foreach (bool udp in new[] { false, true })
        {
            var a = InFlight(cs, udp, 64, duration);
            var b = InFlight(c, udp, 64, duration);
            Row($"64 in flight ADD {(udp ? "UDP" : "TCP")}, unpinned: calls/s", F(a.Rate), F(b.Rate), $"{a.Rate / b.Rate:0.00}");
            Row($"64 in flight ADD {(udp ? "UDP" : "TCP")}, unpinned: CPU µs/call server+client", $"{a.ServerCpuUs:0.0}+{a.ClientCpuUs:0.0}", $"{b.ServerCpuUs:0.0}+{b.ClientCpuUs:0.0}",
                $"{(a.ServerCpuUs + a.ClientCpuUs) / (b.ServerCpuUs + b.ClientCpuUs):0.00}");
        }
        {
            var a = Echo(cs, 65536, duration);
            var b = Echo(c, 65536, duration);
            Row("64 KiB echo TCP, unpinned: MB/s each way", F(a), F(b), $"{a / b:0.00}");
        }
        foreach (bool udp in new[] { false, true })
        {
            long before = Allocated(cs);
            var run = Sequential(cs, udp, CALC_V1Protocol.Procedures.CalcAdd, duration);
            long after = Allocated(cs);
            Row($"C# server bytes allocated per ADD call, {(udp ? "UDP" : "TCP")}", $"{(after - before) / (double)run.Calls:0}", "", "");
        }

        Console.WriteLine();
        Console.WriteLine("| measurement | C# server | libtirpc server | C# / libtirpc |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var r in rows) Console.WriteLine("| " + string.Join(" | ", r) + " |");
        foreach (var s in new[] { cs, c, ping }) s.Process.StandardInput.Close();
    }

    private static string F(double x) => x >= 100 ? x.ToString("#,0", CultureInfo.InvariantCulture) : x.ToString("0.0", CultureInfo.InvariantCulture);

    private static Server Start(string name, string file, string[] args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var a in args) start.ArgumentList.Add(a);
        var p = Process.Start(start)!;
        Children.Add(p);
        string line = p.StandardOutput.ReadLine() ?? throw new InvalidOperationException(name + " server did not start");
        var parts = line.Split(' ').Select(x => int.Parse(x.Split('=')[1], CultureInfo.InvariantCulture)).ToArray();
        return new Server(name, p, parts[0], parts[1]);
    }

    private static void Pin(Process p, bool pinned)
    {
        string cpus = pinned ? "0" : "0-" + (Environment.ProcessorCount - 1).ToString(CultureInfo.InvariantCulture);
        using var t = Process.Start(new ProcessStartInfo("taskset", ["-a", "-p", "-c", cpus, p.Id.ToString(CultureInfo.InvariantCulture)]) { RedirectStandardOutput = true, UseShellExecute = false })!;
        t.StandardOutput.ReadToEnd();
        t.WaitForExit();
        if (t.ExitCode != 0) throw new InvalidOperationException("taskset failed");
    }

    private static long Allocated(Server s)
    {
        s.Process.StandardInput.WriteLine("alloc");
        s.Process.StandardInput.Flush();
        return long.Parse(s.Process.StandardOutput.ReadLine()!, CultureInfo.InvariantCulture);
    }

    /// <summary>utime+stime of a whole process (all threads), in seconds.</summary>
    private static double CpuSeconds(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // After "pid (comm) ", fields start at state (3rd); utime is the 14th, stime the 15th.
        return (long.Parse(f[11], CultureInfo.InvariantCulture) + long.Parse(f[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    // ---------------------------------------------------------------- the client

    private sealed record Result(long Calls, double Rate, double ServerCpuUs, double ClientCpuUs);

    private static int WriteCall(Span<byte> buffer, uint xid, uint proc, ReadOnlySpan<byte> args, bool tcp)
    {
        int o = tcp ? 4 : 0;
        Span<byte> m = buffer[o..];
        uint[] header = [xid, 0, 2, Prog, 1, proc, 0, 0, 0, 0];
        for (int i = 0; i < header.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(m[(i * 4)..], header[i]);
        args.CopyTo(m[40..]);
        int length = 40 + args.Length;
        if (tcp) BinaryPrimitives.WriteUInt32BigEndian(buffer, 0x80000000u | (uint)length);
        return o + length;
    }

    private static byte[] ArgsFor(uint proc, int echoBytes = 0)
    {
        if (proc == CALC_V1Protocol.Procedures.CalcAdd) return [0, 0, 0, 20, 0, 0, 0, 22];
        if (proc == CALC_V1Protocol.Procedures.CalcEcho)
        {
            var a = new byte[4 + echoBytes];
            BinaryPrimitives.WriteInt32BigEndian(a, echoBytes);
            for (int i = 4; i < a.Length; i++) a[i] = (byte)i;
            return a;
        }
        return [];
    }

    /// <summary>Reads one record (all fragments) into buffer; returns its length.</summary>
    private static int ReadRecord(Socket s, byte[] buffer)
    {
        int total = 0;
        Span<byte> mark = stackalloc byte[4];
        while (true)
        {
            ReadExactly(s, mark);
            uint header = BinaryPrimitives.ReadUInt32BigEndian(mark);
            int len = (int)(header & 0x7fffffff);
            ReadExactly(s, buffer.AsSpan(total, len));
            total += len;
            if ((header & 0x80000000u) != 0) return total;
        }
    }

    private static void ReadExactly(Socket s, Span<byte> into)
    {
        while (into.Length > 0)
        {
            int n = s.Receive(into);
            if (n == 0) throw new IOException("server closed the connection");
            into = into[n..];
        }
    }

    private static void CheckReply(ReadOnlySpan<byte> reply, uint xid)
    {
        if (reply.Length < 24 || BinaryPrimitives.ReadUInt32BigEndian(reply) != xid || BinaryPrimitives.ReadUInt32BigEndian(reply[20..]) != 0)
        {
            throw new InvalidDataException($"bad reply to xid {xid}");
        }
    }

    private static Socket Connect(int port, bool udp)
    {
        var s = udp ? new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) : new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        if (!udp) s.NoDelay = true;
        s.Connect(new IPEndPoint(IPAddress.Loopback, port));
        s.ReceiveTimeout = 2000;
        return s;
    }

    private static Result Measure(Server server, Func<long> body, Stopwatch watch)
    {
        double s0 = CpuSeconds(server.Process.Id), c0 = CpuSeconds(Environment.ProcessId);
        watch.Restart();
        long calls = body();
        double elapsed = watch.Elapsed.TotalSeconds;
        double s1 = CpuSeconds(server.Process.Id), c1 = CpuSeconds(Environment.ProcessId);
        return new Result(calls, calls / elapsed, (s1 - s0) / calls * 1e6, (c1 - c0) / calls * 1e6);
    }

    private static Result Sequential(Server server, bool udp, uint proc, TimeSpan duration)
    {
        using Socket s = Connect(udp ? server.Udp : server.Tcp, udp);
        byte[] args = ArgsFor(proc), send = new byte[256], receive = new byte[65536 + 1024];
        var watch = new Stopwatch();
        return Measure(server, () =>
        {
            long calls = 0;
            uint xid = 1000;
            while (watch.Elapsed < duration)
            {
                for (int i = 0; i < 100; i++, calls++)
                {
                    xid++;
                    int n = WriteCall(send, xid, proc, args, !udp);
                    s.Send(send.AsSpan(0, n));
                    int r = udp ? s.Receive(receive) : ReadRecord(s, receive);
                    CheckReply(receive.AsSpan(0, r), xid);
                }
            }
            return calls;
        }, watch);
    }

    private static Result InFlight(Server server, bool udp, int depth, TimeSpan duration)
    {
        using Socket s = Connect(udp ? server.Udp : server.Tcp, udp);
        uint proc = CALC_V1Protocol.Procedures.CalcAdd;
        byte[] args = ArgsFor(proc), send = new byte[256 * depth], receive = new byte[65536];
        var watch = new Stopwatch();
        return Measure(server, () =>
        {
            uint xid = 5000;
            int n = 0;
            for (int i = 0; i < depth; i++) n += WriteCall(send.AsSpan(n), ++xid, proc, args, !udp);
            if (udp)
            {
                for (int i = 0; i < depth; i++) s.Send(send.AsSpan(i * (n / depth), n / depth));
            }
            else
            {
                s.Send(send.AsSpan(0, n));
            }
            long calls = 0;
            int outstanding = depth;
            while (outstanding > 0)
            {
                int r;
                try
                {
                    r = udp ? s.Receive(receive) : ReadRecord(s, receive);
                }
                catch (SocketException) when (udp)
                {
                    // Lost datagrams (a full socket buffer): stop counting them, keep the rest in flight.
                    break;
                }
                if (r < 24 || BinaryPrimitives.ReadUInt32BigEndian(receive.AsSpan(20)) != 0) throw new InvalidDataException("bad reply");
                calls++;
                outstanding--;
                if (watch.Elapsed < duration)
                {
                    int m = WriteCall(send, ++xid, proc, args, !udp);
                    s.Send(send.AsSpan(0, m));
                    outstanding++;
                }
            }
            return calls;
        }, watch);
    }

    private static double Echo(Server server, int bytes, TimeSpan duration)
    {
        using Socket s = Connect(server.Tcp, udp: false);
        byte[] args = ArgsFor(CALC_V1Protocol.Procedures.CalcEcho, bytes), send = new byte[bytes + 128], receive = new byte[bytes + 1024];
        var watch = Stopwatch.StartNew();
        long calls = 0;
        uint xid = 9000;
        while (watch.Elapsed < duration)
        {
            int n = WriteCall(send, ++xid, CALC_V1Protocol.Procedures.CalcEcho, args, tcp: true);
            s.Send(send.AsSpan(0, n));
            int r = ReadRecord(s, receive);
            CheckReply(receive.AsSpan(0, r), xid);
            if (r != 24 + 4 + bytes) throw new InvalidDataException($"echo reply of {r} bytes");
            calls++;
        }
        return calls * (double)bytes / watch.Elapsed.TotalSeconds / 1e6;
    }

    private static double PingPongRate(int port, bool udp, TimeSpan duration)
    {
        using Socket s = Connect(port, udp);
        byte[] b = new byte[4], r = new byte[64];
        var watch = Stopwatch.StartNew();
        long n = 0;
        while (watch.Elapsed < duration)
        {
            for (int i = 0; i < 100; i++, n++)
            {
                s.Send(b);
                if (udp) s.Receive(r);
                else ReadExactly(s, r.AsSpan(0, 4));
            }
        }
        return n / watch.Elapsed.TotalSeconds;
    }

    private static string FindRepo()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
        {
            if (File.Exists(Path.Combine(d.FullName, "RxGen.sln"))) return d.FullName;
        }
        return Directory.GetCurrentDirectory();
    }
}
