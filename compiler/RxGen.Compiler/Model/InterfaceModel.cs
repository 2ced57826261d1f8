using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Model;

// The immutable, equatable model of one interface definition (an input file with everything it
// includes). No ANTLR objects, no Roslyn objects: only strings, numbers and locations.

/// <summary>Built-in scalar types. Every one is a 4-byte XDR int on the wire except the 8-byte ones.</summary>
public enum PrimitiveKind
{
    Int32, UInt32, Int64, UInt64, Int16, UInt16, Char, UChar, Bool, Float, Double, Void,
}

/// <summary>What a declaration's type refers to: a primitive, or a named definition (struct, union,
/// enum, typedef, or a runtime-provided type such as afsUUID).</summary>
public sealed record TypeRef(PrimitiveKind? Primitive, string? Name)
{
    public static TypeRef Of(PrimitiveKind kind) => new(kind, null);
    public static TypeRef Named(string name) => new(null, name);
    public bool IsPrimitive => Primitive.HasValue;
    public override string ToString() => Primitive?.ToString() ?? Name ?? "?";
}

public enum DeclarationKind
{
    /// <summary><c>T x</c></summary>
    Scalar,
    /// <summary><c>T *x</c> in a struct, union or typedef: XDR optional data (bool + value).</summary>
    Optional,
    /// <summary><c>T x[N]</c>: N elements, no count on the wire (for char: N 4-byte units).</summary>
    FixedArray,
    /// <summary><c>T x&lt;N&gt;</c>: a count then the elements.</summary>
    VariableArray,
    /// <summary><c>opaque x[N]</c>: N bytes padded to 4.</summary>
    FixedOpaque,
    /// <summary><c>opaque x&lt;N&gt;</c>: length, bytes, padding.</summary>
    VariableOpaque,
    /// <summary><c>string x&lt;N&gt;</c>: length, bytes, padding.</summary>
    String,
    /// <summary><c>void</c> (union arms, procedure results).</summary>
    Void,
}

/// <summary>A declaration: a struct field, union arm, typedef body or parameter. <see cref="Bound"/> is the
/// fixed length or the maximum (null = unbounded) for arrays, opaque and strings.</summary>
public sealed record Declaration(string Name, DeclarationKind Kind, TypeRef Type, long? Bound, SourceLocation Location)
{
    /// <summary>Where the type name is written (diagnostics about the type point there); the name's location when unknown.</summary>
    public SourceLocation TypeLocation { get; init; } = Location;

    /// <summary>The IDL comment that documents the declaration (a comment before it, or after it on the same line).</summary>
    public string? Documentation { get; init; }

    public const long Unbounded = uint.MaxValue;
}

public abstract record Definition(string Name, SourceLocation Location, string? Documentation);

/// <summary>A constant. <see cref="Text"/> is the value as written (a string constant's text without its quotes).</summary>
public sealed record ConstantDefinition(string Name, long? Value, string? Text, SourceLocation Location, string? Documentation)
    : Definition(Name, Location, Documentation)
{
    // A value written as its own decimal form (most constants: 'const C = 12;') is not stored twice (issue 16): the
    // field holds a shared marker and the text is made from the value when asked for.
    private static readonly string Decimal = new('d', 1);
    private readonly string? _text = Compact(Value, Text);

    public string? Text
    {
        get => ReferenceEquals(_text, Decimal) ? Value.GetValueOrDefault().ToString(System.Globalization.CultureInfo.InvariantCulture) : _text;
        init => _text = Compact(Value, value);
    }

    private static string? Compact(long? value, string? text)
    {
        if (value is not { } v || text is null || text.Length == 0 || text.Length > 20) return text;
        // The decimal form of v: no sign unless negative, no leading zero (an octal), digits only.
        if (text[0] == '0' && text.Length > 1) return text;
        for (var i = text[0] == '-' ? 1 : 0; i < text.Length; i++)
            if (text[i] < '0' || text[i] > '9') return text;
        return text == v.ToString(System.Globalization.CultureInfo.InvariantCulture) ? Decimal : text;
    }
}

public sealed record EnumMember(string Name, long Value, SourceLocation Location);

public sealed record EnumDefinition(string Name, EquatableArray<EnumMember> Members, SourceLocation Location, string? Documentation)
    : Definition(Name, Location, Documentation);

public sealed record StructDefinition(string Name, EquatableArray<Declaration> Fields, SourceLocation Location, string? Documentation)
    : Definition(Name, Location, Documentation);

public sealed record UnionCase(long Value, string Label);

public sealed record UnionArm(EquatableArray<UnionCase> Cases, Declaration Body);

public sealed record UnionDefinition(string Name, Declaration Discriminant, EquatableArray<UnionArm> Arms, Declaration? Default,
    SourceLocation Location, string? Documentation) : Definition(Name, Location, Documentation);

public sealed record TypedefDefinition(string Name, Declaration Body, SourceLocation Location, string? Documentation)
    : Definition(Name, Location, Documentation);

public enum ParameterDirection { In, Out, InOut }

public sealed record Parameter(string Name, ParameterDirection Direction, Declaration Declaration);

public enum ProcedureKind { Normal, Split, Multi }

/// <summary>An rxgen procedure. <see cref="DeclarationIndex"/> is its position in the package (rxgen's stat
/// index and function-name table order); <see cref="IsSynthesized"/> marks a GetCapabilities probe that
/// RxGen added because the package declares none.</summary>
public sealed record Procedure(string Name, long Opcode, ProcedureKind Kind, EquatableArray<Parameter> Parameters,
    int DeclarationIndex, bool IsSynthesized, SourceLocation Location, string? Documentation);

/// <summary>An rxgen package: one operation set, served as one Rx service.</summary>
public sealed record Package(string Name, string? ServerPrefix, long? StatIndex, int? ServiceId, string? ShadowOf,
    string SplitStartPrefix, string SplitEndPrefix, EquatableArray<Procedure> Procedures, SourceLocation Location)
{
    public const string ProbeName = "GetCapabilities";
}

public sealed record ProgramProcedure(string Name, long Number, Declaration Result, EquatableArray<Declaration> Arguments,
    SourceLocation Location, string? Documentation);

public sealed record ProgramVersion(string Name, long Number, EquatableArray<ProgramProcedure> Procedures, SourceLocation Location);

/// <summary>An rpcgen <c>program</c>.</summary>
public sealed record ProgramDefinition(string Name, long Number, EquatableArray<ProgramVersion> Versions, SourceLocation Location);

/// <summary>Everything one input defines, in declaration order.</summary>
public sealed record InterfaceModel(
    string Path,
    EquatableArray<ConstantDefinition> Constants,
    EquatableArray<Definition> Types,
    EquatableArray<Package> Packages,
    EquatableArray<ProgramDefinition> Programs);
