using System;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace RxGen.Runtime.Onc;

/// <summary>
/// The rendezvous transport (svc_vc's listener): accepts TCP connections and serves each with an
/// <see cref="OncTcpConnection"/>; at most <see cref="OncServerOptions.MaxConnections"/> at once (a
/// connection beyond it is closed at once); closes connections idle past <see cref="OncServerOptions.IdleTimeout"/>.
/// </summary>
internal sealed class OncTcpListener : IAsyncDisposable
{
    private readonly OncServerCore _core;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<OncTcpConnection, Task> _connections = new();
    private Task? _acceptLoop;
    private Task? _idleLoop;

    public OncTcpListener(OncServerCore core, IPEndPoint endPoint)
    {
        _core = core;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            _socket.Bind(endPoint);
            _socket.Listen(512);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
    }

    public IPEndPoint LocalEndPoint { get; }

    public int ConnectionCount => _connections.Count;

    public void Start()
    {
        _acceptLoop = AcceptLoopAsync();
        if (_core.Options.IdleTimeout != Timeout.InfiniteTimeSpan)
        {
            _idleLoop = IdleLoopAsync();
        }
    }

    private async Task AcceptLoopAsync()
    {
        CancellationToken stopping = _core.Stopping;
        while (!stopping.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                _core.Logger.LogDebug("ONC RPC accept failed: {Reason}", ex.SocketErrorCode);
                continue;
            }

            if (_connections.Count >= _core.Options.MaxConnections)
            {
                _core.Metrics.Refused("too_many_connections");
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }

            client.NoDelay = true;
            var connection = new OncTcpConnection(_core, client);
            _core.Metrics.Connections(1);
            var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _connections[connection] = started.Task;
            _ = ServeConnectionAsync(connection, started);
        }
    }

    private async Task ServeConnectionAsync(OncTcpConnection connection, TaskCompletionSource done)
    {
        try
        {
            await connection.RunAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _core.Logger.LogError(ex, "ONC RPC connection from {Remote} failed", connection.RemoteEndPoint);
        }
        finally
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            _connections.TryRemove(connection, out _);
            _core.Metrics.Connections(-1);
            done.TrySetResult();
        }
    }

    private async Task IdleLoopAsync()
    {
        TimeSpan idle = _core.Options.IdleTimeout;
        TimeSpan period = TimeSpan.FromTicks(Math.Clamp(idle.Ticks / 4, TimeSpan.FromMilliseconds(10).Ticks, TimeSpan.FromSeconds(5).Ticks));
        using var timer = new PeriodicTimer(period);
        try
        {
            while (await timer.WaitForNextTickAsync(_core.Stopping).ConfigureAwait(false))
            {
                foreach (OncTcpConnection connection in _connections.Keys)
                {
                    if (connection.CallsInFlight == 0 && connection.IdleFor >= idle)
                    {
                        _core.Metrics.Refused("idle_timeout");
                        connection.Close();
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Stops accepting and reading (the core's stop signal does that); completes when every connection has closed.</summary>
    public async Task WaitClosedAsync()
    {
        _socket.Dispose();
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }

        if (_idleLoop is not null)
        {
            await _idleLoop.ConfigureAwait(false);
        }

        foreach (Task connection in _connections.Values)
        {
            await connection.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        foreach (OncTcpConnection connection in _connections.Keys)
        {
            connection.Close();
        }

        await WaitClosedAsync().ConfigureAwait(false);
    }
}
