using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>
/// The Rx transport's tracing and metrics, both named <see cref="Name"/>: an <see cref="ActivitySource"/> span per call
/// (kind Client or Server; tags <c>rx.service</c>, <c>rx.opcode</c>, <c>rx.peer</c>, <c>rx.code</c>) and the
/// instruments <c>rxgen.rx.calls</c> (calls ended) and <c>rxgen.rx.call.duration</c> (seconds), tagged by side,
/// service, opcode and code.
/// </summary>
public static class RxTelemetry
{
    /// <summary>The name of the activity source and of the meter.</summary>
    public const string Name = "RxGen.Rx";

    internal static readonly ActivitySource Source = new(Name);

    internal static readonly Meter Meter = new(Name);

    internal static readonly Counter<long> Calls = Meter.CreateCounter<long>("rxgen.rx.calls", description: "Rx calls ended, by side, service, opcode and code.");

    internal static readonly Histogram<double> Duration = Meter.CreateHistogram<double>("rxgen.rx.call.duration", unit: "s", description: "Rx call durations, by side, service, opcode and code.");
}
