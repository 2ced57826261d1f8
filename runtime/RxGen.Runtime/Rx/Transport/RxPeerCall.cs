using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// The part of a call both sides share: blocking reads and writes over the engine (under the peer's lock), waking on
/// the call's signal, and cancellation turned into an ABORT.
/// </summary>
internal abstract class RxPeerCall : RxAsyncSignal
{
    private readonly long _startedAt = Stopwatch.GetTimestamp();
    private readonly Activity? _activity;
    private int _opcode = -1;
    private bool _sawFirstBytes;

    protected RxPeerCall(RxPeer peer, RxCall call)
    {
        Peer = peer;
        Call = call;
        call.UserState = this;
        Activity? outer = Activity.Current;
        _activity = RxTelemetry.Source.StartActivity(call.IsServerCall ? "rx.serve" : "rx.call", call.IsServerCall ? ActivityKind.Server : ActivityKind.Client);
        if (_activity is not null)
        {
            _activity.SetTag("rx.service", call.ServiceId);
            _activity.SetTag("rx.peer", call.Peer.ToString());
            Activity.Current = outer; // the span belongs to the call, not to the thread that happened to start it
        }
    }

    /// <summary>The call's span (null when nobody listens).</summary>
    public Activity? Activity => _activity;

    public RxPeer Peer { get; }

    public RxCall Call { get; }

    public RxAsyncSignal Signal => this;

    /// <summary>Called (lock held) when the engine reports the call ended: records the call's span and metrics.</summary>
    public virtual void OnEnded()
    {
        int code = Call.State == RxCallState.Failed ? Call.ErrorCode : 0;
        if (RxTelemetry.Calls.Enabled || RxTelemetry.Duration.Enabled)
        {
            // Only with a listener: the tags box three ints per call.
            var tags = new TagList
            {
                { "rx.side", Call.IsServerCall ? "server" : "client" },
                { "rx.service", (int)Call.ServiceId },
                { "rx.opcode", _opcode },
                { "rx.code", code },
            };
            RxTelemetry.Calls.Add(1, tags);
            RxTelemetry.Duration.Record(Stopwatch.GetElapsedTime(_startedAt).TotalSeconds, tags);
        }

        if (_activity is not null)
        {
            _activity.SetTag("rx.opcode", _opcode);
            _activity.SetTag("rx.code", code);
            if (code != 0)
            {
                _activity.SetStatus(ActivityStatusCode.Error, $"code {code}");
            }

            _activity.Stop();
        }
    }

    /// <summary>Notes the opcode from the first bytes of the request (what generated stubs put there).</summary>
    private void SeeFirstBytes(ReadOnlySpan<byte> bytes)
    {
        if (!_sawFirstBytes && !bytes.IsEmpty)
        {
            _sawFirstBytes = true;
            if (bytes.Length >= 4)
            {
                _opcode = BinaryPrimitives.ReadInt32BigEndian(bytes);
            }
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
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

                if (!Call.IsServerCall)
                {
                    SeeFirstBytes(data.Span);
                }

                int taken = Peer.Engine.Write(Call, data.Span, Peer.Now);
                Peer.FlushLocked();
                data = data[taken..];
                if (data.IsEmpty)
                {
                    return;
                }
            }

            await WaitSignalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
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
                if (Call.IsServerCall)
                {
                    SeeFirstBytes(buffer.Span[..n]);
                }

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

            await WaitSignalAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    protected void CompleteWriteLocked()
    {
        Peer.Engine.CompleteWrite(Call, Peer.Now);
        Peer.FlushLocked();
    }

    protected void AbortLocked(int code)
    {
        if (!CallReleased && Call.State == RxCallState.Active)
        {
            Peer.Engine.Abort(Call, code, Peer.Now);
            Peer.FlushLocked();
        }
    }

    /// <summary>The engine's call was given back for reuse (<see cref="ReleaseCallLocked"/>): this object must not touch it.</summary>
    protected bool CallReleased { get; private set; }

    /// <summary>Called (lock held) once the call has ended and nothing here will read it again: the engine may reuse it.</summary>
    protected void ReleaseCallLocked()
    {
        if (!CallReleased)
        {
            CallReleased = true;
            Peer.Engine.ReleaseCall(Call);
        }
    }

    protected void ThrowIfFailed()
    {
        if (CallReleased)
        {
            throw new ObjectDisposedException(GetType().Name, this is RxPeerServerCall
                ? "The Rx call is over: its stream cannot be used after the service method returned."
                : "The Rx call was disposed: its stream cannot be used any more.");
        }

        if (Call.State == RxCallState.Failed)
        {
            throw Peer.Failure(Call);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WaitSignalAsync(CancellationToken cancellationToken)
    {
        try
        {
            await WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            lock (Peer.Lock)
            {
                // A server call's token is cancelled because the call failed: report the failure (e.g. the client's
                // abort code) rather than the cancellation it caused.
                ThrowIfFailed();
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
    private ushort _serviceId;
    private bool _requestDone;
    private bool _ended;
    private bool _disposed;

    public RxPeerClientCall(RxPeer peer, RxCall call, RxPeerConnection connection)
        : base(peer, call)
    {
        _connection = connection;
        _serviceId = call.ServiceId;
    }

    /// <summary>The service the call addresses (after an upgrade, the one that answered); kept after the call is given back.</summary>
    public ushort ServiceId => CallReleased ? _serviceId : Call.ServiceId;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_requestDone)
        {
            throw new InvalidOperationException("The request was already completed.");
        }

        return WriteCoreAsync(data, cancellationToken);
    }

    public ValueTask CompleteRequestAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (_disposed)
        {
            return ValueTask.FromException<int>(new ObjectDisposedException(nameof(RxPeerClientCall), "The Rx call was disposed: its stream cannot be used any more."));
        }

        if (!_requestDone)
        {
            try
            {
                CompleteRequestAsync(cancellationToken).GetAwaiter().GetResult(); // synchronous: no state machine per call
            }
            catch (Exception ex)
            {
                return ValueTask.FromException<int>(ex);
            }
        }

        return ReadCoreAsync(buffer, cancellationToken);
    }

    public ValueTask AbortAsync(int code, CancellationToken cancellationToken = default)
    {
        lock (Peer.Lock)
        {
            AbortLocked(code == 0 ? RxGenErrorCodes.UserAbort : code);
        }

        return ValueTask.CompletedTask;
    }

    public override void OnEnded()
    {
        base.OnEnded();
        _ended = true;
        _serviceId = Call.ServiceId;
        _connection.OnCallEnded(this);
    }

    /// <summary>
    /// Aborts the call if it still runs; once it has ended, its engine call (queues and packets) goes back for reuse,
    /// and every later use of this object fails with <see cref="ObjectDisposedException"/>.
    /// </summary>
    public ValueTask DisposeAsync()
    {
        if (!_disposed)
        {
            _disposed = true;
            lock (Peer.Lock)
            {
                AbortLocked(RxGenErrorCodes.UserAbort);
                if (_ended)
                {
                    ReleaseCallLocked();
                }
            }
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The server side of a call over an <see cref="RxPeer"/>.</summary>
internal sealed class RxPeerServerCall : RxPeerCall, IRxServerCall
{
    private readonly CancellationTokenSource _aborted;

    private RxConnectionInfo? _connectionInfo;
    private bool _ended;
    private bool _failed;
    private bool _executed;

    /// <param name="peer">The peer.</param>
    /// <param name="call">The engine's call.</param>
    /// <param name="aborted">A fresh or reset token source (the peer recycles them, see <see cref="OnExecutedLocked"/>).</param>
    public RxPeerServerCall(RxPeer peer, RxCall call, CancellationTokenSource aborted)
        : base(peer, call)
    {
        _aborted = aborted;
        Aborted = aborted.Token;
    }

    public ushort ServiceId => Call.ServiceId;

    /// <summary>Built on first use (most services never ask): one allocation fewer per call.</summary>
    public RxConnectionInfo Connection => _connectionInfo ??= ConnectionInfoOf(Call.Connection);

    /// <summary>The connection's description, built once per connection (and again if its identity changes).</summary>
    private static RxConnectionInfo ConnectionInfoOf(RxConnection connection)
    {
        object? identity = connection.Security.Identity;
        if (connection.UserState is RxConnectionInfo info && ReferenceEquals(info.Identity, identity))
        {
            return info;
        }

        info = new RxConnectionInfo(connection.Peer, connection.Epoch, connection.ConnectionId, connection.SecurityIndex, identity);
        connection.UserState = info;
        return info;
    }

    /// <summary>Signalled when the call fails (client abort, dead client, peer shutdown).</summary>
    public CancellationToken Aborted { get; }

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ReadCoreAsync(buffer, cancellationToken);

    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        WriteCoreAsync(data, cancellationToken);

    public override void OnEnded()
    {
        base.OnEnded();
        _ended = true;
        if (Call.State == RxCallState.Failed)
        {
            // Cancel off the lock: cancellation callbacks run user code.
            _failed = true;
            ThreadPool.UnsafeQueueUserWorkItem(static cts => cts.Cancel(), _aborted, preferLocal: false);
        }
        else if (_executed)
        {
            Peer.RecycleLocked(_aborted);
        }

        if (_executed)
        {
            ReleaseCallLocked(); // the service has returned and the call is over
        }
    }

    /// <summary>
    /// Called (lock held) once the service has returned. The token source goes back to the peer once the call has
    /// also ended without failing (so nothing can cancel it any more), whichever of the two happens last.
    /// </summary>
    public void OnExecutedLocked()
    {
        _executed = true;
        if (_ended && !_failed)
        {
            Peer.RecycleLocked(_aborted);
        }
    }

    /// <summary>Called (lock held) after the service's outcome went to the engine: once the call has also ended, the engine may reuse it.</summary>
    public void ReleaseIfEndedLocked()
    {
        if (_ended)
        {
            ReleaseCallLocked();
        }
    }
}
