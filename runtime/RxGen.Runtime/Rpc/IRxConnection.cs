using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>The client side of one Rx connection: calls to one service on one peer.</summary>
/// <remarks>
/// Dispose the connection when done with it: later <see cref="StartCallAsync"/> calls throw
/// <see cref="ObjectDisposedException"/>. Whether calls still in flight are aborted is up to the
/// transport (the in-memory one lets them finish).
/// </remarks>
public interface IRxConnection : IAsyncDisposable
{
    /// <summary>
    /// The connection's service id. It changes at most once: when the first call of a connection that
    /// requested a service upgrade is answered by the upgraded service.
    /// </summary>
    ushort ServiceId { get; }

    /// <summary>
    /// Starts a call. While the upgrade probe (the first call of an upgrade-requesting connection) is in
    /// progress, this waits until the probe ends.
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>The call; dispose it to end it.</returns>
    /// <exception cref="ObjectDisposedException">The connection was disposed.</exception>
    ValueTask<IRxClientCall> StartCallAsync(CancellationToken cancellationToken = default);
}
