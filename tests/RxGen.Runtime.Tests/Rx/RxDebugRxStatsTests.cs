using System;
using System.Buffers.Binary;
using System.Linq;
using System.Net;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Rx.Wire;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>The DEBUG RXSTATS answer (<c>struct rx_statistics</c>): its layout, the engine's counters in it, and the real <c>rxdebug -rxstats</c>.</summary>
public class RxDebugRxStatsTests
{
    private const ushort Service = 1234;

    [Fact]
    public void The_layout_is_71_big_endian_words_in_rx_h_order()
    {
        var stats = new RxDebugRxStats();
        stats.SetPacketsRead(RxPacketType.Data, 7);
        stats.SetPacketsRead(RxPacketType.Version, 8);
        stats.SetPacketsSent(RxPacketType.Ack, 9);
        stats[RxStatsWord.DataPacketsSent] = 10;
        stats[RxStatsWord.Spares + 3] = 11;
        stats.SetClock(RxStatsWord.MaxRtt, TimeSpan.FromMilliseconds(2500.25));

        var bytes = new byte[RxDebugRxStats.Size];
        Assert.Equal(284, stats.Write(bytes));
        int Word(int i) => BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(i * 4));
        Assert.Equal(7, Word(11));   // packetsRead[0] after 11 ints
        Assert.Equal(8, Word(23));   // packetsRead[12]
        Assert.Equal(9, Word(29));   // packetsSent[1] after 11+13+4
        Assert.Equal(10, Word(45));  // dataPacketsSent after 8 more words... per rx.h
        Assert.Equal(2, Word(53));   // maxRtt.sec
        Assert.Equal(500_250, Word(54)); // maxRtt.usec
        Assert.Equal(11, Word(70));  // spares[3], the last word

        Assert.True(RxDebugRxStats.TryRead(bytes, out RxDebugRxStats? back));
        Assert.Equal(7, back!.GetPacketsRead(RxPacketType.Data));
        Assert.Equal(9, back.GetPacketsSent(RxPacketType.Ack));
        Assert.False(RxDebugRxStats.TryRead(bytes.AsSpan(0, 283), out _));
    }

    [Fact]
    public async Task Real_rxdebug_rxstats_prints_the_counters_of_an_RxPeer()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(Service));
        await using (RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)))
        {
            await using IRxConnection connection = client.Connect(server.LocalEndPoint, Service);
            for (int i = 0; i < 12; i++)
            {
                byte[] request = new byte[i == 0 ? 200_000 : 20 + i];
                using XdrPooledBuffer reply = await RxCalls.CallAsync(connection, request, CancellationToken.None).WithTimeout();
                Assert.Equal(request.Length, reply.Memory.Length);
            }
        }

        await TimeoutExtensions.Eventually(() => server.GetStatistics().ActiveCalls == 0, "server calls to end");
        (int exit, string output) = await RxOpenAfsInteropTests.RunAsync("rxdebug", $"127.0.0.1 {server.LocalEndPoint.Port} -rxstats -noconns", TimeSpan.FromSeconds(20));
        RxPeerStatistics own = server.GetStatistics();

        Assert.True(exit == 0, output);
        Assert.DoesNotContain("doesn't support", output, StringComparison.Ordinal);
        Assert.Contains("calls: 12,", output, StringComparison.Ordinal);
        Assert.Equal(12, own.ServerCalls);
        Assert.True(own.DataPacketsReceived > 100, $"{own.DataPacketsReceived} data packets received"); // 200 kB in ≤ 1416-byte packets

        Match read = Match(output, @"packets read: data (\d+) ack (\d+) busy (\d+) abort (\d+) ackall (\d+) challenge (\d+) response (\d+) debug (\d+)");
        Match otherRead = Match(output, @"other read counters: data (\d+), ack (\d+), dup (\d+)");
        Match sent = Match(output, @"packets sent: data (\d+) ack (\d+) busy (\d+) abort (\d+)");
        Match otherSent = Match(output, @"other send counters: ack (\d+), data (\d+) \(not resends\), resends (\d+)");
        Match conns = Match(output, @"(\d+) server connections, (\d+) client connections, (\d+) peer structs, (\d+) call structs");

        Assert.Equal(own.DataPacketsReceived, Number(otherRead, 1));
        Assert.Equal(own.AcksReceived, Number(otherRead, 2));
        Assert.Equal(own.AcksReceived, Number(read, 2));
        Assert.True(Number(read, 1) >= own.DataPacketsReceived / 4, output); // jumbograms count once as read packets
        Assert.Equal(2, Number(read, 8)); // GETSTATS, then RXSTATS
        Assert.Equal(own.DataPacketsSent, Number(otherSent, 2));
        Assert.Equal(own.Retransmissions, Number(otherSent, 3));
        Assert.Equal(own.DataPacketsSent + own.Retransmissions, Number(sent, 1));
        Assert.Equal(own.AcksSent, Number(otherSent, 1));
        Assert.Equal(own.AcksSent, Number(sent, 2));
        Assert.Equal(own.ServerConnections, Number(conns, 1));
        Assert.Equal(0, Number(conns, 2));
        Assert.Equal(0, Number(conns, 4));
    }

    private static Match Match(string output, string pattern)
    {
        Match m = Regex.Match(output, pattern);
        Assert.True(m.Success, $"no '{pattern}' in:\n{output}");
        return m;
    }

    private static long Number(Match m, int group) => long.Parse(m.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
}
