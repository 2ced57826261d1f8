using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Tests.Rx.Simulation;

/// <summary>A client node and a server node (service 52, rxnull) on one seeded network.</summary>
internal sealed class SimScenario
{
    public const ushort ServiceId = 52;

    private readonly List<RxConnection> _connections = new();

    public SimScenario(int seed, SimFaults faults, RxProtocolOptions? options = null)
    {
        Network = new SimNetwork(seed, faults);
        Server = Network.AddNode("10.0.0.2", options, ServerApp.OnEvent);
        Server.Engine.AddService(ServiceId, RxNullSecurityClass.Instance);
        Client = Network.AddNode("10.0.0.1", options, static (node, e) => ((SimClientCall)e.Call.UserState!).OnEvent(node, e));
    }

    public SimNetwork Network { get; }

    public SimNode Client { get; }

    public SimNode Server { get; }

    public SimServerApp ServerApp { get; } = new();

    public IReadOnlyList<RxConnection> Connections => _connections;

    public string Describe => Network.Describe;

    public RxConnection Connect(ushort serviceId = ServiceId)
    {
        RxConnection connection = Client.Engine.CreateClientConnection(Server.EndPoint, serviceId, null, false, Network.Now);
        _connections.Add(connection);
        return connection;
    }

    /// <summary>Runs <paramref name="calls"/> with at most <paramref name="concurrency"/> in flight, over as many connections as that needs.</summary>
    public bool Run(IReadOnlyList<SimClientCall> calls, int concurrency, TimeSpan limit)
    {
        int next = 0;
        var active = new List<SimClientCall>();
        return Network.RunUntil(
            () =>
            {
                active.RemoveAll(c => c.Done);
                while (next < calls.Count && active.Count < concurrency)
                {
                    RxConnection connection = _connections.FirstOrDefault(c => c.HasFreeChannel) ?? Connect();
                    if (!calls[next].TryStart(Client, connection))
                    {
                        break;
                    }

                    active.Add(calls[next]);
                    next++;
                    Network.Pump();
                }

                active.RemoveAll(c => c.Done);
                return next == calls.Count && active.Count == 0;
            },
            limit);
    }
}
