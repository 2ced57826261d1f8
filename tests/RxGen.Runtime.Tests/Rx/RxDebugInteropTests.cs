using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// The real OpenAFS <c>rxdebug</c> (installed by scripts/install-peers.sh) against a one-socket responder built from the
/// wire codec alone: the request is a real OpenAFS packet, the answer must satisfy OpenAFS's parser.
/// </summary>
public class RxDebugInteropTests
{
    [Fact]
    public async Task Real_rxdebug_version_request_decodes_and_accepts_our_reply()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;

        var psi = new ProcessStartInfo("rxdebug", $"127.0.0.1 {port} -version")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(psi)!;
        try
        {
            var buffer = new byte[2048];
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            SocketReceiveFromResult received = await socket.ReceiveFromAsync(buffer, SocketFlags.None, new IPEndPoint(IPAddress.Any, 0), cts.Token);
            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, received.ReceivedBytes);

            Assert.True(RxHeader.TryRead(datagram, out RxHeader request, out RxWireError error), error.ToString());
            Assert.Equal(RxPacketType.Version, request.Type);
            Assert.Equal(RxDebugPackets.RxDebugEpoch, request.Epoch);
            Assert.True(request.IsClientInitiated);
            Assert.Equal(0, request.ServiceId);

            var reply = new byte[RxHeader.Size + RxDebugPackets.VersionStringSize];
            (request with { Flags = request.Flags & ~RxPacketFlags.ClientInitiated }).Write(reply);
            RxDebugPackets.WriteVersionString(reply.AsSpan(RxHeader.Size), "RxGen test responder 0.1");
            await socket.SendToAsync(reply, SocketFlags.None, received.RemoteEndPoint, cts.Token);

            string output = await process.StandardOutput.ReadToEndAsync(cts.Token);
            await process.WaitForExitAsync(cts.Token);
            Assert.Contains("AFS version: RxGen test responder 0.1", output, StringComparison.Ordinal);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }
        }
    }
}
