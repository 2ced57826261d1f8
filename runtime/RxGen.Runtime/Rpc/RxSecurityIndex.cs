namespace RxGen.Runtime.Rpc;

/// <summary>The Rx security index of a connection (OpenAFS <c>rx.h</c> <c>rx_securityIndex</c>): which security class protects it.</summary>
public enum RxSecurityIndex : byte
{
    /// <summary>rxnull: no security; the caller is anonymous.</summary>
    Null = 0,

    /// <summary>rxvab (historic, unused).</summary>
    Vab = 1,

    /// <summary>rxkad (Kerberos 4-style tickets).</summary>
    Kad = 2,

    /// <summary>rxkad with encryption.</summary>
    KadEnc = 3,

    /// <summary>rxgk (GSS-API based).</summary>
    Gk = 4,

    /// <summary>rxk5.</summary>
    K5 = 5,
}
