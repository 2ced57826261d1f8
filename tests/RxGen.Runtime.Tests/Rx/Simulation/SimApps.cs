using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using RxGen.Runtime.Rx.Protocol;

namespace RxGen.Runtime.Tests.Rx.Simulation;

/// <summary>The test protocol: a request is opcode (4 bytes), argument (4 bytes), then payload.</summary>
internal static class SimOp
{
    /// <summary>Check the payload's pattern, then reply with as many pattern bytes (Rx: the reply starts after the request).</summary>
    public const int Echo = 1;

    /// <summary>Abort with the argument as the code once the request is read.</summary>
    public const int Abort = 2;

    /// <summary>Reply with <c>argument</c> pattern bytes.</summary>
    public const int Send = 3;

    /// <summary>Read the request and never reply.</summary>
    public const int Hang = 4;

    public static byte Pattern(long i) => (byte)((i * 7) + (i >> 9) + 3);

    public static byte[] Header(int op, int argument)
    {
        var header = new byte[8];
        BinaryPrimitives.WriteInt32BigEndian(header, op);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), argument);
        return header;
    }
}

/// <summary>A server application on a sim node: serves <see cref="SimOp"/> calls straight on the engine.</summary>
internal sealed class SimServerApp
{
    private readonly byte[] _buffer = new byte[16384];

    public int Started { get; private set; }

    public List<int> EndCodes { get; } = new();

    /// <summary>Each incoming call's service id and authenticated identity.</summary>
    public List<(ushort ServiceId, object? Identity)> Callers { get; } = new();

    public void OnEvent(SimNode node, RxProtocolEvent e)
    {
        if (e.Kind == RxProtocolEventKind.IncomingCall)
        {
            Started++;
            Callers.Add((e.Call.ServiceId, e.Call.Connection.Identity));
            e.Call.UserState = new State();
        }

        if (e.Kind == RxProtocolEventKind.Ended)
        {
            EndCodes.Add(e.Code);
            e.Call.UserState = null;
            node.Engine.ReleaseCall(e.Call); // the engine reuses call objects: every scenario exercises recycling
            return;
        }

        if (e.Call.UserState is State state && e.Call.IsActive())
        {
            Process(node, e.Call, state);
        }
    }

    private void Process(SimNode node, RxCall call, State s)
    {
        RxProtocolEngine engine = node.Engine;
        while (call.IsActive())
        {
            if (s.HeaderRead < 8)
            {
                int n = engine.Read(call, s.Header.AsSpan(s.HeaderRead), node.Now);
                s.HeaderRead += n;
                if (s.HeaderRead < 8)
                {
                    if (call.IsReceiveComplete)
                    {
                        engine.Abort(call, -453, node.Now);
                    }

                    return;
                }

                s.Op = BinaryPrimitives.ReadInt32BigEndian(s.Header);
                s.Argument = BinaryPrimitives.ReadInt32BigEndian(s.Header.AsSpan(4));
            }

            int read;
            while ((read = engine.Read(call, _buffer, node.Now)) > 0)
            {
                for (int i = 0; i < read; i++)
                {
                    s.Mismatch |= _buffer[i] != SimOp.Pattern(s.Received + i);
                }

                s.Received += read;
            }

            if (!call.IsReceiveComplete || s.Replied)
            {
                return;
            }

            if (s.Mismatch)
            {
                engine.Abort(call, -453, node.Now);
                return;
            }

            if (s.Op == SimOp.Echo)
            {
                s.Op = SimOp.Send;
                s.Argument = (int)s.Received;
            }

            switch (s.Op)
            {
                case SimOp.Abort:
                    engine.Abort(call, s.Argument, node.Now);
                    return;
                case SimOp.Hang:
                    return;
                case SimOp.Send:
                    while (s.Sent < s.Argument)
                    {
                        int chunk = Math.Min(_buffer.Length, s.Argument - s.Sent);
                        for (int i = 0; i < chunk; i++)
                        {
                            _buffer[i] = SimOp.Pattern(s.Sent + i);
                        }

                        int n = engine.Write(call, _buffer.AsSpan(0, chunk), node.Now);
                        s.Sent += n;
                        if (n < chunk)
                        {
                            return;
                        }
                    }

                    s.Replied = true;
                    engine.CompleteWrite(call, node.Now);
                    return;
                default:
                    engine.Abort(call, -455, node.Now);
                    return;
            }
        }
    }

    private sealed class State
    {
        public byte[] Header { get; } = new byte[8];

        public int HeaderRead { get; set; }

        public int Op { get; set; }

        public int Argument { get; set; }

        public int Sent { get; set; }

        public long Received { get; set; }

        public bool Mismatch { get; set; }

        public bool Replied { get; set; }
    }
}

/// <summary>One client call in a simulation: writes its request, reads and checks its reply.</summary>
internal sealed class SimClientCall
{
    private readonly byte[] _header;
    private readonly long _payload;
    private readonly byte[] _chunk = new byte[8192];
    private long _written;
    private bool _requestDone;

    public SimClientCall(int op, int argument, long payload, long expectedReply)
    {
        _header = SimOp.Header(op, argument);
        _payload = payload;
        ExpectedReply = expectedReply;
    }

    public RxCall? Call { get; private set; }

    public long ExpectedReply { get; }

    public long Received { get; private set; }

    public bool Mismatch { get; private set; }

    public bool Done { get; private set; }

    public int Code { get; private set; }

    public TimeSpan EndedAt { get; private set; }

    public bool Succeeded => Done && Code == 0 && !Mismatch && Received == ExpectedReply;

    public bool TryStart(SimNode node, RxConnection connection)
    {
        Call = node.Engine.StartCall(connection, node.Now);
        if (Call is null)
        {
            return false;
        }

        Call.UserState = this;
        Pump(node);
        return true;
    }

    public void OnEvent(SimNode node, RxProtocolEvent e)
    {
        if (e.Kind == RxProtocolEventKind.Ended)
        {
            Done = true;
            Code = e.Code;
            EndedAt = node.Now;
            return;
        }

        Pump(node);
    }

    public void Pump(SimNode node)
    {
        RxProtocolEngine engine = node.Engine;
        RxCall call = Call!;
        long total = _header.Length + _payload;
        while (!_requestDone && call.IsActive())
        {
            int n;
            if (_written < _header.Length)
            {
                n = engine.Write(call, _header.AsSpan((int)_written), node.Now);
            }
            else
            {
                int chunk = (int)Math.Min(_chunk.Length, total - _written);
                long at = _written - _header.Length;
                for (int i = 0; i < chunk; i++)
                {
                    _chunk[i] = SimOp.Pattern(at + i);
                }

                n = chunk == 0 ? 0 : engine.Write(call, _chunk.AsSpan(0, chunk), node.Now);
            }

            _written += n;
            if (_written == total)
            {
                _requestDone = true;
                engine.CompleteWrite(call, node.Now);
            }
            else if (n == 0)
            {
                return;
            }
        }

        while (call.IsActive())
        {
            int n = engine.Read(call, _chunk, node.Now);
            for (int i = 0; i < n; i++)
            {
                if (_chunk[i] != SimOp.Pattern(Received + i))
                {
                    Mismatch = true;
                }
            }

            Received += n;
            if (n == 0)
            {
                break;
            }
        }
    }
}

internal static class RxCallTestExtensions
{
    public static bool IsActive(this RxCall call) => call.State == RxCallState.Active;
}
