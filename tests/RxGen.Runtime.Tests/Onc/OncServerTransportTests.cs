using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Tests.TestSupport;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>Record marking, datagram handling, limits and the clean stop of the TCP/UDP server.</summary>
public sealed class OncServerTransportTests
{
    [Fact]
    public async Task ACallSplitOverManyFragmentsIsOneRecord()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        byte[] call = RawOnc.Call(7, RawOnc.Program, 1, 1, RawOnc.Ints(20, 22));
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        // One fragment per byte (the last with the last-fragment bit), plus an empty fragment first.
        var stream = new List<byte> { 0, 0, 0, 0 };
        for (int i = 0; i < call.Length; i++)
        {
            uint mark = (i == call.Length - 1 ? 0x8000_0000u : 0) | 1;
            stream.AddRange(new byte[] { (byte)(mark >> 24), 0, 0, 1, call[i] });
        }

        await socket.SendAsync(stream.ToArray(), SocketFlags.None);
        byte[]? reply = await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10));
        Assert.NotNull(reply);
        Assert.Equal(42u, RawOnc.U32(reply!, 24));
    }

    [Fact]
    public async Task PipelinedCallsOnOneConnectionAreAllAnswered()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        var all = new List<byte>();
        for (int i = 0; i < 50; i++)
        {
            all.AddRange(RawOnc.Record(RawOnc.Call((uint)(100 + i), RawOnc.Program, 1, 1, RawOnc.Ints(i, 1000))));
        }

        await socket.SendAsync(all.ToArray(), SocketFlags.None);
        var seen = new HashSet<uint>();
        for (int i = 0; i < 50; i++)
        {
            byte[] reply = (await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)))!;
            uint xid = RawOnc.U32(reply, 0);
            Assert.Equal((int)(xid - 100) + 1000, (int)RawOnc.U32(reply, 24));
            Assert.True(seen.Add(xid));
        }
    }

    [Fact]
    public async Task ARecordOverTheLimitClosesTheConnectionWithoutBufferingIt()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxRecordSize = 4096 });
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        // Announce 2 GiB - 1 in one fragment; then a second connection still works.
        await socket.SendAsync(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4 }, SocketFlags.None);
        Assert.Null(await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)));
        // Many small fragments adding up past the limit: refused too.
        using Socket second = await RawOnc.ConnectAsync(server.Tcp);
        var fragments = new List<byte>();
        for (int i = 0; i < 5; i++)
        {
            fragments.AddRange(new byte[] { 0, 0, 0x04, 0 });
            fragments.AddRange(new byte[1024]);
        }

        await second.SendAsync(fragments.ToArray(), SocketFlags.None);
        Assert.Null(await RawOnc.ReadRecordAsync(second, TimeSpan.FromSeconds(10)));
        byte[] ok = await RawOnc.TcpCallAsync(server.Tcp, RawOnc.Call(1, RawOnc.Program, 1, 0));
        Assert.Equal(24, ok.Length);
    }

    [Fact]
    public async Task AStalledHalfRecordDelaysNoOtherClient()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket staller = await RawOnc.ConnectAsync(server.Tcp);
        byte[] record = RawOnc.Record(RawOnc.Call(1, RawOnc.Program, 1, 0));
        await staller.SendAsync(record.AsMemory(0, 10), SocketFlags.None);
        using Socket udp = RawOnc.UdpSocket();
        var watch = Stopwatch.StartNew();
        byte[] tcp = await RawOnc.TcpCallAsync(server.Tcp, RawOnc.Call(2, RawOnc.Program, 1, 1, RawOnc.Ints(1, 2)));
        byte[]? dgram = await RawOnc.UdpCallAsync(udp, server.Udp, RawOnc.Call(3, RawOnc.Program, 1, 1, RawOnc.Ints(1, 2)), TimeSpan.FromSeconds(5));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"took {watch.Elapsed}");
        Assert.Equal(3u, RawOnc.U32(tcp, 24));
        Assert.Equal(3u, RawOnc.U32(dgram!, 24));
        // The staller can still finish its record and get its answer.
        await staller.SendAsync(record.AsMemory(10), SocketFlags.None);
        Assert.Equal(24, (await RawOnc.ReadRecordAsync(staller, TimeSpan.FromSeconds(10)))!.Length);
    }

    [Fact]
    public async Task ShortAndMalformedDatagramsGetNoReplyAndNoStaleBytes()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket udp = RawOnc.UdpSocket();
        // A long datagram first fills the receive buffer...
        byte[] longCall = RawOnc.Call(0x50, RawOnc.Program, 1, 3, RawOnc.Ints(8, 0x41414141, 0x41414141));
        Assert.NotNull(await RawOnc.UdpCallAsync(udp, server.Udp, longCall, TimeSpan.FromSeconds(5)));
        // ...then the same call cut right after the blob's length: GARBAGE_ARGS from its own bytes, never the old "AAAA".
        byte[] cut = longCall.AsSpan(0, longCall.Length - 8).ToArray();
        BinaryPrimitives.WriteUInt32BigEndian(cut, 0x51);
        byte[]? reply = await RawOnc.UdpCallAsync(udp, server.Udp, cut, TimeSpan.FromSeconds(5));
        Assert.Equal((uint)OncAcceptStat.GarbageArgs, RawOnc.U32(reply!, 20));
        Assert.Equal(24, reply!.Length);
        // Shorter than a call header, a reply, a huge auth length: silently dropped.
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, longCall.AsSpan(0, 39).ToArray(), TimeSpan.FromMilliseconds(200)));
        byte[] asReply = (byte[])longCall.Clone();
        asReply[7] = 1;
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, asReply, TimeSpan.FromMilliseconds(200)));
        byte[] hugeAuth = (byte[])longCall.Clone();
        BinaryPrimitives.WriteUInt32BigEndian(hugeAuth.AsSpan(28), 401);
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, hugeAuth, TimeSpan.FromMilliseconds(200)));
    }

    [Fact]
    public async Task ADatagramOverTheLimitIsDropped()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxDatagramSize = 1000 });
        using Socket udp = RawOnc.UdpSocket();
        byte[] big = RawOnc.Call(1, RawOnc.Program, 1, 3, RawOnc.Ints(Enumerable.Repeat(0, 300).Prepend(1196).ToArray()));
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, big, TimeSpan.FromMilliseconds(300)));
        byte[] small = RawOnc.Call(2, RawOnc.Program, 1, 3, RawOnc.Ints(4, 7));
        Assert.NotNull(await RawOnc.UdpCallAsync(udp, server.Udp, small, TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task IdleConnectionsTimeOutButBusyOnesDoNot()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { IdleTimeout = TimeSpan.FromMilliseconds(300) });
        var watch = Stopwatch.StartNew();
        using Socket idle = await RawOnc.ConnectAsync(server.Tcp);
        using Socket busy = await RawOnc.ConnectAsync(server.Tcp);
        // A call that runs longer than the idle timeout keeps its connection.
        await busy.SendAsync(RawOnc.Record(RawOnc.Call(9, RawOnc.Program, 1, 4, RawOnc.Ints(800))), SocketFlags.None);
        Assert.Null(await RawOnc.ReadRecordAsync(idle, TimeSpan.FromSeconds(10)));
        Assert.InRange(watch.Elapsed, TimeSpan.FromMilliseconds(290), TimeSpan.FromSeconds(5));
        byte[]? reply = await RawOnc.ReadRecordAsync(busy, TimeSpan.FromSeconds(10));
        Assert.NotNull(reply);
        Assert.Equal(9u, RawOnc.U32(reply!, 0));
    }

    [Fact]
    public async Task ConnectionsBeyondTheLimitAreClosed()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxConnections = 3 });
        var sockets = new List<Socket>();
        try
        {
            for (int i = 0; i < 3; i++)
            {
                sockets.Add(await RawOnc.ConnectAsync(server.Tcp));
            }

            await TimeoutExtensions.Eventually(() => server.Server.ConnectionCount == 3, "3 connections");
            await Assert.ThrowsAnyAsync<Exception>(async () =>
            {
                // Reset at connect, at send, or closed before a reply: never served.
                using Socket extra = await RawOnc.ConnectAsync(server.Tcp);
                await extra.SendAsync(RawOnc.Record(RawOnc.Call(1, RawOnc.Program, 1, 0)), SocketFlags.None);
                if (await RawOnc.ReadRecordAsync(extra, TimeSpan.FromSeconds(10)) is null)
                {
                    throw new InvalidOperationException("closed");
                }
            });
            Assert.Equal(3, server.Server.ConnectionCount);
            sockets[0].Dispose();
            await TimeoutExtensions.Eventually(() => server.Server.ConnectionCount == 2, "a slot frees up");
            Assert.Equal(24, (await RawOnc.TcpCallAsync(server.Tcp, RawOnc.Call(2, RawOnc.Program, 1, 0))).Length);
        }
        finally
        {
            sockets.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task CallsPerConnectionAreLimited()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxCallsPerConnection = 2 });
        server.Service.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        var all = new List<byte>();
        for (int i = 0; i < 5; i++)
        {
            all.AddRange(RawOnc.Record(RawOnc.Call((uint)i, RawOnc.Program, 1, 4, RawOnc.Ints(0))));
        }

        await socket.SendAsync(all.ToArray(), SocketFlags.None);
        await TimeoutExtensions.Eventually(() => server.Service.SlowRuns == 2, "two calls running");
        await Task.Delay(150);
        Assert.Equal(2, server.Service.SlowRuns);
        Assert.Equal(2, server.Server.CallsInFlight);
        server.Service.Gate.SetResult();
        for (int i = 0; i < 5; i++)
        {
            Assert.NotNull(await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)));
        }

        Assert.Equal(5, server.Service.SlowRuns);
    }

    [Fact]
    public async Task StopFinishesCallsInFlightAndRefusesNewOnes()
    {
        CalcServer server = await CalcServer.StartAsync();
        await using (server)
        {
            using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
            using Socket udp = RawOnc.UdpSocket();
            await socket.SendAsync(RawOnc.Record(RawOnc.Call(77, RawOnc.Program, 1, 4, RawOnc.Ints(300))), SocketFlags.None);
            await udp.SendToAsync(RawOnc.Call(78, RawOnc.Program, 1, 4, RawOnc.Ints(300)), SocketFlags.None, server.Udp);
            await TimeoutExtensions.Eventually(() => server.Service.SlowRuns == 2, "both calls running");
            Task stop = server.Server.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);
            byte[]? tcpReply = await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10));
            byte[]? udpReply = await RawOnc.UdpReceiveAsync(udp, TimeSpan.FromSeconds(10));
            await stop.WithTimeout();
            Assert.Equal(77u, RawOnc.U32(tcpReply!, 0));
            Assert.Equal(78u, RawOnc.U32(udpReply!, 0));
            Assert.Equal(0, server.Server.CallsInFlight);
            await Assert.ThrowsAnyAsync<SocketException>(() => RawOnc.TcpCallAsync(server.Tcp, RawOnc.Call(1, RawOnc.Program, 1, 0)));
        }
    }

    [Fact]
    public async Task StopPastItsDeadlineIsNotHeldByAClientThatStopsReading()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        socket.ReceiveBufferSize = 4096;
        byte[] arguments = new byte[4 + 60_000];
        BinaryPrimitives.WriteInt32BigEndian(arguments, 60_000);
        // Echo calls whose replies (up to 6 MB) fill the socket buffers: this client never reads one. The server stops
        // reading too when its queued replies pass the limit, so the sends may never finish: they are not awaited.
        using var sending = new CancellationTokenSource();
        Task send = Task.Run(async () =>
        {
            for (uint xid = 1; xid <= 100; xid++)
                await socket.SendAsync(RawOnc.Record(RawOnc.Call(xid, RawOnc.Program, 1, CALC_V1Protocol.Procedures.CalcEcho, arguments)), SocketFlags.None, sending.Token);
        });
        await TimeoutExtensions.Eventually(() => server.Service.EchoRuns >= 20, "replies piled up");
        await TimeoutExtensions.Eventually(() => server.Server.CallsInFlight == 0, "the calls that were read ran");
        var watch = Stopwatch.StartNew();
        await server.Server.StopAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(500)).Token).WithTimeout();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"stop took {watch.Elapsed}");
        sending.Cancel();
        await Task.WhenAny(send, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(send.IsCompleted, "the client's sends did not end after the stop and their cancellation");
    }

    [Fact]
    public async Task StopPastItsDeadlineCancelsTheCallsStillRunning()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        await socket.SendAsync(RawOnc.Record(RawOnc.Call(5, RawOnc.Program, 1, 4, RawOnc.Ints(60_000))), SocketFlags.None);
        await TimeoutExtensions.Eventually(() => server.Service.SlowRuns == 1, "call running");
        var watch = Stopwatch.StartNew();
        await server.Server.StopAsync(new CancellationTokenSource(TimeSpan.FromMilliseconds(100)).Token).WithTimeout();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5));
        Assert.Null(await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)));
    }

    [Fact]
    public async Task GarbageStreamsAndDatagramsNeverStopTheServer()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxRecordSize = 65536 });
        var random = new Random(1234);
        byte[] valid = RawOnc.Call(9, RawOnc.Program, 1, 3, RawOnc.Ints(8, 1, 2));
        using Socket udp = RawOnc.UdpSocket();
        for (int i = 0; i < 400; i++)
        {
            byte[] datagram = Mutate(valid, random);
            await udp.SendToAsync(datagram, SocketFlags.None, server.Udp);
        }

        for (int i = 0; i < 40; i++)
        {
            using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
            var stream = new List<byte>();
            for (int j = 0; j < 5; j++)
            {
                byte[] message = Mutate(valid, random);
                byte[] record = RawOnc.Record(message);
                if (random.Next(4) == 0)
                {
                    random.NextBytes(record.AsSpan(0, 4));
                }

                stream.AddRange(record);
            }

            await socket.SendAsync(stream.ToArray(), SocketFlags.None);
            socket.Shutdown(SocketShutdown.Send);
            while (await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)) is { } reply)
            {
                Assert.True(OncMessages.TryReadReply(reply, out _));
            }
        }

        await using var client = await OncTcpClient.ConnectAsync(server.Tcp);
        Assert.Equal(5, await new CALC_V1Client(client).CalcAddAsync(new calcargs { A = 2, B = 3 }));
        await TimeoutExtensions.Eventually(() => server.Server.CallsInFlight == 0, "garbage calls done");
    }

    private static byte[] Mutate(byte[] valid, Random random)
    {
        switch (random.Next(4))
        {
            case 0:
                var bytes = new byte[random.Next(0, 200)];
                random.NextBytes(bytes);
                return bytes;
            case 1:
                return valid.AsSpan(0, random.Next(valid.Length)).ToArray();
            default:
                byte[] copy = (byte[])valid.Clone();
                for (int k = random.Next(1, 6); k > 0; k--)
                {
                    copy[random.Next(copy.Length)] = (byte)random.Next(256);
                }

                return copy;
        }
    }
}

/// <summary>Defects measured in libtirpc (issue 13) that the C# server must not have. Run alone: one test measures process memory.</summary>
[Collection(nameof(OncAllocationTests))]
public sealed class OncServerHardeningTests
{
    [Fact]
    public async Task ADeepOptionalDataListDecodesWithoutRecursionWithinTheRecordLimit()
    {
        const int nodes = 150_000; // 8 bytes a node: a 1.2 MB record
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { MaxRecordSize = 2 << 20 });
        await using OncTcpClient transport = await OncTcpClient.ConnectAsync(server.Tcp, new OncClientOptions { MaxRecordSize = 2 << 20 });
        long sum = await new CALC_V1Client(transport).CalcSumAsync(CalcService.List(nodes)).WithTimeout();
        Assert.Equal((long)nodes * (nodes + 1) / 2, sum);
        // Past the record limit: the connection is refused, nothing decoded.
        await using CalcServer small = await CalcServer.StartAsync(new OncServerOptions { MaxRecordSize = 1 << 20 });
        await using OncTcpClient refused = await OncTcpClient.ConnectAsync(small.Tcp);
        await Assert.ThrowsAsync<System.IO.IOException>(() => new CALC_V1Client(refused).CalcSumAsync(CalcService.List(nodes)).WithTimeout());
    }

    [Fact]
    public async Task ServerMemoryStaysFlatOverManyGarbageArgumentCalls()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        using Socket socket = await RawOnc.ConnectAsync(server.Tcp);
        // ECHO with a blob claiming 64 KiB but carrying 4 bytes: GARBAGE_ARGS every time.
        byte[] record = RawOnc.Record(RawOnc.Call(1, RawOnc.Program, 1, 3, RawOnc.Ints(65536, 7)));
        byte[] batch = Enumerable.Repeat(record, 500).SelectMany(r => r).ToArray();

        async Task RoundAsync()
        {
            await socket.SendAsync(batch, SocketFlags.None);
            for (int i = 0; i < 500; i++)
            {
                byte[] reply = (await RawOnc.ReadRecordAsync(socket, TimeSpan.FromSeconds(10)))!;
                Assert.Equal((uint)OncAcceptStat.GarbageArgs, RawOnc.U32(reply, 20));
            }
        }

        for (int i = 0; i < 4; i++)
        {
            await RoundAsync(); // warm-up: pools fill
        }

        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int i = 0; i < 40; i++)
        {
            await RoundAsync(); // 20,000 calls
        }

        long after = GC.GetTotalMemory(forceFullCollection: true);
        // libtirpc leaks about 8 KiB a call (160 MB here); noise stays far below 8 MiB.
        Assert.True(after - before < (8 << 20), $"memory grew by {after - before} bytes over 20,000 garbage calls");
    }
}
