namespace RxGen.Runtime.Rpc;

/// <summary>The ONC RPC <c>accept_stat</c> of an accepted reply (RFC 5531 §9).</summary>
public enum OncAcceptStat
{
    /// <summary>SUCCESS: the call ran; results follow.</summary>
    Success = 0,

    /// <summary>PROG_UNAVAIL: the program is not served.</summary>
    ProgUnavail = 1,

    /// <summary>PROG_MISMATCH: the program is served, but not this version; the reply says which are.</summary>
    ProgMismatch = 2,

    /// <summary>PROC_UNAVAIL: the program has no such procedure.</summary>
    ProcUnavail = 3,

    /// <summary>GARBAGE_ARGS: the arguments could not be decoded.</summary>
    GarbageArgs = 4,

    /// <summary>SYSTEM_ERR: the server failed (e.g. out of memory).</summary>
    SystemErr = 5,
}
