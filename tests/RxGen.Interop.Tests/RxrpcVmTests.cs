using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Interop.Tests.TestSupport;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Interop.Tests;

/// <summary>The Linux AF_RXRPC peer in its VM, before any C# Rx endpoint is involved.</summary>
public sealed class RxrpcVmTests
{
    [Fact]
    public async Task Kernel_client_marks_the_upgrade_probe_and_reaches_host_loopback_and_the_kernel_server_echoes()
    {
        // A bare UDP socket on the host's loopback: it records what the kernel client sends and never answers.
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)listener.Client.LocalEndPoint!).Port;
        var packets = new List<RxHeader>();
        using var stop = new CancellationTokenSource();
        var capture = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                UdpReceiveResult datagram;
                try { datagram = await listener.ReceiveAsync(stop.Token); }
                catch (OperationCanceledException) { break; }
                if (RxHeader.TryRead(datagram.Buffer, out var header, out _)) lock (packets) packets.Add(header);
            }
        });

        // Also, inside the guest, the kernel client against the kernel server (rxrpc-echo server: services 100 and 101).
        string console = await RxrpcVm.RunAsync(
            $"rxrpc-echo client 10.0.2.2 {port} -s 100 -u -n 1 -t 3 -d probe;" +
            "rxrpc-echo server 7100 &;" +
            "rxrpc-echo client 127.0.0.1 7100 -s 100 -n 2 -d kernel");
        await stop.CancelAsync();
        await capture;

        Assert.Contains("call 1: FAILED", console); // nobody answers: the kernel's hard timeout ends the call
        Assert.Contains("call 1: service=100 reply=kernel", console);
        Assert.Contains("call 2: service=100 reply=kernel", console);
        List<RxHeader> data;
        lock (packets) data = packets.FindAll(p => p.Type == RxPacketType.Data);
        Assert.True(data.Count >= 1, "no DATA packet reached the host:\n" + console);
        foreach (var packet in data)
        {
            // Retransmissions of the one-packet request: seq 1, service 100, client-initiated, last packet, userStatus 1.
            Assert.Equal(1u, packet.Seq);
            Assert.Equal((ushort)100, packet.ServiceId);
            Assert.Equal(1, packet.UserStatus);
            Assert.True(packet.Flags.HasFlag(RxPacketFlags.ClientInitiated) && packet.Flags.HasFlag(RxPacketFlags.LastPacket), packet.Flags.ToString());
        }
    }
}
