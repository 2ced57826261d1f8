using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Interop.Tests.TestSupport;

namespace RxGen.Interop.Tests;

/// <summary>
/// examples/upgrade (upgrade-demo) over UDP: C# client and server, the Linux AF_RXRPC kernel client in the
/// test VM against the C# server, and the upgrade on the wire as tshark dissects it.
/// </summary>
public sealed class UpgradeDemoTests
{
    private static string Dll => RepoPaths.Combine("examples", "upgrade", "UpgradeDemo", "bin", "Release", "net10.0", "upgrade-demo.dll");

    private static int FreeUdpPort()
    {
        using var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
    }

    /// <summary>Runs <c>upgrade-demo serve</c> until disposed.</summary>
    private sealed class DemoServer : IAsyncDisposable
    {
        private readonly Process _process;

        private DemoServer(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public static async Task<DemoServer> StartAsync(params string[] extra)
        {
            Assert.True(File.Exists(Dll), $"{Dll} is missing: scripts/test.sh builds it after packing");
            int port = FreeUdpPort();
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { Dll, "serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture) }.Concat(extra)) start.ArgumentList.Add(a);
            var process = Process.Start(start)!;
            var ready = process.StandardOutput.ReadLineAsync();
            if (await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) != ready)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("upgrade-demo serve did not start");
            }
            Assert.Contains("serving", await ready);
            return new DemoServer(process, port);
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

    private static Task<(int ExitCode, string Output)> CallAsync(int port, params string[] extra) =>
        ProcessRunner.RunToolAsync("dotnet", [Dll, "call", "--server", $"127.0.0.1:{port}", .. extra]);

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    [Fact]
    public async Task Csharp_client_and_server_upgrade_when_asked_and_both_sides_allow_it()
    {
        await using var upgrading = await DemoServer.StartAsync("--upgrade-to", "101");
        await using var plain = await DemoServer.StartAsync();

        var granted = await CallAsync(upgrading.Port, "--upgrade", "--data", "x", "--count", "3");
        Assert.True(granted.ExitCode == 0, granted.Output);
        Assert.Equal(["probe: service=101 (upgraded)", "service=101 reply=UPG:x", "service=101 reply=UPG:x", "service=101 reply=UPG:x"], Lines(granted.Output));

        var notAsked = await CallAsync(upgrading.Port, "--data", "y");
        Assert.True(notAsked.ExitCode == 0, notAsked.Output);
        Assert.Equal(["service=100 reply=y"], Lines(notAsked.Output));

        // A server with one service ignores the flag: the client falls back at once (no timeout).
        var stopwatch = Stopwatch.StartNew();
        var fallback = await CallAsync(plain.Port, "--upgrade", "--data", "z", "--count", "2");
        Assert.True(fallback.ExitCode == 0, fallback.Output);
        Assert.Equal(["probe: service=100 (not upgraded)", "service=100 reply=z", "service=100 reply=z"], Lines(fallback.Output));
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(8), $"fallback took {stopwatch.Elapsed}");
    }

    [Fact]
    public async Task Linux_kernel_client_is_upgraded_by_the_csharp_server_and_not_by_a_server_without_the_pair()
    {
        await using var upgrading = await DemoServer.StartAsync("--upgrade-to", "101");
        await using var plain = await DemoServer.StartAsync();
        // In the guest, 10.0.2.2 is the host's 127.0.0.1.
        string console = await RxrpcVm.RunAsync(
            $"rxrpc-echo client 10.0.2.2 {upgrading.Port} -s 100 -u -n 3 -d kernel;" +
            $"rxrpc-echo client 10.0.2.2 {plain.Port} -s 100 -u -n 2 -d plain");
        var calls = console.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("call ", StringComparison.Ordinal)).ToList();
        Assert.True(calls.Count == 5, console);
        // The kernel reports the service that answered the probe, and gets the shadow's reply.
        Assert.Equal("call 1: service=101 reply=UPG:kernel", calls[0]);
        // Its later calls (no upgrade flag, service 100: a new connection for the kernel) succeed too.
        Assert.Equal("call 2: service=100 reply=kernel", calls[1]);
        Assert.Equal("call 3: service=100 reply=kernel", calls[2]);
        // Without the pair the flag is ignored.
        Assert.Equal("call 1: service=100 reply=plain", calls[3]);
        Assert.Equal("call 2: service=100 reply=plain", calls[4]);
    }

    [Fact]
    public async Task On_the_wire_only_the_first_DATA_packet_asks_and_every_reply_packet_carries_the_shadow_id()
    {
        await using var upgrading = await DemoServer.StartAsync("--upgrade-to", "101");
        string pcap = Path.Combine(Path.GetTempPath(), $"rxgen-upgrade-{Guid.NewGuid():N}.pcap");
        var capture = Process.Start(new ProcessStartInfo("tshark", ["-i", "lo", "-f", $"udp port {upgrading.Port}", "-w", pcap, "-q"])
        { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false })!;
        try
        {
            // tshark says "Capturing on 'Loopback: lo'" once it captures.
            var started = Task.Run(async () =>
            {
                string? line;
                while ((line = await capture.StandardError.ReadLineAsync()) is not null)
                {
                    if (line.Contains("Capturing on", StringComparison.Ordinal)) return true;
                }
                return false;
            });
            Assert.True(await Task.WhenAny(started, Task.Delay(TimeSpan.FromSeconds(30))) == started && await started, "tshark did not start");

            var run = await CallAsync(upgrading.Port, "--upgrade", "--data", "wire", "--count", "2");
            Assert.True(run.ExitCode == 0, run.Output);
            await Task.Delay(1000);
        }
        finally
        {
            Process.Start("kill", ["-INT", capture.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
            if (!capture.WaitForExit(10_000)) capture.Kill();
            capture.Dispose();
        }

        var fields = await ProcessRunner.RunToolAsync("tshark", "-r", pcap, "-d", $"udp.port=={upgrading.Port},rx",
            "-T", "fields", "-E", "separator=,", "-e", "udp.dstport", "-e", "rx.type", "-e", "rx.seq", "-e", "rx.callnumber", "-e", "rx.userstatus", "-e", "rx.serviceid");
        File.Delete(pcap);
        Assert.True(fields.ExitCode == 0, fields.Output);
        var packets = Lines(fields.Output).Select(l => l.Split(',')).Where(f => f.Length == 6 && f[1].Length > 0).ToList();
        string port = upgrading.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var toServer = packets.Where(f => f[0] == port).ToList();
        var fromServer = packets.Where(f => f[0] != port).ToList();
        Assert.True(toServer.Count >= 3 && fromServer.Count >= 3, fields.Output);

        // DATA (type 1) from the client: userStatus 1 only on seq 1 of the connection's first call.
        var data = toServer.Where(f => f[1] == "1").ToList();
        Assert.Equal(3, data.Select(f => f[3]).Distinct().Count()); // probe + 2 Echo calls
        string firstCall = data.Select(f => f[3]).Min(c => int.Parse(c, System.Globalization.CultureInfo.InvariantCulture)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        foreach (var f in data)
        {
            bool probeFirst = f[3] == firstCall && f[2] == "1";
            Assert.True((probeFirst ? "1" : "0") == f[4], $"userStatus {f[4]} on DATA seq {f[2]} of call {f[3]}\n{fields.Output}");
        }
        // Every packet the server sends carries the shadow's id; the client switches after the probe.
        Assert.All(fromServer, f => Assert.Equal("101", f[5]));
        Assert.All(data.Where(f => f[3] != firstCall), f => Assert.Equal("101", f[5]));
    }
}

/// <summary>The C# client asking a Linux AF_RXRPC server (in the test VM) for the upgrade.</summary>
public sealed class UpgradeAgainstLinuxServerTests
{
    [Fact]
    public async Task Csharp_client_survives_the_linux_server_that_answers_the_probe_on_the_old_id_and_then_aborts()
    {
        string dll = RepoPaths.Combine("examples", "upgrade", "UpgradeDemo", "bin", "Release", "net10.0", "upgrade-demo.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: scripts/test.sh builds it after packing");
        int port;
        using (var probe = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0))) port = ((IPEndPoint)probe.Client.LocalEndPoint!).Port;
        // The kernel server binds 100 and 101 with the upgrade pair; the guest keeps running until we stop it.
        await using var vm = await RxrpcVm.StartAsync($"rxrpc-echo server {port} -u &;sleep 170", port);
        await vm.WaitForAsync("server ready", TimeSpan.FromSeconds(90));

        var run = await ProcessRunner.RunToolAsync("dotnet", dll, "call", "--server", $"127.0.0.1:{port}", "--upgrade", "--data", "linux", "--count", "3", "--timeout", "30");
        Assert.True(run.ExitCode == 0, run.Output + "\n--- VM:\n" + vm.Console);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // The Linux server answers the probe on the old id: the client stays on service 100, and its calls succeed.
        Assert.Equal("probe: service=100 (not upgraded)", lines[0]);
        Assert.Equal(["service=100 reply=linux", "service=100 reply=linux", "service=100 reply=linux"], lines[1..]);
    }
}
