using System;

namespace RxGen.Runtime.Xdr;

/// <summary>Helpers generated code uses to build default values.</summary>
public static class XdrArrays
{
    /// <summary>An array of <paramref name="length"/> elements, each made by <paramref name="create"/> (fixed arrays of records).</summary>
    public static T[] Fill<T>(int length, Func<T> create)
    {
        ArgumentNullException.ThrowIfNull(create);
        var array = new T[length];
        for (var i = 0; i < array.Length; i++) array[i] = create();
        return array;
    }
}
