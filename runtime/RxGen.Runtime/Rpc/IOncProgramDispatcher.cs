using System;
using System.Buffers;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>Serves one version of one ONC RPC program; implemented by generated dispatchers.</summary>
public interface IOncProgramDispatcher
{
    /// <summary>The program number.</summary>
    uint Program { get; }

    /// <summary>The program version.</summary>
    uint Version { get; }

    /// <summary>A name for logs and diagnostics.</summary>
    string Name { get; }

    /// <summary>Runs one procedure.</summary>
    /// <param name="procedure">The procedure number.</param>
    /// <param name="arguments">The XDR-encoded arguments; valid only until the returned task completes.</param>
    /// <param name="results">Receives the XDR-encoded results on success.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>
    /// <see cref="OncAcceptStat.Success"/>; <see cref="OncAcceptStat.ProcUnavail"/> for an unknown
    /// procedure; <see cref="OncAcceptStat.GarbageArgs"/> when the arguments do not decode.
    /// </returns>
    ValueTask<OncAcceptStat> DispatchAsync(uint procedure, ReadOnlyMemory<byte> arguments, IBufferWriter<byte> results, CancellationToken cancellationToken);
}
