using System;
using System.Buffers;
using System.Collections.Generic;

namespace RxGen.Runtime.Tests.TestSupport;

/// <summary>An IBufferWriter that hands out spans exactly as large as asked (at least 1), to exercise chunking.</summary>
internal sealed class StingyBufferWriter : IBufferWriter<byte>
{
    private readonly List<byte> _written = new();
    private byte[] _current = [];

    public int GetSpanCalls { get; private set; }

    public byte[] Written => _written.ToArray();

    public void Advance(int count)
    {
        if (count > _current.Length)
        {
            throw new InvalidOperationException("advanced past the span");
        }

        _written.AddRange(_current.AsSpan(0, count).ToArray());
        _current = [];
    }

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        GetSpanCalls++;
        _current = new byte[Math.Max(sizeHint, 1)];
        return _current;
    }

    public Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;
}
