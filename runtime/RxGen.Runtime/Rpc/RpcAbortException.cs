using System;

namespace RxGen.Runtime.Rpc;

/// <summary>A call ended with an abort code: sent by the peer, or raised locally to abort the call.</summary>
/// <remarks>
/// A service implementation may throw it to make the server abort the call with <see cref="Code"/>.
/// </remarks>
public class RpcAbortException : Exception
{
    /// <summary>Creates the exception; the message includes the code and <see cref="RxGenErrorCodes.Describe"/>.</summary>
    /// <param name="code">The abort code.</param>
    /// <param name="message">What happened, or null for a generic text.</param>
    public RpcAbortException(int code, string? message = null)
        : this(code, message, null)
    {
    }

    /// <summary>Creates the exception with a cause.</summary>
    /// <param name="code">The abort code.</param>
    /// <param name="message">What happened, or null for a generic text.</param>
    /// <param name="innerException">The cause.</param>
    public RpcAbortException(int code, string? message, Exception? innerException)
        : base($"{message ?? "Call aborted"} (code {code}: {RxGenErrorCodes.Describe(code)})", innerException)
    {
        Code = code;
    }

    /// <summary>The abort code.</summary>
    public int Code { get; }

    /// <summary>
    /// What a service implementation throws for a procedure it does not serve (generated
    /// <c>…ServiceBase</c> classes do): an abort with <see cref="RxGenErrorCodes.Opcode"/> (RXGEN_OPCODE,
    /// -455), as an OpenAFS server answers an opcode it does not implement.
    /// </summary>
    /// <param name="procedure">The procedure's name, for the message.</param>
    /// <returns>The exception.</returns>
    public static RpcAbortException Unimplemented(string procedure) =>
        new(RxGenErrorCodes.Opcode, $"{procedure} is not implemented by this server");
}
