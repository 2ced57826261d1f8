using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>The server side of an in-memory call. See <see cref="InMemoryRxServer"/>.</summary>
internal sealed class InMemoryRxServerCall : IRxServerCall
{
    private readonly InMemoryRxCallState _state;
    private volatile bool _finished;

    internal InMemoryRxServerCall(InMemoryRxCallState state, ushort serviceId, RxConnectionInfo connection)
    {
        _state = state;
        ServiceId = serviceId;
        Connection = connection;
    }

    public ushort ServiceId { get; }

    public RxConnectionInfo Connection { get; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        return _state.ReadAsync(_state.Request.Reader, buffer, cancellationToken);
    }

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ThrowIfFinished();
        return _state.WriteAsync(_state.Reply.Writer, data, cancellationToken);
    }

    /// <summary>Runs the service and turns its outcome into the end of the call.</summary>
    internal async Task RunAsync(InMemoryRxServer server, IRxService service)
    {
        int code = await server.Core.ExecuteAsync(service, this, _state.ServerToken).ConfigureAwait(false);

        try
        {
            _finished = true;
            if (code != RxGenErrorCodes.Success)
            {
                _state.TryAbort(code, byClient: false);
            }

            _state.MarkServerDone();
            await _state.Request.Reader.CompleteAsync().ConfigureAwait(false);
            await _state.Reply.Writer.CompleteAsync().ConfigureAwait(false);
        }
        finally
        {
            server.OnServerCallEnded();
        }
    }

    private void ThrowIfFinished()
    {
        if (_finished)
        {
            throw new InvalidOperationException("The call's service has already returned.");
        }
    }
}
