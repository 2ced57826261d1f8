using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Security.Cryptography;
using RxGen.Runtime.Afs;
using RxGen.Runtime.Xdr;

namespace RxGen.Fuzz;

/// <summary>
/// The XDR seed corpus: for every type, the encodings of sample values built by reflection — the default value,
/// values with every field set (variable-length fields with 0..3 elements, optional data present), and every union
/// arm — each prefixed with the type's selector byte. Every seed must itself pass the target.
/// </summary>
internal static class XdrSeeds
{
    private static readonly int[] Lengths = { 2, 1, 0, 3, 16, 4, 6, 8, 12, 32, 64, 128, 256 };

    public static int Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int written = 0;
        foreach (var type in XdrTarget.Types)
        {
            byte selector = XdrTarget.SelectorOf(type);
            int n = 0;
            foreach (byte[] encoding in SamplesOf(type))
            {
                byte[] seed = new byte[encoding.Length + 1];
                seed[0] = selector;
                encoding.CopyTo(seed, 1);
                if (!seen.Add(Convert.ToHexString(SHA256.HashData(seed))))
                {
                    continue;
                }

                XdrTarget.Run(seed); // a seed that fails the target is a finding already: let it throw
                File.WriteAllBytes(Path.Combine(directory, $"{selector:x2}-{type.Name}-{n++}.bin"), seed);
                written++;
            }

            if (n == 0)
            {
                Console.Error.WriteLine($"seeds: no sample value of {type.FullName} encodes");
                return 1;
            }
        }

        Console.WriteLine($"seeds: {written} XDR seed(s) for {XdrTarget.Types.Count} types in {directory}");
        return 0;
    }

    private static IEnumerable<byte[]> SamplesOf(Type type)
    {
        var encode = typeof(XdrSeeds).GetMethod(nameof(EncodeAs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
        var values = new List<object?> { Activator.CreateInstance(type) };
        for (int seed = 1; seed <= 3; seed++)
        {
            foreach (int length in Lengths.Take(4))
            {
                values.Add(Populate(type, new Random(seed), 0, length));
            }
        }

        values.AddRange(UnionArms(type, new Random(7), 0));
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            byte[]? bytes = (byte[]?)encode.Invoke(null, new[] { value });
            if (bytes is not null)
            {
                yield return bytes;
            }
        }
    }

    private static byte[]? EncodeAs<T>(object value) where T : IXdrSerializable<T>
    {
        try
        {
            return Xdr.Serialize((T)value);
        }
        catch (XdrException)
        {
            return null; // a length the type's bounds do not allow: another sample will do
        }
    }

    /// <summary>A value of <paramref name="type"/> with every field set; null if it cannot be built.</summary>
    private static object? Populate(Type type, Random rng, int depth, int length)
    {
        if (type == typeof(bool)) return rng.Next(2) == 1;
        if (type == typeof(int)) return rng.Next(-3, 1000);
        if (type == typeof(uint)) return (uint)rng.Next(0, 100000);
        if (type == typeof(long)) return rng.NextInt64(-3, 1L << 40);
        if (type == typeof(ulong)) return (ulong)rng.NextInt64(0, 1L << 40);
        if (type == typeof(short)) return (short)rng.Next(short.MinValue, short.MaxValue);
        if (type == typeof(ushort)) return (ushort)rng.Next(0, ushort.MaxValue);
        if (type == typeof(sbyte)) return (sbyte)rng.Next(-128, 128);
        if (type == typeof(byte)) return (byte)rng.Next(0, 256);
        if (type == typeof(float)) return (float)(rng.NextDouble() * 100);
        if (type == typeof(double)) return rng.NextDouble() * 1e6;
        if (type == typeof(string)) return new string('a', length) + (length > 0 ? "é" : "");
        if (type.IsEnum)
        {
            var defined = Enum.GetValues(type);
            return defined.Length == 0 ? Activator.CreateInstance(type) : defined.GetValue(rng.Next(defined.Length));
        }

        if (type == typeof(AfsUuid))
        {
            byte[] node = new byte[AfsUuid.NodeLength];
            rng.NextBytes(node);
            return new AfsUuid((uint)rng.Next(), (ushort)rng.Next(65536), (ushort)rng.Next(65536), (byte)rng.Next(256), (byte)rng.Next(256), node);
        }

        if (type.IsArray)
        {
            return MakeArray(type.GetElementType()!, length, rng, depth);
        }

        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return depth < 2 ? Populate(underlying, rng, depth + 1, length) : null;
        }

        if (depth > 4)
        {
            return null;
        }

        var arms = UnionArms(type, rng, depth).ToList();
        if (arms.Count > 0)
        {
            return arms[rng.Next(arms.Count)];
        }

        if (type.GetConstructor(Type.EmptyTypes) is null)
        {
            return null;
        }

        object result = Activator.CreateInstance(type)!;
        foreach (var property in type.GetProperties(BindingFlags.Instance | BindingFlags.Public))
        {
            if (!property.CanWrite || property.GetIndexParameters().Length > 0)
            {
                continue;
            }

            object? current = property.GetValue(result);
            Type propertyType = property.PropertyType;
            object? value;
            if (propertyType.IsArray && current is Array fixedArray && fixedArray.Length > 0)
            {
                value = MakeArray(propertyType.GetElementType()!, fixedArray.Length, rng, depth); // fixed length
            }
            else if (!propertyType.IsValueType && current is null)
            {
                value = depth < 2 ? Populate(propertyType, rng, depth + 1, length) : null; // optional data
            }
            else
            {
                value = Populate(propertyType, rng, depth + 1, length);
            }

            if (value is not null || current is null)
            {
                property.SetValue(result, value);
            }
        }

        return result;
    }

    private static Array MakeArray(Type element, int length, Random rng, int depth)
    {
        var array = Array.CreateInstance(element, length);
        for (int i = 0; i < length; i++)
        {
            object? item = element == typeof(byte) ? (byte)rng.Next(32, 127) : Populate(element, rng, depth + 1, Math.Min(length, 2));
            if (item is null)
            {
                return Array.CreateInstance(element, 0);
            }

            array.SetValue(item, i);
        }

        return array;
    }

    /// <summary>For a union: a value per arm and discriminant that its <c>FromX</c> factories accept.</summary>
    private static IEnumerable<object> UnionArms(Type type, Random rng, int depth)
    {
        var factories = type.GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Where(m => m.Name.StartsWith("From", StringComparison.Ordinal) && m.ReturnType == type && m.GetParameters().All(p => !p.ParameterType.IsByRefLike && !p.ParameterType.IsByRef))
            .ToList();
        foreach (var factory in factories)
        {
            var parameters = factory.GetParameters();
            bool hasKind = parameters.Length > 0 && parameters[0].Name == "kind" || factory.Name == "FromVoid";
            IEnumerable<object> kinds = hasKind ? KindCandidates(parameters[0].ParameterType) : new object[] { 0 };
            int found = 0;
            foreach (object kind in kinds)
            {
                foreach (int length in Lengths)
                {
                    var args = new object?[parameters.Length];
                    int start = 0;
                    if (hasKind)
                    {
                        args[0] = kind;
                        start = 1;
                    }

                    for (int i = start; i < parameters.Length; i++)
                    {
                        args[i] = Populate(parameters[i].ParameterType, rng, depth + 1, length);
                    }

                    object? value;
                    try
                    {
                        value = factory.Invoke(null, args);
                    }
                    catch (TargetInvocationException e) when (e.InnerException is ArgumentException)
                    {
                        break; // this discriminant does not select the arm
                    }

                    if (value is null)
                    {
                        continue;
                    }

                    var encode = typeof(XdrSeeds).GetMethod(nameof(EncodeAs), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(type);
                    if (encode.Invoke(null, new[] { value }) is not null)
                    {
                        yield return value;
                        found++;
                        break;
                    }
                }

                if (found >= 3)
                {
                    break;
                }
            }
        }
    }

    private static IEnumerable<object> KindCandidates(Type kindType)
    {
        if (kindType.IsEnum)
        {
            foreach (object v in Enum.GetValues(kindType))
            {
                yield return v;
            }

            yield break;
        }

        foreach (int v in new[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, -1, 100 })
        {
            yield return kindType == typeof(uint) ? (object)(uint)v : kindType == typeof(bool) ? (object)(v != 0) : v;
        }
    }
}
