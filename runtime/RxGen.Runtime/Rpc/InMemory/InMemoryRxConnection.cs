using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>A client connection of <see cref="InMemoryRxServer"/>; see there for the semantics.</summary>
internal sealed class InMemoryRxConnection : IRxConnection
{
    private readonly InMemoryRxServer _server;
    private readonly bool _requestUpgrade;
    private readonly SemaphoreSlim _channels;
    private readonly object _lock = new();
    private int _serviceId;
    private bool _firstCallStarted;
    private TaskCompletionSource? _probe;
    private volatile bool _disposed;

    internal InMemoryRxConnection(InMemoryRxServer server, ushort serviceId, bool requestUpgrade, RxConnectionInfo info)
    {
        _server = server;
        Info = info;
        _serviceId = serviceId;
        _requestUpgrade = requestUpgrade;
        _channels = new SemaphoreSlim(server.MaxCallsPerConnection, server.MaxCallsPerConnection);
    }

    public ushort ServiceId => (ushort)Volatile.Read(ref _serviceId);

    /// <summary>What the server side of this connection's calls sees.</summary>
    internal RxConnectionInfo Info { get; }

    /// <summary>Marks the connection disposed; calls in flight are left to finish.</summary>
    public ValueTask DisposeAsync()
    {
        _disposed = true;
        return ValueTask.CompletedTask;
    }

    public async ValueTask<IRxClientCall> StartCallAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        bool isProbe = false;
        ushort serviceId;
        while (true)
        {
            Task? probeInProgress = null;
            lock (_lock)
            {
                if (_probe is { Task.IsCompleted: false })
                {
                    probeInProgress = _probe.Task;
                }
                else
                {
                    isProbe = false;
                    if (!_firstCallStarted)
                    {
                        _firstCallStarted = true;
                        if (_requestUpgrade)
                        {
                            isProbe = true;
                            _probe = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        }
                    }
                }
            }

            if (probeInProgress is null)
            {
                break;
            }

            await probeInProgress.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await _channels.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (isProbe)
            {
                EndProbe();
            }

            throw;
        }

        if (_disposed)
        {
            _channels.Release();
            if (isProbe)
            {
                EndProbe();
            }

            throw new ObjectDisposedException(nameof(InMemoryRxConnection));
        }

        lock (_lock)
        {
            if (isProbe && _server.TryGetUpgrade((ushort)_serviceId, out ushort upgraded))
            {
                Volatile.Write(ref _serviceId, upgraded);
            }

            serviceId = (ushort)_serviceId;
        }

        _server.OnCallStarted();
        return InMemoryRxClientCall.Start(_server, this, serviceId, isProbe);
    }

    /// <summary>Frees the call channel of a disposed call.</summary>
    internal void ReleaseChannel() => _channels.Release();

    /// <summary>Lets calls that wait for the probe proceed.</summary>
    internal void EndProbe()
    {
        TaskCompletionSource? probe;
        lock (_lock)
        {
            probe = _probe;
        }

        probe?.TrySetResult();
    }
}
