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
    private readonly SemaphoreSlim _slots;
    private readonly object _outLock = new();
    private readonly int _maxPendingOutput;
    // Replies waiting to be sent (record-marked), and the buffer the send loop hands back after a send.
    private XdrBufferWriter? _out = XdrBufferWriter.Rent();
    private XdrBufferWriter? _spare = XdrBufferWriter.Rent();
    private bool _sending;
    private bool _hold;
    private bool _outBroken;
    private TaskCompletionSource? _drained;
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
        _maxPendingOutput = Math.Max(core.Options.MaxRecordSize, 256 * 1024);
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
                if (_slots.CurrentCount == 0 || PendingOutput > _maxPendingOutput)
                {
                    // About to wait: what is queued leaves now (and, over the limit, the client must read it first).
                    await FlushRepliesAsync(PendingOutput > _maxPendingOutput).ConfigureAwait(false);
                }

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
                // Pipelined calls: while another whole fragment is already buffered, replies wait to leave together.
                bool more = HasBufferedFragment();
                lock (_outLock)
                {
                    _hold = more;
                }

                try
                {
                    if (_core.CallSlots.CurrentCount == 0)
                    {
                        await FlushRepliesAsync(false).ConfigureAwait(false);
                    }

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
                if (!more)
                {
                    _ = FlushRepliesAsync(false);
                }
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
        await FlushRepliesAsync(true).ConfigureAwait(false);
    }

    private int PendingOutput
    {
        get
        {
            lock (_outLock)
            {
                return _out?.WrittenCount ?? 0;
            }
        }
    }

    /// <summary>Whether the reader already holds a whole fragment (the next call of a pipelined batch).</summary>
    private bool HasBufferedFragment()
    {
        if (!_reader.TryRead(out ReadResult result))
        {
            return false;
        }

        ReadOnlySequence<byte> buffer = result.Buffer;
        bool whole = false;
        if (buffer.Length >= 4)
        {
            Span<byte> header = stackalloc byte[4];
            buffer.Slice(0, 4).CopyTo(header);
            // Only a whole one-fragment record: reading it cannot block, so held replies wait for nothing but the CPU.
            uint mark = BinaryPrimitives.ReadUInt32BigEndian(header);
            whole = (mark & OncRecordMarking.LastFragment) != 0 && buffer.Length - 4 >= (mark & ~OncRecordMarking.LastFragment);
        }

        _reader.AdvanceTo(buffer.Start);
        return whole;
    }

    /// <summary>Queues one reply record; it leaves with the next send (at once unless a pipelined batch is being read).</summary>
    private void QueueReply(ReadOnlySpan<byte> message)
    {
        lock (_outLock)
        {
            if (_outBroken || _out is null)
            {
                return;
            }

            OncRecordMarking.WriteRecord(_out, message, default, _core.Options.MaxFragmentSize);
            if (_sending || _hold)
            {
                return;
            }

            _sending = true;
        }

        _ = SendLoopAsync();
    }

    /// <summary>Sends what is queued (ends any hold); with <paramref name="wait"/>, returns when nothing is left to send.</summary>
    private Task FlushRepliesAsync(bool wait)
    {
        bool start = false;
        Task drained = Task.CompletedTask;
        lock (_outLock)
        {
            _hold = false;
            if (!_outBroken && _out is { WrittenCount: > 0 })
            {
                if (!_sending)
                {
                    _sending = true;
                    start = true;
                }

                if (wait)
                {
                    _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    drained = _drained.Task;
                }
            }
            else if (wait && _sending)
            {
                _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = _drained.Task;
            }
        }

        if (start)
        {
            _ = SendLoopAsync();
        }

        return drained;
    }

    /// <summary>Sends the queued replies, one socket send per batch, until none are left.</summary>
    [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask SendLoopAsync()
    {
        while (true)
        {
            XdrBufferWriter batch;
            TaskCompletionSource? drained = null;
            lock (_outLock)
            {
                if (_outBroken || _out is null || _out.WrittenCount == 0 || _spare is null)
                {
                    _sending = false;
                    drained = _drained;
                    _drained = null;
                }
                else
                {
                    batch = _out;
                    _out = _spare;
                    _spare = null;
                    goto send;
                }
            }

            drained?.TrySetResult();
            return;

        send:
            try
            {
                ReadOnlyMemory<byte> bytes = batch.WrittenMemory;
                while (!bytes.IsEmpty)
                {
                    int sent = await _socket.SendAsync(bytes, SocketFlags.None, _callsCts.Token).ConfigureAwait(false);
                    bytes = bytes.Slice(sent);
                }

                Touch();
            }
            catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
            {
                lock (_outLock)
                {
                    _outBroken = true;
                }

                Close();
            }

            batch.Reset();
            lock (_outLock)
            {
                _spare = batch;
            }
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Stopwatch.GetTimestamp());

    private async Task ServeAsync(XdrBufferWriter record)
    {
        XdrBufferWriter reply = XdrBufferWriter.Rent();
        try
        {
            if (await _core.Processor.ProcessAsync(record.WrittenMemory, RemoteEndPoint, reply, _callsCts.Token).ConfigureAwait(false))
            {
                QueueReply(reply.WrittenSpan);
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

    public async ValueTask DisposeAsync()
    {
        Close();
        try
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
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
        lock (_outLock)
        {
            _outBroken = true;
            if (!_sending)
            {
                _out?.Dispose();
                _spare?.Dispose();
                _out = null;
                _spare = null;
            }
        }
    }
}
