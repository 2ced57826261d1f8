using System;
using System.Collections.Generic;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// What generated clients hold: calls to one service at one peer with one security class. Calls spread over the
/// 4 channels of an Rx connection; when all are busy another Rx connection opens (up to
/// <see cref="RxPeerOptions.MaxConnectionsPerDestination"/>), after which callers wait for a channel.
/// </summary>
internal sealed class RxPeerConnection : IRxConnection
{
    private readonly RxPeer _peer;
    private readonly IPEndPoint _server;
    private readonly IRxSecurityClass? _securityClass;
    private readonly bool _requestUpgrade;
    private readonly List<RxConnection> _connections = new();
    private readonly RxAsyncSignal _channelFreed = new();
    private ushort _serviceId;
    private bool _disposed;
    private bool _firstCallStarted;
    private RxPeerClientCall? _probe;

    public RxPeerConnection(RxPeer peer, IPEndPoint server, ushort serviceId, IRxSecurityClass? securityClass, bool requestUpgrade)
    {
        _peer = peer;
        _server = server;
        _serviceId = serviceId;
        _securityClass = securityClass;
        _requestUpgrade = requestUpgrade;
    }

    public ushort ServiceId
    {
        get
        {
            lock (_peer.Lock)
            {
                foreach (RxConnection connection in _connections)
                {
                    if (connection.ErrorCode == 0 && !connection.UpgradeDeclined)
                    {
                        return connection.ServiceId;
                    }
                }

                return _serviceId;
            }
        }
    }

    public async ValueTask<IRxClientCall> StartCallAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            lock (_peer.Lock)
            {
                ObjectDisposedException.ThrowIf(_disposed || _peer.IsDisposed, this);
                if (TryStartLocked() is RxPeerClientCall started)
                {
                    return started;
                }
            }

            await _channelFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Starts a call on a free channel, opening a connection if needed; null while the upgrade probe runs or every channel is busy.</summary>
    private RxPeerClientCall? TryStartLocked()
    {
        if (_probe is not null)
        {
            return null; // the upgrade probe decides the service of every later call
        }

        RxCall? call = null;
        TimeSpan now = _peer.Now;
        foreach (RxConnection connection in _connections)
        {
            // First choice: a free channel that has not answered BUSY lately (its server may still run an old call).
            if (connection.ErrorCode == 0 && _peer.Engine.HasQuietChannel(connection, now))
            {
                call = _peer.Engine.StartCall(connection, now);
                break;
            }
        }

        if (call is null)
        {
            _connections.RemoveAll(c => c.ErrorCode != 0 || (c.UpgradeDeclined && c.ActiveCalls == 0));
            if (_connections.Count >= _peer.Options.MaxConnectionsPerDestination)
            {
                foreach (RxConnection open in _connections)
                {
                    if (open.ErrorCode == 0 && open.HasFreeChannel)
                    {
                        call = _peer.Engine.StartCall(open, now); // only recently busy channels are left
                        break;
                    }
                }

                if (call is null)
                {
                    return null;
                }

                return Track(call);
            }

            bool upgrade = _requestUpgrade && !_firstCallStarted;
            RxConnection connection = _peer.Engine.CreateClientConnection(_server, _serviceId, _securityClass, upgrade, _peer.Now);
            _connections.Add(connection);
            call = _peer.Engine.StartCall(connection, _peer.Now)!;
        }

        return Track(call);
    }

    private RxPeerClientCall Track(RxCall call)
    {
        var clientCall = new RxPeerClientCall(_peer, call, this);
        _peer.Track(clientCall);
        if (_requestUpgrade && !_firstCallStarted)
        {
            _probe = clientCall;
        }

        _firstCallStarted = true;
        return clientCall;
    }

    /// <summary>Called with the peer's lock held when one of our calls ends.</summary>
    public void OnCallEnded(RxPeerClientCall call)
    {
        if (ReferenceEquals(call, _probe))
        {
            _probe = null;
        }

        foreach (RxConnection connection in _connections)
        {
            if (connection.UpgradeDeclined)
            {
                // The probe was answered on the old service id. A Linux AF_RXRPC server has switched this connection
                // to the new id anyway and rejects the old one from now on, so later calls go on a fresh connection to
                // the original service, without asking for the upgrade again (_firstCallStarted stays set).
                if (connection.ActiveCalls == 0 && connection.ErrorCode == 0)
                {
                    _peer.Engine.CloseConnection(connection, _peer.Now);
                }
            }
            else if (connection.ErrorCode == 0)
            {
                _serviceId = connection.ServiceId;
                break;
            }
        }

        _channelFreed.Set();
    }

    public ValueTask DisposeAsync()
    {
        lock (_peer.Lock)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            if (!_peer.IsDisposed)
            {
                foreach (RxConnection connection in _connections)
                {
                    _peer.Engine.CloseConnection(connection, _peer.Now);
                }

                _peer.FlushLocked();
            }

            _connections.Clear();
        }

        _channelFreed.Set();
        return ValueTask.CompletedTask;
    }
}
