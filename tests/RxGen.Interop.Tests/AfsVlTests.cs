using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using Golden.Vl;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Xdr;

namespace RxGen.Interop.Tests;

/// <summary>
/// examples/afs/AfsVl (afsvl) against the real OpenAFS tools and servers: afsvl's client commands against a
/// real vlserver (entries created through the generated VL client), and the real vos against afsvl's VL
/// server. afsvl is built by scripts/test.sh after packing (it uses the packages, as users do).
/// </summary>
public sealed class AfsVlTests
{
    private static string AfsVlDll => RepoPaths.Combine("examples", "afs", "AfsVl", "bin", "Release", "net10.0", "afsvl.dll");

    private static async Task<(int ExitCode, string Output)> AfsVlAsync(params string[] arguments)
    {
        Assert.True(File.Exists(AfsVlDll), $"{AfsVlDll} is missing: build it with 'dotnet build examples/afs/AfsVl -c Release' after 'dotnet pwsh build.ps1 pack' (scripts/test.sh does)");
        return await ProcessRunner.RunToolAsync("dotnet", [AfsVlDll, .. arguments]);
    }

    private static nvldbentry Entry(string name, uint rw, uint ro, uint bk, params (string Server, int Partition, int Flags)[] sites)
    {
        var e = new nvldbentry { Name = XdrText.ToCChars(name, VldbintIdl.VL_MAXNAMELEN), NServers = sites.Length };
        e.VolumeId[0] = rw;
        e.VolumeId[1] = ro;
        e.VolumeId[2] = bk;
        for (int i = 0; i < sites.Length; i++)
        {
            var b = IPAddress.Parse(sites[i].Server).GetAddressBytes();
            e.ServerNumber[i] = (b[0] << 24) | (b[1] << 16) | (b[2] << 8) | b[3];
            e.ServerPartition[i] = sites[i].Partition;
            e.ServerFlags[i] = sites[i].Flags;
        }
        e.Flags = (sites.Any(s => (s.Flags & VldbintIdl.VLSF_RWVOL) != 0) ? VldbintIdl.VLF_RWEXISTS : 0)
            | (sites.Any(s => (s.Flags & VldbintIdl.VLSF_ROVOL) != 0) ? VldbintIdl.VLF_ROEXISTS : 0)
            | (bk != 0 ? VldbintIdl.VLF_BACKEXISTS : 0);
        return e;
    }

    [Fact]
    public async Task Afsvl_listvldb_examine_and_capabilities_against_a_real_vlserver_match_vos()
    {
        await using var cell = await OpenAfsCell.StartAsync();
        await using (var peer = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await using var connection = peer.Connect(OpenAfsCell.VlServer, VLProtocol.ServiceId);
            var vl = new VLClient(connection);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await vl.CreateEntryNAsync(Entry("root.afs", 536870912, 536870913, 536870914,
                ("127.1.0.1", 0, VldbintIdl.VLSF_RWVOL), ("127.1.0.1", 0, VldbintIdl.VLSF_ROVOL), ("127.1.0.2", 1, VldbintIdl.VLSF_ROVOL)), timeout.Token);
            await vl.CreateEntryNAsync(Entry("home.alice", 536870918, 0, 536870920, ("127.1.0.2", 2, VldbintIdl.VLSF_RWVOL)), timeout.Token);
            await vl.CreateEntryNAsync(Entry("apps", 536870921, 0, 0, ("127.1.0.1", 0, VldbintIdl.VLSF_RWVOL)), timeout.Token);
            var unknown = await Assert.ThrowsAsync<RpcAbortException>(() => vl.GetCapabilitiesAsync(timeout.Token));
            Assert.Equal(RxGenErrorCodes.Opcode, unknown.Code);
        }

        var vos = await cell.VosAsync("listvldb", "-noresolve");
        Assert.True(vos.ExitCode == 0, vos.Output);
        var expected = VosListing.Parse(vos.Output).Select(e => e.AfsVlLine).OrderBy(l => l, StringComparer.Ordinal).ToList();
        Assert.Equal(3, expected.Count);

        var list = await AfsVlAsync("listvldb", "--server", "127.0.0.1");
        Assert.True(list.ExitCode == 0, list.Output);
        Assert.Equal(expected, list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToList());

        var examine = await AfsVlAsync("examine", "home.alice", "--server", "127.0.0.1:7003");
        Assert.True(examine.ExitCode == 0, examine.Output);
        Assert.Contains("RWrite: 536870918", examine.Output);
        Assert.Contains("server 127.1.0.2 partition /vicepc RW Site", examine.Output);

        var byId = await AfsVlAsync("examine", "536870913", "--server", "127.0.0.1");
        Assert.True(byId.ExitCode == 0, byId.Output);
        Assert.StartsWith("root.afs", byId.Output);

        var missing = await AfsVlAsync("examine", "no.such.volume", "--server", "127.0.0.1");
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("363524 (VL_NOENT)", missing.Output);

        var caps = await AfsVlAsync("capabilities", "--server", "127.0.0.1");
        Assert.True(caps.ExitCode == 0, caps.Output);
        Assert.Contains("abort -455 (RXGEN_OPCODE)", caps.Output);

        // The upgrading client against OpenAFS: the probe is aborted (no VL GetCapabilities), the client stays on VL.
        var servers = await AfsVlAsync("fileservers", "--server", "127.0.0.1");
        Assert.True(servers.ExitCode == 0, servers.Output);
        Assert.StartsWith("service=52 (probe aborted: -455 RXGEN_OPCODE)", servers.Output);
    }

    /// <summary>
    /// Why service upgrade exists: VL carries IPv4 addresses only. The same client command (<c>afsvl fileservers</c>, one
    /// API over the generated <c>YFSVLUpgradingClient</c>) gets IPv4 and IPv6 endpoints from a server that upgrades to YFSVL
    /// (GetEndpoints), and the IPv4 ones through VL from the same database served without the upgrade pair.
    /// </summary>
    [Fact]
    public async Task Afsvl_fileservers_gets_ipv6_endpoints_only_from_an_upgrading_server()
    {
        var dir = Directory.CreateTempSubdirectory("rxgen-afsvl-upg-");
        var started = new List<Process>();
        try
        {
            string db = Path.Combine(dir.FullName, "vldb.json");
            File.WriteAllText(db, """
            {
              "volumes": [ { "name": "root.cell", "rw": 536870915, "ro": 0, "bk": 0, "sites": [ { "server": "127.1.0.1", "partition": "a", "type": "RW" } ] } ],
              "fileServers": [ "127.1.0.1", "127.1.0.2" ],
              "fileServerIpv6": { "127.1.0.1": [ "::1", "fd00::7" ] },
              "cell": "upgrade.test",
              "nextVolumeId": 536870940
            }
            """);
            async Task<string> ServeAsync(params string[] extra)
            {
                var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
                foreach (var a in new[] { AfsVlDll, "serve", "--bind", "127.0.0.1", "--port", "0", "--db", db }.Concat(extra)) start.ArgumentList.Add(a);
                Assert.True(File.Exists(AfsVlDll), $"{AfsVlDll} is missing (scripts/test.sh builds it)");
                var process = Process.Start(start)!;
                started.Add(process);
                var ready = process.StandardOutput.ReadLineAsync();
                Assert.True(await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) == ready, "afsvl serve did not start");
                string line = (await ready) ?? "";
                var match = System.Text.RegularExpressions.Regex.Match(line, @" on 127\.0\.0\.1:(\d+),");
                Assert.True(match.Success, line);
                return "127.0.0.1:" + match.Groups[1].Value;
            }
            string upgrading = await ServeAsync("--upgrade");
            string plain = await ServeAsync();

            var up = await AfsVlAsync("fileservers", "--server", upgrading, "--timeout", "20");
            Assert.True(up.ExitCode == 0, up.Output);
            Assert.Equal(
                ["service=2503", "fileserver 127.1.0.1:7000 [::1]:7000 [fd00::7]:7000", "fileserver 127.1.0.2:7000"],
                up.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray());

            var down = await AfsVlAsync("fileservers", "--server", plain, "--timeout", "20");
            Assert.True(down.ExitCode == 0, down.Output);
            Assert.Equal(
                ["service=52", "fileserver 127.1.0.1:7000", "fileserver 127.1.0.2:7000"],
                down.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()).ToArray());

            // A plain VL client (no upgrade request) is served by both.
            foreach (var server in new[] { upgrading, plain })
            {
                var list = await AfsVlAsync("listvldb", "--server", server, "--timeout", "20");
                Assert.True(list.ExitCode == 0, list.Output);
                Assert.Equal("root.cell RW=536870915 RO=0 BK=0 SITES=1", list.Output.Trim());
            }
        }
        finally
        {
            foreach (var process in started)
            {
                if (!process.HasExited) process.Kill();
                await process.WaitForExitAsync();
                process.Dispose();
            }
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Afsvl_reports_an_unreachable_server_in_one_line()
    {
        // A port where nothing answers on loopback: afsvl must fail with a clear timeout, not hang.
        using var silent = new System.Net.Sockets.UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)silent.Client.LocalEndPoint!).Port;
        var run = await AfsVlAsync("listvldb", "--server", $"127.0.0.1:{port}", "--timeout", "3");
        Assert.Equal(1, run.ExitCode);
        var lines = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("afsvl: ", lines[0]);
    }

    [Fact]
    public async Task Real_vos_lists_examines_and_lists_addresses_of_the_afsvl_server()
    {
        var dir = Directory.CreateTempSubdirectory("rxgen-afsvl-");
        Process? server = null;
        try
        {
            string db = Path.Combine(dir.FullName, "vldb.json");
            File.WriteAllText(db, """
            {
              "volumes": [
                { "name": "root.cell", "rw": 536870915, "ro": 536870916, "bk": 0,
                  "sites": [ { "server": "127.1.0.1", "partition": "a", "type": "RW" }, { "server": "127.1.0.1", "partition": "a", "type": "RO" } ] },
                { "name": "users", "rw": 536870930, "ro": 0, "bk": 536870932,
                  "sites": [ { "server": "127.1.0.2", "partition": "/vicepb", "type": "RW" } ] }
              ],
              "nextVolumeId": 536870940
            }
            """);
            // The C# VL server on 127.0.0.3:7003 (vos finds VL servers on port 7003; 127.0.0.3 keeps clear of a real cell on 127.0.0.1).
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (var a in new[] { AfsVlDll, "serve", "--bind", "127.0.0.3", "--port", "7003", "--db", db }) start.ArgumentList.Add(a);
            Assert.True(File.Exists(AfsVlDll), $"{AfsVlDll} is missing (scripts/test.sh builds it)");
            server = Process.Start(start)!;
            var ready = server.StandardOutput.ReadLineAsync();
            Assert.True(await Task.WhenAny(ready, Task.Delay(TimeSpan.FromSeconds(30))) == ready, "afsvl serve did not start");
            Assert.Contains("serving VL", await ready);

            string etc = Path.Combine(dir.FullName, "etc");
            Directory.CreateDirectory(etc);
            File.WriteAllText(Path.Combine(etc, "ThisCell"), "afsvl.test\n");
            File.WriteAllText(Path.Combine(etc, "CellServDB"), ">afsvl.test #afsvl serve\n127.0.0.3 #afsvl\n");
            string[] auth = ["-noauth", "-cell", "afsvl.test", "-config", etc];

            var list = await ProcessRunner.RunToolAsync("vos", ["listvldb", "-noresolve", .. auth]);
            Assert.True(list.ExitCode == 0, list.Output);
            var entries = VosListing.Parse(list.Output).ToDictionary(e => e.Name);
            Assert.Equal(2, entries.Count);
            Assert.Equal((536870915u, 536870916u, 0u, 2), (entries["root.cell"].Rw, entries["root.cell"].Ro, entries["root.cell"].Bk, entries["root.cell"].Sites));
            Assert.Contains("server 127.1.0.1 partition /vicepa RO Site", entries["root.cell"].SiteLines);
            Assert.Equal((536870930u, 536870932u), (entries["users"].Rw, entries["users"].Bk));
            Assert.Contains("server 127.1.0.2 partition /vicepb RW Site", entries["users"].SiteLines);

            var one = await ProcessRunner.RunToolAsync("vos", ["listvldb", "-name", "users", "-noresolve", .. auth]);
            Assert.True(one.ExitCode == 0, one.Output);
            Assert.Equal(["users"], VosListing.Parse(one.Output).Select(e => e.Name));

            var addrs = await ProcessRunner.RunToolAsync("vos", ["listaddrs", "-noresolve", .. auth]);
            Assert.True(addrs.ExitCode == 0, addrs.Output);
            Assert.Equal(["127.1.0.1", "127.1.0.2"], addrs.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).OrderBy(s => s, StringComparer.Ordinal));

            var version = await ProcessRunner.RunToolAsync("rxdebug", "127.0.0.3", "7003", "-version");
            Assert.Contains("AFS version:", version.Output);

            var mine = await AfsVlAsync("listvldb", "--server", "127.0.0.3");
            Assert.True(mine.ExitCode == 0, mine.Output);
            Assert.Equal(["root.cell RW=536870915 RO=536870916 BK=0 SITES=2", "users RW=536870930 RO=0 BK=536870932 SITES=1"],
                mine.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }
        finally
        {
            if (server is not null)
            {
                if (!server.HasExited)
                {
                    Process.Start("kill", ["-TERM", server.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!.WaitForExit();
                    if (!server.WaitForExit(10_000)) server.Kill(entireProcessTree: true);
                }
                server.Dispose();
            }
            dir.Delete(recursive: true);
        }
    }
}
