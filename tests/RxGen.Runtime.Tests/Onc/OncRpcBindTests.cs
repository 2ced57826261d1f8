using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Tests.TestSupport;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The system rpcbind on loopback only (tests/peers/onc-rpc/rpcbind_loopback), started once for the class and killed by its PID.</summary>
public sealed class LoopbackRpcBind : IAsyncLifetime
{
    private PeerProcess? _process;
    private FileStream? _machineLock;

    public async Task InitializeAsync()
    {
        // Port 111 is the machine's: other test processes (the oncdemo tests) wait for it.
        _machineLock = await RxGen.Tests.Shared.MachineLock.AcquireAsync("rpcbind", TimeSpan.FromMinutes(5));
        _process = await PeerProcess.StartAsync(OncCPeers.PathOf(OncCPeers.RpcBindLauncher), false);
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                if (File.Exists(OncRpcBind.LocalSocketPath))
                {
                    await using OncRpcBindClient client = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
                    await client.DumpAsync();
                    await using OncRpcBindClient local = await OncRpcBindClient.ConnectAsync(new UnixDomainSocketEndPoint(OncRpcBind.LocalSocketPath));
                    await local.DumpAsync();
                    return;
                }
            }
            catch (Exception ex) when (ex is SocketException or IOException)
            {
            }

            if (_process.Process.HasExited || watch.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new InvalidOperationException($"rpcbind did not come up on 127.0.0.1:111 (exited: {_process.Process.HasExited}; is port 111 taken?)");
            }

            await Task.Delay(20);
        }
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.TerminateAsync();
            _process.Dispose();
        }

        _machineLock?.Dispose();
    }
}

/// <summary>Registration with the real rpcbind, what rpcinfo sees, and finding servers by program number.</summary>
public sealed class OncRpcBindTests : IClassFixture<LoopbackRpcBind>
{
    private const uint Program = CALC_V1Protocol.Program;

    private static Task<(int ExitCode, string Output)> RpcInfoAsync(params string[] arguments) => OncCPeers.RunAsync("/usr/sbin/rpcinfo", arguments);

    [Fact]
    public async Task TheCSharpServerRegistersRpcInfoSeesItAndStopUnregisters()
    {
        CalcServer server = await CalcServer.StartAsync(new OncServerOptions { RegisterWithRpcBind = true });
        string prog = Program.ToString(System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            (int code, string list) = await RpcInfoAsync("-p", "127.0.0.1");
            Assert.Equal(0, code);
            foreach (string vers in new[] { "1", "2" })
            {
                Assert.Matches($@"(?m)^\s*{prog}\s+{vers}\s+tcp\s+{server.Tcp.Port}\s*$", list);
                Assert.Matches($@"(?m)^\s*{prog}\s+{vers}\s+udp\s+{server.Udp.Port}\s*$", list);
            }

            Assert.Contains($"program {prog} version 1 ready and waiting", (await RpcInfoAsync("-t", "127.0.0.1", prog, "1")).Output);
            Assert.Contains($"program {prog} version 1 ready and waiting", (await RpcInfoAsync("-u", "127.0.0.1", prog, "1")).Output);
            Assert.Contains($"program {prog} version 2 ready and waiting", (await RpcInfoAsync("-T", "tcp", "127.0.0.1", prog, "2")).Output);
            // The libtirpc client finds the C# server through the portmapper (port 0).
            Assert.Equal("ok 7", await OncCPeers.CallAsync(new IPEndPoint(IPAddress.Loopback, 0), false, false, "add", "3", "4"));
            Assert.Equal("ok 7", await OncCPeers.CallAsync(new IPEndPoint(IPAddress.Loopback, 0), true, false, "add", "3", "4"));
            // And so does the C# rpcbind client, by every version of the protocol.
            await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
            Assert.Equal(server.Tcp.Port, await rpcbind.GetPortAsync(Program, 1, OncRpcBind.ProtocolTcp));
            Assert.Equal(server.Udp.Port, await rpcbind.GetPortAsync(Program, 2, OncRpcBind.ProtocolUdp));
            Assert.Equal(OncUniversalAddress.Format(server.Tcp), await rpcbind.GetAddrAsync(Program, 1, "tcp"));
            await using OncUdpClient udp = OncUdpClient.Create(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
            Assert.Equal(OncUniversalAddress.Format(server.Udp), await new OncRpcBindClient(udp).GetAddrAsync(Program, 1, "udp", rpcbindVersion: 3));
            Assert.Contains(new OncPortMapping(Program, 1, OncRpcBind.ProtocolTcp, (uint)server.Tcp.Port), await rpcbind.DumpAsync());
        }
        finally
        {
            await server.Server.StopAsync();
            await server.DisposeAsync();
        }

        (int _, string after) = await RpcInfoAsync("-p", "127.0.0.1");
        Assert.DoesNotContain(prog, after);
        Assert.NotEqual(0, (await RpcInfoAsync("-t", "127.0.0.1", prog, "1")).ExitCode);
    }

    [Fact]
    public async Task ProgramsRegisteredAndUnregisteredWhileRunningFollowAtRpcBind()
    {
        var registry = new OncDispatcherRegistry();
        registry.Register(new CALC_V1Dispatcher(new CalcService()));
        await using var server = new OncServer(registry, new OncServerOptions { RegisterWithRpcBind = true });
        IPEndPoint tcp = server.AddTcpListener(new IPEndPoint(IPAddress.Loopback, 0));
        await server.StartAsync();
        // GETVERSADDR matches the version exactly (GETADDR and portmap GETPORT fall back to another version).
        await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
        string at = OncUniversalAddress.Format(tcp);
        Assert.Equal(at, await rpcbind.GetVersAddrAsync(Program, 1, "tcp"));
        Assert.Equal("", await rpcbind.GetVersAddrAsync(Program, 2, "tcp"));
        await server.RegisterAsync(new CALC_V2Dispatcher(new CalcV2Service()));
        Assert.Equal(at, await rpcbind.GetVersAddrAsync(Program, 2, "tcp"));
        Assert.True(await server.UnregisterAsync(Program, 1));
        Assert.Equal("", await rpcbind.GetVersAddrAsync(Program, 1, "tcp"));
        Assert.Equal(at, await rpcbind.GetVersAddrAsync(Program, 2, "tcp"));
        await server.StopAsync();
        Assert.Equal("", await rpcbind.GetVersAddrAsync(Program, 2, "tcp"));
        Assert.Equal(0, await rpcbind.GetPortAsync(Program, 2, OncRpcBind.ProtocolTcp));
    }

    [Fact]
    public async Task ACSharpClientFindsTheCServerThroughRpcBind()
    {
        using PeerProcess peer = await PeerProcess.StartAsync(OncCPeers.PathOf(OncCPeers.Server), true, "--rpcbind", "0", "0");
        try
        {
            (IPEndPoint tcp, IPEndPoint udp) = peer.CalcEndPoints();
            await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
            int port = await rpcbind.GetPortAsync(Program, 1, OncRpcBind.ProtocolTcp);
            Assert.Equal(tcp.Port, port);
            await using OncUdpClient rpcbindUdp = OncUdpClient.Create(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
            Assert.True(OncUniversalAddress.TryParse(await new OncRpcBindClient(rpcbindUdp).GetAddrAsync(Program, 1, "udp"), out IPEndPoint? found));
            Assert.Equal(udp, found);
            await using OncTcpClient overTcp = await OncTcpClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            Assert.Equal(11, await new CALC_V1Client(overTcp).CalcAddAsync(new calcargs { A = 5, B = 6 }).WithTimeout());
            await using OncUdpClient overUdp = OncUdpClient.Create(found!);
            Assert.Equal(12, await new CALC_V1Client(overUdp).CalcAddAsync(new calcargs { A = 6, B = 6 }).WithTimeout());
        }
        finally
        {
            await peer.TerminateAsync();
        }

        await using OncRpcBindClient after = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
        Assert.Equal(0, await after.GetPortAsync(Program, 1, OncRpcBind.ProtocolTcp));
        Assert.Equal("", await after.GetAddrAsync(Program, 1, "tcp"));
    }

    [Fact]
    public async Task PortmapSetAndUnsetOverTheLocalSocket()
    {
        const uint program = 0x2004C0FF;
        await using OncRpcBindClient local = await OncRpcBindClient.ConnectAsync();
        Assert.True(await local.SetAsync(new OncPortMapping(program, 3, OncRpcBind.ProtocolUdp, 4242)));
        await using OncRpcBindClient tcp = await OncRpcBindClient.ConnectAsync(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port));
        Assert.Equal(4242, await tcp.GetPortAsync(program, 3, OncRpcBind.ProtocolUdp));
        await using (OncUdpClient udp = OncUdpClient.Create(new IPEndPoint(IPAddress.Loopback, OncRpcBind.Port)))
        {
            // A portmap mapping has no host: rpcbind answers with the address the query came to.
            Assert.Equal("127.0.0.1.16.146", await new OncRpcBindClient(udp).GetAddrAsync(program, 3, "udp"));
        }

        Assert.True(await local.UnsetAsync(program, 3)); // (rpcbind answers TRUE to portmap UNSET even when nothing matched)
        Assert.Equal(0, await tcp.GetPortAsync(program, 3, OncRpcBind.ProtocolUdp));
        Assert.DoesNotContain(await tcp.DumpAsync(), m => m.Program == program);
    }
}
