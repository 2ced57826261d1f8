using System;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// An auto-reset async signal: <see cref="Set"/> wakes the current waiters, or the next one if none waits. The usual
/// single waiter (a call's reader or writer) waits on a reusable <see cref="IValueTaskSource"/>, so waiting allocates
/// nothing; further concurrent waiters share a task. A call is its own signal (one object fewer per call). Continuations always run on the thread pool, never inside
/// <see cref="Set"/> (which is called with the peer's lock held, or from the receive thread).
/// </summary>
internal class RxAsyncSignal : IValueTaskSource
{
    private static readonly Action<object?, CancellationToken> s_cancel = static (state, token) => ((RxAsyncSignal)state!).Cancel(token);

    private ManualResetValueTaskSourceCore<bool> _core = new() { RunContinuationsAsynchronously = true };
    private CancellationTokenRegistration _registration;
    private CancellationToken _waitToken;
    private TaskCompletionSource? _extra;
    private bool _waiting;
    private bool _set;
    private int _completingThread = -1; // SetInline is running the waiter's continuation on this thread

    /// <summary>Wakes every waiter; with none, the next <see cref="WaitAsync"/> returns at once.</summary>
    public void Set()
    {
        CancellationTokenRegistration registration = default;
        TaskCompletionSource? extra;
        lock (this)
        {
            extra = _extra;
            _extra = null;
            if (_waiting)
            {
                _waiting = false;
                registration = _registration;
                _registration = default;
                _waitToken = default;
                _core.SetResult(true); // queues the continuation: never runs it here
            }
            else if (extra is null)
            {
                _set = true;
                return;
            }
        }

        registration.Unregister(); // not Dispose: that would wait for a callback blocked on the lock
        extra?.TrySetResult();
    }

    /// <summary>
    /// Like <see cref="Set"/>, but runs the single waiter's continuation on this thread, up to its next await that
    /// does not complete at once (the caller must hold no lock: the receive thread, between datagrams).
    /// </summary>
    public void SetInline()
    {
        CancellationTokenRegistration registration;
        lock (this)
        {
            if (!_waiting || _extra is not null || _completingThread != -1)
            {
                Set();
                return;
            }

            _waiting = false;
            _completingThread = Environment.CurrentManagedThreadId;
            registration = _registration;
            _registration = default;
            _waitToken = default;
            _core.RunContinuationsAsynchronously = false; // read once, by this SetResult; WaitAsync turns it back on
        }

        registration.Unregister();
        try
        {
            _core.SetResult(true); // runs the continuation here, outside the lock
        }
        finally
        {
            lock (this)
            {
                _completingThread = -1;
                _core.RunContinuationsAsynchronously = true;
            }
        }
    }

    /// <summary>Waits for <see cref="Set"/>; throws <see cref="OperationCanceledException"/> when <paramref name="cancellationToken"/> fires first.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>Completes when signalled.</returns>
    public ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        lock (this)
        {
            if (_set)
            {
                _set = false;
                return default;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return ValueTask.FromCanceled(cancellationToken);
            }

            // The continuation SetInline is running may wait again at once (it has consumed its result); another
            // thread must not reset the source under it.
            bool completingElsewhere = _completingThread != -1 && _completingThread != Environment.CurrentManagedThreadId;
            if (_waiting || completingElsewhere)
            {
                // A second waiter at once (rare: e.g. callers queued for a channel): share a task.
                _extra ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                return new ValueTask(cancellationToken.CanBeCanceled ? _extra.Task.WaitAsync(cancellationToken) : _extra.Task);
            }

            _core.RunContinuationsAsynchronously = true;
            _core.Reset();
            _waiting = true;
            short version = _core.Version;
            if (cancellationToken.CanBeCanceled)
            {
                _waitToken = cancellationToken;
                _registration = cancellationToken.UnsafeRegister(s_cancel, this); // runs Cancel inline if it fired meanwhile (the lock is reentrant)
            }

            return new ValueTask(this, version);
        }
    }

    void IValueTaskSource.GetResult(short token) => _core.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource.GetStatus(short token) => _core.GetStatus(token);

    void IValueTaskSource.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);

    private void Cancel(CancellationToken token)
    {
        lock (this)
        {
            // A late callback of an earlier wait with another token must not cancel this one.
            if (!_waiting || _waitToken != token)
            {
                return;
            }

            _waiting = false;
            _registration = default;
            _waitToken = default;
            _core.SetException(new OperationCanceledException(token));
        }
    }
}
