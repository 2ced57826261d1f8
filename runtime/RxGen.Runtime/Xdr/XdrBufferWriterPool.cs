using System;
using System.Threading;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// The writers behind <see cref="XdrBufferWriter.Rent"/>: one per thread (no synchronization) and a few
/// shared slots (lock-free) for writers returned on another thread than the one that rented them, as
/// async stubs do. Writers beyond that are released (their arrays go back to the array pool).
/// </summary>
internal static class XdrBufferWriterPool
{
    /// <summary>A returned writer keeps its array only up to this size, so one huge message is not held forever.</summary>
    internal const int MaxRetainedCapacity = 64 * 1024;

    private static readonly XdrBufferWriter?[] Shared = new XdrBufferWriter?[Math.Clamp(Environment.ProcessorCount * 2, 4, 32)];

    [ThreadStatic]
    private static XdrBufferWriter? t_writer;

    internal static XdrBufferWriter? TryTake()
    {
        XdrBufferWriter? writer = t_writer;
        if (writer is not null)
        {
            t_writer = null;
            return writer;
        }

        XdrBufferWriter?[] shared = Shared;
        for (int i = 0; i < shared.Length; i++)
        {
            if (Volatile.Read(ref shared[i]) is not null)
            {
                writer = Interlocked.Exchange(ref shared[i], null);
                if (writer is not null)
                {
                    return writer;
                }
            }
        }

        return null;
    }

    internal static bool TryAdd(XdrBufferWriter writer)
    {
        if (t_writer is null)
        {
            t_writer = writer;
            return true;
        }

        XdrBufferWriter?[] shared = Shared;
        for (int i = 0; i < shared.Length; i++)
        {
            if (Volatile.Read(ref shared[i]) is null && Interlocked.CompareExchange(ref shared[i], writer, null) is null)
            {
                return true;
            }
        }

        return false;
    }
}
