using System;
using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;
using System.Threading;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Onc;

/// <summary>A stream that breaks ONC RPC record marking: a record over the size limit, or a stream that ends inside a record.</summary>
public sealed class OncFramingException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong.</param>
    public OncFramingException(string message)
        : base(message)
    {
    }
}

/// <summary>
/// Record marking (RFC 5531 §11) on a stream: each fragment is a 4-byte big-endian header (bit 31: last
/// fragment; bits 0–30: length) and its bytes; a record is the fragments up to the last one.
/// </summary>
public static class OncRecordMarking
{
    /// <summary>The last-fragment bit.</summary>
    public const uint LastFragment = 0x8000_0000u;

    /// <summary>The default largest record a reader accepts (1 MiB + headers: an NFS-sized message).</summary>
    public const int DefaultMaxRecordSize = (1 << 20) + 4096;

    /// <summary>
    /// Reads one record into <paramref name="record"/> (reset first). Bytes are copied as they arrive, so a
    /// claimed fragment length never allocates more than was received; a record over
    /// <paramref name="maxRecordSize"/> is refused as soon as its fragment headers say so.
    /// </summary>
    /// <param name="reader">The stream.</param>
    /// <param name="record">Receives the record.</param>
    /// <param name="maxRecordSize">The largest record accepted.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>False at a clean end of stream (between records).</returns>
    /// <exception cref="OncFramingException">The record is too big, or the stream ends inside it.</exception>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<bool> ReadRecordAsync(PipeReader reader, XdrBufferWriter record, int maxRecordSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(record);
        record.Reset();
        long total = 0;
        bool last = false;
        bool started = false;
        while (true)
        {
            // Fragment header.
            ReadResult result = await reader.ReadAtLeastAsync(4, cancellationToken).ConfigureAwait(false);
            ReadOnlySequence<byte> buffer = result.Buffer;
            if (buffer.Length < 4)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                if (buffer.Length == 0 && !started)
                {
                    return false;
                }

                throw new OncFramingException("the stream ended inside a record");
            }

            uint header = ReadHeader(buffer);
            buffer = buffer.Slice(4);
            started = true;
            last = (header & LastFragment) != 0;
            long length = header & ~LastFragment;
            if (total + length > maxRecordSize)
            {
                reader.AdvanceTo(buffer.Start);
                throw new OncFramingException($"a record of more than {maxRecordSize} bytes (limit) was announced");
            }

            total += length;
            // Fragment body, copied as it arrives.
            while (length > 0)
            {
                if (buffer.IsEmpty)
                {
                    reader.AdvanceTo(buffer.Start);
                    result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    buffer = result.Buffer;
                    if (buffer.IsEmpty && result.IsCompleted)
                    {
                        reader.AdvanceTo(buffer.End);
                        throw new OncFramingException("the stream ended inside a record");
                    }
                }

                long take = Math.Min(length, buffer.Length);
                ReadOnlySequence<byte> chunk = buffer.Slice(0, take);
                foreach (ReadOnlyMemory<byte> segment in chunk)
                {
                    segment.Span.CopyTo(record.GetSpan(segment.Length));
                    record.Advance(segment.Length);
                }

                buffer = buffer.Slice(take);
                length -= take;
            }

            reader.AdvanceTo(buffer.Start);
            if (last)
            {
                return true;
            }
        }
    }

    private static uint ReadHeader(ReadOnlySequence<byte> buffer)
    {
        Span<byte> header = stackalloc byte[4];
        buffer.Slice(0, 4).CopyTo(header);
        return BinaryPrimitives.ReadUInt32BigEndian(header);
    }

    /// <summary>The default largest fragment a writer sends (a bigger record is split into several fragments).</summary>
    public const int DefaultMaxFragmentSize = 1 << 18;

    /// <summary>
    /// Writes the concatenation of <paramref name="first"/> and <paramref name="second"/> as one record, split
    /// into fragments of at most <paramref name="maxFragmentSize"/> bytes (the last one with the last-fragment bit).
    /// </summary>
    /// <param name="output">The destination.</param>
    /// <param name="first">The record's first bytes.</param>
    /// <param name="second">The record's remaining bytes.</param>
    /// <param name="maxFragmentSize">The largest fragment body, at least 1.</param>
    public static void WriteRecord(IBufferWriter<byte> output, ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int maxFragmentSize)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFragmentSize, 1);
        long remaining = (long)first.Length + second.Length;
        do
        {
            int fragment = (int)Math.Min(remaining, maxFragmentSize);
            remaining -= fragment;
            Span<byte> header = output.GetSpan(4);
            BinaryPrimitives.WriteUInt32BigEndian(header, (remaining == 0 ? LastFragment : 0u) | (uint)fragment);
            output.Advance(4);
            while (fragment > 0)
            {
                ReadOnlySpan<byte> source = first.IsEmpty ? second : first;
                int take = Math.Min(fragment, source.Length);
                source.Slice(0, take).CopyTo(output.GetSpan(take));
                output.Advance(take);
                fragment -= take;
                if (first.IsEmpty)
                {
                    second = second.Slice(take);
                }
                else
                {
                    first = first.Slice(take);
                }
            }
        }
        while (remaining > 0);
    }

    /// <summary>Writes <paramref name="message"/> as one record of one fragment.</summary>
    /// <param name="output">The destination.</param>
    /// <param name="message">The message.</param>
    public static void WriteRecord(IBufferWriter<byte> output, ReadOnlySpan<byte> message)
    {
        Span<byte> header = output.GetSpan(4);
        BinaryPrimitives.WriteUInt32BigEndian(header, LastFragment | (uint)message.Length);
        output.Advance(4);
        message.CopyTo(output.GetSpan(message.Length));
        output.Advance(message.Length);
    }
}
