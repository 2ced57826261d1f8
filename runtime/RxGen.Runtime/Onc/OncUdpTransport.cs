using System;
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
    private readonly EndPoint _anyEndPoint;
    private Task? _receiveLoop;

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
    }

    public IPEndPoint LocalEndPoint { get; }

    public OncDuplicateRequestCache? Cache => _cache;

    public void Start() => _receiveLoop = ReceiveLoopAsync();

    private async Task ReceiveLoopAsync()
    {
        CancellationToken stopping = _core.Stopping;
        while (!stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(_receiveBuffer, SocketFlags.None, _anyEndPoint, stopping).ConfigureAwait(false);
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

            await HandleDatagramAsync(received.ReceivedBytes, received.RemoteEndPoint).ConfigureAwait(false);
        }
    }

    private async ValueTask HandleDatagramAsync(int length, EndPoint remote)
    {
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
                    await SendAsync(replay.WrittenMemory, remote).ConfigureAwait(false);
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
        XdrPooledBuffer call = XdrPooledBuffer.Copy(datagram);
        _ = ServeAsync(call, remote, ticket);
    }

    private async Task ServeAsync(XdrPooledBuffer call, EndPoint remote, OncCacheTicket ticket)
    {
        XdrBufferWriter reply = XdrBufferWriter.Rent();
        bool answered = false;
        try
        {
            if (await _core.Processor.ProcessAsync(call.Memory, remote, reply, _core.Abort).ConfigureAwait(false))
            {
                _cache?.Complete(ticket, reply.WrittenSpan);
                answered = true;
                await SendAsync(reply.WrittenMemory, remote).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            _core.Logger.LogError(ex, "ONC RPC UDP call from {Remote} failed", remote);
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

    private async ValueTask SendAsync(ReadOnlyMemory<byte> message, EndPoint remote)
    {
        try
        {
            await _socket.SendToAsync(message, SocketFlags.None, remote).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            _core.Logger.LogDebug("ONC RPC UDP reply to {Remote} failed: {Reason}", remote, ex.Message);
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
