using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Interop.Tests.TestSupport;

namespace RxGen.Interop.Tests;

/// <summary>
/// examples/onc (oncdemo serve|call, kvstore.x): oncdemo's client against its server over TCP and UDP, the
/// rpcgen + libtirpc client built from the same kvstore.x getting the same results, and registration with the
/// real rpcbind on loopback (started by these tests and killed by its PID).
/// </summary>
public sealed class OncDemoTests
{
    private const string Program = "536871065"; // KVSTORE_PROG, 0x20000099

    private static string Dll => RepoPaths.Combine("examples", "onc", "OncDemo", "bin", "Release", "net10.0", "oncdemo.dll");

    private const string SigInt = "-INT";
    private const string SigTerm = "-TERM";

    private static async Task SignalAsync(Process process, string signal)
    {
        using Process kill = Process.Start("kill", [signal, process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Runs <c>oncdemo serve</c> until stopped by a signal or killed.</summary>
    private sealed class DemoServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();
        private readonly Task _pump;

        private DemoServer(Process process, int tcp, int udp, string banner)
        {
            _process = process;
            Tcp = tcp;
            Udp = udp;
            Banner = banner;
            _pump = PumpAsync();
        }

        public int Tcp { get; }

        public int Udp { get; }

        public string Banner { get; }

        public static async Task<DemoServer> StartAsync(params string[] extra)
        {
            Assert.True(File.Exists(Dll), $"{Dll} is missing: build it with `dotnet pwsh build.ps1 pack` then `dotnet build examples/onc/OncDemo -c Release`");
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Dll, "serve" }.Concat(extra)) start.ArgumentList.Add(a);
            var process = Process.Start(start)!;
            try
            {
                var lines = new List<string>();
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                while (lines.Count < 3)
                {
                    string? line = await process.StandardOutput.ReadLineAsync(cts.Token);
                    if (line is null) Assert.Fail("oncdemo serve exited: " + string.Join('\n', lines) + await process.StandardError.ReadToEndAsync());
                    lines.Add(line);
                }
                int tcp = PortOf(lines[0], "tcp"), udp = PortOf(lines[1], "udp");
                Assert.Contains($"serving program {Program} (0x20000099) versions 1-2", lines[2]);
                return new DemoServer(process, tcp, udp, lines[2]);
            }
            catch
            {
                process.Kill(entireProcessTree: true);
                process.Dispose();
                throw;
            }
        }

        private async Task PumpAsync()
        {
            var rest = _process.StandardOutput.ReadToEndAsync();
            var errors = _process.StandardError.ReadToEndAsync();
            _output.Append(await rest).Append(await errors);
        }

        private static int PortOf(string line, string transport)
        {
            var m = Regex.Match(line, $@"^{transport} 127\.0\.0\.1:(\d+)$");
            Assert.True(m.Success, $"oncdemo serve printed '{line}', not '{transport} 127.0.0.1:PORT'");
            int port = int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            Assert.InRange(port, 1, 65535);
            return port;
        }

        /// <summary>Sends the signal and waits (at most 15 s) for a clean exit: the exit code and what it printed after the banner.</summary>
        public async Task<(int ExitCode, string Output)> StopAsync(string signal)
        {
            await SignalAsync(_process, signal);
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try
            {
                await _process.WaitForExitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                // Say what the server printed before it is killed: the stop hung.
                _process.Kill(entireProcessTree: true);
                await _pump;
                Assert.Fail($"oncdemo serve did not exit within 15 s of {signal}; it printed: {_output}");
            }

            await _pump;
            return (_process.ExitCode, _output.ToString());
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
            _process.Dispose();
        }
    }

    /// <summary>The system rpcbind on 127.0.0.1:111 and [::1]:111 only, through the rpcbind_loopback launcher.</summary>
    private sealed class LoopbackRpcBind : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly FileStream _machineLock;

        private LoopbackRpcBind(Process process, FileStream machineLock)
        {
            _process = process;
            _machineLock = machineLock;
        }

        public static async Task<LoopbackRpcBind> StartAsync()
        {
            // Port 111 is the machine's: the runtime tests' rpcbind fixture takes the same lock.
            var machineLock = await RxGen.Tests.Shared.MachineLock.AcquireAsync("rpcbind", TimeSpan.FromMinutes(5));
            var start = new ProcessStartInfo(Peer.PathOf("rpcbind_loopback")) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            var rpcbind = new LoopbackRpcBind(Process.Start(start)!, machineLock);
            var watch = Stopwatch.StartNew();
            while (true)
            {
                (int code, _) = await ProcessRunner.RunToolAsync("/usr/sbin/rpcinfo", "-p", "127.0.0.1");
                if (code == 0) return rpcbind;
                if (rpcbind._process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(10))
                {
                    string why = rpcbind._process.HasExited ? await rpcbind._process.StandardError.ReadToEndAsync() : "";
                    await rpcbind.DisposeAsync();
                    Assert.Fail($"rpcbind did not come up on 127.0.0.1:111 (is port 111 taken?) {why}");
                }
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                await SignalAsync(_process, SigTerm);
                using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                try
                {
                    await _process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill();
                    await _process.WaitForExitAsync();
                }
            }
            _process.Dispose();
            _machineLock.Dispose();
        }
    }

    private static Task<(int ExitCode, string Output)> CallAsync(string server, params string[] extra) =>
        ProcessRunner.RunToolAsync("dotnet", [Dll, "call", "--server", server, .. extra]);

    private static Task<(int ExitCode, string Output)> CClientAsync(int port, string transport, params string[] extra) =>
        ProcessRunner.RunToolAsync(Peer.PathOf("kvstore_client"), ["127.0.0.1", port.ToString(CultureInfo.InvariantCulture), transport, "2", .. extra]);

    private static async Task<string> OkAsync(Task<(int ExitCode, string Output)> run)
    {
        var (code, output) = await run;
        Assert.True(code == 0, $"exit {code}: {output}");
        return output.TrimEnd('\n');
    }

    [Fact]
    public async Task Call_against_serve_over_tcp_and_udp_shares_one_store_and_reports_rpc_errors_by_name()
    {
        await using var server = await DemoServer.StartAsync("--tcp-port", "0", "--udp-port", "0");
        Assert.NotEqual(0, server.Tcp);
        string tcp = $"127.0.0.1:{server.Tcp}", udp = $"127.0.0.1:{server.Udp}";

        Assert.Equal("ok", await OkAsync(CallAsync(tcp, "null")));
        Assert.Equal("ok", await OkAsync(CallAsync(udp, "--udp", "null")));
        Assert.Equal("KV_OK", await OkAsync(CallAsync(tcp, "put", "alpha", "one")));
        Assert.Equal("KV_OK", await OkAsync(CallAsync(udp, "--udp", "--vers", "1", "put", "beta", "0x00ff")));
        Assert.Equal("KV_OK one", await OkAsync(CallAsync(udp, "--udp", "get", "alpha")));
        Assert.Equal("alpha one\nbeta 0x00ff", await OkAsync(CallAsync(tcp, "--vers", "1", "list")));
        Assert.Equal("KV_OK 2", await OkAsync(CallAsync(udp, "--udp", "cas", "alpha", "1", "two")));
        Assert.Equal("KV_READONLY 2", await OkAsync(CallAsync(tcp, "cas", "alpha", "1", "three")));
        Assert.Equal("alpha KV_OK two\nnope KV_NOTFOUND\nbeta KV_OK 0x00ff", await OkAsync(CallAsync(tcp, "getmany", "alpha", "nope", "beta")));
        Assert.Matches(@"^entries=2 bytes=14 readonly=false uptime_ns=\d+$", await OkAsync(CallAsync(udp, "--udp", "stats")));
        Assert.Equal("KV_OK 1", await OkAsync(CallAsync(tcp, "count", "al")));
        Assert.Equal("KV_OK", await OkAsync(CallAsync(tcp, "delete", "alpha")));
        Assert.Equal("KV_NOTFOUND", await OkAsync(CallAsync(udp, "--udp", "get", "alpha")));

        // Errors: one line, non-zero exit; the RPC error by its protocol name.
        var mismatch = await CallAsync(tcp, "--vers", "7", "null");
        Assert.Equal((1, "oncdemo: PROG_MISMATCH (low 1, high 2)"), (mismatch.ExitCode, mismatch.Output.TrimEnd('\n')));
        var usage = await CallAsync(tcp, "--vers", "1", "stats");
        Assert.Equal(2, usage.ExitCode);
        Assert.Single(usage.Output.TrimEnd('\n').Split('\n'));

        var (stopCode, stopOutput) = await server.StopAsync(SigInt);
        Assert.Equal(0, stopCode);
        Assert.Contains("oncdemo: stopped", stopOutput);
        var refused = await CallAsync(tcp, "null");
        Assert.Equal(1, refused.ExitCode);
        Assert.StartsWith("oncdemo: ", refused.Output);
        Assert.Single(refused.Output.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public async Task The_rpcgen_libtirpc_client_gets_the_same_results_as_oncdemo_call()
    {
        // The same session against two fresh servers, once through oncdemo call and once through the C client.
        string[][] session =
        [
            ["tcp", "put", "k1", "hello"], ["udp", "put", "k2", "world"], ["udp", "get", "k1"], ["tcp", "get", "missing"],
            ["tcp", "list"], ["udp", "cas", "k1", "1", "again"], ["tcp", "cas", "k1", "1", "stale"], ["tcp", "cas", "nokey", "0", "x"],
            ["udp", "getmany", "k1", "missing", "k2"], ["tcp", "count", "k"], ["udp", "count", "z"], ["tcp", "stats"],
            ["udp", "delete", "k2"], ["tcp", "delete", "k2"], ["udp", "list"], ["tcp", "null"],
        ];
        await using var forCSharp = await DemoServer.StartAsync();
        await using var forC = await DemoServer.StartAsync();
        foreach (string[] step in session)
        {
            bool overUdp = step[0] == "udp";
            string[] call = step[1..];
            string[] csharpArgs = overUdp ? ["--udp", .. call] : call;
            string csharp = await OkAsync(CallAsync($"127.0.0.1:{(overUdp ? forCSharp.Udp : forCSharp.Tcp)}", csharpArgs));
            string c = await OkAsync(CClientAsync(overUdp ? forC.Udp : forC.Tcp, step[0], call));
            // The C client leaves out the uptime, the only figure that differs between two servers.
            csharp = Regex.Replace(csharp, @" uptime_ns=\d+$", "");
            Assert.True(csharp == c, $"{string.Join(' ', step)}: oncdemo printed '{csharp}', kvstore_client printed '{c}'");
        }
        string list = await OkAsync(CClientAsync(forC.Tcp, "tcp", "list"));
        Assert.Equal("k1 again", list);
    }

    [Fact]
    public async Task Serve_with_rpcbind_registers_is_found_by_program_number_and_unregisters_on_sigterm()
    {
        await using var rpcbind = await LoopbackRpcBind.StartAsync();
        await using var server = await DemoServer.StartAsync("--rpcbind");
        Assert.Contains("registered with rpcbind", server.Banner);

        (int code, string table) = await ProcessRunner.RunToolAsync("/usr/sbin/rpcinfo", "-p", "127.0.0.1");
        Assert.Equal(0, code);
        foreach (string vers in new[] { "1", "2" })
        {
            Assert.Matches($@"(?m)^\s*{Program}\s+{vers}\s+tcp\s+{server.Tcp}\s*$", table);
            Assert.Matches($@"(?m)^\s*{Program}\s+{vers}\s+udp\s+{server.Udp}\s*$", table);
        }
        var (tcpReady, tcpSays) = await ProcessRunner.RunToolAsync("/usr/sbin/rpcinfo", "-t", "127.0.0.1", Program, "2");
        Assert.True(tcpReady == 0 && tcpSays.Contains("ready and waiting", StringComparison.Ordinal), tcpSays);
        var (udpReady, udpSays) = await ProcessRunner.RunToolAsync("/usr/sbin/rpcinfo", "-u", "127.0.0.1", Program, "1");
        Assert.True(udpReady == 0 && udpSays.Contains("ready and waiting", StringComparison.Ordinal), udpSays);

        // No port: oncdemo call and the C client (port 0: clnt_create) both ask rpcbind.
        Assert.Equal("KV_OK", await OkAsync(CallAsync("127.0.0.1", "put", "found", "by-rpcbind")));
        Assert.Equal("KV_OK by-rpcbind", await OkAsync(CallAsync("127.0.0.1", "--udp", "--vers", "1", "get", "found")));
        Assert.Equal("KV_OK by-rpcbind", await OkAsync(CClientAsync(0, "udp", "get", "found")));

        var (stopCode, stopOutput) = await server.StopAsync(SigTerm);
        Assert.Equal(0, stopCode);
        Assert.Contains("oncdemo: stopped, unregistered from rpcbind", stopOutput);
        (code, table) = await ProcessRunner.RunToolAsync("/usr/sbin/rpcinfo", "-p", "127.0.0.1");
        Assert.Equal(0, code);
        Assert.DoesNotMatch($@"(?m)^\s*{Program}\s", table);
        var gone = await CallAsync("127.0.0.1", "null");
        Assert.Equal(1, gone.ExitCode);
        Assert.Equal("oncdemo: program 536871065 version 2 is not registered over tcp with rpcbind on 127.0.0.1", gone.Output.TrimEnd('\n'));
    }
}
