using System;
using System.Collections.Generic;
using System.Net;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Tests.Rx.Simulation;

/// <summary>Fault settings of a <see cref="SimNetwork"/>.</summary>
internal sealed record SimFaults
{
    public double Loss { get; init; }

    public double Duplicate { get; init; }

    /// <summary>Probability that a datagram gets an extra delay of up to <see cref="ReorderDelay"/> (so it is overtaken).</summary>
    public double Reorder { get; init; }

    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(1);

    public TimeSpan ReorderDelay { get; init; } = TimeSpan.FromMilliseconds(8);

    /// <summary>Datagrams sent in [PartitionFrom, PartitionUntil) are all lost.</summary>
    public TimeSpan PartitionFrom { get; init; } = TimeSpan.MaxValue;

    public TimeSpan PartitionUntil { get; init; } = TimeSpan.MaxValue;

    public override string ToString() => $"loss={Loss} dup={Duplicate} reorder={Reorder} delay={Delay.TotalMilliseconds}ms";
}

/// <summary>
/// A seeded in-process datagram network with a virtual clock: engines exchange datagrams with loss, duplication,
/// reordering, delay and partitions; applications react to engine events. Deterministic for a given seed.
/// </summary>
internal sealed class SimNetwork
{
    private readonly PriorityQueue<(IPEndPoint From, IPEndPoint To, byte[] Data), (TimeSpan At, long Order)> _inFlight = new();
    private readonly Dictionary<IPEndPoint, SimNode> _nodes = new();
    private readonly List<SimNode> _nodeList = new();
    private readonly Random _random;
    private long _order;

    public SimNetwork(int seed, SimFaults faults)
    {
        Seed = seed;
        Faults = faults;
        _random = new Random(seed);
    }

    public int Seed { get; }

    public SimFaults Faults { get; set; }

    public TimeSpan Now { get; private set; }

    public long Delivered { get; private set; }

    public long Lost { get; private set; }

    public string Describe => $"seed {Seed}, {Faults}, t={Now.TotalMilliseconds:F1}ms";

    public SimNode AddNode(string address, RxProtocolOptions? options = null, Action<SimNode, RxProtocolEvent>? onEvent = null)
    {
        var endPoint = new IPEndPoint(IPAddress.Parse(address), 7000);
        var engine = new RxProtocolEngine(options ?? new RxProtocolOptions(), 0x80000000u | (uint)_random.Next(0x3FFFFFFF), (uint)_random.Next());
        var node = new SimNode(this, endPoint, engine, onEvent);
        _nodes.Add(endPoint, node);
        _nodeList.Add(node);
        return node;
    }

    /// <summary>Injects a raw datagram (hostile-input tests).</summary>
    public void Inject(IPEndPoint from, IPEndPoint to, byte[] datagram) => Schedule(from, to, datagram, Now);

    /// <summary>Delivers a raw datagram after <paramref name="delay"/>, without faults (scripted peers).</summary>
    public void Inject(IPEndPoint from, IPEndPoint to, byte[] datagram, TimeSpan delay) => Schedule(from, to, datagram, Now + delay);

    /// <summary>Sends a datagram through the network's faults as if <paramref name="from"/>'s engine had (scripted peers).</summary>
    public void SendRaw(IPEndPoint from, IPEndPoint to, byte[] datagram) => Send(from, to, datagram);

    /// <summary>Runs until <paramref name="done"/> holds or virtual time passes <paramref name="limit"/>; returns whether done.</summary>
    public bool RunUntil(Func<bool> done, TimeSpan limit)
    {
        Pump();
        long steps = 0;
        while (!done())
        {
            if (++steps > 50_000_000)
            {
                throw new InvalidOperationException($"Simulation did not settle ({Describe}).");
            }

            TimeSpan next = TimeSpan.MaxValue;
            if (_inFlight.TryPeek(out _, out var head))
            {
                next = head.At;
            }

            foreach (SimNode node in _nodeList)
            {
                TimeSpan d = node.Engine.NextDeadline;
                if (d < next)
                {
                    next = d;
                }
            }

            if (next == TimeSpan.MaxValue || next > limit)
            {
                Now = limit;
                return done();
            }

            if (next > Now)
            {
                Now = next;
            }

            while (_inFlight.TryPeek(out var item, out var when) && when.At <= Now)
            {
                _inFlight.Dequeue();
                if (_nodes.TryGetValue(item.To, out SimNode? target))
                {
                    Delivered++;
                    if (target.Intercept is null || target.Intercept(item.From, item.Data))
                    {
                        target.Engine.Receive(item.Data, item.From, Now);
                    }
                }
            }

            foreach (SimNode node in _nodeList)
            {
                if (node.Engine.NextDeadline <= Now)
                {
                    node.Engine.Tick(Now);
                }
            }

            Pump();
        }

        return true;
    }

    /// <summary>Moves every queued datagram into the network and every event to its application, until quiet.</summary>
    public void Pump()
    {
        bool any = true;
        while (any)
        {
            any = false;
            foreach (SimNode node in _nodeList)
            {
                while (node.Engine.TryDequeueDatagram(out RxOutgoingDatagram datagram))
                {
                    any = true;
                    byte[] copy = datagram.Memory.ToArray();
                    datagram.Release();
                    Send(node.EndPoint, datagram.Destination, copy);
                }

                while (node.Engine.TryDequeueEvent(out RxProtocolEvent e))
                {
                    any = true;
                    node.OnEvent?.Invoke(node, e);
                }
            }
        }
    }

    private void Send(IPEndPoint from, IPEndPoint to, byte[] data)
    {
        if (Now >= Faults.PartitionFrom && Now < Faults.PartitionUntil)
        {
            Lost++;
            return;
        }

        if (_random.NextDouble() < Faults.Loss)
        {
            Lost++;
            return;
        }

        Schedule(from, to, data, Now + DelayOne());
        if (_random.NextDouble() < Faults.Duplicate)
        {
            Schedule(from, to, data, Now + DelayOne());
        }
    }

    private TimeSpan DelayOne()
    {
        TimeSpan delay = Faults.Delay;
        if (_random.NextDouble() < Faults.Reorder)
        {
            delay += TimeSpan.FromTicks((long)(_random.NextDouble() * Faults.ReorderDelay.Ticks));
        }

        return delay;
    }

    private void Schedule(IPEndPoint from, IPEndPoint to, byte[] data, TimeSpan at) =>
        _inFlight.Enqueue((from, to, data), (at, _order++));
}

/// <summary>One engine on a <see cref="SimNetwork"/>.</summary>
internal sealed class SimNode(SimNetwork network, IPEndPoint endPoint, RxProtocolEngine engine, Action<SimNode, RxProtocolEvent>? onEvent)
{
    public SimNetwork Network { get; } = network;

    public IPEndPoint EndPoint { get; } = endPoint;

    public RxProtocolEngine Engine { get; } = engine;

    public Action<SimNode, RxProtocolEvent>? OnEvent { get; set; } = onEvent;

    /// <summary>Sees every datagram before the engine; returns whether the engine gets it (scripted server behaviour).</summary>
    public Func<IPEndPoint, byte[], bool>? Intercept { get; set; }

    public TimeSpan Now => Network.Now;
}
