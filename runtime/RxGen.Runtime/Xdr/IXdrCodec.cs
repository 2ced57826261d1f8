namespace RxGen.Runtime.Xdr;

/// <summary>
/// The XDR codec of a type whose C# values are of type <typeparamref name="T"/>: what generated code calls
/// for a typedef (<c>typedef vldbentry bulkentries&lt;&gt;</c> → values of type <c>vldbentry[]</c>), for an
/// enum, and for an outside type that the IDL uses without defining it (mapped to a user-supplied type).
/// </summary>
/// <typeparam name="T">The C# type of the values.</typeparam>
/// <remarks>Implement it on a sealed class or struct: the members are static, so a codec is a type, not an object.</remarks>
public interface IXdrCodec<T>
{
    /// <summary>Appends the XDR encoding of <paramref name="value"/> to <paramref name="writer"/>.</summary>
    /// <param name="writer">The destination.</param>
    /// <param name="value">The value.</param>
    /// <exception cref="XdrException">The value cannot be encoded (null, above a bound, ...).</exception>
    static abstract void Encode(ref XdrWriter writer, T value);

    /// <summary>Reads one value from <paramref name="reader"/>.</summary>
    /// <param name="reader">The source, positioned at the value.</param>
    /// <returns>The value.</returns>
    /// <exception cref="XdrException">The input is malformed or truncated.</exception>
    static abstract T Decode(ref XdrReader reader);
}

/// <summary>The codec of a type that encodes itself (generated structs and unions, <see cref="Afs.AfsUuid"/>).</summary>
/// <typeparam name="T">The type.</typeparam>
public sealed class XdrSerializableCodec<T> : IXdrCodec<T> where T : IXdrSerializable<T>
{
    private XdrSerializableCodec()
    {
    }

    /// <inheritdoc/>
    public static void Encode(ref XdrWriter writer, T value) => Xdr.EncodeValue(ref writer, value, typeof(T).Name);

    /// <inheritdoc/>
    public static T Decode(ref XdrReader reader) => T.Decode(ref reader);
}

/// <summary>The codec of an XDR enum: a 4-byte integer.</summary>
/// <typeparam name="TEnum">The enum type.</typeparam>
public sealed class XdrEnumCodec<TEnum> : IXdrCodec<TEnum> where TEnum : unmanaged, System.Enum
{
    private XdrEnumCodec()
    {
    }

    /// <inheritdoc/>
    public static void Encode(ref XdrWriter writer, TEnum value) => Xdr.EncodeEnum(ref writer, value);

    /// <inheritdoc/>
    public static TEnum Decode(ref XdrReader reader) => Xdr.DecodeEnum<TEnum>(ref reader);
}
