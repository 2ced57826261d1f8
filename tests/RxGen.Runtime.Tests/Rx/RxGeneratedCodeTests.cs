using System;
using System.Diagnostics;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Transport;
using RxGen.Runtime.Tests.TestSupport;
using Golden.Rxt;
using Interop = RxGen.Runtime.Tests.Rx.RxOpenAfsInteropTests;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// RxGen-generated code (Generated/rxt.xg.cs, from tests/peers/rx/rxt.xg) unchanged on <see cref="RxPeer"/>: the
/// generated client against the generated dispatcher over IPv4 and IPv6 loopback, against the OpenAFS C server, and
/// the OpenAFS C client against the generated dispatcher.
/// </summary>
public class RxGeneratedCodeTests
{
    private const ushort Service = 7400;
    private const int Size = 1 << 20;

    public static TheoryData<string> Loopbacks => new() { "127.0.0.1", "::1" };

    [Theory]
    [MemberData(nameof(Loopbacks))]
    public async Task Generated_client_calls_the_generated_dispatcher(string address)
    {
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.IPv6Any, 0));
        server.AddService(new RXTDispatcher(new RxtImplementation(), Service));
        await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.IPv6Any, 0));
        await using IRxConnection connection = client.Connect(new IPEndPoint(IPAddress.Parse(address), server.LocalEndPoint.Port), Service);
        await ExerciseAsync(new RXTClient(connection), unknownOpcodeCode: null);
    }

    [Fact]
    public async Task Generated_client_calls_the_OpenAfs_server()
    {
        int port = Interop.FreeUdpPort();
        using Process server = Interop.Start(Interop.Peer.Value, $"server {port}");
        try
        {
            Assert.Equal("ready", await server.StandardOutput.ReadLineAsync().WithTimeout());
            await using RxPeer client = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
            await using IRxConnection connection = client.Connect(new IPEndPoint(IPAddress.Loopback, port), Service);

            // OpenAFS's rxt.xg server has no GetCapabilities (RxGen synthesizes it at 65537): RXGEN_OPCODE.
            await ExerciseAsync(new RXTClient(connection), unknownOpcodeCode: RxGenErrorCodes.Opcode);
        }
        finally
        {
            Interop.Stop(server);
        }
    }

    [Fact]
    public async Task OpenAfs_client_calls_the_generated_dispatcher()
    {
        var implementation = new RxtImplementation();
        await using RxPeer server = await RxPeer.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddService(new RXTDispatcher(implementation, Service));
        (int exit, string output) = await Interop.RunAsync(Interop.Peer.Value, $"client 127.0.0.1 {server.LocalEndPoint.Port} all:{Size}", TimeSpan.FromSeconds(60));
        Assert.True(exit == 0, output);
        foreach (string test in new[] { "echo", "fail", "unknown", "sink", "source", "sinkabort" })
        {
            Assert.Contains($"ok {test} ", output, StringComparison.Ordinal);
        }

        Assert.Equal(4321, implementation.SinkAbortCode);
    }

    private static async Task ExerciseAsync(RXTClient client, int? unknownOpcodeCode)
    {
        RXTEchoResult echo = await client.EchoAsync(41, "hello").WithTimeout();
        Assert.Equal(new RXTEchoResult(42, "hello-ack"), echo);

        RpcAbortException fail = await Assert.ThrowsAsync<RpcAbortException>(() => client.FailAsync(363524).WithTimeout());
        Assert.Equal(363524, fail.Code);

        var data = new byte[Size];
        Interop.Rxt.Fill(data, 0, 3);
        await using (RXTSinkCall sink = await client.StartSinkAsync(Size, 3).WithTimeout())
        {
            for (int at = 0; at < Size; at += 65536)
            {
                await sink.WriteAsync(data.AsMemory(at, 65536)).WithTimeout();
            }

            Assert.Equal(Interop.Rxt.Fold(0, data), await sink.EndAsync().WithTimeout());
        }

        await using (RXTSourceCall source = await client.StartSourceAsync(Size, 5).WithTimeout())
        {
            var received = new byte[Size];
            int got = 0;
            while (got < Size)
            {
                int n = await source.ReadAsync(received.AsMemory(got)).WithTimeout();
                Assert.True(n > 0, $"source ended after {got} bytes");
                got += n;
            }

            var expected = new byte[Size];
            Interop.Rxt.Fill(expected, 0, 5);
            Assert.True(received.AsSpan().SequenceEqual(expected), "source bytes differ");
            Assert.Equal(Interop.Rxt.Fold(0, expected), await source.EndAsync().WithTimeout());
        }

        using (var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200)))
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.SlowAsync(10_000, cts.Token).WithTimeout());
        }

        if (unknownOpcodeCode is int code)
        {
            RpcAbortException unknown = await Assert.ThrowsAsync<RpcAbortException>(() => client.GetCapabilitiesAsync().WithTimeout());
            Assert.Equal(code, unknown.Code);
        }
        else
        {
            Assert.Empty(await client.GetCapabilitiesAsync().WithTimeout());
        }
    }

    /// <summary>rxt.xg's semantics, served through the generated dispatcher.</summary>
    private sealed class RxtImplementation : RXTServiceBase
    {
        public int SinkAbortCode { get; private set; }

        public override ValueTask<RXTEchoResult> EchoAsync(int a, string s, RxCallContext context) =>
            ValueTask.FromResult(new RXTEchoResult(a + 1, s + "-ack"));

        public override ValueTask FailAsync(int code, RxCallContext context) => throw new RpcAbortException(code, "asked to fail");

        public override async ValueTask<uint> SinkAsync(int length, int seed, RxSplitServerCall stream, RxCallContext context)
        {
            var buffer = new byte[65536];
            var expected = new byte[65536];
            uint checksum = 0;
            long done = 0;
            try
            {
                while (done < length)
                {
                    int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), context.CancellationToken);
                    if (n == 0)
                    {
                        throw new RpcAbortException(RxGenErrorCodes.SsUnmarshal, "short sink");
                    }

                    Interop.Rxt.Fill(expected.AsSpan(0, n), done, seed);
                    if (!buffer.AsSpan(0, n).SequenceEqual(expected.AsSpan(0, n)))
                    {
                        throw new RpcAbortException(5, "sink bytes differ");
                    }

                    checksum = Interop.Rxt.Fold(checksum, buffer.AsSpan(0, n));
                    done += n;
                }
            }
            catch (RpcAbortException ex) when (ex.Code == 4321)
            {
                SinkAbortCode = ex.Code;
                throw;
            }

            return checksum;
        }

        public override async ValueTask<uint> SourceAsync(int length, int seed, RxSplitServerCall stream, RxCallContext context)
        {
            var chunk = new byte[65536];
            uint checksum = 0;
            for (long done = 0; done < length; done += chunk.Length)
            {
                int n = (int)Math.Min(chunk.Length, length - done);
                Interop.Rxt.Fill(chunk.AsSpan(0, n), done, seed);
                checksum = Interop.Rxt.Fold(checksum, chunk.AsSpan(0, n));
                await stream.WriteAsync(chunk.AsMemory(0, n), context.CancellationToken);
            }

            return checksum;
        }

        public override ValueTask SlowAsync(int ms, RxCallContext context) => new(Task.Delay(ms, context.CancellationToken));
    }
}
