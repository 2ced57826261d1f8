namespace RxGen.Runtime.Rpc;

/// <summary>
/// Abort codes that peers see on the wire: the rxgen stub codes (OpenAFS <c>rxgen_consts.h</c>) and the
/// Rx call codes (OpenAFS <c>rx.h</c>).
/// </summary>
public static class RxGenErrorCodes
{
    /// <summary>RXGEN_SUCCESS: the call succeeded.</summary>
    public const int Success = 0;

    /// <summary>RXGEN_CC_MARSHAL: the client could not encode the request.</summary>
    public const int CcMarshal = -450;

    /// <summary>RXGEN_CC_UNMARSHAL: the client could not decode the reply.</summary>
    public const int CcUnmarshal = -451;

    /// <summary>RXGEN_SS_MARSHAL: the server could not encode the reply.</summary>
    public const int SsMarshal = -452;

    /// <summary>RXGEN_SS_UNMARSHAL: the server could not decode the request.</summary>
    public const int SsUnmarshal = -453;

    /// <summary>RXGEN_DECODE: the server could not read the opcode.</summary>
    public const int Decode = -454;

    /// <summary>RXGEN_OPCODE: the server does not know the opcode.</summary>
    public const int Opcode = -455;

    /// <summary>RXGEN_SS_XDRFREE: the server failed to free decoded arguments.</summary>
    public const int SsXdrFree = -456;

    /// <summary>RXGEN_CC_XDRFREE: the client failed to free decoded results.</summary>
    public const int CcXdrFree = -457;

    /// <summary>RX_CALL_DEAD: the peer stopped answering.</summary>
    public const int CallDead = -1;

    /// <summary>RX_INVALID_OPERATION: e.g. a call to a service the server does not offer.</summary>
    public const int InvalidOperation = -2;

    /// <summary>RX_CALL_TIMEOUT: the call took too long.</summary>
    public const int CallTimeout = -3;

    /// <summary>RX_EOF: the stream ended unexpectedly.</summary>
    public const int Eof = -4;

    /// <summary>RX_PROTOCOL_ERROR: the peer broke the protocol.</summary>
    public const int ProtocolError = -5;

    /// <summary>RX_USER_ABORT: the application ended the call (e.g. it was cancelled).</summary>
    public const int UserAbort = -6;

    /// <summary>A short English description of <paramref name="code"/>.</summary>
    /// <param name="code">An abort code.</param>
    /// <returns>The description; codes not listed here are described as application-defined.</returns>
    public static string Describe(int code) => code switch
    {
        Success => "success",
        CcMarshal => "RXGEN_CC_MARSHAL: client could not marshal the request",
        CcUnmarshal => "RXGEN_CC_UNMARSHAL: client could not unmarshal the reply",
        SsMarshal => "RXGEN_SS_MARSHAL: server could not marshal the reply",
        SsUnmarshal => "RXGEN_SS_UNMARSHAL: server could not unmarshal the request",
        Decode => "RXGEN_DECODE: server could not decode the opcode",
        Opcode => "RXGEN_OPCODE: server does not implement the opcode",
        SsXdrFree => "RXGEN_SS_XDRFREE: server could not free the arguments",
        CcXdrFree => "RXGEN_CC_XDRFREE: client could not free the results",
        CallDead => "RX_CALL_DEAD: peer is not responding",
        InvalidOperation => "RX_INVALID_OPERATION: invalid operation (unknown service?)",
        CallTimeout => "RX_CALL_TIMEOUT: call timed out",
        Eof => "RX_EOF: unexpected end of data",
        ProtocolError => "RX_PROTOCOL_ERROR: protocol error",
        UserAbort => "RX_USER_ABORT: call aborted by the application",
        _ => "application-defined error code",
    };
}
