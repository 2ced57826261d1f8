using System;
using System.Net;
using System.Threading;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// What a service implementation knows about the ONC RPC call it is serving, passed to every method of a
/// generated <c>I…Service</c> and to <see cref="IOncProgramDispatcher.DispatchAsync"/> (like gRPC's
/// <c>ServerCallContext</c>): the caller's address, the xid, the program/version/procedure, the
/// authentication, and the call's cancellation token.
/// </summary>
/// <remarks>
/// The socket transports reuse a context for a later call once the procedure's task has completed (as ASP.NET Core
/// reuses <c>HttpContext</c>), so a served call allocates no context: read what you need from it while the call
/// runs, and do not keep the object (or read it from work that outlives the call). Contexts made with the
/// constructor or <see cref="ForLocalCall"/> are never reused.
/// </remarks>
public sealed class OncCallContext
{
    /// <summary>Creates the context of a call.</summary>
    /// <param name="callerAddress">The caller's address; null when the transport has none (in-memory, by default).</param>
    /// <param name="xid">The call's transaction id.</param>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <param name="procedure">The procedure number.</param>
    /// <param name="authFlavor">The flavor of the call's credential.</param>
    /// <param name="authSys">The decoded credential when <paramref name="authFlavor"/> is <see cref="OncAuthFlavor.Sys"/>; otherwise null.</param>
    /// <param name="cancellationToken">Signalled when the caller gives up (where the transport knows) or the server stops.</param>
    /// <exception cref="ArgumentException">AUTH_SYS credentials were given with another flavor.</exception>
    public OncCallContext(EndPoint? callerAddress, uint xid, uint program, uint version, uint procedure, OncAuthFlavor authFlavor, OncAuthSysCredentials? authSys, CancellationToken cancellationToken)
    {
        if (authSys is not null && authFlavor != OncAuthFlavor.Sys)
        {
            throw new ArgumentException($"AUTH_SYS credentials come with the AUTH_SYS flavor, not {authFlavor}.", nameof(authSys));
        }

        Reset(callerAddress, xid, program, version, procedure, authFlavor, authSys, cancellationToken);
    }

    /// <summary>Makes this (recycled) context describe another call; only the transports that own it call this.</summary>
    internal void Reset(EndPoint? callerAddress, uint xid, uint program, uint version, uint procedure, OncAuthFlavor authFlavor, OncAuthSysCredentials? authSys, CancellationToken cancellationToken)
    {
        CallerAddress = callerAddress;
        Xid = xid;
        Program = program;
        Version = version;
        Procedure = procedure;
        AuthFlavor = authFlavor;
        AuthSys = authSys;
        CancellationToken = cancellationToken;
    }

    /// <summary>The caller's address (an <see cref="IPEndPoint"/> over TCP/UDP), or null when the transport has none.</summary>
    public EndPoint? CallerAddress { get; private set; }

    /// <summary>The call's transaction id.</summary>
    public uint Xid { get; private set; }

    /// <summary>The program number.</summary>
    public uint Program { get; private set; }

    /// <summary>The program version.</summary>
    public uint Version { get; private set; }

    /// <summary>The procedure number.</summary>
    public uint Procedure { get; private set; }

    /// <summary>The flavor of the call's credential.</summary>
    public OncAuthFlavor AuthFlavor { get; private set; }

    /// <summary>The AUTH_SYS credential, or null for any other flavor.</summary>
    public OncAuthSysCredentials? AuthSys { get; private set; }

    /// <summary>Signalled when the caller gives up (where the transport knows) or the server stops.</summary>
    public CancellationToken CancellationToken { get; private set; }

    /// <summary>A context for calling a service implementation directly (tests, tools): AUTH_NONE, no address, xid 0.</summary>
    /// <param name="program">The program number.</param>
    /// <param name="version">The program version.</param>
    /// <param name="procedure">The procedure number.</param>
    /// <param name="cancellationToken">The call's token.</param>
    /// <returns>The context.</returns>
    public static OncCallContext ForLocalCall(uint program, uint version, uint procedure, CancellationToken cancellationToken = default) =>
        new(null, 0, program, version, procedure, OncAuthFlavor.None, null, cancellationToken);
}
