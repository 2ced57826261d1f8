using System;

namespace RxGen.Runtime.Rpc;

/// <summary>An ONC RPC call was answered with an <c>accept_stat</c> other than SUCCESS.</summary>
public class OncRpcException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="status">The reply's status.</param>
    /// <param name="message">What happened, or null for a generic text.</param>
    public OncRpcException(OncAcceptStat status, string? message = null)
        : this(status, message, null)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="status">The reply's status.</param>
    /// <param name="message">What happened, or null for a generic text.</param>
    /// <param name="innerException">The cause.</param>
    public OncRpcException(OncAcceptStat status, string? message, Exception? innerException)
        : base($"{message ?? "ONC RPC call failed"} ({status})", innerException)
    {
        Status = status;
    }

    /// <summary>Creates a PROG_MISMATCH exception carrying the versions the server supports.</summary>
    /// <param name="lowVersion">The lowest supported version.</param>
    /// <param name="highVersion">The highest supported version.</param>
    /// <param name="message">What happened, or null for a generic text.</param>
    public OncRpcException(uint lowVersion, uint highVersion, string? message = null)
        : base($"{message ?? "ONC RPC program version not supported"} ({OncAcceptStat.ProgMismatch}: supported versions {lowVersion}..{highVersion})")
    {
        Status = OncAcceptStat.ProgMismatch;
        LowVersion = lowVersion;
        HighVersion = highVersion;
    }

    /// <summary>The reply's status.</summary>
    public OncAcceptStat Status { get; }

    /// <summary>
    /// What a service implementation throws for a procedure it does not serve (generated
    /// <c>…ServiceBase</c> classes do): the server answers PROC_UNAVAIL.
    /// </summary>
    /// <param name="procedure">The procedure's name, for the message.</param>
    /// <returns>The exception.</returns>
    public static OncRpcException ProcedureUnavailable(string procedure) =>
        new(OncAcceptStat.ProcUnavail, $"{procedure} is not served here");

    /// <summary>For PROG_MISMATCH: the lowest version the server supports.</summary>
    public uint? LowVersion { get; }

    /// <summary>For PROG_MISMATCH: the highest version the server supports.</summary>
    public uint? HighVersion { get; }
}
