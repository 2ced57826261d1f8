namespace RxGen.Runtime.Xdr;

/// <summary>Decodes one value of type <typeparamref name="T"/> from <paramref name="reader"/>.</summary>
/// <typeparam name="T">The decoded type.</typeparam>
/// <param name="reader">The source, positioned at the value.</param>
/// <returns>The decoded value.</returns>
public delegate T XdrDecoder<T>(ref XdrReader reader);

/// <summary>Encodes <paramref name="value"/> to <paramref name="writer"/>.</summary>
/// <typeparam name="T">The encoded type.</typeparam>
/// <param name="writer">The destination.</param>
/// <param name="value">The value to encode.</param>
public delegate void XdrEncoder<T>(ref XdrWriter writer, T value);
