using System;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc;

/// <summary>Sends ONC RPC calls (RFC 5531) to one server; what generated rpcgen-style clients call.</summary>
public interface IOncCallTransport
{
    /// <summary>Calls a procedure.</summary>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <param name="procedure">The procedure number.</param>
    /// <param name="arguments">The XDR-encoded arguments.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The XDR-encoded results; the caller owns and disposes them.</returns>
    /// <exception cref="OncRpcException">The reply's status is not SUCCESS.</exception>
    ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default);
}
