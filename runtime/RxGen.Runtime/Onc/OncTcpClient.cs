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
/// An ONC RPC client over a stream connection (TCP, or a Unix socket such as rpcbind's), for generated
/// clients: calls are record-marked (split into fragments of at most <see cref="OncClientOptions.MaxFragmentSize"/>),
/// many may be in flight at once on the connection, and replies are matched to their calls by xid in whatever
/// order they come. A broken connection (the server closed it, or it failed) fails every call waiting on it with
/// <see cref="IOException"/>; the next call connects again (<see cref="OncClientOptions.Reconnect"/>).
/// </summary>
public sealed class OncTcpClient : IOncCallTransport, IAsyncDisposable
{
    private readonly EndPoint _server;
    private readonly OncClientOptions _options;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private Connection _connection;
    private int _disposed;
    private int _reconnects;

    private OncTcpClient(EndPoint server, Connection connection, OncClientOptions options)
    {
        _server = server;
        _connection = connection;
        _options = options;
        RemoteEndPoint = connection.RemoteEndPoint ?? server;
    }

    /// <summary>The server's address.</summary>
    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Calls waiting for their replies.</summary>
    public int CallsInFlight => Volatile.Read(ref _connection).CallsInFlight;

    /// <summary>How many times the client connected again after its connection broke.</summary>
    public int Reconnects => Volatile.Read(ref _reconnects);

    /// <summary>Connects to a server.</summary>
    /// <param name="server">The server: an <see cref="IPEndPoint"/>, or a <see cref="UnixDomainSocketEndPoint"/>.</param>
    /// <param name="options">Credentials and timeouts, or null for the defaults.</param>
    /// <param name="cancellationToken">Cancels the connect.</param>
    /// <returns>The connected client.</returns>
    public static async Task<OncTcpClient> ConnectAsync(EndPoint server, OncClientOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(server);
        options ??= new OncClientOptions();
        Socket socket = await OpenAsync(server, cancellationToken).ConfigureAwait(false);
        return new OncTcpClient(server, new Connection(socket, options), options);
    }

    private static async Task<Socket> OpenAsync(EndPoint server, CancellationToken cancellationToken)
    {
        var socket = server is UnixDomainSocketEndPoint
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(server.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(server, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    public ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken = default)
    {
        Connection connection = Volatile.Read(ref _connection);
        return connection.IsBroken
            ? CallAfterReconnectAsync(program, version, procedure, arguments, cancellationToken)
            : connection.CallAsync(program, version, procedure, arguments, cancellationToken);
    }

    private async ValueTask<XdrPooledBuffer> CallAfterReconnectAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
    {
        Connection connection = await ReconnectAsync(cancellationToken).ConfigureAwait(false);
        return await connection.CallAsync(program, version, procedure, arguments, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask<Connection> ReconnectAsync(CancellationToken cancellationToken)
    {
        Connection old = Volatile.Read(ref _connection);
        if (Volatile.Read(ref _disposed) != 0 || !_options.Reconnect)
        {
            old.ThrowIfBroken();
        }

        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            old = Volatile.Read(ref _connection);
            if (!old.IsBroken)
            {
                return old;
            }

            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            Socket socket;
            try
            {
                socket = await OpenAsync(_server, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new IOException($"The ONC RPC connection to {_server} broke, and connecting again failed: {ex.Message}", ex);
            }

            var fresh = new Connection(socket, _options);
            Volatile.Write(ref _connection, fresh);
            Interlocked.Increment(ref _reconnects);
            if (Volatile.Read(ref _disposed) != 0)
            {
                await fresh.DisposeAsync().ConfigureAwait(false);
            }

            _ = old.DisposeAsync().AsTask();
            return fresh;
        }
        finally
        {
            _connectLock.Release();
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

        await _connectLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await Volatile.Read(ref _connection).DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>One stream connection: its socket, pipes, read loop and calls waiting for replies.</summary>
    private sealed class Connection
    {
        private readonly Socket _socket;
        private readonly NetworkStream _stream;
        private readonly PipeReader _reader;
        private readonly PipeWriter _writer;
        private readonly SemaphoreSlim _writeLock = new(1, 1);
        private readonly OncPooledPendingCalls _pending = new();
        private readonly CancellationTokenSource _closed = new();
        private readonly OncClientOptions _options;
        private readonly Task _readLoop;
        private Exception? _broken;
        private int _disposed;

        public Connection(Socket socket, OncClientOptions options)
        {
            _socket = socket;
            _options = options;
            RemoteEndPoint = socket.RemoteEndPoint;
            _stream = new NetworkStream(socket, ownsSocket: true);
            _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16384, minimumReadSize: 4096, leaveOpen: true));
            _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
            _readLoop = ReadLoopAsync();
        }

        public EndPoint? RemoteEndPoint { get; }

        public int CallsInFlight => _pending.Count;

        public bool IsBroken => Volatile.Read(ref _broken) is not null;

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        public async ValueTask<XdrPooledBuffer> CallAsync(uint program, uint version, uint procedure, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfBroken();
            OncPendingCall call = _pending.Add();
            try
            {
                // Break sets _broken before failing the calls it finds: a call added after that sees it here.
                ThrowIfBroken();
                using (XdrBufferWriter message = XdrBufferWriter.Rent())
                {
                    OncMessages.WriteCall(message, call.Xid, program, version, procedure, _options.Credentials);
                    await SendAsync(message.WrittenMemory, arguments, cancellationToken).ConfigureAwait(false);
                }
            }
            catch
            {
                if (_pending.TryRemove(call))
                {
                    _pending.Return(call);
                }
                else
                {
                    // Completed meanwhile (a broken connection, or a reply racing the failed send): read and drop it.
                    try
                    {
                        (await call.Task.ConfigureAwait(false))?.Dispose();
                    }
                    catch (Exception)
                    {
                    }

                    _pending.Return(call);
                }

                throw;
            }

            CancellationTokenRegistration onTimeout = default;
            CancellationTokenRegistration onCancel = default;
            bool timed = _options.Timeout != Timeout.InfiniteTimeSpan;
            if (timed)
            {
                call.Timer ??= new CancellationTokenSource();
                call.Timer.CancelAfter(_options.Timeout);
                onTimeout = call.Timer.Token.UnsafeRegister(static state => OncPooledPendingCalls.Expire((OncPendingCall)state!, OncPendingCall.TimedOut), call);
            }

            if (cancellationToken.CanBeCanceled)
            {
                onCancel = cancellationToken.UnsafeRegister(static state => OncPooledPendingCalls.Expire((OncPendingCall)state!, OncPendingCall.Cancelled), call);
            }

            XdrPooledBuffer? result = null;
            int outcome;
            try
            {
                result = await call.Task.ConfigureAwait(false);
            }
            finally
            {
                onTimeout.Dispose();
                onCancel.Dispose();
                outcome = call.Outcome;
                if (timed && !call.Timer!.TryReset())
                {
                    call.Timer.Dispose();
                    call.Timer = null;
                }

                _pending.Return(call);
            }

            switch (outcome)
            {
                case OncPendingCall.TimedOut:
                    throw new TimeoutException($"ONC RPC call to program {program} version {version} procedure {procedure} timed out after {_options.Timeout}.");
                case OncPendingCall.Cancelled:
                    throw new OperationCanceledException(cancellationToken);
                default:
                    return result!;
            }
        }

        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
        private async ValueTask SendAsync(ReadOnlyMemory<byte> header, ReadOnlyMemory<byte> arguments, CancellationToken cancellationToken)
        {
            await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                ThrowIfBroken();
                OncRecordMarking.WriteRecord(_writer, header.Span, arguments.Span, _options.MaxFragmentSize);
                // Not cancellable once started: a half-written record would break the stream for every call.
                await _writer.FlushAsync(CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                Break(new IOException("The ONC RPC connection is broken; the call may or may not have run.", ex));
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

                Break(new IOException("The ONC RPC server closed the connection; the call may or may not have run."));
            }
            catch (Exception ex)
            {
                Break(ex is OperationCanceledException ? new ObjectDisposedException(nameof(OncTcpClient)) : new IOException("The ONC RPC connection is broken; the call may or may not have run.", ex));
            }
        }

        private void Break(Exception reason)
        {
            Interlocked.CompareExchange(ref _broken, reason, null);
            _pending.FailAll(_broken!);
            // Wake the read loop too (a send failure), so the socket is let go of.
            try
            {
                _socket.Shutdown(SocketShutdown.Both);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
            {
            }
        }

        public void ThrowIfBroken()
        {
            if (Volatile.Read(ref _broken) is { } broken)
            {
                throw broken is ObjectDisposedException ? new ObjectDisposedException(nameof(OncTcpClient)) : new IOException(broken.Message, broken);
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _disposed, 1) != 0)
            {
                return;
            }

            Break(new ObjectDisposedException(nameof(OncTcpClient)));
            _closed.Cancel();
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
}
