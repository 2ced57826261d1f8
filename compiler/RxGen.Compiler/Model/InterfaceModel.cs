using System;
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

/// <summary>A named definition. <see cref="Location"/> is where its name is written; <see cref="Documentation"/> is the
/// IDL comment that documents it.</summary>
public abstract record Definition(string Name)
{
    public abstract SourceLocation Location { get; init; }

    public abstract string? Documentation { get; init; }
}

/// <summary>A constant. <see cref="Text"/> is the value as written (a string constant's text without its quotes).</summary>
/// <remarks>
/// Inputs may hold millions of constants, so this one is small (issue 16: 48 bytes, was 80): a constant whose value is
/// written as its own decimal form (<c>const C = 12;</c>), with no documentation and its name at a place of a file,
/// keeps its name, its value, an offset and a length, and a reference to the file's line table; its text, line and
/// column are made again when asked for. Any other constant keeps the rest in one more object. Equality is by value,
/// as for any record: name, value, text, location and documentation.
/// </remarks>
public sealed record ConstantDefinition : Definition
{
    private long _value;
    // A SourceLines when the constant has the common shape above (the location is _offset/_length in that file), else
    // a Details.
    private object _where;
    private int _offset;
    private int _length;

    public ConstantDefinition(string Name, long? Value, string? Text, SourceLocation Location, string? Documentation)
        : base(Name)
    {
        _where = null!;
        Store(Value, Text, Documentation, null, 0, 0, Location);
    }

    /// <summary>A constant whose name is at <paramref name="offset"/> (<paramref name="length"/> characters) in the
    /// file of <paramref name="lines"/>.</summary>
    internal ConstantDefinition(string name, long? value, string? text, Preprocessing.SourceLines lines, int offset, int length, string? documentation)
        : base(name)
    {
        _where = null!;
        Store(value, text, documentation, lines, offset, length, default);
    }

    public long? Value
    {
        get => _where is Preprocessing.SourceLines || ((Details)_where).HasValue ? _value : null;
        init => Replace(value, Text, Documentation);
    }

    public string? Text
    {
        get => _where is Preprocessing.SourceLines ? _value.ToString(System.Globalization.CultureInfo.InvariantCulture) : ((Details)_where).Text;
        init => Replace(Value, value, Documentation);
    }

    public override SourceLocation Location
    {
        get => _where is Preprocessing.SourceLines lines ? lines.Locate(_offset, _length)
            : ((Details)_where) is { Lines: { } fileLines } ? fileLines.Locate(_offset, _length) : ((Details)_where).Location;
        init => Store(Value, Text, Documentation, null, 0, 0, value);
    }

    public override string? Documentation
    {
        get => _where is Preprocessing.SourceLines ? null : ((Details)_where).Documentation;
        init => Replace(Value, Text, value);
    }

    public bool Equals(ConstantDefinition? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || _value != other._value || !string.Equals(Name, other.Name, StringComparison.Ordinal)) return false;
        if (_where is Preprocessing.SourceLines lines && ReferenceEquals(lines, other._where))
            return _offset == other._offset && _length == other._length;
        return Value == other.Value && string.Equals(Text, other.Text, StringComparison.Ordinal)
            && string.Equals(Documentation, other.Documentation, StringComparison.Ordinal) && Location == other.Location;
    }

    public override int GetHashCode() => unchecked((StringComparer.Ordinal.GetHashCode(Name) * -1521134295) + _value.GetHashCode());

    /// <summary>The same value, text and documentation with another location kept as it is.</summary>
    private void Replace(long? value, string? text, string? documentation)
    {
        if (_where is Preprocessing.SourceLines lines) Store(value, text, documentation, lines, _offset, _length, default);
        else if (((Details)_where).Lines is { } fileLines) Store(value, text, documentation, fileLines, _offset, _length, default);
        else Store(value, text, documentation, null, 0, 0, ((Details)_where).Location);
    }

    private void Store(long? value, string? text, string? documentation, Preprocessing.SourceLines? lines, int offset, int length, SourceLocation location)
    {
        _value = value.GetValueOrDefault();
        _offset = offset;
        _length = length;
        if (lines is not null && documentation is null && value is { } v && IsDecimalForm(v, text)) _where = lines;
        else _where = new Details(value.HasValue, text, documentation, lines, location);
    }

    /// <summary>True if <paramref name="text"/> is <paramref name="value"/>'s decimal form: no sign unless negative,
    /// no leading zero (an octal), digits only.</summary>
    private static bool IsDecimalForm(long value, string? text)
    {
        if (text is null || text.Length == 0 || text.Length > 20) return false;
        if (text[0] == '0' && text.Length > 1) return false;
        for (var i = text[0] == '-' ? 1 : 0; i < text.Length; i++)
            if (text[i] < '0' || text[i] > '9') return false;
        return text == value.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>What a constant of another shape keeps (a location as a whole when it has no file's line table).</summary>
    private sealed class Details
    {
        public Details(bool hasValue, string? text, string? documentation, Preprocessing.SourceLines? lines, SourceLocation location)
        {
            HasValue = hasValue;
            Text = text;
            Documentation = documentation;
            Lines = lines;
            Location = location;
        }

        public bool HasValue { get; }
        public string? Text { get; }
        public string? Documentation { get; }
        public Preprocessing.SourceLines? Lines { get; }
        public SourceLocation Location { get; }
    }
}

public sealed record EnumMember(string Name, long Value, SourceLocation Location);

public sealed record EnumDefinition(string Name, EquatableArray<EnumMember> Members, SourceLocation Location, string? Documentation)
    : Definition(Name);

public sealed record StructDefinition(string Name, EquatableArray<Declaration> Fields, SourceLocation Location, string? Documentation)
    : Definition(Name);

public sealed record UnionCase(long Value, string Label);

public sealed record UnionArm(EquatableArray<UnionCase> Cases, Declaration Body);

public sealed record UnionDefinition(string Name, Declaration Discriminant, EquatableArray<UnionArm> Arms, Declaration? Default,
    SourceLocation Location, string? Documentation) : Definition(Name);

public sealed record TypedefDefinition(string Name, Declaration Body, SourceLocation Location, string? Documentation)
    : Definition(Name);

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
