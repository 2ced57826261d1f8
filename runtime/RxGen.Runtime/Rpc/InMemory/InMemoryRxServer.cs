using System;
using System.Net;
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
/// <see cref="RxGenErrorCodes.UserAbort"/> (-6) and is reported to <see cref="ServiceFaulted"/>. The
/// registry and this mapping are the shared <see cref="RxServerCore"/> (<see cref="Core"/>).</para>
/// <para><b>Connections.</b> <see cref="ConnectAsync"/> opens anonymous (rxnull) connections with no
/// peer address: the server sees <see cref="RxConnectionInfo.PeerEndPoint"/> null. Use
/// <see cref="CreateConnector"/> for connections with another security index, an identity or a
/// synthetic peer address. Each connection gets the server's epoch (random, bit 31 set, as OpenAFS
/// picks one) and its own cid (multiples of 4). Disposing a connection makes later
/// <see cref="IRxConnection.StartCallAsync"/> calls throw <see cref="ObjectDisposedException"/>;
/// calls already started are not aborted and run to their end.</para>
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

    private readonly uint _epoch;
    private int _nextConnectionId;
    private int _activeServerCalls;
    private long _callsStarted;

    /// <summary>Creates an empty server.</summary>
    /// <param name="maxCallsPerConnection">Concurrent calls allowed on one connection.</param>
    public InMemoryRxServer(int maxCallsPerConnection = DefaultMaxCallsPerConnection)
        : this(new RxServerCore(), maxCallsPerConnection)
    {
    }

    /// <summary>Creates a server over an existing core (e.g. one a UDP transport serves too).</summary>
    /// <param name="core">The services, upgrade pairs and fault hook.</param>
    /// <param name="maxCallsPerConnection">Concurrent calls allowed on one connection.</param>
    public InMemoryRxServer(RxServerCore core, int maxCallsPerConnection = DefaultMaxCallsPerConnection)
    {
        ArgumentNullException.ThrowIfNull(core);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCallsPerConnection);
        Core = core;
        MaxCallsPerConnection = maxCallsPerConnection;
        _epoch = ((uint)Random.Shared.Next() & 0x3FFFFFFFu) | 0x80000000u;
        _nextConnectionId = Random.Shared.Next() & ~3;
    }

    /// <summary>The registry of services and upgrade pairs, and the fault-to-abort mapping.</summary>
    public RxServerCore Core { get; }

    /// <summary>Concurrent calls allowed on one connection.</summary>
    public int MaxCallsPerConnection { get; }

    /// <summary>The number of service executions still running.</summary>
    public int ActiveServerCalls => Volatile.Read(ref _activeServerCalls);

    /// <summary>The number of calls started on all connections.</summary>
    public long CallsStarted => Interlocked.Read(ref _callsStarted);

    /// <summary>Called (on the call's thread) when a service throws something other than <see cref="RpcAbortException"/>; the same as <see cref="RxServerCore.ServiceFaulted"/> of <see cref="Core"/>.</summary>
    public Action<IRxService, Exception>? ServiceFaulted
    {
        get => Core.ServiceFaulted;
        set => Core.ServiceFaulted = value;
    }

    /// <summary>Registers a service under its <see cref="IRxService.ServiceId"/> (<see cref="RxServerCore.AddService"/>).</summary>
    /// <param name="service">The service.</param>
    /// <exception cref="InvalidOperationException">A service with that id is already registered.</exception>
    public void AddService(IRxService service) => Core.AddService(service);

    /// <summary>Registers a service-upgrade pair (<see cref="RxServerCore.AddUpgrade"/>).</summary>
    /// <param name="from">The requested service id.</param>
    /// <param name="to">The upgraded service id.</param>
    /// <exception cref="InvalidOperationException">Either service is not registered, the ids are equal, or <paramref name="from"/> already has a pair.</exception>
    public void AddUpgrade(ushort from, ushort to) => Core.AddUpgrade(from, to);

    /// <summary>Opens an anonymous (rxnull) connection with no peer address.</summary>
    /// <inheritdoc/>
    public ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new ValueTask<IRxConnection>(Connect(serviceId, requestUpgrade, RxSecurityIndex.Null, null, null));
    }

    /// <summary>
    /// A connector whose connections carry the given security class, identity and peer address, as a
    /// real transport would set them after the security handshake; the server's calls see them in
    /// <see cref="IRxServerCall.Connection"/>.
    /// </summary>
    /// <param name="securityIndex">The security class.</param>
    /// <param name="identity">The authenticated identity; must be null for <see cref="RxSecurityIndex.Null"/>.</param>
    /// <param name="peerEndPoint">The address the server sees (synthetic), or null.</param>
    /// <returns>The connector.</returns>
    /// <exception cref="ArgumentException">An identity was given for an rxnull connection.</exception>
    public IRxConnector CreateConnector(RxSecurityIndex securityIndex = RxSecurityIndex.Null, object? identity = null, EndPoint? peerEndPoint = null)
    {
        if (securityIndex == RxSecurityIndex.Null && identity is not null)
        {
            throw new ArgumentException("An rxnull connection is anonymous: it has no identity.", nameof(identity));
        }

        return new Connector(this, securityIndex, identity, peerEndPoint);
    }

    internal bool TryGetUpgrade(ushort from, out ushort to) => Core.TryGetUpgrade(from, out to);

    internal void OnCallStarted() => Interlocked.Increment(ref _callsStarted);

    internal void OnServerCallStarted() => Interlocked.Increment(ref _activeServerCalls);

    internal void OnServerCallEnded() => Interlocked.Decrement(ref _activeServerCalls);

    private InMemoryRxConnection Connect(ushort serviceId, bool requestUpgrade, RxSecurityIndex securityIndex, object? identity, EndPoint? peer)
    {
        uint cid = (uint)Interlocked.Add(ref _nextConnectionId, 4);
        var info = new RxConnectionInfo(peer, _epoch, cid, securityIndex, identity);
        return new InMemoryRxConnection(this, serviceId, requestUpgrade, info);
    }

    private sealed class Connector(InMemoryRxServer server, RxSecurityIndex securityIndex, object? identity, EndPoint? peer) : IRxConnector
    {
        public ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return new ValueTask<IRxConnection>(server.Connect(serviceId, requestUpgrade, securityIndex, identity, peer));
        }
    }
}
