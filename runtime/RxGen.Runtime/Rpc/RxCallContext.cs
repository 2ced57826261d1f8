using System;
using System.Net;
using System.Threading;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// What a service implementation knows about the Rx call it is serving, passed to every method of a
/// generated <c>I…Service</c> (like gRPC's <c>ServerCallContext</c>): the connection it came on (peer
/// address, epoch/cid, security class and identity), the service and opcode, and the call's
/// cancellation token.
/// </summary>
/// <remarks>
/// Generated dispatchers take contexts from a pool (<see cref="Rent"/>) and give them back once the service method's
/// task has completed (as ASP.NET Core reuses <c>HttpContext</c>), so a served call allocates no context: read what
/// you need while the call runs, and do not keep the object. Contexts made with a constructor or
/// <see cref="ForLocalCall"/> are never reused.
/// </remarks>
public sealed class RxCallContext
{
    /// <summary>Creates the context of a call from its parts.</summary>
    /// <param name="connection">The connection the call arrived on.</param>
    /// <param name="serviceId">The service that answers the call (after any upgrade).</param>
    /// <param name="opcode">The call's opcode.</param>
    /// <param name="cancellationToken">Signalled when the call is aborted or the server stops.</param>
    public RxCallContext(RxConnectionInfo connection, ushort serviceId, int opcode, CancellationToken cancellationToken)
    {
        Connection = connection ?? throw new ArgumentNullException(nameof(connection));
        ServiceId = serviceId;
        Opcode = opcode;
        CancellationToken = cancellationToken;
    }

    private static readonly RecyclingPool<RxCallContext> Pool = new(64);

    private bool _pooled;

    /// <summary>The context of <paramref name="call"/>, from a pool: give it back with <see cref="Return"/> once the service method's task has completed (what generated dispatchers do).</summary>
    /// <param name="call">The call.</param>
    /// <param name="opcode">The call's opcode.</param>
    /// <param name="cancellationToken">The token the transport handed to <see cref="IRxService.ExecuteAsync"/>.</param>
    /// <returns>The context.</returns>
    public static RxCallContext Rent(IRxServerCall call, int opcode, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        RxCallContext? context = Pool.TryRent();
        if (context is null)
        {
            return new RxCallContext(call, opcode, cancellationToken) { _pooled = true };
        }

        context.Connection = call.Connection ?? throw new ArgumentException("The call has no connection.", nameof(call));
        context.ServiceId = call.ServiceId;
        context.Opcode = opcode;
        context.CancellationToken = cancellationToken;
        return context;
    }

    /// <summary>Gives a context from <see cref="Rent"/> back to the pool (others are left alone); it must not be used afterwards.</summary>
    public void Return()
    {
        if (_pooled)
        {
            Connection = RxConnectionInfo.Anonymous;
            CancellationToken = default;
            Pool.Return(this);
        }
    }

    /// <summary>Creates the context of <paramref name="call"/> once its opcode has been read (what generated dispatchers do).</summary>
    /// <param name="call">The call.</param>
    /// <param name="opcode">The call's opcode.</param>
    /// <param name="cancellationToken">The token the transport handed to <see cref="IRxService.ExecuteAsync"/>.</param>
    public RxCallContext(IRxServerCall call, int opcode, CancellationToken cancellationToken)
        : this((call ?? throw new ArgumentNullException(nameof(call))).Connection, call.ServiceId, opcode, cancellationToken)
    {
    }

    /// <summary>The connection the call arrived on.</summary>
    public RxConnectionInfo Connection { get; private set; }

    /// <summary>The client's address, or null when the transport has none (the in-memory transport by default).</summary>
    public EndPoint? PeerEndPoint => Connection.PeerEndPoint;

    /// <summary>The service that answers the call (after any upgrade).</summary>
    public ushort ServiceId { get; private set; }

    /// <summary>The call's opcode.</summary>
    public int Opcode { get; private set; }

    /// <summary>The connection's security class.</summary>
    public RxSecurityIndex SecurityIndex => Connection.SecurityIndex;

    /// <summary>Who the security class authenticated; null for an anonymous (rxnull) caller.</summary>
    public object? Identity => Connection.Identity;

    /// <summary>True when the caller is not authenticated.</summary>
    public bool IsAnonymous => Connection.IsAnonymous;

    /// <summary>Signalled when the call is aborted (by the client or the transport) or the server stops.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>A context for calling a service implementation directly (tests, tools): anonymous, no address.</summary>
    /// <param name="serviceId">The service id.</param>
    /// <param name="opcode">The opcode.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The context.</returns>
    public static RxCallContext ForLocalCall(ushort serviceId, int opcode, CancellationToken cancellationToken = default) =>
        new(RxConnectionInfo.Anonymous, serviceId, opcode, cancellationToken);
}
