using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Rx.Transport;

/// <summary>Settings of an <see cref="RxPeer"/>.</summary>
public sealed record RxPeerOptions
{
    /// <summary>The protocol core's tunables.</summary>
    public RxProtocolOptions Protocol { get; init; } = new();

    /// <summary>Server calls executing at once per service id; further calls to that service wait (queued, their packets still acknowledged) for a slot.</summary>
    public int MaxConcurrentCallsPerService { get; init; } = 64;

    /// <summary>
    /// Server calls per service that may wait for a slot beyond <see cref="MaxConcurrentCallsPerService"/>; a new call
    /// beyond both is refused before any of its packets is accepted: with a BUSY packet (our client sends the request
    /// again after a short back-off, an OpenAFS client after its retransmission timeout), or with an ABORT carrying
    /// <see cref="RxProtocolOptions.BusyAbortCode"/> when that is set (OpenAFS <c>rx_SetBusyThreshold</c>). Negative: no
    /// bound. Ignored when <see cref="RxProtocolOptions.MaxServerCallsPerService"/> is set.
    /// </summary>
    public int MaxQueuedCallsPerService { get; init; } = 256;

    /// <summary>
    /// Start each server call on the receive loop, where it runs until its first await that does not complete at
    /// once: a small call is served without a thread hop. Set false if services may block synchronously (they would
    /// stall the socket); calls then start on the thread pool.
    /// </summary>
    public bool RunServerCallsInline { get; init; } = true;

    /// <summary>
    /// Resume a client call's awaiting code on the receive thread when its reply (or window space) arrives, where it
    /// runs until its next await that does not complete at once: no thread-pool hop per call (a context switch fewer
    /// on a busy or pinned core). Off by default: code after the await must then never block synchronously on Rx
    /// calls through this peer (e.g. <c>.Result</c>): that would stall the receive thread that must complete them.
    /// </summary>
    public bool RunClientContinuationsInline { get; init; }

    /// <summary>Connections one <see cref="Rpc.IRxConnection"/> may open to spread its calls (4 calls each).</summary>
    public int MaxConnectionsPerDestination { get; init; } = 64;

    /// <summary>Bytes of socket receive buffer to ask the kernel for.</summary>
    public int SocketReceiveBufferSize { get; init; } = 4 << 20;

    /// <summary>Bytes of socket send buffer to ask the kernel for.</summary>
    public int SocketSendBufferSize { get; init; } = 4 << 20;
}
