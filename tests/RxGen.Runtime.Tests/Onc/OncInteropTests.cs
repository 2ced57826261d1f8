using System;
using System.Net;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Tests.TestSupport;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The C# transports against rpcgen + libtirpc C programs built from the same calc.x, both ways, TCP and UDP.</summary>
public sealed class OncInteropTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CClientCallsTheCSharpServer(bool udp)
    {
        await using CalcServer server = await CalcServer.StartAsync();
        IPEndPoint at = udp ? server.Udp : server.Tcp;
        Assert.Equal("ok", await OncCPeers.CallAsync(at, udp, false, "null"));
        Assert.Equal("ok -7", await OncCPeers.CallAsync(at, udp, false, "add", "5", "-12"));
        Assert.Equal("ok 1 1234 5678 cpeer", await OncCPeers.CallAsync(at, udp, true, "whoami"));
        Assert.Equal(udp ? "ok 8000" : "ok 500000", await OncCPeers.CallAsync(at, udp, false, "echo", udp ? "8000" : "500000"));
        Assert.Equal("ok 1", await OncCPeers.CallAsync(at, udp, false, "slow", "1"));
        Assert.Equal("ok 500500", await OncCPeers.CallAsync(at, udp, false, "sum", "1000"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CClientSeesTheCSharpServersErrorRepliesAsLibtirpcReportsThem(bool udp)
    {
        await using CalcServer server = await CalcServer.StartAsync();
        IPEndPoint at = udp ? server.Udp : server.Tcp;
        // clnt_stat numbers: RPC_SYSTEMERROR 12, RPC_PROGVERSMISMATCH 9, RPC_PROCUNAVAIL 10, RPC_PROGUNAVAIL 8.
        Assert.Equal("error 12 call: RPC: Remote system error", await OncCPeers.CallAsync(at, udp, false, "fail"));
        Assert.Equal("error 9 call: RPC: Program/version mismatch; low version = 1, high version = 2", await OncCPeers.CallAsync(at, udp, false, "call", "3", "0"));
        Assert.Equal("error 10 call: RPC: Procedure unavailable", await OncCPeers.CallAsync(at, udp, false, "call", "1", "99"));
        Assert.Equal("error 8 call: RPC: Program unavailable", await OncCPeers.CallAsync(at, udp, false, "prog", "12345"));
        // ADD with void arguments: GARBAGE_ARGS, RPC_CANTDECODEARGS 11.
        Assert.Equal("error 11 call: RPC: Server can't decode arguments", await OncCPeers.CallAsync(at, udp, false, "call", "1", "1"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CSharpClientCallsTheCServer(bool udp)
    {
        using PeerProcess peer = await PeerProcess.StartAsync(OncCPeers.PathOf(OncCPeers.Server), true, "0", "0");
        (IPEndPoint tcp, IPEndPoint udpEnd) = peer.CalcEndPoints();
        var options = new OncClientOptions { Credentials = new OncAuthSysCredentials(9, "csharp", 4321, 8765, new uint[] { 1 }) };
        IOncCallTransport transport = udp ? OncUdpClient.Create(udpEnd, options) : await OncTcpClient.ConnectAsync(tcp, options);
        try
        {
            var client = new CALC_V1Client(transport);
            await client.CalcNullAsync().WithTimeout();
            Assert.Equal(-7, await client.CalcAddAsync(new calcargs { A = 5, B = -12 }).WithTimeout());
            calcwho who = await client.CalcWhoamiAsync().WithTimeout();
            Assert.Equal((1u, 4321u, 8765u, "csharp"), (who.Flavor, who.Uid, who.Gid, who.Machine));
            byte[] blob = new byte[udp ? 8000 : 500000];
            new Random(5).NextBytes(blob);
            Assert.Equal(blob, await client.CalcEchoAsync(blob).WithTimeout());
            Assert.Equal(500500, await client.CalcSumAsync(CalcService.List(1000)).WithTimeout());
            Assert.Equal(OncAcceptStat.SystemErr, (await Assert.ThrowsAsync<OncRpcException>(() => client.CalcFailAsync())).Status);
            OncRpcException mismatch = await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(CALC_V1Protocol.Program, 3, 0, ReadOnlyMemory<byte>.Empty));
            Assert.Equal((OncAcceptStat.ProgMismatch, 1u, 2u), (mismatch.Status, mismatch.LowVersion!.Value, mismatch.HighVersion!.Value));
            Assert.Equal(OncAcceptStat.ProcUnavail, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(CALC_V1Protocol.Program, 1, 99, ReadOnlyMemory<byte>.Empty))).Status);
            Assert.Equal(OncAcceptStat.ProgUnavail, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(12345, 1, 0, ReadOnlyMemory<byte>.Empty))).Status);
            if (!udp)
            {
                // Over UDP libtirpc decodes missing arguments from an earlier datagram's bytes (issue 13's
                // "stale buffer" defect) and answers SUCCESS; the C# server's answer is GARBAGE_ARGS both ways.
                Assert.Equal(OncAcceptStat.GarbageArgs, (await Assert.ThrowsAsync<OncRpcException>(async () => await transport.CallAsync(CALC_V1Protocol.Program, 1, 1, ReadOnlyMemory<byte>.Empty))).Status);
            }
        }
        finally
        {
            await ((IAsyncDisposable)transport).DisposeAsync();
        }
    }

    [Fact]
    public async Task ManyCSharpCallsInFlightOnOneConnectionToTheCServer()
    {
        using PeerProcess peer = await PeerProcess.StartAsync(OncCPeers.PathOf(OncCPeers.Server), true, "0", "0");
        await using OncTcpClient transport = await OncTcpClient.ConnectAsync(peer.CalcEndPoints().Tcp);
        var client = new CALC_V1Client(transport);
        Task<int>[] calls = new Task<int>[100];
        for (int i = 0; i < calls.Length; i++)
        {
            calls[i] = client.CalcAddAsync(new calcargs { A = i, B = 1 });
        }

        int[] results = await Task.WhenAll(calls).WithTimeout();
        for (int i = 0; i < results.Length; i++)
        {
            Assert.Equal(i + 1, results[i]);
        }
    }
}
