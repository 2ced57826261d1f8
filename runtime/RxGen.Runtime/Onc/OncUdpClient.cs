using System;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// An ONC RPC client over UDP, for generated clients: one datagram per call, retransmitted with the same
/// xid (so a server's duplicate-request cache recognises it) after <see cref="OncClientOptions.RetransmitInterval"/>,
/// doubling up to <see cref="OncClientOptions.MaxRetransmitInterval"/>, until <see cref="OncClientOptions.Timeout"/>.
/// Replies are matched by xid; many calls may be in flight.
/// </summary>
public sealed class OncUdpClient : IOncCallTransport, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly OncPendingCalls _pending = new();
    private readonly OncClientOptions _options;
    private readonly CancellationTokenSource _closed = new();
    private readonly Task _receiveLoop;
    private int _disposed;

    private OncUdpClient(Socket socket, OncClientOptions options)
    {
        _socket = socket;
        _options = options;
        RemoteEndPoint = (IPEndPoint)socket.RemoteEndPoint!;
        _receiveLoop = ReceiveLoopAsync();
    }

    /// <summary>The server's address.</summary>
    public IPEndPoint RemoteEndPoint { get; }

    /// <summary>Datagrams sent again because no reply came in time (over the client's life).</summary>
    public long Retransmissions => Interlocked.Read(ref _retransmissions);

    private long _retransmissions;

    /// <summary>Creates a client for one server (a connected UDP socket: only that server's datagrams are read).</summary>
    /// <param name="server">The server's address.</param>
    /// <param name="options">Credentials, timeouts and retransmission, or null for the defaults.</param>
    /// <returns>The client.</returns>
    public static OncUdpClient Create(IPEndPoint server, OncClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = new Socket(server.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Connect(server);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new OncUdpClient(socket, options ?? new OncClientOptions());
    }

    /// <inheritdoc/>
    public async ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        (uint xid, TaskCompletionSource<XdrPooledBuffer> completion) = _pending.Add();
        try
        {
            using XdrBufferWriter message = XdrBufferWriter.Rent();
            OncMessages.WriteCall(message, xid, program, version, procedure, _options.Credentials);
            arguments.Span.CopyTo(message.GetSpan(arguments.Length));
            message.Advance(arguments.Length);
            long start = Stopwatch.GetTimestamp();
            TimeSpan interval = _options.RetransmitInterval;
            while (true)
            {
                await _socket.SendAsync(message.WrittenMemory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
                TimeSpan left = _options.Timeout - Stopwatch.GetElapsedTime(start);
                if (left <= TimeSpan.Zero)
                {
                    throw new TimeoutException();
                }

                try
                {
                    return await completion.Task.WaitAsync(interval < left ? interval : left, cancellationToken).ConfigureAwait(false);
                }
                catch (TimeoutException) when (!completion.Task.IsCompleted)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    if (Stopwatch.GetElapsedTime(start) >= _options.Timeout)
                    {
                        throw;
                    }

                    Interlocked.Increment(ref _retransmissions);
                    interval = interval * 2 < _options.MaxRetransmitInterval ? interval * 2 : _options.MaxRetransmitInterval;
                }
            }
        }
        catch (TimeoutException) when (!completion.Task.IsCompleted)
        {
            _pending.Remove(xid, completion);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"ONC RPC call to program {program} version {version} procedure {procedure} over UDP timed out after {_options.Timeout}.");
        }
        catch (Exception) when (!completion.Task.IsCompleted)
        {
            _pending.Remove(xid, completion);
            throw;
        }
    }

    private async Task ReceiveLoopAsync()
    {
        byte[] buffer = GC.AllocateUninitializedArray<byte>(_options.MaxDatagramSize, pinned: true);
        while (!_closed.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await _socket.ReceiveAsync(buffer, SocketFlags.None, _closed.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException)
            {
                // ICMP port unreachable and the like: calls time out (or get a reply after a restart).
                continue;
            }

            _pending.Complete(buffer.AsSpan(0, received));
        }
    }

    /// <summary>Closes the socket; waiting calls fail with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>When closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _closed.Cancel();
        _pending.FailAll(new ObjectDisposedException(nameof(OncUdpClient)));
        _socket.Dispose();
        await _receiveLoop.ConfigureAwait(false);
        _closed.Dispose();
    }
}
