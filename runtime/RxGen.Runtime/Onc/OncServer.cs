using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxGen.Runtime.Rpc;

namespace RxGen.Runtime.Onc;

/// <summary>
/// An ONC RPC server (RFC 5531) over TCP and UDP for the dispatchers of an <see cref="OncDispatcherRegistry"/>:
/// the serve loop over every listener added, a clean stop that lets calls in flight finish, optional
/// rpcbind registration, limits on connections and calls, and metrics (<see cref="OncServerMetrics"/>).
/// </summary>
/// <example>
/// <code>
/// var registry = new OncDispatcherRegistry();
/// registry.Register(new CALC_V1Dispatcher(new CalcService()));
/// await using var server = new OncServer(registry);
/// IPEndPoint tcp = server.AddTcpListener(new IPEndPoint(IPAddress.Loopback, 0));
/// IPEndPoint udp = server.AddUdpListener(new IPEndPoint(IPAddress.Loopback, 0));
/// await server.StartAsync(cancellationToken);
/// ...
/// await server.StopAsync(cancellationToken);
/// </code>
/// </example>
public sealed class OncServer : IAsyncDisposable
{
    private readonly OncServerCore _core;
    private readonly List<OncTcpListener> _tcp = new();
    private readonly List<OncUdpTransport> _udp = new();
    private readonly List<(uint Program, uint Version)> _registered = new();
    private readonly object _lock = new();
    private readonly ILogger _logger;
    private int _state; // 0 created, 1 started, 2 stopping/stopped (written under _lock)
    private Task? _stopTask;

    /// <summary>Creates a server; add listeners, then <see cref="StartAsync"/>. When the registry's <see cref="OncDispatcherRegistry.DispatcherFaulted"/> is unset, this server logs dispatcher faults there.</summary>
    /// <param name="registry">The dispatchers (may change while the server runs).</param>
    /// <param name="options">The limits, or null for the defaults.</param>
    public OncServer(OncDispatcherRegistry registry, OncServerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(registry);
        Options = options ?? new OncServerOptions();
        Options.Validate();
        Registry = registry;
        _logger = Options.LoggerFactory?.CreateLogger<OncServer>() ?? (ILogger)NullLogger.Instance;
        Metrics = new OncServerMetrics();
        registry.DispatcherFaulted ??= (dispatcher, context, exception) =>
            _logger.LogError(exception, "ONC RPC {Dispatcher} procedure {Procedure} (xid {Xid}) failed: SYSTEM_ERR", dispatcher.Name, context.Procedure, context.Xid);
        _core = new OncServerCore(new OncCallProcessor(registry, Metrics, _logger), Options, Metrics, _logger);
    }

    /// <summary>The dispatchers.</summary>
    public OncDispatcherRegistry Registry { get; }

    /// <summary>The limits (do not change them after construction).</summary>
    public OncServerOptions Options { get; }

    /// <summary>The server's instruments.</summary>
    public OncServerMetrics Metrics { get; }

    /// <summary>Where the TCP listeners are bound.</summary>
    public IReadOnlyList<IPEndPoint> TcpEndPoints
    {
        get
        {
            lock (_lock)
            {
                return _tcp.Select(t => t.LocalEndPoint).ToArray();
            }
        }
    }

    /// <summary>Where the UDP transports are bound.</summary>
    public IReadOnlyList<IPEndPoint> UdpEndPoints
    {
        get
        {
            lock (_lock)
            {
                return _udp.Select(u => u.LocalEndPoint).ToArray();
            }
        }
    }

    /// <summary>Open TCP connections.</summary>
    public int ConnectionCount
    {
        get
        {
            lock (_lock)
            {
                return _tcp.Sum(t => t.ConnectionCount);
            }
        }
    }

    /// <summary>Calls running now.</summary>
    public int CallsInFlight => _core.Calls.Count;

    /// <summary>The duplicate-request cache of the first UDP transport (null when off or no UDP transport).</summary>
    public OncDuplicateRequestCache? DuplicateRequestCache
    {
        get
        {
            lock (_lock)
            {
                return _udp.Count > 0 ? _udp[0].Cache : null;
            }
        }
    }

    /// <summary>Binds a TCP listener (port 0: an ephemeral port); it serves once the server starts (or at once if it has).</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <returns>The bound address.</returns>
    public IPEndPoint AddTcpListener(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        lock (_lock)
        {
            ThrowIfStopped();
            var listener = new OncTcpListener(_core, endPoint);
            _tcp.Add(listener);
            if (_state == 1)
            {
                listener.Start();
            }

            return listener.LocalEndPoint;
        }
    }

    /// <summary>Binds a UDP transport (port 0: an ephemeral port), with its own duplicate-request cache unless it is off.</summary>
    /// <param name="endPoint">Where to listen.</param>
    /// <returns>The bound address.</returns>
    public IPEndPoint AddUdpListener(IPEndPoint endPoint)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        lock (_lock)
        {
            ThrowIfStopped();
            OncDuplicateRequestCache? cache = Options.DuplicateRequestCacheSize > 0
                ? new OncDuplicateRequestCache(Options.DuplicateRequestCacheSize, Options.DuplicateRequestCacheBytes)
                : null;
            var transport = new OncUdpTransport(_core, endPoint, cache);
            _udp.Add(transport);
            if (_state == 1)
            {
                transport.Start();
            }

            return transport.LocalEndPoint;
        }
    }

    /// <summary>Starts serving every listener; with <see cref="OncServerOptions.RegisterWithRpcBind"/>, registers every program version with rpcbind.</summary>
    /// <param name="cancellationToken">Cancels the start (the rpcbind registration).</param>
    /// <returns>When serving.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            ThrowIfStopped();
            if (_state == 1)
            {
                return;
            }

            _state = 1;
            foreach (OncTcpListener listener in _tcp)
            {
                listener.Start();
            }

            foreach (OncUdpTransport transport in _udp)
            {
                transport.Start();
            }
        }

        if (Options.RegisterWithRpcBind)
        {
            await RegisterAllAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Stops: takes no new calls, lets the calls in flight finish and send their replies, unregisters from
    /// rpcbind, and closes every socket. When <paramref name="cancellationToken"/> fires first, the calls
    /// still running are cancelled (their <see cref="OncCallContext.CancellationToken"/>) and get no reply.
    /// </summary>
    /// <param name="cancellationToken">The deadline for calls in flight.</param>
    /// <returns>When stopped.</returns>
    public Task StopAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_stopTask is null)
            {
                _state = 2;
                _stopTask = StopCoreAsync(cancellationToken);
            }

            return _stopTask;
        }
    }

    private async Task StopCoreAsync(CancellationToken cancellationToken)
    {
        _core.BeginStop();
        try
        {
            await _core.Calls.WaitIdleAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _core.AbortCalls();
        }

        await _core.Calls.WaitIdleAsync(CancellationToken.None).ConfigureAwait(false);

        // The connections close once their last replies have left. A client that stops reading would hold a send
        // (and so the stop) forever: when the stop's token fires first, pending sends are cancelled.
        Task closing = Task.WhenAll(_tcp.Select(listener => listener.DisposeAsync().AsTask()));
        if (!closing.IsCompleted)
        {
            Task deadline = Task.Delay(Timeout.Infinite, cancellationToken);
            if (await Task.WhenAny(closing, deadline).ConfigureAwait(false) != closing)
            {
                _core.AbortCalls();
            }
        }

        await closing.ConfigureAwait(false);

        foreach (OncUdpTransport transport in _udp)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }

        if (Options.RegisterWithRpcBind)
        {
            await UnregisterAllAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Adds a program version while the server runs (or before it starts); with
    /// <see cref="OncServerOptions.RegisterWithRpcBind"/> on a started server, also registers it with rpcbind.
    /// </summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <param name="cancellationToken">Cancels the rpcbind registration (the dispatcher stays registered locally).</param>
    /// <returns>When registered.</returns>
    /// <exception cref="InvalidOperationException">That program version is already registered, or rpcbind refused it.</exception>
    public async Task RegisterAsync(IOncProgramDispatcher dispatcher, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        Registry.Register(dispatcher);
        if (Options.RegisterWithRpcBind && Volatile.Read(ref _state) == 1)
        {
            await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(Options.RpcBindEndPoint, cancellationToken).ConfigureAwait(false);
            await RegisterOneAsync(rpcbind, dispatcher, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Removes a program version (calls already dispatched run to their end); unregisters it from rpcbind when the server registered it.</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The version.</param>
    /// <param name="cancellationToken">Cancels the rpcbind call.</param>
    /// <returns>True when it was registered.</returns>
    public async Task<bool> UnregisterAsync(uint program, uint version, CancellationToken cancellationToken = default)
    {
        bool removed = Registry.Unregister(program, version);
        bool atRpcBind;
        lock (_lock)
        {
            atRpcBind = _registered.Remove((program, version));
        }

        if (atRpcBind)
        {
            await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(Options.RpcBindEndPoint, cancellationToken).ConfigureAwait(false);
            await UnsetOneAsync(rpcbind, program, version, cancellationToken).ConfigureAwait(false);
        }

        return removed;
    }

    private async Task RegisterAllAsync(CancellationToken cancellationToken)
    {
        await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(Options.RpcBindEndPoint, cancellationToken).ConfigureAwait(false);
        foreach (IOncProgramDispatcher dispatcher in Registry.Dispatchers)
        {
            await RegisterOneAsync(rpcbind, dispatcher, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RegisterOneAsync(OncRpcBindClient rpcbind, IOncProgramDispatcher dispatcher, CancellationToken cancellationToken)
    {
        await UnsetOneAsync(rpcbind, dispatcher.Program, dispatcher.Version, cancellationToken).ConfigureAwait(false);
        foreach ((IPEndPoint endPoint, string netid) in Bindings())
        {
            bool ok;
            try
            {
                ok = await rpcbind.SetAsync(new OncRpcBinding(dispatcher.Program, dispatcher.Version, netid, OncUniversalAddress.Format(endPoint), OncRpcBind.DefaultOwner), cancellationToken).ConfigureAwait(false);
            }
            catch (OncRpcException ex) when (ex.Status == OncAcceptStat.ProgMismatch && endPoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork)
            {
                // A portmapper that speaks version 2 only.
                uint protocol = netid == "udp" ? OncRpcBind.ProtocolUdp : OncRpcBind.ProtocolTcp;
                ok = await rpcbind.SetAsync(new OncPortMapping(dispatcher.Program, dispatcher.Version, protocol, (uint)endPoint.Port), cancellationToken).ConfigureAwait(false);
            }

            if (!ok)
            {
                throw new InvalidOperationException($"rpcbind refused to register program {dispatcher.Program} version {dispatcher.Version} on {netid}.");
            }
        }

        lock (_lock)
        {
            _registered.Add((dispatcher.Program, dispatcher.Version));
        }

        _logger.LogInformation("Registered {Dispatcher} with rpcbind", dispatcher.Name);
    }

    private async Task UnsetOneAsync(OncRpcBindClient rpcbind, uint program, uint version, CancellationToken cancellationToken)
    {
        try
        {
            foreach ((_, string netid) in Bindings())
            {
                await rpcbind.UnsetAsync(program, version, netid, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OncRpcException ex) when (ex.Status == OncAcceptStat.ProgMismatch)
        {
            await rpcbind.UnsetAsync(program, version, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task UnregisterAllAsync()
    {
        (uint Program, uint Version)[] registered;
        lock (_lock)
        {
            registered = _registered.ToArray();
            _registered.Clear();
        }

        if (registered.Length == 0)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await using OncRpcBindClient rpcbind = await OncRpcBindClient.ConnectAsync(Options.RpcBindEndPoint, timeout.Token).ConfigureAwait(false);
            foreach ((uint program, uint version) in registered)
            {
                await UnsetOneAsync(rpcbind, program, version, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            _logger.LogWarning(ex, "Could not unregister from rpcbind");
        }
    }

    private IEnumerable<(IPEndPoint EndPoint, string Netid)> Bindings()
    {
        foreach (IPEndPoint tcp in TcpEndPoints)
        {
            yield return (tcp, tcp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "tcp6" : "tcp");
        }

        foreach (IPEndPoint udp in UdpEndPoints)
        {
            yield return (udp, udp.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "udp6" : "udp");
        }
    }

    private void ThrowIfStopped()
    {
        if (_state == 2)
        {
            throw new InvalidOperationException("The server has been stopped.");
        }
    }

    /// <summary>Stops (cancelling calls still running) and releases everything.</summary>
    /// <returns>When done.</returns>
    public async ValueTask DisposeAsync()
    {
        using (var now = new CancellationTokenSource())
        {
            now.Cancel();
            await StopAsync(now.Token).ConfigureAwait(false);
        }

        _core.Dispose();
        Metrics.Dispose();
    }
}
