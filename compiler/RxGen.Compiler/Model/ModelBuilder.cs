using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using Antlr4.Runtime;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;
using RxGen.Compiler.Syntax;
using RxGen.Compiler.Syntax.Generated;
using P = RxGen.Compiler.Syntax.Generated.RxGenIdlParser;

namespace RxGen.Compiler.Model;

/// <summary>Syntax → model: walks the parse tree once, applying rxgen's semantics (direction inheritance
/// across procedures, the global auto-numbering counter, parameter '*' = by reference), and resolves every
/// value (numbers, constants, enum members, macros). Type-level checks live in <see cref="Validation.ModelValidator"/>.</summary>
internal sealed class ModelBuilder
{
    /// <summary>The synthesized probe's opcode (docs/idl-extension.md): 65537, or the first free opcode above it.</summary>
    public const long SynthesizedProbeOpcode = 65537;
    public const long CapabilitiesMax = 196;

    private readonly ParsedIdl _parsed;
    private readonly DiagnosticBag _diagnostics;
    private readonly CancellationToken _cancellationToken;

    // Sized from the first pass's counts (issue 16: the model of a large input is held once, exactly sized).
    private readonly ArrayBuilder<ConstantDefinition> _constants = new();
    private readonly ArrayBuilder<Definition> _types = new();
    private int _constantCount, _typeCount;
    private readonly List<PackageBuilder> _packages = new();
    private readonly List<ProgramDefinition> _programs = new();
    // Every named value known so far: the first pass's plain numbers, then (second pass) each value as its definition
    // is met or as a forward use resolves it. Its names are the model's names (interned).
    private readonly NameTable _symbolValues = new();

    // rxgen's global state, reproduced exactly (protocols.md §1.4).
    private ParameterDirection? _lastDirection;
    private long? _masterOpcode;
    private string? _serverPrefix;
    private string _splitStart = "Start";
    private string _splitEnd = "End";

    private ModelBuilder(ParsedIdl parsed, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        _parsed = parsed;
        _diagnostics = diagnostics;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Builds the model, or returns null when the input has errors (preprocessor or syntax). Reads the
    /// input twice, one chunk at a time: first every named value (they may be used before their definition),
    /// then the definitions.</summary>
    public static InterfaceModel? Build(string path, ParsedIdl parsed, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        var builder = new ModelBuilder(parsed, diagnostics, cancellationToken);
        return builder.Run(path);
    }

    private CommonTokenStream _tokens = null!;

    private InterfaceModel? Run(string path)
    {
        // With errors (preprocessor or syntax) the rest of the input is only parsed, to report its syntax errors.
        // The first pass leaves structs, unions and typedefs unparsed (it needs only the names their values use); if
        // one of them turns out to be malformed, the diagnostics are those of a first pass that parsed everything.
        var before = _diagnostics.Items.Count;
        var leftUnparsed = false;
        foreach (var chunk in _parsed.Chunks(leaveTypesUnparsed: !_diagnostics.HasErrors))
        {
            leftUnparsed |= chunk.IsUnparsedType;
            if (_diagnostics.HasErrors) continue;
            if (chunk.IsUnparsedType) CollectTypeUses(chunk);
            else CollectSymbols(chunk.Definitions);
        }
        if (_diagnostics.HasErrors)
        {
            if (leftUnparsed) ReportSyntaxErrorsOnly(before);
            return null;
        }
        CollectNeededNumbers();
        _constants.EnsureCapacity(_constantCount + _parsed.Source.PassThroughDefines.Count);
        _types.EnsureCapacity(_typeCount);
        foreach (var chunk in _parsed.Chunks())
        {
            if (_parsed.ErrorCount > 0)
            {
                // A struct, union or typedef that the first pass did not parse is malformed.
                _tokens = null!;
                ReportSyntaxErrorsOnly(before);
                return null;
            }
            _tokens = chunk.Tokens;
            foreach (var definition in chunk.Definitions)
            {
                _cancellationToken.ThrowIfCancellationRequested();
                Visit(definition);
            }
        }
        _tokens = null!;
        var defined = DefinedConstantNames();
        foreach (var define in _parsed.Source.PassThroughDefines)
        {
            if (!defined.Add(define.Name)) continue;
            var stripped = StripComments(define.Value);
            long? value = TryParseNumber(stripped, out var number) ? number : null;
            var text = stripped.Length >= 2 && stripped[0] == '"' && stripped[stripped.Length - 1] == '"' ? stripped.Substring(1, stripped.Length - 2) : stripped;
            _constants.Add(new ConstantDefinition(define.Name, value, text, define.Location, "From '%#define " + define.Name + "'."));
        }
        // <rpc/rpc.h> types used by rpcgen files, when the file does not define them itself.
        if (_referencedTypeNames.Contains("netobj") && !_types.Any(t => t.Name == "netobj"))
            _types.Add(new TypedefDefinition("netobj", new Declaration("netobj", DeclarationKind.VariableOpaque, TypeRef.Of(PrimitiveKind.UChar), 1024, SourceLocation.None), SourceLocation.None, "struct netobj of <rpc/xdr.h>: opaque<MAX_NETOBJ_SZ = 1024>."));
        if (_referencedTypeNames.Contains("des_block") && !_types.Any(t => t.Name == "des_block"))
            _types.Add(new TypedefDefinition("des_block", new Declaration("des_block", DeclarationKind.FixedOpaque, TypeRef.Of(PrimitiveKind.UChar), 8, SourceLocation.None), SourceLocation.None, "union des_block of <rpc/auth.h>: 8 opaque bytes."));
        if (_referencedTypeNames.Contains("netbuf") && !_types.Any(t => t.Name == "netbuf"))
            _types.Add(new StructDefinition("netbuf", new[]
            {
                new Declaration("maxlen", DeclarationKind.Scalar, TypeRef.Of(PrimitiveKind.UInt32), null, SourceLocation.None),
                new Declaration("buf", DeclarationKind.VariableOpaque, TypeRef.Of(PrimitiveKind.UChar), 9000, SourceLocation.None),
            }.ToEquatableArray(), SourceLocation.None, "struct netbuf of <rpc/types.h> as libtirpc's xdr_netbuf encodes it: maxlen, then opaque buf<maxlen> (at most RPC_MAXDATASIZE = 9000)."));
        var packages = _packages.Select(p => p.Build(this)).ToEquatableArray();
        return new InterfaceModel(path, _constants.ToEquatableArray(), _types.ToEquatableArray(), packages, _programs.ToEquatableArray());
    }

    /// <summary>Which of the '%#define' names are also constants of the IDL (those are not added again); a set of the
    /// few '%#define' names, not of every constant.</summary>
    private HashSet<string> DefinedConstantNames()
    {
        var defines = new HashSet<string>(StringComparer.Ordinal);
        foreach (var define in _parsed.Source.PassThroughDefines) defines.Add(define.Name);
        var defined = new HashSet<string>(StringComparer.Ordinal);
        if (defines.Count == 0) return defined;
        foreach (var constant in _constants)
            if (defines.Contains(constant.Name)) defined.Add(constant.Name);
        return defined;
    }

    /// <summary>A %#define value without its C comments (<c>0x1000 /* RW exists */</c> → <c>0x1000</c>); string literals are kept whole.</summary>
    private static string StripComments(string value)
    {
        if (value.IndexOf("/*", StringComparison.Ordinal) < 0 && value.IndexOf("//", StringComparison.Ordinal) < 0) return value.Trim();
        var builder = new System.Text.StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var ch = value[i];
            if (ch == '"' || ch == '\'')
            {
                var end = i + 1;
                while (end < value.Length && value[end] != ch) end += value[end] == '\\' ? 2 : 1;
                end = Math.Min(end, value.Length - 1);
                builder.Append(value, i, end - i + 1);
                i = end;
            }
            else if (ch == '/' && i + 1 < value.Length && value[i + 1] == '*')
            {
                var close = value.IndexOf("*/", i + 2, StringComparison.Ordinal);
                builder.Append(' ');
                i = close < 0 ? value.Length : close + 1;
            }
            else if (ch == '/' && i + 1 < value.Length && value[i + 1] == '/') break;
            else builder.Append(ch);
        }
        return builder.ToString().Trim();
    }

    // ------------------------------------------------------------------ values

    // First pass: constants, enum members and rpcgen program/version/procedure numbers may be used before
    // their definition (rpcgen emits them all as C #defines), so record every named value, resolve lazily.
    // Values are kept as their text, not as parse contexts, so that no parse tree outlives its chunk.
    private readonly Dictionary<string, PendingValue> _pendingSymbols = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (PendingValue?[] Members, int Index)> _pendingEnumMembers = new(StringComparer.Ordinal);

    /// <summary>A value as written: a number or a name.</summary>
    private sealed class PendingValue
    {
        public PendingValue(P.ValueContext context)
        {
            // An error-recovered tree may have neither (a syntax error is reported then, and nothing is resolved).
            if (context.NUMBER() is { } number) Number = number.GetText();
            else if (context.identifier() is { } identifier) Name = ModelBuilder.Name(identifier);
        }

        public string? Number { get; }
        public string? Name { get; }
    }
    private readonly HashSet<string> _resolving = new(StringComparer.Ordinal);
    private readonly HashSet<string> _referencedTypeNames = new(StringComparer.Ordinal);

    /// <summary>Values and types rpcgen files take from &lt;rpc/rpc.h&gt; (documented in docs/idl.md).</summary>
    private static readonly Dictionary<string, long> BuiltinSymbols = new(StringComparer.Ordinal)
    {
        ["TRUE"] = 1,
        ["FALSE"] = 0,
        ["MAXNETNAMELEN"] = 255,
        ["MAX_NETOBJ_SZ"] = 1024,
    };

    // Names used as values anywhere (issue 16). The first pass keeps the value of a name only if the name was used
    // before that point (a forward use: the second pass meets it before the definition), and the second pass keeps
    // the value of a definition only if the name is used at all; a file of a million constants nobody names again
    // keeps no table of them.
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);
    private bool _usesOfDefinesCollected;

    /// <summary>Records the names that <paramref name="node"/>'s values name.</summary>
    private void CollectUses(Antlr4.Runtime.Tree.IParseTree node)
    {
        var stack = new Stack<Antlr4.Runtime.Tree.IParseTree>();
        stack.Push(node);
        while (stack.Count > 0)
        {
            var current = stack.Pop();
            if (current is P.ValueContext value)
            {
                if (value.identifier() is { } id) _used.Add(Name(id));
                continue;
            }
            if (current is not ParserRuleContext rule || rule.children is not { } children) continue;
            foreach (var child in children)
                if (child is ParserRuleContext) stack.Push(child);
        }
    }

    /// <summary>'%#define' values may name IDL constants (resolved when a value names the define).</summary>
    private void CollectUsesOfDefines()
    {
        foreach (var define in _parsed.Source.PassThroughDefines)
        {
            var text = define.Value;
            for (var i = 0; i < text.Length;)
            {
                if (char.IsLetter(text[i]) || text[i] == '_')
                {
                    var start = i;
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                    _used.Add(text.Substring(start, i - start));
                }
                else if (char.IsDigit(text[i]))
                {
                    while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_')) i++;
                }
                else i++;
            }
        }
    }

    private bool IsUsed(string name) => _used.Contains(name);

    /// <summary>Records a value met in the second pass, if anything names it.</summary>
    private void Define(string name, long value)
    {
        if (IsUsed(name)) _symbolValues.Set(name, value);
    }

    private void CollectSymbols(P.DefinitionContext[] definitions)
    {
        if (!_usesOfDefinesCollected)
        {
            _usesOfDefinesCollected = true;
            CollectUsesOfDefines();
        }
        foreach (var definition in definitions)
        {
            // Uses first: a definition that names itself ('const A = A;') counts as a forward use.
            CollectUses(definition);
            if (definition.constDefinition() is { } c)
            {
                _constantCount++;
                Pending(c.identifier(), c.value());
            }
            if (definition.structDefinition() is not null || definition.unionDefinition() is not null || definition.typedefDefinition() is not null) _typeCount++;
            if (definition.enumDefinition() is { } e)
            {
                _typeCount++;
                var members = e.enumBody()?.enumMember() ?? Array.Empty<P.EnumMemberContext>();
                var values = members.Select(m => m.value() is { } v ? new PendingValue(v) : null).ToArray();
                for (var i = 0; i < members.Length; i++)
                    if (members[i].identifier() is { } member) _pendingEnumMembers[Name(member)] = (values, i);
            }
            if (definition.programDefinition() is { } program)
            {
                Pending(program.identifier(), program.value());
                foreach (var version in program.versionDefinition())
                {
                    Pending(version.identifier(), version.value());
                    foreach (var proc in version.programProcedure()) Pending(proc.identifier(), proc.value());
                }
            }
        }
    }

    /// <summary>The first pass over a struct, union or typedef left unparsed: one more type, and the names its values
    /// use (the same names <see cref="CollectUses"/> finds in its tree when it is well formed).</summary>
    private void CollectTypeUses(ParsedChunk chunk)
    {
        _typeCount++;
        foreach (var name in ParsedIdl.NamesUsedAsValues(chunk.Tokens)) _used.Add(name);
    }

    /// <summary>The diagnostics of an input with syntax errors: those before the first pass (<paramref name="count"/>,
    /// the preprocessor's), then every lexer and parser error in input order, as a first pass that parses every chunk
    /// reports them.</summary>
    private void ReportSyntaxErrorsOnly(int count)
    {
        _diagnostics.Truncate(count);
        _parsed.ForgetReported();
        foreach (var _ in _parsed.Chunks()) _cancellationToken.ThrowIfCancellationRequested();
    }

    private void Pending(P.IdentifierContext? name, P.ValueContext? value)
    {
        if (name is null || value is null) return;
        var key = Name(name);
        // A plain number (most constants) is kept as its value, and only if the name was used before this point
        // (or replaces a value kept for it); a value written as a name is always kept (it may be needed by a forward
        // use of a name that names it, see CollectNeededNumbers).
        if (value.NUMBER() is { } number && TryParseNumber(number.GetText(), out var known))
        {
            if (_pendingSymbols.Remove(key) || IsUsed(key)) _symbolValues.Set(key, known);
        }
        else
        {
            _symbolValues.ClearValue(key);
            _pendingSymbols[key] = new PendingValue(value);
        }
    }

    /// <summary>
    /// A value kept as a name ('const V = P;', an enum member '= P') is resolved when first needed, which may be before
    /// the second pass meets the definition of a plain number it names even when that number came first in the file
    /// (<c>const V = P; const F = 7; const P = F;</c>: F was not kept, nothing had named it yet). Such numbers are
    /// read by one more pass over the input, only when there are any.
    /// </summary>
    private void CollectNeededNumbers()
    {
        var needed = new HashSet<string>(StringComparer.Ordinal);
        void Need(PendingValue? pending)
        {
            if (pending?.Name is { } name && !_symbolValues.TryGetValue(name, out _) && !_pendingSymbols.ContainsKey(name)) needed.Add(name);
        }
        foreach (var pending in _pendingSymbols.Values) Need(pending);
        foreach (var member in _pendingEnumMembers.Values)
            foreach (var pending in member.Members) Need(pending);
        if (needed.Count == 0) return;
        void Number(P.IdentifierContext? name, P.ValueContext? value)
        {
            if (name is not null && value?.NUMBER() is { } number && needed.Contains(Name(name)) && TryParseNumber(number.GetText(), out var known))
                _symbolValues.Set(Name(name), known);
        }
        foreach (var chunk in _parsed.Chunks(leaveTypesUnparsed: true))
        {
            foreach (var definition in chunk.Definitions)
            {
                if (definition.constDefinition() is { } c) Number(c.identifier(), c.value());
                if (definition.programDefinition() is not { } program) continue;
                Number(program.identifier(), program.value());
                foreach (var version in program.versionDefinition())
                {
                    Number(version.identifier(), version.value());
                    foreach (var proc in version.programProcedure()) Number(proc.identifier(), proc.value());
                }
            }
        }
    }


    private bool TryResolvePending(string name, out long value)
    {
        value = 0;
        if (!_resolving.Add(name)) return false; // a cycle: const A = B; const B = A;
        try
        {
            if (_pendingSymbols.TryGetValue(name, out var context) && TryResolve(context, out value, out _)) { _symbolValues.Set(name, value); return true; }
            if (_pendingEnumMembers.TryGetValue(name, out var member))
            {
                long next = 0;
                for (var i = 0; i <= member.Index; i++)
                {
                    if (member.Members[i] is { } explicitValue)
                    {
                        if (!TryResolve(explicitValue, out next, out _)) return false;
                    }
                    if (i == member.Index) { value = next; _symbolValues.Set(name, value); return true; }
                    next++;
                }
            }
            return false;
        }
        finally
        {
            _resolving.Remove(name);
        }
    }

    internal static bool TryParseNumber(string text, out long value)
    {
        value = 0;
        text = text.Trim();
        var negative = text.StartsWith("-", StringComparison.Ordinal);
        if (negative) text = text.Substring(1);
        while (text.Length > 1 && (text.EndsWith("L", StringComparison.OrdinalIgnoreCase) || text.EndsWith("U", StringComparison.OrdinalIgnoreCase)))
            text = text.Substring(0, text.Length - 1);
        if (text.Length == 0) return false;
        ulong magnitude;
        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            if (!ulong.TryParse(text.Substring(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out magnitude)) return false;
        }
        else if (text.Length > 1 && text[0] == '0')
        {
            magnitude = 0;
            foreach (var ch in text)
            {
                if (ch < '0' || ch > '7') return false;
                magnitude = checked(magnitude * 8 + (ulong)(ch - '0'));
            }
        }
        else if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out magnitude)) return false;
        if (magnitude > long.MaxValue) return false;
        value = negative ? -(long)magnitude : (long)magnitude;
        return true;
    }

    private bool TryResolve(P.ValueContext context, out long value, out string? error) => TryResolve(new PendingValue(context), out value, out error);

    private bool TryResolve(PendingValue pending, out long value, out string? error)
    {
        error = null;
        if (pending.Number is { } number)
        {
            if (TryParseNumber(number, out value)) return true;
            error = $"'{number}' is not a valid number";
            return false;
        }
        if (pending.Name is { } name) return TryResolveName(name, out value, out error);
        error = "not a value";
        value = 0;
        return false;
    }

    private bool TryResolveName(string name, out long value, out string? error)
    {
        error = null;
        if (_symbolValues.TryGetValue(name, out value)) return true;
        if (TryResolvePending(name, out value)) return true;
        if (_parsed.Source.Macros.ContainsKey(name))
        {
            if (_parsed.Source.TryEvaluateMacro(name, out value, out error)) return true;
            error = $"macro '{name}' is not a number: {error}";
            return false;
        }
        foreach (var define in _parsed.Source.PassThroughDefines)
        {
            if (define.Name != name) continue;
            if (ConstantExpression.TryEvaluate(define.Value, n => TryResolveName(n, out var inner, out _) ? inner : null, out value, out error)) return true;
            error = $"'%#define {name}' is not a number";
            return false;
        }
        if (BuiltinSymbols.TryGetValue(name, out value)) return true;
        error = $"unknown constant or macro '{name}'";
        value = 0;
        return false;
    }

    private long ResolveOrReport(P.ValueContext context, DiagnosticDescriptor descriptor, string what)
    {
        if (TryResolve(context, out var value, out var error)) return value;
        if (descriptor == DiagnosticDescriptors.UnknownConstant && context.identifier() is { } id && error is { } e && e.StartsWith("unknown", StringComparison.Ordinal))
            _diagnostics.Add(descriptor, Location(context), Name(id));
        else
            _diagnostics.Add(DiagnosticDescriptors.BadValue, Location(context), what, context.GetText(), error ?? "not a number");
        return 0;
    }

    // ------------------------------------------------------------------ locations and comments

    internal SourceLocation Location(ParserRuleContext context) => Location(context.Start);

    internal SourceLocation Location(IToken token)
    {
        var mapped = _parsed.Source.Map(token.Line, token.Column + 1);
        return mapped with { Length = TokenLength(token) };
    }

    private static int TokenLength(IToken token) => token.StopIndex >= token.StartIndex ? token.StopIndex - token.StartIndex + 1 : 0;

    private string? Documentation(ParserRuleContext context)
    {
        var hidden = _tokens.GetHiddenTokensToLeft(context.Start.TokenIndex, Lexer.Hidden);
        if (hidden is null || hidden.Count == 0) return null;
        var comment = hidden[hidden.Count - 1];
        // A comment on the same line as the previous token ends that line: it documents what precedes it.
        var previousIndex = context.Start.TokenIndex - 1;
        while (previousIndex >= 0 && _tokens.Get(previousIndex).Channel != Lexer.DefaultTokenChannel) previousIndex--;
        if (previousIndex >= 0 && _tokens.Get(previousIndex).Line == comment.Line) return null;
        // Only a comment that ends on the line just above (or the same line) documents the definition.
        var commentEndLine = comment.Line + comment.Text.Count(ch => ch == '\n');
        if (context.Start.Line - commentEndLine > 1) return null;
        return CleanComment(comment.Text);
    }

    /// <summary>A struct member's comment: one after its ';' on the same line, else one on the lines just above.</summary>
    private string? MemberDocumentation(P.DeclarationContext declaration)
    {
        var semicolon = declaration.Stop.TokenIndex + 1;
        if (semicolon < _tokens.Size)
        {
            var after = _tokens.GetHiddenTokensToRight(semicolon, Lexer.Hidden);
            if (after is { Count: > 0 } && after[0].Line == _tokens.Get(semicolon).Line) return CleanComment(after[0].Text);
        }
        return Documentation(declaration);
    }

    internal static string? CleanComment(string text)
    {
        if (text.StartsWith("//", StringComparison.Ordinal)) text = text.Substring(2);
        else if (text.StartsWith("/*", StringComparison.Ordinal)) text = text.Substring(2, Math.Max(0, text.Length - 4));
        var lines = text.Replace("\r", "").Split('\n')
            .Select(l => l.Trim().TrimStart('*').Trim())
            .Where(l => l.Length > 0)
            .ToList();
        return lines.Count == 0 ? null : string.Join("\n", lines);
    }

    internal static string Name(P.IdentifierContext context) => context.GetText();

    /// <summary>The original text of a rule, whitespace included.</summary>
    private static string SourceText(ParserRuleContext context) =>
        context.Start.InputStream.GetText(Antlr4.Runtime.Misc.Interval.Of(context.Start.StartIndex, Math.Max(context.Start.StartIndex, context.Stop?.StopIndex ?? context.Start.StopIndex)));

    // ------------------------------------------------------------------ definitions

    private void Visit(P.DefinitionContext definition)
    {
        switch (definition)
        {
            case { } d when d.constDefinition() is { } c: VisitConst(c); break;
            case { } d when d.enumDefinition() is { } e: VisitEnum(e); break;
            case { } d when d.structDefinition() is { } s: VisitStruct(s); break;
            case { } d when d.customizedDefinition() is { } cs: VisitStruct(cs.structDefinition()); break;
            case { } d when d.unionDefinition() is { } u: VisitUnion(u); break;
            case { } d when d.typedefDefinition() is { } t: VisitTypedef(t); break;
            case { } d when d.programDefinition() is { } p: VisitProgram(p); break;
            case { } d when d.packageStatement() is { } pk: VisitPackage(pk); break;
            case { } d when d.prefixStatement() is { } pf: _serverPrefix = Name(pf.identifier()); break;
            case { } d when d.statIndexStatement() is { } si: VisitStatIndex(si); break;
            case { } d when d.startingOpcodeStatement() is { } so: VisitStartingOpcode(so); break;
            case { } d when d.splitPrefixStatement() is { } sp: VisitSplitPrefix(sp); break;
            case { } d when d.extensionDirective() is { } ex: VisitExtension(ex); break;
            case { } d when d.procedureDefinition() is { } proc: VisitProcedure(proc); break;
            default: break; // ';' and 'special' (an obsolete C memory-management hint) carry nothing for C#
        }
    }

    private void VisitConst(P.ConstDefinitionContext context)
    {
        var name = _symbolValues.Intern(Name(context.identifier()));
        long? value = null;
        string text;
        if (context.value() is { } valueContext)
        {
            text = valueContext.GetText();
            if (TryResolve(valueContext, out var v, out var error)) value = v;
            else if (valueContext.identifier() is { } id && error is { } e && e.StartsWith("unknown", StringComparison.Ordinal))
                _diagnostics.Add(DiagnosticDescriptors.UnknownConstant, Location(valueContext), Name(id));
            else _diagnostics.Add(DiagnosticDescriptors.BadValue, Location(valueContext), "constant", text, error ?? "not a number");
        }
        else
        {
            text = context.STRING_LITERAL().GetText();
            text = text.Substring(1, text.Length - 2); // "string" constant
        }
        if (value is { } resolved) Define(name, resolved);
        var nameToken = context.identifier().Start;
        var documentation = Documentation(context);
        _constants.Add(_parsed.Source.TryMapCompact(nameToken.Line, nameToken.Column + 1, out var lines, out var offset)
            ? new ConstantDefinition(name, value, text, lines, offset, TokenLength(nameToken), documentation)
            : new ConstantDefinition(name, value, text, Location(nameToken), documentation));
    }

    private void VisitEnum(P.EnumDefinitionContext context)
    {
        var members = new List<EnumMember>();
        long next = 0;
        foreach (var member in context.enumBody().enumMember())
        {
            if (member.value() is { } v) next = ResolveOrReport(v, DiagnosticDescriptors.UnknownConstant, "enum value");
            var name = Name(member.identifier());
            Define(name, next);
            members.Add(new EnumMember(name, next, Location(member)));
            next++;
        }
        _types.Add(new EnumDefinition(Name(context.identifier()), members.ToEquatableArray(), Location(context.identifier()), Documentation(context)));
    }

    private void VisitStruct(P.StructDefinitionContext context)
    {
        var fields = new List<Declaration>();
        foreach (var d in context.structBody().declaration())
        {
            var field = BuildDeclaration(d, DeclarationContextKind.Member, MemberDocumentation(d));
            if (field.Kind == DeclarationKind.Void)
            {
                // rpcgen: "voids allowed only inside union and program definitions".
                _diagnostics.Add(DiagnosticDescriptors.VoidNotAllowed, Location(d), $"a member of struct '{Name(context.identifier())}'");
                continue;
            }
            fields.Add(field);
        }
        _types.Add(new StructDefinition(Name(context.identifier()), fields.ToEquatableArray(), Location(context.identifier()), Documentation(context)));
    }

    private void VisitUnion(P.UnionDefinitionContext context)
    {
        var body = context.unionBody();
        var discriminant = BuildDeclaration(body.declaration(), DeclarationContextKind.Member);
        var arms = new List<UnionArm>();
        foreach (var arm in body.caseArm())
        {
            var cases = arm.caseLabel().Select(l => new UnionCase(ResolveOrReport(l.value(), DiagnosticDescriptors.UnknownConstant, "case label"), l.value().GetText())).ToEquatableArray();
            arms.Add(new UnionArm(cases, BuildDeclaration(arm.declaration(), DeclarationContextKind.Member)));
        }
        var defaultArm = body.defaultArm() is { } d ? BuildDeclaration(d.declaration(), DeclarationContextKind.Member) : null;
        _types.Add(new UnionDefinition(Name(context.identifier()), discriminant, arms.ToEquatableArray(), defaultArm, Location(context.identifier()), Documentation(context)));
    }

    private void VisitTypedef(P.TypedefDefinitionContext context)
    {
        var body = BuildDeclaration(context.declaration(), DeclarationContextKind.Member);
        if (body.Kind == DeclarationKind.Void)
        {
            _diagnostics.Add(DiagnosticDescriptors.VoidNotAllowed, Location(context.declaration()), "a typedef");
            return;
        }
        // 'typedef struct foo foo;' only gives C the bare name; C# has it already.
        if (body.Kind == DeclarationKind.Scalar && body.Type.Name == body.Name) return;
        _types.Add(new TypedefDefinition(body.Name, body, body.Location, Documentation(context)));
    }

    // ------------------------------------------------------------------ declarations and types

    private enum DeclarationContextKind { Member, Parameter }

    private enum TypeShape { Plain, String, Opaque }

    private Declaration BuildDeclaration(P.DeclarationContext context, DeclarationContextKind where, string? documentation = null)
    {
        var (name, kind, type, bound, nameToken) = BuildDeclarationCore(context, where);
        var typeToken = context.Start;
        // One object per declaration, its locations as offsets into the file's line table where they can be (issue 16).
        if (_parsed.Source.TryMapCompact(nameToken.Line, nameToken.Column + 1, out var lines, out var offset)
            && _parsed.Source.TryMapCompact(typeToken.Line, typeToken.Column + 1, out var typeLines, out var typeOffset)
            && ReferenceEquals(lines, typeLines))
            return new Declaration(name, kind, type, bound, lines, offset, TokenLength(nameToken), typeOffset, TokenLength(typeToken), documentation);
        return new Declaration(name, kind, type, bound, Location(nameToken)) { TypeLocation = Location(typeToken), Documentation = documentation };
    }

    /// <summary>A declaration's name, kind, type and bound, and the token of its name (where it is located).</summary>
    private (string Name, DeclarationKind Kind, TypeRef Type, long? Bound, IToken NameToken) BuildDeclarationCore(P.DeclarationContext context, DeclarationContextKind where)
    {
        switch (context)
        {
            case P.VoidDeclarationContext:
                return ("", DeclarationKind.Void, TypeRef.Of(PrimitiveKind.Void), null, context.Start);
            case P.PointerDeclarationContext pointer:
            {
                var (type, shape) = BuildType(pointer.typeSpecifier());
                var name = Pooled(Name(pointer.identifier()));
                if (shape != TypeShape.Plain)
                    _diagnostics.Add(DiagnosticDescriptors.BadPointer, Location(context), name, shape.ToString().ToLowerInvariant());
                // A '*' on a parameter is C pass-by-reference and adds nothing to the wire (protocols.md §1.4).
                var kind = where == DeclarationContextKind.Parameter ? DeclarationKind.Scalar : DeclarationKind.Optional;
                return (name, kind, type, null, pointer.identifier().Start);
            }
            case P.FixedArrayDeclarationContext fixedArray:
            {
                var (type, shape) = BuildType(fixedArray.typeSpecifier());
                var name = Pooled(Name(fixedArray.identifier()));
                var bound = ResolveBound(fixedArray.value(), name, fixedLength: true);
                if (shape == TypeShape.String)
                    _diagnostics.Add(DiagnosticDescriptors.BadDeclaration, Location(context), name, "a string", "'<N>' or '<>', not '[N]'");
                var kind = shape == TypeShape.Opaque ? DeclarationKind.FixedOpaque : DeclarationKind.FixedArray;
                return (name, kind, type, bound, fixedArray.identifier().Start);
            }
            case P.VariableArrayDeclarationContext variableArray:
            {
                var (type, shape) = BuildType(variableArray.typeSpecifier());
                var name = Pooled(Name(variableArray.identifier()));
                long? bound = variableArray.value() is { } v ? ResolveBound(v, name, fixedLength: false) : null;
                var kind = shape switch
                {
                    TypeShape.Opaque => DeclarationKind.VariableOpaque,
                    TypeShape.String => DeclarationKind.String,
                    _ => DeclarationKind.VariableArray,
                };
                return (name, kind, type, bound, variableArray.identifier().Start);
            }
            case P.SimpleDeclarationContext simple:
            {
                var (type, shape) = BuildType(simple.typeSpecifier());
                var name = Pooled(Name(simple.identifier()));
                if (shape == TypeShape.Opaque)
                    _diagnostics.Add(DiagnosticDescriptors.BadDeclaration, Location(context), name, "opaque", "'[N]' or '<N>'");
                if (shape == TypeShape.String)
                {
                    if (where == DeclarationContextKind.Member)
                        _diagnostics.Add(DiagnosticDescriptors.BadDeclaration, Location(context), name, "a string", "'<N>' or '<>'");
                    return (name, DeclarationKind.String, type, null, simple.identifier().Start);
                }
                if (type.Primitive == PrimitiveKind.Void)
                    return (name, DeclarationKind.Void, type, null, simple.identifier().Start);
                return (name, DeclarationKind.Scalar, type, null, simple.identifier().Start);
            }
            default:
                throw new InvalidOperationException("unknown declaration form " + context.GetType().Name);
        }
    }

    private long? ResolveBound(P.ValueContext value, string name, bool fixedLength)
    {
        if (!TryResolve(value, out var bound, out var error))
        {
            _diagnostics.Add(DiagnosticDescriptors.BadArrayBound, Location(value), value.GetText(), error ?? "not a constant");
            return fixedLength ? 0 : null;
        }
        if (bound < 0 || (fixedLength && bound > int.MaxValue) || bound > uint.MaxValue)
        {
            _diagnostics.Add(DiagnosticDescriptors.BadArrayBound, Location(value), value.GetText(),
                $"the {(fixedLength ? "length" : "maximum")} of '{name}' must be between 0 and {(fixedLength ? int.MaxValue : uint.MaxValue)}");
            return fixedLength ? 0 : null;
        }
        return bound;
    }

    private static readonly Dictionary<string, PrimitiveKind> BuiltinTypeNames = new(StringComparer.Ordinal)
    {
        ["afs_int32"] = PrimitiveKind.Int32,
        ["int32_t"] = PrimitiveKind.Int32,
        ["int32"] = PrimitiveKind.Int32,
        ["afs_uint32"] = PrimitiveKind.UInt32,
        ["u_int"] = PrimitiveKind.UInt32,
        ["u_long"] = PrimitiveKind.UInt32,
        ["uint32_t"] = PrimitiveKind.UInt32,
        ["u_int32_t"] = PrimitiveKind.UInt32,
        ["u_int32"] = PrimitiveKind.UInt32,
        ["uint32"] = PrimitiveKind.UInt32,
        ["afs_int64"] = PrimitiveKind.Int64,
        ["int64_t"] = PrimitiveKind.Int64,
        ["quad_t"] = PrimitiveKind.Int64,
        ["longlong_t"] = PrimitiveKind.Int64,
        ["afs_uint64"] = PrimitiveKind.UInt64,
        ["uint64_t"] = PrimitiveKind.UInt64,
        ["u_int64_t"] = PrimitiveKind.UInt64,
        ["u_quad_t"] = PrimitiveKind.UInt64,
        ["u_longlong_t"] = PrimitiveKind.UInt64,
        ["afs_int16"] = PrimitiveKind.Int16,
        ["int16_t"] = PrimitiveKind.Int16,
        ["afs_uint16"] = PrimitiveKind.UInt16,
        ["u_short"] = PrimitiveKind.UInt16,
        ["uint16_t"] = PrimitiveKind.UInt16,
        ["u_int16_t"] = PrimitiveKind.UInt16,
        ["afs_char"] = PrimitiveKind.Char,
        ["int8_t"] = PrimitiveKind.Char,
        ["afs_byte"] = PrimitiveKind.UChar,
        ["u_char"] = PrimitiveKind.UChar,
        ["uint8_t"] = PrimitiveKind.UChar,
        ["u_int8_t"] = PrimitiveKind.UChar,
        ["afs_uchar"] = PrimitiveKind.UChar,
        ["bool_t"] = PrimitiveKind.Bool,
        ["rpcprog_t"] = PrimitiveKind.UInt32,
        ["rpcvers_t"] = PrimitiveKind.UInt32,
        ["rpcproc_t"] = PrimitiveKind.UInt32,
        ["rpcprot_t"] = PrimitiveKind.UInt32,
        ["rpcport_t"] = PrimitiveKind.UInt32,
    };

    private (TypeRef Type, TypeShape Shape) BuildType(P.TypeSpecifierContext context)
    {
        switch (context)
        {
            case P.UnsignedTypeContext unsigned:
                var b = unsigned.unsignedBase();
                if (b is null || b.INT() is not null && b.SHORT() is null && b.LONG() is null) return (TypeRef.Of(PrimitiveKind.UInt32), TypeShape.Plain);
                if (b.CHAR() is not null) return (TypeRef.Of(PrimitiveKind.UChar), TypeShape.Plain);
                if (b.SHORT() is not null) return (TypeRef.Of(PrimitiveKind.UInt16), TypeShape.Plain);
                if (b.LONG() is not null) return (TypeRef.Of(PrimitiveKind.UInt32), TypeShape.Plain);
                if (b.HYPER() is not null) return (TypeRef.Of(PrimitiveKind.UInt64), TypeShape.Plain);
                if (b.IDENTIFIER()?.GetText() == "afs_int32") return (TypeRef.Of(PrimitiveKind.UInt32), TypeShape.Plain);
                _diagnostics.Add(DiagnosticDescriptors.BadUnsigned, Location(b), b.GetText());
                return (TypeRef.Of(PrimitiveKind.UInt32), TypeShape.Plain);
            case P.ShortTypeContext: return (TypeRef.Of(PrimitiveKind.Int16), TypeShape.Plain);
            case P.LongTypeContext: return (TypeRef.Of(PrimitiveKind.Int32), TypeShape.Plain);
            case P.IntTypeContext: return (TypeRef.Of(PrimitiveKind.Int32), TypeShape.Plain);
            case P.CharTypeContext: return (TypeRef.Of(PrimitiveKind.Char), TypeShape.Plain);
            case P.HyperTypeContext: return (TypeRef.Of(PrimitiveKind.Int64), TypeShape.Plain);
            case P.FloatTypeContext: return (TypeRef.Of(PrimitiveKind.Float), TypeShape.Plain);
            case P.DoubleTypeContext: return (TypeRef.Of(PrimitiveKind.Double), TypeShape.Plain);
            case P.BoolTypeContext: return (TypeRef.Of(PrimitiveKind.Bool), TypeShape.Plain);
            case P.VoidTypeContext: return (TypeRef.Of(PrimitiveKind.Void), TypeShape.Plain);
            case P.StringTypeContext: return (TypeRef.Of(PrimitiveKind.Char), TypeShape.String);
            case P.OpaqueTypeContext: return (TypeRef.Of(PrimitiveKind.UChar), TypeShape.Opaque);
            case P.QuadrupleTypeContext:
                _diagnostics.Add(DiagnosticDescriptors.Unsupported, Location(context), "quadruple", "128-bit float");
                return (TypeRef.Of(PrimitiveKind.Double), TypeShape.Plain);
            case P.TaggedTypeContext tagged: return (NamedOrBuiltin(Name(tagged.identifier())), TypeShape.Plain);
            case P.NamedTypeContext named: return (NamedOrBuiltin(Name(named.identifier())), TypeShape.Plain);
            default: throw new InvalidOperationException("unknown type form " + context.GetType().Name);
        }
    }

    private TypeRef NamedOrBuiltin(string name)
    {
        if (BuiltinTypeNames.TryGetValue(name, out var kind)) return TypeRef.Of(kind);
        // '#define Date afs_uint32' style type macros.
        if (_parsed.Source.Macros.TryGetValue(name, out var macro) && macro.Body.Trim() is { Length: > 0 } body && BuiltinTypeNames.TryGetValue(body, out var macroKind))
            return TypeRef.Of(macroKind);
        _referencedTypeNames.Add(name);
        if (_namedTypes.TryGetValue(name, out var named)) return named;
        named = TypeRef.Named(name);
        if (_namedTypes.Count < MaxPooled) _namedTypes.Add(name, named);
        return named;
    }

    // Declaration names and named types repeat across a file's declarations ('len', 'val', 'AFSFid'): the model
    // holds one instance of each of the first MaxPooled distinct ones (issue 16: a string and a TypeRef for every
    // declaration were a fifth of a model of structs). Bounded, so that a file of distinct names costs little more.
    private const int MaxPooled = 4096;
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TypeRef> _namedTypes = new(StringComparer.Ordinal);

    private string Pooled(string name)
    {
        if (_names.TryGetValue(name, out var pooled)) return pooled;
        if (_names.Count < MaxPooled) _names.Add(name, name);
        return name;
    }

    // ------------------------------------------------------------------ rpcgen programs

    private void VisitProgram(P.ProgramDefinitionContext context)
    {
        var versions = new List<ProgramVersion>();
        foreach (var version in context.versionDefinition())
        {
            var procedures = new List<ProgramProcedure>();
            foreach (var proc in version.programProcedure())
            {
                var (resultType, resultShape) = BuildType(proc.typeSpecifier());
                var result = resultType.Primitive == PrimitiveKind.Void && resultShape == TypeShape.Plain
                    ? new Declaration("result", DeclarationKind.Void, resultType, null, Location(proc))
                    : ProgramDeclaration("result", resultType, resultShape, null, Location(proc));
                var arguments = new List<Declaration>();
                var argumentContexts = proc.programArgument();
                for (var i = 0; i < argumentContexts.Length; i++)
                {
                    var arg = argumentContexts[i];
                    var (type, shape) = BuildType(arg.typeSpecifier());
                    if (type.Primitive == PrimitiveKind.Void && shape == TypeShape.Plain)
                    {
                        if (argumentContexts.Length > 1)
                            _diagnostics.Add(DiagnosticDescriptors.VoidArgument, Location(arg), Name(proc.identifier()));
                        continue;
                    }
                    var name = arg.identifier() is { } id ? Name(id) : (argumentContexts.Length == 1 ? "argument" : "arg" + (i + 1).ToString(CultureInfo.InvariantCulture));
                    long? bound = arg.value() is { } bv ? ResolveBound(bv, name, fixedLength: false) : null;
                    arguments.Add(ProgramDeclaration(name, type, shape, bound, Location(arg)));
                }
                var number = ResolveOrReport(proc.value(), DiagnosticDescriptors.UnknownConstant, "procedure number");
                Define(Name(proc.identifier()), number);
                procedures.Add(new ProgramProcedure(Name(proc.identifier()), number, result, arguments.ToEquatableArray(), Location(proc.identifier()), Documentation(proc)));
            }
            var versionNumber = ResolveOrReport(version.value(), DiagnosticDescriptors.UnknownConstant, "version number");
            Define(Name(version.identifier()), versionNumber);
            versions.Add(new ProgramVersion(Name(version.identifier()), versionNumber, procedures.ToEquatableArray(), Location(version.identifier())));
        }
        var programNumber = ResolveOrReport(context.value(), DiagnosticDescriptors.UnknownConstant, "program number");
        Define(Name(context.identifier()), programNumber);
        _programs.Add(new ProgramDefinition(Name(context.identifier()), programNumber, versions.ToEquatableArray(), Location(context.identifier())));
    }

    private static Declaration ProgramDeclaration(string name, TypeRef type, TypeShape shape, long? bound, SourceLocation location) => shape switch
    {
        TypeShape.String => new Declaration(name, DeclarationKind.String, type, bound, location),
        TypeShape.Opaque => new Declaration(name, DeclarationKind.VariableOpaque, type, bound, location),
        _ => new Declaration(name, DeclarationKind.Scalar, type, null, location),
    };

    // ------------------------------------------------------------------ rxgen packages and procedures

    private PackageBuilder? CurrentPackage => _packages.Count == 0 ? null : _packages[_packages.Count - 1];

    private void VisitPackage(P.PackageStatementContext context)
    {
        var name = Name(context.identifier());
        _packages.Add(new PackageBuilder(name, _serverPrefix, _splitStart, _splitEnd, Location(context.identifier())));
    }

    private void VisitStatIndex(P.StatIndexStatementContext context)
    {
        if (CurrentPackage is not { } package)
        {
            _diagnostics.Add(DiagnosticDescriptors.DirectiveOutsidePackage, Location(context), "statindex");
            return;
        }
        package.StatIndex = ResolveOrReport(context.value(), DiagnosticDescriptors.UnknownConstant, "statindex");
    }

    private void VisitStartingOpcode(P.StartingOpcodeStatementContext context)
    {
        var value = ResolveOrReport(context.value(), DiagnosticDescriptors.UnknownConstant, "startingopcode");
        if (value < 0 || value > 99999)
            _diagnostics.Add(DiagnosticDescriptors.StartingOpcodeOutOfRange, Location(context), value, 99999);
        _masterOpcode = value;
        if (CurrentPackage is { } package) package.UsedAutoNumbering = true;
    }

    private void VisitSplitPrefix(P.SplitPrefixStatementContext context)
    {
        foreach (var item in context.splitPrefixItem())
        {
            if (item.IN() is not null) _splitStart = Name(item.identifier());
            else _splitEnd = Name(item.identifier());
        }
        if (CurrentPackage is { } package)
        {
            package.SplitStart = _splitStart;
            package.SplitEnd = _splitEnd;
        }
    }

    private void VisitExtension(P.ExtensionDirectiveContext context)
    {
        var keyword = Name(context.name);
        if (keyword != "serviceid" && keyword != "shadowof")
        {
            _diagnostics.Add(DiagnosticDescriptors.UnknownDirective, Location(context), keyword);
            return;
        }
        if (CurrentPackage is not { } package)
        {
            _diagnostics.Add(DiagnosticDescriptors.DirectiveOutsidePackage, Location(context), keyword);
            return;
        }
        if (keyword == "serviceid")
        {
            var id = ResolveOrReport(context.value(), DiagnosticDescriptors.UnknownConstant, "service id");
            if (id < 1 || id > ushort.MaxValue) _diagnostics.Add(DiagnosticDescriptors.BadServiceId, Location(context.value()), id);
            else package.ServiceId = (int)id;
        }
        else
        {
            if (context.value().identifier() is not { } target)
            {
                _diagnostics.Add(DiagnosticDescriptors.ShadowWithoutName, Location(context.value()));
                return;
            }
            package.ShadowOf = Name(target);
            package.ShadowOfLocation = Location(target);
        }
    }

    private void VisitProcedure(P.ProcedureDefinitionContext context)
    {
        var location = context.name is { } n ? Location(n) : Location(context);
        if (CurrentPackage is not { } package)
        {
            _diagnostics.Add(DiagnosticDescriptors.ProcOutsidePackage, location, context.name is { } nm ? Name(nm) : "(unnamed)");
            return;
        }
        var name = context.name is { } procName ? Name(procName) : package.Name;
        var parameters = new List<Parameter>();
        if (context.parameterList() is { } list)
        {
            foreach (var parameter in list.parameter())
            {
                ParameterDirection direction;
                if (parameter.direction() is { } explicitDirection)
                {
                    direction = explicitDirection.IN() is not null ? ParameterDirection.In
                        : explicitDirection.OUT() is not null ? ParameterDirection.Out : ParameterDirection.InOut;
                }
                else if (_lastDirection is { } inherited)
                {
                    direction = inherited; // rxgen: a parameter without a direction takes the previous one, even across procedures
                }
                else
                {
                    _diagnostics.Add(DiagnosticDescriptors.DirectionMisuse, Location(parameter), SourceText(parameter.declaration()), name);
                    direction = ParameterDirection.In;
                }
                _lastDirection = direction;
                var declaration = BuildDeclaration(parameter.declaration(), DeclarationContextKind.Parameter);
                if (declaration.Kind == DeclarationKind.Void)
                {
                    _diagnostics.Add(DiagnosticDescriptors.VoidNotAllowed, Location(parameter), $"parameter '{declaration.Name}' of {name}");
                    continue;
                }
                if (parameter.direction() is not null && direction != ParameterDirection.Out && declaration.Bound is null
                    && declaration.Kind is DeclarationKind.VariableArray or DeclarationKind.VariableOpaque)
                {
                    _diagnostics.Add(DiagnosticDescriptors.UnboundedInputArray, Location(parameter), declaration.Name, name);
                }
                parameters.Add(new Parameter(declaration.Name, direction, declaration));
            }
        }

        long opcode;
        if (context.opcode is { } opcodeValue)
        {
            if (package.UsedAutoNumbering)
                _diagnostics.Add(DiagnosticDescriptors.BadOpcode, Location(opcodeValue), name, package.Name);
            opcode = ResolveOrReport(opcodeValue, DiagnosticDescriptors.UnknownConstant, "opcode");
            if (opcode < 0 || opcode > int.MaxValue)
                _diagnostics.Add(DiagnosticDescriptors.OpcodeOutOfRange, Location(opcodeValue), opcode, name, int.MaxValue);
        }
        else
        {
            // rxgen's single global counter: not reset per package, not continuing from explicit opcodes.
            opcode = _masterOpcode ?? 0;
            _masterOpcode = opcode + 1;
            package.UsedAutoNumbering = true;
        }

        var kind = context.procedureKind() is { } k ? (k.SPLIT() is not null ? ProcedureKind.Split : ProcedureKind.Multi) : ProcedureKind.Normal;
        package.Procedures.Add(new Procedure(name, opcode, kind, parameters.ToEquatableArray(), package.Procedures.Count, false, location, Documentation(context)));
    }

    private sealed class PackageBuilder
    {
        public PackageBuilder(string name, string? serverPrefix, string splitStart, string splitEnd, SourceLocation location)
        {
            Name = name;
            ServerPrefix = serverPrefix;
            SplitStart = splitStart;
            SplitEnd = splitEnd;
            Location = location;
        }

        public string Name { get; }
        public string? ServerPrefix { get; }
        public long? StatIndex { get; set; }
        public int? ServiceId { get; set; }
        public string? ShadowOf { get; set; }
        public SourceLocation ShadowOfLocation { get; set; }
        public string SplitStart { get; set; }
        public string SplitEnd { get; set; }
        public bool UsedAutoNumbering { get; set; }
        public SourceLocation Location { get; }
        public List<Procedure> Procedures { get; } = new();

        public Package Build(ModelBuilder owner)
        {
            var procedures = Procedures.ToList();
            if (!procedures.Any(p => p.Name == Package.ProbeName))
            {
                var opcode = SynthesizedProbeOpcode;
                var taken = new HashSet<long>(procedures.Select(p => p.Opcode));
                while (taken.Contains(opcode)) opcode++;
                var capabilities = new Declaration("capabilities", DeclarationKind.VariableArray, TypeRef.Of(PrimitiveKind.UInt32), CapabilitiesMax, Location);
                procedures.Add(new Procedure(Package.ProbeName, opcode, ProcedureKind.Normal,
                    new[] { new Parameter("capabilities", ParameterDirection.Out, capabilities) }.ToEquatableArray(),
                    procedures.Count, true, Location, "Capability probe synthesized by RxGen (the package declares none)."));
            }
            return new Package(Name, ServerPrefix, StatIndex, ServiceId ?? WellKnownServiceIds.Find(Name), ShadowOf, SplitStart, SplitEnd,
                procedures.ToEquatableArray(), Location);
        }
    }
}

/// <summary>Rx service ids of the standard AFS packages (protocols.md §3.11), used when a package has no
/// 'serviceid N;' of its own.</summary>
public static class WellKnownServiceIds
{
    private static readonly Dictionary<string, int> Ids = new(StringComparer.Ordinal)
    {
        ["RXAFS_"] = 1,
        ["RXAFSCB_"] = 1,
        ["PR_"] = 73,
        ["VL_"] = 52,
        ["AFSVol"] = 4,
        ["BOZO_"] = 1,
        ["UPDATE_"] = 4,
        ["RMTSYS_"] = 4,
        ["VOTE_"] = 50,
        ["DISK_"] = 51,
        ["BUDB_"] = 22314,
        ["TC_"] = 1,
        ["RXSTATS_"] = 409,
        ["PAGCB_"] = 2,
        ["RXOSD_"] = 900,
        ["KAA_"] = 731,
        ["KAT_"] = 732,
        ["KAM_"] = 733,
    };

    public static int? Find(string packageName) => Ids.TryGetValue(packageName, out var id) ? id : null;
}
