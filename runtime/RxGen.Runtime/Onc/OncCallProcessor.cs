using System;
using System.Diagnostics;
using System.Net;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// Turns one received ONC RPC call message into its reply (RFC 5531 §9), for any transport: checks the RPC
/// version (MSG_DENIED / RPC_MISMATCH), authenticates (AUTH_NONE; AUTH_SYS, decoded and handed to the
/// procedure; any other flavour MSG_DENIED / AUTH_ERROR with AUTH_REJECTEDCRED, a malformed AUTH_SYS body
/// AUTH_BADCRED), then lets <see cref="OncDispatcherRegistry.DispatchAsync"/> pick the accept_stat
/// (PROG_UNAVAIL, PROG_MISMATCH, PROC_UNAVAIL, GARBAGE_ARGS, SYSTEM_ERR, or SUCCESS with the results).
/// A message that is not a well-formed call header gets no reply. Never throws for anything on the wire.
/// </summary>
public sealed class OncCallProcessor
{
    private readonly OncDispatcherRegistry _registry;
    private readonly OncServerMetrics? _metrics;
    private readonly ILogger _logger;
    private readonly RecyclingPool<OncCallContext> _contexts = new(64);

    /// <summary>Creates a processor.</summary>
    /// <param name="registry">The dispatchers.</param>
    /// <param name="metrics">Where to count calls, or null.</param>
    /// <param name="logger">Where to log, or null.</param>
    public OncCallProcessor(OncDispatcherRegistry registry, OncServerMetrics? metrics = null, ILogger? logger = null)
    {
        _registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _metrics = metrics;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>The dispatchers.</summary>
    public OncDispatcherRegistry Registry => _registry;

    /// <summary>Serves one call message.</summary>
    /// <param name="message">The whole message (a datagram or a record); must stay valid until the task completes.</param>
    /// <param name="caller">The caller's address, for the procedure.</param>
    /// <param name="reply">Receives the reply message (reset first).</param>
    /// <param name="cancellationToken">Cancels the call (the caller left, or the server is stopping).</param>
    /// <returns>True when <paramref name="reply"/> holds a reply to send; false for no reply (not a call, or cancelled).</returns>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> ProcessAsync(ReadOnlyMemory<byte> message, EndPoint? caller, XdrBufferWriter reply, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        long start = Stopwatch.GetTimestamp();
        reply.Reset();
        if (!OncMessages.TryReadCall(message.Span, out OncCallHeader header))
        {
            _metrics?.Refused("malformed");
            return false;
        }

        if (header.RpcVersion != OncMessages.RpcVersion)
        {
            OncMessages.WriteRpcMismatch(reply, header.Xid);
            _metrics?.CallAnswered(header.Program, header.Version, header.Procedure, "rpc_mismatch", start);
            return true;
        }

        OncAuthSysCredentials? credentials = null;
        OncAuthStat auth = OncAuthStat.Ok;
        switch (header.CredentialFlavor)
        {
            case OncAuthFlavor.None:
                break;
            case OncAuthFlavor.Sys:
                try
                {
                    credentials = OncAuthSysCredentials.Decode(message.Span.Slice(header.CredentialOffset, header.CredentialLength));
                }
                catch (XdrException)
                {
                    auth = OncAuthStat.BadCred;
                }

                break;
            default:
                auth = OncAuthStat.RejectedCred;
                break;
        }

        if (auth != OncAuthStat.Ok)
        {
            OncMessages.WriteAuthError(reply, header.Xid, auth);
            _metrics?.CallAnswered(header.Program, header.Version, header.Procedure, "auth_error", start);
            return true;
        }

        OncCallContext? context = _contexts.TryRent();
        if (context is null)
        {
            context = new OncCallContext(caller, header.Xid, header.Program, header.Version, header.Procedure, header.CredentialFlavor, credentials, cancellationToken);
        }
        else
        {
            context.Reset(caller, header.Xid, header.Program, header.Version, header.Procedure, header.CredentialFlavor, credentials, cancellationToken);
        }

        try
        {
            return await DispatchAsync(context, message, header, reply, cancellationToken, start).ConfigureAwait(false);
        }
        finally
        {
            // The procedure's task has completed: the context is free for the next call (see OncCallContext's remarks).
            context.Reset(null, 0, 0, 0, 0, OncAuthFlavor.None, null, default);
            _contexts.Return(context);
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<bool> DispatchAsync(OncCallContext context, ReadOnlyMemory<byte> message, OncCallHeader header, XdrBufferWriter reply, CancellationToken cancellationToken, long start)
    {
        OncMessages.WriteAccepted(reply, header.Xid, OncAcceptStat.Success);
        OncDispatchResult result;
        try
        {
            result = await _registry.DispatchAsync(context, message.Slice(header.ArgumentsOffset), reply).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _metrics?.Refused("cancelled");
            return false;
        }
        catch (Exception ex)
        {
            // The registry maps dispatcher failures itself; this is a failure of the results writer.
            _logger.LogError(ex, "ONC RPC call xid {Xid} program {Program} version {Version} procedure {Procedure} failed", header.Xid, header.Program, header.Version, header.Procedure);
            result = new OncDispatchResult(OncAcceptStat.SystemErr);
        }

        if (!result.IsSuccess)
        {
            reply.Reset();
            OncMessages.WriteAccepted(reply, header.Xid, result.Status, result.LowVersion, result.HighVersion);
        }

        _metrics?.CallAnswered(header.Program, header.Version, header.Procedure, StatusName(result.Status), start);
        return true;
    }

    private static string StatusName(OncAcceptStat status) => status switch
    {
        OncAcceptStat.Success => "success",
        OncAcceptStat.ProgUnavail => "prog_unavail",
        OncAcceptStat.ProgMismatch => "prog_mismatch",
        OncAcceptStat.ProcUnavail => "proc_unavail",
        OncAcceptStat.GarbageArgs => "garbage_args",
        _ => "system_err",
    };
}
