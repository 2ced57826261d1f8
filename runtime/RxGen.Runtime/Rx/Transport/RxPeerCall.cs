using System;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// The part of a call both sides share: blocking reads and writes over the engine (under the peer's lock), waking on
/// the call's signal, and cancellation turned into an ABORT.
/// </summary>
internal abstract class RxPeerCall
{
    protected RxPeerCall(RxPeer peer, RxCall call)
    {
        Peer = peer;
        Call = call;
        call.UserState = this;
    }

    public RxPeer Peer { get; }

    public RxCall Call { get; }

    public RxAsyncSignal Signal { get; } = new();

    /// <summary>Called (lock held) when the engine reports the call ended.</summary>
    public virtual void OnEnded()
    {
    }

    protected async ValueTask WriteCoreAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (Peer.Lock)
            {
                ThrowIfFailed();
                if (Call.State != RxCallState.Active)
                {
                    throw new InvalidOperationException($"{Call} has ended.");
                }

                int taken = Peer.Engine.Write(Call, data.Span, Peer.Now);
                Peer.FlushLocked();
                data = data[taken..];
                if (data.IsEmpty)
                {
                    return;
                }
            }

            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected async ValueTask<int> ReadCoreAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (Peer.Lock)
            {
                ThrowIfFailed();
                if (Call.State == RxCallState.Completed)
                {
                    return 0;
                }

                int n = Peer.Engine.Read(Call, buffer.Span, Peer.Now);
                bool complete = Call.IsReceiveComplete;
                Peer.FlushLocked();
                if (n > 0 || complete || buffer.IsEmpty)
                {
                    return n;
                }

                ThrowIfFailed();
                if (Call.State == RxCallState.Completed)
                {
                    return 0;
                }
            }

            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected void CompleteWriteLocked()
    {
        Peer.Engine.CompleteWrite(Call, Peer.Now);
        Peer.FlushLocked();
    }

    protected void AbortLocked(int code)
    {
        if (Call.State == RxCallState.Active)
        {
            Peer.Engine.Abort(Call, code, Peer.Now);
            Peer.FlushLocked();
        }
    }

    protected void ThrowIfFailed()
    {
        if (Call.State == RxCallState.Failed)
        {
            throw Peer.Failure(Call);
        }
    }

    private async Task WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Signal.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (Peer.Lock)
            {
                AbortLocked(RxGenErrorCodes.UserAbort);
            }

            throw;
        }

        if (Peer.IsDisposed)
        {
            lock (Peer.Lock)
            {
                ThrowIfFailed();
            }

            throw new ObjectDisposedException(nameof(RxPeer));
        }
    }
}

/// <summary>The client side of a call over an <see cref="RxPeer"/>.</summary>
internal sealed class RxPeerClientCall : RxPeerCall, IRxClientCall
{
    private readonly RxPeerConnection _connection;
    private bool _requestDone;
    private bool _disposed;

    public RxPeerClientCall(RxPeer peer, RxCall call, RxPeerConnection connection)
        : base(peer, call)
    {
        _connection = connection;
    }

    public ushort ServiceId => Call.ServiceId;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        if (_requestDone)
        {
            throw new InvalidOperationException("The request was already completed.");
        }

        return WriteCoreAsync(data, cancellationToken);
    }

    public ValueTask CompleteRequestAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (Peer.Lock)
        {
            ThrowIfFailed();
            if (!_requestDone)
            {
                _requestDone = true;
                CompleteWriteLocked();
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (!_requestDone)
        {
            await CompleteRequestAsync(cancellationToken).ConfigureAwait(false);
        }

        return await ReadCoreAsync(buffer, cancellationToken).ConfigureAwait(false);
    }

    public ValueTask AbortAsync(int code, CancellationToken cancellationToken = default)
    {
        lock (Peer.Lock)
        {
            AbortLocked(code == 0 ? RxGenErrorCodes.UserAbort : code);
        }

        return ValueTask.CompletedTask;
    }

    public override void OnEnded() => _connection.OnCallEnded(this);

    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            lock (Peer.Lock)
            {
                AbortLocked(RxGenErrorCodes.UserAbort);
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The server side of a call over an <see cref="RxPeer"/>.</summary>
internal sealed class RxPeerServerCall : RxPeerCall, IRxServerCall
{
    private readonly CancellationTokenSource _aborted = new();

    public RxPeerServerCall(RxPeer peer, RxCall call)
        : base(peer, call)
    {
        Connection = new RxConnectionInfo(call.Peer, call.Connection.Epoch, call.Connection.ConnectionId, call.Connection.SecurityIndex, call.Connection.Security.Identity);
        Aborted = _aborted.Token;
    }

    public ushort ServiceId => Call.ServiceId;

    public RxConnectionInfo Connection { get; }

    /// <summary>Signalled when the call fails (client abort, dead client, peer shutdown).</summary>
    public CancellationToken Aborted { get; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(data, cancellationToken);

    public override void OnEnded()
    {
        if (Call.State == RxCallState.Failed)
        {
            // Cancel off the lock: cancellation callbacks run user code.
            ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _aborted, preferLocal: false);
        }
    }
}
