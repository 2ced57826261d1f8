using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>An Rx service: implemented by generated dispatchers (rxgen's <c>ExecuteRequest</c>).</summary>
public interface IRxService
{
    /// <summary>The service id that calls address.</summary>
    ushort ServiceId { get; }

    /// <summary>A name for logs and diagnostics.</summary>
    string Name { get; }

    /// <summary>Runs one call: read the opcode and arguments, write the reply.</summary>
    /// <param name="call">The call.</param>
    /// <param name="cancellationToken">Signalled when the call is aborted or the server stops.</param>
    /// <returns>0 when the reply is what was written; otherwise the abort code sent to the client.</returns>
    ValueTask<int> ExecuteAsync(IRxServerCall call, CancellationToken cancellationToken);
}
