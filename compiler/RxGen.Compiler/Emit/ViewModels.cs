using System.Collections.Generic;

namespace RxGen.Compiler.Emit;

// View models the Scriban templates render. Plain property bags: every name and code fragment is
// computed by CSharpEmitter; the templates decide the shape of the generated C#.

internal sealed class FileView
{
    public string Source { get; set; } = "";
    public string Namespace { get; set; } = "";
    public string Access { get; set; } = "public";
    public string ToolVersion { get; set; } = "";
    public string IdlClass { get; set; } = "";
    public List<ConstantView> Constants { get; } = new();
    public List<TypeEntryView> TypeTable { get; } = new();
    public List<string> Blocks { get; } = new();
}

internal sealed class ConstantView
{
    public string Name { get; set; } = "";
    public string Type { get; set; } = "";
    public string Value { get; set; } = "";
    public string? Doc { get; set; }
}

internal sealed class TypeEntryView
{
    public string IdlName { get; set; } = "";
    public string Info { get; set; } = "";
}

internal sealed class TypedefView
{
    public string Name { get; set; } = "";
    public string IdlName { get; set; } = "";
    public string Access { get; set; } = "";
    public string ValueType { get; set; } = "";
    public string Wire { get; set; } = "";
    public string? Doc { get; set; }
    public string EncodeBody { get; set; } = "";
    public string DecodeBody { get; set; } = "";
}

internal sealed class EnumView
{
    public string Name { get; set; } = "";
    public string Access { get; set; } = "";
    public string? Doc { get; set; }
    public string Underlying { get; set; } = "int";
    public List<EnumMemberView> Members { get; set; } = new();
}

internal sealed class EnumMemberView
{
    public string Name { get; set; } = "";
    public string Value { get; set; } = "";
}

internal sealed class FieldView
{
    public string Name { get; set; } = "";
    public string IdlName { get; set; } = "";
    public string Type { get; set; } = "";
    public string? Default { get; set; }
    public string Wire { get; set; } = "";
    public string? Doc { get; set; }
}

internal sealed class StructView
{
    public string Name { get; set; } = "";
    public string IdlName { get; set; } = "";
    public string Access { get; set; } = "";
    public string? Doc { get; set; }
    public List<FieldView> Fields { get; } = new();
    public string EncodeBody { get; set; } = "";
    public string DecodeBody { get; set; } = "";
}

internal sealed class ArmView
{
    public string Name { get; set; } = "";
    public string Field { get; set; } = "";
    public string Type { get; set; } = "";
    public string FieldType { get; set; } = "";
    public string Parameter { get; set; } = "";
    /// <summary>A condition over "{0}" (the discriminant), null for the default arm.</summary>
    public string? Condition { get; set; }
    public string? SingleCase { get; set; }
    public bool IsDefault { get; set; }
    public string Wire { get; set; } = "";
}

internal sealed class UnionView
{
    public string Name { get; set; } = "";
    public string IdlName { get; set; } = "";
    public string Access { get; set; } = "";
    public string? Doc { get; set; }
    public string DiscriminantName { get; set; } = "";
    public string DiscriminantType { get; set; } = "";
    public List<ArmView> Arms { get; } = new();
    public bool DefaultIsVoid { get; set; }
    public string? VoidCondition { get; set; }
    public string DefaultDiscriminant { get; set; } = "default";
    public string? FirstArmDefault { get; set; }
    public string? FirstArmField { get; set; }
    public string EncodeBody { get; set; } = "";
    public string DecodeBody { get; set; } = "";
}

internal sealed class ProcedureView
{
    public string IdlName { get; set; } = "";
    public string Method { get; set; } = "";
    public string Opcode { get; set; } = "";
    public bool IsSplit { get; set; }
    public bool IsMulti { get; set; }
    public bool IsSynthesized { get; set; }
    public string? Doc { get; set; }
    public string Signature { get; set; } = "";
    public string InParameters { get; set; } = "";
    public string InArguments { get; set; } = "";
    public string InTypes { get; set; } = "";
    public bool HasIns { get; set; }
    public string StartPrefix { get; set; } = "Start";
    public string EndPrefix { get; set; } = "End";
    public string? ReplyType { get; set; }
    public string? ResultRecord { get; set; }
    /// <summary>The C# types of the OUT/INOUT values, in order (what a result record's fields are).</summary>
    public string OutTypes { get; set; } = "";
    /// <summary>The result record's property names, in order (empty unless there are two or more OUT values).</summary>
    public List<string> OutFields { get; } = new();
    public string TaskType { get; set; } = "";
    /// <summary>What the service interface's method returns: <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c> (a synchronous implementation allocates nothing).</summary>
    public string ServiceTaskType { get; set; } = "";
    public string? RequestType { get; set; }
    public string RequestArguments { get; set; } = "";
    public string EncodeRequest { get; set; } = "";
    public string DecodeRequest { get; set; } = "";
    public string EncodeReply { get; set; } = "";
    public string DecodeReply { get; set; } = "";
}

internal sealed class UpgradeView
{
    public string FromBase { get; set; } = "";
    public string FromName { get; set; } = "";
    public string FromServiceId { get; set; } = "";
    public string ToServiceId { get; set; } = "";
    public string? FromReplyType { get; set; }
    public string? ToReplyType { get; set; }
    /// <summary>Opcodes of the original whose shadow procedure takes the same C# parameters and returns the same reply (the same type, or
    /// a result record of the same field types): routed by the upgrading client.</summary>
    public List<RoutedView> Routed { get; } = new();
    /// <summary>Opcodes of the original left to the typed clients (split, or a different signature in the shadow), as an XML-doc list.</summary>
    public string NotRouted { get; set; } = "";
}

internal sealed class RoutedView
{
    public string IdlName { get; set; } = "";
    public string Opcode { get; set; } = "";
    public string Method { get; set; } = "";
    public string ShadowMethod { get; set; } = "";
    public string Parameters { get; set; } = "";
    public string Arguments { get; set; } = "";
    public bool HasIns { get; set; }
    public string TaskType { get; set; } = "";
    public bool HasReply { get; set; }
    /// <summary>When the two services' result records are different types with the same fields: the expression that
    /// converts the shadow's record <c>r</c> into the original's (<c>new VLXResult(r.A, r.B)</c>), else null.</summary>
    public string? ConvertReply { get; set; }
}

internal sealed class PackageView
{
    public string Name { get; set; } = "";
    public string Base { get; set; } = "";
    public string Access { get; set; } = "";
    public string? ServiceId { get; set; }
    public string? StatIndex { get; set; }
    public bool Client { get; set; }
    public bool Server { get; set; }
    public string FunctionNames { get; set; } = "";
    public List<ProcedureView> Procedures { get; } = new();
    public UpgradeView? Upgrade { get; set; }
}

internal sealed class ProgramProcedureView
{
    public string IdlName { get; set; } = "";
    public string Method { get; set; } = "";
    public string Number { get; set; } = "";
    public string? Doc { get; set; }
    public string? ResultType { get; set; }
    public string TaskType { get; set; } = "";
    /// <summary>What the service interface's method returns: <c>ValueTask</c> or <c>ValueTask&lt;T&gt;</c> (a synchronous implementation allocates nothing).</summary>
    public string ServiceTaskType { get; set; } = "";
    public string Parameters { get; set; } = "";
    public string Arguments { get; set; } = "";
    public bool HasArgs { get; set; }
    public string? ArgsType { get; set; }
    public string ArgsArguments { get; set; } = "";
    public string EncodeArgs { get; set; } = "";
    public string DecodeArgs { get; set; } = "";
    public string EncodeResult { get; set; } = "";
    public string DecodeResult { get; set; } = "";
}

internal sealed class ProgramView
{
    public string ProgramName { get; set; } = "";
    public string VersionName { get; set; } = "";
    public string Base { get; set; } = "";
    public string Access { get; set; } = "";
    public string Program { get; set; } = "";
    public string Version { get; set; } = "";
    public bool Client { get; set; }
    public bool Server { get; set; }
    public bool HasNullProcedure { get; set; }
    public List<ProgramProcedureView> Procedures { get; } = new();
}
