using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Golden.Calc;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Tests.TestSupport;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>Large records split into several fragments (server and client), and the TCP client connecting again after its connection broke.</summary>
public sealed class OncFragmentAndReconnectTests
{
    [Fact]
    public async Task ALargeReplyLeavesAsSeveralFragmentsOfTheConfiguredSize()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxFragmentSize = 1000 });
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        byte[] blob = new byte[5000];
        new Random(3).NextBytes(blob);
        byte[] arguments = new byte[4 + blob.Length];
        BinaryPrimitives.WriteInt32BigEndian(arguments, blob.Length);
        blob.CopyTo(arguments, 4);
        await socket.SendAsync(RawOnc.Record(RawOnc.Call(77, RawOnc.Program, 1, CALC_V1Protocol.Procedures.CalcEcho, arguments)), SocketFlags.None);

        // Reply: 24-byte accepted header + 4-byte length + 5000 bytes = 5028 bytes: five full fragments and one of 28.
        var fragments = new List<(bool Last, byte[] Body)>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (fragments.Count == 0 || !fragments[^1].Last)
        {
            Assert.True(fragments.Count < 100, "too many fragments");
            byte[] header = await ReadExactlyAsync(socket, 4, timeout.Token);
            uint mark = BinaryPrimitives.ReadUInt32BigEndian(header);
            fragments.Add(((mark & 0x8000_0000u) != 0, await ReadExactlyAsync(socket, (int)(mark & 0x7FFF_FFFF), timeout.Token)));
        }

        Assert.Equal(new[] { 1000, 1000, 1000, 1000, 1000, 28 }, fragments.Select(f => f.Body.Length));
        Assert.Equal(new[] { false, false, false, false, false, true }, fragments.Select(f => f.Last));
        byte[] reply = fragments.SelectMany(f => f.Body).ToArray();
        Assert.Equal(77u, RawOnc.U32(reply, 0));
        Assert.Equal(0u, RawOnc.U32(reply, 20)); // SUCCESS
        Assert.Equal((uint)blob.Length, RawOnc.U32(reply, 24));
        Assert.Equal(blob, reply.AsSpan(28).ToArray());
    }

    [Fact]
    public async Task FragmentedCallsAndRepliesRoundTripThroughTheCSharpClient()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxFragmentSize = 4093 });
        await using OncTcpClient client = await OncTcpClient.ConnectAsync(server.Tcp, new OncClientOptions { MaxFragmentSize = 777 });
        var calc = new CALC_V1Client(client);
        foreach (int size in new[] { 0, 1, 776, 777, 4093, 200_000 })
        {
            byte[] blob = new byte[size];
            new Random(size).NextBytes(blob);
            Assert.Equal(blob, await calc.CalcEchoAsync(blob).WithTimeout());
        }
    }

    [Fact]
    public async Task TheLibtirpcClientAcceptsAMultiFragmentReply()
    {
        // 500,000 bytes of echo in fragments of 1000 bytes (501 fragments); the C client compares every byte.
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxFragmentSize = 1000 });
        Assert.Equal("ok 500000", await OncCPeers.CallAsync(server.Tcp, false, false, "echo", "500000"));
        Assert.Equal("ok 1", await OncCPeers.CallAsync(server.Tcp, false, false, "echo", "1"));
    }

    [Fact]
    public void AFragmentSizeBelowOneIsRefused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OncServerOptions { MaxFragmentSize = 0 }.Validate());
    }

    [Fact]
    public async Task TheNextCallReconnectsAfterTheServerClosedTheConnection()
    {
        // The server closes idle connections after 200 ms.
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        await using OncTcpClient client = await OncTcpClient.ConnectAsync(server.Tcp);
        var calc = new CALC_V1Client(client);
        Assert.Equal(3, await calc.CalcAddAsync(new calcargs { A = 1, B = 2 }).WithTimeout());
        await TimeoutExtensions.Eventually(() => server.Server.ConnectionCount == 0, "idle connection closed");
        await Task.Delay(50);

        // Many calls at once after the break: one new connection, every call answered.
        int[] sums = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => calc.CalcAddAsync(new calcargs { A = i, B = 1 }))).WithTimeout();
        Assert.Equal(Enumerable.Range(1, 20), sums);
        Assert.Equal(1, client.Reconnects);
        Assert.Equal(1, server.Server.ConnectionCount);
    }

    [Fact]
    public async Task WithoutReconnectLaterCallsFail()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(200) });
        await using OncTcpClient client = await OncTcpClient.ConnectAsync(server.Tcp, new OncClientOptions { Reconnect = false });
        var calc = new CALC_V1Client(client);
        await calc.CalcNullAsync().WithTimeout();
        await TimeoutExtensions.Eventually(() => server.Server.ConnectionCount == 0, "idle connection closed");
        await TimeoutExtensions.Eventually(() => client.CallsInFlight == 0, "settled");
        await Task.Delay(50);
        await Assert.ThrowsAsync<IOException>(() => calc.CalcNullAsync().WithTimeout());
        Assert.Equal(0, client.Reconnects);
    }

    [Fact]
    public async Task CallsInFlightWhenTheServerDropsTheConnectionFailAndTheNextCallReconnects()
    {
        // A listener that takes the first connection's call and closes it, then serves the second connection properly
        // by relaying it to a real server.
        await using CalcServer server = await CalcServer.StartAsync();
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(4);
        var at = (IPEndPoint)listener.LocalEndPoint!;
        Task dropper = Task.Run(async () =>
        {
            using Socket first = await listener.AcceptAsync();
            byte[] some = new byte[64];
            _ = await first.ReceiveAsync(some, SocketFlags.None);
            first.Close();
            using Socket second = await listener.AcceptAsync();
            using Socket upstream = await RawOnc.ConnectAsync(server.Tcp);
            using var done = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            await Task.WhenAny(Pump(second, upstream, done.Token), Pump(upstream, second, done.Token));
        });

        await using OncTcpClient client = await OncTcpClient.ConnectAsync(at, new OncClientOptions { Timeout = TimeSpan.FromSeconds(30) });
        var calc = new CALC_V1Client(client);
        IOException broken = await Assert.ThrowsAsync<IOException>(() => calc.CalcAddAsync(new calcargs { A = 1, B = 1 }).WithTimeout());
        Assert.Contains("closed the connection", broken.Message);
        Assert.Equal(7, await calc.CalcAddAsync(new calcargs { A = 3, B = 4 }).WithTimeout());
        Assert.Equal(1, client.Reconnects);
        await client.DisposeAsync();
        await dropper.WithTimeout();
    }

    private static async Task Pump(Socket from, Socket to, CancellationToken token)
    {
        byte[] buffer = new byte[8192];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, token);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException)
        {
        }
    }

    private static async Task<byte[]> ReadExactlyAsync(Socket socket, int length, CancellationToken token)
    {
        byte[] buffer = new byte[length];
        int read = 0;
        while (read < length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, token);
            if (n == 0)
            {
                throw new EndOfStreamException();
            }

            read += n;
        }

        return buffer;
    }
}
