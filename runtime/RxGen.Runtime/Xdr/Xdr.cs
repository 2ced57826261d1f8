using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace RxGen.Runtime.Xdr;

/// <summary>Entry points for whole-value XDR encoding and decoding, and enum helpers for generated code.</summary>
public static class Xdr
{
    /// <summary>Encodes <paramref name="value"/> into a new array.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The encoding.</returns>
    public static byte[] Serialize<T>(T value) where T : IXdrSerializable<T>
    {
        using var buffer = new XdrBufferWriter();
        Serialize(value, buffer);
        return buffer.ToArray();
    }

    /// <summary>Appends the encoding of <paramref name="value"/> to <paramref name="output"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="output">The destination.</param>
    public static void Serialize<T>(T value, IBufferWriter<byte> output) where T : IXdrSerializable<T>
    {
        ThrowIfNull(value);
        var writer = new XdrWriter(output);
        value.Encode(ref writer);
        writer.Flush();
    }

    /// <summary>Encodes <paramref name="value"/> into <paramref name="destination"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <param name="destination">The destination; too small throws <see cref="XdrException"/>.</param>
    /// <returns>The number of bytes written.</returns>
    public static int Serialize<T>(T value, Span<byte> destination) where T : IXdrSerializable<T>
    {
        ThrowIfNull(value);
        var writer = new XdrWriter(destination);
        value.Encode(ref writer);
        return writer.BytesWritten;
    }

    /// <summary>Decodes one value that must occupy all of <paramref name="data"/>.</summary>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The encoding.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The data is malformed, truncated, or has trailing bytes.</exception>
    public static T Deserialize<T>(ReadOnlySpan<byte> data) where T : IXdrSerializable<T>
    {
        var reader = new XdrReader(data);
        T value = T.Decode(ref reader);
        if (!reader.IsAtEnd)
        {
            reader.EnsureAtEnd(typeof(T).Name);
        }

        return value;
    }

    /// <summary>A cached <see cref="XdrDecoder{T}"/> that calls <c>T.Decode</c>.</summary>
    /// <typeparam name="T">The decoded type.</typeparam>
    /// <returns>The decoder.</returns>
    public static XdrDecoder<T> DecoderFor<T>() where T : IXdrSerializable<T> => DecoderCache<T>.Instance;

    /// <summary>A cached <see cref="XdrEncoder{T}"/> that calls <c>value.Encode</c>.</summary>
    /// <typeparam name="T">The encoded type.</typeparam>
    /// <returns>The encoder.</returns>
    public static XdrEncoder<T> EncoderFor<T>() where T : IXdrSerializable<T> => EncoderCache<T>.Instance;

    /// <summary>Writes an enum as XDR does: a 4-byte integer.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="XdrException">A 64-bit enum value does not fit in 32 bits.</exception>
    public static void EncodeEnum<TEnum>(ref XdrWriter writer, TEnum value) where TEnum : unmanaged, Enum
    {
        if (Unsafe.SizeOf<TEnum>() == 4)
        {
            writer.WriteInt32(Unsafe.As<TEnum, int>(ref value));
        }
        else
        {
            writer.WriteInt32(EnumToInt32Slow(value));
        }
    }

    /// <summary>Reads an enum as XDR does: a 4-byte integer. Undefined values are kept, as C does.</summary>
    /// <typeparam name="TEnum">The enum type.</typeparam>
    /// <param name="reader">The source.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The value does not fit a narrower enum type.</exception>
    public static TEnum DecodeEnum<TEnum>(ref XdrReader reader) where TEnum : unmanaged, Enum
    {
        int v = reader.ReadInt32();
        if (Unsafe.SizeOf<TEnum>() == 4)
        {
            return Unsafe.As<int, TEnum>(ref v);
        }

        return Int32ToEnumSlow<TEnum>(v);
    }

    /// <summary>Encodes a value that encodes itself, rejecting null with an <see cref="XdrException"/> naming the field.</summary>
    /// <typeparam name="T">The value's type (a class or a struct).</typeparam>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The value.</param>
    /// <param name="fieldPath">The field, for error messages.</param>
    /// <exception cref="XdrException">The value is null.</exception>
    public static void EncodeValue<T>(ref XdrWriter writer, T value, string fieldPath) where T : IXdrSerializable<T>
    {
        if (!typeof(T).IsValueType && value is null)
        {
            XdrThrow.Error("value is null", fieldPath);
        }

        value.Encode(ref writer);
    }

    /// <summary>Encodes <paramref name="value"/> with codec <typeparamref name="TCodec"/> into a new array.</summary>
    /// <typeparam name="TCodec">The codec (e.g. a generated typedef codec).</typeparam>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="value">The value.</param>
    /// <returns>The encoding.</returns>
    public static byte[] Serialize<TCodec, T>(T value) where TCodec : IXdrCodec<T>
    {
        using var buffer = new XdrBufferWriter();
        var writer = new XdrWriter(buffer);
        TCodec.Encode(ref writer, value);
        writer.Flush();
        return buffer.ToArray();
    }

    /// <summary>Decodes with codec <typeparamref name="TCodec"/> one value that must occupy all of <paramref name="data"/>.</summary>
    /// <typeparam name="TCodec">The codec.</typeparam>
    /// <typeparam name="T">The value's type.</typeparam>
    /// <param name="data">The encoding.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The data is malformed, truncated, or has trailing bytes.</exception>
    public static T Deserialize<TCodec, T>(ReadOnlySpan<byte> data) where TCodec : IXdrCodec<T>
    {
        var reader = new XdrReader(data);
        T value = TCodec.Decode(ref reader);
        if (!reader.IsAtEnd)
        {
            reader.EnsureAtEnd(typeof(TCodec).Name);
        }

        return value;
    }

    // Unlike ArgumentNullException.ThrowIfNull(object), never boxes a struct, even in unoptimized code.
    private static void ThrowIfNull<T>(T value)
    {
        if (!typeof(T).IsValueType && value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }
    }

    private static int EnumToInt32Slow<TEnum>(TEnum value) where TEnum : unmanaged, Enum
    {
        switch (Type.GetTypeCode(typeof(TEnum)))
        {
            case TypeCode.SByte:
            case TypeCode.Int16:
            case TypeCode.Int64:
                long signed = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                if (signed is < int.MinValue or > int.MaxValue)
                {
                    XdrThrow.Error($"enum {typeof(TEnum).Name} value {signed} does not fit in 32 bits", null);
                }

                return (int)signed;
            default:
                ulong unsigned = Convert.ToUInt64(value, System.Globalization.CultureInfo.InvariantCulture);
                if (unsigned > uint.MaxValue)
                {
                    XdrThrow.Error($"enum {typeof(TEnum).Name} value {unsigned} does not fit in 32 bits", null);
                }

                return (int)(uint)unsigned;
        }
    }

    private static TEnum Int32ToEnumSlow<TEnum>(int v) where TEnum : unmanaged, Enum
    {
        bool fits = Type.GetTypeCode(typeof(TEnum)) switch
        {
            TypeCode.SByte => v is >= sbyte.MinValue and <= sbyte.MaxValue,
            TypeCode.Byte => v is >= 0 and <= byte.MaxValue,
            TypeCode.Int16 => v is >= short.MinValue and <= short.MaxValue,
            TypeCode.UInt16 => v is >= 0 and <= ushort.MaxValue,
            _ => true,
        };
        if (!fits)
        {
            XdrThrow.Error($"value {v} does not fit enum {typeof(TEnum).Name}", null);
        }

        return Type.GetTypeCode(typeof(TEnum)) switch
        {
            TypeCode.UInt64 => (TEnum)Enum.ToObject(typeof(TEnum), (ulong)(uint)v),
            _ => (TEnum)Enum.ToObject(typeof(TEnum), (long)v),
        };
    }

    private static class DecoderCache<T> where T : IXdrSerializable<T>
    {
        internal static readonly XdrDecoder<T> Instance = static (ref XdrReader reader) => T.Decode(ref reader);
    }

    private static class EncoderCache<T> where T : IXdrSerializable<T>
    {
        internal static readonly XdrEncoder<T> Instance = static (ref XdrWriter writer, T value) => value.Encode(ref writer);
    }
}
