using System;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Tests.TestSupport;

/// <summary>A read function over a byte array that returns at most <c>chunk</c> bytes per read.</summary>
internal sealed class ChunkedSource
{
    private readonly byte[] _data;
    private readonly int _chunk;
    private int _offset;

    public ChunkedSource(byte[] data, int chunk)
    {
        _data = data;
        _chunk = chunk;
    }

    public int Reads { get; private set; }

    public int Offset => _offset;

    public ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        Reads++;
        int n = Math.Min(Math.Min(_chunk, buffer.Length), _data.Length - _offset);
        _data.AsSpan(_offset, n).CopyTo(buffer.Span);
        _offset += n;
        return new ValueTask<int>(n);
    }
}
