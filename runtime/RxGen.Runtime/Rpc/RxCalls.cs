using System;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc;

/// <summary>Helpers that generated clients use for one-shot (non-split) procedures.</summary>
public static class RxCalls
{
    /// <summary>
    /// Runs one call: starts it, sends <paramref name="request"/> (opcode and IN arguments), reads the
    /// whole reply, and ends the call.
    /// </summary>
    /// <param name="connection">The connection.</param>
    /// <param name="request">The encoded request.</param>
    /// <param name="ct">Cancelling aborts the call.</param>
    /// <returns>The reply (OUT arguments); the caller owns and disposes it.</returns>
    /// <exception cref="RpcAbortException">The peer aborted the call; <see cref="RpcAbortException.Code"/> is its code.</exception>
    /// <exception cref="XdrException">The reply is longer than <see cref="XdrCallReader.DefaultMaxBufferedBytes"/>.</exception>
    public static ValueTask<XdrPooledBuffer> CallAsync(IRxConnection connection, ReadOnlyMemory<byte> request, CancellationToken ct) =>
        CallAsync(connection, request, XdrCallReader.DefaultMaxBufferedBytes, ct);

    /// <summary>Runs one call like <see cref="CallAsync(IRxConnection, ReadOnlyMemory{byte}, CancellationToken)"/>, with a reply size limit.</summary>
    /// <param name="connection">The connection.</param>
    /// <param name="request">The encoded request.</param>
    /// <param name="maxReplyBytes">The longest reply accepted; a longer one aborts the call with <see cref="RxGenErrorCodes.CcUnmarshal"/> and throws <see cref="XdrException"/>.</param>
    /// <param name="ct">Cancelling aborts the call.</param>
    /// <returns>The reply; the caller owns and disposes it.</returns>
    public static async ValueTask<XdrPooledBuffer> CallAsync(IRxConnection connection, ReadOnlyMemory<byte> request, long maxReplyBytes, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        IRxClientCall call = await connection.StartCallAsync(ct).ConfigureAwait(false);
        await using (call.ConfigureAwait(false))
        {
            await call.WriteAsync(request, ct).ConfigureAwait(false);
            await call.CompleteRequestAsync(ct).ConfigureAwait(false);
            using var reader = new XdrCallReader(call.ReadAsync, maxReplyBytes);
            try
            {
                return await reader.ReadToEndAsync(ct).ConfigureAwait(false);
            }
            catch (XdrException)
            {
                await call.AbortAsync(RxGenErrorCodes.CcUnmarshal, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
        }
    }
}
