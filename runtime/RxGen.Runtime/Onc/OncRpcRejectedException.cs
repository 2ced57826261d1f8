using System;
using RxGen.Runtime.Rpc;

namespace RxGen.Runtime.Onc;

/// <summary>
/// A call was answered MSG_DENIED (RFC 5531 §9): the server does not speak this RPC version, or refused the
/// credentials. A denied call has no accept_stat: <see cref="OncRpcException.Status"/> is SYSTEM_ERR, and
/// <see cref="Kind"/> says what happened.
/// </summary>
public sealed class OncRpcRejectedException : OncRpcException
{
    /// <summary>Creates the exception for RPC_MISMATCH.</summary>
    /// <param name="low">The lowest RPC version the server speaks.</param>
    /// <param name="high">The highest RPC version the server speaks.</param>
    public OncRpcRejectedException(uint low, uint high)
        : base(OncAcceptStat.SystemErr, $"the server speaks RPC versions {low}..{high} only (MSG_DENIED, RPC_MISMATCH)")
    {
        Kind = OncReplyKind.RpcMismatch;
        RpcLowVersion = low;
        RpcHighVersion = high;
    }

    /// <summary>Creates the exception for AUTH_ERROR.</summary>
    /// <param name="authStat">Why the credentials were refused.</param>
    public OncRpcRejectedException(OncAuthStat authStat)
        : base(OncAcceptStat.SystemErr, $"the server refused the credentials: {authStat} (MSG_DENIED, AUTH_ERROR)")
    {
        Kind = OncReplyKind.AuthError;
        AuthStat = authStat;
    }

    /// <summary><see cref="OncReplyKind.RpcMismatch"/> or <see cref="OncReplyKind.AuthError"/>.</summary>
    public OncReplyKind Kind { get; }

    /// <summary>For AUTH_ERROR: why.</summary>
    public OncAuthStat AuthStat { get; }

    /// <summary>For RPC_MISMATCH: the lowest RPC version the server speaks.</summary>
    public uint RpcLowVersion { get; }

    /// <summary>For RPC_MISMATCH: the highest RPC version the server speaks.</summary>
    public uint RpcHighVersion { get; }
}
