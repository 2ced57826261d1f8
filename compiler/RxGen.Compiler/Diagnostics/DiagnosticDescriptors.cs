namespace RxGen.Compiler.Diagnostics;

public sealed record DiagnosticDescriptor(string Id, string Title, string MessageFormat, DiagnosticSeverity Severity)
{
    /// <summary>Page in docs/diagnostics.md describing this diagnostic.</summary>
    public string HelpLink => "https://example.invalid/rxgen/docs/diagnostics.md#" + Id.ToLowerInvariant();
}

/// <summary>The single table of RxGen diagnostics. Ids are stable: never renumber, only append.</summary>
public static class DiagnosticDescriptors
{
    private static DiagnosticDescriptor Error(string id, string title, string format) => new(id, title, format, DiagnosticSeverity.Error);
    private static DiagnosticDescriptor Warning(string id, string title, string format) => new(id, title, format, DiagnosticSeverity.Warning);

    // Preprocessor: RXG0001-RXG0099
    public static readonly DiagnosticDescriptor IncludeNotFound = Error("RXG0001", "Include not found", "cannot find include file '{0}'");
    public static readonly DiagnosticDescriptor IncludeCycle = Error("RXG0002", "Include cycle", "'{0}' includes itself (include chain: {1})");
    public static readonly DiagnosticDescriptor UnterminatedConditional = Error("RXG0003", "Unterminated conditional", "#{0} without matching #endif");
    public static readonly DiagnosticDescriptor UnmatchedDirective = Error("RXG0004", "Unmatched directive", "#{0} without matching #if");
    public static readonly DiagnosticDescriptor SystemInclude = Error("RXG0005", "System include", "'#include <{0}>' names a system header, which rxgen cannot read; use '%#include <{0}>' to pass it to generated C code, or '#include \"{0}\"'");
    public static readonly DiagnosticDescriptor BadDirective = Error("RXG0006", "Unknown preprocessor directive", "'#{0}' is not a preprocessor directive");
    public static readonly DiagnosticDescriptor BadExpression = Error("RXG0007", "Bad preprocessor expression", "cannot evaluate '{0}': {1}");
    public static readonly DiagnosticDescriptor UnterminatedComment = Error("RXG0008", "Unterminated comment", "unterminated /* comment");
    public static readonly DiagnosticDescriptor ErrorDirective = Error("RXG0009", "#error", "#error {0}");
    public static readonly DiagnosticDescriptor MacroRedefined = Warning("RXG0010", "Macro redefined", "macro '{0}' redefined");

    // Syntax: RXG0100-RXG0199
    public static readonly DiagnosticDescriptor SyntaxError = Error("RXG0100", "Syntax error", "syntax error: {0}");
    public static readonly DiagnosticDescriptor IllegalCharacter = Error("RXG0101", "Illegal character", "illegal character '{0}' in file");
    public static readonly DiagnosticDescriptor UnexpectedEndOfFile = Error("RXG0102", "Unexpected end of file", "unexpected end of file: {0}");

    // Model / validation: RXG0200-RXG0299
    public static readonly DiagnosticDescriptor UnknownType = Error("RXG0200", "Unknown type", "unknown type '{0}'");
    public static readonly DiagnosticDescriptor DuplicateName = Error("RXG0201", "Duplicate name", "'{0}' is already defined (at {1})");
    public static readonly DiagnosticDescriptor DuplicateOpcode = Error("RXG0202", "Duplicate opcode", "opcode {0} of '{1}' is already used by '{2}' in package {3}");
    public static readonly DiagnosticDescriptor BadArrayBound = Error("RXG0203", "Bad array bound", "bad array bound '{0}': {1}");
    public static readonly DiagnosticDescriptor RecursiveType = Error("RXG0204", "Recursive type", "type '{0}' contains itself without a pointer ({1}); use optional data ('*')");
    public static readonly DiagnosticDescriptor UnionWithoutCases = Error("RXG0205", "Union without cases", "union '{0}' has no case arms");
    public static readonly DiagnosticDescriptor DirectionMisuse = Error("RXG0206", "Parameter without direction", "the first parameter of the file ('{0}' of {1}) has no direction: write IN, OUT or INOUT (rxgen would silently drop it from the wire)");
    public static readonly DiagnosticDescriptor UnknownConstant = Error("RXG0207", "Unknown constant", "unknown constant or macro '{0}'");
    public static readonly DiagnosticDescriptor ProcOutsidePackage = Error("RXG0208", "Procedure outside package", "procedure '{0}' is not in a package (add 'package NAME_' before it)");
    public static readonly DiagnosticDescriptor BadOpcode = Error("RXG0209", "Opcode not allowed here", "opcode assignment for {0} isn't allowed here: package {1} already numbers its procedures automatically (startingopcode or a procedure without '= N')");
    public static readonly DiagnosticDescriptor BadDeclaration = Error("RXG0210", "Bad declaration", "'{0}': {1} must be declared with {2}");
    public static readonly DiagnosticDescriptor DuplicateCase = Error("RXG0211", "Duplicate case", "case value {0} appears twice in union '{1}'");
    public static readonly DiagnosticDescriptor UnknownDirective = Error("RXG0212", "Unknown directive", "unknown directive '{0}' (RxGen knows 'serviceid N;' and 'shadowof PACKAGE;')");
    public static readonly DiagnosticDescriptor Unsupported = Error("RXG0213", "Unsupported type", "'{0}' ({1}) has no C# equivalent and is not supported");
    public static readonly DiagnosticDescriptor DuplicateProgramNumber = Error("RXG0214", "Duplicate program number", "program number {0} of {1} is already used by {2}");
    public static readonly DiagnosticDescriptor TypedefTooDeep = Error("RXG0215", "Typedef nesting too deep",
        "typedef '{0}' nests arrays or optional data {1} levels deep through typedefs ({2}); at most {3} are supported, because typedefs are inlined: declare an inner level as a struct");
    public static readonly DiagnosticDescriptor TypedefCycle = Error("RXG0216", "Typedef cycle",
        "typedef '{0}' is defined in terms of itself through typedefs alone ({1}), which makes an infinitely deep type; put a struct in the cycle (a linked list is 'struct node {{ ... node *next; }};')");

    // Named descriptors for what the catch-all "{0}" ones used to cover (issue 11).
    public static readonly DiagnosticDescriptor UnboundedInputArray = Error("RXG0217", "Unbounded input array", "input array '{0}' of {1} must specify a max size (rxgen: \"input arrays must specify a max size\")");
    public static readonly DiagnosticDescriptor OpcodeOutOfRange = Error("RXG0218", "Opcode out of range", "opcode {0} of {1} is out of range (0..{2})");
    public static readonly DiagnosticDescriptor StartingOpcodeOutOfRange = Error("RXG0219", "Starting opcode out of range", "startingopcode {0} is out of range (0..{1})");
    public static readonly DiagnosticDescriptor BadValue = Error("RXG0220", "Not a number", "the {0} '{1}' has no numeric value: {2}");
    public static readonly DiagnosticDescriptor VoidNotAllowed = Error("RXG0221", "Void not allowed", "{0} cannot be void (void is allowed only as a union arm or a procedure's argument or result)");
    public static readonly DiagnosticDescriptor BadPointer = Error("RXG0222", "Bad pointer", "'{0}': a pointer to {1} is not allowed");
    public static readonly DiagnosticDescriptor BadUnsigned = Error("RXG0223", "Bad unsigned type", "'unsigned {0}' is not a type");
    public static readonly DiagnosticDescriptor VoidArgument = Error("RXG0224", "Void with other arguments", "'void' must be the only argument of {0}");
    public static readonly DiagnosticDescriptor BadDiscriminant = Error("RXG0225", "Bad discriminant", "the discriminant of union '{0}' must be an int, unsigned int, bool or enum");
    public static readonly DiagnosticDescriptor DuplicateVersionNumber = Error("RXG0226", "Duplicate version number", "version number {0} appears twice in {1}");
    public static readonly DiagnosticDescriptor ShadowWithoutName = Error("RXG0227", "shadowof without a package", "shadowof needs a package name, e.g. 'shadowof VL_;'");

    // Service IDs, shadows, probes: RXG0300-RXG0399
    public static readonly DiagnosticDescriptor ShadowSameServiceId = Error("RXG0300", "Shadow has the same service id", "shadow package {0} has the same service id {1} as {2}; an upgrade pair needs two different ids");
    public static readonly DiagnosticDescriptor ShadowMissingOpcode = Error("RXG0301", "Shadow misses an opcode", "shadow package {0} does not define opcode {1} ({2} in {3}); a shadow service must define every opcode of the original");
    public static readonly DiagnosticDescriptor ShadowProbeMismatch = Error("RXG0302", "Probe request differs", "the probe {0} takes a different request in {1} ({2}) than in {3} ({4}); it must take exactly the same request data");
    public static readonly DiagnosticDescriptor ShadowUnknownPackage = Error("RXG0303", "Unknown shadowed package", "shadowof names unknown package '{0}'");
    public static readonly DiagnosticDescriptor ShadowWithoutServiceId = Error("RXG0304", "Service id missing", "package {0} is part of an upgrade pair and needs 'serviceid N;'");
    public static readonly DiagnosticDescriptor DirectiveOutsidePackage = Error("RXG0305", "Directive outside package", "'{0}' must follow a 'package' statement");
    public static readonly DiagnosticDescriptor ProbeOpcodeTaken = Error("RXG0306", "Probe opcode taken", "package {0} has no GetCapabilities and the synthesized probe's opcode {1} is taken by '{2}'; declare GetCapabilities explicitly");
    public static readonly DiagnosticDescriptor BadServiceId = Error("RXG0307", "Bad service id", "service id {0} is out of range (1..65535)");

    // Input/output: RXG0400-
    public static readonly DiagnosticDescriptor InputNotFound = Error("RXG0400", "Input not found", "cannot read input file '{0}': {1}");
    public static readonly DiagnosticDescriptor InternalError = Error("RXG0401", "Internal compiler error", "internal error: {0}");

    // Outside types, options and outputs (issue 11): RXG0250, RXG0500-
    public static readonly DiagnosticDescriptor OutsideType = Warning("RXG0250", "Outside type",
        "type '{0}' is not defined in the IDL (rxgen and rpcgen take such types from a C header); the generated code uses a C# type '{0}' implementing IXdrSerializable<{0}> in this file's namespace: define it, or map the name to your own type with --external-type {0}=Your.Namespace.Type (MSBuild: ExternalTypes=\"{0}=Your.Namespace.Type\")");
    public static readonly DiagnosticDescriptor BadOptionValue = Error("RXG0500", "Bad option value", "{0} takes {1}, not '{2}'");
    public static readonly DiagnosticDescriptor BadNamespace = Error("RXG0501", "Bad namespace", "'{0}' is not a valid C# namespace (dot-separated identifiers: letters, digits, '_', not starting with a digit, no keywords)");
    public static readonly DiagnosticDescriptor BadExternalType = Error("RXG0502", "Bad outside type mapping", "outside type mapping '{0}' must be IDLNAME=Namespace.Type with a valid C# type name");
    public static readonly DiagnosticDescriptor DuplicateOutputName = Error("RXG0503", "Duplicate output name", "'{0}' and '{1}' would both be written as '{2}'; rename one of them or compile them in separate runs");
    public static readonly DiagnosticDescriptor BadDefine = Error("RXG0504", "Bad macro definition", "-D takes NAME or NAME=VALUE with NAME an identifier, not '{0}'");

    // Added for hostile and oversized input (issues 16 and 17).
    public static readonly DiagnosticDescriptor InputTooLarge = Error("RXG0011", "Input too large", "'{0}' has {1} characters, more than the limit of {2} per file");
    public static readonly DiagnosticDescriptor InputTotalTooLarge = Error("RXG0018", "Input too large in all", "reading '{0}' would make the input longer than the limit of {1} characters in all (every file, each time it is included)");
    public static readonly DiagnosticDescriptor MisplacedElse = Error("RXG0012", "Misplaced #else or #elif", "#{0} after #else");
    public static readonly DiagnosticDescriptor MissingMacroName = Error("RXG0013", "Missing macro name", "no macro name given in #{0} directive");
    public static readonly DiagnosticDescriptor BadMacroName = Error("RXG0014", "Bad macro name", "'{0}' is not a valid macro name (macro names are identifiers, and not 'defined')");
    public static readonly DiagnosticDescriptor BadMacroParameters = Error("RXG0015", "Bad macro parameter list", "bad parameter list in '#define {0}': {1}");
    public static readonly DiagnosticDescriptor BadInclude = Error("RXG0016", "Bad #include", "#include {0}: write #include \"FILENAME\"");
    public static readonly DiagnosticDescriptor IncludeTooDeep = Error("RXG0017", "#include nested too deeply", "#include nested too deeply (more than {0} levels)");
}
