using System;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// The deterministic Rx protocol core for one local endpoint (one UDP socket): connections, calls, windows and timers,
/// with no socket and no clock. Feed it datagrams (<see cref="Receive"/>) and the time (<see cref="Tick"/>), drive calls
/// with <see cref="StartCall"/>, <see cref="Write"/>, <see cref="Read"/>, <see cref="CompleteWrite"/> and
/// <see cref="Abort"/>, and drain <see cref="TryDequeueDatagram"/> and <see cref="TryDequeueEvent"/> after each step.
/// <see cref="NextDeadline"/> says when <see cref="Tick"/> is next needed.
/// </summary>
/// <remarks>
/// Not thread-safe: one owner (the socket loop, or a simulation) serialises every call. Wire input never throws: a bad
/// datagram is counted in <see cref="RxProtocolStatistics.DatagramsDropped"/> and ignored (or aborted, as OpenAFS
/// does). Memory per call is bounded by the receive window and the send buffer; server connections by
/// <see cref="RxProtocolOptions.MaxServerConnections"/>.
/// </remarks>
public sealed partial class RxProtocolEngine
{
    private const int MaxAbortResends = 8;
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(1);

    private readonly RxProtocolOptions _options;
    private readonly Dictionary<uint, RxConnection> _clientConnections = new();
    private readonly Dictionary<ServerKey, RxConnection> _serverConnections = new();
    private readonly Dictionary<IPEndPoint, RxRemotePeer> _peers = new();
    private readonly List<RxPacketBuffer> _batch = new();
    private readonly Stack<RxCall> _recycledCalls = new();

    /// <summary>How many ended calls the engine keeps for reuse (each with its queues and packet objects).</summary>
    private const int MaxRecycledCalls = 256;
    private readonly Dictionary<(ushort Service, byte Index), IRxSecurityClass> _services = new();
    private readonly Dictionary<ushort, ushort> _upgrades = new();
    private readonly List<RxCall> _activeCalls = new();
    private readonly List<RxCall> _finalAcks = new();
    private readonly RxPacketWriter _writer;
    private readonly Queue<RxProtocolEvent> _events = new();
    private readonly RxMemoryBudget _budget;
    private readonly Dictionary<ushort, int> _serverCallsPerService = new();
    private uint _nextConnectionId;
    private TimeSpan _nextSweep;

    /// <summary>Creates an engine.</summary>
    /// <param name="options">Tunables (validated).</param>
    /// <param name="epoch">Our epoch for client connections (OpenAFS: random, bit 31 set, bit 30 clear).</param>
    /// <param name="firstConnectionId">The first cid for client connections (multiples of 4 follow).</param>
    public RxProtocolEngine(RxProtocolOptions options, uint epoch, uint firstConnectionId)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Validate();
        _budget = new RxMemoryBudget(_options.MaxBufferedReceiveBytes);
        _writer = new RxPacketWriter(_options, Statistics);
        Epoch = epoch;
        _nextConnectionId = firstConnectionId & ~RxHeader.ChannelMask;
    }

    /// <summary>Creates an engine with a random epoch and first cid, as OpenAFS picks them.</summary>
    /// <param name="options">Tunables, or null for the defaults.</param>
    /// <returns>The engine.</returns>
    public static RxProtocolEngine CreateRandom(RxProtocolOptions? options = null) =>
        new(options ?? new RxProtocolOptions(), ((uint)Random.Shared.Next() & 0x3FFFFFFFu) | RxHeader.EpochOnlyFlag, (uint)Random.Shared.Next());

    /// <summary>Our epoch for client connections.</summary>
    public uint Epoch { get; }

    /// <summary>The options.</summary>
    public RxProtocolOptions Options => _options;

    /// <summary>Counters.</summary>
    public RxProtocolStatistics Statistics { get; } = new();

    /// <summary>Calls in progress (both directions).</summary>
    public int ActiveCallCount => _activeCalls.Count;

    /// <summary>Bytes of received data held for the application, all calls together (bounded by <see cref="RxProtocolOptions.MaxBufferedReceiveBytes"/>).</summary>
    public long BufferedReceiveBytes => _budget.Used;

    /// <summary>Server connections held.</summary>
    public int ServerConnectionCount => _serverConnections.Count;

    /// <summary>The earliest time <see cref="Tick"/> has work (<see cref="TimeSpan.MaxValue"/> when idle).</summary>
    public TimeSpan NextDeadline
    {
        get
        {
            TimeSpan next = _serverConnections.Count > 0 ? _nextSweep : TimeSpan.MaxValue;
            foreach (RxCall call in _finalAcks)
            {
                if (call.FinalAckAt < next)
                {
                    next = call.FinalAckAt;
                }
            }

            foreach (RxCall call in _activeCalls)
            {
                TimeSpan d = ComputeDeadline(call);
                if (d < next)
                {
                    next = d;
                }
            }

            return next;
        }
    }

    /// <summary>Accepts calls to <paramref name="serviceId"/> protected by <paramref name="securityClass"/>.</summary>
    /// <param name="serviceId">The service id.</param>
    /// <param name="securityClass">A security class the service accepts (one per index).</param>
    public void AddService(ushort serviceId, IRxSecurityClass securityClass)
    {
        ArgumentNullException.ThrowIfNull(securityClass);
        _services[(serviceId, (byte)securityClass.Index)] = securityClass;
    }

    /// <summary>Stops accepting new connections to <paramref name="serviceId"/> (existing ones keep running).</summary>
    /// <param name="serviceId">The service id.</param>
    public void RemoveService(ushort serviceId)
    {
        foreach (var key in new List<(ushort, byte)>(_services.Keys))
        {
            if (key.Item1 == serviceId)
            {
                _services.Remove(key);
            }
        }
    }

    /// <summary>Connections to <paramref name="from"/> that ask for an upgrade switch to <paramref name="to"/>.</summary>
    /// <param name="from">The requested service.</param>
    /// <param name="to">The upgraded service.</param>
    public void AddUpgrade(ushort from, ushort to) => _upgrades[from] = to;

    /// <summary>
    /// Upgrade pairs registered elsewhere (an <c>RxServerCore</c>), consulted after those given to
    /// <see cref="AddUpgrade"/> whenever a new connection asks for an upgrade, so pairs added later still count.
    /// </summary>
    public RxUpgradeLookup? UpgradeLookup { get; set; }

    private bool TryGetUpgrade(ushort from, out ushort to) =>
        _upgrades.TryGetValue(from, out to) || (UpgradeLookup is { } lookup && lookup(from, out to));

    /// <summary>Opens a client connection (no packet is sent until a call starts).</summary>
    /// <param name="peer">The server's address.</param>
    /// <param name="serviceId">The service.</param>
    /// <param name="securityClass">The security class, or null for rxnull.</param>
    /// <param name="requestUpgrade">Mark the first DATA packet as a service-upgrade probe.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The connection.</returns>
    public RxConnection CreateClientConnection(IPEndPoint peer, ushort serviceId, IRxSecurityClass? securityClass, bool requestUpgrade, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(peer);
        uint cid;
        do
        {
            cid = _nextConnectionId;
            _nextConnectionId += 4;
        }
        while (_clientConnections.ContainsKey(cid));

        var connection = new RxConnection(false, Epoch, cid, peer, serviceId, securityClass ?? RxNullSecurityClass.Instance, Remote(peer), now)
        {
            RequestUpgrade = requestUpgrade,
        };
        _clientConnections.Add(cid, connection);
        return connection;
    }

    /// <summary>Closes a client connection: its active calls are aborted with RX_USER_ABORT (-6).</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="now">The current time.</param>
    public void CloseConnection(RxConnection connection, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        foreach (RxCall? call in connection.Calls)
        {
            if (call is { IsActive: true })
            {
                Fail(call, RxGenErrorCodes.UserAbort, sendAbort: true, byPeer: false, now);
            }
            else if (call is { FinalAckIndex: >= 0 })
            {
                SendFinalAck(call, now); // no later call will carry it
            }
        }

        if (connection.ErrorCode == 0)
        {
            connection.ErrorCode = RxGenErrorCodes.UserAbort;
        }

        if (!connection.IsServer)
        {
            _clientConnections.Remove(connection.ConnectionId);
        }
    }

    /// <summary>Starts a call on a free channel of <paramref name="connection"/>.</summary>
    /// <param name="connection">A client connection.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The call, or null when all four channels are busy.</returns>
    /// <exception cref="InvalidOperationException">The connection is a server connection or was aborted.</exception>
    public RxCall? StartCall(RxConnection connection, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.IsServer)
        {
            throw new InvalidOperationException("Calls are started on client connections.");
        }

        if (connection.ErrorCode != 0)
        {
            throw new InvalidOperationException($"The connection failed with code {connection.ErrorCode}.");
        }

        if (connection.UpgradeDeclined)
        {
            return null; // see RxConnection.UpgradeDeclined: a Linux server rejects this connection's service id
        }

        int ch = FreeChannel(connection, now, quietOnly: true);
        if (ch < 0)
        {
            ch = FreeChannel(connection, now, quietOnly: false);
        }

        if (ch >= 0)
        {
            uint number = ++connection.CallNumbers[ch];
            if (number == 0)
            {
                number = connection.CallNumbers[ch] = 1;
            }

            RxCall call = NewCall(connection, ch, number, now);
            Detach(connection.Calls[ch]);
            connection.Calls[ch] = call;
            connection.AbortResends[ch] = 0;
            Track(call);
            Statistics.ClientCalls++;
            return call;
        }

        return null;
    }

    /// <summary>Whether <paramref name="connection"/> has a free channel that has not answered BUSY lately (<see cref="RxProtocolOptions.BusyChannelAvoidance"/>).</summary>
    /// <param name="connection">A client connection.</param>
    /// <param name="now">The current time.</param>
    /// <returns>True when a call started now would go on such a channel.</returns>
    public bool HasQuietChannel(RxConnection connection, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return !connection.UpgradeDeclined && FreeChannel(connection, now, quietOnly: true) >= 0;
    }

    private int FreeChannel(RxConnection connection, TimeSpan now, bool quietOnly)
    {
        for (int ch = 0; ch < RxConnection.ChannelCount; ch++)
        {
            if (connection.Calls[ch] is { IsActive: true })
            {
                continue;
            }

            TimeSpan busy = connection.LastBusyAt[ch];
            if (quietOnly && busy != TimeSpan.MinValue && now - busy < _options.BusyChannelAvoidance)
            {
                continue;
            }

            return ch;
        }

        return -1;
    }

    /// <summary>Queues bytes of this side's data; returns how many were taken (fewer when the send buffer is full).</summary>
    /// <param name="call">The call.</param>
    /// <param name="data">The bytes.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The bytes taken; 0 when the call has ended or its buffer is full (wait for <see cref="RxProtocolEventKind.Writable"/>).</returns>
    /// <exception cref="InvalidOperationException">This side's data was already completed.</exception>
    public int Write(RxCall call, ReadOnlySpan<byte> data, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.IsActive)
        {
            return 0;
        }

        if (call.Send.Completed)
        {
            throw new InvalidOperationException("The call's data was already completed.");
        }

        CloseRequestIfReplying(call);
        int taken = call.Send.Write(data);
        TrySend(call, now);
        return taken;
    }

    /// <summary>Ends this side's data: the partial packet goes out as the LAST packet (an empty one if nothing is pending).</summary>
    /// <param name="call">The call.</param>
    /// <param name="now">The current time.</param>
    public void CompleteWrite(RxCall call, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.IsActive || call.Send.Completed)
        {
            return;
        }

        CloseRequestIfReplying(call);
        call.Send.Complete();
        TrySend(call, now);
    }

    /// <summary>A server that starts its reply is done with the request: the rest is discarded (OpenAFS <c>rx_Write</c>).</summary>
    private static void CloseRequestIfReplying(RxCall call)
    {
        if (call.IsServerCall && !call.Receive.Complete)
        {
            call.Receive.Close();
        }
    }

    /// <summary>Reads the peer's data in order.</summary>
    /// <param name="call">The call.</param>
    /// <param name="destination">Receives the bytes.</param>
    /// <param name="now">The current time.</param>
    /// <returns>The bytes read; 0 when nothing is available yet or at the end (see <see cref="RxCall.IsReceiveComplete"/>).</returns>
    public int Read(RxCall call, Span<byte> destination, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (!call.IsActive)
        {
            return 0;
        }

        uint before = call.Receive.FirstUnconsumed;
        int n = call.Receive.Read(destination);
        if (call.Receive.FirstUnconsumed == before)
        {
            return n;
        }

        if (call.Receive.Complete && !call.IsServerCall)
        {
            // The whole reply is read: the final ACK completes the server's side too. It waits a little for the next
            // call on this channel, whose first DATA packet acknowledges the reply without an ACK datagram.
            // The connection's first ACK goes at once: it tells the server our MTU, window and jumbogram size.
            if (_options.FinalAckDelay > TimeSpan.Zero && call.Connection.AckSent && call.Connection.ErrorCode == 0)
            {
                call.FinalAckAt = now + _options.FinalAckDelay;
                call.FinalAckIndex = _finalAcks.Count;
                _finalAcks.Add(call);
            }
            else
            {
                SendAck(call, RxAckReason.Idle, 0, now);
            }

            Complete(call);
        }
        else if (!call.Receive.Complete)
        {
            if (call.Receive.FirstUnconsumed - call.LastAdvertisedFirst >= (uint)Math.Max(1, call.Receive.Window / 2))
            {
                SendAck(call, RxAckReason.Delay, 0, now);
            }
            else if (call.DelayedAckAt == TimeSpan.MaxValue)
            {
                call.DelayedAckAt = now + _options.AckDelay;
            }
        }

        return n;
    }

    /// <summary>Aborts the call: an ABORT with <paramref name="code"/> goes to the peer and the call fails locally.</summary>
    /// <param name="call">The call.</param>
    /// <param name="code">A non-zero code.</param>
    /// <param name="now">The current time.</param>
    public void Abort(RxCall call, int code, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(call);
        Fail(call, code == 0 ? RxGenErrorCodes.UserAbort : code, sendAbort: true, byPeer: false, now);
    }

    /// <summary>Runs the timers due at <paramref name="now"/>: retransmissions, delayed ACKs, keepalives, dead and idle calls, idle connections.</summary>
    /// <param name="now">The current time.</param>
    public void Tick(TimeSpan now)
    {
        for (int i = _finalAcks.Count - 1; i >= 0; i--)
        {
            if (_finalAcks[i].FinalAckAt <= now)
            {
                SendFinalAck(_finalAcks[i], now); // swaps in the last entry, which this loop has already seen
            }
        }

        for (int i = _activeCalls.Count - 1; i >= 0; i--)
        {
            if (i >= _activeCalls.Count)
            {
                continue;
            }

            RxCall call = _activeCalls[i];
            if (ComputeDeadline(call) <= now)
            {
                RunTimers(call, now);
            }
        }

        if (now >= _nextSweep)
        {
            _nextSweep = now + SweepInterval;
            SweepConnections(now);
        }
    }

    /// <summary>Takes the next datagram to send.</summary>
    /// <param name="datagram">The datagram; release its buffer after sending.</param>
    /// <returns>False when none is queued.</returns>
    public bool TryDequeueDatagram(out RxOutgoingDatagram datagram) => _writer.TryDequeue(out datagram);

    /// <summary>Takes the next call event.</summary>
    /// <param name="callEvent">The event.</param>
    /// <returns>False when none is queued.</returns>
    public bool TryDequeueEvent(out RxProtocolEvent callEvent) => _events.TryDequeue(out callEvent);

    /// <summary>Handles one received datagram. Never throws on its content.</summary>
    /// <param name="datagram">The datagram.</param>
    /// <param name="from">Where it came from.</param>
    /// <param name="now">The current time.</param>
    public void Receive(ReadOnlySpan<byte> datagram, IPEndPoint from, TimeSpan now)
    {
        ArgumentNullException.ThrowIfNull(from);
        Statistics.DatagramsReceived++;
        if (!RxHeader.TryRead(datagram, out RxHeader header, out _))
        {
            Statistics.DatagramsDropped++;
            return;
        }

        Statistics.CountReceived(header.Type);
        ReadOnlySpan<byte> payload = datagram[RxHeader.Size..];
        switch (header.Type)
        {
            case RxPacketType.Version:
                if (header.IsClientInitiated)
                {
                    _writer.Version(header, from); // without CLIENT_INITIATED it is a NAT keepalive: no answer
                }

                return;
            case RxPacketType.Debug:
                if (header.IsClientInitiated && RxDebugRequest.TryRead(payload, out RxDebugRequest debug, out _))
                {
                    AnswerDebug(header, debug, from);
                }
                else
                {
                    Statistics.DatagramsDropped++;
                }

                return;
            case RxPacketType.Params or RxPacketType.Params2 or RxPacketType.Params3 or RxPacketType.Params4:
                return;
        }

        RxConnection? connection = header.IsClientInitiated
            ? FindOrCreateServerConnection(header, from, now)
            : FindClientConnection(header, from);
        if (connection is null)
        {
            Statistics.DatagramsDropped++;
            return;
        }

        connection.LastActivityAt = now;
        connection.Remote.BytesReceived += payload.Length;
        if (header.CallNumber == 0)
        {
            ReceiveConnectionPacket(connection, header, payload, now);
            return;
        }

        RxCall? call = connection.IsServer ? ResolveServerCall(connection, header, now) : ResolveClientCall(connection, header, now);
        if (call is null || !call.IsActive)
        {
            return;
        }

        call.LastReceiveAt = now;
        if (header.Type is RxPacketType.Data or RxPacketType.Ack)
        {
            call.BusyRetryAt = TimeSpan.MaxValue; // the server took the call: back to the normal timers
            call.BusyCount = 0;
        }

        switch (header.Type)
        {
            case RxPacketType.Data:
                ReceiveData(call, header, datagram, now);
                break;
            case RxPacketType.Ack:
                ReceiveAck(call, header, payload, now);
                break;
            case RxPacketType.Abort:
                int code = RxAbort.TryReadCode(payload, out int c, out _) ? c : RxGenErrorCodes.ProtocolError;
                if (IsUpgradeRejection(call, code))
                {
                    // A Linux AF_RXRPC server switched the connection to the new service but answers the probe on
                    // the old one, then rejects our ACKs carrying the old id: the call goes on (its reply is, or
                    // will be, all here); the connection takes no further calls.
                    call.Connection.UpgradeRejected = true;
                    call.Connection.UpgradeDeclined = true;
                    Statistics.UpgradeRejections++;
                    break;
                }

                Fail(call, code, sendAbort: false, byPeer: true, now);
                break;
            case RxPacketType.AckAll:
                call.Send.AckAll();
                if (call.IsServerCall && call.Send.Completed)
                {
                    Complete(call);
                }

                break;
            case RxPacketType.Busy:
                Statistics.BusyReceived++;
                ReceiveBusy(call, now);
                break;
        }
    }

    /// <summary>
    /// A BUSY for one of our calls: the server has not taken it (its channel still runs an older call, or the service
    /// is full). OpenAFS clients note it and wait for the retransmission timer; we send the request again soon, on the
    /// same channel and call number (a call number the server has not run: it can never run twice), backing off
    /// while the BUSY answers go on; new calls pass over the channel for a while.
    /// </summary>
    private void ReceiveBusy(RxCall call, TimeSpan now)
    {
        if (call.IsServerCall)
        {
            return;
        }

        call.Connection.LastBusyAt[call.Channel] = now;
        if (call.ReplyStarted || call.Receive.FirstUnconsumed > 1 || call.Send.FirstUnacked > 1)
        {
            return; // the server has accepted part of this call: a stale BUSY
        }

        if (call.BusyRetryAt != TimeSpan.MaxValue)
        {
            return; // already waiting: one back-off step per round, however many request packets were refused
        }

        int shift = Math.Min(call.BusyCount++, 16);
        call.BusyRetryAt = now + TimeSpan.FromTicks(Math.Min(_options.BusyRetryDelay.Ticks << shift, _options.MaxRetransmitTimeout.Ticks));
    }

    /// <summary>
    /// The Linux AF_RXRPC server's answer to the probe's own old-service-id packets: ABORT -5 on the probe call of a
    /// connection that asked for an upgrade, after the whole request went out and the reply (if any) came on the
    /// old id.
    /// </summary>
    private static bool IsUpgradeRejection(RxCall call, int code) =>
        code == RxGenErrorCodes.ProtocolError
        && !call.IsServerCall
        && call.Connection.RequestUpgrade
        && call.CallNumber == 1
        && call.Send.Completed
        && !call.Connection.UpgradeAdopted;

    private static int ClampWindow(uint value) => (int)Math.Clamp(value, 1u, 255u);

    private RxRemotePeer Remote(IPEndPoint peer)
    {
        if (!_peers.TryGetValue(peer, out RxRemotePeer? remote))
        {
            if (_peers.Count >= _options.MaxServerConnections * 2)
            {
                _peers.Clear(); // bounded: estimates are relearned quickly
            }

            remote = new RxRemotePeer(new RxRttEstimator(_options.InitialRetransmitTimeout, _options.MinRetransmitTimeout, _options.MaxRetransmitTimeout));
            _peers.Add(peer, remote);
        }

        return remote;
    }

    private RxConnection? FindClientConnection(in RxHeader header, IPEndPoint from)
    {
        if (header.Epoch != Epoch || !_clientConnections.TryGetValue(header.ConnectionId, out RxConnection? connection))
        {
            return null;
        }

        // OpenAFS matches client connections on the port (any host); we also insist on the address unless the
        // epoch says "identified by epoch and cid only".
        if ((Epoch & RxHeader.EpochOnlyFlag) == 0 && !connection.Peer.Equals(from))
        {
            return null;
        }

        return connection;
    }

    private RxConnection? FindOrCreateServerConnection(in RxHeader header, IPEndPoint from, TimeSpan now)
    {
        var key = new ServerKey(header.Epoch, header.ConnectionId, (header.Epoch & RxHeader.EpochOnlyFlag) != 0 ? null : from);
        if (_serverConnections.TryGetValue(key, out RxConnection? connection))
        {
            connection.Peer = from;
            return connection;
        }

        if (header.Type != RxPacketType.Data || header.CallNumber == 0)
        {
            return null;
        }

        if (!_services.TryGetValue((header.ServiceId, header.SecurityIndex), out IRxSecurityClass? securityClass))
        {
            if (_options.AbortUnknownServices)
            {
                _writer.RawAbort(header, from, RxGenErrorCodes.InvalidOperation);
            }

            return null;
        }

        if (_serverConnections.Count >= _options.MaxServerConnections)
        {
            SweepConnections(now);
            if (_serverConnections.Count >= _options.MaxServerConnections)
            {
                return null;
            }
        }

        ushort serviceId = header.ServiceId;
        if (header.UserStatus == 1 && TryGetUpgrade(serviceId, out ushort upgraded) && _services.ContainsKey((upgraded, header.SecurityIndex)))
        {
            serviceId = upgraded;
        }

        connection = new RxConnection(true, header.Epoch, header.ConnectionId, from, serviceId, securityClass, Remote(from), now);
        _serverConnections.Add(key, connection);
        return connection;
    }

    private RxCall? ResolveServerCall(RxConnection connection, in RxHeader header, TimeSpan now)
    {
        int ch = header.Channel;
        uint current = connection.CallNumbers[ch];
        RxCall? call = connection.Calls[ch];
        if (header.CallNumber > current)
        {
            if (header.Type != RxPacketType.Data || header.Seq == 0 || header.Seq > (uint)_options.ReceiveWindow)
            {
                Statistics.DatagramsDropped++;
                return null;
            }

            if (call is { IsActive: true })
            {
                if (call.Send.Completed)
                {
                    Complete(call); // the next call implicitly acknowledges the previous reply
                }
                else
                {
                    // The client moved on while we still run the old call: it is dead; ask the client to retry.
                    Fail(call, RxGenErrorCodes.CallDead, sendAbort: false, byPeer: false, now);
                    _writer.Empty(connection, ch, header.CallNumber, RxPacketType.Busy);
                    return null;
                }
            }

            if (!connection.Security.IsAuthenticated)
            {
                _writer.Challenge(connection); // one per DATA packet of an unauthenticated connection: bounded by the client
                return null;
            }

            if (_options.MaxServerCallsPerService > 0
                && _serverCallsPerService.TryGetValue(connection.ServiceId, out int inProgress)
                && inProgress >= _options.MaxServerCallsPerService)
            {
                // The service is full: refuse before accepting any packet, so the client keeps its whole request
                // (rx_BusyThreshold in OpenAFS). The call number is not taken: the same call may come again.
                Statistics.ServerCallsRefused++;
                if (_options.BusyAbortCode != 0)
                {
                    _writer.Abort(connection, ch, header.CallNumber, _options.BusyAbortCode);
                }
                else
                {
                    _writer.Empty(connection, ch, header.CallNumber, RxPacketType.Busy);
                }

                return null;
            }

            RxCall? previous = call;
            call = NewCall(connection, ch, header.CallNumber, now);
            connection.CallNumbers[ch] = header.CallNumber;
            Detach(previous);
            connection.Calls[ch] = call;
            connection.AbortResends[ch] = 0;
            Track(call);
            Statistics.ServerCalls++;
            _events.Enqueue(new RxProtocolEvent(RxProtocolEventKind.IncomingCall, call, 0));
            return call;
        }

        if (header.CallNumber < current || call is null)
        {
            Statistics.DatagramsDropped++;
            return null;
        }

        if (!call.IsActive)
        {
            AnswerEndedCall(call, header, now);
            return null;
        }

        return call;
    }

    private RxCall? ResolveClientCall(RxConnection connection, in RxHeader header, TimeSpan now)
    {
        RxCall? call = connection.Calls[header.Channel];
        if (call is null || header.CallNumber != call.CallNumber)
        {
            Statistics.DatagramsDropped++;
            return null;
        }

        if (!call.IsActive)
        {
            AnswerEndedCall(call, header, now);
            return null;
        }

        return call;
    }

    /// <summary>A packet for a call that has ended: re-acknowledge a retransmitted reply, or repeat our abort (bounded).</summary>
    private void AnswerEndedCall(RxCall call, in RxHeader header, TimeSpan now)
    {
        if (header.Type == RxPacketType.Abort)
        {
            return;
        }

        if (call.State == RxCallState.Completed)
        {
            if (header.Type == RxPacketType.Data && !call.IsServerCall)
            {
                SendAck(call, RxAckReason.Duplicate, header.Serial, now);
            }

            return;
        }

        if (!call.AbortedByPeer && header.Type is RxPacketType.Data or RxPacketType.Ack
            && call.Connection.AbortResends[call.Channel]++ < MaxAbortResends)
        {
            SendAbortPacket(call.Connection, call.Channel, call.CallNumber, call.ErrorCode, now);
        }
    }

    private void ReceiveConnectionPacket(RxConnection connection, in RxHeader header, ReadOnlySpan<byte> payload, TimeSpan now)
    {
        switch (header.Type)
        {
            case RxPacketType.Abort:
                int code = RxAbort.TryReadCode(payload, out int c, out _) ? c : RxGenErrorCodes.ProtocolError;
                connection.ErrorCode = code == 0 ? RxGenErrorCodes.ProtocolError : code;
                foreach (RxCall? call in connection.Calls)
                {
                    if (call is { IsActive: true })
                    {
                        Fail(call, connection.ErrorCode, sendAbort: false, byPeer: true, now);
                    }
                }

                break;
            case RxPacketType.Challenge when !connection.IsServer:
                if (_writer.Response(connection, payload))
                {
                    // The server dropped the DATA that prompted the challenge: resend now rather than after a timeout.
                    foreach (RxCall? call in connection.Calls)
                    {
                        if (call is { IsActive: true })
                        {
                            call.Send.ResendUnacked();
                            TrySend(call, now);
                        }
                    }
                }

                break;
            case RxPacketType.Response when connection.IsServer:
                if (!connection.Security.CheckResponse(payload))
                {
                    SendAbortPacket(connection, 0, 0, RxGenErrorCodes.ProtocolError, now);
                }

                break;
        }
    }

    private void ReceiveData(RxCall call, in RxHeader first, ReadOnlySpan<byte> datagram, TimeSpan now)
    {
        RxJumbogram.Reader reader = RxJumbogram.Read(datagram, first, _options.MaxReceiveJumboPackets);
        while (reader.TryReadNext(out RxHeader header, out ReadOnlySpan<byte> data))
        {
            if (!call.Connection.Security.CheckPacket(header, data, out int length) || (uint)length > (uint)data.Length)
            {
                Statistics.DatagramsDropped++;
                return;
            }

            ReceiveDataPacket(call, header, data[..length], now);
            if (!call.IsActive)
            {
                return;
            }
        }
    }

    private void ReceiveDataPacket(RxCall call, in RxHeader header, ReadOnlySpan<byte> data, TimeSpan now)
    {
        if (!call.IsServerCall && !call.ReplyStarted)
        {
            // The first reply packet: the server has the whole request (a reply implicitly acknowledges it).
            call.ReplyStarted = true;
            if (call.Send.Completed)
            {
                if (call.RequestSentAt != TimeSpan.MinValue)
                {
                    AddRttSample(call, now - call.RequestSentAt);
                }

                call.Send.AckAll();
            }

            if (call.Connection.RequestUpgrade && call.CallNumber == 1 && !call.Connection.UpgradeAdopted)
            {
                if (header.ServiceId != call.Connection.ServiceId)
                {
                    call.Connection.ServiceId = header.ServiceId;
                    call.Connection.UpgradeAdopted = true;
                }
                else
                {
                    call.Connection.UpgradeDeclined = true; // answered on the old id: see RxConnection.UpgradeDeclined
                }
            }
        }

        bool wasReadable = call.Receive.Readable;
        RxReceiveOutcome outcome = call.Receive.Accept(header.Seq, data, (header.Flags & RxPacketFlags.LastPacket) != 0, _options.MaxReceivePacketDataSize);
        switch (outcome)
        {
            case RxReceiveOutcome.InOrder:
                Statistics.DataPacketsReceived++;
                call.LastProgressAt = now;
                if ((header.Flags & RxPacketFlags.RequestAck) != 0 || ++call.PacketsSinceAck >= _options.AckEveryPackets)
                {
                    SendAck(call, RxAckReason.Requested, header.Serial, now);
                }
                else if (call.DelayedAckAt == TimeSpan.MaxValue)
                {
                    call.DelayedAckAt = now + _options.AckDelay;
                }

                break;
            case RxReceiveOutcome.OutOfOrder:
                Statistics.DataPacketsReceived++;
                call.LastProgressAt = now;
                SendAck(call, RxAckReason.OutOfSequence, header.Serial, now);
                break;
            case RxReceiveOutcome.Duplicate:
                Statistics.DuplicateDataPacketsReceived++;
                SendAck(call, RxAckReason.Duplicate, header.Serial, now);
                break;
            case RxReceiveOutcome.ExceedsWindow:
                SendAck(call, RxAckReason.ExceedsWindow, header.Serial, now);
                break;
            case RxReceiveOutcome.NoSpace:
                SendAck(call, RxAckReason.NoSpace, header.Serial, now);
                break;
            case RxReceiveOutcome.Ignored:
                break;
            default:
                Statistics.DatagramsDropped++;
                break;
        }

        if (!wasReadable && call.Receive.Readable)
        {
            _events.Enqueue(new RxProtocolEvent(RxProtocolEventKind.Readable, call, 0));
        }
    }

    private void ReceiveAck(RxCall call, in RxHeader header, ReadOnlySpan<byte> payload, TimeSpan now)
    {
        if (!RxAckBody.TryRead(payload, out RxAckBody ack, out _))
        {
            Statistics.DatagramsDropped++;
            return;
        }

        Statistics.AcksReceived++;
        if (ack.Trailer.ReceiveWindow is uint window)
        {
            call.Send.PeerWindow = ClampWindow(window);
        }

        if (ack.Trailer.MaxMtu is not null)
        {
            call.Connection.Remote.Learn(ack.Trailer, _options.MaxSendJumboPackets);
            if (call.Connection.Remote.JumboPackets > 1)
            {
                call.Send.UsePacketSize(RxJumbogram.PacketDataSize - call.Connection.Security.PacketOverhead);
            }
        }

        if ((header.Flags & RxPacketFlags.RequestAck) != 0)
        {
            SendAck(call, RxAckReason.PingResponse, header.Serial, now);
        }

        if (ack.Reason == RxAckReason.PingResponse && call.PingSerial != 0 && ack.Serial == call.PingSerial)
        {
            AddRttSample(call, now - call.PingSentAt);
            call.PingSerial = 0;
        }
        else if (ack.Serial != 0 && ack.Reason is not (RxAckReason.Delay or RxAckReason.Idle or RxAckReason.PingResponse or RxAckReason.Ping))
        {
            RxPacketBuffer? prompted = call.Send.FindBySerial(ack.Serial);
            if (prompted is not null)
            {
                AddRttSample(call, now - prompted.SentAt);
            }
        }

        bool hadSpace = call.Send.HasSpace;
        int newly = call.Send.OnAck(ack.FirstPacket, ack.Acks); // fast retransmit: see RxSendQueue.OnAck
        if (newly > 0)
        {
            call.LastProgressAt = now;
            if (call.Send.CanUndoTimeout && ack.Serial != 0)
            {
                if (unchecked((int)(ack.Serial - call.Send.TimeoutSerial)) < 0)
                {
                    Statistics.SpuriousTimeouts++;
                    call.Send.UndoTimeout(); // prompted by a packet sent before the timeout: it was not lost
                }
                else
                {
                    call.Send.ForgetTimeout();
                }
            }
        }

        if (call.IsServerCall && call.Send.AllAcked)
        {
            Complete(call);
            return;
        }

        TrySend(call, now);
        if (!hadSpace && call.Send.HasSpace)
        {
            _events.Enqueue(new RxProtocolEvent(RxProtocolEventKind.Writable, call, 0));
        }
    }

    private void TrySend(RxCall call, TimeSpan now)
    {
        RxConnection connection = call.Connection;
        int jumbo = connection.Remote.JumboPackets;
        int jumboData = RxJumbogram.PacketDataSize - connection.Security.PacketOverhead;
        bool sentAny = false;
        while (call.IsActive && call.Send.NextToSend() is RxPacketBuffer first)
        {
            // Batch consecutive first transmissions of full packets into one jumbogram; retransmissions go alone.
            _batch.Clear();
            _batch.Add(first);
            bool retransmit = first.Transmits > 0;
            call.Send.MarkSent(first, 0, now);
            while (!retransmit && _batch.Count < jumbo && _batch[^1] is { Last: false } previous && previous.Length == jumboData
                && call.Send.NextToSend() is RxPacketBuffer next && next.Transmits == 0 && next.Seq == previous.Seq + 1)
            {
                call.Send.MarkSent(next, 0, now);
                _batch.Add(next);
            }

            SendBatch(call, _batch, retransmit, now);
            sentAny = true;
        }

        _batch.Clear();
        if (sentAny && call.IsServerCall && call.Receive.Complete)
        {
            call.DelayedAckAt = TimeSpan.MaxValue; // the reply acknowledges the request
            call.PacketsSinceAck = 0;
        }
    }

    /// <summary>Sends one DATA packet or jumbogram and notes the request's send time (for request→reply RTT).</summary>
    private void SendBatch(RxCall call, List<RxPacketBuffer> batch, bool retransmit, TimeSpan now)
    {
        _writer.Data(call, batch, retransmit);
        if (_finalAcks.Count > 0 && !call.IsServerCall)
        {
            DropFinalAckCarriedBy(call);
        }

        RxPacketBuffer last = batch[^1];
        if (last.Last && !call.IsServerCall)
        {
            call.RequestSentAt = retransmit ? TimeSpan.MinValue : now; // Karn: a retransmitted request gives no sample
        }

        call.LastSendAt = now;
    }

    private TimeSpan ComputeDeadline(RxCall call)
    {
        TimeSpan next = call.DelayedAckAt;
        TimeSpan retransmit = call.BusyRetryAt != TimeSpan.MaxValue
            ? call.BusyRetryAt // waiting on a BUSY replaces the retransmission timer
            : call.Send.RetransmitDeadline(call.Rtt.BackedOff(call.Send.Backoff));
        if (retransmit < next)
        {
            next = retransmit;
        }

        TimeSpan dead = call.LastReceiveAt + _options.DeadTime;
        if (dead < next)
        {
            next = dead;
        }

        TimeSpan keepalive = call.LastSendAt + _options.KeepaliveInterval;
        if (keepalive < next)
        {
            next = keepalive;
        }

        if (_options.IdleTimeout > TimeSpan.Zero && !call.IsServerCall && call.Send.Completed)
        {
            TimeSpan idle = call.LastProgressAt + _options.IdleTimeout;
            if (idle < next)
            {
                next = idle;
            }
        }

        if (_options.HardDeadTime > TimeSpan.Zero)
        {
            TimeSpan hard = call.StartedAt + _options.HardDeadTime;
            if (hard < next)
            {
                next = hard;
            }
        }

        return next;
    }

    private void RunTimers(RxCall call, TimeSpan now)
    {
        if (_options.HardDeadTime > TimeSpan.Zero && now >= call.StartedAt + _options.HardDeadTime)
        {
            Fail(call, RxGenErrorCodes.CallTimeout, sendAbort: true, byPeer: false, now);
            return;
        }

        if (now >= call.LastReceiveAt + _options.DeadTime)
        {
            Fail(call, RxGenErrorCodes.CallDead, sendAbort: false, byPeer: false, now);
            return;
        }

        if (_options.IdleTimeout > TimeSpan.Zero && !call.IsServerCall && call.Send.Completed && now >= call.LastProgressAt + _options.IdleTimeout)
        {
            Fail(call, RxGenErrorCodes.CallTimeout, sendAbort: true, byPeer: false, now);
            return;
        }

        if (call.BusyRetryAt != TimeSpan.MaxValue)
        {
            if (now >= call.BusyRetryAt)
            {
                call.BusyRetryAt = TimeSpan.MaxValue;
                Statistics.BusyRetries++;
                call.Send.ResendUnacked();
                TrySend(call, now);
            }
        }
        else if (now >= call.Send.RetransmitDeadline(call.Rtt.BackedOff(call.Send.Backoff)))
        {
            Statistics.Timeouts++;
            call.Send.OnTimeout(call.Connection.NextSerial);
            TrySend(call, now);
        }

        if (now >= call.DelayedAckAt)
        {
            SendAck(call, RxAckReason.Delay, 0, now);
        }

        if (now >= call.LastSendAt + _options.KeepaliveInterval)
        {
            SendAck(call, RxAckReason.Ping, 0, now, ping: true);
        }
    }

    private void SweepConnections(TimeSpan now)
    {
        List<ServerKey>? stale = null;
        foreach (KeyValuePair<ServerKey, RxConnection> entry in _serverConnections)
        {
            RxConnection connection = entry.Value;
            if (connection.ActiveCalls == 0 && now - connection.LastActivityAt >= _options.ConnectionIdleTime)
            {
                (stale ??= new List<ServerKey>()).Add(entry.Key);
            }
        }

        if (stale is not null)
        {
            foreach (ServerKey key in stale)
            {
                _serverConnections.Remove(key);
            }
        }
    }

    /// <summary>Adds a call to the timer list (in a deterministic order: simulations replay from their seed).</summary>
    private void Track(RxCall call)
    {
        call.ActiveIndex = _activeCalls.Count;
        _activeCalls.Add(call);
        if (call.IsServerCall)
        {
            _serverCallsPerService[call.ServiceId] = _serverCallsPerService.GetValueOrDefault(call.ServiceId) + 1;
        }
    }

    /// <summary>Removes a call from the timer list in O(1): the last call takes its place.</summary>
    private void Untrack(RxCall call)
    {
        int index = call.ActiveIndex;
        if (index < 0)
        {
            return;
        }

        if (call.IsServerCall && _serverCallsPerService.TryGetValue(call.ServiceId, out int n))
        {
            _serverCallsPerService[call.ServiceId] = n - 1;
        }

        RxCall last = _activeCalls[^1];
        _activeCalls[index] = last;
        last.ActiveIndex = index;
        _activeCalls.RemoveAt(_activeCalls.Count - 1);
        call.ActiveIndex = -1;
    }

    private void Complete(RxCall call)
    {
        if (!call.IsActive)
        {
            return;
        }

        call.State = RxCallState.Completed;
        Retire(call);
        _events.Enqueue(new RxProtocolEvent(RxProtocolEventKind.Ended, call, 0));
    }

    private void Fail(RxCall call, int code, bool sendAbort, bool byPeer, TimeSpan now)
    {
        if (!call.IsActive)
        {
            return;
        }

        call.State = RxCallState.Failed;
        call.ErrorCode = code;
        call.AbortedByPeer = byPeer;
        if (sendAbort)
        {
            SendAbortPacket(call.Connection, call.Channel, call.CallNumber, code, now);
        }

        Retire(call);
        _events.Enqueue(new RxProtocolEvent(RxProtocolEventKind.Ended, call, code));
    }

    private void Retire(RxCall call)
    {
        call.Send.Release();
        call.Receive.Release();
        call.DelayedAckAt = TimeSpan.MaxValue;
        Untrack(call);
        call.Retired = true;
        Recycle(call);
    }

    /// <summary>
    /// The layer above will never touch <paramref name="call"/> again (it has seen the call end, or gives it up): the
    /// engine may reuse the object, with its queues and packet objects, for a later call once the call has ended and
    /// a newer call has taken its channel (until then it answers late packets of the ended call). Optional: a call
    /// never released is left to the GC.
    /// </summary>
    /// <param name="call">A call of this engine.</param>
    public void ReleaseCall(RxCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        if (call.IsActive)
        {
            throw new InvalidOperationException($"{call} is still active: release a call only after its Ended event.");
        }

        call.OwnerReleased = true;
        Recycle(call);
    }

    private RxCall NewCall(RxConnection connection, int channel, uint callNumber, TimeSpan now)
    {
        if (_recycledCalls.TryPop(out RxCall? call))
        {
            call.Reuse(connection, channel, callNumber, _options, connection.Rtt, now);
            return call;
        }

        return new RxCall(connection, channel, callNumber, _options, connection.Rtt, _budget, now);
    }

    /// <summary>A newer call takes the channel of <paramref name="call"/>: no packet can reach it any more.</summary>
    private void Detach(RxCall? call)
    {
        if (call is not null)
        {
            call.Detached = true;
            Recycle(call);
        }
    }

    private void Recycle(RxCall call)
    {
        if (call.Recyclable && _recycledCalls.Count < MaxRecycledCalls)
        {
            call.OwnerReleased = false; // taken: a second ReleaseCall for the same call cannot push it twice
            call.Retired = false;
            call.UserState = null;
            _recycledCalls.Push(call);
        }
    }

    /// <summary>Sends every pending final ACK now (the layer above is about to stop: no later call will carry them).</summary>
    /// <param name="now">The current time.</param>
    public void FlushFinalAcks(TimeSpan now)
    {
        while (_finalAcks.Count > 0)
        {
            SendFinalAck(_finalAcks[^1], now);
        }
    }

    private void SendFinalAck(RxCall call, TimeSpan now)
    {
        RemoveFinalAck(call);
        SendAck(call, RxAckReason.Idle, 0, now);
        Recycle(call);
    }

    /// <summary>A DATA packet of <paramref name="call"/> went out: it acknowledges the reply of the previous call on its channel.</summary>
    private void DropFinalAckCarriedBy(RxCall call)
    {
        foreach (RxCall pending in _finalAcks)
        {
            if (pending.Connection == call.Connection && pending.Channel == call.Channel && pending != call)
            {
                RemoveFinalAck(pending);
                Recycle(pending);
                return;
            }
        }
    }

    private void RemoveFinalAck(RxCall call)
    {
        int index = call.FinalAckIndex;
        RxCall last = _finalAcks[^1];
        _finalAcks[index] = last;
        last.FinalAckIndex = index;
        _finalAcks.RemoveAt(_finalAcks.Count - 1);
        call.FinalAckIndex = -1;
        call.FinalAckAt = TimeSpan.MaxValue;
    }

    private void SendAck(RxCall call, RxAckReason reason, uint serial, TimeSpan now, bool ping = false)
    {
        RxHeader header = _writer.Ack(call, reason, serial, ping);
        if (ping)
        {
            call.PingSerial = header.Serial;
            call.PingSentAt = now;
        }

        call.Connection.AckSent = true;
        call.LastAdvertisedFirst = call.Receive.FirstUnconsumed;
        call.PacketsSinceAck = 0;
        call.DelayedAckAt = TimeSpan.MaxValue;
        call.LastSendAt = now;
    }

    private void AddRttSample(RxCall call, TimeSpan rtt)
    {
        call.Rtt.AddSample(rtt);
        Statistics.AddRttSample(rtt);
    }

    /// <summary>The RXSTATS answer: the counters this engine keeps, in <c>struct rx_statistics</c>; zero for the rest.</summary>
    private RxDebugRxStats BuildRxStats()
    {
        RxProtocolStatistics s = Statistics;
        var stats = new RxDebugRxStats();
        for (int type = 1; type <= RxDebugRxStats.PacketTypeCount; type++)
        {
            stats.SetPacketsRead((RxPacketType)type, RxDebugRxStats.Word(s.GetPacketsReceived((RxPacketType)type)));
            stats.SetPacketsSent((RxPacketType)type, RxDebugRxStats.Word(s.GetPacketsSent((RxPacketType)type)));
        }

        stats[RxStatsWord.BogusPacketOnRead] = RxDebugRxStats.Word(s.DatagramsDropped);
        stats[RxStatsWord.DataPacketsRead] = RxDebugRxStats.Word(s.DataPacketsReceived);
        stats[RxStatsWord.AckPacketsRead] = RxDebugRxStats.Word(s.AcksReceived);
        stats[RxStatsWord.DupPacketsRead] = RxDebugRxStats.Word(s.DuplicateDataPacketsReceived);
        stats[RxStatsWord.AckPacketsSent] = RxDebugRxStats.Word(s.AcksSent);
        stats[RxStatsWord.PingPacketsSent] = RxDebugRxStats.Word(s.PingsSent);
        stats[RxStatsWord.AbortPacketsSent] = RxDebugRxStats.Word(s.AbortsSent);
        stats[RxStatsWord.BusyPacketsSent] = RxDebugRxStats.Word(s.BusySent);
        stats[RxStatsWord.DataPacketsSent] = RxDebugRxStats.Word(s.DataPacketsSent);
        stats[RxStatsWord.DataPacketsResent] = RxDebugRxStats.Word(s.Retransmissions);
        stats.SetClock(RxStatsWord.TotalRtt, s.RttTotal);
        stats.SetClock(RxStatsWord.MinRtt, s.RttMin);
        stats.SetClock(RxStatsWord.MaxRtt, s.RttMax);
        stats[RxStatsWord.RttSamples] = RxDebugRxStats.Word(s.RttSamples);
        stats[RxStatsWord.ServerConnections] = _serverConnections.Count;
        stats[RxStatsWord.ClientConnections] = _clientConnections.Count;
        stats[RxStatsWord.PeerStructs] = _peers.Count;
        stats[RxStatsWord.CallStructs] = _activeCalls.Count;
        stats[RxStatsWord.Busies] = RxDebugRxStats.Word(s.BusyReceived);
        return stats;
    }

    private void SendAbortPacket(RxConnection connection, int channel, uint callNumber, int code, TimeSpan now)
    {
        _writer.Abort(connection, channel, callNumber, code);
        connection.LastActivityAt = now;
    }

    private readonly record struct ServerKey(uint Epoch, uint ConnectionId, IPEndPoint? Peer);
}
