namespace RxGen.Runtime.Rx.Protocol;

/// <summary>What happened to a call, as reported by <see cref="RxProtocolEngine.TryDequeueEvent"/>.</summary>
public enum RxProtocolEventKind
{
    /// <summary>A peer started a call to one of our services (<see cref="RxCall.IsServerCall"/>).</summary>
    IncomingCall,

    /// <summary>Data (or the end of the stream) became available to <see cref="RxProtocolEngine.Read"/>.</summary>
    Readable,

    /// <summary>Send-buffer space became free for <see cref="RxProtocolEngine.Write"/>.</summary>
    Writable,

    /// <summary>The call ended: <see cref="RxProtocolEvent.Code"/> is 0 on success, else its abort or error code.</summary>
    Ended,
}

/// <summary>One call event.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="Call">The call.</param>
/// <param name="Code">For <see cref="RxProtocolEventKind.Ended"/>: 0 or the error code.</param>
public readonly record struct RxProtocolEvent(RxProtocolEventKind Kind, RxCall Call, int Code);
