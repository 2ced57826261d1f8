using System;
using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// The datagram transport (svc_dg's): one call per datagram, received into one bounded buffer; a datagram
/// shorter than a call header, longer than <see cref="OncServerOptions.MaxDatagramSize"/>, or not a
/// well-formed call is dropped. Each accepted call is copied to a buffer of its own exact length, so it
/// is decoded from its own bytes only. With the duplicate-request cache, retransmissions are answered from
/// the cache, and not run twice while the first run is in progress. When every call slot is taken a
/// datagram is dropped (the client retransmits).
/// </summary>
internal sealed class OncUdpTransport : IAsyncDisposable
{
    private readonly OncServerCore _core;
    private readonly Socket _socket;
    private readonly OncDuplicateRequestCache? _cache;
    private readonly byte[] _receiveBuffer;
    private readonly IPEndPoint _anyEndPoint;
    private readonly SocketAddress _receivedFrom;
    private Sender? _lastSender;
    private Task? _receiveLoop;

    /// <summary>A sender's address as an <see cref="EndPoint"/> (for the procedure and the cache) and as a
    /// <see cref="SocketAddress"/> (for the reply), kept while datagrams keep coming from it.</summary>
    private sealed class Sender(EndPoint endPoint, SocketAddress address)
    {
        public EndPoint EndPoint { get; } = endPoint;

        public SocketAddress Address { get; } = address;
    }

    public OncUdpTransport(OncServerCore core, IPEndPoint endPoint, OncDuplicateRequestCache? cache)
    {
        _core = core;
        _cache = cache;
        _socket = new Socket(endPoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            _socket.Bind(endPoint);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }

        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        // One byte more than the limit tells an oversized (truncated) datagram from one of exactly the limit.
        _receiveBuffer = GC.AllocateUninitializedArray<byte>(core.Options.MaxDatagramSize + 1, pinned: true);
        _anyEndPoint = endPoint.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        _receivedFrom = _anyEndPoint.Serialize();
    }

    public IPEndPoint LocalEndPoint { get; }

    public OncDuplicateRequestCache? Cache => _cache;

    public void Start() => _receiveLoop = ReceiveLoopAsync();

    private async Task ReceiveLoopAsync()
    {
        CancellationToken stopping = _core.Stopping;
        while (!stopping.IsCancellationRequested)
        {
            int received;
            try
            {
                // Into a reused SocketAddress: no EndPoint is made per datagram, only when the sender changes.
                received = await _socket.ReceiveFromAsync(_receiveBuffer, SocketFlags.None, _receivedFrom, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
            catch (ObjectDisposedException)
            {
                break;
            }
            catch (SocketException ex)
            {
                // e.g. an ICMP error for an earlier reply; the socket is still good.
                _core.Logger.LogDebug("ONC RPC UDP receive failed: {Reason}", ex.SocketErrorCode);
                continue;
            }

            await HandleDatagramAsync(received, CurrentSender()).ConfigureAwait(false);
        }
    }

    private Sender CurrentSender()
    {
        Sender? last = _lastSender;
        if (last is not null && last.Address.Equals(_receivedFrom))
        {
            return last;
        }

        var address = new SocketAddress(_receivedFrom.Family, _receivedFrom.Size);
        _receivedFrom.Buffer.Span[.._receivedFrom.Size].CopyTo(address.Buffer.Span);
        var sender = new Sender(_anyEndPoint.Create(address), address);
        _lastSender = sender;
        return sender;
    }

    private async ValueTask HandleDatagramAsync(int length, Sender sender)
    {
        EndPoint remote = sender.EndPoint;
        if (length < OncMessages.MinCallLength)
        {
            _core.Metrics.Refused("short_datagram");
            return;
        }

        if (length > _core.Options.MaxDatagramSize)
        {
            _core.Metrics.Refused("oversized");
            return;
        }

        ReadOnlySpan<byte> datagram = _receiveBuffer.AsSpan(0, length);
        if (!OncMessages.TryReadCall(datagram, out OncCallHeader header))
        {
            _core.Metrics.Refused("malformed");
            return;
        }

        OncCacheTicket ticket = default;
        if (_cache is not null)
        {
            XdrBufferWriter replay = XdrBufferWriter.Rent();
            try
            {
                OncCacheLookup lookup = _cache.Begin(remote, header, datagram, replay, out ticket);
                if (lookup == OncCacheLookup.Replay)
                {
                    _core.Metrics.Refused("duplicate_replayed");
                    await SendAsync(replay.WrittenMemory, sender).ConfigureAwait(false);
                    return;
                }

                if (lookup == OncCacheLookup.InProgress)
                {
                    _core.Metrics.Refused("duplicate_in_progress");
                    return;
                }
            }
            finally
            {
                replay.Dispose();
            }
        }

        if (!_core.CallSlots.Wait(0))
        {
            _cache?.Abandon(ticket);
            _core.Metrics.Refused("overloaded");
            return;
        }

        _core.CallStarted();
        // A pooled copy of exactly the datagram's bytes: the receive buffer is reused by the next datagram.
        XdrBufferWriter call = XdrBufferWriter.Rent();
        call.Write(datagram);
        _ = ServeAsync(call, sender, ticket);
    }

    private async Task ServeAsync(XdrBufferWriter call, Sender sender, OncCacheTicket ticket)
    {
        XdrBufferWriter reply = XdrBufferWriter.Rent();
        bool answered = false;
        try
        {
            if (await _core.Processor.ProcessAsync(call.WrittenMemory, sender.EndPoint, reply, _core.Abort).ConfigureAwait(false))
            {
                _cache?.Complete(ticket, reply.WrittenSpan);
                answered = true;
                await SendAsync(reply.WrittenMemory, sender).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _core.Logger.LogError(ex, "ONC RPC UDP call from {Remote} failed", sender.EndPoint);
        }
        finally
        {
            if (!answered)
            {
                _cache?.Abandon(ticket);
            }

            reply.Dispose();
            call.Dispose();
            _core.CallEnded();
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> message, Sender sender)
    {
        try
        {
            await _socket.SendToAsync(message, SocketFlags.None, sender.Address).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _core.Logger.LogDebug("ONC RPC UDP reply to {Remote} failed: {Reason}", sender.EndPoint, ex.Message);
        }
    }

    /// <summary>Stops receiving (the core's stop signal); completes when the receive loop has ended.</summary>
    public async Task WaitStoppedAsync()
    {
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Dispose();
        await WaitStoppedAsync().ConfigureAwait(false);
    }
}
