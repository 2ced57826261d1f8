using System;
using System.Net.Sockets;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Xunit;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The server's replies as bytes on the wire, over TCP and UDP, for every outcome of RFC 5531 §9.</summary>
public sealed class OncServerReplyTests : IAsyncLifetime
{
    private CalcServer _server = null!;
    private Socket _udp = null!;

    public async Task InitializeAsync()
    {
        _server = await CalcServer.StartAsync();
        _udp = RawOnc.UdpSocket();
    }

    public async Task DisposeAsync()
    {
        _udp.Dispose();
        await _server.DisposeAsync();
    }

    private async Task<byte[]> CallBothAsync(byte[] message)
    {
        byte[] tcp = await RawOnc.TcpCallAsync(_server.Tcp, message);
        byte[]? udp = await RawOnc.UdpCallAsync(_udp, _server.Udp, message, TimeSpan.FromSeconds(5));
        Assert.NotNull(udp);
        Assert.Equal(Convert.ToHexString(tcp), Convert.ToHexString(udp));
        return tcp;
    }

    private static void AssertAccepted(byte[] reply, uint xid, OncAcceptStat status, int length)
    {
        Assert.Equal(xid, RawOnc.U32(reply, 0));
        Assert.Equal(1u, RawOnc.U32(reply, 4)); // REPLY
        Assert.Equal(0u, RawOnc.U32(reply, 8)); // MSG_ACCEPTED
        Assert.Equal(0u, RawOnc.U32(reply, 12)); // verifier AUTH_NONE
        Assert.Equal(0u, RawOnc.U32(reply, 16));
        Assert.Equal((uint)status, RawOnc.U32(reply, 20));
        Assert.Equal(length, reply.Length);
    }

    [Fact]
    public async Task SuccessCarriesTheResults()
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x1001, RawOnc.Program, 1, 1, RawOnc.Ints(40, 2)));
        AssertAccepted(reply, 0x1001, OncAcceptStat.Success, 28);
        Assert.Equal(42u, RawOnc.U32(reply, 24));
    }

    [Fact]
    public async Task VoidProcedureGetsAnEmptySuccess()
    {
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1002, RawOnc.Program, 1, 0)), 0x1002, OncAcceptStat.Success, 24);
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1003, RawOnc.Program, 2, 0)), 0x1003, OncAcceptStat.Success, 24);
    }

    [Fact]
    public async Task UnknownProgramIsProgUnavail() =>
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1004, RawOnc.Program + 1, 1, 0)), 0x1004, OncAcceptStat.ProgUnavail, 24);

    [Fact]
    public async Task UnknownVersionIsProgMismatchWithLowAndHigh()
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x1005, RawOnc.Program, 3, 0));
        AssertAccepted(reply, 0x1005, OncAcceptStat.ProgMismatch, 32);
        Assert.Equal(1u, RawOnc.U32(reply, 24));
        Assert.Equal(2u, RawOnc.U32(reply, 28));
    }

    [Fact]
    public async Task UnknownProcedureIsProcUnavail() =>
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1006, RawOnc.Program, 1, 99)), 0x1006, OncAcceptStat.ProcUnavail, 24);

    [Fact]
    public async Task ArgumentsThatDoNotDecodeAreGarbageArgs()
    {
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1007, RawOnc.Program, 1, 1, RawOnc.Ints(1))), 0x1007, OncAcceptStat.GarbageArgs, 24);
        // A blob claiming 1 GiB in a 48-byte datagram: refused from the bytes received, not allocated.
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1008, RawOnc.Program, 1, 3, RawOnc.Ints(0x4000_0000))), 0x1008, OncAcceptStat.GarbageArgs, 24);
    }

    [Fact]
    public async Task AServiceExceptionIsSystemErr() =>
        AssertAccepted(await CallBothAsync(RawOnc.Call(0x1009, RawOnc.Program, 1, 5)), 0x1009, OncAcceptStat.SystemErr, 24);

    [Fact]
    public async Task AWrongRpcVersionIsRpcMismatch()
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x100A, RawOnc.Program, 1, 0, rpcVersion: 3));
        Assert.Equal("0000100A" + "00000001" + "00000001" + "00000000" + "00000002" + "00000002", Convert.ToHexString(reply));
    }

    [Theory]
    [InlineData(2u)] // AUTH_SHORT the server never issued
    [InlineData(3u)] // AUTH_DH
    [InlineData(6u)] // RPCSEC_GSS
    [InlineData(12345u)]
    public async Task AnUnsupportedFlavourIsAuthRejectedCred(uint flavor)
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x100B, RawOnc.Program, 1, 0, credFlavor: flavor, credBody: new byte[8]));
        Assert.Equal("0000100B" + "00000001" + "00000001" + "00000001" + "00000002", Convert.ToHexString(reply));
    }

    [Fact]
    public async Task AMalformedAuthSysBodyIsAuthBadCred()
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x100C, RawOnc.Program, 1, 0, credFlavor: 1, credBody: new byte[] { 0, 0, 0, 1, 0, 0, 0, 200 }));
        Assert.Equal("0000100C" + "00000001" + "00000001" + "00000001" + "00000001", Convert.ToHexString(reply));
    }

    [Fact]
    public async Task AuthSysCredentialsReachTheProcedure()
    {
        byte[] reply = await CallBothAsync(RawOnc.Call(0x100D, RawOnc.Program, 1, 2, credFlavor: 1, credBody: RawOnc.AuthSysBody(1234, 5678, "hostx", 1, 2, 3)));
        AssertAccepted(reply, 0x100D, OncAcceptStat.Success, 24 + 16 + 8);
        Assert.Equal(1u, RawOnc.U32(reply, 24));
        Assert.Equal(1234u, RawOnc.U32(reply, 28));
        Assert.Equal(5678u, RawOnc.U32(reply, 32));
        Assert.Equal(5u, RawOnc.U32(reply, 36));
        Assert.Equal("hostx", System.Text.Encoding.ASCII.GetString(reply, 40, 5));
    }
}
