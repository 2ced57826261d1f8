using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace RxGen.Runtime.Onc;

/// <summary>
/// The ONC RPC server's instruments (System.Diagnostics.Metrics, meter <see cref="MeterName"/>): calls per
/// program, version, procedure and reply status, call durations, messages refused before dispatch (by
/// reason), open connections and calls in flight. Instruments cost nothing while nobody listens.
/// </summary>
public sealed class OncServerMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "RxGen.Onc.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _calls;
    private readonly Histogram<double> _duration;
    private readonly Counter<long> _refused;
    private readonly UpDownCounter<long> _connections;
    private readonly UpDownCounter<long> _inFlight;

    /// <summary>Creates the instruments on a new meter.</summary>
    public OncServerMetrics()
    {
        _meter = new Meter(MeterName);
        _calls = _meter.CreateCounter<long>("rxgen.onc.server.calls", "{call}", "Calls answered, by program, version, procedure and status.");
        _duration = _meter.CreateHistogram<double>("rxgen.onc.server.call.duration", "s", "Time from a call's arrival to its reply.");
        _refused = _meter.CreateCounter<long>("rxgen.onc.server.refused", "{message}", "Messages refused before dispatch, by reason.");
        _connections = _meter.CreateUpDownCounter<long>("rxgen.onc.server.connections", "{connection}", "Open TCP connections.");
        _inFlight = _meter.CreateUpDownCounter<long>("rxgen.onc.server.calls_in_flight", "{call}", "Calls running.");
    }

    /// <summary>Records one answered call.</summary>
    /// <param name="program">The program.</param>
    /// <param name="version">The version.</param>
    /// <param name="procedure">The procedure.</param>
    /// <param name="status">The reply's status (an accept_stat name, or "rpc_mismatch"/"auth_error").</param>
    /// <param name="startTimestamp">The <see cref="Stopwatch.GetTimestamp"/> at arrival.</param>
    public void CallAnswered(uint program, uint version, uint procedure, string status, long startTimestamp)
    {
        if (_calls.Enabled)
        {
            var tags = new TagList
            {
                { "rpc.onc.program", program },
                { "rpc.onc.version", version },
                { "rpc.onc.procedure", procedure },
                { "rpc.onc.status", status },
            };
            _calls.Add(1, tags);
        }

        if (_duration.Enabled)
        {
            var tags = new TagList
            {
                { "rpc.onc.program", program },
                { "rpc.onc.procedure", procedure },
            };
            _duration.Record(Stopwatch.GetElapsedTime(startTimestamp).TotalSeconds, tags);
        }
    }

    /// <summary>Records a message refused before dispatch.</summary>
    /// <param name="reason">Why: malformed, short_datagram, oversized, overloaded, duplicate_in_progress, too_many_connections.</param>
    public void Refused(string reason)
    {
        if (_refused.Enabled)
        {
            _refused.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
    }

    /// <summary>A connection opened (+1) or closed (-1).</summary>
    /// <param name="delta">+1 or -1.</param>
    public void Connections(int delta) => _connections.Add(delta);

    /// <summary>A call started (+1) or ended (-1).</summary>
    /// <param name="delta">+1 or -1.</param>
    public void InFlight(int delta) => _inFlight.Add(delta);

    /// <inheritdoc/>
    public void Dispose() => _meter.Dispose();
}
