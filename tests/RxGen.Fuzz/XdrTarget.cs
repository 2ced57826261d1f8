using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using RxGen.Runtime.Xdr;

namespace RxGen.Fuzz;

/// <summary>
/// The XDR target: the first input byte selects one of the golden generated types (modulo their number; see
/// <c>RxGen.Fuzz types</c>), the rest is decoded as one value of that type. <see cref="XdrException"/> is the expected
/// failure. A decoded value must encode again, and to the same bytes — except where XDR as C implements it is
/// lenient and the encoder writes the canonical form (see <see cref="CheckCanonicalForm{T}"/>).
/// </summary>
internal static class XdrTarget
{
    private delegate void RoundTrip(ReadOnlySpan<byte> data);

    /// <summary>Every type in the golden code with an XDR encoding, and the runtime's AfsUuid, in a stable order (by full name).</summary>
    public static IReadOnlyList<Type> Types { get; } = typeof(XdrTarget).Assembly.GetTypes()
        .Where(t => t.Namespace is not null && t.Namespace.StartsWith("Golden.", StringComparison.Ordinal))
        .Append(typeof(RxGen.Runtime.Afs.AfsUuid))
        .Where(t => !t.IsGenericTypeDefinition && t.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IXdrSerializable<>) && i.GetGenericArguments()[0] == t))
        .OrderBy(t => t.FullName, StringComparer.Ordinal)
        .ToArray();

    private static readonly RoundTrip[] Runners = Types
        .Select(t => typeof(XdrTarget).GetMethod(nameof(RoundTripOf), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t).CreateDelegate<RoundTrip>())
        .ToArray();

    public static void Run(ReadOnlySpan<byte> input)
    {
        if (input.IsEmpty)
        {
            return;
        }

        Runners[input[0] % Runners.Length](input.Slice(1));
    }

    /// <summary>The selector byte for <paramref name="type"/>.</summary>
    public static byte SelectorOf(Type type)
    {
        for (int i = 0; i < Types.Count; i++)
        {
            if (Types[i] == type)
            {
                return (byte)i;
            }
        }

        throw new ArgumentException("not a golden XDR type: " + type, nameof(type));
    }

    private static void RoundTripOf<T>(ReadOnlySpan<byte> data) where T : IXdrSerializable<T>
    {
        T value;
        try
        {
            value = Xdr.Deserialize<T>(data);
        }
        catch (XdrException)
        {
            return;
        }

        byte[] encoded = Encode(value, "re-encoding the decoded value");
        if (!encoded.AsSpan().SequenceEqual(data))
        {
            CheckCanonicalForm(data, value, encoded);
        }
    }

    private static byte[] Encode<T>(T value, string what) where T : IXdrSerializable<T>
    {
        try
        {
            return Xdr.Serialize(value);
        }
        catch (XdrException e)
        {
            throw new FuzzFindingException($"{typeof(T).FullName}: {what} failed: the decoder accepted a value the encoder refuses", e);
        }
    }

    /// <summary>
    /// The input decoded, but encodes to different bytes. That is correct only where the input was a non-canonical
    /// spelling of the same value that C's XDR also accepts: non-zero padding after opaque data or a string, and the
    /// high bytes of the 4-byte unit that carries an rxgen <c>char</c>, <c>short</c> or <c>u_short</c> (the encoder
    /// writes 0x00 or the sign extension 0xFF there). So: same length, the differences only at bytes the encoder set to
    /// 0x00/0xFF, the re-encoding decodes to an equal value (field by field) and encodes to itself.
    /// </summary>
    private static void CheckCanonicalForm<T>(ReadOnlySpan<byte> input, T value, byte[] encoded) where T : IXdrSerializable<T>
    {
        string name = typeof(T).FullName!;
        if (encoded.Length != input.Length)
        {
            throw new FuzzFindingException($"{name}: round trip changed the length: {input.Length} bytes in, {encoded.Length} out; first difference at {FirstDifference(input, encoded)}");
        }

        for (int i = 0; i < encoded.Length; i++)
        {
            if (encoded[i] != input[i] && encoded[i] != 0x00 && encoded[i] != 0xFF)
            {
                throw new FuzzFindingException($"{name}: round trip changed byte {i}: 0x{input[i]:x2} in, 0x{encoded[i]:x2} out");
            }
        }

        T again;
        try
        {
            again = Xdr.Deserialize<T>(encoded);
        }
        catch (XdrException e)
        {
            throw new FuzzFindingException($"{name}: the re-encoding of a decoded value does not decode", e);
        }

        if (!DeepEquality.AreEqual(value, again, name, out string? where))
        {
            throw new FuzzFindingException($"{name}: decode(encode(v)) differs from v at {where}");
        }

        byte[] twice = Encode(again, "encoding the value decoded from the re-encoding");
        if (!twice.AsSpan().SequenceEqual(encoded))
        {
            throw new FuzzFindingException($"{name}: encoding is not stable: first difference at {FirstDifference(encoded, twice)}");
        }
    }

    private static int FirstDifference(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        int common = a.CommonPrefixLength(b);
        return common;
    }
}

/// <summary>
/// Field-by-field equality of decoded values (public and private fields, arrays element-wise, floats by bits).
/// Iterative: a decoded linked list can be as long as the input allows.
/// </summary>
internal static class DeepEquality
{
    public static bool AreEqual(object? left, object? right, string root, out string? where)
    {
        var nodes = new List<(string Segment, int Parent)> { (root, -1) };
        var work = new Stack<(object? A, object? B, int Node)>();
        work.Push((left, right, 0));
        while (work.Count > 0)
        {
            var (a, b, node) = work.Pop();
            string? problem = Compare(a, b, node, nodes, work);
            if (problem is not null)
            {
                where = PathOf(nodes, node) + " " + problem;
                return false;
            }
        }

        where = null;
        return true;
    }

    private static string? Compare(object? a, object? b, int node, List<(string Segment, int Parent)> nodes, Stack<(object? A, object? B, int Node)> work)
    {
        if (a is null || b is null)
        {
            return a is null && b is null ? null : "(null on one side)";
        }

        Type type = a.GetType();
        if (type != b.GetType())
        {
            return $"({type} vs {b.GetType()})";
        }

        bool same;
        switch (a)
        {
            case float f:
                same = BitConverter.SingleToInt32Bits(f) == BitConverter.SingleToInt32Bits((float)b);
                break;
            case double d:
                same = BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)b);
                break;
            case string s:
                same = string.Equals(s, (string)b, StringComparison.Ordinal);
                break;
            case Array array:
                var other = (Array)b;
                if (array.Length != other.Length)
                {
                    return $"(length {array.Length} vs {other.Length})";
                }

                for (int i = 0; i < array.Length; i++)
                {
                    nodes.Add(($"[{i}]", node));
                    work.Push((array.GetValue(i), other.GetValue(i), nodes.Count - 1));
                }

                return null;
            default:
                if (type.IsPrimitive || type.IsEnum)
                {
                    same = a.Equals(b);
                    break;
                }

                for (Type? t = type; t is not null && t != typeof(object) && t != typeof(ValueType); t = t.BaseType)
                {
                    foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                    {
                        nodes.Add(("." + field.Name, node));
                        work.Push((field.GetValue(a), field.GetValue(b), nodes.Count - 1));
                    }
                }

                return null;
        }

        return same ? null : $"({a} vs {b})";
    }

    private static string PathOf(List<(string Segment, int Parent)> nodes, int node)
    {
        var parts = new List<string>();
        for (int n = node; n >= 0; n = nodes[n].Parent)
        {
            parts.Add(nodes[n].Segment);
        }

        parts.Reverse();
        return string.Concat(parts);
    }
}
