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
    private static readonly TypeRef[] Primitives = CreatePrimitives();

    /// <summary>The primitive type (one shared instance per kind: a model holds one per declaration).</summary>
    public static TypeRef Of(PrimitiveKind kind) => (uint)kind < (uint)Primitives.Length ? Primitives[(int)kind] : new(kind, null);
    public static TypeRef Named(string name) => new(null, name);
    public bool IsPrimitive => Primitive.HasValue;
    public override string ToString() => Primitive?.ToString() ?? Name ?? "?";

    private static TypeRef[] CreatePrimitives()
    {
        var kinds = (PrimitiveKind[])Enum.GetValues(typeof(PrimitiveKind));
        var all = new TypeRef[kinds.Length];
        foreach (var kind in kinds) all[(int)kind] = new TypeRef(kind, null);
        return all;
    }
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
/// <remarks>
/// Inputs may hold hundreds of thousands of declarations, so this one is small (issue 16: 64 bytes, was 112): a
/// declaration whose name and type are at places of one file and that has no documentation keeps two offsets and two
/// lengths into that file's line table, and its locations are made again when asked for. Any other keeps its
/// locations and documentation in one more object. Equality is by value, as for any record.
/// </remarks>
public sealed record Declaration
{
    private long _bound;
    // A SourceLines when both locations are _offset/_length and _typeOffset/_typeLength in that file and there is no
    // documentation, else a Details.
    private object _where;
    private int _offset;
    private int _typeOffset;
    private ushort _length;
    private ushort _typeLength;
    private byte _kind;
    private bool _hasBound;

    public Declaration(string Name, DeclarationKind Kind, TypeRef Type, long? Bound, SourceLocation Location)
    {
        this.Name = Name;
        this.Type = Type;
        _kind = (byte)Kind;
        _hasBound = Bound.HasValue;
        _bound = Bound.GetValueOrDefault();
        _where = new Details(null, Location, Location, null);
    }

    /// <summary>A declaration whose name is at <paramref name="offset"/> (<paramref name="length"/> characters) and
    /// whose type is at <paramref name="typeOffset"/> in the file of <paramref name="lines"/>.</summary>
    internal Declaration(string name, DeclarationKind kind, TypeRef type, long? bound, Preprocessing.SourceLines lines, int offset, int length,
        int typeOffset, int typeLength, string? documentation)
    {
        Name = name;
        Type = type;
        _kind = (byte)kind;
        _hasBound = bound.HasValue;
        _bound = bound.GetValueOrDefault();
        _where = null!;
        if (length <= ushort.MaxValue && typeLength <= ushort.MaxValue)
        {
            _offset = offset;
            _length = (ushort)length;
            _typeOffset = typeOffset;
            _typeLength = (ushort)typeLength;
            _where = documentation is null ? lines : new Details(lines, default, default, documentation);
        }
        else
        {
            _where = new Details(null, lines.Locate(offset, length), lines.Locate(typeOffset, typeLength), documentation);
        }
    }

    public string Name { get; init; }

    public DeclarationKind Kind { get => (DeclarationKind)_kind; init => _kind = (byte)value; }

    public TypeRef Type { get; init; }

    public long? Bound
    {
        get => _hasBound ? _bound : null;
        init
        {
            _hasBound = value.HasValue;
            _bound = value.GetValueOrDefault();
        }
    }

    /// <summary>Where the name is written.</summary>
    public SourceLocation Location
    {
        get => Lines is { } lines ? lines.Locate(_offset, _length) : ((Details)_where).Location;
        init => Place(value, TypeLocation, Documentation);
    }

    /// <summary>Where the type name is written (diagnostics about the type point there); the name's location when unknown.</summary>
    public SourceLocation TypeLocation
    {
        get => Lines is { } lines ? lines.Locate(_typeOffset, _typeLength) : ((Details)_where).TypeLocation;
        init => Place(Location, value, Documentation);
    }

    /// <summary>The IDL comment that documents the declaration (a comment before it, or after it on the same line).</summary>
    public string? Documentation
    {
        get => _where is Preprocessing.SourceLines ? null : ((Details)_where).Documentation;
        init
        {
            if (Lines is { } lines) _where = value is null ? lines : new Details(lines, default, default, value);
            else Place(Location, TypeLocation, value);
        }
    }

    public const long Unbounded = uint.MaxValue;

    public void Deconstruct(out string Name, out DeclarationKind Kind, out TypeRef Type, out long? Bound, out SourceLocation Location)
    {
        Name = this.Name;
        Kind = this.Kind;
        Type = this.Type;
        Bound = this.Bound;
        Location = this.Location;
    }

    public bool Equals(Declaration? other)
    {
        if (ReferenceEquals(this, other)) return true;
        if (other is null || _kind != other._kind || _hasBound != other._hasBound || _bound != other._bound
            || !string.Equals(Name, other.Name, StringComparison.Ordinal) || !Equals(Type, other.Type)) return false;
        if (_where is Preprocessing.SourceLines lines && ReferenceEquals(lines, other._where))
            return _offset == other._offset && _length == other._length && _typeOffset == other._typeOffset && _typeLength == other._typeLength;
        return Location == other.Location && TypeLocation == other.TypeLocation && string.Equals(Documentation, other.Documentation, StringComparison.Ordinal);
    }

    public override int GetHashCode() =>
        unchecked((((StringComparer.Ordinal.GetHashCode(Name) * -1521134295) + _kind) * -1521134295) + (Type?.GetHashCode() ?? 0));

    /// <summary>The file whose line table holds both locations (at the offsets of this object), or null.</summary>
    private Preprocessing.SourceLines? Lines => _where as Preprocessing.SourceLines ?? ((Details)_where).Lines;

    /// <summary>Stores the locations and documentation: compactly when both locations are places of the file this
    /// declaration's locations are already in, else in a <see cref="Details"/>.</summary>
    private void Place(SourceLocation location, SourceLocation typeLocation, string? documentation)
    {
        if (Lines is { } lines && Fits(lines, location) && Fits(lines, typeLocation))
        {
            _offset = location.Offset;
            _length = (ushort)location.Length;
            _typeOffset = typeLocation.Offset;
            _typeLength = (ushort)typeLocation.Length;
            _where = documentation is null ? lines : new Details(lines, default, default, documentation);
            return;
        }

        _offset = _typeOffset = 0;
        _length = _typeLength = 0;
        _where = new Details(null, location, typeLocation, documentation);
    }

    private static bool Fits(Preprocessing.SourceLines lines, SourceLocation location) =>
        location.Offset >= 0 && location.Length is >= 0 and <= ushort.MaxValue && string.Equals(location.Path, lines.Path, StringComparison.Ordinal)
        && lines.Starts.Length > 0 && lines.Locate(location.Offset, location.Length) == location;

    /// <summary>What a declaration of another shape keeps: its documentation, and its locations as a whole when they are
    /// not both places of one file's line table (<see cref="Lines"/> null).</summary>
    private sealed class Details
    {
        public Details(Preprocessing.SourceLines? lines, SourceLocation location, SourceLocation typeLocation, string? documentation)
        {
            Lines = lines;
            Location = location;
            TypeLocation = typeLocation;
            Documentation = documentation;
        }

        public Preprocessing.SourceLines? Lines { get; }
        public SourceLocation Location { get; }
        public SourceLocation TypeLocation { get; }
        public string? Documentation { get; }
    }
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
