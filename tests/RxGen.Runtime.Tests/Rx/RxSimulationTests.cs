using System;
using System.Collections.Generic;
using System.Linq;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Tests.Rx.Simulation;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// The protocol core on a seeded virtual network (loss, duplication, reordering, delay, partitions; virtual clock).
/// Every assertion names the seed and faults, so a failure replays exactly.
/// </summary>
public class RxSimulationTests
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(600);

    public static TheoryData<string, double, double, double> Profiles => new()
    {
        { "clean", 0, 0, 0 },
        { "loss5", 0.05, 0, 0 },
        { "dup-reorder", 0.01, 0.2, 0.3 },
        { "hostile", 0.2, 0.1, 0.3 },
    };

    [Theory]
    [MemberData(nameof(Profiles))]
    public void Small_calls_complete_exactly_once_under_faults(string profile, double loss, double duplicate, double reorder)
    {
        for (int seed = 1; seed <= 100; seed++)
        {
            var faults = new SimFaults { Loss = loss, Duplicate = duplicate, Reorder = reorder };
            var scenario = new SimScenario(seed, faults);
            var random = new Random(seed);
            List<SimClientCall> calls = Enumerable.Range(0, 30).Select(i => random.Next(3) switch
            {
                0 => Echo(random.Next(0, 4000), SimOp.Echo),
                1 => Echo(random.Next(0, 6000), SimOp.Send),
                _ => Echo(random.Next(0, 100), SimOp.Echo),
            }).ToList();

            bool done = scenario.Run(calls, concurrency: 6, Limit);
            string where = $"{profile}: {scenario.Describe}";
            Assert.True(done, $"calls did not finish ({where})");
            for (int i = 0; i < calls.Count; i++)
            {
                Assert.True(calls[i].Succeeded, $"call {i} code {calls[i].Code} got {calls[i].Received}/{calls[i].ExpectedReply} mismatch={calls[i].Mismatch} ({where})");
            }

            Assert.True(scenario.ServerApp.Started == calls.Count, $"server saw {scenario.ServerApp.Started} calls for {calls.Count} ({where})");
        }
    }

    [Fact]
    public void A_seed_replays_exactly()
    {
        (TimeSpan, long, long, long) Run()
        {
            var scenario = new SimScenario(4242, new SimFaults { Loss = 0.1, Duplicate = 0.1, Reorder = 0.3 });
            var calls = Enumerable.Range(0, 40).Select(i => Echo(i * 300, SimOp.Echo)).ToList();
            Assert.True(scenario.Run(calls, 8, Limit), scenario.Describe);
            return (scenario.Network.Now, scenario.Network.Delivered, scenario.Network.Lost, scenario.Client.Engine.Statistics.Retransmissions);
        }

        Assert.Equal(Run(), Run());
    }

    [Fact]
    public void Calls_survive_a_partition_shorter_than_the_dead_time()
    {
        for (int seed = 200; seed < 220; seed++)
        {
            var faults = new SimFaults { Loss = 0.02, PartitionFrom = TimeSpan.FromMilliseconds(20), PartitionUntil = TimeSpan.FromSeconds(5) };
            var scenario = new SimScenario(seed, faults);
            var calls = Enumerable.Range(0, 12).Select(i => Echo(i * 900, SimOp.Echo)).Append(new SimClientCall(SimOp.Echo, 0, 1 << 20, 1 << 20)).ToList();
            Assert.True(scenario.Run(calls, 4, Limit), scenario.Describe);
            Assert.All(calls, c => Assert.True(c.Succeeded, $"code {c.Code} ({scenario.Describe})"));
        }
    }

    [Theory]
    [InlineData(11, 0.0, 0.0, 0.0)]
    [InlineData(12, 0.02, 0.02, 0.1)]
    [InlineData(13, 0.10, 0.05, 0.2)]
    public void Multi_MiB_echo_streams_both_ways_byte_exact(int seed, double loss, double duplicate, double reorder)
    {
        const int size = 3 << 20;
        var scenario = new SimScenario(seed, new SimFaults { Loss = loss, Duplicate = duplicate, Reorder = reorder });
        var call = new SimClientCall(SimOp.Echo, 0, size, size);
        Assert.True(scenario.Run([call], 1, Limit), $"not done ({scenario.Describe})");
        Assert.True(call.Succeeded, $"code {call.Code} got {call.Received}/{size} mismatch={call.Mismatch} ({scenario.Describe})");

        // Loss recovery is fast: well under a second of virtual time per MiB even at 10% loss.
        Assert.True(call.EndedAt < TimeSpan.FromSeconds(3 * 3), $"took {call.EndedAt} ({scenario.Describe})");
    }

    [Fact]
    public void Large_reply_with_slow_start_and_window_growth_finishes_quickly_on_a_clean_network()
    {
        const int size = 8 << 20;
        var scenario = new SimScenario(21, new SimFaults { Delay = TimeSpan.FromMilliseconds(0.1) });
        var call = new SimClientCall(SimOp.Send, size, 0, size);
        Assert.True(scenario.Run([call], 1, Limit), scenario.Describe);
        Assert.True(call.Succeeded, $"code {call.Code} ({scenario.Describe})");
        Assert.True(call.EndedAt < TimeSpan.FromSeconds(2), $"8 MiB took {call.EndedAt} of virtual time ({scenario.Describe})");
        Assert.Equal(0, scenario.Server.Engine.Statistics.Retransmissions);

        // The request's ACK taught the server that the client takes 4-packet jumbograms: the reply uses them.
        Assert.True(scenario.Server.Engine.Statistics.JumbogramsSent > (size / 1412 / 4) - 20, $"{scenario.Server.Engine.Statistics.JumbogramsSent} jumbograms");
    }

    [Fact]
    public void A_peer_that_advertises_no_jumbograms_gets_none()
    {
        var scenario = new SimScenario(22, new SimFaults(), new RxProtocolOptions { AdvertisedMaxDatagramPackets = 1, AdvertisedMaxMtu = 1444 });
        var call = new SimClientCall(SimOp.Send, 1 << 20, 0, 1 << 20);
        Assert.True(scenario.Run([call], 1, Limit), scenario.Describe);
        Assert.True(call.Succeeded, scenario.Describe);
        Assert.Equal(0, scenario.Server.Engine.Statistics.JumbogramsSent);
    }

    [Theory]
    [InlineData(31, 0.0)]
    [InlineData(32, 0.2)]
    public void Server_abort_code_reaches_the_client(int seed, double loss)
    {
        var scenario = new SimScenario(seed, new SimFaults { Loss = loss });
        var call = new SimClientCall(SimOp.Abort, 363524, 100, 0);
        Assert.True(scenario.Run([call], 1, Limit), scenario.Describe);
        Assert.True(call.Done && call.Code == 363524, $"code {call.Code} ({scenario.Describe})");
        Assert.True(call.Call!.AbortedByPeer, scenario.Describe);
    }

    [Theory]
    [InlineData(41, 0.0)]
    [InlineData(42, 0.2)]
    public void Client_abort_mid_transfer_reaches_the_server(int seed, double loss)
    {
        var scenario = new SimScenario(seed, new SimFaults { Loss = loss });
        var call = new SimClientCall(SimOp.Echo, 0, 4 << 20, 4 << 20);
        scenario.Run([call], 1, TimeSpan.FromMilliseconds(30));
        Assert.False(call.Done, scenario.Describe);
        scenario.Client.Engine.Abort(call.Call!, 4242, scenario.Network.Now);
        scenario.Network.RunUntil(() => scenario.ServerApp.EndCodes.Count > 0, Limit);
        Assert.True(call.Done && call.Code == 4242, $"client code {call.Code} ({scenario.Describe})");
        Assert.True(scenario.ServerApp.EndCodes.SequenceEqual([4242]), $"server saw [{string.Join(",", scenario.ServerApp.EndCodes)}] ({scenario.Describe})");
        Assert.Equal(0, scenario.Server.Engine.ActiveCallCount);
    }

    [Fact]
    public void Unknown_service_is_aborted_with_invalid_operation()
    {
        var scenario = new SimScenario(51, new SimFaults());
        RxConnection connection = scenario.Connect(serviceId: 999);
        var call = new SimClientCall(SimOp.Echo, 0, 10, 10);
        call.TryStart(scenario.Client, connection);
        Assert.True(scenario.Network.RunUntil(() => call.Done, Limit), scenario.Describe);
        Assert.Equal(RxGenErrorCodes.InvalidOperation, call.Code);
        Assert.Equal(0, scenario.Server.Engine.ServerConnectionCount);
    }

    [Fact]
    public void Dead_peer_fails_the_call_with_call_dead_after_the_dead_time()
    {
        var options = new RxProtocolOptions { DeadTime = TimeSpan.FromSeconds(12) };
        var partition = TimeSpan.FromMilliseconds(50);
        var scenario = new SimScenario(61, new SimFaults { PartitionFrom = partition }, options);
        var call = new SimClientCall(SimOp.Echo, 0, 1 << 20, 1 << 20);
        Assert.True(scenario.Run([call], 1, Limit), scenario.Describe);
        Assert.Equal(RxGenErrorCodes.CallDead, call.Code);
        Assert.InRange(call.EndedAt - partition, TimeSpan.FromSeconds(11.9), TimeSpan.FromSeconds(12.5));
        scenario.Network.RunUntil(() => scenario.Server.Engine.ActiveCallCount == 0, Limit);
        Assert.Equal(0, scenario.Server.Engine.ActiveCallCount);
    }

    [Fact]
    public void Keepalive_pings_keep_a_slow_call_alive_and_the_idle_timeout_ends_it()
    {
        var options = new RxProtocolOptions { DeadTime = TimeSpan.FromSeconds(6), IdleTimeout = TimeSpan.FromSeconds(30) };
        var scenario = new SimScenario(71, new SimFaults { Loss = 0.1 }, options);
        var call = new SimClientCall(SimOp.Hang, 0, 10, 0);
        Assert.True(scenario.Run([call], 1, Limit), scenario.Describe);

        // Far beyond the dead time, only the idle timeout (no reply data for 30 s) ends the call.
        Assert.Equal(RxGenErrorCodes.CallTimeout, call.Code);
        Assert.InRange(call.EndedAt, TimeSpan.FromSeconds(29.9), TimeSpan.FromSeconds(33));
        scenario.Network.RunUntil(() => scenario.ServerApp.EndCodes.Count > 0, Limit);
        Assert.Equal([RxGenErrorCodes.CallTimeout], scenario.ServerApp.EndCodes);
    }

    [Fact]
    public void Round_trip_time_is_learned_from_request_and_reply_timing_of_single_packet_calls()
    {
        var scenario = new SimScenario(81, new SimFaults { Delay = TimeSpan.FromMilliseconds(5) });
        var calls = Enumerable.Range(0, 5).Select(_ => Echo(10, SimOp.Echo)).ToList();
        Assert.True(scenario.Run(calls, 1, Limit), scenario.Describe);
        RxRttEstimator rtt = scenario.Connections[0].RoundTrip;
        Assert.True(rtt.Samples >= 5, $"{rtt.Samples} samples");
        Assert.InRange(rtt.SmoothedRtt, TimeSpan.FromMilliseconds(9), TimeSpan.FromMilliseconds(12));
        Assert.True(rtt.RetransmitTimeout < TimeSpan.FromMilliseconds(100), rtt.RetransmitTimeout.ToString());
    }

    [Fact]
    public void One_percent_loss_costs_little_with_a_learned_timeout()
    {
        var scenario = new SimScenario(91, new SimFaults { Loss = 0.01, Delay = TimeSpan.FromMilliseconds(0.05) });
        var calls = Enumerable.Range(0, 2000).Select(_ => Echo(32, SimOp.Echo)).ToList();
        Assert.True(scenario.Run(calls, 1, Limit), scenario.Describe);
        Assert.All(calls, c => Assert.True(c.Succeeded, scenario.Describe));

        // About 40 calls lose a packet; each costs a retransmit timeout near the 10 ms floor, not OpenAFS's seconds.
        Assert.True(scenario.Network.Now < TimeSpan.FromSeconds(3), $"2000 calls took {scenario.Network.Now} ({scenario.Describe})");
    }

    [Theory]
    [InlineData(101, 0.0)]
    [InlineData(102, 0.3)]
    public void A_challenging_security_class_authenticates_the_connection_and_checks_every_packet(int seed, double loss)
    {
        var scenario = new SimScenario(seed, new SimFaults { Loss = loss });
        var security = new TokenSecurity();
        scenario.Server.Engine.AddService(53, security);
        RxConnection connection = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, 53, security, false, scenario.Network.Now);
        var calls = Enumerable.Range(0, 4).Select(_ => Echo(5000, SimOp.Echo)).ToList();
        foreach (SimClientCall call in calls)
        {
            Assert.True(call.TryStart(scenario.Client, connection));
        }

        Assert.True(scenario.Network.RunUntil(() => calls.All(c => c.Done), Limit), scenario.Describe);
        Assert.All(calls, c => Assert.True(c.Succeeded, $"code {c.Code} ({scenario.Describe})"));
        Assert.All(scenario.ServerApp.Callers, c => Assert.Equal((53, (object?)"alice"), c));
        Assert.True(security.Checked > 0 && security.Prepared > 0 && security.Rejected == 0, $"{security.Prepared}/{security.Checked}/{security.Rejected}");

        // A client that cannot answer the challenge never gets a call to run.
        RxConnection anonymous = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, 53, new TokenSecurity(answer: false), false, scenario.Network.Now);
        var refused = new SimClientCall(SimOp.Echo, 0, 10, 10);
        refused.TryStart(scenario.Client, anonymous);
        scenario.Network.RunUntil(() => refused.Done, scenario.Network.Now + TimeSpan.FromSeconds(30));
        Assert.True(refused.Done && refused.Code == RxGenErrorCodes.CallDead, $"code {refused.Code}");
        Assert.Equal(4, scenario.ServerApp.Started);
    }

    [Fact]
    public void A_service_upgrade_probe_switches_the_connection_to_the_upgraded_service()
    {
        var scenario = new SimScenario(111, new SimFaults());
        scenario.Server.Engine.AddService(2503, RxNullSecurityClass.Instance);
        scenario.Server.Engine.AddUpgrade(SimScenario.ServiceId, 2503);
        RxConnection connection = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, SimScenario.ServiceId, null, true, scenario.Network.Now);
        var first = Echo(10, SimOp.Echo);
        Assert.True(first.TryStart(scenario.Client, connection));
        Assert.True(scenario.Network.RunUntil(() => first.Done, Limit));
        Assert.True(first.Succeeded);
        Assert.Equal(2503, connection.ServiceId);
        var second = Echo(10, SimOp.Echo);
        Assert.True(second.TryStart(scenario.Client, connection));
        Assert.True(scenario.Network.RunUntil(() => second.Done, Limit));
        Assert.Equal([(ushort)2503, (ushort)2503], scenario.ServerApp.Callers.Select(c => c.ServiceId));
    }

    [Theory]
    [InlineData(false, 0)] // reply first, then the rejection of the client's ACK (the common case)
    [InlineData(true, 300)] // PING, rejection of the ping response, and only then the reply (slow server)
    public void A_linux_server_that_answers_the_probe_on_the_old_id_and_rejects_it_afterwards_does_not_fail_the_probe(bool ping, int replyDelayMs)
    {
        var scenario = new SimScenario(112, new SimFaults());
        scenario.Server.Engine.AddService(2503, RxNullSecurityClass.Instance); // both bound; the script does the upgrade
        var linux = new SimLinuxUpgradeServer(scenario.Server, SimScenario.ServiceId, 2503, TimeSpan.FromMilliseconds(replyDelayMs), ping);
        RxConnection probing = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, SimScenario.ServiceId, null, true, scenario.Network.Now);
        TimeSpan start = scenario.Network.Now;
        var probe = Echo(10, SimOp.Echo);
        Assert.True(probe.TryStart(scenario.Client, probing));
        Assert.True(scenario.Network.RunUntil(() => probe.Done, Limit));
        Assert.True(probe.Succeeded, $"probe code {probe.Code}");
        Assert.True(probe.EndedAt - start < TimeSpan.FromMilliseconds(replyDelayMs + 100), $"no timeout penalty: {probe.EndedAt - start}");
        Assert.Equal(1, linux.Upgraded);
        Assert.True(probing.UpgradeDeclined, "the probe was answered on the old id: the connection takes no more calls");
        Assert.Equal(ping, probing.UpgradeRejected); // with the PING, the rejection came before the reply
        Assert.Equal(SimScenario.ServiceId, probing.ServiceId);
        Assert.Equal(ping, scenario.Client.Engine.Statistics.UpgradeRejections >= 1);
        Assert.Null(scenario.Client.Engine.StartCall(probing, scenario.Network.Now)); // no later call on that connection

        // Later calls: a fresh connection to the original service without the upgrade flag works, with no rejection.
        RxConnection fresh = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, SimScenario.ServiceId, null, false, scenario.Network.Now);
        var calls = new[] { Echo(100, SimOp.Echo), Echo(5000, SimOp.Echo) };
        foreach (SimClientCall call in calls)
        {
            Assert.True(call.TryStart(scenario.Client, fresh));
        }

        Assert.True(scenario.Network.RunUntil(() => calls.All(c => c.Done), scenario.Network.Now + TimeSpan.FromSeconds(5)));
        Assert.All(calls, c => Assert.True(c.Succeeded, $"code {c.Code}"));
        Assert.DoesNotContain(fresh.ConnectionId, linux.RejectedConnections);
        Assert.Equal([probing.ConnectionId], linux.RejectedConnections);
        Assert.Equal(1, linux.Upgraded);
        Assert.All(scenario.ServerApp.Callers, c => Assert.Equal(SimScenario.ServiceId, c.ServiceId));
    }

    [Fact]
    public void A_protocol_error_abort_on_an_ordinary_call_still_fails_it()
    {
        // The tolerance is for the probe of an upgrade-requesting connection only: -5 on a plain connection fails.
        var scenario = new SimScenario(113, new SimFaults());
        scenario.Server.Engine.AddService(2503, RxNullSecurityClass.Instance);
        var linux = new SimLinuxUpgradeServer(scenario.Server, SimScenario.ServiceId, 2503);
        RxConnection plain = scenario.Client.Engine.CreateClientConnection(scenario.Server.EndPoint, 2503, null, false, scenario.Network.Now);
        var first = Echo(10, SimOp.Echo);
        Assert.True(first.TryStart(scenario.Client, plain));
        Assert.True(scenario.Network.RunUntil(() => first.Done, Limit));
        Assert.True(first.Succeeded);
        Assert.Equal(0, linux.Rejected);
        Assert.False(plain.UpgradeDeclined);
    }

    private static SimClientCall Echo(int size, int op) =>
        op == SimOp.Echo ? new SimClientCall(SimOp.Echo, 0, size, size) : new SimClientCall(SimOp.Send, size, 0, size);

    /// <summary>A toy security class: a nonce challenge answered with nonce + 1, and a per-packet checksum.</summary>
    private sealed class TokenSecurity(bool answer = true) : IRxSecurityClass
    {
        public int Prepared { get; set; }

        public int Checked { get; set; }

        public int Rejected { get; set; }

        public RxSecurityIndex Index => RxSecurityIndex.K5;

        public IRxSecurityContext CreateContext(bool isServer, uint epoch, uint connectionId) => new Context(this, isServer, answer);

        private static ushort Sum(in RxGen.Runtime.Rx.Wire.RxHeader header, ReadOnlySpan<byte> payload)
        {
            uint sum = header.Seq * 7919;
            foreach (byte b in payload)
            {
                sum = (sum * 31) + b;
            }

            return (ushort)sum;
        }

        private sealed class Context(TokenSecurity owner, bool isServer, bool answer) : IRxSecurityContext
        {
            private bool _authenticated;

            public bool IsAuthenticated => !isServer || _authenticated;

            public object? Identity => _authenticated ? "alice" : null;

            public int PacketOverhead => 0;

            public int WriteChallenge(Span<byte> destination)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination, 0x1234);
                return 4;
            }

            public bool TryRespond(ReadOnlySpan<byte> challenge, Span<byte> destination, out int written)
            {
                written = 4;
                System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(destination, System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(challenge) + 1);
                return answer && challenge.Length >= 4;
            }

            public bool CheckResponse(ReadOnlySpan<byte> response)
            {
                _authenticated |= response.Length >= 4 && System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(response) == 0x1235;
                return _authenticated;
            }

            public ushort PreparePacket(in RxGen.Runtime.Rx.Wire.RxHeader header, Span<byte> payload, ref int length)
            {
                owner.Prepared++;
                return Sum(header, payload[..length]);
            }

            public bool CheckPacket(in RxGen.Runtime.Rx.Wire.RxHeader header, ReadOnlySpan<byte> payload, out int length)
            {
                owner.Checked++;
                length = payload.Length;
                bool good = header.Checksum == Sum(header, payload);
                owner.Rejected += good ? 0 : 1;
                return good;
            }
        }
    }
}
