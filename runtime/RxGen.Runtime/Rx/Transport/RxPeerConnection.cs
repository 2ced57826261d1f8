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
                return _connections.Count > 0 ? _connections[0].ServiceId : _serviceId;
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
                RxCall? call = null;
                foreach (RxConnection connection in _connections)
                {
                    if (connection.ErrorCode == 0 && connection.HasFreeChannel)
                    {
                        call = _peer.Engine.StartCall(connection, _peer.Now);
                        break;
                    }
                }

                if (call is null)
                {
                    _connections.RemoveAll(c => c.ErrorCode != 0);
                    if (_connections.Count < _peer.Options.MaxConnectionsPerDestination)
                    {
                        bool upgrade = _requestUpgrade && _connections.Count == 0;
                        RxConnection connection = _peer.Engine.CreateClientConnection(_server, _serviceId, _securityClass, upgrade, _peer.Now);
                        _connections.Add(connection);
                        call = _peer.Engine.StartCall(connection, _peer.Now);
                    }
                }

                if (call is not null)
                {
                    var clientCall = new RxPeerClientCall(_peer, call, this);
                    _peer.Track(clientCall);
                    return clientCall;
                }
            }

            await _channelFreed.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Called with the peer's lock held when one of our calls ends.</summary>
    public void OnCallEnded()
    {
        if (_connections.Count > 0)
        {
            _serviceId = _connections[0].ServiceId;
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
