using System;
using System.IO;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Onc;

/// <summary>
/// A connection's stream for a connection with a thread of its own: on that thread a read is a blocking
/// <see cref="Socket.Receive(Span{byte})"/>, so the read, the call and the reply all run there with no hand-off to
/// the thread pool; on any other thread (once the connection has had to wait for something else) reads are the
/// socket's asynchronous ones. Writes are always asynchronous (they complete at once while the socket buffer has
/// room). The owner unblocks a blocked read by shutting down the socket's receive side.
/// </summary>
internal sealed class OncBlockingReadStream : Stream
{
    private readonly Socket _socket;
    private readonly NetworkStream _inner;

    public OncBlockingReadStream(Socket socket, NetworkStream inner)
    {
        _socket = socket;
        _inner = inner;
    }

    /// <summary>The thread that may block in reads; null for none.</summary>
    public Thread? Owner { get; set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (Owner != Thread.CurrentThread)
        {
            return _inner.ReadAsync(buffer, cancellationToken);
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<int>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(_socket.Receive(buffer.Span));
        }
        catch (SocketException ex) when (cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException("the read was stopped", ex, cancellationToken);
        }
        catch (SocketException ex)
        {
            throw new IOException(ex.Message, ex);
        }
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) => _inner.WriteAsync(buffer, cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _inner.WriteAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
