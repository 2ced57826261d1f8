using System;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Onc;
using RxGen.Runtime.Rpc;
using Golden.Calc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Onc;

/// <summary>The calc.x service (tests/peers/onc-rpc/calc.x) as the C peers implement it too.</summary>
internal sealed class CalcService : CALC_V1ServiceBase
{
    private int _slowRuns;

    public int SlowRuns => Volatile.Read(ref _slowRuns);

    /// <summary>Copies of the contexts CALC_ADD ran with (the socket transports reuse the context objects themselves).</summary>
    public ConcurrentQueue<OncCallContext> Contexts { get; } = new();

    /// <summary>Whether CALC_ADD records its context (the allocation tests turn it off).</summary>
    public bool RecordContexts { get; set; } = true;

    /// <summary>When set, CALC_SLOW waits for it (in addition to its delay).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public override ValueTask<int> CalcAddAsync(calcargs argument, OncCallContext context)
    {
        if (RecordContexts)
        {
            Contexts.Enqueue(new OncCallContext(context.CallerAddress, context.Xid, context.Program, context.Version, context.Procedure, context.AuthFlavor, context.AuthSys, context.CancellationToken));
        }

        return ValueTask.FromResult(unchecked(argument.A + argument.B));
    }

    public override ValueTask<calcwho> CalcWhoamiAsync(OncCallContext context) => ValueTask.FromResult(new calcwho
    {
        Flavor = (uint)context.AuthFlavor,
        Uid = context.AuthSys?.Uid ?? 0xFFFFFFFF,
        Gid = context.AuthSys?.Gid ?? 0xFFFFFFFF,
        Machine = context.AuthSys?.MachineName ?? (context.CallerAddress?.ToString() ?? ""),
    });

    private int _echoRuns;

    /// <summary>How many CalcEcho calls have run.</summary>
    public int EchoRuns => Volatile.Read(ref _echoRuns);

    public override ValueTask<byte[]> CalcEchoAsync(byte[] argument, OncCallContext context)
    {
        Interlocked.Increment(ref _echoRuns);
        return ValueTask.FromResult(argument);
    }

    private int _contextsChanged;

    /// <summary>How many CALC_SLOW calls saw their context describe another call after an await (a recycled context handed out too early).</summary>
    public int ContextsChanged => Volatile.Read(ref _contextsChanged);

    public override async ValueTask<uint> CalcSlowAsync(uint argument, OncCallContext context)
    {
        int run = Interlocked.Increment(ref _slowRuns);
        (uint xid, uint procedure, System.Net.EndPoint? caller) = (context.Xid, context.Procedure, context.CallerAddress);
        await Task.Delay(TimeSpan.FromMilliseconds(argument), context.CancellationToken);
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(context.CancellationToken);
        }

        if ((context.Xid, context.Procedure, context.CallerAddress) != (xid, procedure, caller))
        {
            Interlocked.Increment(ref _contextsChanged);
        }

        return (uint)run;
    }

    public override ValueTask CalcFailAsync(OncCallContext context) => throw new InvalidOperationException("CALC_FAIL always fails");

    public override ValueTask<long> CalcSumAsync(calcnode? argument, OncCallContext context)
    {
        long sum = 0;
        for (calcnode? node = argument; node is not null; node = node.Next)
        {
            sum += node.Value;
        }

        return ValueTask.FromResult(sum);
    }

    /// <summary>The list 1..n.</summary>
    public static calcnode? List(int n)
    {
        calcnode? head = null;
        for (int i = n; i >= 1; i--)
        {
            head = new calcnode { Value = i, Next = head };
        }

        return head;
    }
}

internal sealed class CalcV2Service : CALC_V2ServiceBase
{
}

/// <summary>A C# calc server on loopback TCP and UDP (ephemeral ports).</summary>
internal sealed class CalcServer : IAsyncDisposable
{
    private CalcServer(OncServer server, CalcService service)
    {
        Server = server;
        Service = service;
        Tcp = server.TcpEndPoints[0];
        Udp = server.UdpEndPoints[0];
    }

    public OncServer Server { get; }

    public CalcService Service { get; }

    public IPEndPoint Tcp { get; }

    public IPEndPoint Udp { get; }

    public static async Task<CalcServer> StartAsync(OncServerOptions? options = null)
    {
        var registry = new OncDispatcherRegistry();
        var service = new CalcService();
        registry.Register(new CALC_V1Dispatcher(service));
        registry.Register(new CALC_V2Dispatcher(new CalcV2Service()));
        var server = new OncServer(registry, options);
        server.AddTcpListener(new IPEndPoint(IPAddress.Loopback, 0));
        server.AddUdpListener(new IPEndPoint(IPAddress.Loopback, 0));
        await server.StartAsync();
        return new CalcServer(server, service);
    }

    public ValueTask DisposeAsync() => Server.DisposeAsync();
}

/// <summary>Hand-made ONC RPC messages and raw sockets, to see exactly what is on the wire.</summary>
internal static class RawOnc
{
    public const uint Program = CALC_V1Protocol.Program;

    /// <summary>A call message: header with the given fields, credential (flavor, body), AUTH_NONE verifier, then the arguments.</summary>
    public static byte[] Call(uint xid, uint program, uint version, uint procedure, ReadOnlySpan<byte> arguments = default, uint rpcVersion = 2, uint credFlavor = 0, byte[]? credBody = null)
    {
        using var buffer = new XdrBufferWriter();
        var w = new XdrWriter(buffer);
        w.WriteUInt32(xid);
        w.WriteUInt32(0);
        w.WriteUInt32(rpcVersion);
        w.WriteUInt32(program);
        w.WriteUInt32(version);
        w.WriteUInt32(procedure);
        w.WriteUInt32(credFlavor);
        w.WriteVariableOpaque(credBody ?? Array.Empty<byte>(), 400, "cred");
        w.WriteUInt32(0);
        w.WriteUInt32(0);
        w.WriteRawBytes(arguments);
        w.Flush();
        return buffer.ToArray();
    }

    public static byte[] Ints(params int[] values)
    {
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    /// <summary>One record of one fragment.</summary>
    public static byte[] Record(byte[] message)
    {
        var record = new byte[message.Length + 4];
        BinaryPrimitives.WriteUInt32BigEndian(record, 0x8000_0000u | (uint)message.Length);
        message.CopyTo(record, 4);
        return record;
    }

    public static async Task<Socket> ConnectAsync(IPEndPoint server)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(server);
        return socket;
    }

    /// <summary>Reads one record (one or more fragments) from a raw socket, or null at end of stream.</summary>
    public static async Task<byte[]?> ReadRecordAsync(Socket socket, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var result = new MemoryStream();
        while (true)
        {
            byte[] header = new byte[4];
            if (!await ReadExactlyAsync(socket, header, cts.Token))
            {
                return null;
            }

            uint mark = BinaryPrimitives.ReadUInt32BigEndian(header);
            byte[] body = new byte[mark & 0x7FFF_FFFF];
            if (!await ReadExactlyAsync(socket, body, cts.Token))
            {
                return null;
            }

            result.Write(body);
            if ((mark & 0x8000_0000u) != 0)
            {
                return result.ToArray();
            }
        }
    }

    private static async Task<bool> ReadExactlyAsync(Socket socket, byte[] buffer, CancellationToken token)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(read), SocketFlags.None, token);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    /// <summary>Sends one call over TCP on a fresh connection and returns the reply.</summary>
    public static async Task<byte[]> TcpCallAsync(IPEndPoint server, byte[] message)
    {
        using Socket socket = await ConnectAsync(server);
        await socket.SendAsync(Record(message), SocketFlags.None);
        return await ReadRecordAsync(socket, TimeSpan.FromSeconds(10)) ?? throw new IOException("no reply");
    }

    /// <summary>Sends one datagram and waits for a reply (null when none within <paramref name="wait"/>).</summary>
    public static async Task<byte[]?> UdpCallAsync(Socket socket, IPEndPoint server, byte[] message, TimeSpan wait)
    {
        await socket.SendToAsync(message, SocketFlags.None, server);
        return await UdpReceiveAsync(socket, wait);
    }

    public static async Task<byte[]?> UdpReceiveAsync(Socket socket, TimeSpan wait)
    {
        var buffer = new byte[65536];
        using var cts = new CancellationTokenSource(wait);
        try
        {
            int n = await socket.ReceiveAsync(buffer, SocketFlags.None, cts.Token);
            return buffer.AsSpan(0, n).ToArray();
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    public static Socket UdpSocket()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return socket;
    }

    public static uint U32(byte[] message, int offset) => BinaryPrimitives.ReadUInt32BigEndian(message.AsSpan(offset));

    public static byte[] AuthSysBody(uint uid, uint gid, string machine, params uint[] gids)
    {
        using var buffer = new XdrBufferWriter();
        new OncAuthSysCredentials(42, machine, uid, gid, gids).Encode(buffer);
        return buffer.ToArray();
    }
}
