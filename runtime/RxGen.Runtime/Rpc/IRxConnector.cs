using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>Makes new Rx connections to one peer.</summary>
public interface IRxConnector
{
    /// <summary>Opens a connection to <paramref name="serviceId"/>.</summary>
    /// <param name="serviceId">The service to call.</param>
    /// <param name="requestUpgrade">
    /// Mark the connection's first call as a service-upgrade probe; a server with an upgrade pair for
    /// <paramref name="serviceId"/> then switches the whole connection to the other service.
    /// </param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connection.</returns>
    ValueTask<IRxConnection> ConnectAsync(ushort serviceId, bool requestUpgrade, CancellationToken cancellationToken = default);
}
