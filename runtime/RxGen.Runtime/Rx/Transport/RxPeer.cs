using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// A managed Rx endpoint on one UDP socket (dual-stack IPv4/IPv6 when bound to <see cref="IPAddress.IPv6Any"/>): a
/// client (<see cref="Connect"/>, or <see cref="CreateConnector"/> for generated clients) and a server
/// (<see cref="AddService"/>) at once, over the deterministic <see cref="RxProtocolEngine"/>.
/// </summary>
/// <remarks>
/// <para>One receive loop feeds the engine; one timer loop ticks it at its <see cref="RxProtocolEngine.NextDeadline"/>.
/// Application calls (reads, writes) run the engine under one lock and wait on per-call signals.</para>
/// <para>Server calls run on the thread pool through <see cref="RxServerCore.ExecuteAsync"/>, at most
/// <see cref="RxPeerOptions.MaxConcurrentCallsPerService"/> per service at once. Cancelling a client operation aborts the call with
/// RX_USER_ABORT (-6); a peer that stops answering fails the call with <see cref="RxGenErrorCodes.CallDead"/>
/// and a message naming it.</para>
/// </remarks>
public sealed class RxPeer : IAsyncDisposable
{
    private readonly object _lock = new();
    private readonly Socket _socket;
    private readonly RxProtocolEngine _engine;
    private readonly RxPeerOptions _options;
    private readonly ILogger _logger;
    private readonly long _startTimestamp = Stopwatch.GetTimestamp();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Timer _timer;
    private readonly Dictionary<ushort, SemaphoreSlim> _serviceSlots = new();
    private readonly HashSet<RxPeerCall> _calls = new();
    private readonly Dictionary<IPEndPoint, SocketAddress> _sendAddresses = new();
    private readonly List<(IRxService Service, RxPeerServerCall Call)> _pendingStarts = new();
    private readonly bool _dualMode;
    private TimeSpan _armedDeadline = TimeSpan.MaxValue;
    private readonly TaskCompletionSource _receiveDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<RxAsyncSignal> _deferredWakes = new();
    private readonly Stack<CancellationTokenSource> _abortSources = new();
    private readonly List<RxAsyncSignal> _wakes = new();
    private bool _inReceive; // the receive thread holds the lock and wakes calls after it
    private int _disposed;

    private RxPeer(Socket socket, RxPeerOptions options, RxServerCore server, ILoggerFactory loggerFactory)
    {
        _socket = socket;
        _options = options;
        _engine = RxProtocolEngine.CreateRandom(EngineOptions(options));
        _engine.UpgradeLookup = server.TryGetUpgrade; // pairs added to Server directly count too, in any order
        _logger = loggerFactory.CreateLogger<RxPeer>();
        _dualMode = socket.AddressFamily == AddressFamily.InterNetworkV6 && socket.DualMode;
        _timer = new Timer(static state => ((RxPeer)state!).OnTimer(), this, Timeout.Infinite, Timeout.Infinite);
        Server = server;
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    /// <summary>The bound address and port.</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>The services this peer serves (shared with other transports if given at bind time).</summary>
    public RxServerCore Server { get; }

    /// <summary>Our epoch (client connections).</summary>
    public uint Epoch => _engine.Epoch;

    /// <summary>Binds a UDP socket and starts the loops.</summary>
    /// <param name="localEndPoint">Where to bind; <see cref="IPAddress.IPv6Any"/> gives one dual-stack socket.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    /// <param name="server">The services to serve, or null for a new empty registry.</param>
    /// <param name="loggerFactory">Logging, or null for none.</param>
    /// <param name="cancellationToken">Cancels the bind.</param>
    /// <returns>The running peer; dispose it to stop.</returns>
    public static ValueTask<RxPeer> BindAsync(IPEndPoint localEndPoint, RxPeerOptions? options = null, RxServerCore? server = null, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(localEndPoint);
        cancellationToken.ThrowIfCancellationRequested();
        options ??= new RxPeerOptions();
        options.Protocol.Validate();
        var socket = new Socket(localEndPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            if (localEndPoint.AddressFamily == AddressFamily.InterNetworkV6 && localEndPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            TrySetBuffer(socket, SocketOptionName.ReceiveBuffer, options.SocketReceiveBufferSize);
            TrySetBuffer(socket, SocketOptionName.SendBuffer, options.SocketSendBufferSize);
            socket.ReceiveTimeout = 1000; // the receive thread blocks; disposing wakes it, this bounds it regardless
            socket.Bind(localEndPoint);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        var peer = new RxPeer(socket, options, server ?? new RxServerCore(), loggerFactory ?? NullLoggerFactory.Instance);
        peer.Start();
        return ValueTask.FromResult(peer);
    }

    /// <summary>
    /// Serves <paramref name="service"/> on this socket (registered in <see cref="Server"/>), accepting the given
    /// security classes (rxnull when none are given).
    /// </summary>
    /// <param name="service">The service (a generated dispatcher).</param>
    /// <param name="securityClasses">The accepted security classes.</param>
    public void AddService(IRxService service, params IRxSecurityClass[] securityClasses)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (!Server.TryGetService(service.ServiceId, out IRxService? existing) || !ReferenceEquals(existing, service))
        {
            Server.AddService(service);
        }

        AcceptService(service.ServiceId, securityClasses);
    }

    /// <summary>Accepts connections to a service already registered in <see cref="Server"/>.</summary>
    /// <param name="serviceId">The service id.</param>
    /// <param name="securityClasses">The accepted security classes (rxnull when none are given).</param>
    public void AcceptService(ushort serviceId, params IRxSecurityClass[] securityClasses)
    {
        lock (_lock)
        {
            if (securityClasses is null || securityClasses.Length == 0)
            {
                _engine.AddService(serviceId, RxNullSecurityClass.Instance);
            }
            else
            {
                foreach (IRxSecurityClass securityClass in securityClasses)
                {
                    _engine.AddService(serviceId, securityClass);
                }
            }
        }
    }

    /// <summary>
    /// Registers a service-upgrade pair (both services added first): a connection to <paramref name="from"/> whose
    /// first call asks for an upgrade is switched to <paramref name="to"/>. The same as <c>Server.AddUpgrade</c>:
    /// the engine consults <see cref="Server"/> for every new connection that asks.
    /// </summary>
    /// <param name="from">The requested service id.</param>
    /// <param name="to">The upgraded service id.</param>
    public void AddUpgrade(ushort from, ushort to)
    {
        Server.AddUpgrade(from, to);
    }

    /// <summary>A connection to <paramref name="serviceId"/> at <paramref name="server"/>; calls spread over 4 channels per Rx connection, opening more when all are busy.</summary>
    /// <param name="server">The server's address.</param>
    /// <param name="serviceId">The service.</param>
    /// <param name="securityClass">The security class, or null for rxnull.</param>
    /// <param name="requestUpgrade">Ask for a service upgrade on the first call.</param>
    /// <returns>The connection; dispose it when done.</returns>
    public IRxConnection Connect(IPEndPoint server, ushort serviceId, IRxSecurityClass? securityClass = null, bool requestUpgrade = false)
    {
        ArgumentNullException.ThrowIfNull(server);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return new RxPeerConnection(this, Normalize(server), serviceId, securityClass, requestUpgrade);
    }

    /// <summary>A connector for generated clients: connections to services at <paramref name="server"/>.</summary>
    /// <param name="server">The server's address.</param>
    /// <param name="securityClass">The security class, or null for rxnull.</param>
    /// <returns>The connector.</returns>
    public IRxConnector CreateConnector(IPEndPoint server, IRxSecurityClass? securityClass = null) =>
        new Connector(this, server, securityClass);

    /// <summary>A snapshot of the protocol counters.</summary>
    /// <returns>Packets and calls so far.</returns>
    public RxPeerStatistics GetStatistics()
    {
        lock (_lock)
        {
            RxProtocolStatistics s = _engine.Statistics;
            return new RxPeerStatistics(s.DatagramsReceived, s.DatagramsSent, s.DatagramsDropped, s.Retransmissions, s.ServerCalls, s.ClientCalls, _engine.ActiveCallCount, _engine.ServerConnectionCount,
                s.DataPacketsSent, s.DataPacketsReceived, s.AcksSent, s.AcksReceived, s.BusyReceived, s.BusyRetries, s.ServerCallsRefused, s.Timeouts);
        }
    }

    /// <summary>Stops the loops, fails calls in progress with RX_USER_ABORT (-6) and closes the socket.</summary>
    /// <returns>Completes when stopped.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        List<RxPeerCall> calls;
        lock (_lock)
        {
            calls = new List<RxPeerCall>(_calls);
            foreach (RxPeerCall call in calls)
            {
                if (call.Call.State == RxCallState.Active)
                {
                    _engine.Abort(call.Call, RxGenErrorCodes.UserAbort, Now);
                }
            }

            _engine.FlushFinalAcks(Now); // the servers need not wait for their retransmission timeouts
            FlushLocked();
        }

        _stopping.Cancel();
        _socket.Dispose();
        await _timer.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _receiveDone.Task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        foreach (RxPeerCall call in calls)
        {
            call.Signal.Set();
        }

        _stopping.Dispose();
    }

    internal TimeSpan Now => Stopwatch.GetElapsedTime(_startTimestamp);

    internal object Lock => _lock;

    internal RxProtocolEngine Engine => _engine;

    internal RxPeerOptions Options => _options;

    internal ILogger Logger => _logger;

    internal bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>After engine work (lock held): send queued datagrams, dispatch events, re-arm the timer.</summary>
    internal void FlushLocked()
    {
        while (_engine.TryDequeueDatagram(out RxOutgoingDatagram datagram))
        {
            SendLocked(datagram);
        }

        while (_engine.TryDequeueEvent(out RxProtocolEvent e))
        {
            Dispatch(e);
        }

        TimeSpan next = _engine.NextDeadline;
        if (next < _armedDeadline)
        {
            Arm(next);
        }
    }

    internal void Track(RxPeerCall call) => _calls.Add(call);

    /// <summary>Takes back (lock held) a server call's token source once nothing can cancel it: one allocation fewer per call.</summary>
    internal void RecycleLocked(CancellationTokenSource source)
    {
        if (_abortSources.Count < 256 && source.TryReset())
        {
            _abortSources.Push(source);
        }
    }

    internal RpcAbortException Failure(RxCall call)
    {
        int code = call.ErrorCode;
        string message = code switch
        {
            RxGenErrorCodes.CallDead => $"Rx peer {call.Peer} stopped answering (no packet for {_options.Protocol.DeadTime.TotalSeconds:0.#} s) on {call}",
            RxGenErrorCodes.CallTimeout when !call.AbortedByPeer => $"Rx call timed out waiting for {call.Peer} on {call}",
            _ => call.AbortedByPeer ? $"Rx peer {call.Peer} aborted {call}" : $"Rx {call} was aborted",
        };
        return new RpcAbortException(code, message);
    }

    /// <summary>The protocol options with the per-service bound on calls in progress: running plus queued.</summary>
    private static RxProtocolOptions EngineOptions(RxPeerOptions options)
    {
        if (options.Protocol.MaxServerCallsPerService > 0 || options.MaxQueuedCallsPerService < 0)
        {
            return options.Protocol;
        }

        long bound = (long)Math.Max(1, options.MaxConcurrentCallsPerService) + options.MaxQueuedCallsPerService;
        return options.Protocol with { MaxServerCallsPerService = (int)Math.Min(bound, int.MaxValue) };
    }

    private static void TrySetBuffer(Socket socket, SocketOptionName option, int size)
    {
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, option, size);
        }
        catch (SocketException)
        {
            // The kernel caps it; the default still works.
        }
    }

    private static IPEndPoint Normalize(IPEndPoint endPoint) =>
        endPoint.Address.IsIPv4MappedToIPv6 ? new IPEndPoint(endPoint.Address.MapToIPv4(), endPoint.Port) : endPoint;

    private void Start()
    {
        var thread = new Thread(static state => ((RxPeer)state!).ReceiveLoop())
        {
            IsBackground = true,
            Name = $"Rx receive {LocalEndPoint.Port}",
        };
        thread.UnsafeStart(this); // no execution context from whoever bound the peer
    }

    private void Dispatch(RxProtocolEvent e)
    {
        if (e.Kind == RxProtocolEventKind.IncomingCall)
        {
            StartServerCall(e.Call);
            return;
        }

        if (e.Call.UserState is RxPeerCall call)
        {
            if (e.Kind == RxProtocolEventKind.Ended)
            {
                _calls.Remove(call);
                call.OnEnded();
                if (e.Code != 0 && _logger.IsEnabled(LogLevel.Debug))
                {
                    _logger.LogDebug("Rx {Call} ended with code {Code} ({Description})", e.Call, e.Code, RxGenErrorCodes.Describe(e.Code));
                }
            }

            if (_inReceive)
            {
                _deferredWakes.Add(call.Signal); // woken once the receive thread lets go of the lock
            }
            else
            {
                call.Signal.Set();
            }
        }
    }

    private void StartServerCall(RxCall call)
    {
        if (!Server.TryGetService(call.ServiceId, out IRxService? service))
        {
            _engine.Abort(call, RxGenErrorCodes.InvalidOperation, Now);
            return;
        }

        var serverCall = new RxPeerServerCall(this, call, _abortSources.Count > 0 ? _abortSources.Pop() : new CancellationTokenSource());
        call.UserState = serverCall;
        _calls.Add(serverCall);
        _pendingStarts.Add((service, serverCall));
    }

    /// <summary>
    /// Runs new server calls (lock not held): each runs inline on the receive loop until its first real await, so a
    /// small call whose request is already here is served without a thread hop; a waiting service frees the loop.
    /// </summary>
    private void StartPendingServerCalls(List<(IRxService Service, RxPeerServerCall Call)> starts)
    {
        foreach ((IRxService service, RxPeerServerCall call) in starts)
        {
            _ = RunServerCallAsync(service, call);
        }

        starts.Clear();
    }

    private async Task RunServerCallAsync(IRxService service, RxPeerServerCall call)
    {
        if (!_options.RunServerCallsInline)
        {
            await Task.Yield();
        }

        if (call.Activity is not null)
        {
            Activity.Current = call.Activity; // the service runs inside the call's span (reverts when this method returns)
        }

        int code;
        SemaphoreSlim slots;
        lock (_serviceSlots)
        {
            if (!_serviceSlots.TryGetValue(service.ServiceId, out slots!))
            {
                slots = new SemaphoreSlim(_options.MaxConcurrentCallsPerService, _options.MaxConcurrentCallsPerService);
                _serviceSlots.Add(service.ServiceId, slots);
            }
        }

        try
        {
            await slots.WaitAsync(call.Aborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            code = await Server.ExecuteAsync(service, call, call.Aborted).ConfigureAwait(false);
        }
        finally
        {
            slots.Release();
        }

        lock (_lock)
        {
            call.OnExecutedLocked();
            if (call.Call.State == RxCallState.Active)
            {
                if (code == 0)
                {
                    _engine.CompleteWrite(call.Call, Now);
                }
                else
                {
                    _engine.Abort(call.Call, code, Now);
                }

                FlushLocked();
            }

            call.ReleaseIfEndedLocked();
        }
    }

    /// <summary>
    /// The receive thread: blocking receives on a dedicated thread, so a datagram wakes this thread directly (no
    /// socket-engine thread, no thread-pool hop); the engine runs under the lock, and the calls it wakes are
    /// signalled after the lock is released.
    /// </summary>
    private void ReceiveLoop()
    {
        try
        {
            ReceiveLoopCore();
        }
        finally
        {
            _receiveDone.TrySetResult();
        }
    }

    private void ReceiveLoopCore()
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(65536, pinned: true);
        var address = new SocketAddress(_socket.AddressFamily);
        var endPoints = new Dictionary<SocketAddress, IPEndPoint>();
        var starts = new List<(IRxService Service, RxPeerServerCall Call)>();
        IPEndPoint template = _socket.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        CancellationToken stop = _stopping.Token;
        while (!stop.IsCancellationRequested)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, address);
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                if (ex.SocketErrorCode is not (SocketError.TimedOut or SocketError.WouldBlock or SocketError.Interrupted))
                {
                    _logger.LogDebug(ex, "Rx socket receive error on {Local}", LocalEndPoint);
                }

                continue;
            }

            if (stop.IsCancellationRequested)
            {
                return; // woken by the socket's shutdown on dispose
            }

            if (!endPoints.TryGetValue(address, out IPEndPoint? from))
            {
                if (endPoints.Count > 4096)
                {
                    endPoints.Clear();
                }

                from = Normalize((IPEndPoint)template.Create(address));
                var key = new SocketAddress(address.Family, address.Size);
                address.Buffer.Span.CopyTo(key.Buffer.Span);
                endPoints[key] = from;
            }

            lock (_lock)
            {
                _inReceive = true;
                try
                {
                    _engine.Receive(buffer.AsSpan(0, received), from, Now);
                    FlushLocked();
                }
                catch (Exception ex)
                {
                    // The core never throws on wire input; if a bug makes it, keep the socket alive and say so.
                    _logger.LogError(ex, "Rx engine failed on a datagram from {From}", from);
                }
                finally
                {
                    _inReceive = false;
                }

                if (_pendingStarts.Count > 0)
                {
                    starts.AddRange(_pendingStarts);
                    _pendingStarts.Clear();
                }

                if (_deferredWakes.Count > 0)
                {
                    _wakes.AddRange(_deferredWakes);
                    _deferredWakes.Clear();
                }
            }

            if (_wakes.Count > 0)
            {
                foreach (RxAsyncSignal signal in _wakes)
                {
                    if (_options.RunClientContinuationsInline && signal is RxPeerClientCall)
                    {
                        signal.SetInline(); // the caller's code runs here until its next real await: no thread hop
                    }
                    else
                    {
                        signal.Set();
                    }
                }

                _wakes.Clear();
            }

            if (starts.Count > 0)
            {
                StartPendingServerCalls(starts);
            }
        }
    }

    /// <summary>Arms the timer for <paramref name="deadline"/> (lock held); a cheap timer-queue update, no thread wake-up.</summary>
    private void Arm(TimeSpan deadline)
    {
        _armedDeadline = deadline;
        if (IsDisposed)
        {
            return;
        }

        if (deadline == TimeSpan.MaxValue)
        {
            _timer.Change(Timeout.Infinite, Timeout.Infinite);
            return;
        }

        long ms = (long)Math.Ceiling((deadline - Now).TotalMilliseconds);
        _timer.Change(Math.Clamp(ms, 0, 3_600_000), Timeout.Infinite);
    }

    private void OnTimer()
    {
        lock (_lock)
        {
            if (IsDisposed)
            {
                return;
            }

            TimeSpan now = Now;
            _armedDeadline = TimeSpan.MaxValue;
            try
            {
                if (_engine.NextDeadline <= now)
                {
                    _engine.Tick(now);
                }

                FlushLocked();
            }
            catch (Exception ex)
            {
                _logger.LogError(ex, "Rx engine timer failed");
            }

            if (_armedDeadline == TimeSpan.MaxValue)
            {
                Arm(_engine.NextDeadline);
            }
        }
    }

    private void SendLocked(RxOutgoingDatagram datagram)
    {
        try
        {
            if (!_sendAddresses.TryGetValue(datagram.Destination, out SocketAddress? address))
            {
                if (_sendAddresses.Count > 4096)
                {
                    _sendAddresses.Clear();
                }

                IPEndPoint target = datagram.Destination;
                if (_dualMode && target.AddressFamily == AddressFamily.InterNetwork)
                {
                    target = new IPEndPoint(target.Address.MapToIPv6(), target.Port);
                }

                address = target.Serialize();
                _sendAddresses[datagram.Destination] = address;
            }

            _socket.SendTo(datagram.Memory.Span, SocketFlags.None, address);
        }
        catch (SocketException ex)
        {
            _logger.LogDebug(ex, "Rx send to {Destination} failed", datagram.Destination);
        }
        catch (ObjectDisposedException)
        {
        }
        finally
        {
            datagram.Release();
        }
    }

    private sealed class Connector(RxPeer peer, IPEndPoint server, IRxSecurityClass? securityClass) : IRxConnector
    {
        public ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            return ValueTask.FromResult(peer.Connect(server, serviceId, securityClass, requestUpgrade));
        }
    }
}
