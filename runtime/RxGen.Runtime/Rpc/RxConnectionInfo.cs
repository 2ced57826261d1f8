using System.Net;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// What a server knows about the connection a call arrived on: set by the transport when the connection
/// is created, and shared by every call on it (see <see cref="IRxServerCall.Connection"/>).
/// </summary>
/// <param name="PeerEndPoint">
/// The client's address (an <see cref="IPEndPoint"/> over UDP); null when the transport has none, as for
/// the in-memory transport unless its connector was given one.
/// </param>
/// <param name="Epoch">The connection's epoch (chosen by the client).</param>
/// <param name="ConnectionId">The connection id (<c>cid</c>) with the channel bits cleared.</param>
/// <param name="SecurityIndex">The security class protecting the connection.</param>
/// <param name="Identity">
/// Who the security class authenticated (its own type, e.g. an rxkad ticket's principal); null for an
/// anonymous caller, which every <see cref="RxSecurityIndex.Null"/> connection is.
/// </param>
public sealed record RxConnectionInfo(EndPoint? PeerEndPoint, uint Epoch, uint ConnectionId, RxSecurityIndex SecurityIndex, object? Identity)
{
    /// <summary>An anonymous (rxnull) connection with no address and no epoch/cid, for tests and tools.</summary>
    public static RxConnectionInfo Anonymous { get; } = new(null, 0, 0, RxSecurityIndex.Null, null);

    /// <summary>True when the caller is not authenticated (<see cref="Identity"/> is null).</summary>
    public bool IsAnonymous => Identity is null;
}
