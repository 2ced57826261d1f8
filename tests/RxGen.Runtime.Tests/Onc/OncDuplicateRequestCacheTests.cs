using System;
using System.Net;
using System.Net.Sockets;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The duplicate-request cache on its own (deterministic), and in the UDP server.</summary>
public sealed class OncDuplicateRequestCacheTests
{
    private static readonly IPEndPoint ClientA = new(IPAddress.Loopback, 40001);
    private static readonly IPEndPoint ClientB = new(IPAddress.Loopback, 40002);

    private static (OncCallHeader Header, byte[] Message) Call(uint xid, uint proc = 1, int arg = 0)
    {
        byte[] message = RawOnc.Call(xid, RawOnc.Program, 1, proc, RawOnc.Ints(arg));
        Assert.True(OncMessages.TryReadCall(message, out OncCallHeader header));
        return (header, message);
    }

    private static OncCacheLookup Begin(OncDuplicateRequestCache cache, IPEndPoint caller, (OncCallHeader Header, byte[] Message) call, out OncCacheTicket ticket, out byte[] replay)
    {
        using var buffer = new XdrBufferWriter();
        OncCacheLookup lookup = cache.Begin(caller, call.Header, call.Message, buffer, out ticket);
        replay = buffer.ToArray();
        return lookup;
    }

    [Fact]
    public void ARetransmissionIsAnsweredFromTheCacheWithTheIdenticalReply()
    {
        var cache = new OncDuplicateRequestCache(8);
        var call = Call(1);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, call, out OncCacheTicket ticket, out _));
        Assert.True(ticket.IsValid);
        Assert.Equal(OncCacheLookup.InProgress, Begin(cache, ClientA, call, out OncCacheTicket none, out _));
        Assert.False(none.IsValid);
        cache.Complete(ticket, new byte[] { 1, 2, 3, 4 });
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, call, out _, out byte[] replay));
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, replay);
        Assert.Equal(1, cache.Count);
        Assert.Equal(4, cache.Bytes);
    }

    [Fact]
    public void TheKeyIsMoreThanTheXid()
    {
        var cache = new OncDuplicateRequestCache(16);
        var call = Call(7, proc: 1, arg: 5);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, call, out OncCacheTicket ticket, out _));
        cache.Complete(ticket, new byte[] { 9 });
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientB, call, out _, out _)); // another client
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(7, proc: 2, arg: 5), out _, out _)); // another procedure
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(7, proc: 1, arg: 6), out _, out _)); // another body: a reused xid
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, call, out _, out _));
    }

    [Fact]
    public void EvictionTakesTheOldestCompletedAndNeverOneInProgress()
    {
        var cache = new OncDuplicateRequestCache(3);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(1), out OncCacheTicket running, out _));
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(2), out OncCacheTicket t2, out _));
        cache.Complete(t2, new byte[] { 2 });
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(3), out OncCacheTicket t3, out _));
        cache.Complete(t3, new byte[] { 3 });
        // Full: call 4 evicts call 2 (the oldest completed), not call 1 (running).
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(4), out OncCacheTicket t4, out _));
        Assert.Equal(3, cache.Count);
        Assert.Equal(OncCacheLookup.InProgress, Begin(cache, ClientA, Call(1), out _, out _));
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, Call(3), out _, out _));
        // Calls 1 and 4 running, 3 completed; call 5 evicts 3; then everything is running: not cached.
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(5), out _, out _));
        Assert.Equal(OncCacheLookup.NotCached, Begin(cache, ClientA, Call(6), out OncCacheTicket notCached, out _));
        Assert.False(notCached.IsValid);
        Assert.Equal(OncCacheLookup.InProgress, Begin(cache, ClientA, Call(1), out _, out _));
        cache.Complete(running, new byte[] { 1 });
        cache.Abandon(t4);
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, Call(1), out _, out byte[] one));
        Assert.Equal(new byte[] { 1 }, one);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(4), out _, out _)); // abandoned: runs again
    }

    [Fact]
    public void AStaleTicketCannotTouchARecycledEntry()
    {
        var cache = new OncDuplicateRequestCache(4);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(1), out OncCacheTicket stale, out _));
        cache.Abandon(stale);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(2), out OncCacheTicket fresh, out _)); // reuses the entry
        cache.Complete(stale, new byte[] { 0xBA, 0xD0 });
        cache.Abandon(stale);
        Assert.Equal(OncCacheLookup.InProgress, Begin(cache, ClientA, Call(2), out _, out _));
        cache.Complete(fresh, new byte[] { 2 });
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, Call(2), out _, out byte[] replay));
        Assert.Equal(new byte[] { 2 }, replay);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(1), out _, out _));
        Assert.Equal(1, cache.Bytes);
    }

    [Fact]
    public void TheByteBudgetEvictsOldRepliesAndSkipsHugeOnes()
    {
        var cache = new OncDuplicateRequestCache(100, maxBytes: 10);
        for (uint xid = 1; xid <= 4; xid++)
        {
            Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(xid), out OncCacheTicket t, out _));
            cache.Complete(t, new byte[4]);
        }

        Assert.True(cache.Bytes <= 10);
        Assert.Equal(2, cache.Count);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(1), out _, out _));
        Assert.Equal(OncCacheLookup.Replay, Begin(cache, ClientA, Call(4), out _, out _));
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(50), out OncCacheTicket big, out _));
        cache.Complete(big, new byte[11]);
        Assert.Equal(OncCacheLookup.New, Begin(cache, ClientA, Call(50), out _, out _));
    }

    [Fact]
    public async Task ARetransmittedUdpCallRunsOnceAndGetsTheIdenticalReplyEvenDuringTheFirstRun()
    {
        await using CalcServer server = await CalcServer.StartAsync();
        server.Service.Gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using Socket udp = RawOnc.UdpSocket();
        byte[] call = RawOnc.Call(0xD00D, RawOnc.Program, 1, 4, RawOnc.Ints(0));
        await udp.SendToAsync(call, SocketFlags.None, server.Udp);
        await TimeoutExtensions.Eventually(() => server.Service.SlowRuns == 1, "first run started");
        // Retransmissions while the first run is in progress: not run again, not answered.
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, call, TimeSpan.FromMilliseconds(100)));
        Assert.Null(await RawOnc.UdpCallAsync(udp, server.Udp, call, TimeSpan.FromMilliseconds(100)));
        server.Service.Gate.SetResult();
        byte[]? first = await RawOnc.UdpReceiveAsync(udp, TimeSpan.FromSeconds(10));
        Assert.NotNull(first);
        Assert.Equal(1u, RawOnc.U32(first!, 24));
        // After it: answered from the cache, byte for byte.
        byte[]? again = await RawOnc.UdpCallAsync(udp, server.Udp, call, TimeSpan.FromSeconds(5));
        Assert.Equal(Convert.ToHexString(first!), Convert.ToHexString(again!));
        Assert.Equal(1, server.Service.SlowRuns);
        // The same xid with another body is another call.
        byte[]? other = await RawOnc.UdpCallAsync(udp, server.Udp, RawOnc.Call(0xD00D, RawOnc.Program, 1, 4, RawOnc.Ints(1)), TimeSpan.FromSeconds(5));
        Assert.Equal(2u, RawOnc.U32(other!, 24));
    }

    [Fact]
    public async Task WithTheCacheOffARetransmissionRunsAgain()
    {
        await using CalcServer server = await CalcServer.StartAsync(new OncServerOptions { DuplicateRequestCacheSize = 0 });
        Assert.Null(server.Server.DuplicateRequestCache);
        using Socket udp = RawOnc.UdpSocket();
        byte[] call = RawOnc.Call(0xD00E, RawOnc.Program, 1, 4, RawOnc.Ints(0));
        Assert.Equal(1u, RawOnc.U32((await RawOnc.UdpCallAsync(udp, server.Udp, call, TimeSpan.FromSeconds(5)))!, 24));
        Assert.Equal(2u, RawOnc.U32((await RawOnc.UdpCallAsync(udp, server.Udp, call, TimeSpan.FromSeconds(5)))!, 24));
    }
}
