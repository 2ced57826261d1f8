using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// An ONC RPC client over one stream connection (TCP, or a Unix socket such as rpcbind's), for generated
/// clients: calls are record-marked, many may be in flight at once on the connection, and replies are
/// matched to their calls by xid in whatever order they come. A broken connection fails every waiting call
/// with <see cref="IOException"/>, and later calls too; create a new client to reconnect.
/// </summary>
public sealed class OncTcpClient : IOncCallTransport, IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly OncPendingCalls _pending = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly OncClientOptions _options;
    private readonly Task _readLoop;
    private Exception? _broken;
    private int _disposed;

    private OncTcpClient(Socket socket, OncClientOptions options)
    {
        _socket = socket;
        _options = options;
        RemoteEndPoint = socket.RemoteEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16384, minimumReadSize: 4096, leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _readLoop = ReadLoopAsync();
    }

    /// <summary>The server's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Calls waiting for their replies.</summary>
    public int CallsInFlight => _pending.Count;

    /// <summary>Connects to a server.</summary>
    /// <param name="server">The server: an <see cref="IPEndPoint"/>, or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <param name="options">Credentials and timeouts, or null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected client.</returns>
    public static async Task<OncTcpClient> ConnectAsync(EndPoint server, OncClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        var socket = server is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return new OncTcpClient(socket, options ?? new OncClientOptions());
    }

    /// <inheritdoc/>
    public async ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfBroken();
        (uint xid, TaskCompletionSource<XdrPooledBuffer> completion) = _pending.Add();
        try
        {
            using (XdrBufferWriter message = XdrBufferWriter.Rent())
            {
                OncMessages.WriteCall(message, xid, program, version, procedure, _options.Credentials);
                await SendAsync(message.WrittenMemory, arguments, cancellationToken).ConfigureAwait(false);
            }

            return await completion.Task.WaitAsync(_options.Timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!completion.Task.IsCompleted)
        {
            _pending.Remove(xid, completion);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"ONC RPC call to program {program} version {version} procedure {procedure} timed out after {_options.Timeout}.");
        }
        catch (Exception) when (!completion.Task.IsCompleted)
        {
            _pending.Remove(xid, completion);
            throw;
        }
    }

    private async ValueTask SendAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfBroken();
            Span<byte> mark = _writer.GetSpan(4);
            BinaryPrimitives.WriteUInt32BigEndian(mark, OncRecordMarking.LastFragment | (uint)(header.Length + arguments.Length));
            _writer.Advance(4);
            header.Span.CopyTo(_writer.GetSpan(header.Length));
            _writer.Advance(header.Length);
            // Not cancellable once started: a half-written record would break the stream for every call.
            await _writer.WriteAsync(arguments, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
            Break(new IOException("The ONC RPC connection is broken.", ex));
            throw _broken!;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        using var record = new XdrBufferWriter(4096);
        try
        {
            while (await OncRecordMarking.ReadRecordAsync(_reader, record, _options.MaxRecordSize, _closed.Token).ConfigureAwait(false))
            {
                _pending.Complete(record.WrittenSpan);
            }

            Break(new IOException("The ONC RPC server closed the connection."));
        }
        catch (Exception ex)
        {
            Break(ex is OperationCanceledException ? new ObjectDisposedException(nameof(OncTcpClient)) : new IOException("The ONC RPC connection is broken.", ex));
        }
    }

    private void Break(Exception reason)
    {
        Interlocked.CompareExchange(ref _broken, reason, null);
        _pending.FailAll(_broken!);
    }

    private void ThrowIfBroken()
    {
        if (Volatile.Read(ref _broken) is { } broken)
        {
            throw broken is ObjectDisposedException ? new ObjectDisposedException(nameof(OncTcpClient)) : new IOException(broken.Message, broken);
        }
    }

    /// <summary>Closes the connection; waiting calls fail with <see cref="ObjectDisposedException"/>.</summary>
    /// <returns>When closed.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Break(new ObjectDisposedException(nameof(OncTcpClient)));
        _closed.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
        }

        await _readLoop.ConfigureAwait(false);
        await _reader.CompleteAsync().ConfigureAwait(false);
        try
        {
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _closed.Dispose();
    }
}
