using System;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using Golden.Calc;
using RxGen.Runtime.Onc;
using Xunit;
using Xunit.Abstractions;

namespace RxGen.Runtime.Tests.Onc;

[CollectionDefinition(nameof(OncAllocationTests), DisableParallelization = true)]
public sealed class OncAllocationCollection
{
}

/// <summary>
/// Bytes the process allocates per small call served (ADD over raw sockets, so that the client side allocates
/// next to nothing; the UDP client is connected and uses the Memory overloads): measured alone (no parallel
/// tests), with bounds about 2-3 times the measured figures, so noise passes and a per-call allocation in the
/// transport (a Task, a state machine, a buffer) does not. Measured on 2026-12-03: 108 B over TCP (the
/// OncCallContext, the generated argument object and the procedure's Task) and 206 B over UDP. Since the service
/// methods return ValueTask and the transports recycle contexts (2026-12-04): NULL 0.2 B over TCP, ADD 24 B over
/// TCP and UDP (the calcargs object the procedure receives; the rest is GC bookkeeping noise).
/// </summary>
[Collection(nameof(OncAllocationTests))]
public sealed class OncAllocationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ASmallCallAllocatesLittleOnTheServer()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        server.Service.RecordContexts = false;
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);

        // NULL: nothing but the transport and the dispatcher, which allocate nothing per call.
        double tcpNull = await TcpBytesPerCallAsync(socket, procedure: 0, RawOnc.Ints(), replyLength: 28);
        output.WriteLine($"TCP NULL bytes/call: {tcpNull}");
        Assert.True(tcpNull < 16, $"{tcpNull} bytes per TCP NULL call");

        // ADD: the generated argument object (calcargs, 24 B) is the only allocation.
        double tcp = await TcpBytesPerCallAsync(socket, procedure: 1, RawOnc.Ints(1, 2), replyLength: 32);
        output.WriteLine($"TCP ADD bytes/call: {tcp}");
        Assert.True(tcp < 64, $"{tcp} bytes per TCP ADD call");

        using Socket udp = RawOnc.UdpSocket();
        byte[] call = RawOnc.Call(1, RawOnc.Program, 1, 1, RawOnc.Ints(1, 2));
        byte[] rb = new byte[100];
        udp.Connect(server.Udp); // the test's own sends then allocate nothing per datagram
        // A pooled ValueTask builder, so that the test's own helper allocates no state machine per call.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        async ValueTask UdpRoundAsync(uint n)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(call, n);
            await udp.SendAsync(call.AsMemory(), SocketFlags.None);
            await udp.ReceiveAsync(rb.AsMemory(), SocketFlags.None);
        }

        for (uint i = 0; i < 10000; i++)
        {
            await UdpRoundAsync(i); // long enough for tiered JIT to settle (its recompilations allocate)
        }

        long before = GC.GetTotalAllocatedBytes(true);
        for (uint i = 0; i < 10000; i++)
        {
            await UdpRoundAsync(20000 + i);
        }

        long after = GC.GetTotalAllocatedBytes(true);
        double perUdp = (after - before) / 10000.0;
        output.WriteLine($"UDP ADD bytes/call: {perUdp}");
        Assert.True(perUdp < 64, $"{perUdp} bytes per UDP ADD call");
    }

    /// <summary>Sends batches of 1,000 pipelined calls of one procedure and reads their replies; the bytes the process allocates per call.</summary>
    private static async Task<double> TcpBytesPerCallAsync(Socket socket, uint procedure, byte[] arguments, int replyLength)
    {
        byte[] record = RawOnc.Record(RawOnc.Call(1, RawOnc.Program, 1, procedure, arguments));
        byte[] batch = Enumerable.Repeat(record, 1000).SelectMany(r => r).ToArray();
        byte[] sink = new byte[replyLength * 1000];
        async Task RoundAsync()
        {
            await socket.SendAsync(batch, SocketFlags.None);
            int got = 0;
            while (got < sink.Length)
            {
                got += await socket.ReceiveAsync(sink.AsMemory(got), SocketFlags.None);
            }
        }

        for (int i = 0; i < 5; i++)
        {
            await RoundAsync();
        }

        long before = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < 20; i++)
        {
            await RoundAsync();
        }

        return (GC.GetTotalAllocatedBytes(true) - before) / 20000.0;
    }

    [Fact]
    public async Task ACallThroughTheTcpClientAllocatesLittle()
    {
        // Client and server in this process: measured 347 B per ADD call on 2026-12-03 (the server's ~110 B, the
        // reply's XdrPooledBuffer and the generated client's own Task); 850 B before the pooled pending calls.
        await using CalcServer server = await CalcServer.StartAsync();
        await using OncTcpClient tcp = await OncTcpClient.ConnectAsync(server.Tcp);
        var calc = new CALC_V1Client(tcp);
        var args = new calcargs { A = 1, B = 2 };
        for (int i = 0; i < 2000; i++)
        {
            Assert.Equal(3, await calc.CalcAddAsync(args));
        }

        long before = GC.GetTotalAllocatedBytes(true);
        for (int i = 0; i < 5000; i++)
        {
            await calc.CalcAddAsync(args);
        }

        double perCall = (GC.GetTotalAllocatedBytes(true) - before) / 5000.0;
        output.WriteLine($"TCP client+server bytes/call: {perCall}");
        Assert.True(perCall < 800, $"{perCall} bytes per call through OncTcpClient");
    }
}
