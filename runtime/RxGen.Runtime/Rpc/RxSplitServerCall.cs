using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc;

/// <summary>The raw byte streams of a split procedure on the server side: after the IN arguments, read the bytes the
/// client streams (e.g. StoreData) and write bytes before the OUT values (e.g. FetchData).</summary>
public sealed class RxSplitServerCall
{
    private readonly IRxServerCall _call;
    private readonly XdrCallReader _reader;
    private Stream? _requestStream;
    private Stream? _replyStream;

    public RxSplitServerCall(IRxServerCall call, XdrCallReader reader)
    {
        _call = call ?? throw new ArgumentNullException(nameof(call));
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
    }

    /// <summary>The underlying server call.</summary>
    public IRxServerCall Call => _call;

    /// <summary>Reads raw request bytes; 0 at the end of the request.</summary>
    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _reader.ReadRawAsync(buffer, cancellationToken);

    /// <summary>Writes raw reply bytes (they precede the OUT values on the wire).</summary>
    public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) => _call.WriteAsync(data, cancellationToken);

    /// <summary>The raw request as a read-only stream.</summary>
    public Stream RequestStream => _requestStream ??= _reader.AsStream();

    /// <summary>The raw reply as a write-only stream.</summary>
    public Stream ReplyStream => _replyStream ??= RxCallStreams.ForWriting(_call);
}
