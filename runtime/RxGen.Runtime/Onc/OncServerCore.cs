using System;
using System.Threading;
using Microsoft.Extensions.Logging;

namespace RxGen.Runtime.Onc;

/// <summary>What every transport of one <see cref="OncServer"/> shares: the processor, the limits, the global call slots, the stop signals.</summary>
internal sealed class OncServerCore : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _abort = new();

    public OncServerCore(OncCallProcessor processor, OncServerOptions options, OncServerMetrics metrics, ILogger logger)
    {
        Processor = processor;
        Options = options;
        Metrics = metrics;
        Logger = logger;
        CallSlots = new SemaphoreSlim(options.MaxCallsInFlight, options.MaxCallsInFlight);
    }

    public OncCallProcessor Processor { get; }

    public OncServerOptions Options { get; }

    public OncServerMetrics Metrics { get; }

    public ILogger Logger { get; }

    /// <summary>One slot per call in flight, over all transports.</summary>
    public SemaphoreSlim CallSlots { get; }

    public OncCallTracker Calls { get; } = new();

    /// <summary>Signalled when the server stops taking new calls.</summary>
    public CancellationToken Stopping => _stopping.Token;

    /// <summary>Signalled when calls still running must be cancelled (the stop's deadline passed).</summary>
    public CancellationToken Abort => _abort.Token;

    public void BeginStop() => _stopping.Cancel();

    public void AbortCalls() => _abort.Cancel();

    /// <summary>Counts a call in; pair with <see cref="CallEnded"/>.</summary>
    public void CallStarted()
    {
        Calls.Enter();
        Metrics.InFlight(1);
    }

    public void CallEnded()
    {
        Metrics.InFlight(-1);
        CallSlots.Release();
        Calls.Exit();
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _abort.Dispose();
        CallSlots.Dispose();
    }
}
