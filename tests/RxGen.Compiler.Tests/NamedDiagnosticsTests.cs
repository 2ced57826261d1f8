using System.Linq;

namespace RxGen.Compiler.Tests;

/// <summary>Every error the catch-all "{0}" descriptors used to carry has a named descriptor of its own, with a
/// fixed message format (issue 11): each case below gives exactly one diagnostic, with its id and its message.</summary>
public class NamedDiagnosticsTests
{
    [Theory]
    [InlineData("struct s { int a; }\nconst Y = 5;\n", "RXG0100", "syntax error: missing ';' at 'const'")]
    [InlineData("const A = 1;\nconst B = A $ 1;\n", "RXG0101", "illegal character '$' in file")]
    [InlineData("struct s {\n  int a;\n", "RXG0102", "unexpected end of file: ")]
    [InlineData("package P_\nFoo(afs_int32 a) = 1;\n", "RXG0206", "the first parameter of the file ('afs_int32 a' of Foo) has no direction: write IN, OUT or INOUT")]
    [InlineData("package P_\nFoo(IN int a);\nBar(IN int a) = 7;\n", "RXG0209", "opcode assignment for Bar isn't allowed here: package P_ already numbers its procedures automatically")]
    [InlineData("struct s { string name[8]; };\n", "RXG0210", "'name': a string must be declared with '<N>' or '<>', not '[N]'")]
    [InlineData("struct s { opaque data; };\n", "RXG0210", "'data': opaque must be declared with '[N]' or '<N>'")]
    [InlineData("struct s { quadruple q; };\n", "RXG0213", "'quadruple' (128-bit float) has no C# equivalent and is not supported")]
    [InlineData("program P { version V { void F(void) = 1; } = 1; } = 7;\nprogram Q { version W { void G(void) = 1; } = 1; } = 7;\n", "RXG0214", "program number 7 of Q is already used by P")]
    [InlineData("package P_\nFoo(IN afs_int32 a<>) = 1;\n", "RXG0217", "input array 'a' of Foo must specify a max size")]
    [InlineData("package P_\nFoo(IN int a) = 2147483648;\n", "RXG0218", "opcode 2147483648 of Foo is out of range (0..2147483647)")]
    [InlineData("package P_\nstartingopcode 100000\nFoo(IN int a);\n", "RXG0219", "startingopcode 100000 is out of range (0..99999)")]
    [InlineData("const A = 099;\n", "RXG0220", "the constant '099' has no numeric value: '099' is not a valid number")]
    [InlineData("#define M hello\nenum e { X = M };\n", "RXG0220", "the enum value 'M' has no numeric value: macro 'M' is not a number")]
    [InlineData("struct s { int a; void; };\n", "RXG0221", "a member of struct 's' cannot be void")]
    [InlineData("package P_\nFoo(IN void x) = 1;\n", "RXG0221", "parameter 'x' of Foo cannot be void")]
    [InlineData("struct s { string *p; };\n", "RXG0222", "'p': a pointer to string is not allowed")]
    [InlineData("struct s { unsigned frob f; };\n", "RXG0223", "'unsigned frob' is not a type")]
    [InlineData("program P { version V { void F(void, int) = 1; } = 1; } = 7;\n", "RXG0224", "'void' must be the only argument of F")]
    [InlineData("union u switch (string s<>) { case 1: int a; };\n", "RXG0225", "the discriminant of union 'u' must be an int, unsigned int, bool or enum")]
    [InlineData("program P { version V { void F(void) = 1; } = 1; version W { void G(void) = 1; } = 1; } = 7;\n", "RXG0226", "version number 1 appears twice in P")]
    [InlineData("package P_\nserviceid 5;\nshadowof 7;\n", "RXG0227", "shadowof needs a package name, e.g. 'shadowof VL_;'")]
    public void Each_error_has_its_own_id_and_message(string idl, string id, string message)
    {
        var result = Idl.Compile(idl, "test.x");
        var errors = result.Diagnostics.Where(d => d.IsError).ToList();
        var d = Assert.Single(errors);
        Assert.Equal(id, d.Id);
        Assert.StartsWith(message, d.Message);
    }

    [Fact]
    public void No_descriptor_is_a_bare_placeholder()
    {
        var descriptors = typeof(Diagnostics.DiagnosticDescriptors).GetFields().Select(f => (Diagnostics.DiagnosticDescriptor)f.GetValue(null)!).ToList();
        Assert.True(descriptors.Count > 60);
        Assert.All(descriptors, d => Assert.NotEqual("{0}", d.MessageFormat));
        Assert.Equal(descriptors.Count, descriptors.Select(d => d.Id).Distinct().Count());
    }

    [Fact]
    public void A_syntax_error_before_a_later_definition_is_not_the_end_of_the_file()
    {
        // The parser reads one chunk of top-level definitions at a time; a chunk's end is not the file's end.
        var result = Idl.Compile("struct s int a; };\nconst C = 1;\n", "test.x");
        Assert.NotEmpty(result.Diagnostics);
        Assert.All(result.Diagnostics, d => Assert.Equal("RXG0100", d.Id));
        Assert.DoesNotContain(result.Diagnostics, d => d.Message.Contains("end of file"));
    }

    [Fact]
    public void Values_may_be_used_before_their_definition_across_chunks()
    {
        var result = Idl.Compile("struct s { int a[N]; };\nenum e { X = M, Y };\nconst N = M2;\nconst M2 = 4;\nconst M = 3;\n", "test.x");
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Equal(4, result.Model!.Types.OfType<Model.StructDefinition>().Single().Fields[0].Bound);
        Assert.Equal(new long[] { 3, 4 }, result.Model.Types.OfType<Model.EnumDefinition>().Single().Members.Select(m => m.Value));
    }
}
