using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using RxGen.Runtime.Rx.Protocol;
using RxGen.Runtime.Rx.Wire;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// The client's final ACK of a reply waits <see cref="RxProtocolOptions.FinalAckDelay"/> for the next call on the
/// channel, whose first DATA packet acknowledges the reply: sequential calls cost one datagram each way.
/// </summary>
public class RxFinalAckTests
{
    private const ushort Service = 52;
    private static readonly IPEndPoint ServerAddress = new(IPAddress.Parse("10.9.0.1"), 7000);
    private static readonly IPEndPoint ClientAddress = new(IPAddress.Parse("10.9.0.2"), 7001);

    [Fact]
    public void Sequential_calls_carry_each_final_ACK_in_the_next_request_and_the_last_one_goes_after_the_delay()
    {
        var pair = new Pair(new RxProtocolOptions());
        for (int i = 0; i < 10; i++)
        {
            pair.Call(size: 8);
            pair.Advance(TimeSpan.FromMicroseconds(100)); // the next call follows well within the delay
        }

        // The connection's first final ACK goes at once (it carries our trailer); calls 2..9 send none; the 10th waits.
        List<RxHeader> acks = pair.ClientSent.Where(h => h.Type == RxPacketType.Ack).ToList();
        Assert.Equal([1u], acks.Select(h => h.CallNumber));
        Assert.Equal(9, pair.ServerEnded); // every call but the last is complete on the server too
        Assert.Equal(0, pair.Server.Statistics.Retransmissions);
        Assert.Equal(TimeSpan.FromMilliseconds(1), new RxProtocolOptions().FinalAckDelay);

        pair.Advance(TimeSpan.FromMilliseconds(1));
        acks = pair.ClientSent.Where(h => h.Type == RxPacketType.Ack).ToList();
        Assert.Equal([1u, 10u], acks.Select(h => h.CallNumber));
        Assert.Equal(10, pair.ServerEnded);
        Assert.Equal(0, pair.Server.Statistics.Retransmissions);
        Assert.Equal(TimeSpan.MaxValue, pair.Client.NextDeadline);
    }

    [Fact]
    public void With_no_delay_every_final_ACK_goes_at_once_as_OpenAFS_sends_it()
    {
        var pair = new Pair(new RxProtocolOptions { FinalAckDelay = TimeSpan.Zero });
        for (int i = 0; i < 5; i++)
        {
            pair.Call(size: 8);
            Assert.Equal(i + 1, pair.ServerEnded);
        }

        Assert.Equal([1u, 2u, 3u, 4u, 5u], pair.ClientSent.Where(h => h.Type == RxPacketType.Ack).Select(h => h.CallNumber));
    }

    [Fact]
    public void A_started_call_that_has_sent_nothing_does_not_hold_back_the_previous_final_ACK()
    {
        var pair = new Pair(new RxProtocolOptions());
        pair.Call(size: 8);
        pair.Call(size: 8);
        RxCall idle = pair.Client.StartCall(pair.Connection, pair.Now)!; // takes channel 0 but writes nothing yet
        Assert.Equal(0, idle.Channel);
        pair.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal([1u, 2u], pair.ClientSent.Where(h => h.Type == RxPacketType.Ack).Select(h => h.CallNumber));
        Assert.Equal(2, pair.ServerEnded);
    }

    [Fact]
    public void Closing_the_connection_or_flushing_sends_the_pending_final_ACK_at_once()
    {
        var pair = new Pair(new RxProtocolOptions());
        pair.Call(size: 8);
        pair.Call(size: 8);
        pair.Client.CloseConnection(pair.Connection, pair.Now);
        pair.Pump();
        Assert.Equal([1u, 2u], pair.ClientSent.Where(h => h.Type == RxPacketType.Ack).Select(h => h.CallNumber));
        Assert.Equal(2, pair.ServerEnded);

        var other = new Pair(new RxProtocolOptions());
        other.Call(size: 8);
        other.Call(size: 8);
        other.Client.FlushFinalAcks(other.Now);
        other.Pump();
        Assert.Equal(2, other.ServerEnded);
    }

    [Fact]
    public void A_lost_next_request_leaves_the_reply_to_the_retransmission_and_both_calls_still_complete()
    {
        var pair = new Pair(new RxProtocolOptions());
        pair.Call(size: 8);
        pair.Call(size: 8);
        pair.DropNextClientDatagram = true; // the third request is lost: it does not acknowledge call 2's reply
        RxCall third = pair.Client.StartCall(pair.Connection, pair.Now)!;
        pair.Client.Write(third, new byte[8], pair.Now);
        pair.Client.CompleteWrite(third, pair.Now);
        pair.Pump();
        for (int i = 0; i < 200 && pair.ServerCalls.Count < 3; i++)
        {
            pair.Advance(TimeSpan.FromMilliseconds(5));
        }

        Assert.Equal(3, pair.ServerCalls.Count);
        pair.Answer(pair.ServerCalls[^1], 8);
        pair.ReadReply(third);
        pair.Advance(TimeSpan.FromMilliseconds(2));
        Assert.Equal(3, pair.ServerEnded);
        Assert.Equal(RxCallState.Completed, third.State);
    }

    /// <summary>A client and a server engine exchanging datagrams in memory with no delay; time moves only when told.</summary>
    private sealed class Pair
    {
        public Pair(RxProtocolOptions clientOptions)
        {
            Server = new RxProtocolEngine(new RxProtocolOptions(), 0x8000_0001, 0x100);
            Server.AddService(Service, RxNullSecurityClass.Instance);
            Client = new RxProtocolEngine(clientOptions, 0x9234_5678, 0x40);
            Connection = Client.CreateClientConnection(ServerAddress, Service, null, false, Now);
        }

        public RxProtocolEngine Server { get; }

        public RxProtocolEngine Client { get; }

        public RxConnection Connection { get; }

        public TimeSpan Now { get; private set; }

        public List<RxHeader> ClientSent { get; } = new();

        public List<RxCall> ServerCalls { get; } = new();

        public int ServerEnded { get; private set; }

        public bool DropNextClientDatagram { get; set; }

        /// <summary>One whole call: request, the server's reply, the client reads it.</summary>
        public void Call(int size)
        {
            RxCall call = Client.StartCall(Connection, Now)!;
            Assert.Equal(size, Client.Write(call, new byte[size], Now));
            Client.CompleteWrite(call, Now);
            Pump();
            Answer(ServerCalls[^1], size);
            ReadReply(call);
            Assert.Equal(RxCallState.Completed, call.State);
            Client.ReleaseCall(call);
        }

        public void Answer(RxCall serverCall, int size)
        {
            var buffer = new byte[65536];
            while (Server.Read(serverCall, buffer, Now) > 0)
            {
            }

            Assert.Equal(size, Server.Write(serverCall, new byte[size], Now));
            Server.CompleteWrite(serverCall, Now);
            Pump();
        }

        public void ReadReply(RxCall call)
        {
            var buffer = new byte[65536];
            while (Client.Read(call, buffer, Now) > 0)
            {
            }

            Pump();
        }

        public void Advance(TimeSpan by)
        {
            Now += by;
            Client.Tick(Now);
            Server.Tick(Now);
            Pump();
        }

        public void Pump()
        {
            bool moved = true;
            while (moved)
            {
                moved = false;
                while (Client.TryDequeueDatagram(out RxOutgoingDatagram d))
                {
                    moved = true;
                    Assert.True(RxHeader.TryRead(d.Memory.Span, out RxHeader h, out _));
                    ClientSent.Add(h);
                    if (DropNextClientDatagram && h.Type == RxPacketType.Data)
                    {
                        DropNextClientDatagram = false;
                    }
                    else
                    {
                        Server.Receive(d.Memory.Span, ClientAddress, Now);
                    }

                    d.Release();
                }

                while (Server.TryDequeueDatagram(out RxOutgoingDatagram d))
                {
                    moved = true;
                    Client.Receive(d.Memory.Span, ServerAddress, Now);
                    d.Release();
                }

                while (Server.TryDequeueEvent(out RxProtocolEvent e))
                {
                    if (e.Kind == RxProtocolEventKind.IncomingCall)
                    {
                        ServerCalls.Add(e.Call);
                    }
                    else if (e.Kind == RxProtocolEventKind.Ended)
                    {
                        ServerEnded++;
                    }
                }

                while (Client.TryDequeueEvent(out _))
                {
                }
            }
        }
    }
}
