using System;
using System.Buffers;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Rpc;

/// <summary>
/// A buffered reader over a call's byte stream, for generated stubs: decodes XDR values as their bytes
/// arrive, and hands out the raw bytes that follow them (split procs).
/// </summary>
/// <remarks>
/// <para><see cref="DecodeAsync{T}(XdrDecoder{T}, CancellationToken)"/> runs the decoder over the bytes
/// buffered so far. If the decoder reports a truncation, the reader reads more (at least as much as
/// the truncation said it needs) and decodes again from the start of the value; at the end of the
/// stream the truncation is rethrown. Bytes the value used are dropped; bytes after it stay buffered
/// for the next call.</para>
/// <para>At most <c>maxBufferedBytes</c> are buffered: a value that needs more, as a hostile length
/// can claim, fails with <see cref="XdrException"/> as soon as that is known.</para>
/// <para>Not thread-safe. Dispose to return the buffer to the pool (optional: without it the buffer is
/// simply collected).</para>
/// </remarks>
public sealed class XdrCallReader : IDisposable
{
    /// <summary>The default buffering limit, 16 MiB.</summary>
    public const long DefaultMaxBufferedBytes = 16 * 1024 * 1024;

    private const int MinimumBufferSize = 4096;

    private static readonly RecyclingPool<XdrCallReader> Pool = new(32);

    private Func<Memory<byte>, CancellationToken, ValueTask<int>>? _read;
    private IRxServerCall? _serverCall;
    private IRxClientCall? _clientCall;
    private bool _pooled;
    private int _maxBufferedBytes;
    private byte[] _buffer = Array.Empty<byte>();
    private int _start;
    private int _end;
    private bool _endOfStream;
    private bool _disposed;

    /// <summary>Creates a reader over a read function.</summary>
    /// <param name="read">Reads bytes into the buffer; returns 0 at the end of the stream.</param>
    /// <param name="maxBufferedBytes">The most bytes buffered at once.</param>
    public XdrCallReader(Func<Memory<byte>, CancellationToken, ValueTask<int>> read, long maxBufferedBytes = DefaultMaxBufferedBytes)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBufferedBytes);
        _read = read;
        _maxBufferedBytes = (int)Math.Min(maxBufferedBytes, Array.MaxLength);
    }

    /// <summary>A reader over the request of a server call.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The reader.</returns>
    public static XdrCallReader For(IRxServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new XdrCallReader(call);
    }

    /// <summary>
    /// A reader over the request of a server call, taken from a pool and given back by <see cref="Dispose"/> (what
    /// generated dispatchers use: no allocation per call). Do not use it, or memory <see cref="ReadRestAsync"/>
    /// returned, after disposing it.
    /// </summary>
    /// <param name="call">The call.</param>
    /// <returns>The reader.</returns>
    public static XdrCallReader Rent(IRxServerCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        XdrCallReader? reader = Pool.TryRent();
        if (reader is null)
        {
            return new XdrCallReader(call) { _pooled = true };
        }

        reader._serverCall = call;
        reader._disposed = false;
        return reader;
    }

    private XdrCallReader(IRxServerCall call)
    {
        _serverCall = call;
        _maxBufferedBytes = (int)Math.Min(DefaultMaxBufferedBytes, Array.MaxLength);
    }

    private XdrCallReader(IRxClientCall call)
    {
        _clientCall = call;
        _maxBufferedBytes = (int)Math.Min(DefaultMaxBufferedBytes, Array.MaxLength);
    }

    private ValueTask<int> ReadSourceAsync(Memory<byte> buffer, CancellationToken ct) =>
        _serverCall is not null ? _serverCall.ReadAsync(buffer, ct)
        : _clientCall is not null ? _clientCall.ReadAsync(buffer, ct)
        : _read!(buffer, ct);

    /// <summary>A reader over the reply of a client call.</summary>
    /// <param name="call">The call.</param>
    /// <returns>The reader.</returns>
    public static XdrCallReader For(IRxClientCall call)
    {
        ArgumentNullException.ThrowIfNull(call);
        return new XdrCallReader(call);
    }

    /// <summary>The number of bytes read from the call but not yet consumed.</summary>
    public int BufferedCount => _end - _start;

    /// <summary>True when the call's stream has ended and nothing is buffered.</summary>
    public bool IsAtEnd => _endOfStream && _end == _start;

    /// <summary>The limit on buffered bytes.</summary>
    public long MaxBufferedBytes => _maxBufferedBytes;

    /// <summary>Decodes one value, reading from the call as needed.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="decoder">The decoder.</param>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The bytes are malformed, the stream ended inside the value, or the value needs more than the buffering limit.</exception>
    public async ValueTask<T> DecodeAsync<T>(XdrDecoder<T> decoder, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(decoder);
        ThrowIfDisposed();
        if (_end == _start && !_endOfStream)
        {
            // Nothing buffered: read what has arrived before decoding, so the usual case (the value is here) costs no
            // truncation exception.
            await FillAsync(1, ct).ConfigureAwait(false);
        }

        while (true)
        {
            if (TryDecode(decoder, out T value, out XdrException? truncation))
            {
                return value;
            }

            long required = truncation!.RequiredLength;
            long target = Math.Max(required, (long)BufferedCount + 1);
            if (target > _maxBufferedBytes)
            {
                throw new XdrException(
                    $"decoding needs at least {target} buffered byte(s), more than the limit of {_maxBufferedBytes}",
                    truncation.FieldPath, truncation);
            }

            await FillAsync((int)target, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Decodes one <typeparamref name="T"/> with its own <c>Decode</c>, reading from the call as needed.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The value.</returns>
    public ValueTask<T> DecodeAsync<T>(CancellationToken ct) where T : IXdrSerializable<T> =>
        DecodeAsync(Xdr.Xdr.DecoderFor<T>(), ct);

    /// <summary>Reads raw bytes: buffered ones first, then from the call.</summary>
    /// <param name="buffer">Receives the bytes.</param>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The number of bytes read; 0 at the end of the stream (or for an empty buffer).</returns>
    public ValueTask<int> ReadRawAsync(Memory<byte> buffer, CancellationToken ct)
    {
        ThrowIfDisposed();
        if (buffer.IsEmpty)
        {
            return new ValueTask<int>(0);
        }

        int buffered = BufferedCount;
        if (buffered > 0)
        {
            int n = Math.Min(buffered, buffer.Length);
            _buffer.AsSpan(_start, n).CopyTo(buffer.Span);
            Consume(n);
            return new ValueTask<int>(n);
        }

        if (_endOfStream)
        {
            return new ValueTask<int>(0);
        }

        return ReadFromCallAsync(buffer, ct);
    }

    /// <summary>Reads everything left (buffered bytes and the rest of the call) into one pooled buffer.</summary>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The bytes; the caller owns and disposes the buffer.</returns>
    /// <exception cref="XdrException">More than the buffering limit remains.</exception>
    public async ValueTask<XdrPooledBuffer> ReadToEndAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        while (!_endOfStream)
        {
            if (BufferedCount < _maxBufferedBytes)
            {
                await FillAsync(BufferedCount + 1, ct).ConfigureAwait(false);
                continue;
            }

            await ProbeEndAsync(ct).ConfigureAwait(false);
        }

        int length = BufferedCount;
        if (_start > 0)
        {
            _buffer.AsSpan(_start, length).CopyTo(_buffer);
        }

        byte[] array = _buffer;
        _buffer = Array.Empty<byte>();
        _start = _end = 0;
        return XdrPooledBuffer.TakeOwnership(array, length);
    }

    /// <summary>
    /// Reads everything left (buffered bytes and the rest of the call) into this reader's buffer and returns it: no
    /// allocation, but the memory is valid only until the next read or <see cref="Dispose"/>.
    /// </summary>
    /// <param name="ct">Cancels reading.</param>
    /// <returns>The bytes.</returns>
    /// <exception cref="XdrException">More than the buffering limit remains.</exception>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<ReadOnlyMemory<byte>> ReadRestAsync(CancellationToken ct)
    {
        ThrowIfDisposed();
        while (!_endOfStream)
        {
            if (BufferedCount >= _maxBufferedBytes)
            {
                await ProbeEndAsync(ct).ConfigureAwait(false);
                break;
            }

            await FillAsync(BufferedCount + 1, ct).ConfigureAwait(false);
        }

        ReadOnlyMemory<byte> rest = _buffer.AsMemory(_start, _end - _start);
        _start = _end;
        return rest;
    }

    /// <summary>With the buffer full, only the end of the stream may follow.</summary>
    private async ValueTask ProbeEndAsync(CancellationToken ct)
    {
        byte[] probe = ArrayPool<byte>.Shared.Rent(1);
        try
        {
            int n = await ReadSourceAsync(probe.AsMemory(0, 1), ct).ConfigureAwait(false);
            if (n != 0)
            {
                throw new XdrException($"the data is longer than the limit of {_maxBufferedBytes} byte(s)");
            }

            _endOfStream = true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(probe);
        }
    }

    /// <summary>A read-only, non-seekable <see cref="Stream"/> over <see cref="ReadRawAsync"/> (for split procs).</summary>
    /// <returns>The stream; disposing it does not dispose this reader.</returns>
    public Stream AsStream() => new XdrCallReaderStream(this);

    /// <summary>Returns the buffer to the pool; buffered bytes are dropped.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _start = _end = 0;
        _endOfStream = false;
        if (_pooled)
        {
            // The buffer stays with the reader for its next call (a small one; a large one goes back to the array pool).
            _serverCall = null;
            if (_buffer.Length > MinimumBufferSize)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = Array.Empty<byte>();
            }

            Pool.Return(this);
            return;
        }

        byte[] buffer = _buffer;
        _buffer = Array.Empty<byte>();
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private bool TryDecode<T>(XdrDecoder<T> decoder, out T value, out XdrException? truncation)
    {
        var reader = new XdrReader(_buffer.AsSpan(_start, _end - _start));
        try
        {
            value = decoder(ref reader);
        }
        catch (XdrException ex) when (ex.IsTruncation && !_endOfStream)
        {
            value = default!;
            truncation = ex;
            return false;
        }

        Consume(reader.Position);
        truncation = null;
        return true;
    }

    private async ValueTask<int> ReadFromCallAsync(Memory<byte> buffer, CancellationToken ct)
    {
        int n = await ReadSourceAsync(buffer, ct).ConfigureAwait(false);
        if (n == 0)
        {
            _endOfStream = true;
        }

        return n;
    }

    /// <summary>Reads until <paramref name="target"/> bytes are buffered or the stream ends.</summary>
    private async ValueTask FillAsync(int target, CancellationToken ct)
    {
        while (!_endOfStream && BufferedCount < target)
        {
            EnsureRoom(target);
            int room = Math.Min(_buffer.Length - _end, _maxBufferedBytes - BufferedCount);
            int n = await ReadSourceAsync(_buffer.AsMemory(_end, room), ct).ConfigureAwait(false);
            if (n == 0)
            {
                _endOfStream = true;
            }
            else
            {
                if ((uint)n > (uint)room)
                {
                    throw new InvalidOperationException("The read function reported more bytes than the buffer holds.");
                }

                _end += n;
            }
        }
    }

    /// <summary>Makes room for <paramref name="target"/> buffered bytes counted from <c>_start</c>.</summary>
    private void EnsureRoom(int target)
    {
        if (_buffer.Length - _start >= target && _end < _buffer.Length)
        {
            return;
        }

        int buffered = BufferedCount;
        if (_buffer.Length >= target && _buffer.Length > buffered)
        {
            _buffer.AsSpan(_start, buffered).CopyTo(_buffer);
            _start = 0;
            _end = buffered;
            return;
        }

        long grown = Math.Max(Math.Max(target, (long)_buffer.Length * 2), MinimumBufferSize);
        int size = (int)Math.Min(grown, _maxBufferedBytes);
        byte[] next = ArrayPool<byte>.Shared.Rent(Math.Max(size, target));
        _buffer.AsSpan(_start, buffered).CopyTo(next);
        byte[] old = _buffer;
        _buffer = next;
        _start = 0;
        _end = buffered;
        if (old.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(old);
        }
    }

    private void Consume(int count)
    {
        _start += count;
        if (_start == _end)
        {
            _start = _end = 0;
        }
    }

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
