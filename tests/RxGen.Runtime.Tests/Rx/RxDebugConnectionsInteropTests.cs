using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// The real <c>rxdebug</c> lists an RxPeer server's connections (with their calls) and peers; the same calls against
/// the OpenAFS server (tests/peers/rx/rxt_peer) give output of the same shape.
/// </summary>
public class RxDebugConnectionsInteropTests
{
    private const ushort Service = 7400;
    private const int EchoCalls = 3;

    [Fact]
    public async Task Real_rxdebug_lists_the_connections_and_peers_of_an_RxPeer_like_those_of_an_OpenAfs_server()
    {
        // The managed server: rxt.xg's Echo and Slow (Slow waits for the test instead of sleeping).
        var entered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new DelegateRxService(Service, "rxt", async (call, ct) =>
        {
            var request = new System.IO.MemoryStream();
            var buffer = new byte[4096];
            int n;
            while ((n = await call.ReadAsync(buffer, ct)) > 0)
            {
                request.Write(buffer, 0, n);
            }

            byte[] r = request.ToArray();
            int op = BinaryPrimitives.ReadInt32BigEndian(r);
            if (op == 5)
            {
                entered.TrySetResult();
                await release.Task.WaitAsync(ct);
                return 0;
            }

            int a = BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(4));
            string s = Encoding.ASCII.GetString(r, 12, BinaryPrimitives.ReadInt32BigEndian(r.AsSpan(8)));
            await call.WriteAsync(EchoReply(a + 1, s + "-ack"), ct);
            return 0;
        }));

        Run managed = await RunScenario(server.LocalEndPoint, () => entered.Task.WithTimeout(), () => release.TrySetResult(), () => server.GetStatistics());
        RxPeerStatistics own = managed.Server!.Value;

        int openAfsPort = RxOpenAfsInteropTests.FreeUdpPort();
        var lines = new BlockingCollection<string>();
        using Process openAfs = RxOpenAfsInteropTests.Start(RxOpenAfsInteropTests.Peer.Value, $"server {openAfsPort}");
        openAfs.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lines.Add(e.Data);
            }
        };
        openAfs.BeginOutputReadLine();
        Run reference;
        try
        {
            Assert.True(lines.TryTake(out string? ready, TimeSpan.FromSeconds(10)) && ready == "ready", "rxt_peer server did not start");
            reference = await RunScenario(new IPEndPoint(IPAddress.Loopback, openAfsPort), () => Task.Delay(300), () => { }, () => null);
        }
        finally
        {
            RxOpenAfsInteropTests.Stop(openAfs);
        }

        string all = $"managed:\n{managed.Interesting}\n{managed.All}\n{managed.After}\nOpenAFS:\n{reference.Interesting}\n{reference.All}\n{reference.After}";

        // The managed server's own state, as rxdebug shows it. Default (interesting connections): the one with the
        // Slow call in progress, a server connection from the client's port and epoch.
        ConnectionView busy = Assert.Single(Connections(managed.Interesting));
        Assert.Equal(managed.ClientPort, busy.Port);
        Assert.Equal(managed.ClientEpoch, busy.Epoch);
        Assert.Equal(0u, busy.Cid & 3);
        Assert.True(busy.IsServer, all);
        Assert.Equal(EchoCalls + 1, busy.CallNumbers.Sum()); // every call on the connection counted on its channel
        Assert.Single(busy.States, s => s.StartsWith("active, mode: receiving", StringComparison.Ordinal));
        Assert.Equal(1, own.ServerConnections);

        // -allconnections while the call runs: the same connection; -peers: the client's address with the server's
        // own counters (one peer: all the server's DATA went to it).
        ConnectionView listed = Assert.Single(Connections(managed.All));
        Assert.Equal(busy.Cid, listed.Cid);
        PeerView peer = Assert.Single(Peers(managed.All));
        Assert.Equal(managed.ClientPort, peer.Port);
        Assert.Equal(own.DataPacketsSent, peer.PacketsSent);
        Assert.Equal(own.Retransmissions, peer.Resends);
        Assert.True(peer.BytesReceived > EchoCalls * 20, all); // at least the requests' payloads
        Assert.True(peer.BytesSent >= EchoCalls * 20, all);
        Assert.InRange(peer.RttMs, 0, 1000); // loopback
        // (The peer's timeout is sent, RxDebugConnectionsTests checks it, but rxdebug 1.8 prints 0.000 whatever it gets.)
        Assert.Matches(@"current/if/max jumbogram size: [1-4]/4/4", managed.All);

        // After the call: its channel dallies with mode eof, as in OpenAFS.
        ConnectionView after = Assert.Single(Connections(managed.After));
        Assert.Equal(EchoCalls + 1, after.CallNumbers.Sum());
        Assert.All(after.States.Where(s => !s.StartsWith("not initialized", StringComparison.Ordinal)), s => Assert.StartsWith("dally, mode: eof", s, StringComparison.Ordinal));

        // The OpenAFS server under the same calls: the same connections and calls, and output of the same shape
        // (numbers aside; OpenAFS 1.8 does not report a peer's timeout, rxdebug prints 0.000 for it).
        ConnectionView cBusy = Assert.Single(Connections(reference.Interesting));
        Assert.Equal(reference.ClientEpoch, cBusy.Epoch);
        Assert.Equal(EchoCalls + 1, cBusy.CallNumbers.Sum());
        Assert.Single(cBusy.States, s => s.StartsWith("active, mode: receiving", StringComparison.Ordinal));
        Assert.Equal(EchoCalls + 1, Assert.Single(Connections(reference.After)).CallNumbers.Sum());
        Assert.Single(Peers(reference.All));
        Assert.Equal(Shape(reference.Interesting), Shape(managed.Interesting));
        Assert.Equal(Shape(reference.All), Shape(managed.All));
        Assert.Equal(Shape(reference.After), Shape(managed.After));
    }

    /// <summary>
    /// Three Echo calls, then a Slow call; while it runs <c>rxdebug</c> (interesting connections) and
    /// <c>rxdebug -allconnections -peers -long</c>; after it, <c>rxdebug -allconnections</c>.
    /// </summary>
    private static async Task<Run> RunScenario(IPEndPoint server, Func<Task> slowRunning, Action releaseSlow, Func<RxPeerStatistics?> serverStatistics)
    {
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server, Service);
        for (int i = 0; i < EchoCalls; i++)
        {
            using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, EchoRequest(41 + i, "hello"), CancellationToken.None).WithTimeout();
            Assert.Equal(42 + i, BinaryPrimitives.ReadInt32BigEndian(reply.Memory.Span));
        }

        byte[] slowRequest = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(slowRequest, 5);
        BinaryPrimitives.WriteInt32BigEndian(slowRequest.AsSpan(4), 2500);
        Task<XdrPooledBuffer> slow = RxCalls.CallAsync(connection, slowRequest, CancellationToken.None).AsTask();
        await slowRunning();
        string port = server.Port.ToString(CultureInfo.InvariantCulture);
        string interesting = await RxDebug($"127.0.0.1 {port}");
        string all = await RxDebug($"127.0.0.1 {port} -allconnections -peers -long");
        RxPeerStatistics? serverStats = serverStatistics(); // the Slow call still runs: no DATA since rxdebug asked
        releaseSlow();
        (await slow.WithTimeout()).Dispose();
        await Task.Delay(100); // the client's final ACK (deferred by FinalAckDelay) reaches the server: the reply is no longer queued
        string after = await RxDebug($"127.0.0.1 {port} -allconnections");
        return new Run(interesting, all, after, client.LocalEndPoint.Port, client.Epoch, serverStats);
    }

    private static async Task<string> RxDebug(string arguments)
    {
        (int exit, string output) = await RxOpenAfsInteropTests.RunAsync("rxdebug", arguments, TimeSpan.FromSeconds(20));
        Assert.True(exit == 0, output);
        return output;
    }

    private static List<ConnectionView> Connections(string output)
    {
        var list = new List<ConnectionView>();
        string[] lines = output.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match m = Regex.Match(lines[i], @"^Connection from host 127\.0\.0\.1, port (\d+), Cuid ([0-9a-f]+)/([0-9a-f]+)");
            if (!m.Success)
            {
                continue;
            }

            Assert.True(i + 5 < lines.Length, output);
            var numbers = new List<int>();
            var states = new List<string>();
            for (int ch = 0; ch < 4; ch++)
            {
                Match c = Regex.Match(lines[i + 2 + ch], $@"^    call {ch}: # (\d+), state (.*)$");
                Assert.True(c.Success, output);
                numbers.Add(int.Parse(c.Groups[1].Value, CultureInfo.InvariantCulture));
                states.Add(c.Groups[2].Value.TrimEnd('\r'));
            }

            list.Add(new ConnectionView(
                int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture),
                uint.Parse(m.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                uint.Parse(m.Groups[3].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                lines[i + 1].Contains("server conn", StringComparison.Ordinal),
                numbers,
                states));
        }

        return list;
    }

    private static List<PeerView> Peers(string output)
    {
        var list = new List<PeerView>();
        foreach (Match m in Regex.Matches(output, @"Peer at host 127\.0\.0\.1, port (\d+)\n\tifMTU \d+\tnatMTU \d+\tmaxMTU \d+\n\tpackets sent (\d+)\tpacket resends (\d+)\n\tbytes sent high (\d+) low (\d+)\n\tbytes received high (\d+) low (\d+)\n\trtt (\d+) msec, rtt_dev \d+ msec\n\ttimeout (\d+)\.(\d+) sec"))
        {
            long N(int g) => long.Parse(m.Groups[g].Value, CultureInfo.InvariantCulture);
            list.Add(new PeerView((int)N(1), N(2), N(3), (N(4) << 32) + N(5), (N(6) << 32) + N(7), N(8), (N(9) * 1000) + N(10)));
        }

        return list;
    }

    /// <summary>The output's lines with every number replaced by N (and the peers' timeout dropped): what must match.</summary>
    private static List<string> Shape(string output) =>
        output.Split('\n')
            .Where(l => !l.StartsWith("Trying ", StringComparison.Ordinal) && !l.StartsWith("\ttimeout ", StringComparison.Ordinal) && l.Length > 0)
            .Select(l => Regex.Replace(l, @"\b(0x)?[0-9a-f]*[0-9][0-9a-f]*\b", "N"))
            .ToList();

    private static byte[] EchoRequest(int a, string s)
    {
        byte[] text = Encoding.ASCII.GetBytes(s);
        var request = new byte[12 + ((text.Length + 3) & ~3)];
        BinaryPrimitives.WriteInt32BigEndian(request, 1);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(4), a);
        BinaryPrimitives.WriteInt32BigEndian(request.AsSpan(8), text.Length);
        text.CopyTo(request, 12);
        return request;
    }

    private static byte[] EchoReply(int b, string t)
    {
        byte[] text = Encoding.ASCII.GetBytes(t);
        var reply = new byte[8 + ((text.Length + 3) & ~3)];
        BinaryPrimitives.WriteInt32BigEndian(reply, b);
        BinaryPrimitives.WriteInt32BigEndian(reply.AsSpan(4), text.Length);
        text.CopyTo(reply, 8);
        return reply;
    }

    private sealed record Run(string Interesting, string All, string After, int ClientPort, uint ClientEpoch, RxPeerStatistics? Server);

    private sealed record ConnectionView(int Port, uint Epoch, uint Cid, bool IsServer, List<int> CallNumbers, List<string> States);

    private sealed record PeerView(int Port, long PacketsSent, long Resends, long BytesSent, long BytesReceived, long RttMs, long TimeoutMs);
}
