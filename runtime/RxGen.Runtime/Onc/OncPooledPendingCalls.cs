using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using System.Threading.Tasks.Sources;
using RxGen.Runtime.Rpc;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>
/// One call waiting for its reply, awaited as a <see cref="ValueTask{TResult}"/> over a reusable
/// <see cref="IValueTaskSource{TResult}"/>, with its own reusable timeout source: nothing is allocated per call
/// in steady state. Whoever removes it from its table (the reply, the timeout, the cancellation, a broken
/// connection) is the one that completes it.
/// </summary>
internal sealed class OncPendingCall : IValueTaskSource<XdrPooledBuffer>
{
    public const int Replied = 0;
    public const int TimedOut = 1;
    public const int Cancelled = 2;

    private ManualResetValueTaskSourceCore<XdrPooledBuffer> _core = new() { RunContinuationsAsynchronously = true };

    public OncPendingCall(OncPooledPendingCalls owner) => Owner = owner;

    public OncPooledPendingCalls Owner { get; }

    public uint Xid { get; set; }

    /// <summary>Why it completed with no result: <see cref="TimedOut"/> or <see cref="Cancelled"/>.</summary>
    public int Outcome { get; set; }

    /// <summary>The call's timeout (reset and reused while it never fired).</summary>
    public CancellationTokenSource? Timer { get; set; }

    public ValueTask<XdrPooledBuffer> Task => new(this, _core.Version);

    public void SetResult(XdrPooledBuffer result) => _core.SetResult(result);

    public void SetException(Exception exception) => _core.SetException(exception);

    public void Reset()
    {
        _core.Reset();
        Outcome = Replied;
    }

    public XdrPooledBuffer GetResult(short token) => _core.GetResult(token);

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) => _core.OnCompleted(continuation, state, token, flags);
}

/// <summary>A stream client's calls waiting for replies, by xid, with pooled <see cref="OncPendingCall"/>s.</summary>
internal sealed class OncPooledPendingCalls
{
    private const int PoolLimit = 256;
    private readonly ConcurrentDictionary<uint, OncPendingCall> _calls = new();
    private readonly ConcurrentQueue<OncPendingCall> _pool = new();
    private int _nextXid = Random.Shared.Next();

    public int Count => _calls.Count;

    /// <summary>A waiting call with a fresh xid.</summary>
    public OncPendingCall Add()
    {
        if (!_pool.TryDequeue(out OncPendingCall? call))
        {
            call = new OncPendingCall(this);
        }

        while (true)
        {
            uint xid = unchecked((uint)Interlocked.Increment(ref _nextXid));
            call.Xid = xid;
            if (_calls.TryAdd(xid, call))
            {
                return call;
            }
        }
    }

    /// <summary>Takes the call out of the table; true when the caller is the one to complete it.</summary>
    public bool TryRemove(OncPendingCall call) => _calls.TryRemove(new KeyValuePair<uint, OncPendingCall>(call.Xid, call));

    /// <summary>Reuses a call whose result has been read and whose registrations are disposed.</summary>
    public void Return(OncPendingCall call)
    {
        call.Reset();
        if (_pool.Count < PoolLimit)
        {
            _pool.Enqueue(call);
        }
        else
        {
            call.Timer?.Dispose();
        }
    }

    /// <summary>Completes a waiting call with <paramref name="outcome"/> and no result, if nobody else completed it.</summary>
    public static void Expire(OncPendingCall call, int outcome)
    {
        if (call.Owner.TryRemove(call))
        {
            call.Outcome = outcome;
            call.SetResult(null!);
        }
    }

    /// <summary>Hands a reply message to the call with its xid.</summary>
    /// <returns>False when no call waits for it (a late or stray reply) or it is not a reply.</returns>
    public bool Complete(ReadOnlySpan<byte> message)
    {
        if (!OncMessages.TryReadReply(message, out OncReplyHeader header) || !_calls.TryRemove(header.Xid, out OncPendingCall? call))
        {
            return false;
        }

        switch (header.Kind)
        {
            case OncReplyKind.Success:
                call.SetResult(XdrPooledBuffer.Copy(message.Slice(header.ResultsOffset)));
                break;
            case OncReplyKind.RpcMismatch:
                call.SetException(new OncRpcRejectedException(header.Low, header.High));
                break;
            case OncReplyKind.AuthError:
                call.SetException(new OncRpcRejectedException(header.AuthStat));
                break;
            default:
                call.SetException(header.AcceptStat == OncAcceptStat.ProgMismatch
                    ? new OncRpcException(header.Low, header.High)
                    : new OncRpcException(header.AcceptStat));
                break;
        }

        return true;
    }

    /// <summary>Fails every waiting call (the connection broke, the client was disposed).</summary>
    public void FailAll(Exception exception)
    {
        foreach (KeyValuePair<uint, OncPendingCall> entry in _calls)
        {
            if (_calls.TryRemove(entry))
            {
                entry.Value.SetException(exception);
            }
        }
    }
}
