using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Tests.Rx.Simulation;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// BUSY in the protocol core, by seeded simulation: a server whose service is full refuses new calls with BUSY before
/// accepting any packet, the client sends the request again after a short back-off (not the retransmission timeout),
/// and no call ever runs twice.
/// </summary>
public class RxBusySimulationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(600);

    [Fact]
    public void A_full_service_answers_busy_and_the_client_retries_soon_after_a_slot_frees()
    {
        var options = new RxProtocolOptions { MaxServerCallsPerService = 2 };
        var scenario = new SimScenario(7, new SimFaults(), options);
        RxConnection connection = scenario.Connect();
        var hang1 = new SimClientCall(SimOp.Hang, 0, 10, 0);
        var hang2 = new SimClientCall(SimOp.Hang, 0, 10, 0);
        var third = new SimClientCall(SimOp.Echo, 0, 100, 100);
        Assert.True(hang1.TryStart(scenario.Client, connection) && hang2.TryStart(scenario.Client, connection));
        scenario.Network.RunUntil(() => scenario.ServerApp.Started == 2, Limit);
        Assert.True(third.TryStart(scenario.Client, connection));

        // The two hanging calls hold the service for 300 ms; the third is refused with BUSY meanwhile.
        TimeSpan freeAt = scenario.Network.Now + TimeSpan.FromMilliseconds(300);
        scenario.Network.RunUntil(() => false, freeAt);
        Assert.False(third.Done);
        Assert.Equal(2, scenario.ServerApp.Started);
        Assert.True(scenario.Server.Engine.Statistics.ServerCallsRefused > 0);
        Assert.True(scenario.Server.Engine.Statistics.BusySent > 0);
        long busy = scenario.Client.Engine.Statistics.BusyReceived;
        Assert.True(busy >= 3, $"busy answers {busy}: the retries back off but keep coming");
        Assert.True(busy < 20, $"busy answers {busy}: the retries back off");
        Assert.Equal(0, scenario.Client.Engine.Statistics.Timeouts); // BUSY replaces the retransmission timer

        scenario.Client.Engine.Abort(hang1.Call!, RxGenErrorCodes.UserAbort, scenario.Network.Now);
        scenario.Client.Engine.Abort(hang2.Call!, RxGenErrorCodes.UserAbort, scenario.Network.Now);
        Assert.True(scenario.Network.RunUntil(() => third.Done, Limit), scenario.Describe);
        Assert.True(third.Succeeded, $"code {third.Code}");
        Assert.Equal(3, scenario.ServerApp.Started);

        // The back-off is a few ms doubling: the retry that got through came well within the initial 1 s timeout.
        TimeSpan after = third.EndedAt - freeAt;
        Assert.True(after < TimeSpan.FromMilliseconds(350), $"third call ended {after.TotalMilliseconds} ms after the slots freed");
        Assert.True(scenario.Client.Engine.Statistics.BusyRetries >= 3);
    }

    [Fact]
    public void A_busy_abort_code_refuses_the_call_with_that_code_as_openafs_busy_threshold_does()
    {
        var options = new RxProtocolOptions { MaxServerCallsPerService = 1, BusyAbortCode = 110 };
        var scenario = new SimScenario(8, new SimFaults(), options);
        RxConnection connection = scenario.Connect();
        var hang = new SimClientCall(SimOp.Hang, 0, 10, 0);
        var refused = new SimClientCall(SimOp.Echo, 0, 100, 100);
        Assert.True(hang.TryStart(scenario.Client, connection));
        scenario.Network.RunUntil(() => scenario.ServerApp.Started == 1, Limit);
        Assert.True(refused.TryStart(scenario.Client, connection));
        Assert.True(scenario.Network.RunUntil(() => refused.Done, scenario.Network.Now + TimeSpan.FromSeconds(5)), scenario.Describe);
        Assert.Equal(110, refused.Code);
        Assert.Equal(1, scenario.ServerApp.Started);
        Assert.Equal(1, scenario.Server.Engine.Statistics.ServerCallsRefused);
        Assert.Equal(0, scenario.Server.Engine.Statistics.BusySent);
    }

    public static TheoryData<string, double, double, double> Profiles => new()
    {
        { "clean", 0, 0, 0 },
        { "loss5", 0.05, 0, 0 },
        { "hostile", 0.15, 0.1, 0.3 },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Calls_refused_with_busy_under_faults_all_complete_exactly_once(string profile, double loss, double duplicate, double reorder)
    {
        long refusedTotal = 0;
        for (int seed = 1; seed <= 40; seed++)
        {
            var options = new RxProtocolOptions { MaxServerCallsPerService = 2 };
            var scenario = new SimScenario(seed, new SimFaults { Loss = loss, Duplicate = duplicate, Reorder = reorder }, options);
            var random = new Random(seed);
            List<SimClientCall> calls = Enumerable.Range(0, 24).Select(_ => random.Next(2) == 0
                ? Echo(random.Next(0, 5000))
                : Send(random.Next(0, 20000))).ToList();
            bool done = scenario.Run(calls, concurrency: 8, Limit);
            string where = $"{profile}: {scenario.Describe}";
            Assert.True(done, $"calls did not finish ({where})");
            Assert.All(calls, c => Assert.True(c.Succeeded, $"code {c.Code} got {c.Received}/{c.ExpectedReply} mismatch={c.Mismatch} ({where})"));
            Assert.True(scenario.ServerApp.Started == calls.Count, $"server ran {scenario.ServerApp.Started} calls for {calls.Count} ({where})");
            refusedTotal += scenario.Server.Engine.Statistics.ServerCallsRefused;
        }

        Assert.True(refusedTotal > 0, "no call was ever refused: the test did not exercise BUSY");
    }

    private static SimClientCall Echo(int size) => new(SimOp.Echo, 0, size, size);

    private static SimClientCall Send(int size) => new(SimOp.Send, size, 0, size);
}
