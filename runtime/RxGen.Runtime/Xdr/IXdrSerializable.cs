namespace RxGen.Runtime.Xdr;

/// <summary>
/// A type with an XDR encoding. Generated structs, unions and typedef wrappers implement it;
/// <see cref="Xdr"/> and <see cref="RxGen.Runtime.Rpc.XdrCallReader"/> use it.
/// </summary>
/// <typeparam name="TSelf">The implementing type.</typeparam>
public interface IXdrSerializable<TSelf> where TSelf : IXdrSerializable<TSelf>
{
    /// <summary>Appends the XDR encoding of this value to <paramref name="writer"/>.</summary>
    /// <param name="writer">The destination.</param>
    void Encode(ref XdrWriter writer);

    /// <summary>Reads one value from <paramref name="reader"/>.</summary>
    /// <param name="reader">The source, positioned at the value.</param>
    /// <returns>The decoded value.</returns>
    static abstract TSelf Decode(ref XdrReader reader);
}
