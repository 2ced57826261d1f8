using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>Wireshark's Rx dissector (tshark) reads a captured C# ↔ C# exchange as valid Rx.</summary>
public class RxTsharkTests
{
    [Fact]
    public async Task Tshark_dissects_a_captured_exchange_as_valid_Rx()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(52));
        int port = server.LocalEndPoint.Port;
        string pcap = Path.Combine(Path.GetTempPath(), $"rxgen-rx-{Environment.ProcessId}-{port}.pcap");
        var psi = new ProcessStartInfo("tshark", $"-i lo -f \"udp port {port}\" -w {pcap} -F pcap")
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        using Process capture = Process.Start(psi)!;
        try
        {
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            capture.ErrorDataReceived += (_, e) =>
            {
                if (e.Data?.Contains("Capturing on", StringComparison.Ordinal) == true)
                {
                    started.TrySetResult();
                }
            };
            capture.BeginErrorReadLine();
            await started.Task.WithTimeout();
            await Task.Delay(700); // "Capturing on" is printed just before dumpcap really captures

            await using (RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0)))
            {
                await using IRxConnection connection = client.Connect(server.LocalEndPoint, 52);
                using (XdrPooledBuffer small = await RxCalls.CallAsync(connection, new byte[] { 0, 0, 2, 8 }, CancellationToken.None).WithTimeout())
                {
                }

                using XdrPooledBuffer large = await RxCalls.CallAsync(connection, new byte[100_000], CancellationToken.None).WithTimeout();
            }

            await Task.Delay(300);
            using (Process stop = Process.Start("kill", $"-INT {capture.Id}"))
            {
                await stop.WaitForExitAsync().WithTimeout();
            }

            await capture.WaitForExitAsync().WithTimeout();
            var read = new ProcessStartInfo("tshark", $"-r {pcap} -d udp.port=={port},rx -O rx")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            using Process reader = Process.Start(read)!;
            string text = await reader.StandardOutput.ReadToEndAsync().WithTimeout();
            await reader.WaitForExitAsync().WithTimeout();
            string where = text.Length > 4000 ? text[..4000] : text;
            int frames = CountOf(text, "\nFrame ") + (text.StartsWith("Frame ", StringComparison.Ordinal) ? 1 : 0);
            Assert.True(frames > 30, $"{frames} frames: {where}");
            Assert.Equal(frames, CountOf(text, "RX Protocol"));
            Assert.DoesNotContain("Malformed", text, StringComparison.Ordinal);
            Assert.Contains("Type: data (1)", text, StringComparison.Ordinal);
            Assert.Contains("Flags: 0x05, Last Packet, Client Initiated", text, StringComparison.Ordinal);
            Assert.Contains("Type: ack (2)", text, StringComparison.Ordinal);
            Assert.Contains("Flags: 0x21, Client Initiated", text, StringComparison.Ordinal);
            Assert.Contains("Reason: Idle (9)", text, StringComparison.Ordinal);
            Assert.Contains("Max MTU: 5692", text, StringComparison.Ordinal);
            Assert.Contains("Interface MTU: 1444", text, StringComparison.Ordinal);
            Assert.Contains("rwind: 64", text, StringComparison.Ordinal);
            Assert.Contains("Max Packets: 4", text, StringComparison.Ordinal);

            // After the first ACK taught each side the other takes 4-packet jumbograms, bulk data goes in 5688-byte datagrams.
            Assert.Contains("5730 bytes on wire", text, StringComparison.Ordinal);
            Assert.Contains("Service ID: 52", text, StringComparison.Ordinal);
        }
        finally
        {
            if (!capture.HasExited)
            {
                capture.Kill();
            }

            File.Delete(pcap);
        }
    }

    private static int CountOf(string text, string value)
    {
        int count = 0;
        for (int at = text.IndexOf(value, StringComparison.Ordinal); at >= 0; at = text.IndexOf(value, at + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
