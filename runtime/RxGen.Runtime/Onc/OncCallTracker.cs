using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Onc;

/// <summary>Counts calls in flight and lets a stop wait until the last one ends (svc_exit's "finish what is running").</summary>
internal sealed class OncCallTracker
{
    private readonly object _lock = new();
    private int _count;
    private TaskCompletionSource? _idle;

    /// <summary>Calls in flight.</summary>
    public int Count => Volatile.Read(ref _count);

    public void Enter()
    {
        Interlocked.Increment(ref _count);
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _count) == 0)
        {
            TaskCompletionSource? idle = null;
            lock (_lock)
            {
                if (Volatile.Read(ref _count) == 0)
                {
                    idle = _idle;
                    _idle = null;
                }
            }

            idle?.TrySetResult();
        }
    }

    /// <summary>Completes when no call is in flight.</summary>
    public Task WaitIdleAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (Volatile.Read(ref _count) == 0)
            {
                return Task.CompletedTask;
            }

            _idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _idle.Task.WaitAsync(cancellationToken);
        }
    }
}
