using System.Collections.Generic;
using System.Linq;
using RxGen.Compiler.Model;

namespace RxGen.Compiler.Tests;

/// <summary>rxgen's semantics as the model records them (protocols.md §1–2, including its traps).</summary>
public class SemanticsTests
{
    private static InterfaceModel Model(string idl, Dictionary<string, string>? files = null)
    {
        var result = Idl.Compile(idl, files: files);
        Assert.True(result.Success, Idl.Errors(result));
        return result.Model!;
    }

    private static Procedure Proc(InterfaceModel model, string package, string name) =>
        model.Packages.Single(p => p.Name == package).Procedures.Single(p => p.Name == name);

    [Fact]
    public void A_parameter_without_direction_inherits_the_previous_one_even_across_procedures()
    {
        var model = Model("package RXAFS_\nStoreData64(IN afs_int32 a, OUT afs_int32 *b) split = 65538;\nGiveUpAllCallBacks() = 65539;\nGetCapabilities(afs_uint32 *caps) multi = 65540;\nMix(IN int a, int b, OUT int c, int d) = 1;\n");
        Assert.Equal(ParameterDirection.Out, Proc(model, "RXAFS_", "GetCapabilities").Parameters[0].Direction);
        Assert.Equal(new[] { ParameterDirection.In, ParameterDirection.In, ParameterDirection.Out, ParameterDirection.Out },
            Proc(model, "RXAFS_", "Mix").Parameters.Select(p => p.Direction));
    }

    [Fact]
    public void Star_on_a_parameter_is_by_reference_but_on_a_field_is_optional_data()
    {
        var model = Model("struct AFSFid { afs_uint32 Volume; };\nstruct n { afs_int32 v; n *next; };\npackage P_\nF(IN AFSFid *fid, OUT afs_int32 *x) = 1;\n");
        Assert.All(Proc(model, "P_", "F").Parameters, p => Assert.Equal(DeclarationKind.Scalar, p.Declaration.Kind));
        var n = model.Types.OfType<StructDefinition>().Single(s => s.Name == "n");
        Assert.Equal(DeclarationKind.Optional, n.Fields[1].Kind);
    }

    [Fact]
    public void Auto_numbering_uses_one_global_counter_not_reset_per_package()
    {
        var model = Model("package P_\nA() = 5;\nB();\nC();\npackage Q_\nD();\n");
        Assert.Equal(new long[] { 5, 0, 1 }, model.Packages[0].Procedures.Where(p => !p.IsSynthesized).Select(p => p.Opcode));
        Assert.Equal(2, Proc(model, "Q_", "D").Opcode);
    }

    [Fact]
    public void Startingopcode_sets_the_counter()
    {
        var model = Model("package P_\nstartingopcode 100\nA();\nB();\n");
        Assert.Equal(new long[] { 100, 101 }, model.Packages[0].Procedures.Where(p => !p.IsSynthesized).Select(p => p.Opcode));
    }

    [Fact]
    public void Opcodes_come_from_numbers_macros_in_included_headers_and_constants()
    {
        var model = Model("#include \"ops.h\"\nconst OPC = 0x20;\npackage VL_\nA(IN int a) = VLGETENTRYBYNAME;\nB(IN int a) = OPC;\nC(IN int a) = 7;\n",
            new Dictionary<string, string> { ["ops.h"] = "#define VLBASE 500\n#define VLGETENTRYBYNAME (VLBASE + 4)\n" });
        Assert.Equal(new long[] { 504, 32, 7 }, model.Packages[0].Procedures.Where(p => !p.IsSynthesized).Select(p => p.Opcode));
    }

    [Fact]
    public void Procedures_belong_to_the_latest_package_and_declaration_order_is_kept()
    {
        var model = Model("package VOTE_\nprefix S\nstatindex 11\nBeacon(IN int a) multi = 10000;\npackage DISK_\nstatindex 12\nGetFile(IN int a) split = 20001;\nBegin(IN int a) = 20000;\n");
        Assert.Equal(new[] { "VOTE_", "DISK_" }, model.Packages.Select(p => p.Name));
        Assert.Equal(ProcedureKind.Multi, Proc(model, "VOTE_", "Beacon").Kind);
        var disk = model.Packages[1];
        Assert.Equal(12, disk.StatIndex);
        Assert.Equal("S", disk.ServerPrefix);
        Assert.Equal(new[] { "GetFile", "Begin" }, disk.Procedures.Where(p => !p.IsSynthesized).Select(p => p.Name));
        Assert.Equal(ProcedureKind.Split, disk.Procedures[0].Kind);
        Assert.Equal(new[] { 0, 1 }, disk.Procedures.Where(p => !p.IsSynthesized).Select(p => p.DeclarationIndex));
    }

    [Fact]
    public void Every_package_gets_a_probe_synthesized_at_65537_or_the_next_free_opcode()
    {
        var model = Model("package A_\nF(IN int a) = 1;\npackage B_\nG(IN int a) = 65537;\npackage C_\nGetCapabilities(OUT afs_uint32 c<10>) = 65540;\n");
        var a = Proc(model, "A_", "GetCapabilities");
        Assert.True(a.IsSynthesized);
        Assert.Equal(65537, a.Opcode);
        Assert.Equal(65538, Proc(model, "B_", "GetCapabilities").Opcode);
        Assert.False(Proc(model, "C_", "GetCapabilities").IsSynthesized);
        Assert.Single(model.Packages[2].Procedures);
    }

    [Fact]
    public void Service_ids_come_from_the_declaration_or_the_well_known_table()
    {
        var model = Model("package VL_\nF(IN int a) = 1;\npackage YFSVL_\nserviceid 2503;\nshadowof VL_;\nF(IN int a) = 1;\npackage MINE_\nG(IN int a) = 1;\n");
        Assert.Equal(new int?[] { 52, 2503, null }, model.Packages.Select(p => p.ServiceId));
        Assert.Equal("VL_", model.Packages[1].ShadowOf);
    }

    [Fact]
    public void Types_of_both_dialects()
    {
        var model = Model(@"
const HEX = 0x10; const OCT = 010; const NEG = -5; const ALIAS = HEX;
enum color { RED, GREEN = 5, BLUE };
typedef char prname[64];
typedef prname namelist<500000>;
struct all {
  char name[65]; unsigned char u[3]; opaque fo[5]; opaque vo<10>; string s<>; afs_int64 big; unsigned hyper uh;
  unsigned short us; short s16; bool b; afsUUID id; namelist names; float f; double d; unsigned u32; u_int u2; long l;
};
union res switch (color c) { case RED: case GREEN: int x; case BLUE: void; default: string why<20>; };
");
        Assert.Equal(new long?[] { 16, 8, -5, 16 }, model.Constants.Select(c => c.Value));
        Assert.Equal(new long[] { 0, 5, 6 }, model.Types.OfType<EnumDefinition>().Single().Members.Select(m => m.Value));
        var all = model.Types.OfType<StructDefinition>().Single();
        Assert.Equal((DeclarationKind.FixedArray, PrimitiveKind.Char, 65L), (all.Fields[0].Kind, all.Fields[0].Type.Primitive!.Value, all.Fields[0].Bound!.Value));
        Assert.Equal(PrimitiveKind.UChar, all.Fields[1].Type.Primitive);
        Assert.Equal(DeclarationKind.FixedOpaque, all.Fields[2].Kind);
        Assert.Equal(DeclarationKind.VariableOpaque, all.Fields[3].Kind);
        Assert.Equal((DeclarationKind.String, (long?)null), (all.Fields[4].Kind, all.Fields[4].Bound));
        Assert.Equal(new PrimitiveKind?[] { PrimitiveKind.Int64, PrimitiveKind.UInt64, PrimitiveKind.UInt16, PrimitiveKind.Int16, PrimitiveKind.Bool },
            all.Fields.Skip(5).Take(5).Select(f => f.Type.Primitive));
        Assert.Equal("afsUUID", all.Fields[10].Type.Name);
        Assert.Equal(new PrimitiveKind?[] { PrimitiveKind.Float, PrimitiveKind.Double, PrimitiveKind.UInt32, PrimitiveKind.UInt32, PrimitiveKind.Int32 },
            all.Fields.Skip(12).Select(f => f.Type.Primitive));
        var union = model.Types.OfType<UnionDefinition>().Single();
        Assert.Equal(new[] { 2, 1 }, union.Arms.Select(a => a.Cases.Count));
        Assert.Equal(DeclarationKind.Void, union.Arms[1].Body.Kind);
        Assert.Equal(DeclarationKind.String, union.Default!.Kind);
    }

    [Fact]
    public void Rpcgen_programs_with_several_arguments_and_void()
    {
        var model = Model("program KV { version KV1 { void NULLPROC(void) = 0; int PUT(string k<>, opaque v<>) = 1; } = 1; version KV2 { int GET(string<>) = 1; } = 2; } = 0x20000099;\nconst HIGH = PUT;\n");
        var program = Assert.Single(model.Programs);
        Assert.Equal(0x20000099, program.Number);
        Assert.Equal(new long[] { 1, 2 }, program.Versions.Select(v => v.Number));
        var put = program.Versions[0].Procedures[1];
        Assert.Equal(new[] { "k", "v" }, put.Arguments.Select(a => a.Name));
        Assert.Empty(program.Versions[0].Procedures[0].Arguments);
        Assert.Equal(DeclarationKind.Void, program.Versions[0].Procedures[0].Result.Kind);
        Assert.Equal(1, model.Constants.Single(c => c.Name == "HIGH").Value);
    }

    [Fact]
    public void Percent_define_lines_become_constants_and_percent_lines_stay_out_of_the_model()
    {
        var model = Model("%#include <afs/param.h>\n%#define AFSCBMAX 50\nstruct cbs { afs_int32 ids<AFSCBMAX>; };\n");
        Assert.Equal(50, model.Constants.Single(c => c.Name == "AFSCBMAX").Value);
        Assert.Equal(50, model.Types.OfType<StructDefinition>().Single().Fields[0].Bound);
    }

    [Fact]
    public void Comments_become_documentation()
    {
        var model = Model("/* The volume entry. */\nstruct ve { int a; }; /* trailing, not for the next one */\nstruct other { int b; };\n");
        Assert.Equal("The volume entry.", model.Types[0].Documentation);
        Assert.Null(model.Types[1].Documentation);
    }

    [Fact]
    public void Member_comments_document_fields()
    {
        var model = Model("struct ve {\n  int a; /* count of things */\n  /* the name */\n  int b;\n  int c;\n};\n");
        var fields = model.Types.OfType<StructDefinition>().Single().Fields;
        Assert.Equal(new[] { "count of things", "the name", null }, fields.Select(f => f.Documentation));
        var cs = Idl.Compile("struct ve {\n  int a; /* count <of> things */\n};\n").Files.Single().Text;
        Assert.Contains("<c>int32 a</c>: count &lt;of&gt; things</summary>", cs);
    }

    [Fact]
    public void Contextual_keywords_are_identifiers()
    {
        var model = Model("struct s { int proc; int version; int package; int program; int split; };\n");
        Assert.Equal(new[] { "proc", "version", "package", "program", "split" }, model.Types.OfType<StructDefinition>().Single().Fields.Select(f => f.Name));
    }

    [Fact]
    public void The_model_is_equatable()
    {
        const string idl = "struct s { int a; };\npackage P_\nF(IN s x) = 1;\n";
        Assert.Equal(Model(idl), Model(idl));
        Assert.NotEqual(Model(idl), Model(idl.Replace("= 1", "= 2")));
    }

    [Fact]
    public void Percent_define_values_lose_their_comments_and_are_typed_consistently()
    {
        var model = Idl.Compile("%#define VLF_RWEXISTS 0x1000 /* rw exists */\n%#define VLF_ROEXISTS 0x2000\n%#define NAME \"a /* b */\" // c\nstruct s { int a; };\n").Model!;
        Assert.Equal(0x1000, model.Constants.Single(c => c.Name == "VLF_RWEXISTS").Value);
        Assert.Equal(0x2000, model.Constants.Single(c => c.Name == "VLF_ROEXISTS").Value);
        Assert.Equal("a /* b */", model.Constants.Single(c => c.Name == "NAME").Text);
    }

    [Fact]
    public void Latin1_strings_are_a_per_file_option()
    {
        var idl = "struct s { string name<64>; };\n";
        Assert.Contains("reader.ReadString(64u", Idl.Compile(idl).Files[0].Text);
        var latin1 = Idl.Compile(idl, emit: new RxGen.Compiler.Emit.EmitOptions("Test") { Latin1Strings = true }).Files[0].Text;
        Assert.Contains("reader.ReadStringLatin1(64u", latin1);
        Assert.Contains("writer.WriteStringLatin1(", latin1);
    }

    [Fact]
    public void Afs_time64_from_stds_h_is_known_with_its_wire_format()
    {
        var result = Idl.Compile("struct token { struct afs_time64 expiry; afs_int32 kvno; };\n");
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Empty(result.Diagnostics);
        Assert.Contains("global::RxGen.Runtime.Afs.AfsTime64", result.Files[0].Text);
    }
}
