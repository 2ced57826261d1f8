using System;
using System.Buffers;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// A growable <see cref="IBufferWriter{T}"/> over arrays rented from <see cref="ArrayPool{T}.Shared"/>.
/// Reuse it across messages with <see cref="Reset"/>; <see cref="Dispose"/> returns the array.
/// </summary>
/// <remarks>
/// <para>Not thread-safe. Spans and memory obtained from it are invalid after the next write that grows
/// the buffer, and after <see cref="Dispose"/>.</para>
/// <para><see cref="Rent"/> hands out a writer from a small pool (one per thread plus a few shared),
/// for a message at a time (what generated stubs do per call): disposing a rented writer puts it back,
/// with its array, instead of releasing it. Dispose a rented writer exactly once and do not touch it
/// afterwards; while it is back in the pool, its members throw <see cref="ObjectDisposedException"/>.</para>
/// </remarks>
public sealed class XdrBufferWriter : IBufferWriter<byte>, IDisposable
{
    private byte[] _buffer;
    private int _written;
    private bool _disposed;
    private readonly bool _pooled;
    private bool _inPool;

    /// <summary>Creates a writer with at least <paramref name="initialCapacity"/> bytes of room.</summary>
    /// <param name="initialCapacity">The initial room; 0 defers renting until the first write.</param>
    public XdrBufferWriter(int initialCapacity = 256)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(initialCapacity);
        _buffer = initialCapacity == 0 ? Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(initialCapacity);
    }

    private XdrBufferWriter(bool pooled)
    {
        _buffer = Array.Empty<byte>();
        _pooled = pooled;
    }

    /// <summary>
    /// A writer from the pool, empty; <see cref="Dispose"/> returns it (and its array) to the pool. Cheap:
    /// after warm-up, renting and returning on the same thread allocates nothing.
    /// </summary>
    /// <returns>The writer; the caller owns it until it disposes it.</returns>
    public static XdrBufferWriter Rent()
    {
        XdrBufferWriter writer = XdrBufferWriterPool.TryTake() ?? new XdrBufferWriter(pooled: true);
        writer._inPool = false;
        return writer;
    }

    /// <summary>True for a writer from <see cref="Rent"/>.</summary>
    public bool IsPooled => _pooled;

    /// <summary>The bytes written since construction or the last <see cref="Reset"/>.</summary>
    public ReadOnlySpan<byte> WrittenSpan
    {
        get
        {
            ThrowIfDisposed();
            return _buffer.AsSpan(0, _written);
        }
    }

    /// <summary>The bytes written since construction or the last <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> WrittenMemory
    {
        get
        {
            ThrowIfDisposed();
            return _buffer.AsMemory(0, _written);
        }
    }

    /// <summary>The number of bytes written.</summary>
    public int WrittenCount => _written;

    /// <summary>The size of the current buffer.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Forgets the written bytes and keeps the buffer for reuse.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        _written = 0;
    }

    /// <summary>Copies the written bytes into a new array.</summary>
    /// <returns>The copy.</returns>
    public byte[] ToArray() => WrittenSpan.ToArray();

    /// <inheritdoc/>
    public void Advance(int count)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count > _buffer.Length - _written)
        {
            throw new InvalidOperationException($"Cannot advance {count} byte(s): only {_buffer.Length - _written} were obtained.");
        }

        _written += count;
    }

    /// <inheritdoc/>
    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsMemory(_written);
    }

    /// <inheritdoc/>
    public Span<byte> GetSpan(int sizeHint = 0)
    {
        EnsureRoom(sizeHint);
        return _buffer.AsSpan(_written);
    }

    /// <summary>
    /// Returns the buffer to the pool. Further use throws <see cref="ObjectDisposedException"/>. A writer
    /// from <see cref="Rent"/> goes back to the writer pool instead.
    /// </summary>
    public void Dispose()
    {
        if (_disposed || _inPool)
        {
            return;
        }

        if (_pooled)
        {
            _written = 0;
            if (_buffer.Length > XdrBufferWriterPool.MaxRetainedCapacity)
            {
                byte[] large = _buffer;
                _buffer = Array.Empty<byte>();
                ArrayPool<byte>.Shared.Return(large);
            }

            _inPool = true;
            if (!XdrBufferWriterPool.TryAdd(this))
            {
                _inPool = false;
                Release();
            }

            return;
        }

        Release();
    }

    /// <summary>Releases the array for good.</summary>
    private void Release()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        byte[] buffer = _buffer;
        _buffer = Array.Empty<byte>();
        _written = 0;
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hands the written bytes to a new <see cref="XdrPooledBuffer"/> without copying; this writer
    /// starts over with no buffer.
    /// </summary>
    internal XdrPooledBuffer DetachWritten()
    {
        ThrowIfDisposed();
        byte[] buffer = _buffer;
        int written = _written;
        _buffer = Array.Empty<byte>();
        _written = 0;
        return XdrPooledBuffer.TakeOwnership(buffer, written);
    }

    private void EnsureRoom(int sizeHint)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(sizeHint);
        if (sizeHint == 0)
        {
            sizeHint = 1;
        }

        if (sizeHint <= _buffer.Length - _written)
        {
            return;
        }

        long required = (long)_written + sizeHint;
        if (required > Array.MaxLength)
        {
            throw new OutOfMemoryException($"XdrBufferWriter cannot grow to {required} bytes.");
        }

        long doubled = Math.Max((long)_buffer.Length * 2, 256);
        int newSize = (int)Math.Min(Math.Max(doubled, required), Array.MaxLength);
        byte[] next = ArrayPool<byte>.Shared.Rent(newSize);
        _buffer.AsSpan(0, _written).CopyTo(next);
        byte[] old = _buffer;
        _buffer = next;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed || _inPool, this);
}
