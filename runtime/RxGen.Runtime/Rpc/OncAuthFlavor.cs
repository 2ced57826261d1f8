namespace RxGen.Runtime.Rpc;

/// <summary>ONC RPC authentication flavors (RFC 5531 §8.2, <c>auth_flavor</c>).</summary>
public enum OncAuthFlavor : uint
{
    /// <summary>AUTH_NONE: no credentials.</summary>
    None = 0,

    /// <summary>AUTH_SYS (AUTH_UNIX): uid, gid and groups claimed by the caller (<see cref="OncAuthSysCredentials"/>).</summary>
    Sys = 1,

    /// <summary>AUTH_SHORT: a server-issued shorthand for earlier AUTH_SYS credentials.</summary>
    Short = 2,

    /// <summary>AUTH_DH (AUTH_DES).</summary>
    Dh = 3,

    /// <summary>RPCSEC_GSS (RFC 2203).</summary>
    RpcSecGss = 6,
}
