using System;
using System.Buffers;

namespace RxGen.Runtime.Xdr;

/// <summary>
/// One IDL type as generated code knows it: its IDL name, the C# type of its values and its codec, usable
/// without knowing the type at compile time (tools, tests, storing records by type name). Every generated
/// file's <c>…Idl.Types</c> table maps each IDL type it declares — structs, unions, enums and typedefs — to one.
/// </summary>
public abstract class XdrTypeInfo
{
    private protected XdrTypeInfo(string idlName, Type clrType, Type codecType)
    {
        IdlName = idlName;
        ClrType = clrType;
        CodecType = codecType;
    }

    /// <summary>The name the IDL gives the type.</summary>
    public string IdlName { get; }

    /// <summary>The C# type of its values (for a typedef, the C# type of its body: <c>vldbentry[]</c>, <c>byte[]</c>, ...).</summary>
    public Type ClrType { get; }

    /// <summary>The codec type (an <see cref="IXdrCodec{T}"/>).</summary>
    public Type CodecType { get; }

    /// <summary>Decodes one value from <paramref name="reader"/>, boxed.</summary>
    /// <param name="reader">The source, positioned at the value.</param>
    /// <returns>The value (null only for optional data that is absent).</returns>
    /// <exception cref="XdrException">The input is malformed or truncated.</exception>
    public abstract object? DecodeObject(ref XdrReader reader);

    /// <summary>Encodes a boxed value of <see cref="ClrType"/>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="XdrException">The value cannot be encoded.</exception>
    /// <exception cref="ArgumentException">The value is not of <see cref="ClrType"/>.</exception>
    public abstract void EncodeObject(ref XdrWriter writer, object? value);

    /// <summary>Decodes one value that must occupy all of <paramref name="data"/>.</summary>
    /// <param name="data">The encoding.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The data is malformed, truncated, or has trailing bytes.</exception>
    public object? Deserialize(ReadOnlySpan<byte> data)
    {
        var reader = new XdrReader(data);
        object? value = DecodeObject(ref reader);
        reader.EnsureAtEnd(IdlName);
        return value;
    }

    /// <summary>Encodes a value into a new array.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The encoding.</returns>
    public byte[] Serialize(object? value)
    {
        using var buffer = new XdrBufferWriter();
        Serialize(value, buffer);
        return buffer.ToArray();
    }

    /// <summary>Appends the encoding of a value to <paramref name="output"/>.</summary>
    /// <param name="value">The value.</param>
    /// <param name="output">The destination.</param>
    public void Serialize(object? value, IBufferWriter<byte> output)
    {
        var writer = new XdrWriter(output);
        EncodeObject(ref writer, value);
        writer.Flush();
    }

    /// <summary>The entry of a type encoded by codec <typeparamref name="TCodec"/>.</summary>
    /// <typeparam name="T">The C# type of the values.</typeparam>
    /// <typeparam name="TCodec">The codec.</typeparam>
    /// <param name="idlName">The IDL name.</param>
    /// <returns>The entry.</returns>
    public static XdrTypeInfo<T> Create<T, TCodec>(string idlName) where TCodec : IXdrCodec<T> =>
        new(idlName, typeof(TCodec), static (ref XdrWriter w, T v) => TCodec.Encode(ref w, v), static (ref XdrReader r) => TCodec.Decode(ref r));

    /// <summary>The entry of a generated struct or union (or any type that encodes itself).</summary>
    /// <typeparam name="T">The type.</typeparam>
    /// <param name="idlName">The IDL name.</param>
    /// <returns>The entry.</returns>
    public static XdrTypeInfo<T> ForSerializable<T>(string idlName) where T : IXdrSerializable<T> => Create<T, XdrSerializableCodec<T>>(idlName);

    /// <summary>The entry of a generated enum.</summary>
    /// <typeparam name="TEnum">The enum.</typeparam>
    /// <param name="idlName">The IDL name.</param>
    /// <returns>The entry.</returns>
    public static XdrTypeInfo<TEnum> ForEnum<TEnum>(string idlName) where TEnum : unmanaged, Enum => Create<TEnum, XdrEnumCodec<TEnum>>(idlName);
}

/// <summary>An <see cref="XdrTypeInfo"/> with typed encode and decode delegates.</summary>
/// <typeparam name="T">The C# type of the values.</typeparam>
public sealed class XdrTypeInfo<T> : XdrTypeInfo
{
    internal XdrTypeInfo(string idlName, Type codecType, XdrEncoder<T> encoder, XdrDecoder<T> decoder)
        : base(idlName, typeof(T), codecType)
    {
        Encoder = encoder;
        Decoder = decoder;
    }

    /// <summary>Encodes a value.</summary>
    public XdrEncoder<T> Encoder { get; }

    /// <summary>Decodes a value.</summary>
    public XdrDecoder<T> Decoder { get; }

    /// <inheritdoc/>
    public override object? DecodeObject(ref XdrReader reader) => Decoder(ref reader);

    /// <inheritdoc/>
    public override void EncodeObject(ref XdrWriter writer, object? value)
    {
        if (value is T typed)
        {
            Encoder(ref writer, typed);
        }
        else if (value is null && default(T) is null)
        {
            Encoder(ref writer, default!);
        }
        else
        {
            throw new ArgumentException($"{IdlName} values are {typeof(T).Name}, not {value?.GetType().Name ?? "null"}.", nameof(value));
        }
    }
}
