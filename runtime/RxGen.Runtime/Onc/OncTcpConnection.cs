using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// One accepted stream connection (svc_vc's connection transport): reads record-marked calls with
/// System.IO.Pipelines, runs up to <see cref="OncServerOptions.MaxCallsPerConnection"/> of them at once
/// (then stops reading: back-pressure), and writes each reply as one record as soon as it is ready (replies
/// may leave in another order than their calls; clients match them by xid).
/// </summary>
internal sealed class OncTcpConnection : IAsyncDisposable
{
    private readonly OncServerCore _core;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly PipeWriter _writer;
    private readonly SemaphoreSlim _slots;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly CancellationTokenSource _readCts;
    private readonly CancellationTokenSource _callsCts;
    private readonly OncCallTracker _calls = new();
    private long _lastActivity;

    public OncTcpConnection(OncServerCore core, Socket socket)
    {
        _core = core;
        _socket = socket;
        RemoteEndPoint = socket.RemoteEndPoint;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(bufferSize: 16384, minimumReadSize: 4096, leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _slots = new SemaphoreSlim(core.Options.MaxCallsPerConnection, core.Options.MaxCallsPerConnection);
        _readCts = CancellationTokenSource.CreateLinkedTokenSource(core.Stopping);
        _callsCts = CancellationTokenSource.CreateLinkedTokenSource(core.Abort);
        _lastActivity = Stopwatch.GetTimestamp();
    }

    public EndPoint? RemoteEndPoint { get; }

    /// <summary>Calls of this connection in flight.</summary>
    public int CallsInFlight => _calls.Count;

    /// <summary>How long since the last complete record or reply.</summary>
    public TimeSpan IdleFor => Stopwatch.GetElapsedTime(Interlocked.Read(ref _lastActivity));

    /// <summary>Stops reading (the idle timeout, too many connections, the server's stop).</summary>
    public void Close()
    {
        try
        {
            _readCts.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Serves the connection until the peer closes it, it breaks the framing, it idles out, or the server stops; then waits for its calls and closes.</summary>
    public async Task RunAsync()
    {
        CancellationToken readToken = _readCts.Token;
        try
        {
            while (!readToken.IsCancellationRequested)
            {
                await _slots.WaitAsync(readToken).ConfigureAwait(false);
                XdrBufferWriter record = XdrBufferWriter.Rent();
                bool ok = false;
                try
                {
                    ok = await OncRecordMarking.ReadRecordAsync(_reader, record, _core.Options.MaxRecordSize, readToken).ConfigureAwait(false);
                }
                catch (OncFramingException ex)
                {
                    _core.Metrics.Refused("bad_record");
                    _core.Logger.LogDebug("ONC RPC connection from {Remote} closed: {Reason}", RemoteEndPoint, ex.Message);
                }
                finally
                {
                    if (!ok)
                    {
                        record.Dispose();
                        _slots.Release();
                    }
                }

                if (!ok)
                {
                    break;
                }

                Touch();
                try
                {
                    await _core.CallSlots.WaitAsync(readToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    record.Dispose();
                    _slots.Release();
                    throw;
                }

                _calls.Enter();
                _core.CallStarted();
                _ = ServeAsync(record);
            }
        }
        catch (OperationCanceledException)
        {
            // Stop, idle timeout or too many connections.
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            _core.Logger.LogDebug("ONC RPC connection from {Remote} failed: {Reason}", RemoteEndPoint, ex.Message);
        }

        // A peer that closed or broke the stream has left: its calls are cancelled. On the server's stop they finish.
        if (!_core.Stopping.IsCancellationRequested)
        {
            _callsCts.Cancel();
        }

        await _calls.WaitIdleAsync(CancellationToken.None).ConfigureAwait(false);
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

    private async Task ServeAsync(XdrBufferWriter record)
    {
        XdrBufferWriter reply = XdrBufferWriter.Rent();
        try
        {
            if (await _core.Processor.ProcessAsync(record.WrittenMemory, RemoteEndPoint, reply, _callsCts.Token).ConfigureAwait(false))
            {
                await WriteRecordAsync(reply.WrittenMemory).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The connection went away before the reply.
            Close();
        }
        catch (Exception ex)
        {
            _core.Logger.LogError(ex, "ONC RPC reply to {Remote} failed", RemoteEndPoint);
            Close();
        }
        finally
        {
            reply.Dispose();
            record.Dispose();
            Touch();
            _slots.Release();
            _core.CallEnded();
            _calls.Exit();
        }
    }

    private async ValueTask WriteRecordAsync(ReadOnlyMemory<byte> message)
    {
        await _writeLock.WaitAsync(_callsCts.Token).ConfigureAwait(false);
        try
        {
            OncRecordMarking.WriteRecord(_writer, message.Span, default, _core.Options.MaxFragmentSize);
            await _writer.FlushAsync(_callsCts.Token).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
            await _writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
        }

        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }

        await _stream.DisposeAsync().ConfigureAwait(false);
        _readCts.Dispose();
        _callsCts.Dispose();
        _slots.Dispose();
        _writeLock.Dispose();
    }
}
