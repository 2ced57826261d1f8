using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>
/// An in-process ONC RPC server for tests of generated code: dispatchers registered here answer
/// <see cref="CallAsync"/> directly.
/// </summary>
/// <remarks>
/// The reply status comes from the shared <see cref="OncDispatcherRegistry"/> (<see cref="Registry"/>):
/// PROG_UNAVAIL, PROG_MISMATCH with the lowest and highest registered versions, the dispatcher's status,
/// or SYSTEM_ERR when it throws; any status but <see cref="OncAcceptStat.Success"/> throws
/// <see cref="OncRpcException"/> (without the server's exception, as over a network). The arguments are
/// copied before dispatch, as a real transport would receive them. Cancellation of the caller's token
/// reaches the service through <see cref="OncCallContext.CancellationToken"/> and propagates as such.
/// Calls through the server itself are AUTH_NONE with no caller address
/// (<see cref="OncCallContext.CallerAddress"/> null); <see cref="CreateClient"/> gives a transport whose
/// calls carry AUTH_SYS credentials and a synthetic address. Each call gets the next xid.
/// </remarks>
public sealed class InMemoryOncServer : IOncCallTransport
{
    private int _nextXid;

    /// <summary>Creates an empty server.</summary>
    public InMemoryOncServer()
        : this(new OncDispatcherRegistry())
    {
    }

    /// <summary>Creates a server over an existing registry (e.g. one a TCP transport serves too).</summary>
    /// <param name="registry">The dispatchers.</param>
    public InMemoryOncServer(OncDispatcherRegistry registry)
    {
        Registry = registry ?? throw new ArgumentNullException(nameof(registry));
        _nextXid = Random.Shared.Next();
    }

    /// <summary>The dispatchers and the reply-status mapping.</summary>
    public OncDispatcherRegistry Registry { get; }

    /// <summary>Registers one program version (<see cref="OncDispatcherRegistry.Register"/>).</summary>
    /// <param name="dispatcher">The dispatcher.</param>
    /// <exception cref="InvalidOperationException">That program version is already registered.</exception>
    public void Add(IOncProgramDispatcher dispatcher) => Registry.Register(dispatcher);

    /// <summary>
    /// A transport to this server whose calls carry <paramref name="credentials"/> (AUTH_SYS, or
    /// AUTH_NONE when null) and come from <paramref name="callerAddress"/>.
    /// </summary>
    /// <param name="credentials">The AUTH_SYS credentials, or null for AUTH_NONE.</param>
    /// <param name="callerAddress">The address the server sees (synthetic), or null.</param>
    /// <returns>The transport.</returns>
    public IOncCallTransport CreateClient(OncAuthSysCredentials? credentials, EndPoint? callerAddress = null) =>
        new Client(this, credentials, callerAddress);

    /// <inheritdoc/>
    public ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default) =>
        CallCoreAsync(null, null, program, version, procedure, arguments, cancellationToken);

    private async ValueTask<XdrPooledBuffer> CallCoreAsync(OncAuthSysCredentials? credentials, EndPoint? caller, uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        uint xid = unchecked((uint)Interlocked.Increment(ref _nextXid));
        var context = new OncCallContext(caller, xid, program, version, procedure, credentials is null ? OncAuthFlavor.None : OncAuthFlavor.Sys, credentials, cancellationToken);
        using XdrPooledBuffer args = XdrPooledBuffer.Copy(arguments.Span);
        using XdrBufferWriter results = XdrBufferWriter.Rent();
        OncDispatchResult result = await Registry.DispatchAsync(context, args.Memory, results).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw result.ToException($"program {program} version {version} procedure {procedure} was not executed")!;
        }

        return results.DetachWritten();
    }

    private sealed class Client(InMemoryOncServer server, OncAuthSysCredentials? credentials, EndPoint? caller) : IOncCallTransport
    {
        public ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default) =>
            server.CallCoreAsync(credentials, caller, program, version, procedure, arguments, cancellationToken);
    }
}
