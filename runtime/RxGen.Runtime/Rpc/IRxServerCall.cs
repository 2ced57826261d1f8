using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>The server side of one Rx call, handed to <see cref="IRxService.ExecuteAsync"/>.</summary>
/// <remarks>One operation at a time: a call is not safe for concurrent use.</remarks>
public interface IRxServerCall
{
    /// <summary>The service this call was addressed to (after any upgrade).</summary>
    ushort ServiceId { get; }

    /// <summary>The connection the call arrived on (peer, epoch/cid, security class, identity), set by the transport.</summary>
    RxConnectionInfo Connection { get; }

    /// <summary>Reads request bytes; the first four are the opcode.</summary>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The number of bytes read; 0 at the end of the request.</returns>
    /// <exception cref="RpcAbortException">The client aborted the call.</exception>
    ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default);

    /// <summary>Sends reply bytes.</summary>
    /// <param name="data">The bytes.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>Completes when the bytes are accepted.</returns>
    /// <exception cref="RpcAbortException">The client aborted the call.</exception>
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default);
}
