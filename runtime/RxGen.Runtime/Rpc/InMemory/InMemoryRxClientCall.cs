using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>The client side of an in-memory call; starts the server side. See <see cref="InMemoryRxServer"/>.</summary>
internal sealed class InMemoryRxClientCall : IRxClientCall
{
    private readonly InMemoryRxConnection _connection;
    private readonly InMemoryRxCallState _state;
    private readonly bool _isProbe;
    private bool _requestCompleted;
    private bool _replyEnded;
    private int _disposed;

    private InMemoryRxClientCall(InMemoryRxConnection connection, InMemoryRxCallState state, ushort serviceId, bool isProbe)
    {
        _connection = connection;
        _state = state;
        ServiceId = serviceId;
        _isProbe = isProbe;
    }

    public ushort ServiceId { get; }

    internal static InMemoryRxClientCall Start(InMemoryRxServer server, InMemoryRxConnection connection, ushort serviceId, bool isProbe)
    {
        var state = new InMemoryRxCallState();
        var call = new InMemoryRxClientCall(connection, state, serviceId, isProbe);
        if (!server.Core.TryGetService(serviceId, out IRxService? service))
        {
            // OpenAFS answers a call to a service it does not offer with RX_INVALID_OPERATION.
            state.TryAbort(RxGenErrorCodes.InvalidOperation, byClient: false);
            state.MarkServerDone();
        }
        else
        {
            var serverCall = new InMemoryRxServerCall(state, serviceId, connection.Info);
            server.OnServerCallStarted();
            _ = Task.Run(() => serverCall.RunAsync(server, service));
        }

        return call;
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (_requestCompleted)
        {
            _state.ThrowIfAborted();
            throw new InvalidOperationException("The request was already completed.");
        }

        try
        {
            await _state.WriteAsync(_state.Request.Writer, data, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnFailure(ex, cancellationToken);
            throw;
        }
    }

    public async ValueTask CompleteRequestAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (_requestCompleted)
        {
            return;
        }

        _requestCompleted = true;
        await _state.Request.Writer.CompleteAsync().ConfigureAwait(false);
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await CompleteRequestAsync(cancellationToken).ConfigureAwait(false);
        int n;
        try
        {
            n = await _state.ReadAsync(_state.Reply.Reader, buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            OnFailure(ex, cancellationToken);
            throw;
        }

        if (n == 0 && !_replyEnded)
        {
            _replyEnded = true;
            EndProbe();
        }

        return n;
    }

    public ValueTask AbortAsync(int code, CancellationToken cancellationToken = default)
    {
        if (code == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(code), "An abort code must not be 0.");
        }

        cancellationToken.ThrowIfCancellationRequested();
        _state.TryAbort(code, byClient: true);
        EndProbe();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (!_replyEnded && !_state.ServerDone)
        {
            _state.TryAbort(RxGenErrorCodes.UserAbort, byClient: true);
        }

        if (!_requestCompleted)
        {
            _requestCompleted = true;
            await _state.Request.Writer.CompleteAsync().ConfigureAwait(false);
        }

        await _state.Reply.Reader.CompleteAsync().ConfigureAwait(false);
        _connection.ReleaseChannel();
        EndProbe();
    }

    private void OnFailure(Exception ex, CancellationToken cancellationToken)
    {
        if (ex is OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            _state.TryAbort(RxGenErrorCodes.UserAbort, byClient: true);
        }

        if (_state.IsAborted)
        {
            EndProbe();
        }
    }

    private void EndProbe()
    {
        if (_isProbe)
        {
            _connection.EndProbe();
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
