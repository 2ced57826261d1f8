using System;
using System.IO;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// <see cref="Stream"/> adapters over calls, for the raw data of split procs. Streams never own the
/// call: disposing them does nothing to it. Their synchronous methods block on the asynchronous ones.
/// </summary>
public static class RxCallStreams
{
    /// <summary>A write-only stream whose writes are request bytes of <paramref name="call"/>.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The stream.</returns>
    public static Stream ForWriting(IRxClientCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new RxCallWriteStream(call.WriteAsync);
    }

    /// <summary>A write-only stream whose writes are reply bytes of <paramref name="call"/>.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The stream.</returns>
    public static Stream ForWriting(IRxServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new RxCallWriteStream(call.WriteAsync);
    }

    /// <summary>
    /// A read-only stream over the reply of <paramref name="call"/>. If an <see cref="XdrCallReader"/>
    /// already read from the call, use its <see cref="XdrCallReader.AsStream"/> instead so that its
    /// buffered bytes are not skipped.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <returns>The stream.</returns>
    public static Stream ForReading(IRxClientCall call) => XdrCallReader.For(call).AsStream();

    /// <summary>
    /// A read-only stream over the request of <paramref name="call"/>. If an <see cref="XdrCallReader"/>
    /// already read from the call, use its <see cref="XdrCallReader.AsStream"/> instead.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <returns>The stream.</returns>
    public static Stream ForReading(IRxServerCall call) => XdrCallReader.For(call).AsStream();
}
