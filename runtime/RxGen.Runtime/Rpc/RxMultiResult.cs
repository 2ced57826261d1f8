using System;

namespace RxGen.Runtime.Rpc;

/// <summary>One reply of a multi call (rxgen's <c>multi_Rx</c>): which server (<see cref="Index"/> into the list of
/// clients) answered, with its value or the error (e.g. <see cref="RpcAbortException"/>).</summary>
public readonly record struct RxMultiResult<T>(int Index, T? Value, Exception? Error)
{
    /// <summary>True when the call succeeded and <see cref="Value"/> holds the reply.</summary>
    public bool Succeeded => Error is null;
}
