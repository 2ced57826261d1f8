using System;
using System.Collections.Generic;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Tests.Rx;

/// <summary>
/// A loopback UDP proxy between one client and one server that loses, duplicates and reorders (delays) datagrams,
/// seeded. The client sends to <see cref="EndPoint"/>; the shim forwards to the server and sends the server's
/// answers back to the client's address.
/// </summary>
/// <remarks>
/// One thread receives with blocking calls and forwards at once (no thread-pool hop per datagram, so the shim is not
/// what limits a bench); a second thread sends the delayed copies when they are due. The fault decisions are drawn
/// in arrival order from one seeded <see cref="Random"/>.
/// </remarks>
internal sealed class UdpFaultShim : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly SocketAddress _server;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly PriorityQueue<(byte[] Datagram, SocketAddress To), long> _delayed = new();
    private readonly Thread _receiver;
    private readonly Thread _delayer;
    private volatile bool _stop;
    private SocketAddress? _client;
    private long _forwarded;
    private long _dropped;

    public UdpFaultShim(IPEndPoint server, int seed, double loss, double duplicate, double reorder)
    {
        _server = server.Serialize();
        _random = new Random(seed);
        Loss = loss;
        Duplicate = duplicate;
        Reorder = reorder;
        try
        {
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReceiveBuffer, 4 << 20);
            _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.SendBuffer, 4 << 20);
        }
        catch (SocketException)
        {
            // The kernel caps the buffers; the defaults still work.
        }

        _socket.ReceiveTimeout = 200; // bounds the receive thread's exit; disposing the socket wakes it anyway
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "UdpFaultShim receive" };
        _delayer = new Thread(DelayLoop) { IsBackground = true, Name = "UdpFaultShim delay" };
        _receiver.Start();
        _delayer.Start();
    }

    public IPEndPoint EndPoint { get; }

    public double Loss { get; }

    public double Duplicate { get; }

    public double Reorder { get; }

    public long Forwarded => Interlocked.Read(ref _forwarded);

    public long Dropped => Interlocked.Read(ref _dropped);

    public override string ToString() => $"shim loss={Loss} dup={Duplicate} reorder={Reorder}: forwarded {Forwarded}, dropped {Dropped}";

    public ValueTask DisposeAsync()
    {
        _stop = true;
        lock (_gate)
        {
            Monitor.PulseAll(_gate);
        }

        _socket.Dispose();
        _receiver.Join(5000);
        _delayer.Join(5000);
        return ValueTask.CompletedTask;
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[65536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        while (!_stop)
        {
            int received;
            try
            {
                received = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException)
            {
                continue; // timeout (checks _stop), or an ICMP error from a closed peer
            }
            catch (ObjectDisposedException)
            {
                return;
            }

            SocketAddress to;
            if (from.Equals(_server))
            {
                if (_client is null)
                {
                    continue;
                }

                to = _client;
            }
            else
            {
                if (_client is null || !_client.Equals(from))
                {
                    var copy = new SocketAddress(from.Family, from.Size);
                    from.Buffer.Span.CopyTo(copy.Buffer.Span);
                    _client = copy;
                }

                to = _server;
            }

            int copies;
            int delayMs;
            lock (_gate)
            {
                if (_random.NextDouble() < Loss)
                {
                    _dropped++;
                    continue;
                }

                copies = _random.NextDouble() < Duplicate ? 2 : 1;
                delayMs = _random.NextDouble() < Reorder ? _random.Next(1, 6) : 0;
                _forwarded += copies;
                if (delayMs > 0 || copies > 1)
                {
                    long due = Environment.TickCount64 + Math.Max(delayMs, 1);
                    byte[] datagram = buffer.AsSpan(0, received).ToArray();
                    for (int i = delayMs > 0 ? 0 : 1; i < copies; i++)
                    {
                        _delayed.Enqueue((datagram, to), due);
                    }

                    Monitor.Pulse(_gate);
                }
            }

            if (delayMs == 0)
            {
                Send(buffer.AsSpan(0, received), to);
            }
        }
    }

    private void DelayLoop()
    {
        var due = new List<(byte[] Datagram, SocketAddress To)>();
        while (!_stop)
        {
            lock (_gate)
            {
                while (!_stop && (!_delayed.TryPeek(out _, out long at) || at > Environment.TickCount64))
                {
                    int wait = _delayed.TryPeek(out _, out long next) ? (int)Math.Clamp(next - Environment.TickCount64, 0, 1000) : 1000;
                    Monitor.Wait(_gate, wait);
                }

                long now = Environment.TickCount64;
                while (_delayed.TryPeek(out _, out long at) && at <= now)
                {
                    due.Add(_delayed.Dequeue());
                }
            }

            foreach ((byte[] datagram, SocketAddress to) in due)
            {
                Send(datagram, to);
            }

            due.Clear();
        }
    }

    private void Send(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        try
        {
            _socket.SendTo(datagram, SocketFlags.None, to);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }
}
