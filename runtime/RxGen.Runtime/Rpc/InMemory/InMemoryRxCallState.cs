using System;
using System.Buffers;
using System.IO.Pipelines;
using System.Threading;
using System.Threading.Tasks;

namespace RxGen.Runtime.Rpc.InMemory;

/// <summary>
/// What the two sides of one in-memory call share: the request and reply pipes and the abort state.
/// Each pipe end is only ever touched by its own side; the other side only wakes it up
/// (<c>CancelPendingRead</c>/<c>CancelPendingFlush</c>, which are thread-safe) when the call is aborted.
/// </summary>
internal sealed class InMemoryRxCallState
{
    /// <summary>Backpressure threshold of each pipe.</summary>
    internal const int PipeCapacity = 64 * 1024;

    /// <summary>The largest piece handed to a pipe at once, so one big write cannot exceed the bound much.</summary>
    private const int WriteChunk = 16 * 1024;

    private static readonly PipeOptions Options = new(
        pauseWriterThreshold: PipeCapacity,
        resumeWriterThreshold: PipeCapacity / 2,
        minimumSegmentSize: 4096,
        useSynchronizationContext: false);

    private readonly object _lock = new();
    private readonly CancellationTokenSource _serverCancellation = new();
    private int _abortCode;
    private bool _abortedByClient;
    private volatile bool _aborted;
    private volatile bool _serverDone;

    internal InMemoryRxCallState()
    {
        Request = new Pipe(Options);
        Reply = new Pipe(Options);
    }

    /// <summary>Client writes, server reads.</summary>
    internal Pipe Request { get; }

    /// <summary>Server writes, client reads.</summary>
    internal Pipe Reply { get; }

    /// <summary>Cancelled when the client aborts the call.</summary>
    internal CancellationToken ServerToken => _serverCancellation.Token;

    internal bool IsAborted => _aborted;

    /// <summary>True once the server side has finished (its outcome is decided).</summary>
    internal bool ServerDone => _serverDone;

    internal void MarkServerDone() => _serverDone = true;

    /// <summary>Aborts the call unless it already was; wakes every pending pipe operation.</summary>
    internal bool TryAbort(int code, bool byClient)
    {
        lock (_lock)
        {
            if (_aborted)
            {
                return false;
            }

            _abortCode = code;
            _abortedByClient = byClient;
            _aborted = true;
        }

        Request.Reader.CancelPendingRead();
        Request.Writer.CancelPendingFlush();
        Reply.Reader.CancelPendingRead();
        Reply.Writer.CancelPendingFlush();
        if (byClient)
        {
            // Runs the server's cancellation callbacks on the thread pool, not on the client's thread.
            _ = _serverCancellation.CancelAsync();
        }

        return true;
    }

    internal void ThrowIfAborted()
    {
        if (_aborted)
        {
            ThrowAborted();
        }
    }

    internal void ThrowAborted()
    {
        int code;
        bool byClient;
        lock (_lock)
        {
            code = _abortCode;
            byClient = _abortedByClient;
        }

        throw new RpcAbortException(code, byClient ? "Call aborted by the client" : "Call aborted by the server");
    }

    /// <summary>Reads from one of the pipes like a stream read: some bytes, or 0 at the end.</summary>
    internal async ValueTask<int> ReadAsync(PipeReader reader, Memory<byte> buffer, CancellationToken ct)
    {
        if (buffer.IsEmpty)
        {
            throw new ArgumentException("The read buffer must not be empty.", nameof(buffer));
        }

        while (true)
        {
            ThrowIfAborted();
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_aborted)
            {
                ThrowAborted();
                throw;
            }

            ReadOnlySequence<byte> data = result.Buffer;
            if (_aborted)
            {
                reader.AdvanceTo(data.Start);
                ThrowAborted();
            }

            if (!data.IsEmpty)
            {
                int n = (int)Math.Min(data.Length, buffer.Length);
                data.Slice(0, n).CopyTo(buffer.Span);
                reader.AdvanceTo(data.GetPosition(n));
                return n;
            }

            if (result.IsCompleted)
            {
                reader.AdvanceTo(data.End);
                return 0;
            }

            reader.AdvanceTo(data.Start, data.End);
        }
    }

    /// <summary>Writes to one of the pipes, in bounded pieces; bytes for a side that stopped reading are dropped.</summary>
    internal async ValueTask WriteAsync(PipeWriter writer, ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        ThrowIfAborted();
        while (!data.IsEmpty)
        {
            int n = Math.Min(data.Length, WriteChunk);
            FlushResult result;
            try
            {
                result = await writer.WriteAsync(data.Slice(0, n), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (_aborted)
            {
                ThrowAborted();
                throw;
            }

            ThrowIfAborted();
            if (result.IsCompleted)
            {
                return;
            }

            data = data.Slice(n);
        }
    }
}
