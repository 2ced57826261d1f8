using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using Consumer.Kv;
using Consumer.Vl;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rpc.InMemory;
using RxGen.Runtime.Xdr;

namespace Consumer;

/// <summary>Round trips through code RxGen generated at build time: an ONC client against an ONC server
/// (kvstore.x), and a VL client (vldbint.xg) against a small VL service written with the generated codec.</summary>
public static class Program
{
    public static async Task<int> Main()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var ct = timeout.Token;

        var onc = new InMemoryOncServer();
        onc.Add(new KVSTORE_V1Dispatcher(new KvStore()));
        var kv = new KVSTORE_V1Client(onc);
        await kv.KvprocNullAsync(ct);
        Check(await kv.KvprocPutAsync("answer", new byte[] { 42 }, ct) == kvstatus.KV_OK, "PUT");
        var found = await kv.KvprocGetAsync("answer", ct);
        Check(found.IsValue && found.Value.Length == 1 && found.Value[0] == 42, "GET found");
        Check(!(await kv.KvprocGetAsync("question", ct)).IsValue, "GET not found");

        var rx = new InMemoryRxServer();
        rx.AddService(new TinyVlService());
        var vl = new VLClient(await rx.ConnectAsync(VLProtocol.ServiceId, requestUpgrade: false, ct));
        var entry = await vl.GetEntryByNameNAsync("root.afs", ct);
        Check(XdrText.FromCChars(entry.Name) == "root.afs" && entry.VolumeId[0] == 536870912u, "VL GetEntryByNameN");
        try
        {
            await vl.GetEntryByNameNAsync("no.such.volume", ct);
            Check(false, "VL abort");
        }
        catch (RpcAbortException abort) when (abort.Code == 363524)
        {
        }

        SharedIncludes.Check();
        Console.WriteLine("consumer: round trips ok");
        return 0;
    }

    private static void Check(bool condition, string what)
    {
        if (!condition) throw new InvalidOperationException("consumer check failed: " + what);
    }

    private sealed class KvStore : IKVSTORE_V1Service
    {
        private readonly ConcurrentDictionary<string, byte[]> _values = new(StringComparer.Ordinal);

        public ValueTask KvprocNullAsync(OncCallContext context) => ValueTask.CompletedTask;

        public ValueTask<kvstatus> KvprocPutAsync(string arg1, byte[] arg2, OncCallContext context)
        {
            _values[arg1] = arg2;
            return ValueTask.FromResult(kvstatus.KV_OK);
        }

        public ValueTask<kvgetres> KvprocGetAsync(string argument, OncCallContext context) =>
            ValueTask.FromResult(_values.TryGetValue(argument, out var value) ? kvgetres.FromValue(value) : kvgetres.FromVoid(kvstatus.KV_NOTFOUND));

        public ValueTask<kvstatus> KvprocDeleteAsync(string argument, OncCallContext context) =>
            ValueTask.FromResult(_values.TryRemove(argument, out _) ? kvstatus.KV_OK : kvstatus.KV_NOTFOUND);

        public ValueTask<kventry?> KvprocListAsync(OncCallContext context) => ValueTask.FromResult<kventry?>(null);
    }

    /// <summary>Answers VL_GetEntryByNameN only (the client side is what this project generates).</summary>
    private sealed class TinyVlService : IRxService
    {
        public ushort ServiceId => VLProtocol.ServiceId;
        public string Name => "tiny VL";

        public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken)
        {
            using var reader = XdrCallReader.For(call);
            using var request = await reader.ReadToEndAsync(cancellationToken);
            var name = Decode(request.Memory);
            if (name != "root.afs") return 363524; // VL_NOENT
            var entry = new nvldbentry { Name = XdrText.ToCChars(name, 65), NServers = 1 };
            entry.VolumeId[0] = 536870912u;
            using var reply = new XdrBufferWriter();
            VLProtocol.EncodeGetEntryByNameNReply(reply, entry);
            await call.WriteAsync(reply.WrittenMemory, cancellationToken);
            return 0;
        }

        private static string? Decode(ReadOnlyMemory<byte> request)
        {
            var r = new XdrReader(request.Span);
            return r.ReadInt32() == VLProtocol.Opcodes.GetEntryByNameN ? VLProtocol.DecodeGetEntryByNameNRequest(ref r) : null;
        }
    }
}
