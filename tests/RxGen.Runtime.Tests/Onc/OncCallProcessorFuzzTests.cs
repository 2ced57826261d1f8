using System;
using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Xdr;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The call processor and the client's reply matching, in process, with many hostile messages (seeded).</summary>
public sealed class OncCallProcessorFuzzTests
{
    private static readonly byte[][] Seeds =
    [
        RawOnc.Call(1, RawOnc.Program, 1, 1, RawOnc.Ints(1, 2)),
        RawOnc.Call(2, RawOnc.Program, 1, 3, RawOnc.Ints(8, 1, 2)),
        RawOnc.Call(3, RawOnc.Program, 1, 2, credFlavor: 1, credBody: RawOnc.AuthSysBody(1, 2, "m", 3)),
        RawOnc.Call(4, RawOnc.Program, 1, 6, RawOnc.Ints(1, 5, 1, 6, 0)),
    ];

    private static byte[] Mutate(Random random)
    {
        byte[] seed = Seeds[random.Next(Seeds.Length)];
        switch (random.Next(5))
        {
            case 0:
                var noise = new byte[random.Next(0, 120)];
                random.NextBytes(noise);
                return noise;
            case 1:
                return seed.AsSpan(0, random.Next(seed.Length + 1)).ToArray();
            default:
                byte[] copy = (byte[])seed.Clone();
                for (int k = random.Next(1, 4); k > 0; k--)
                {
                    int at = random.Next(copy.Length);
                    copy[at] = random.Next(3) switch { 0 => 0xFF, 1 => 0, _ => (byte)random.Next(256) };
                }

                return copy;
        }
    }

    [Fact]
    public async Task HostileCallsNeverThrowAndEveryReplyIsWellFormed()
    {
        var registry = new OncDispatcherRegistry();
        registry.Register(new CALC_V1Dispatcher(new CalcService()));
        registry.Register(new CALC_V2Dispatcher(new CalcV2Service()));
        var processor = new OncCallProcessor(registry);
        var random = new Random(13);
        var caller = new IPEndPoint(IPAddress.Loopback, 9);
        using var reply = new XdrBufferWriter();
        int replies = 0;
        for (int i = 0; i < 30_000; i++)
        {
            byte[] message = Mutate(random);
            if (await processor.ProcessAsync(message, caller, reply, default))
            {
                replies++;
                Assert.True(OncMessages.TryReadReply(reply.WrittenSpan, out OncReplyHeader header));
                Assert.True(OncMessages.TryReadXid(message, out uint xid));
                Assert.Equal(xid, header.Xid);
            }
        }

        Assert.InRange(replies, 1000, 29_000);
    }

    [Fact]
    public async Task HostileRepliesNeverBreakTheUdpClient()
    {
        // A "server" that answers each call with garbage datagrams (some carrying the call's xid), then the right reply.
        using Socket server = RawOnc.UdpSocket();
        using var stop = new CancellationTokenSource();
        var random = new Random(17);
        Task serving = Task.Run(async () =>
        {
            var buffer = new byte[65536];
            while (!stop.IsCancellationRequested)
            {
                SocketReceiveFromResult r;
                try
                {
                    r = await server.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                uint xid = RawOnc.U32(buffer, 0);
                for (int k = 0; k < 3; k++)
                {
                    byte[] garbage = Mutate(random);
                    if (garbage.Length >= 4 && random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(garbage, xid + (uint)random.Next(2));
                    }

                    await server.SendToAsync(garbage, SocketFlags.None, r.RemoteEndPoint);
                }

                byte[] ok = [.. RawOnc.Ints((int)xid, 1, 0, 0, 0, 0, 7)];
                await server.SendToAsync(ok, SocketFlags.None, r.RemoteEndPoint);
            }
        });
        int answered = 0, failed = 0;
        await using (OncUdpClient transport = OncUdpClient.Create((IPEndPoint)server.LocalEndPoint!, new OncClientOptions { Timeout = TimeSpan.FromSeconds(5) }))
        {
            var client = new CALC_V1Client(transport);
            for (int i = 0; i < 300; i++)
            {
                try
                {
                    Assert.Equal(7, await client.CalcAddAsync(new calcargs { A = 1, B = 2 }));
                    answered++;
                }
                catch (Exception ex) when (ex is OncRpcException or XdrException)
                {
                    failed++; // a garbage datagram with the right xid that parsed as a reply got there first
                }
            }
        }

        stop.Cancel();
        await serving;
        Assert.Equal(300, answered + failed);
        Assert.True(answered > 150, $"{answered} answered, {failed} failed");
    }
}
