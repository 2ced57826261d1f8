using System;
using System.Buffers;
using System.Threading;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// An owned block of received bytes in an array rented from <see cref="ArrayPool{T}.Shared"/>.
/// Dispose it when done; the bytes must not be used afterwards.
/// </summary>
public sealed class XdrPooledBuffer : IDisposable
{
    private byte[]? _array;
    private readonly int _length;

    private XdrPooledBuffer(byte[] array, int length)
    {
        _array = array;
        _length = length;
    }

    /// <summary>The bytes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public ReadOnlySpan<byte> Span => Array.AsSpan(0, _length);

    /// <summary>The bytes.</summary>
    /// <exception cref="ObjectDisposedException">The buffer was disposed.</exception>
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, _length);

    /// <summary>The number of bytes.</summary>
    public int Length => _length;

    /// <summary>True once <see cref="Dispose"/> has run.</summary>
    public bool IsDisposed => Volatile.Read(ref _array) is null;

    private byte[] Array => Volatile.Read(ref _array) ?? throw new ObjectDisposedException(nameof(XdrPooledBuffer));

    /// <summary>Copies <paramref name="data"/> into a new pooled buffer.</summary>
    /// <param name="data">The bytes to copy.</param>
    /// <returns>The buffer; the caller owns it.</returns>
    public static XdrPooledBuffer Copy(ReadOnlySpan<byte> data)
    {
        byte[] array = data.IsEmpty ? System.Array.Empty<byte>() : ArrayPool<byte>.Shared.Rent(data.Length);
        data.CopyTo(array);
        return new XdrPooledBuffer(array, data.Length);
    }

    /// <summary>Wraps an array rented from <see cref="ArrayPool{T}.Shared"/> (or an empty array); takes ownership.</summary>
    internal static XdrPooledBuffer TakeOwnership(byte[] array, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)length, (uint)array.Length, nameof(length));
        return new XdrPooledBuffer(array, length);
    }

    /// <summary>Copies the bytes into a new array.</summary>
    /// <returns>The copy.</returns>
    public byte[] ToArray() => Span.ToArray();

    /// <summary>Returns the array to the pool. Safe to call more than once.</summary>
    public void Dispose()
    {
        byte[]? array = Interlocked.Exchange(ref _array, null);
        if (array is { Length: > 0 })
        {
            ArrayPool<byte>.Shared.Return(array);
        }
    }
}
