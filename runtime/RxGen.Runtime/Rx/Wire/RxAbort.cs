using System;
using System.Buffers.Binary;

namespace RxGen.Runtime.Rx.Wire;

/// <summary>The ABORT payload: one big-endian int32 code (call abort, or connection abort when callNumber is 0).</summary>
public static class RxAbort
{
    /// <summary>Size of the ABORT payload.</summary>
    public const int PayloadSize = 4;

    /// <summary>Reads the abort code; fails on a payload shorter than 4 bytes (extra bytes are ignored, as OpenAFS does).</summary>
    public static bool TryReadCode(ReadOnlySpan<byte> payload, out int code, out RxWireError error)
    {
        if (payload.Length < PayloadSize)
        {
            code = 0;
            error = RxWireError.ShortAbort;
            return false;
        }

        code = BinaryPrimitives.ReadInt32BigEndian(payload);
        error = RxWireError.None;
        return true;
    }

    /// <summary>Writes the abort code and returns 4.</summary>
    public static int WriteCode(Span<byte> destination, int code)
    {
        BinaryPrimitives.WriteInt32BigEndian(destination, code);
        return PayloadSize;
    }
}
