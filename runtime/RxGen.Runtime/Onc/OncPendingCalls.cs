using System;
using System.Collections.Concurrent;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>A client's calls waiting for replies, by xid: a reply completes its call (or is dropped when nobody waits for that xid).</summary>
internal sealed class OncPendingCalls
{
    private readonly ConcurrentDictionary<uint, TaskCompletionSource<XdrPooledBuffer>> _calls = new();
    private int _nextXid = Random.Shared.Next();

    public int Count => _calls.Count;

    /// <summary>A fresh xid not waiting already, and its call's completion.</summary>
    public (uint Xid, TaskCompletionSource<XdrPooledBuffer> Completion) Add()
    {
        var completion = new TaskCompletionSource<XdrPooledBuffer>(TaskCreationOptions.RunContinuationsAsynchronously);
        while (true)
        {
            uint xid = unchecked((uint)Interlocked.Increment(ref _nextXid));
            if (_calls.TryAdd(xid, completion))
            {
                return (xid, completion);
            }
        }
    }

    /// <summary>Stops waiting for a call (timed out, cancelled, failed to send); a reply that already arrived is released.</summary>
    public void Remove(uint xid, TaskCompletionSource<XdrPooledBuffer> completion)
    {
        if (!_calls.TryRemove(new System.Collections.Generic.KeyValuePair<uint, TaskCompletionSource<XdrPooledBuffer>>(xid, completion)))
        {
            // Completed concurrently: release the results nobody will read.
            _ = completion.Task.ContinueWith(static t => t.Result.Dispose(), CancellationToken.None, TaskContinuationContinuationOptions, TaskScheduler.Default);
        }
    }

    private const TaskContinuationOptions TaskContinuationContinuationOptions = TaskContinuationOptions.OnlyOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously;

    /// <summary>Hands a reply message to the call with its xid.</summary>
    /// <returns>False when no call waits for it (a late or stray reply) or it is not a reply.</returns>
    public bool Complete(ReadOnlySpan<byte> message)
    {
        if (!OncMessages.TryReadReply(message, out OncReplyHeader header) || !_calls.TryRemove(header.Xid, out TaskCompletionSource<XdrPooledBuffer>? completion))
        {
            return false;
        }

        switch (header.Kind)
        {
            case OncReplyKind.Success:
                completion.TrySetResult(XdrPooledBuffer.Copy(message.Slice(header.ResultsOffset)));
                break;
            case OncReplyKind.RpcMismatch:
                completion.TrySetException(new OncRpcRejectedException(header.Low, header.High));
                break;
            case OncReplyKind.AuthError:
                completion.TrySetException(new OncRpcRejectedException(header.AuthStat));
                break;
            default:
                completion.TrySetException(header.AcceptStat == OncAcceptStat.ProgMismatch
                    ? new OncRpcException(header.Low, header.High)
                    : new OncRpcException(header.AcceptStat));
                break;
        }

        return true;
    }

    /// <summary>Fails every waiting call (the connection broke, the client was disposed).</summary>
    public void FailAll(Exception exception)
    {
        foreach (uint xid in _calls.Keys)
        {
            if (_calls.TryRemove(xid, out TaskCompletionSource<XdrPooledBuffer>? completion))
            {
                completion.TrySetException(exception);
            }
        }
    }
}
