using System;
using System.Linq;
using RxGen.Runtime.Rx.Wire;
using RxGen.Runtime.Tests.TestSupport;

namespace RxGen.Runtime.Tests.Rx;

public class RxWireTests
{
    // A client DATA packet laid out by hand from protocols.md §3.1 (rxi_EncodePacketHeader order).
    private const string DataHeaderHex =
        "80001234 0000abc5 00000007 00000001 00000009 01 05 01 00 0000 0034";

    [Fact]
    public void Header_decodes_every_field_from_spec_bytes()
    {
        byte[] bytes = Hex.Bytes(DataHeaderHex.Replace(" ", "", StringComparison.Ordinal));
        Assert.True(RxHeader.TryRead(bytes, out RxHeader h, out RxWireError error));
        Assert.Equal(RxWireError.None, error);
        Assert.Equal(0x80001234u, h.Epoch);
        Assert.Equal(0xabc5u, h.Cid);
        Assert.Equal(1, h.Channel);
        Assert.Equal(0xabc4u, h.ConnectionId);
        Assert.Equal(7u, h.CallNumber);
        Assert.Equal(1u, h.Seq);
        Assert.Equal(9u, h.Serial);
        Assert.Equal(RxPacketType.Data, h.Type);
        Assert.Equal(RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket, h.Flags);
        Assert.True(h.IsClientInitiated);
        Assert.Equal(1, h.UserStatus);
        Assert.Equal(0, h.SecurityIndex);
        Assert.Equal(0, h.Checksum);
        Assert.Equal(52, h.ServiceId);
    }

    [Fact]
    public void Header_encodes_to_the_same_bytes()
    {
        var h = new RxHeader(0x80001234, 0xabc5, 7, 1, 9, RxPacketType.Data, RxPacketFlags.ClientInitiated | RxPacketFlags.LastPacket, 1, 0, 0, 52);
        var buffer = new byte[RxHeader.Size];
        h.Write(buffer);
        Assert.Equal(DataHeaderHex.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant(), Hex.Of(buffer));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(27)]
    public void Short_datagrams_fail_with_ShortHeader(int length)
    {
        Assert.False(RxHeader.TryRead(new byte[length], out _, out RxWireError error));
        Assert.Equal(RxWireError.ShortHeader, error);
    }

    [Fact]
    public void Oversized_datagram_fails()
    {
        var bytes = new byte[RxHeader.MaxDatagramSize + 1];
        bytes[20] = 1;
        Assert.False(RxHeader.TryRead(bytes, out _, out RxWireError error));
        Assert.Equal(RxWireError.Oversized, error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(14)]
    [InlineData(255)]
    public void Unknown_type_fails(byte type)
    {
        var bytes = new byte[RxHeader.Size];
        bytes[20] = type;
        Assert.False(RxHeader.TryRead(bytes, out _, out RxWireError error));
        Assert.Equal(RxWireError.UnknownType, error);
    }

    [Theory]
    [InlineData(RxPacketType.Data, 1)]
    [InlineData(RxPacketType.Ack, 2)]
    [InlineData(RxPacketType.Busy, 3)]
    [InlineData(RxPacketType.Abort, 4)]
    [InlineData(RxPacketType.AckAll, 5)]
    [InlineData(RxPacketType.Challenge, 6)]
    [InlineData(RxPacketType.Response, 7)]
    [InlineData(RxPacketType.Debug, 8)]
    [InlineData(RxPacketType.Params, 9)]
    [InlineData(RxPacketType.Version, 13)]
    public void Packet_types_have_the_OpenAFS_numbers(RxPacketType type, byte value) => Assert.Equal(value, (byte)type);

    [Fact]
    public void Flags_have_the_OpenAFS_values()
    {
        Assert.Equal(1, (int)RxPacketFlags.ClientInitiated);
        Assert.Equal(2, (int)RxPacketFlags.RequestAck);
        Assert.Equal(4, (int)RxPacketFlags.LastPacket);
        Assert.Equal(8, (int)RxPacketFlags.MorePackets);
        Assert.Equal(0x20, (int)RxPacketFlags.JumboPacket);
        Assert.Equal(0x20, (int)RxPacketFlags.SlowStartOk);
    }

    // ACK body from protocols.md §3.5: 18 fixed bytes, nAcks acks, 3 zero bytes, then maxMTU, ifMTU, rwind, maxDgramPackets.
    private const string AckHex =
        "0000 0000 00000005 00000004 0000002a 03 03 01 00 01 000000 000005a4 000005a4 00000020 00000004";

    [Fact]
    public void Ack_decodes_fixed_part_acks_and_unaligned_trailer()
    {
        byte[] bytes = Hex.Bytes(AckHex);
        Assert.Equal(18 + 3 + 3 + 16, bytes.Length);
        Assert.True(RxAckBody.TryRead(bytes, out RxAckBody ack, out RxWireError error), error.ToString());
        Assert.Equal(5u, ack.FirstPacket);
        Assert.Equal(4u, ack.PreviousPacket);
        Assert.Equal(42u, ack.Serial);
        Assert.Equal(RxAckReason.OutOfSequence, ack.Reason);
        Assert.Equal(new byte[] { 1, 0, 1 }, ack.Acks.ToArray());
        Assert.Equal(new RxAckTrailer(1444, 1444, 32, 4), ack.Trailer);
        Assert.True(ack.IsAcked(4));
        Assert.True(ack.IsAcked(5));
        Assert.False(ack.IsAcked(6));
        Assert.True(ack.IsAcked(7));
        Assert.False(ack.IsAcked(8));
        Assert.Equal(bytes.Length, ack.EncodedSize);
    }

    [Fact]
    public void Ack_encodes_to_the_same_bytes()
    {
        byte[] expected = Hex.Bytes(AckHex);
        var ack = new RxAckBody(0, 0, 5, 4, 42, RxAckReason.OutOfSequence, new byte[] { 1, 0, 1 }, new RxAckTrailer(1444, 1444, 32, 4));
        var buffer = new byte[ack.EncodedSize];
        Assert.Equal(expected.Length, ack.Write(buffer));
        Assert.Equal(Hex.Of(expected), Hex.Of(buffer));
    }

    [Theory]
    [InlineData(0, null, null, null, null)]
    [InlineData(3, null, null, null, null)]
    [InlineData(6, null, null, null, null)]
    [InlineData(7, 1444u, null, null, null)]
    [InlineData(11, 1444u, 1444u, null, null)]
    [InlineData(15, 1444u, 1444u, 32u, null)]
    [InlineData(18, 1444u, 1444u, 32u, null)]
    [InlineData(19, 1444u, 1444u, 32u, 4u)]
    public void Ack_trailer_words_are_each_optional(int trailerBytes, uint? maxMtu, uint? ifMtu, uint? rwind, uint? jumbo)
    {
        byte[] full = Hex.Bytes(AckHex);
        byte[] cut = full.AsSpan(0, 18 + 3 + trailerBytes).ToArray();
        Assert.True(RxAckBody.TryRead(cut, out RxAckBody ack, out _));
        Assert.Equal(new RxAckTrailer(maxMtu, ifMtu, rwind, jumbo), ack.Trailer);
    }

    [Fact]
    public void Ack_reasons_have_the_OpenAFS_numbers()
    {
        Assert.Equal(
            new byte[] { 1, 2, 3, 4, 5, 6, 7, 8, 9 },
            new[] { RxAckReason.Requested, RxAckReason.Duplicate, RxAckReason.OutOfSequence, RxAckReason.ExceedsWindow, RxAckReason.NoSpace, RxAckReason.Ping, RxAckReason.PingResponse, RxAckReason.Delay, RxAckReason.Idle }
                .Select(r => (byte)r).ToArray());
    }

    [Fact]
    public void Ack_shorter_than_fixed_part_fails()
    {
        Assert.False(RxAckBody.TryRead(new byte[17], out _, out RxWireError error));
        Assert.Equal(RxWireError.ShortAck, error);
    }

    [Fact]
    public void Ack_count_past_the_end_fails()
    {
        var bytes = new byte[18 + 10];
        bytes[17] = 11;
        Assert.False(RxAckBody.TryRead(bytes, out _, out RxWireError error));
        Assert.Equal(RxWireError.AckCountPastEnd, error);
    }

    [Fact]
    public void Ack_with_255_acks_round_trips_and_256_is_refused()
    {
        var acks = new byte[255];
        acks.AsSpan().Fill(1);
        var ack = new RxAckBody(0, 0, 1, 0, 0, RxAckReason.Requested, acks, new RxAckTrailer(1444, 1444, 255, 1));
        var buffer = new byte[ack.EncodedSize];
        ack.Write(buffer);
        Assert.True(RxAckBody.TryRead(buffer, out RxAckBody back, out _));
        Assert.Equal(255, back.Acks.Length);
        Assert.True(back.IsAcked(255));
        Assert.False(back.IsAcked(256));
        Assert.Throws<ArgumentException>(() => new RxAckBody(0, 0, 1, 0, 0, RxAckReason.Requested, new byte[256], default).Write(new byte[400]));
    }

    [Fact]
    public void Abort_code_round_trips_and_short_abort_fails()
    {
        var buffer = new byte[4];
        RxAbort.WriteCode(buffer, -455);
        Assert.Equal("FFFFFE39", Hex.Of(buffer));
        Assert.True(RxAbort.TryReadCode(buffer, out int code, out _));
        Assert.Equal(-455, code);
        Assert.False(RxAbort.TryReadCode(buffer.AsSpan(0, 3), out _, out RxWireError error));
        Assert.Equal(RxWireError.ShortAbort, error);
    }

    [Fact]
    public void Jumbogram_of_four_packets_is_5688_bytes_and_splits_back()
    {
        var parts = new RxJumboPart[4];
        for (int i = 0; i < 4; i++)
        {
            var data = new byte[RxJumbogram.PacketDataSize];
            data.AsSpan().Fill((byte)(i + 1));
            parts[i] = new RxJumboPart(RxPacketFlags.ClientInitiated | (i == 3 ? RxPacketFlags.LastPacket : 0), (ushort)(0x100 + i), data);
        }

        var first = new RxHeader(0x80000001, 8, 1, 10, 100, RxPacketType.Data, 0, 1, 0, 0, 52);
        var buffer = new byte[8000];
        int n = RxJumbogram.Write(buffer, first, parts);
        Assert.Equal(5688, n);
        Assert.Equal(0x21, buffer[21]); // CLIENT_INITIATED | JUMBO on the first header
        Assert.Equal(0x21, buffer[RxHeader.Size + 1412]); // short header of packet 2

        Assert.True(RxHeader.TryRead(buffer.AsSpan(0, n), out RxHeader h, out _));
        var reader = RxJumbogram.Read(buffer.AsSpan(0, n), h);
        int count = 0;
        while (reader.TryReadNext(out RxHeader ph, out ReadOnlySpan<byte> data))
        {
            Assert.Equal(10u + (uint)count, ph.Seq);
            Assert.Equal(100u + (uint)count, ph.Serial);
            Assert.Equal((ushort)(0x100 + count), ph.Checksum);
            Assert.Equal(count == 0 ? 1 : 0, ph.UserStatus);
            Assert.Equal(count == 3, (ph.Flags & RxPacketFlags.LastPacket) != 0);
            Assert.Equal(count < 3, (ph.Flags & RxPacketFlags.JumboPacket) != 0);
            Assert.Equal(1412, data.Length);
            Assert.True(data.IndexOfAnyExcept((byte)(count + 1)) < 0);
            count++;
        }

        Assert.Equal(RxWireError.None, reader.Error);
        Assert.Equal(4, count);
    }

    [Fact]
    public void Jumbogram_truncated_in_a_subpacket_stops_with_BadJumbogram()
    {
        var first = new RxHeader(1, 8, 1, 1, 1, RxPacketType.Data, RxPacketFlags.JumboPacket, 0, 0, 0, 1);
        var buffer = new byte[RxHeader.Size + 1000];
        first.Write(buffer);
        var reader = RxJumbogram.Read(buffer, first);
        Assert.False(reader.TryReadNext(out _, out _));
        Assert.Equal(RxWireError.BadJumbogram, reader.Error);
    }

    [Fact]
    public void Jumbogram_with_more_packets_than_allowed_stops()
    {
        var parts = new RxJumboPart[5];
        for (int i = 0; i < 5; i++)
        {
            parts[i] = new RxJumboPart(0, 0, new byte[RxJumbogram.PacketDataSize]);
        }

        var first = new RxHeader(1, 8, 1, 1, 1, RxPacketType.Data, 0, 0, 0, 0, 1);
        var buffer = new byte[RxJumbogram.DatagramSize(5, 1412)];
        RxJumbogram.Write(buffer, first, parts);
        RxHeader.TryRead(buffer, out RxHeader h, out _);
        var reader = RxJumbogram.Read(buffer, h, maxPackets: 3);
        int count = 0;
        while (reader.TryReadNext(out _, out _))
        {
            count++;
        }

        Assert.Equal(3, count);
        Assert.Equal(RxWireError.TooManyJumboPackets, reader.Error);
    }

    [Fact]
    public void Jumbogram_writer_refuses_a_short_middle_packet()
    {
        var first = new RxHeader(1, 8, 1, 1, 1, RxPacketType.Data, 0, 0, 0, 0, 1);
        var parts = new[] { new RxJumboPart(0, 0, new byte[100]), new RxJumboPart(0, 0, new byte[100]) };
        Assert.Throws<ArgumentException>(() => RxJumbogram.Write(new byte[4000], first, parts));
    }

    [Fact]
    public void Plain_data_packet_reads_as_one_packet()
    {
        var h = new RxHeader(1, 8, 1, 1, 1, RxPacketType.Data, RxPacketFlags.LastPacket, 0, 0, 0, 1);
        var buffer = new byte[RxHeader.Size + 5];
        h.Write(buffer);
        var reader = RxJumbogram.Read(buffer, h);
        Assert.True(reader.TryReadNext(out RxHeader ph, out ReadOnlySpan<byte> data));
        Assert.Equal(h, ph);
        Assert.Equal(5, data.Length);
        Assert.False(reader.TryReadNext(out _, out _));
    }

    [Fact]
    public void Version_string_is_65_bytes_nul_padded()
    {
        var buffer = new byte[65];
        buffer.AsSpan().Fill(0xff);
        Assert.Equal(65, RxDebugPackets.WriteVersionString(buffer, "OpenAFS 1.8.9"));
        Assert.Equal("OpenAFS 1.8.9", RxDebugPackets.ReadVersionString(buffer));
        Assert.True(buffer.AsSpan(13).IndexOfAnyExcept((byte)0) < 0);
        RxDebugPackets.WriteVersionString(buffer, new string('x', 100));
        Assert.Equal(0, buffer[64]);
        Assert.Equal(64, RxDebugPackets.ReadVersionString(buffer).Length);
    }

    [Fact]
    public void Debug_request_and_stats_have_the_spec_layout()
    {
        byte[] req = Hex.Bytes("00000001 00000000");
        Assert.True(RxDebugRequest.TryRead(req, out RxDebugRequest r, out _));
        Assert.Equal(new RxDebugRequest((int)RxDebugRequestType.GetStats, 0), r);
        Assert.False(RxDebugRequest.TryRead(req.AsSpan(0, 7), out _, out RxWireError error));
        Assert.Equal(RxWireError.ShortDebug, error);

        var stats = new RxDebugStats(1, 2, 3, 4, 5, RxDebugPackets.DebugVersion, 6, 7, 8, 9);
        var buffer = new byte[RxDebugStats.Size];
        stats.Write(buffer);
        Assert.Equal("00000001" + "00000002" + "00000003" + "04055300" + "00000006" + "00000007" + "00000008" + "00000009" + new string('0', 48), Hex.Of(buffer));
        Assert.True(RxDebugStats.TryRead(buffer, out RxDebugStats back));
        Assert.Equal(stats, back);
    }

    [Fact]
    public void Random_garbage_never_throws()
    {
        var random = new Random(12345);
        var buffer = new byte[6000];
        for (int i = 0; i < 20000; i++)
        {
            int length = random.Next(0, buffer.Length);
            random.NextBytes(buffer.AsSpan(0, length));
            ReadOnlySpan<byte> datagram = buffer.AsSpan(0, length);
            if (i % 3 == 0 && length > 21)
            {
                buffer[20] = (byte)random.Next(1, 14);
            }

            if (!RxHeader.TryRead(datagram, out RxHeader h, out _))
            {
                continue;
            }

            ReadOnlySpan<byte> payload = datagram[RxHeader.Size..];
            _ = RxAckBody.TryRead(payload, out _, out _);
            _ = RxAbort.TryReadCode(payload, out _, out _);
            _ = RxDebugRequest.TryRead(payload, out _, out _);
            _ = RxDebugPackets.ReadVersionString(payload);
            var reader = RxJumbogram.Read(datagram, h with { Type = RxPacketType.Data });
            int guard = 0;
            while (reader.TryReadNext(out _, out _))
            {
                Assert.True(++guard <= RxJumbogram.MaxPackets);
            }
        }
    }
}
