using System;
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
internal sealed class UdpFaultShim : IAsyncDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
    private readonly IPEndPoint _server;
    private readonly Random _random;
    private readonly object _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private IPEndPoint? _client;

    public UdpFaultShim(IPEndPoint server, int seed, double loss, double duplicate, double reorder)
    {
        _server = server;
        _random = new Random(seed);
        Loss = loss;
        Duplicate = duplicate;
        Reorder = reorder;
        _socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        EndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        _loop = Task.Run(LoopAsync);
    }

    public IPEndPoint EndPoint { get; }

    public double Loss { get; }

    public double Duplicate { get; }

    public double Reorder { get; }

    public long Forwarded { get; private set; }

    public long Dropped { get; private set; }

    public override string ToString() => $"shim loss={Loss} dup={Duplicate} reorder={Reorder}: forwarded {Forwarded}, dropped {Dropped}";

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _socket.Dispose();
        try
        {
            await _loop;
        }
        catch (Exception)
        {
        }

        _stop.Dispose();
    }

    private async Task LoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = new IPEndPoint(IPAddress.Any, 0);
        while (!_stop.IsCancellationRequested)
        {
            SocketReceiveFromResult result;
            try
            {
                result = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException)
            {
                continue;
            }

            var from = (IPEndPoint)result.RemoteEndPoint;
            IPEndPoint to;
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
                _client = from;
                to = _server;
            }

            byte[] datagram = buffer.AsSpan(0, result.ReceivedBytes).ToArray();
            int copies;
            int delayMs;
            lock (_gate)
            {
                if (_random.NextDouble() < Loss)
                {
                    Dropped++;
                    continue;
                }

                copies = _random.NextDouble() < Duplicate ? 2 : 1;
                delayMs = _random.NextDouble() < Reorder ? _random.Next(1, 6) : 0;
                Forwarded += copies;
            }

            for (int i = 0; i < copies; i++)
            {
                if (delayMs == 0 && i == 0)
                {
                    Send(datagram, to);
                }
                else
                {
                    _ = DelayedSendAsync(datagram, to, Math.Max(delayMs, 1));
                }
            }
        }
    }

    private async Task DelayedSendAsync(byte[] datagram, IPEndPoint to, int delayMs)
    {
        try
        {
            await Task.Delay(delayMs, _stop.Token);
            Send(datagram, to);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void Send(byte[] datagram, IPEndPoint to)
    {
        try
        {
            _socket.SendTo(datagram, to);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
        }
        catch (SocketException)
        {
        }
    }
}
