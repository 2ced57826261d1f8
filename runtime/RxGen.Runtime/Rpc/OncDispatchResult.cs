namespace RxGen.Runtime.Rpc;

/// <summary>
/// How a server answers one ONC RPC call (the <c>accept_stat</c> of an accepted reply), as
/// <see cref="OncDispatcherRegistry.DispatchAsync"/> decides it.
/// </summary>
/// <param name="Status">The reply's status; the results follow only for <see cref="OncAcceptStat.Success"/>.</param>
/// <param name="LowVersion">For <see cref="OncAcceptStat.ProgMismatch"/>: the lowest version served; otherwise 0.</param>
/// <param name="HighVersion">For <see cref="OncAcceptStat.ProgMismatch"/>: the highest version served; otherwise 0.</param>
public readonly record struct OncDispatchResult(OncAcceptStat Status, uint LowVersion = 0, uint HighVersion = 0)
{
    /// <summary>True for <see cref="OncAcceptStat.Success"/>.</summary>
    public bool IsSuccess => Status == OncAcceptStat.Success;

    /// <summary>The exception a client sees for this result (null for success).</summary>
    /// <param name="message">What failed, for the message.</param>
    /// <returns>The exception, or null.</returns>
    public OncRpcException? ToException(string? message = null) => Status switch
    {
        OncAcceptStat.Success => null,
        OncAcceptStat.ProgMismatch => new OncRpcException(LowVersion, HighVersion, message),
        _ => new OncRpcException(Status, message),
    };
}
