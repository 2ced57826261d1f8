using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>
/// An in-process Rx "server port" for tests of generated code: services registered here answer calls
/// made through the connections it hands out.
/// </summary>
/// <remarks>
/// <para><b>Calls.</b> Each call's server side (<see cref="IRxService.ExecuteAsync"/>) runs on the
/// thread pool as soon as the call starts, so calls run concurrently. Request and reply flow through
/// bounded pipes (64 KiB each way), so split procs can stream both ways with bounded memory. A call
/// to a service id with no registered service is aborted with
/// <see cref="RxGenErrorCodes.InvalidOperation"/> (-2), as OpenAFS does.</para>
/// <para><b>Channels.</b> Like Rx (<c>RX_MAXCALLS</c>), a connection has a limited number of call
/// channels (default 4): <see cref="IRxConnection.StartCallAsync"/> waits while all are busy. A channel
/// is freed when the client disposes its call.</para>
/// <para><b>Ending a call.</b> The service's return value is the outcome: 0 sends the reply that was
/// written; any other value aborts the call with that code, and the client's reads throw
/// <see cref="RpcAbortException"/> with it (an abort wins over reply bytes not yet read). A service
/// that throws <see cref="RpcAbortException"/> aborts with its code; any other exception aborts with
/// <see cref="RxGenErrorCodes.UserAbort"/> (-6) and is reported to <see cref="ServiceFaulted"/>.</para>
/// <para><b>Client aborts and cancellation.</b> <see cref="IRxClientCall.AbortAsync"/> aborts with
/// the given code; cancelling a client operation's token aborts with
/// <see cref="RxGenErrorCodes.UserAbort"/> and throws <see cref="OperationCanceledException"/>;
/// disposing a call whose server side has not finished aborts with
/// <see cref="RxGenErrorCodes.UserAbort"/>. The server side then sees its token cancelled and its
/// reads and writes throw <see cref="RpcAbortException"/>.</para>
/// <para><b>Service upgrade</b> (AuriStor / Linux AF_RXRPC): a connection opened with
/// <c>requestUpgrade</c> marks its first call as the probe. If an upgrade pair
/// (<see cref="AddUpgrade"/>) exists from the connection's service id, the connection switches to the
/// pair's target when the probe starts (the server decides at connection creation), for that call and
/// all later ones; <see cref="IRxConnection.ServiceId"/> and the calls' <see cref="IRxClientCall.ServiceId"/>
/// report the new id. Without a pair the flag is ignored. While the probe is in progress (until its
/// reply has been read to the end, it is aborted, or it is disposed) other calls on that connection
/// wait in <see cref="IRxConnection.StartCallAsync"/>.</para>
/// </remarks>
public sealed class InMemoryRxServer : IRxConnector
{
    /// <summary>Rx's calls per connection (<c>RX_MAXCALLS</c>).</summary>
    public const int DefaultMaxCallsPerConnection = 4;

    private readonly object _lock = new();
    private readonly Dictionary<ushort, IRxService> _services = new();
    private readonly Dictionary<ushort, ushort> _upgrades = new();
    private int _activeServerCalls;
    private long _callsStarted;

    /// <summary>Creates an empty server.</summary>
    /// <param name="maxCallsPerConnection">Concurrent calls allowed on one connection.</param>
    public InMemoryRxServer(int maxCallsPerConnection = DefaultMaxCallsPerConnection)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCallsPerConnection);
        MaxCallsPerConnection = maxCallsPerConnection;
    }

    /// <summary>Concurrent calls allowed on one connection.</summary>
    public int MaxCallsPerConnection { get; }

    /// <summary>The number of service executions still running.</summary>
    public int ActiveServerCalls => Volatile.Read(ref _activeServerCalls);

    /// <summary>The number of calls started on all connections.</summary>
    public long CallsStarted => Interlocked.Read(ref _callsStarted);

    /// <summary>Called (on the call's thread) when a service throws something other than <see cref="RpcAbortException"/>.</summary>
    public Action<IRxService, Exception>? ServiceFaulted { get; set; }

    /// <summary>Registers a service under its <see cref="IRxService.ServiceId"/>.</summary>
    /// <param name="service">The service.</param>
    /// <exception cref="InvalidOperationException">A service with that id is already registered.</exception>
    public void AddService(IRxService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (!_services.TryAdd(service.ServiceId, service))
            {
                throw new InvalidOperationException($"Service id {service.ServiceId} is already registered ({_services[service.ServiceId].Name}).");
            }
        }
    }

    /// <summary>Registers a service-upgrade pair: probes for <paramref name="from"/> switch to <paramref name="to"/>.</summary>
    /// <param name="from">The requested service id.</param>
    /// <param name="to">The upgraded service id.</param>
    /// <exception cref="InvalidOperationException">Either service is not registered, the ids are equal, or <paramref name="from"/> already has a pair.</exception>
    public void AddUpgrade(ushort from, ushort to)
    {
        lock (_lock)
        {
            if (from == to)
            {
                throw new InvalidOperationException($"An upgrade pair needs two different service ids, not {from} twice.");
            }

            if (!_services.ContainsKey(from) || !_services.ContainsKey(to))
            {
                throw new InvalidOperationException($"Both services of the upgrade pair {from} -> {to} must be added first.");
            }

            if (!_upgrades.TryAdd(from, to))
            {
                throw new InvalidOperationException($"Service id {from} already upgrades to {_upgrades[from]}.");
            }
        }
    }

    /// <inheritdoc/>
    public ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IRxConnection>(new InMemoryRxConnection(this, serviceId, requestUpgrade));
    }

    internal IRxService? FindService(ushort serviceId)
    {
        lock (_lock)
        {
            return _services.GetValueOrDefault(serviceId);
        }
    }

    internal bool TryGetUpgrade(ushort from, out ushort to)
    {
        lock (_lock)
        {
            return _upgrades.TryGetValue(from, out to);
        }
    }

    internal void OnCallStarted() => Interlocked.Increment(ref _callsStarted);

    internal void OnServerCallStarted() => Interlocked.Increment(ref _activeServerCalls);

    internal void OnServerCallEnded() => Interlocked.Decrement(ref _activeServerCalls);

    internal void ReportFault(IRxService service, Exception exception)
    {
        try
        {
            ServiceFaulted?.Invoke(service, exception);
        }
        catch (Exception)
        {
            // An observer's failure must not take the call's server side down with it.
        }
    }
}
