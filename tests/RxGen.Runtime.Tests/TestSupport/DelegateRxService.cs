using System;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;

namespace RxGen.Runtime.Tests.TestSupport;

/// <summary>An Rx service whose body is a delegate.</summary>
internal sealed class DelegateRxService : IRxService
{
    private readonly Func<IRxServerCall, CancellationToken, Task<int>> _body;

    public DelegateRxService(ushort serviceId, string name, Func<IRxServerCall, CancellationToken, Task<int>> body)
    {
        ServiceId = serviceId;
        Name = name;
        _body = body;
    }

    public ushort ServiceId { get; }

    public string Name { get; }

    public async ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken) =>
        await _body(call, cancellationToken).ConfigureAwait(false);

    /// <summary>Replies with the request bytes it read (opcode included), streaming as it reads.</summary>
    public static DelegateRxService Echo(ushort serviceId) => new(serviceId, $"echo{serviceId}", async (call, ct) =>
    {
        byte[] buffer = new byte[8192];
        int n;
        while ((n = await call.ReadAsync(buffer, ct)) > 0)
        {
            await call.WriteAsync(buffer.AsMemory(0, n), ct);
        }

        return 0;
    });

    /// <summary>Replies with its own service id (4 bytes) after reading the whole request.</summary>
    public static DelegateRxService Identify(ushort serviceId) => new(serviceId, $"id{serviceId}", async (call, ct) =>
    {
        await DrainAsync(call, ct);
        await call.WriteAsync(new byte[] { 0, 0, (byte)(call.ServiceId >> 8), (byte)call.ServiceId }, ct);
        return 0;
    });

    public static async Task<long> DrainAsync(IRxServerCall call, CancellationToken ct)
    {
        byte[] buffer = new byte[4096];
        long total = 0;
        int n;
        while ((n = await call.ReadAsync(buffer, ct)) > 0)
        {
            total += n;
        }

        return total;
    }
}
