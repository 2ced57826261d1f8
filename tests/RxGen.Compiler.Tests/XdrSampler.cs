using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Tests;

/// <summary>Writes random, valid XDR encodings of IDL types straight from the compiler's model (independently of
/// the generated code), so that every generated codec can be checked: decode, all bytes consumed, re-encode, identical.</summary>
internal sealed class XdrSampler
{
    private readonly Dictionary<string, Definition> _types;
    private readonly Random _random;
    private readonly MemoryStream _out = new();

    public XdrSampler(InterfaceModel model, int seed)
    {
        _types = new Dictionary<string, Definition>(StringComparer.Ordinal);
        foreach (var t in model.Types) _types.TryAdd(t.Name, t);
        _random = new Random(seed);
    }

    public byte[] Sample(Definition type)
    {
        _out.SetLength(0);
        switch (type)
        {
            case TypedefDefinition t: Declaration(t.Body, 0); break;
            default: Named(type.Name, 0); break;
        }
        return _out.ToArray();
    }

    private void Word(uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(b, value);
        _out.Write(b);
    }

    private void Bytes(int count, bool ascii)
    {
        for (var i = 0; i < count; i++) _out.WriteByte((byte)(ascii ? _random.Next('a', 'z' + 1) : _random.Next(256)));
        for (var i = count; i % 4 != 0; i++) _out.WriteByte(0);
    }

    private int Length(long? bound, int depth) => (int)Math.Min(bound ?? 6, depth > 3 ? 0 : _random.Next(0, 7));

    private void Declaration(Declaration d, int depth)
    {
        switch (d.Kind)
        {
            case DeclarationKind.Scalar: Element(d.Type, depth); break;
            case DeclarationKind.Optional:
                var present = depth < 4 && _random.Next(3) > 0;
                Word(present ? 1u : 0u);
                if (present) Element(d.Type, depth + 1);
                break;
            case DeclarationKind.FixedArray:
                for (long i = 0; i < d.Bound; i++) Element(d.Type, depth + 1);
                break;
            case DeclarationKind.VariableArray:
                var n = Length(d.Bound, depth);
                Word((uint)n);
                for (var i = 0; i < n; i++) Element(d.Type, depth + 1);
                break;
            case DeclarationKind.FixedOpaque: Bytes((int)d.Bound!.Value, ascii: false); break;
            case DeclarationKind.VariableOpaque:
            case DeclarationKind.String:
                var length = Length(d.Bound, depth);
                Word((uint)length);
                Bytes(length, ascii: d.Kind == DeclarationKind.String);
                break;
        }
    }

    private void Element(TypeRef type, int depth)
    {
        if (type.Primitive is { } p)
        {
            switch (p)
            {
                case PrimitiveKind.Int64 or PrimitiveKind.UInt64: Word((uint)_random.Next()); Word((uint)_random.Next()); break;
                case PrimitiveKind.Double:
                    var bits = BitConverter.DoubleToUInt64Bits(_random.Next(-1000, 1000));
                    Word((uint)(bits >> 32));
                    Word((uint)bits);
                    break;
                case PrimitiveKind.Float: Word(BitConverter.SingleToUInt32Bits(_random.Next(-1000, 1000))); break;
                case PrimitiveKind.Bool: Word((uint)_random.Next(2)); break;
                case PrimitiveKind.Char: Word(unchecked((uint)_random.Next(-128, 128))); break;
                case PrimitiveKind.UChar: Word((uint)_random.Next(256)); break;
                case PrimitiveKind.Int16: Word(unchecked((uint)_random.Next(short.MinValue, short.MaxValue + 1))); break;
                case PrimitiveKind.UInt16: Word((uint)_random.Next(65536)); break;
                case PrimitiveKind.Void: break;
                default: Word(unchecked((uint)_random.Next(int.MinValue, int.MaxValue))); break;
            }
            return;
        }
        Named(type.Name!, depth);
    }

    private TypeRef Resolve(TypeRef type)
    {
        while (type.Name is { } n && _types.TryGetValue(n, out var d) && d is TypedefDefinition { Body.Kind: DeclarationKind.Scalar } t) type = t.Body.Type;
        return type;
    }

    private void Named(string name, int depth)
    {
        if (name == "afsUUID")
        {
            // time_low, time_mid, time_hi_and_version, clock_seq_hi, clock_seq_low, node[6]: 11 words within their C types.
            Word((uint)_random.Next());
            for (var i = 0; i < 2; i++) Word((uint)_random.Next(65536));
            for (var i = 0; i < 8; i++) Word((uint)_random.Next(128));
            return;
        }
        if (name == "afs_time64") { Word((uint)_random.Next()); Word((uint)_random.Next()); return; }
        switch (_types[name])
        {
            case StructDefinition s:
                foreach (var f in s.Fields) Declaration(f, depth + 1);
                break;
            case EnumDefinition e:
                Word(unchecked((uint)(int)e.Members[_random.Next(e.Members.Count)].Value));
                break;
            case TypedefDefinition t:
                Declaration(t.Body, depth);
                break;
            case UnionDefinition u:
                var arms = u.Arms.SelectMany(a => a.Cases.Select(c => (c.Value, a.Body))).ToList();
                if (u.Default is { } dflt && (arms.Count == 0 || _random.Next(4) == 0))
                {
                    // A discriminant no case names selects the default arm.
                    long value = Resolve(u.Discriminant.Type).Primitive == PrimitiveKind.Bool ? 0 : 0x7654321;
                    while (arms.Any(a => a.Value == value)) value++;
                    if (Resolve(u.Discriminant.Type).Primitive == PrimitiveKind.Bool && value > 1) { var (v, b) = arms[0]; Word(unchecked((uint)v)); Declaration(b, depth + 1); break; }
                    Word(unchecked((uint)value));
                    Declaration(dflt, depth + 1);
                }
                else
                {
                    var (value, body) = arms[_random.Next(arms.Count)];
                    Word(unchecked((uint)value));
                    Declaration(body, depth + 1);
                }
                break;
        }
    }
}
