using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>An auto-reset async signal: <see cref="Set"/> wakes the current waiter, or the next one if none waits.</summary>
internal sealed class RxAsyncSignal
{
    private readonly object _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _set;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            if (waiter is null)
            {
                _set = true;
                return;
            }
        }

        waiter.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_set)
            {
                _set = false;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return cancellationToken.CanBeCanceled ? _waiter.Task.WaitAsync(cancellationToken) : _waiter.Task;
        }
    }
}
