using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Emit;

/// <summary>Maps declarations to C# types and writes the XDR encode/decode statements for them.
/// Typedefs are transparent: a value of a typedef'd type has the C# type of the typedef's body and is
/// encoded inline with that body's shape (bounds included).</summary>
internal sealed class XdrCodegen
{
    private const string Exception = "global::RxGen.Runtime.Xdr.XdrException";
    private readonly IReadOnlyDictionary<string, Definition> _types;
    private readonly Func<Definition, string> _typeName;
    private readonly EmitOptions _options;

    /// <param name="types">Every defined type by IDL name.</param>
    /// <param name="typeName">The C# name of a defined type as the file being emitted refers to it.</param>
    /// <param name="options">Outside-type mappings and string encoding.</param>
    public XdrCodegen(IReadOnlyDictionary<string, Definition> types, Func<Definition, string> typeName, EmitOptions options)
    {
        _types = types;
        _typeName = typeName;
        _options = options;
    }

    private HashSet<string>? _recursive;

    /// <summary>True when a value of the named type can contain another value of it (through optional data or
    /// arrays): its encode and decode then count nesting depth, so a hostile message or a cyclic or very deep
    /// in-memory value fails with XdrException instead of overflowing the stack.</summary>
    public bool IsRecursive(TypeRef type)
    {
        if (type.Name is not { } name) return false;
        _recursive ??= FindRecursiveTypes();
        return _recursive.Contains(name);
    }

    /// <summary>Tarjan's strongly connected components over "type mentions type", iteratively (linear, no deep recursion).</summary>
    private HashSet<string> FindRecursiveTypes()
    {
        // Sized up front: the copies that growing tables as long as the list of types leave are large objects (issue 16).
        var edges = new Dictionary<string, List<string>>(_types.Count, StringComparer.Ordinal);
        foreach (var definition in _types.Values)
        {
            var targets = new List<string>();
            void Add(Declaration d) { if (d.Type.Name is { } n && _types.ContainsKey(n)) targets.Add(n); }
            switch (definition)
            {
                case StructDefinition st: foreach (var f in st.Fields) Add(f); break;
                case UnionDefinition u: Add(u.Discriminant); foreach (var a in u.Arms) Add(a.Body); if (u.Default is { } d) Add(d); break;
                case TypedefDefinition t: Add(t.Body); break;
            }
            edges[definition.Name] = targets;
        }
        var index = new Dictionary<string, int>(_types.Count, StringComparer.Ordinal);
        var low = new Dictionary<string, int>(_types.Count, StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var result = new HashSet<string>(StringComparer.Ordinal);
        var next = 0;
        foreach (var root in edges.Keys)
        {
            if (index.ContainsKey(root)) continue;
            var work = new Stack<(string Node, int Edge)>();
            work.Push((root, 0));
            index[root] = low[root] = next++;
            stack.Push(root);
            onStack.Add(root);
            while (work.Count > 0)
            {
                var (node, edge) = work.Pop();
                var targets = edges[node];
                if (edge < targets.Count)
                {
                    work.Push((node, edge + 1));
                    var target = targets[edge];
                    if (!index.ContainsKey(target))
                    {
                        index[target] = low[target] = next++;
                        stack.Push(target);
                        onStack.Add(target);
                        work.Push((target, 0));
                    }
                    else if (onStack.Contains(target)) low[node] = Math.Min(low[node], index[target]);
                    continue;
                }
                if (work.Count > 0) { var parent = work.Peek().Node; low[parent] = Math.Min(low[parent], low[node]); }
                if (low[node] != index[node]) continue;
                var component = new List<string>();
                string member;
                do { member = stack.Pop(); onStack.Remove(member); component.Add(member); } while (member != node);
                if (component.Count > 1 || edges[node].Contains(node)) result.UnionWith(component);
            }
        }
        return result;
    }

    /// <summary>Types the runtime provides (OpenAFS's C headers define them, no IDL does), with their smallest wire size.</summary>
    public static readonly IReadOnlyDictionary<string, (string CsType, int MinSize)> RuntimeTypes = new Dictionary<string, (string, int)>(StringComparer.Ordinal)
    {
        ["afsUUID"] = ("global::RxGen.Runtime.Afs.AfsUuid", 44),
        ["afs_time64"] = ("global::RxGen.Runtime.Afs.AfsTime64", 8),
    };

    /// <summary>A type the IDL uses but does not define: a runtime type, or an outside type (user-mapped, or by its IDL name in the file's namespace).</summary>
    public (string CsType, int MinSize, bool IsRuntime)? Outside(string name)
    {
        if (RuntimeTypes.TryGetValue(name, out var known)) return (known.CsType, known.MinSize, true);
        if (Find(name) is not null) return null;
        if (_options.ExternalType(name) is { } mapped) return (mapped.StartsWith("global::", StringComparison.Ordinal) ? mapped : "global::" + mapped, 4, false);
        return (CSharpNames.Identifier(name), 4, false);
    }

    public Definition? Find(string name) => _types.TryGetValue(name, out var d) ? d : null;

    // ------------------------------------------------------------------ C# types

    public string CsType(Declaration declaration) => declaration.Kind switch
    {
        DeclarationKind.Scalar => ElementType(declaration.Type),
        DeclarationKind.Optional => Nullable(ElementType(declaration.Type)),
        DeclarationKind.FixedArray or DeclarationKind.VariableArray => IsCharLike(declaration.Type, out _) ? "byte[]" : ElementType(declaration.Type) + "[]",
        DeclarationKind.FixedOpaque or DeclarationKind.VariableOpaque => "byte[]",
        DeclarationKind.String => "string",
        _ => "void",
    };

    private static string Nullable(string type) => type.EndsWith("?", StringComparison.Ordinal) ? type : type + "?";

    private readonly Dictionary<string, string> _elementTypes = new(StringComparer.Ordinal);

    /// <summary>The C# type of a value of <paramref name="type"/> (memoized per name; a typedef is followed through
    /// its scalar chain in one step, so the recursion depth is the nesting of arrays and optional data, which
    /// validation bounds by <see cref="Validation.ModelValidator.MaxTypedefNesting"/>).</summary>
    public string ElementType(TypeRef type)
    {
        if (type.Primitive is { } primitive) return PrimitiveType(primitive);
        var name = type.Name!;
        if (_elementTypes.TryGetValue(name, out var known)) return known;
        string result;
        if (Outside(name) is { } outside) result = outside.CsType;
        else
        {
            result = Find(name) switch
            {
                TypedefDefinition t => CsType(ExpandTypedef(t)),
                { } d => _typeName(d),
                null => CSharpNames.Identifier(name),
            };
        }
        _elementTypes[name] = result;
        return result;
    }

    public static string PrimitiveType(PrimitiveKind kind) => kind switch
    {
        PrimitiveKind.Int32 => "int",
        PrimitiveKind.UInt32 => "uint",
        PrimitiveKind.Int64 => "long",
        PrimitiveKind.UInt64 => "ulong",
        PrimitiveKind.Int16 => "short",
        PrimitiveKind.UInt16 => "ushort",
        PrimitiveKind.Char => "sbyte",
        PrimitiveKind.UChar => "byte",
        PrimitiveKind.Bool => "bool",
        PrimitiveKind.Float => "float",
        PrimitiveKind.Double => "double",
        _ => "void",
    };

    /// <summary>True for char/u_char elements (also through scalar typedefs): such arrays are byte[] carried as one 4-byte unit per byte.</summary>
    public bool IsCharLike(TypeRef type, out bool signed)
    {
        signed = false;
        var resolved = ResolveScalar(type);
        if (resolved.Primitive == PrimitiveKind.Char) { signed = true; return true; }
        return resolved.Primitive == PrimitiveKind.UChar;
    }

    // Scalar typedef chains (typedef a b; typedef b c; ...) resolved once per typedef, iteratively: the end of the
    // chain (ResolveScalar) and the body that a value of the typedef really has (Expand).
    private readonly Dictionary<string, (TypeRef End, Declaration Body)> _chains = new(StringComparer.Ordinal);

    private (TypeRef End, Declaration Body) Chain(TypedefDefinition typedef)
    {
        if (_chains.TryGetValue(typedef.Name, out var known)) return known;
        var path = new List<TypedefDefinition>();
        var onPath = new HashSet<string>(StringComparer.Ordinal);
        var current = typedef;
        (TypeRef End, Declaration Body) result;
        while (true)
        {
            path.Add(current);
            onPath.Add(current.Name);
            var body = current.Body;
            if (body.Kind != DeclarationKind.Scalar || body.Type.Name is not { } next || Find(next) is not TypedefDefinition inner)
            {
                // A non-scalar body ends the scalar chain at this typedef; a scalar body of a non-typedef type ends it at that type.
                result = body.Kind == DeclarationKind.Scalar ? (body.Type, body) : (TypeRef.Named(current.Name), body);
                break;
            }
            if (_chains.TryGetValue(next, out var cached)) { result = cached; break; }
            if (onPath.Contains(next)) { result = (body.Type, body); break; } // a cycle (reported by validation): stop
            current = inner;
        }
        foreach (var member in path) _chains[member.Name] = result;
        return result;
    }

    private Declaration ExpandTypedef(TypedefDefinition typedef) => Chain(typedef).Body;

    /// <summary>Follows typedefs whose body is a plain scalar.</summary>
    public TypeRef ResolveScalar(TypeRef type) =>
        type.Name is { } name && Find(name) is TypedefDefinition { Body.Kind: DeclarationKind.Scalar } t ? Chain(t).End : type;

    /// <summary>The declaration a value of <paramref name="declaration"/> really has once scalar typedefs are expanded.</summary>
    public Declaration Expand(Declaration declaration) =>
        declaration.Kind == DeclarationKind.Scalar && declaration.Type.Name is { } name && Find(name) is TypedefDefinition t
            ? ExpandTypedef(t) with { Name = declaration.Name, Location = declaration.Location }
            : declaration;

    public bool IsReferenceType(Declaration declaration)
    {
        var d = Expand(declaration);
        return d.Kind switch
        {
            DeclarationKind.Scalar => d.Type.Name is { } n && Find(n) is StructDefinition or UnionDefinition,
            DeclarationKind.Optional or DeclarationKind.Void => false,
            _ => true,
        };
    }

    /// <summary>A default value for a property of this declaration, so that a new record encodes as a valid value.</summary>
    public string? DefaultValue(Declaration declaration)
    {
        var d = Expand(declaration);
        switch (d.Kind)
        {
            case DeclarationKind.String: return "\"\"";
            case DeclarationKind.VariableOpaque: return "global::System.Array.Empty<byte>()";
            case DeclarationKind.FixedOpaque: return $"new byte[{d.Bound}]";
            case DeclarationKind.VariableArray:
                return IsCharLike(d.Type, out _) ? "global::System.Array.Empty<byte>()" : $"global::System.Array.Empty<{ElementType(d.Type)}>()";
            case DeclarationKind.FixedArray:
                if (IsCharLike(d.Type, out _)) return $"new byte[{d.Bound}]";
                var elementDefault = ElementDefault(d.Type, d.Location);
                return elementDefault is null || elementDefault == "default!"
                    ? NewArray(ElementType(d.Type), d.Bound!.Value.ToString(CultureInfo.InvariantCulture))
                    : $"global::RxGen.Runtime.Xdr.XdrArrays.Fill({d.Bound}, static () => {elementDefault})";
            case DeclarationKind.Scalar when d.Type.Name is { } name:
                return Find(name) switch
                {
                    StructDefinition s => $"new {_typeName(s)}()",
                    UnionDefinition u => $"new {_typeName(u)}()",
                    null when Outside(name) is { IsRuntime: false } => "default!",
                    _ => null,
                };
            default: return null;
        }
    }

    private readonly Dictionary<string, string?> _elementDefaults = new(StringComparer.Ordinal);

    private string? ElementDefault(TypeRef type, Diagnostics.SourceLocation location)
    {
        var element = new Declaration("", DeclarationKind.Scalar, type, null, location);
        if (type.Name is not { } name) return DefaultValue(element);
        if (!_elementDefaults.TryGetValue(name, out var value)) _elementDefaults[name] = value = DefaultValue(element);
        return value;
    }

    /// <summary><c>new T[n]</c>, also for jagged element types (<c>new byte[n][]</c>).</summary>
    public static string NewArray(string elementType, string length)
    {
        var bracket = elementType.IndexOf('[');
        return bracket < 0 ? $"new {elementType}[{length}]" : $"new {elementType.Substring(0, bracket)}[{length}]{elementType.Substring(bracket)}";
    }

    // ------------------------------------------------------------------ wire sizes

    private readonly Dictionary<string, long> _minSizes = new(StringComparer.Ordinal);

    /// <summary>The smallest number of bytes a value of this declaration occupies (guards counts read from the wire).</summary>
    public long MinSize(Declaration declaration)
    {
        var d = declaration;
        return d.Kind switch
        {
            DeclarationKind.Scalar => MinSize(d.Type),
            DeclarationKind.Optional or DeclarationKind.VariableArray or DeclarationKind.VariableOpaque or DeclarationKind.String => 4,
            DeclarationKind.FixedArray => Math.Min(int.MaxValue, (d.Bound ?? 0) * MinSize(d.Type)),
            DeclarationKind.FixedOpaque => ((d.Bound ?? 0) + 3) / 4 * 4,
            _ => 0,
        };
    }

    /// <summary>The smallest wire size of a value of this type. Memoized per name and computed bottom-up with an
    /// explicit stack (by-value nesting can be thousands of levels deep; doubling structs would be exponential
    /// without the memo). A by-value cycle, which validation reports, counts as 4 bytes where it closes.</summary>
    public long MinSize(TypeRef type)
    {
        if (type.Primitive is { } p) return PrimitiveMinSize(p);
        var root = type.Name!;
        if (_minSizes.TryGetValue(root, out var known)) return known;
        var stack = new Stack<(string Name, bool Expanded)>();
        var inProgress = new HashSet<string>(StringComparer.Ordinal);
        stack.Push((root, false));
        while (stack.Count > 0)
        {
            var (name, expanded) = stack.Pop();
            if (_minSizes.ContainsKey(name)) continue;
            var definition = Outside(name) is null ? Find(name) : null;
            if (!expanded)
            {
                if (!inProgress.Add(name)) continue; // on a cycle: closes at 4 bytes (below)
                stack.Push((name, true));
                foreach (var member in ByValueMembers(definition))
                    if (member.Type.Name is { } n && member.Kind is DeclarationKind.Scalar or DeclarationKind.FixedArray && !_minSizes.ContainsKey(n) && !inProgress.Contains(n))
                        stack.Push((n, false));
                continue;
            }
            _minSizes[name] = NamedMinSize(name, definition);
            inProgress.Remove(name);
        }
        return _minSizes[root];
    }

    private static long PrimitiveMinSize(PrimitiveKind p) => p is PrimitiveKind.Int64 or PrimitiveKind.UInt64 or PrimitiveKind.Double ? 8 : p == PrimitiveKind.Void ? 0 : 4;

    private static IEnumerable<Declaration> ByValueMembers(Definition? definition) => definition switch
    {
        StructDefinition s => s.Fields,
        UnionDefinition u => u.Arms.Select(a => a.Body).Concat(u.Default is null ? Array.Empty<Declaration>() : new[] { u.Default }),
        TypedefDefinition t => new[] { t.Body },
        _ => Array.Empty<Declaration>(),
    };

    // One definition's size from its members' (already memoized; a member still missing is on a cycle: 4).
    private long NamedMinSize(string name, Definition? definition)
    {
        if (Outside(name) is { } outside) return outside.MinSize;
        long Member(Declaration d)
        {
            if (d.Kind is DeclarationKind.Scalar or DeclarationKind.FixedArray && d.Type.Name is { } n && !_minSizes.ContainsKey(n) && Outside(n) is null && Find(n) is not null and not EnumDefinition)
                return d.Kind == DeclarationKind.Scalar ? 4 : Math.Min(int.MaxValue, (d.Bound ?? 0) * 4);
            return MinSize(d);
        }
        return definition switch
        {
            StructDefinition s => Math.Min(int.MaxValue, s.Fields.Sum(Member)),
            UnionDefinition u => 4 + ByValueMembers(u).Select(Member).DefaultIfEmpty(0).Min(),
            TypedefDefinition t => Member(t.Body),
            _ => 4,
        };
    }

    // ------------------------------------------------------------------ encode

    /// <summary>The block store and size for a field that is a fixed-size primitive or enum (after typedefs), else null.</summary>
    public (string Method, int Size, string Cast)? FixedWord(Declaration declaration)
    {
        var d = Expand(declaration);
        if (d.Kind != DeclarationKind.Scalar) return null;
        var type = ResolveScalar(d.Type);
        if (type.Primitive is { } p)
        {
            return p switch
            {
                PrimitiveKind.Int32 or PrimitiveKind.Int16 or PrimitiveKind.Char => ("Int32", 4, ""),
                PrimitiveKind.UInt32 or PrimitiveKind.UInt16 or PrimitiveKind.UChar => ("UInt32", 4, ""),
                PrimitiveKind.Int64 => ("Int64", 8, ""),
                PrimitiveKind.UInt64 => ("UInt64", 8, ""),
                PrimitiveKind.Bool => ("Bool", 4, ""),
                PrimitiveKind.Float => ("Single", 4, ""),
                PrimitiveKind.Double => ("Double", 8, ""),
                _ => null,
            };
        }
        return type.Name is { } name && Find(name) is EnumDefinition ? ("Int32", 4, "(int)") : null;
    }

    /// <summary>Encodes members in order; runs of two or more fixed-size words go through one <c>writer.Reserve</c>.</summary>
    public void EncodeMembers(CodeWriter w, IReadOnlyList<Declaration> members, string owner, string path, Func<Declaration, string> property)
    {
        for (var i = 0; i < members.Count;)
        {
            var run = 0;
            var size = 0;
            while (i + run < members.Count && FixedWord(members[i + run]) is { } word) { size += word.Size; run++; }
            if (run >= 2)
            {
                var block = w.Unique("block");
                w.Line($"var {block} = writer.Reserve({size});");
                var offset = 0;
                for (var k = 0; k < run; k++)
                {
                    var word = FixedWord(members[i + k])!.Value;
                    w.Line($"{block}.{word.Method}({offset}, {word.Cast}{owner}.{property(members[i + k])});");
                    offset += word.Size;
                }
                i += run;
            }
            else
            {
                Encode(w, owner + "." + property(members[i]), members[i], path + "." + members[i].Name);
                i++;
            }
        }
    }

    public void Encode(CodeWriter w, string value, Declaration declaration, string path)
    {
        var d = Expand(declaration);
        var p = CSharpNames.Literal(path);
        switch (d.Kind)
        {
            case DeclarationKind.Scalar:
                EncodeElement(w, value, d.Type, path);
                break;
            case DeclarationKind.Optional:
            {
                var v = w.Unique("present");
                w.Open($"if ({value} is {{ }} {v})");
                w.Line("writer.WriteBool(true);");
                if (IsRecursive(d.Type)) w.Line($"writer.EnterNested({p});");
                EncodeElement(w, v, d.Type, path, knownNonNull: true);
                if (IsRecursive(d.Type)) w.Line("writer.ExitNested();");
                w.Close();
                w.Line("else writer.WriteBool(false);");
                break;
            }
            case DeclarationKind.FixedArray:
            case DeclarationKind.VariableArray:
            {
                var a = w.Unique("array");
                w.Line($"var {a} = {value} ?? throw new {Exception}(\"array is null\", {p});");
                if (d.Kind == DeclarationKind.FixedArray) w.Line($"writer.CheckFixedCount({a}.Length, {d.Bound}, {p});");
                else w.Line($"writer.WriteCount({a}.Length, {Max(d)}, {p});");
                if (IsCharLike(d.Type, out var signed))
                {
                    w.Line($"writer.WriteCharVector({a}, signExtend: {(signed ? "true" : "false")});");
                }
                else
                {
                    var item = w.Unique("item");
                    w.Open($"foreach (var {item} in {a})");
                    if (IsRecursive(d.Type)) w.Line($"writer.EnterNested({p});");
                    EncodeElement(w, item, d.Type, path + "[]");
                    if (IsRecursive(d.Type)) w.Line("writer.ExitNested();");
                    w.Close();
                }
                break;
            }
            case DeclarationKind.FixedOpaque:
                w.Line($"writer.WriteFixedOpaque({value}, {d.Bound}, {p});");
                break;
            case DeclarationKind.VariableOpaque:
                w.Line($"writer.WriteVariableOpaque({value}, {Max(d)}, {p});");
                break;
            case DeclarationKind.String:
                w.Line($"writer.{(_options.Latin1Strings ? "WriteStringLatin1" : "WriteString")}({value}, {Max(d)}, {p});");
                break;
            case DeclarationKind.Void:
                break;
        }
    }

    private void EncodeElement(CodeWriter w, string value, TypeRef type, string path, bool knownNonNull = false)
    {
        if (type.Primitive is { } primitive)
        {
            w.Line(primitive switch
            {
                PrimitiveKind.Int32 or PrimitiveKind.Int16 or PrimitiveKind.Char => $"writer.WriteInt32({value});",
                PrimitiveKind.UInt32 or PrimitiveKind.UInt16 or PrimitiveKind.UChar => $"writer.WriteUInt32({value});",
                PrimitiveKind.Int64 => $"writer.WriteInt64({value});",
                PrimitiveKind.UInt64 => $"writer.WriteUInt64({value});",
                PrimitiveKind.Bool => $"writer.WriteBool({value});",
                PrimitiveKind.Float => $"writer.WriteSingle({value});",
                PrimitiveKind.Double => $"writer.WriteDouble({value});",
                _ => "// void",
            });
            return;
        }
        var name = type.Name!;
        if (Outside(name) is { } outside)
        {
            w.Line(outside.IsRuntime ? $"{value}.Encode(ref writer);" : $"global::RxGen.Runtime.Xdr.Xdr.EncodeValue(ref writer, {value}, {CSharpNames.Literal(path)});");
            return;
        }
        switch (Find(name))
        {
            case EnumDefinition:
                w.Line($"writer.WriteInt32((int){value});");
                break;
            case TypedefDefinition t:
                Encode(w, value, t.Body, path);
                break;
            default:
                w.Line(knownNonNull ? $"{value}.Encode(ref writer);" : $"({value} ?? throw new {Exception}(\"value is null\", {CSharpNames.Literal(path)})).Encode(ref writer);");
                break;
        }
    }

    private static string Max(Declaration d) => d.Bound is { } b ? b.ToString(CultureInfo.InvariantCulture) + "u" : "uint.MaxValue";

    // ------------------------------------------------------------------ decode

    /// <summary>Writes statements that decode one value and assign it to <paramref name="target"/>.</summary>
    public void Decode(CodeWriter w, string target, Declaration declaration, string path)
    {
        var d = Expand(declaration);
        var p = CSharpNames.Literal(path);
        switch (d.Kind)
        {
            case DeclarationKind.Scalar:
                DecodeElement(w, target, d.Type, path);
                break;
            case DeclarationKind.Optional:
            {
                w.Open("if (reader.ReadBool())");
                w.Line($"reader.EnterNested({p});");
                var v = w.Unique("value");
                w.Line($"{ElementType(d.Type)} {v};");
                DecodeElement(w, v, d.Type, path);
                w.Line($"{target} = {v};");
                w.Line("reader.ExitNested();");
                w.Close();
                w.Line($"else {target} = null;");
                break;
            }
            case DeclarationKind.FixedArray:
            case DeclarationKind.VariableArray:
            {
                string count;
                if (d.Kind == DeclarationKind.FixedArray)
                {
                    count = d.Bound!.Value.ToString(CultureInfo.InvariantCulture);
                    var min = Math.Max(1, IsCharLike(d.Type, out _) ? 4 : MinSize(d.Type));
                    if (d.Bound > 0)
                        w.Line($"if ((long)reader.Remaining < {count}L * {min}) throw new {Exception}(\"input ends inside a fixed array\", {p}, isTruncation: true);");
                }
                else
                {
                    count = w.Unique("count");
                    var min = IsCharLike(d.Type, out _) ? 4 : Math.Min(int.MaxValue, MinSize(d.Type));
                    w.Line($"var {count} = reader.ReadCount({Max(d)}, {min}, {p});");
                }
                if (IsCharLike(d.Type, out _))
                {
                    w.Line($"{target} = reader.ReadCharVector({count}, {p});");
                    break;
                }
                var a = w.Unique("array");
                var i = w.Unique("i");
                w.Line($"var {a} = {NewArray(ElementType(d.Type), count)};");
                w.Open($"for (var {i} = 0; {i} < {a}.Length; {i}++)");
                if (IsRecursive(d.Type)) w.Line($"reader.EnterNested({p});");
                DecodeElement(w, $"{a}[{i}]", d.Type, path + "[]");
                if (IsRecursive(d.Type)) w.Line("reader.ExitNested();");
                w.Close();
                w.Line($"{target} = {a};");
                break;
            }
            case DeclarationKind.FixedOpaque:
                w.Line($"{target} = reader.ReadFixedOpaque({d.Bound}, {p});");
                break;
            case DeclarationKind.VariableOpaque:
                w.Line($"{target} = reader.ReadVariableOpaque({Max(d)}, {p});");
                break;
            case DeclarationKind.String:
                w.Line($"{target} = reader.{(_options.Latin1Strings ? "ReadStringLatin1" : "ReadString")}({Max(d)}, {p});");
                break;
            case DeclarationKind.Void:
                break;
        }
    }

    private void DecodeElement(CodeWriter w, string target, TypeRef type, string path)
    {
        if (type.Primitive is { } primitive)
        {
            w.Line($"{target} = " + primitive switch
            {
                PrimitiveKind.Int32 => "reader.ReadInt32();",
                PrimitiveKind.Int16 => "unchecked((short)reader.ReadInt32());",
                PrimitiveKind.Char => "unchecked((sbyte)reader.ReadInt32());",
                PrimitiveKind.UInt32 => "reader.ReadUInt32();",
                PrimitiveKind.UInt16 => "unchecked((ushort)reader.ReadUInt32());",
                PrimitiveKind.UChar => "unchecked((byte)reader.ReadUInt32());",
                PrimitiveKind.Int64 => "reader.ReadInt64();",
                PrimitiveKind.UInt64 => "reader.ReadUInt64();",
                PrimitiveKind.Bool => "reader.ReadBool();",
                PrimitiveKind.Float => "reader.ReadSingle();",
                PrimitiveKind.Double => "reader.ReadDouble();",
                _ => "default;",
            });
            return;
        }
        var name = type.Name!;
        if (Outside(name) is { } outside) { w.Line($"{target} = {outside.CsType}.Decode(ref reader);"); return; }
        switch (Find(name))
        {
            case EnumDefinition e:
                w.Line($"{target} = ({_typeName(e)})reader.ReadInt32();");
                break;
            case TypedefDefinition t:
                Decode(w, target, t.Body, path);
                break;
            default:
                w.Line($"{target} = {ElementType(type)}.Decode(ref reader);");
                break;
        }
    }
}
