using System;
using System.Diagnostics;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Xdr;
using Xunit.Abstractions;

namespace RxGen.Runtime.Tests.Rx;

public class ScratchPerf(ITestOutputHelper output)
{
    [Fact]
    public async Task Measure()
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(TestServices.Echo(1));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        await using IRxConnection connection = client.Connect(server.LocalEndPoint, 1);
        byte[] req = new byte[8];
        for (int i = 0; i < 500; i++) { using var r = await RxCalls.CallAsync(connection, req, CancellationToken.None); }
        var sw = Stopwatch.StartNew();
        int n = 0;
        while (sw.ElapsedMilliseconds < 2000) { using var r = await RxCalls.CallAsync(connection, req, CancellationToken.None); n++; }
        output.WriteLine($"sequential: {n / sw.Elapsed.TotalSeconds:F0} calls/s");
        sw.Restart(); long total = 0;
        await Task.WhenAll(Enumerable.Range(0, 64).Select(async _ => { while (sw.ElapsedMilliseconds < 2000) { using var r = await RxCalls.CallAsync(connection, req, CancellationToken.None); Interlocked.Increment(ref total); } }));
        output.WriteLine($"64 in flight: {total / sw.Elapsed.TotalSeconds:F0} calls/s");
        var big = new byte[16 << 20];
        sw.Restart();
        using (var r = await RxCalls.CallAsync(connection, big, 64 << 20, CancellationToken.None)) { }
        output.WriteLine($"16 MiB each way: {sw.Elapsed.TotalMilliseconds:F0} ms = {2 * 16.0 / sw.Elapsed.TotalSeconds:F1} MiB/s; {client.GetStatistics()} {server.GetStatistics()}");
    }
}
