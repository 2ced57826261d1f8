using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Emit;

/// <summary>Options that shape the generated C#.</summary>
/// <param name="Namespace">The namespace of the input file's own definitions (default: from its first package or program, else its file name).</param>
/// <param name="Public">Public (true) or internal types.</param>
/// <param name="Client">Generate clients.</param>
/// <param name="Server">Generate server interfaces, bases and dispatchers.</param>
public sealed record EmitOptions(string? Namespace = null, bool Public = true, bool Client = true, bool Server = true)
{
    /// <summary>Namespaces of declaring files, keyed by path (as the includer names it) or by file name
    /// (<c>common.xg</c>); files not listed (and not the input) get their default namespace.</summary>
    public EquatableArray<KeyValuePair<string, string>> FileNamespaces { get; init; } = EquatableArray<KeyValuePair<string, string>>.Empty;

    /// <summary>Outside types: IDL type names that no IDL file defines, mapped to user-supplied C# types that
    /// implement <c>IXdrSerializable&lt;T&gt;</c> (<c>nis_object</c> → <c>My.NisObject</c>).</summary>
    public EquatableArray<KeyValuePair<string, string>> ExternalTypes { get; init; } = EquatableArray<KeyValuePair<string, string>>.Empty;

    /// <summary>Decode and encode XDR strings as Latin-1 (every byte string decodes) instead of strict UTF-8.</summary>
    public bool Latin1Strings { get; init; }

    internal string? ExternalType(string idlName)
    {
        foreach (var pair in ExternalTypes)
            if (string.Equals(pair.Key, idlName, StringComparison.Ordinal)) return pair.Value;
        return null;
    }
}

/// <summary>Model → C#: builds view models (names, C# types, XDR statements) and renders them with the
/// embedded Scriban templates. A pure function of the model and the options. Each definition is emitted once,
/// in the output of the file that declares it; definitions of other files are referred to by their
/// namespace-qualified names (as protoc does with imports).</summary>
internal sealed class CSharpEmitter
{
    private readonly InterfaceModel _model;
    private readonly EmitOptions _options;
    private readonly XdrCodegen _codegen;
    private readonly Dictionary<string, Definition> _types;
    private readonly OutputLayout _layout;
    private readonly string _file;
    private readonly string _namespace;

    private CSharpEmitter(InterfaceModel model, EmitOptions options, OutputLayout layout, Dictionary<string, Definition> types, string file)
    {
        _model = model;
        _options = options;
        _types = types;
        _layout = layout;
        _file = file;
        _namespace = layout.NamespaceOf(file);
        _codegen = new XdrCodegen(_types, TypeName, options);
    }

    /// <summary>One output per declaring file: the input's first (always, even if it declares nothing), then every
    /// included file that declares something, in include order.</summary>
    public static IReadOnlyList<(string SourcePath, string Text)> Emit(InterfaceModel model, EmitOptions options, string toolVersion)
    {
        var plan = Plan(model, options, toolVersion);
        var result = new List<(string, string)>();
        foreach (var file in plan.Files)
        {
            var writer = new System.IO.StringWriter(CultureInfo.InvariantCulture);
            plan.Write(file, writer, default);
            result.Add((file, writer.ToString()));
        }
        return result;
    }

    /// <summary>What <see cref="Emit"/> would produce, one file at a time: <see cref="EmitPlan.Files"/> names the
    /// declaring files, <see cref="EmitPlan.Write"/> renders one into a writer as it goes (no whole-file string).</summary>
    /// <param name="types">Each type name's first definition in <paramref name="model"/> (the validator's table), or
    /// null to make it here.</param>
    public static EmitPlan Plan(InterfaceModel model, EmitOptions options, string toolVersion, Dictionary<string, Definition>? types = null)
    {
        if (types is null)
        {
            types = new Dictionary<string, Definition>(model.Types.Count, StringComparer.Ordinal);
            foreach (var type in model.Types) if (!types.ContainsKey(type.Name)) types[type.Name] = type;
        }
        return new EmitPlan(model, options, new OutputLayout(model, options), types, toolVersion);
    }

    /// <summary>The emitter's shared state across the output files of one model.</summary>
    internal sealed class EmitPlan
    {
        private readonly InterfaceModel _model;
        private readonly EmitOptions _options;
        private readonly OutputLayout _layout;
        private readonly Dictionary<string, Definition> _types;
        private readonly string _toolVersion;

        internal EmitPlan(InterfaceModel model, EmitOptions options, OutputLayout layout, Dictionary<string, Definition> types, string toolVersion)
        {
            _model = model;
            _options = options;
            _layout = layout;
            _types = types;
            _toolVersion = toolVersion;
        }

        /// <summary>The declaring files (normalized paths), the input first.</summary>
        public IReadOnlyList<string> Files => _layout.Files;

        /// <summary>Renders the output of one declaring file into <paramref name="writer"/>.</summary>
        public void Write(string file, System.IO.TextWriter writer, System.Threading.CancellationToken cancellationToken) =>
            new CSharpEmitter(_model, _options, _layout, _types, file).Render(_toolVersion, writer, cancellationToken);
    }

    /// <summary>The C# name of a defined type as seen from the file being emitted: bare in its own namespace, else <c>global::</c>-qualified.</summary>
    private string TypeName(Definition definition)
    {
        var ns = _layout.NamespaceOf(_layout.FileOf(definition.Location));
        var name = CSharpNames.Identifier(definition.Name);
        return ns == _namespace ? name : "global::" + ns + "." + name;
    }

    internal static string FileBase(string path)
    {
        var slash = Math.Max(path.LastIndexOf('/'), path.LastIndexOf('\\'));
        var name = path.Substring(slash + 1);
        var dot = name.LastIndexOf('.');
        return dot > 0 ? name.Substring(0, dot) : name;
    }

    private string Access => _options.Public ? "public" : "internal";

    private bool Declares(SourceLocation location) => _layout.FileOf(location) == _file;

    // The file template's three lists are enumerated lazily as the template reaches them, and each definition is
    // rendered on its own into a string that goes straight to the writer: nothing holds the whole output.
    private void Render(string toolVersion, System.IO.TextWriter writer, System.Threading.CancellationToken cancellationToken)
    {
        var file = new FileView
        {
            Source = PathNames.FileName(_file),
            Namespace = _namespace,
            Access = Access,
            ToolVersion = toolVersion,
            IdlClass = IdlClassName(_file),
        };
        // Codec names first (the type table, which comes before the definitions, names them).
        var usedNames = new HashSet<string>(_model.Types.Select(t => CSharpNames.Identifier(t.Name)), StringComparer.Ordinal);
        var codecNames = new string?[_model.Types.Count];   // by index in the model's types
        for (var i = 0; i < codecNames.Length; i++)
        {
            if (_model.Types[i] is not TypedefDefinition t || !Declares(t.Location)) continue;
            var name = CSharpNames.Identifier(t.Name) + "Codec";
            while (!usedNames.Add(name)) name += "_";
            codecNames[i] = name;
        }
        var lists = new KeyValuePair<string, System.Collections.IEnumerable>[]
        {
            new(nameof(FileView.Constants), ConstantViews()),
            new(nameof(FileView.TypeTable), TypeTable(codecNames)),
            new(nameof(FileView.Blocks), Blocks(codecNames, cancellationToken)),
        };
        Templates.RenderTo("File", file, lists, writer);
    }

    private IEnumerable<ConstantView> ConstantViews()
    {
        foreach (var constant in _model.Constants) if (Declares(constant.Location)) yield return ConstantView(constant);
    }

    private IEnumerable<TypeEntryView> TypeTable(string?[] codecNames)
    {
        for (var i = 0; i < codecNames.Length; i++)
        {
            var type = _model.Types[i];
            if (!Declares(type.Location)) continue;
            var name = CSharpNames.Identifier(type.Name);
            var idlName = CSharpNames.Literal(type.Name);
            var info = type switch
            {
                EnumDefinition => $"global::RxGen.Runtime.Xdr.XdrTypeInfo.ForEnum<{name}>({idlName})",
                StructDefinition or UnionDefinition => $"global::RxGen.Runtime.Xdr.XdrTypeInfo.ForSerializable<{name}>({idlName})",
                TypedefDefinition t => $"global::RxGen.Runtime.Xdr.XdrTypeInfo.Create<{_codegen.CsType(_codegen.Expand(t.Body))}, {codecNames[i]}>({idlName})",
                _ => null,
            };
            if (info is not null) yield return new TypeEntryView { IdlName = idlName, Info = info };
        }
    }

    private IEnumerable<string> Blocks(string?[] codecNames, System.Threading.CancellationToken cancellationToken)
    {
        for (var i = 0; i < codecNames.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var type = _model.Types[i];
            if (!Declares(type.Location)) continue;
            switch (type)
            {
                case EnumDefinition e:
                    yield return Templates.Render("Enum", EnumView(e));
                    break;
                case StructDefinition s:
                    yield return Templates.Render("Struct", StructView(s));
                    break;
                case UnionDefinition u:
                    yield return Templates.Render("Union", UnionView(u));
                    break;
                case TypedefDefinition t:
                    yield return Templates.Render("Typedef", TypedefView(t, codecNames[i]!));
                    break;
            }
        }
        foreach (var package in _model.Packages) if (Declares(package.Location)) yield return Templates.Render("Package", PackageView(package));
        foreach (var program in _model.Programs)
        {
            if (!Declares(program.Location)) continue;
            foreach (var version in program.Versions)
                yield return Templates.Render("Program", ProgramView(program, version));
        }
    }

    internal static string IdlClassName(string path) => CSharpNames.Pascal(CSharpNames.Namespace(FileBase(path)).Replace(".", "_")) + "Idl";

    // ------------------------------------------------------------------ typedef codecs

    private TypedefView TypedefView(TypedefDefinition t, string name)
    {
        var valueType = _codegen.CsType(_codegen.Expand(t.Body));
        var encode = new CodeWriter(3);
        var decode = new CodeWriter(3);
        _codegen.Encode(encode, "value", t.Body, t.Name);
        decode.Line($"{valueType} value;");
        _codegen.Decode(decode, "value", t.Body, t.Name);
        decode.Line("return value;");
        return new TypedefView
        {
            Name = name,
            IdlName = t.Name,
            Access = Access,
            ValueType = valueType,
            Wire = CSharpNames.Xml(DescribeWire(t.Body)),
            Doc = Doc(t.Documentation),
            EncodeBody = encode.ToString(),
            DecodeBody = decode.ToString(),
        };
    }

    private static string? Remarks(string? text) => text is null ? null
        : "/// <remarks>\n" + string.Join("\n", text.Split('\n').Select(l => "/// " + CSharpNames.Xml(l))) + "\n/// </remarks>";

    private static string? Doc(string? text) => text is null ? null
        : "/// <summary>\n" + string.Join("\n", text.Split('\n').Select(l => "/// " + CSharpNames.Xml(l))) + "\n/// </summary>";

    // ------------------------------------------------------------------ constants

    private static ConstantView ConstantView(ConstantDefinition constant)
    {
        string type, value;
        if (constant.Value is { } v)
        {
            type = v >= int.MinValue && v <= int.MaxValue ? "int" : v >= 0 && v <= uint.MaxValue ? "uint" : "long";
            value = v.ToString(CultureInfo.InvariantCulture) + (type == "uint" ? "u" : type == "long" ? "L" : "");
        }
        else
        {
            type = "string";
            value = CSharpNames.Literal(constant.Text ?? "");
        }
        return new ConstantView { Name = CSharpNames.Identifier(constant.Name), Type = type, Value = value, Doc = Doc(constant.Documentation) };
    }

    // ------------------------------------------------------------------ enums

    private object EnumView(EnumDefinition e) => new EnumView
    {
        Name = CSharpNames.Identifier(e.Name),
        Access = Access,
        Doc = Doc(e.Documentation),
        Members = e.Members.Select(m => new EnumMemberView { Name = CSharpNames.Identifier(m.Name), Value = m.Value.ToString(CultureInfo.InvariantCulture) }).ToList(),
        Underlying = e.Members.Any(m => m.Value > int.MaxValue) ? "uint" : "int",
    };

    // ------------------------------------------------------------------ structs

    private Dictionary<string, string> PropertyNames(string owner, IEnumerable<Declaration> members)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal) { owner, "Encode", "Decode", "Equals", "GetHashCode", "ToString", "GetType" };
        foreach (var member in members)
        {
            if (member.Kind == DeclarationKind.Void || names.ContainsKey(member.Name)) continue;
            var name = CSharpNames.Pascal(member.Name);
            while (!used.Add(name)) name += "_";
            names[member.Name] = name;
        }
        return names;
    }

    private object StructView(StructDefinition s)
    {
        var names = PropertyNames(s.Name, s.Fields);
        var view = new StructView { Name = CSharpNames.Identifier(s.Name), IdlName = s.Name, Access = Access, Doc = Doc(s.Documentation) };
        foreach (var field in s.Fields)
        {
            view.Fields.Add(new FieldView
            {
                Name = names[field.Name],
                IdlName = field.Name,
                Type = _codegen.CsType(_codegen.Expand(field)),
                Default = _codegen.DefaultValue(field),
                Wire = CSharpNames.Xml(DescribeWire(field)),
                Doc = field.Documentation is { } doc ? CSharpNames.Xml(doc).Replace("\n", " ") : null,
            });
        }

        // Self-referential optional data (linked lists) is walked in a loop, never by recursion.
        var selfLinks = s.Fields.Select((f, i) => (Field: _codegen.Expand(f), Index: i))
            .Where(x => x.Field.Kind == DeclarationKind.Optional && _codegen.ResolveScalar(x.Field.Type).Name == s.Name).ToList();
        var encode = new CodeWriter(3);
        var decode = new CodeWriter(3);
        var typeName = CSharpNames.Identifier(s.Name);
        if (selfLinks.Count == 1)
        {
            var link = selfLinks[0].Index;
            var linkName = names[s.Fields[link].Name];
            var prefix = s.Fields.Take(link).ToList();
            var suffix = s.Fields.Skip(link + 1).ToList();
            encode.Line("var node = this;");
            // A cyclic list would encode forever: the slow pointer (half speed) meets the node only on a cycle.
            encode.Line("var slow = this;");
            encode.Line("var advanceSlow = false;");
            if (suffix.Count > 0) encode.Line($"var pending = new global::System.Collections.Generic.Stack<{typeName}>();");
            encode.Open("while (true)");
            _codegen.EncodeMembers(encode, prefix, "node", s.Name, f => names[f.Name]);
            encode.Line($"var next = node.{linkName};");
            encode.Line("writer.WriteBool(next is not null);");
            encode.Line("if (next is null) break;");
            if (suffix.Count > 0) encode.Line("pending.Push(node);");
            encode.Line("node = next;");
            encode.Line($"if (advanceSlow) slow = slow.{linkName}!;");
            encode.Line("advanceSlow = !advanceSlow;");
            encode.Line($"if (ReferenceEquals(node, slow)) throw new global::RxGen.Runtime.Xdr.XdrException(\"the list is cyclic\", {CSharpNames.Literal(s.Name + "." + s.Fields[link].Name)});");
            encode.Close();
            if (suffix.Count > 0)
            {
                encode.Open("while (true)");
                _codegen.EncodeMembers(encode, suffix, "node", s.Name, f => names[f.Name]);
                encode.Line("if (pending.Count == 0) break;");
                encode.Line("node = pending.Pop();");
                encode.Close();
            }

            decode.Line($"var head = new {typeName}(decoding: true);");
            decode.Line("var node = head;");
            if (suffix.Count > 0) decode.Line($"var pending = new global::System.Collections.Generic.Stack<{typeName}>();");
            decode.Open("while (true)");
            foreach (var f in prefix) _codegen.Decode(decode, "node." + names[f.Name], f, s.Name + "." + f.Name);
            decode.Open("if (!reader.ReadBool())");
            decode.Line($"node.{linkName} = null;");
            decode.Line("break;");
            decode.Close();
            decode.Line($"var next = new {typeName}(decoding: true);");
            decode.Line($"node.{linkName} = next;");
            if (suffix.Count > 0) decode.Line("pending.Push(node);");
            decode.Line("node = next;");
            decode.Close();
            if (suffix.Count > 0)
            {
                decode.Open("while (true)");
                foreach (var f in suffix) _codegen.Decode(decode, "node." + names[f.Name], f, s.Name + "." + f.Name);
                decode.Line("if (pending.Count == 0) break;");
                decode.Line("node = pending.Pop();");
                decode.Close();
            }
            decode.Line("return head;");
        }
        else
        {
            _codegen.EncodeMembers(encode, s.Fields, "this", s.Name, f => names[f.Name]);
            decode.Line($"var result = new {typeName}(decoding: true);");
            foreach (var f in s.Fields) _codegen.Decode(decode, "result." + names[f.Name], f, s.Name + "." + f.Name);
            decode.Line("return result;");
        }
        view.EncodeBody = encode.ToString();
        view.DecodeBody = decode.ToString();
        return view;
    }

    private string DescribeWire(Declaration declaration)
    {
        var d = declaration;
        var type = d.Type.Primitive?.ToString().ToLowerInvariant() ?? d.Type.Name;
        return (d.Kind switch
        {
            DeclarationKind.Scalar => $"{type} {d.Name}",
            DeclarationKind.Optional => $"{type} *{d.Name}",
            DeclarationKind.FixedArray => $"{type} {d.Name}[{d.Bound}]",
            DeclarationKind.VariableArray => $"{type} {d.Name}<{d.Bound}>",
            DeclarationKind.FixedOpaque => $"opaque {d.Name}[{d.Bound}]",
            DeclarationKind.VariableOpaque => $"opaque {d.Name}<{d.Bound}>",
            DeclarationKind.String => $"string {d.Name}<{d.Bound}>",
            _ => "void",
        });
    }

    // ------------------------------------------------------------------ unions

    private string CaseLiteral(Declaration discriminant, UnionCase c)
    {
        var d = _codegen.Expand(discriminant);
        var v = c.Value;
        if (d.Type.Primitive is { } p)
        {
            return p switch
            {
                PrimitiveKind.Bool => v != 0 ? "true" : "false",
                PrimitiveKind.UInt32 => unchecked((uint)v).ToString(CultureInfo.InvariantCulture) + "u",
                PrimitiveKind.Int32 => unchecked((int)v).ToString(CultureInfo.InvariantCulture),
                _ => $"unchecked(({XdrCodegen.PrimitiveType(p)}){v.ToString(CultureInfo.InvariantCulture)})",
            };
        }
        var enumType = _codegen.ElementType(d.Type);
        if (_codegen.Find(d.Type.Name!) is EnumDefinition e && MemberNames(e).Contains(c.Label))
            return enumType + "." + CSharpNames.Identifier(c.Label);
        return $"({enumType})({v.ToString(CultureInfo.InvariantCulture)})";
    }

    // By enum name (the definition Find returns for it); a case label is looked up once per case, not per member.
    private readonly Dictionary<string, HashSet<string>> _enumMemberNames = new(StringComparer.Ordinal);

    private HashSet<string> MemberNames(EnumDefinition e)
    {
        if (!_enumMemberNames.TryGetValue(e.Name, out var names))
            _enumMemberNames[e.Name] = names = new HashSet<string>(e.Members.Select(m => m.Name), StringComparer.Ordinal);
        return names;
    }

    private object UnionView(UnionDefinition u)
    {
        var arms = u.Arms.Select(a => a.Body).ToList();
        if (u.Default is { } dflt) arms.Add(dflt);
        var names = PropertyNames(u.Name, arms.Concat(new[] { u.Discriminant }));
        var typeName = CSharpNames.Identifier(u.Name);
        var view = new UnionView
        {
            Name = typeName,
            IdlName = u.Name,
            Access = Access,
            Doc = Doc(u.Documentation),
            DiscriminantName = names[u.Discriminant.Name],
            DiscriminantType = _codegen.CsType(_codegen.Expand(u.Discriminant)),
        };
        var encode = new CodeWriter(3);
        var decode = new CodeWriter(3);
        _codegen.Encode(encode, "this." + view.DiscriminantName, u.Discriminant, u.Name + "." + u.Discriminant.Name);
        decode.Line($"{view.DiscriminantType} discriminant;");
        _codegen.Decode(decode, "discriminant", u.Discriminant, u.Name + "." + u.Discriminant.Name);
        decode.Line($"var result = new {typeName}(discriminant);");
        encode.Open($"switch (this.{view.DiscriminantName})");
        decode.Open("switch (discriminant)");
        var voidCases = new List<string>();
        var allCases = new List<string>();
        foreach (var arm in u.Arms)
        {
            var literals = arm.Cases.Select(c => CaseLiteral(u.Discriminant, c)).ToList();
            allCases.AddRange(literals);
            foreach (var literal in literals) { encode.Line($"case {literal}:"); decode.Line($"case {literal}:"); }
            if (arm.Body.Kind == DeclarationKind.Void) voidCases.AddRange(literals);
            else
            {
                var armView = ArmView(u, arm.Body, names, literals);
                view.Arms.Add(armView);
                _codegen.Encode(encode, "this." + armView.Field, arm.Body, u.Name + "." + arm.Body.Name);
                _codegen.Decode(decode, "result." + armView.Field, arm.Body, u.Name + "." + arm.Body.Name);
            }
            encode.Line("    break;");
            decode.Line("    break;");
        }
        encode.Line("default:");
        decode.Line("default:");
        if (u.Default is { } def)
        {
            if (def.Kind != DeclarationKind.Void)
            {
                var armView = ArmView(u, def, names, null);
                armView.IsDefault = true;
                view.Arms.Add(armView);
                _codegen.Encode(encode, "this." + armView.Field, def, u.Name + "." + def.Name);
                _codegen.Decode(decode, "result." + armView.Field, def, u.Name + "." + def.Name);
            }
            else view.DefaultIsVoid = true;
            encode.Line("    break;");
            decode.Line("    break;");
        }
        else
        {
            encode.Line($"    throw new global::RxGen.Runtime.Xdr.XdrException(\"discriminant \" + this.{view.DiscriminantName} + \" selects no arm of union {u.Name}\", \"{u.Name}.{u.Discriminant.Name}\");");
            decode.Line($"    throw new global::RxGen.Runtime.Xdr.XdrException(\"discriminant \" + discriminant + \" selects no arm of union {u.Name}\", \"{u.Name}.{u.Discriminant.Name}\");");
        }
        encode.Close();
        decode.Close();
        decode.Line("return result;");
        view.VoidCondition = voidCases.Count == 0 && !view.DefaultIsVoid ? null
            : string.Join(" || ", voidCases.Select(c => "kind == " + c).Concat(view.DefaultIsVoid ? new[] { allCases.Count == 0 ? "true" : "!(" + string.Join(" || ", allCases.Select(c => "kind == " + c)) + ")" } : Array.Empty<string>()));
        view.EncodeBody = encode.ToString();
        view.DecodeBody = decode.ToString();
        view.DefaultDiscriminant = u.Arms.Count > 0 && u.Arms[0].Cases.Count > 0 ? CaseLiteral(u.Discriminant, u.Arms[0].Cases[0]) : "default";
        view.FirstArmDefault = u.Arms.Count > 0 && u.Arms[0].Body.Kind != DeclarationKind.Void ? _codegen.DefaultValue(u.Arms[0].Body) : null;
        view.FirstArmField = u.Arms.Count > 0 && u.Arms[0].Body.Kind != DeclarationKind.Void ? "_" + CSharpNames.Camel(u.Arms[0].Body.Name).TrimStart('@') : null;
        return view;
    }

    private ArmView ArmView(UnionDefinition u, Declaration body, Dictionary<string, string> names, List<string>? literals)
    {
        var property = names[body.Name];
        var type = _codegen.CsType(_codegen.Expand(body));
        return new ArmView
        {
            Name = property,
            Field = "_" + CSharpNames.Camel(body.Name).TrimStart('@'),
            Type = type,
            FieldType = _codegen.IsReferenceType(body) ? type + "?" : type,
            Parameter = CSharpNames.Camel(body.Name),
            Condition = literals is null ? null : string.Join(" || ", literals.Select(l => "{0} == " + l)),
            SingleCase = literals is { Count: 1 } ? literals[0] : null,
            Wire = CSharpNames.Xml(DescribeWire(body)),
        };
    }

    // ------------------------------------------------------------------ packages

    private sealed class ParamInfo
    {
        public Parameter Parameter = null!;
        public string Name = "";
        public string Type = "";
    }

    private object PackageView(Package package)
    {
        var baseName = CSharpNames.PackageBase(package.Name);
        var view = new PackageView
        {
            Name = package.Name,
            Base = baseName,
            Access = Access,
            ServiceId = package.ServiceId?.ToString(CultureInfo.InvariantCulture),
            StatIndex = package.StatIndex?.ToString(CultureInfo.InvariantCulture),
            Client = _options.Client,
            Server = _options.Server,
        };
        var usedMethodNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var procedure in package.Procedures)
        {
            var method = CSharpNames.Pascal(procedure.Name);
            while (!usedMethodNames.Add(method)) method += "_";
            view.Procedures.Add(ProcedureView(package, baseName, method, procedure));
        }
        view.FunctionNames = string.Join(", ", package.Procedures.Select(p => CSharpNames.Literal(package.Name + p.Name)));
        if (package.ShadowOf is { } originalName && _model.Packages.FirstOrDefault(p => p.Name == originalName) is { } original
            && original.ServiceId is { } fromId && package.ServiceId is { } toId)
        {
            var probe = view.Procedures.First(p => p.IdlName == Package.ProbeName);
            var originalView = ProcedureView(original, CSharpNames.PackageBase(original.Name), "GetCapabilities", original.Procedures.First(p => p.Name == Package.ProbeName));
            view.Upgrade = new UpgradeView
            {
                FromBase = QualifiedPackageBase(original),
                FromName = original.Name,
                FromServiceId = fromId.ToString(CultureInfo.InvariantCulture),
                ToServiceId = toId.ToString(CultureInfo.InvariantCulture),
                FromReplyType = originalView.ReplyType,
                ToReplyType = probe.ReplyType,
            };
            AddRoutes(view.Upgrade, view.Procedures, original);
        }
        return view;
    }

    /// <summary>Pairs each opcode of the original with the shadow's procedure of that opcode (RXG0301): routed when
    /// both are plain (not split) calls with the same C# parameter types and the same reply type, or result records with
    /// the same field types (the shadow's record is converted to the original's, field by field).</summary>
    private void AddRoutes(UpgradeView upgrade, List<ProcedureView> shadowProcedures, Package original)
    {
        var originalBase = QualifiedPackageBase(original);
        var usedMethodNames = new HashSet<string>(StringComparer.Ordinal);
        var notRouted = new List<string>();
        foreach (var procedure in original.Procedures)
        {
            var method = CSharpNames.Pascal(procedure.Name);
            while (!usedMethodNames.Add(method)) method += "_";
            var from = ProcedureView(original, originalBase, method, procedure);
            var to = shadowProcedures.FirstOrDefault(p => p.Opcode == from.Opcode);
            // Multi-OUT replies are records of each package (VLXResult, YFSVLXResult): routed when their fields agree.
            var sameRecordShape = from.ResultRecord is not null && to?.ResultRecord is not null && from.OutTypes == to.OutTypes;
            if (to is null || from.IsSplit || to.IsSplit || (from.ReplyType != to.ReplyType && !sameRecordShape) || from.InTypes != to.InTypes)
            {
                notRouted.Add($"<c>{CSharpNames.Xml(original.Name + procedure.Name)}</c> ({from.Opcode})");
                continue;
            }
            upgrade.Routed.Add(new RoutedView
            {
                IdlName = procedure.Name,
                Opcode = from.Opcode,
                Method = method,
                ShadowMethod = to.Method,
                Parameters = from.InParameters,
                Arguments = from.InArguments,
                HasIns = from.HasIns,
                TaskType = from.TaskType,
                HasReply = from.ReplyType is not null,
                ConvertReply = from.ReplyType == to.ReplyType ? null
                    : $"new {from.ReplyType}({string.Join(", ", to.OutFields.Select(f => "r." + f))})",
            });
        }
        upgrade.NotRouted = notRouted.Count == 0 ? "none" : string.Join(", ", notRouted);

    }

    /// <summary>The prefix of a package's generated classes (<c>VL</c> → <c>VLProtocol</c>), qualified when another file declares it.</summary>
    private string QualifiedPackageBase(Package package)
    {
        var ns = _layout.NamespaceOf(_layout.FileOf(package.Location));
        var name = CSharpNames.PackageBase(package.Name);
        return ns == _namespace ? name : "global::" + ns + "." + name;
    }

    private ProcedureView ProcedureView(Package package, string baseName, string method, Procedure procedure)
    {
        var ins = new List<ParamInfo>();
        var outs = new List<ParamInfo>();
        var used = new HashSet<string>(StringComparer.Ordinal) { "cancellationToken", "context", "call", "stream", "connection", "reader", "writer", "buffer", "data", "request", "reply", "result", "clients", "r", "value", "bytes", "state", "upgraded" };
        foreach (var parameter in procedure.Parameters)
        {
            var name = CSharpNames.Camel(parameter.Name);
            while (!used.Add(name)) name += "_";
            var info = new ParamInfo { Parameter = parameter, Name = name, Type = _codegen.CsType(_codegen.Expand(parameter.Declaration)) };
            if (parameter.Direction != ParameterDirection.Out) ins.Add(info);
            if (parameter.Direction != ParameterDirection.In) outs.Add(info);
        }
        var view = new ProcedureView
        {
            IdlName = procedure.Name,
            Method = method,
            Opcode = procedure.Opcode.ToString(CultureInfo.InvariantCulture),
            IsSplit = procedure.Kind == ProcedureKind.Split,
            IsMulti = procedure.Kind == ProcedureKind.Multi,
            IsSynthesized = procedure.IsSynthesized,
            Doc = Remarks(procedure.Documentation),
            Signature = CSharpNames.Xml($"{procedure.Name}({string.Join(", ", procedure.Parameters.Select(p => p.Direction.ToString().ToUpperInvariant() + " " + DescribeWire(p.Declaration)))}) = {procedure.Opcode}"),
            InParameters = string.Join(", ", ins.Select(p => $"{p.Type} {p.Name}")),
            InArguments = string.Join(", ", ins.Select(p => p.Name)),
            InTypes = string.Join(", ", ins.Select(p => p.Type)),
            HasIns = ins.Count > 0,
            StartPrefix = package.SplitStartPrefix,
            EndPrefix = package.SplitEndPrefix,
        };
        view.OutTypes = string.Join(", ", outs.Select(p => p.Type));
        var path = package.Name + procedure.Name;

        // Reply shape: nothing, one value, or a generated record.
        if (outs.Count == 0) view.ReplyType = null;
        else if (outs.Count == 1) view.ReplyType = outs[0].Type;
        else
        {
            view.ReplyType = baseName + method + "Result";
            view.OutFields.AddRange(outs.Select(o => CSharpNames.Pascal(o.Parameter.Name)));
            view.ResultRecord = $"{Access} sealed record {view.ReplyType}({string.Join(", ", outs.Select(o => $"{o.Type} {CSharpNames.Pascal(o.Parameter.Name)}"))});";
        }
        view.TaskType = view.ReplyType is null ? "global::System.Threading.Tasks.Task" : $"global::System.Threading.Tasks.Task<{view.ReplyType}>";
        view.ServiceTaskType = view.ReplyType is null ? "global::System.Threading.Tasks.ValueTask" : $"global::System.Threading.Tasks.ValueTask<{view.ReplyType}>";

        // Request: opcode + IN/INOUT.
        var encodeRequest = new CodeWriter(3);
        encodeRequest.Line($"writer.WriteInt32({view.Opcode});");
        foreach (var p in ins) _codegen.Encode(encodeRequest, p.Name, p.Parameter.Declaration, path + "." + p.Parameter.Name);
        view.EncodeRequest = encodeRequest.ToString();

        // Server: decode the IN/INOUT args (opcode already read) into a value (one arg) or a tuple.
        var decodeRequest = new CodeWriter(3);
        foreach (var p in ins)
        {
            decodeRequest.Line($"{p.Type} {p.Name};");
            _codegen.Decode(decodeRequest, p.Name, p.Parameter.Declaration, path + "." + p.Parameter.Name);
        }
        view.RequestType = ins.Count == 0 ? null : ins.Count == 1 ? ins[0].Type : "(" + string.Join(", ", ins.Select(p => $"{p.Type} {p.Name}")) + ")";
        decodeRequest.Line(ins.Count == 0 ? "return;" : ins.Count == 1 ? $"return {ins[0].Name};" : $"return ({string.Join(", ", ins.Select(p => p.Name))});");
        view.DecodeRequest = decodeRequest.ToString();
        view.RequestArguments = ins.Count == 0 ? "" : ins.Count == 1 ? "request" : string.Join(", ", ins.Select(p => "request." + p.Name));

        // Reply encode/decode.
        var encodeReply = new CodeWriter(3);
        var decodeReply = new CodeWriter(3);
        foreach (var o in outs)
        {
            var valueExpr = outs.Count == 1 ? "reply" : "reply." + CSharpNames.Pascal(o.Parameter.Name);
            _codegen.Encode(encodeReply, valueExpr, o.Parameter.Declaration, path + "." + o.Parameter.Name);
            decodeReply.Line($"{o.Type} {o.Name};");
            _codegen.Decode(decodeReply, o.Name, o.Parameter.Declaration, path + "." + o.Parameter.Name);
        }
        decodeReply.Line($"reader.EnsureAtEnd({CSharpNames.Literal(path + " reply")});");
        if (outs.Count == 1) decodeReply.Line($"return {outs[0].Name};");
        else if (outs.Count > 1) decodeReply.Line($"return new {view.ReplyType}({string.Join(", ", outs.Select(o => o.Name))});");
        view.EncodeReply = encodeReply.ToString();
        view.DecodeReply = decodeReply.ToString();
        return view;
    }

    // ------------------------------------------------------------------ rpcgen programs

    private object ProgramView(ProgramDefinition program, ProgramVersion version)
    {
        var view = new ProgramView
        {
            ProgramName = program.Name,
            VersionName = version.Name,
            Base = CSharpNames.Identifier(version.Name),
            Access = Access,
            Program = program.Number.ToString(CultureInfo.InvariantCulture) + "u",
            Version = version.Number.ToString(CultureInfo.InvariantCulture) + "u",
            Client = _options.Client,
            Server = _options.Server,
            HasNullProcedure = version.Procedures.Any(p => p.Number == 0),
        };
        var usedMethodNames = new HashSet<string>(StringComparer.Ordinal);
        foreach (var procedure in version.Procedures)
        {
            var method = CSharpNames.Pascal(procedure.Name);
            while (!usedMethodNames.Add(method)) method += "_";
            var path = version.Name + "." + procedure.Name;
            var usedArgNames = new HashSet<string>(StringComparer.Ordinal) { "args", "result", "reader", "writer", "buffer", "data", "request", "reply", "cancellationToken", "context" };
            var args = procedure.Arguments.Select(a =>
            {
                var argName = CSharpNames.Camel(a.Name);
                while (!usedArgNames.Add(argName)) argName += "_";
                return (Decl: a, Name: argName, Type: _codegen.CsType(_codegen.Expand(a)));
            }).ToList();
            var resultVoid = procedure.Result.Kind == DeclarationKind.Void;
            var resultType = resultVoid ? null : _codegen.CsType(_codegen.Expand(procedure.Result));
            var encodeArgs = new CodeWriter(3);
            foreach (var a in args) _codegen.Encode(encodeArgs, a.Name, a.Decl, path + "." + a.Decl.Name);
            var decodeArgs = new CodeWriter(3);
            foreach (var a in args)
            {
                decodeArgs.Line($"{a.Type} {a.Name};");
                _codegen.Decode(decodeArgs, a.Name, a.Decl, path + "." + a.Decl.Name);
            }
            decodeArgs.Line("reader.EnsureAtEnd(" + CSharpNames.Literal(path + " arguments") + ");");
            decodeArgs.Line(args.Count == 0 ? "return;" : args.Count == 1 ? $"return {args[0].Name};" : $"return ({string.Join(", ", args.Select(a => a.Name))});");
            var encodeResult = new CodeWriter(3);
            var decodeResult = new CodeWriter(3);
            if (!resultVoid)
            {
                _codegen.Encode(encodeResult, "result", procedure.Result, path + ".result");
                decodeResult.Line($"{resultType} result;");
                _codegen.Decode(decodeResult, "result", procedure.Result, path + ".result");
            }
            decodeResult.Line("reader.EnsureAtEnd(" + CSharpNames.Literal(path + " result") + ");");
            if (!resultVoid) decodeResult.Line("return result;");
            view.Procedures.Add(new ProgramProcedureView
            {
                IdlName = procedure.Name,
                Method = method,
                Number = procedure.Number.ToString(CultureInfo.InvariantCulture) + "u",
                Doc = Doc(procedure.Documentation),
                ResultType = resultType,
                TaskType = resultType is null ? "global::System.Threading.Tasks.Task" : $"global::System.Threading.Tasks.Task<{resultType}>",
                ServiceTaskType = resultType is null ? "global::System.Threading.Tasks.ValueTask" : $"global::System.Threading.Tasks.ValueTask<{resultType}>",
                Parameters = string.Join(", ", args.Select(a => $"{a.Type} {a.Name}")),
                Arguments = string.Join(", ", args.Select(a => a.Name)),
                HasArgs = args.Count > 0,
                ArgsType = args.Count == 0 ? null : args.Count == 1 ? args[0].Type : "(" + string.Join(", ", args.Select(a => $"{a.Type} {a.Name}")) + ")",
                ArgsArguments = args.Count == 0 ? "" : args.Count == 1 ? "args" : string.Join(", ", args.Select(a => "args." + a.Name)),
                EncodeArgs = encodeArgs.ToString(),
                DecodeArgs = decodeArgs.ToString(),
                EncodeResult = encodeResult.ToString(),
                DecodeResult = decodeResult.ToString(),
            });
        }
        return view;
    }
}
