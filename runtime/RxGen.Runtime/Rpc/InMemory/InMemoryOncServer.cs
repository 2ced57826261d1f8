using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>
/// An in-process ONC RPC server for tests of generated code: dispatchers registered here answer
/// <see cref="CallAsync"/> directly.
/// </summary>
/// <remarks>
/// An unknown program fails with <see cref="OncAcceptStat.ProgUnavail"/>; a known program without the
/// requested version with <see cref="OncAcceptStat.ProgMismatch"/> carrying the lowest and highest
/// registered versions; otherwise the dispatcher's status is the outcome (any status but
/// <see cref="OncAcceptStat.Success"/> throws <see cref="OncRpcException"/>). The arguments are copied
/// before dispatch, as a real transport would receive them. A dispatcher that throws yields
/// <see cref="OncAcceptStat.SystemErr"/> (cancellation of the caller's token propagates as such).
/// </remarks>
public sealed class InMemoryOncServer : IOncCallTransport
{
    private readonly object _lock = new();
    private readonly Dictionary<(uint Program, uint Version), IOncProgramDispatcher> _dispatchers = new();

    /// <summary>Registers one program version.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <exception cref="InvalidOperationException">That program version is already registered.</exception>
    public void Add(IOncProgramDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        lock (_lock)
        {
            if (!_dispatchers.TryAdd((dispatcher.Program, dispatcher.Version), dispatcher))
            {
                throw new InvalidOperationException($"Program {dispatcher.Program} version {dispatcher.Version} is already registered.");
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        IOncProgramDispatcher dispatcher = Find(program, version);
        using XdrPooledBuffer args = XdrPooledBuffer.Copy(arguments.Span);
        using var results = new XdrBufferWriter();
        OncAcceptStat status;
        try
        {
            status = await dispatcher.DispatchAsync(procedure, args.Memory, results, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            throw new OncRpcException(OncAcceptStat.SystemErr, $"{dispatcher.Name} procedure {procedure} failed", ex);
        }

        if (status != OncAcceptStat.Success)
        {
            throw new OncRpcException(status, $"{dispatcher.Name} procedure {procedure} was not executed");
        }

        return results.DetachWritten();
    }

    private IOncProgramDispatcher Find(uint program, uint version)
    {
        lock (_lock)
        {
            if (_dispatchers.TryGetValue((program, version), out IOncProgramDispatcher? dispatcher))
            {
                return dispatcher;
            }

            uint[] versions = _dispatchers.Keys.Where(k => k.Program == program).Select(k => k.Version).ToArray();
            if (versions.Length == 0)
            {
                throw new OncRpcException(OncAcceptStat.ProgUnavail, $"program {program} is not available");
            }

            throw new OncRpcException(versions.Min(), versions.Max(), $"program {program} version {version} is not available");
        }
    }
}
