using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// The transport-independent part of an ONC RPC server, shared by every transport (in-memory, TCP,
/// UDP): the dispatchers by (program, version), and how a call's outcome becomes the reply status.
/// Thread-safe; one registry may back several transports.
/// </summary>
/// <remarks>
/// <see cref="DispatchAsync"/> answers: PROG_UNAVAIL when no version of the program is registered;
/// PROG_MISMATCH with the lowest and highest registered versions when the program is but the version is
/// not; otherwise the dispatcher's status (PROC_UNAVAIL for an unknown procedure, GARBAGE_ARGS for
/// arguments that do not decode). A service that throws <see cref="OncRpcException"/> with PROC_UNAVAIL,
/// GARBAGE_ARGS or SYSTEM_ERR gets that status (<see cref="OncRpcException.ProcedureUnavailable"/>);
/// any other exception yields SYSTEM_ERR and is reported to <see cref="DispatcherFaulted"/>, except an
/// <see cref="OperationCanceledException"/> while the call's token is signalled, which propagates so
/// that the transport sends no reply.
/// </remarks>
public sealed class OncDispatcherRegistry
{
    private readonly object _lock = new();
    private readonly Dictionary<(uint Program, uint Version), IOncProgramDispatcher> _dispatchers = new();

    /// <summary>
    /// Called when a dispatcher throws something that becomes SYSTEM_ERR, before the reply is sent. An
    /// exception thrown by the callback is ignored.
    /// </summary>
    public Action<IOncProgramDispatcher, OncCallContext, Exception>? DispatcherFaulted { get; set; }

    /// <summary>The registered dispatchers, in no particular order (a snapshot).</summary>
    public IReadOnlyCollection<IOncProgramDispatcher> Dispatchers
    {
        get
        {
            lock (_lock)
            {
                return new List<IOncProgramDispatcher>(_dispatchers.Values);
            }
        }
    }

    /// <summary>Registers one program version.</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <exception cref="InvalidOperationException">That program version is already registered.</exception>
    public void Register(IOncProgramDispatcher dispatcher)
    {
        ArgumentNullException.ThrowIfNull(dispatcher);
        lock (_lock)
        {
            if (!_dispatchers.TryAdd((dispatcher.Program, dispatcher.Version), dispatcher))
            {
                throw new InvalidOperationException($"Program {dispatcher.Program} version {dispatcher.Version} is already registered ({_dispatchers[(dispatcher.Program, dispatcher.Version)].Name}).");
            }
        }
    }

    /// <summary>Removes one program version; calls already dispatched run to their end.</summary>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <returns>True when it was registered.</returns>
    public bool Unregister(uint program, uint version)
    {
        lock (_lock)
        {
            return _dispatchers.Remove((program, version));
        }
    }

    /// <summary>Finds the dispatcher of one program version.</summary>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <param name="dispatcher">The dispatcher, when found.</param>
    /// <returns>True when that program version is registered.</returns>
    public bool TryGetDispatcher(uint program, uint version, [NotNullWhen(true)] out IOncProgramDispatcher? dispatcher)
    {
        lock (_lock)
        {
            return _dispatchers.TryGetValue((program, version), out dispatcher);
        }
    }

    /// <summary>
    /// Finds the dispatcher for a call, or the reply for a program or version that is not served
    /// (PROG_UNAVAIL, or PROG_MISMATCH with the lowest and highest registered versions).
    /// </summary>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <param name="dispatcher">The dispatcher, when found.</param>
    /// <returns>Success when found; otherwise the reply to send.</returns>
    public OncDispatchResult Resolve(uint program, uint version, out IOncProgramDispatcher? dispatcher)
    {
        lock (_lock)
        {
            if (_dispatchers.TryGetValue((program, version), out dispatcher))
            {
                return new OncDispatchResult(OncAcceptStat.Success);
            }

            bool found = false;
            uint low = uint.MaxValue;
            uint high = 0;
            foreach ((uint p, uint v) in _dispatchers.Keys)
            {
                if (p == program)
                {
                    found = true;
                    low = Math.Min(low, v);
                    high = Math.Max(high, v);
                }
            }

            return found ? new OncDispatchResult(OncAcceptStat.ProgMismatch, low, high) : new OncDispatchResult(OncAcceptStat.ProgUnavail);
        }
    }

    /// <summary>Serves one call: finds its dispatcher, runs it, and maps the outcome to a reply status (see the remarks).</summary>
    /// <param name="context">The call.</param>
    /// <param name="arguments">The XDR-encoded arguments; must stay valid until the returned task completes.</param>
    /// <param name="results">Receives the results; on anything but success the transport must discard what was written.</param>
    /// <returns>The reply status.</returns>
    /// <exception cref="OperationCanceledException">The call's token was signalled: send no reply.</exception>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<OncDispatchResult> DispatchAsync(OncCallContext context, ReadOnlyMemory<byte> arguments, IBufferWriter<byte> results)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(results);
        OncDispatchResult resolved = Resolve(context.Program, context.Version, out IOncProgramDispatcher? dispatcher);
        if (dispatcher is null)
        {
            return resolved;
        }

        try
        {
            OncAcceptStat status = await dispatcher.DispatchAsync(context, arguments, results).ConfigureAwait(false);
            return status is OncAcceptStat.ProgUnavail or OncAcceptStat.ProgMismatch || !Enum.IsDefined(status)
                ? new OncDispatchResult(OncAcceptStat.SystemErr)
                : new OncDispatchResult(status);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OncRpcException ex) when (ex.Status is OncAcceptStat.ProcUnavail or OncAcceptStat.GarbageArgs or OncAcceptStat.SystemErr)
        {
            return new OncDispatchResult(ex.Status);
        }
        catch (Exception ex)
        {
            ReportFault(dispatcher, context, ex);
            return new OncDispatchResult(OncAcceptStat.SystemErr);
        }
    }

    private void ReportFault(IOncProgramDispatcher dispatcher, OncCallContext context, Exception exception)
    {
        try
        {
            DispatcherFaulted?.Invoke(dispatcher, context, exception);
        }
        catch (Exception)
        {
            // An observer's failure must not change the reply.
        }
    }
}
