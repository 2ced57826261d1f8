using System.Collections.Generic;
using System.Linq;

namespace RxGen.Compiler.Tests;

/// <summary>Each error the compiler reports: id, position (line, column of the original file) and message.</summary>
public class DiagnosticsTests
{
    private static RxGen.Compiler.Diagnostics.Diagnostic Single(string idl, string id, Dictionary<string, string>? files = null)
    {
        var result = Idl.Compile(idl, files: files);
        Assert.False(result.Success);
        Assert.Empty(result.Files);
        return Assert.Single(result.Diagnostics, d => d.Id == id);
    }

    private static void AssertAt(RxGen.Compiler.Diagnostics.Diagnostic d, int line, int column, string messageFragment, string path = "test.xg")
    {
        Assert.Equal(path, d.Location.Path);
        Assert.Equal((line, column), (d.Location.Line, d.Location.Column));
        Assert.Contains(messageFragment, d.Message);
        Assert.Matches(@"^.+\(\d+,\d+\): error RXG\d{4}: ", d.ToString());
    }

    [Fact]
    public void Syntax_error() =>
        AssertAt(Single("struct x { int a; }\nconst Y = 5;\n", "RXG0100"), 2, 1, "missing ';'");

    [Fact]
    public void Illegal_character() =>
        AssertAt(Single("const A = 1;\nconst B = A + 1;\n", "RXG0101"), 2, 13, "illegal character '+'");

    [Fact]
    public void Undefined_type_is_an_outside_type_warning_saying_what_to_add()
    {
        var result = Idl.Compile("struct s {\n  afs_int32 a;\n  unknown_t b;\n};\n");
        Assert.True(result.Success);
        var warning = Assert.Single(result.Diagnostics);
        Assert.Equal(("RXG0250", RxGen.Compiler.Diagnostics.DiagnosticSeverity.Warning, 3, 3), (warning.Id, warning.Severity, warning.Location.Line, warning.Location.Column));
        Assert.Contains("--external-type unknown_t=Your.Namespace.Type", warning.Message);
        Assert.Contains("ExternalTypes=\"unknown_t=Your.Namespace.Type\"", warning.Message);
    }

    [Fact]
    public void Duplicate_name() =>
        AssertAt(Single("struct s { int a; };\nstruct s { int b; };\n", "RXG0201"), 2, 8, "'s' is already defined (at test.xg(1,8))");

    [Fact]
    public void Duplicate_field_name() =>
        AssertAt(Single("struct s { int a;\n int a; };\n", "RXG0201"), 2, 6, "s.a");

    [Fact]
    public void Duplicate_opcode_in_a_package() =>
        AssertAt(Single("package P_\nFoo(IN int a) = 1;\nBar(IN int a) = 1;\n", "RXG0202"), 3, 1, "opcode 1 of 'Bar' is already used by 'Foo' in package P_");

    [Fact]
    public void Same_opcode_in_two_packages_is_fine() =>
        Assert.True(Idl.Compile("package P_\nFoo(IN int a) = 1;\npackage Q_\nBar(IN int a) = 1;\n").Success);

    [Fact]
    public void Bad_array_bound_unknown() =>
        AssertAt(Single("struct arr {\n  int v[NOPE];\n};\n", "RXG0203"), 2, 9, "unknown constant or macro 'NOPE'");

    [Fact]
    public void Bad_array_bound_negative() =>
        AssertAt(Single("struct arr { int v<-1>; };\n", "RXG0203"), 1, 20, "must be between 0");

    [Fact]
    public void Recursive_type_without_pointer() =>
        AssertAt(Single("struct a { b x; };\nstruct b { a y; };\n", "RXG0204"), 1, 8, "a → b → a");

    [Fact]
    public void Recursion_through_optional_data_is_fine() =>
        Assert.True(Idl.Compile("struct n { int v; n *next; };\nstruct t { t kids<>; };\n").Success);

    [Fact]
    public void Union_without_cases() =>
        AssertAt(Single("union u switch (int k) {\n};\n", "RXG0205"), 1, 7, "union 'u' has no case arms");

    [Fact]
    public void Duplicate_case() =>
        AssertAt(Single("union u switch (int k) {\ncase 1: int a;\ncase 1: int b;\n};\n", "RXG0211"), 3, 13, "case value 1");

    [Fact]
    public void First_parameter_without_direction() =>
        AssertAt(Single("package P_\nFoo(afs_int32 a) = 1;\n", "RXG0206"), 2, 5, "('afs_int32 a' of Foo) has no direction");

    [Fact]
    public void Input_array_without_max() =>
        AssertAt(Single("package P_\nFoo(IN afs_int32 a<>) = 1;\n", "RXG0217"), 2, 5, "input array 'a' of Foo must specify a max size");

    [Fact]
    public void Opcode_after_auto_numbering() =>
        AssertAt(Single("package P_\nFoo(IN int a);\nBar(IN int a) = 7;\n", "RXG0209"), 3, 17, "isn't allowed here");

    [Fact]
    public void Procedure_outside_package() =>
        AssertAt(Single("Foo(IN int a) = 1;\n", "RXG0208"), 1, 1, "'Foo' is not in a package");

    [Fact]
    public void Include_not_found() =>
        AssertAt(Single("struct a { int x; };\n#include \"missing.xg\"\n", "RXG0001"), 2, 1, "'missing.xg'");

    [Fact]
    public void Include_cycle() =>
        AssertAt(Single("#include \"b.xg\"\n", "RXG0002", new Dictionary<string, string> { ["b.xg"] = "struct b { int x; };\n#include \"test.xg\"\n" }), 2, 1, "include chain", "b.xg");

    [Fact]
    public void System_include_is_rejected() =>
        AssertAt(Single("#include <rx/rx.h>\nstruct a { int x; };\n", "RXG0005"), 1, 1, "system header");

    [Fact]
    public void Unterminated_if() =>
        AssertAt(Single("struct a { int x; };\n#ifdef FOO\nstruct b { int y; };\n", "RXG0003"), 2, 1, "without matching #endif");

    [Fact]
    public void Error_in_an_included_file_points_into_that_file() =>
        AssertAt(Single("#include \"inc.xg\"\n", "RXG0201", new Dictionary<string, string> { ["inc.xg"] = "\n\nstruct i { int q; };\nstruct i { int r; };\n" }), 4, 8, "'i' is already defined", "inc.xg");

    [Fact]
    public void Several_errors_are_reported_in_one_run()
    {
        var result = Idl.Compile("struct a { x1 f; };\nstruct b { x2 g; };\nstruct a { int h; };\n");
        Assert.Equal(new[] { "RXG0250", "RXG0250", "RXG0201" }, result.Diagnostics.Select(d => d.Id));
        Assert.Equal(new[] { 1, 2, 3 }, result.Diagnostics.Select(d => d.Location.Line));
    }

    // ---- service ids, shadows, probes

    private const string Vl = "package VL_\nserviceid 52;\nGetCapabilities(OUT afs_int32 caps<196>) = 65537;\nFoo(IN afs_int32 a) = 1;\n";

    [Fact]
    public void Shadow_with_the_same_service_id() =>
        AssertAt(Single(Vl + "package YFSVL_\nserviceid 52;\nshadowof VL_;\nGetCapabilities(OUT afs_int32 caps<196>) = 65537;\nFoo(IN afs_int32 a) = 1;\n", "RXG0300"), 5, 9, "same service id 52");

    [Fact]
    public void Shadow_missing_an_opcode() =>
        AssertAt(Single(Vl + "package YFSVL_\nserviceid 2503;\nshadowof VL_;\nGetCapabilities(OUT afs_int32 caps<196>) = 65537;\n", "RXG0301"), 5, 9, "does not define opcode 1 (Foo in VL_)");

    [Fact]
    public void Shadow_probe_with_a_different_request() =>
        AssertAt(Single(Vl + "package YFSVL_\nserviceid 2503;\nshadowof VL_;\nGetCapabilities(IN afs_int32 v, OUT afs_int32 caps<196>) = 65537;\nFoo(IN afs_int32 a) = 1;\n", "RXG0302"), 8, 1, "different request");

    [Fact]
    public void Shadow_probe_at_a_different_opcode() =>
        AssertAt(Single(Vl + "package YFSVL_\nserviceid 2503;\nshadowof VL_;\nGetCapabilities(OUT afs_int32 caps<196>) = 65538;\nFoo(IN afs_int32 a) = 1;\n", "RXG0302"), 8, 1, "opcode 65538");

    [Fact]
    public void Shadow_probe_reply_may_differ() =>
        Assert.True(Idl.Compile(Vl + "package YFSVL_\nserviceid 2503;\nshadowof VL_;\nGetCapabilities(OUT afs_uint64 caps<8>) = 65537;\nFoo(IN afs_int32 a) = 1;\n").Success);

    [Fact]
    public void Shadow_of_an_unknown_package() =>
        AssertAt(Single("package YFSVL_\nserviceid 2503;\nshadowof NOPE_;\n", "RXG0303"), 1, 9, "'NOPE_'");

    [Fact]
    public void Shadow_without_a_service_id() =>
        AssertAt(Single("package A_\nFoo(IN int a) = 1;\npackage B_\nserviceid 9;\nshadowof A_;\nFoo(IN int a) = 1;\n", "RXG0304"), 1, 9, "A_ is part of an upgrade pair");

    [Fact]
    public void Unknown_directive() =>
        AssertAt(Single("package A_\nserviceidd 5;\n", "RXG0212"), 2, 1, "'serviceidd'");

    [Fact]
    public void Directive_outside_package() =>
        AssertAt(Single("serviceid 5;\n", "RXG0305"), 1, 1, "'serviceid' must follow a 'package'");

    [Fact]
    public void Service_id_out_of_range() =>
        AssertAt(Single("package A_\nserviceid 70000;\n", "RXG0307"), 2, 11, "70000");
}
