using System;
using System.Buffers;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>Serves one version of one ONC RPC program; implemented by generated dispatchers.</summary>
/// <remarks>Transports call dispatchers through <see cref="OncDispatcherRegistry.DispatchAsync"/>, which maps exceptions to reply statuses.</remarks>
public interface IOncProgramDispatcher
{
    /// <summary>The program number.</summary>
    uint Program { get; }

    /// <summary>The program version.</summary>
    uint Version { get; }

    /// <summary>A name for logs and diagnostics.</summary>
    string Name { get; }

    /// <summary>Runs one procedure (<see cref="OncCallContext.Procedure"/> of <paramref name="context"/>).</summary>
    /// <param name="context">The call: procedure, caller, credentials, cancellation.</param>
    /// <param name="arguments">The XDR-encoded arguments; valid only until the returned task completes.</param>
    /// <param name="results">Receives the XDR-encoded results on success; the transport discards what was written otherwise.</param>
    /// <returns>
    /// <see cref="OncAcceptStat.Success"/>; <see cref="OncAcceptStat.ProcUnavail"/> for an unknown
    /// procedure; <see cref="OncAcceptStat.GarbageArgs"/> when the arguments do not decode;
    /// <see cref="OncAcceptStat.SystemErr"/> when the results break an IDL bound.
    /// </returns>
    /// <exception cref="OncRpcException">
    /// The service asked for a status (e.g. <see cref="OncRpcException.ProcedureUnavailable"/>).
    /// </exception>
    ValueTask<OncAcceptStat> DispatchAsync(OncCallContext context, ReadOnlyMemory<byte> arguments, IBufferWriter<byte> results);
}
