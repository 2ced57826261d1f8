using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// The client side of one Rx call: a byte stream each way. Write the request, then read the reply.
/// Dispose to end the call (an unfinished call is aborted).
/// </summary>
/// <remarks>One operation at a time: a call is not safe for concurrent use.</remarks>
public interface IRxClientCall : IAsyncDisposable
{
    /// <summary>The service that answers this call (the upgraded one, after an upgrade).</summary>
    ushort ServiceId { get; }

    /// <summary>Sends request bytes.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancelling aborts the call.</param>
    /// <returns>Completes when the bytes are accepted.</returns>
    /// <exception cref="RpcAbortException">The call was aborted.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);

    /// <summary>Ends the request. Implied by the first <see cref="ReadAsync"/>.</summary>
    /// <param name="cancellationToken">Cancelling aborts the call.</param>
    /// <returns>Completes when the end is sent.</returns>
    ValueTask CompleteRequestAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads reply bytes.</summary>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="cancellationToken">Cancelling aborts the call.</param>
    /// <returns>The number of bytes read; 0 at the end of the reply.</returns>
    /// <exception cref="RpcAbortException">The peer (or this side) aborted the call.</exception>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Aborts the call with <paramref name="code"/>, which the peer sees.</summary>
    /// <param name="code">A non-zero abort code.</param>
    /// <param name="cancellationToken">Cancels sending the abort.</param>
    /// <returns>Completes when the abort is sent.</returns>
    ValueTask AbortAsync(int code, CancellationToken cancellationToken = default);
}
