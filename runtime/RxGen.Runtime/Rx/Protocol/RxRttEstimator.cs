using System;

namespace RxGen.Runtime.Rx.Protocol;

/// <summary>
/// Round-trip estimation for one peer (RFC 6298): smoothed RTT and variance from samples, giving the retransmit
/// timeout. Samples come from ACKs that name the serial of the packet that prompted them (so retransmissions are
/// unambiguous) and from request→first-reply timing of calls whose request was never retransmitted.
/// </summary>
public sealed class RxRttEstimator
{
    private readonly TimeSpan _min;
    private readonly TimeSpan _max;

    /// <summary>Creates an estimator with no samples.</summary>
    /// <param name="initial">The timeout before the first sample.</param>
    /// <param name="min">The smallest timeout.</param>
    /// <param name="max">The largest timeout.</param>
    public RxRttEstimator(TimeSpan initial, TimeSpan min, TimeSpan max)
    {
        _min = min;
        _max = max;
        RetransmitTimeout = Clamp(initial);
    }

    /// <summary>The smoothed round-trip time (zero before the first sample).</summary>
    public TimeSpan SmoothedRtt { get; private set; }

    /// <summary>The round-trip variance.</summary>
    public TimeSpan RttVariance { get; private set; }

    /// <summary>The number of samples taken.</summary>
    public long Samples { get; private set; }

    /// <summary>The current retransmit timeout (before back-off).</summary>
    public TimeSpan RetransmitTimeout { get; private set; }

    /// <summary>Adds one round-trip sample; negative samples are ignored.</summary>
    /// <param name="rtt">The measured round trip.</param>
    public void AddSample(TimeSpan rtt)
    {
        if (rtt < TimeSpan.Zero)
        {
            return;
        }

        if (Samples == 0)
        {
            SmoothedRtt = rtt;
            RttVariance = rtt / 2;
        }
        else
        {
            TimeSpan delta = (SmoothedRtt - rtt).Duration();
            RttVariance = ((RttVariance * 3) + delta) / 4;
            SmoothedRtt = ((SmoothedRtt * 7) + rtt) / 8;
        }

        Samples++;
        RetransmitTimeout = Clamp(SmoothedRtt + TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond, RttVariance.Ticks * 4)));
    }

    /// <summary>The timeout after <paramref name="backoff"/> consecutive timeouts (doubling, capped).</summary>
    /// <param name="backoff">Consecutive timeouts without progress.</param>
    /// <returns>The timeout.</returns>
    public TimeSpan BackedOff(int backoff) =>
        Clamp(TimeSpan.FromTicks(RetransmitTimeout.Ticks << Math.Clamp(backoff, 0, 16)));

    private TimeSpan Clamp(TimeSpan value) => value < _min ? _min : value > _max ? _max : value;
}
