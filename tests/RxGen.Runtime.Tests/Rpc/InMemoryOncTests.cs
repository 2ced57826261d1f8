using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Tests.TestSupport;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Rpc;

public class InMemoryOncTests
{
    private const uint Program = 0x20000099;

    /// <summary>A stand-in for a generated dispatcher: proc 0 = NULL, proc 1 = ADD(int, int) -> int, proc 2 = fails.</summary>
    private sealed class CalcDispatcher : IOncProgramDispatcher
    {
        public CalcDispatcher(uint version) => Version = version;

        public uint Program => InMemoryOncTests.Program;

        public uint Version { get; }

        public string Name => $"CALC_V{Version}";

        public ValueTask<OncAcceptStat> DispatchAsync(uint procedure, ReadOnlyMemory<byte> arguments, IBufferWriter<byte> results, CancellationToken cancellationToken)
        {
            switch (procedure)
            {
                case 0:
                    return new(OncAcceptStat.Success);
                case 1:
                    int a, b;
                    try
                    {
                        var r = new XdrReader(arguments.Span);
                        a = r.ReadInt32();
                        b = r.ReadInt32();
                        r.EnsureAtEnd("ADD arguments");
                    }
                    catch (XdrException)
                    {
                        return new(OncAcceptStat.GarbageArgs);
                    }

                    var w = new XdrWriter(results);
                    w.WriteInt32(a + b);
                    w.WriteUInt32(Version);
                    w.Flush();
                    return new(OncAcceptStat.Success);
                case 2:
                    throw new InvalidOperationException("dispatcher bug");
                default:
                    return new(OncAcceptStat.ProcUnavail);
            }
        }
    }

    private static InMemoryOncServer Server()
    {
        var server = new InMemoryOncServer();
        server.Add(new CalcDispatcher(1));
        server.Add(new CalcDispatcher(3));
        server.Add(new CalcDispatcher(4));
        return server;
    }

    [Fact]
    public async Task SuccessfulCallReturnsResults()
    {
        InMemoryOncServer server = Server();
        using XdrPooledBuffer reply = await server.CallAsync(Program, 3, 1, Hex.Bytes("00000002 FFFFFFFF")).WithTimeout();
        Assert.Equal("00000001 00000003".Replace(" ", ""), Hex.Of(reply.Span));
        using XdrPooledBuffer empty = await server.CallAsync(Program, 1, 0, ReadOnlyMemory<byte>.Empty).WithTimeout();
        Assert.Equal(0, empty.Length);
    }

    [Fact]
    public async Task UnknownProgramIsProgUnavail()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program + 1, 1, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProgUnavail, ex.Status);
        Assert.Null(ex.LowVersion);
        Assert.Null(ex.HighVersion);
    }

    [Theory]
    [InlineData(2u)]
    [InlineData(0u)]
    [InlineData(5u)]
    public async Task UnknownVersionIsProgMismatchWithTheRegisteredRange(uint version)
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, version, 0, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProgMismatch, ex.Status);
        Assert.Equal(1u, ex.LowVersion);
        Assert.Equal(4u, ex.HighVersion);
        Assert.Contains("1..4", ex.Message);
    }

    [Fact]
    public async Task UnknownProcedureIsProcUnavail()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 77, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.ProcUnavail, ex.Status);
    }

    [Fact]
    public async Task UndecodableArgumentsAreGarbageArgs()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 1, Hex.Bytes("000000")));
        Assert.Equal(OncAcceptStat.GarbageArgs, ex.Status);
        ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 1, Hex.Bytes("00000001 00000002 00000003")));
        Assert.Equal(OncAcceptStat.GarbageArgs, ex.Status);
    }

    [Fact]
    public async Task ThrowingDispatcherIsSystemErr()
    {
        OncRpcException ex = await Assert.ThrowsAsync<OncRpcException>(async () => await Server().CallAsync(Program, 1, 2, ReadOnlyMemory<byte>.Empty));
        Assert.Equal(OncAcceptStat.SystemErr, ex.Status);
        Assert.IsType<InvalidOperationException>(ex.InnerException);
    }

    [Fact]
    public void DuplicateRegistrationIsRejected()
    {
        InMemoryOncServer server = Server();
        Assert.Throws<InvalidOperationException>(() => server.Add(new CalcDispatcher(3)));
    }

    [Fact]
    public void ExceptionShapes()
    {
        var plain = new OncRpcException(OncAcceptStat.GarbageArgs);
        Assert.Equal(OncAcceptStat.GarbageArgs, plain.Status);
        Assert.Contains("GarbageArgs", plain.Message);
        var mismatch = new OncRpcException(2, 3);
        Assert.Equal(OncAcceptStat.ProgMismatch, mismatch.Status);
        Assert.Equal(2u, mismatch.LowVersion);
        Assert.Equal(3u, mismatch.HighVersion);
    }
}
