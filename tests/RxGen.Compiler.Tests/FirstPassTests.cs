using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Model;
using RxGen.Compiler.Tests.Preprocessing;

namespace RxGen.Compiler.Tests;

/// <summary>Issue 16: the model builder's first pass reads structs, unions and typedefs from their tokens, unparsed.
/// It must find the same forward uses of names, and an input with syntax errors must get the diagnostics of a first
/// pass that parses everything (every lexer and parser error in input order, nothing from the second pass).</summary>
public class FirstPassTests
{
    private static (InterfaceModel? Model, System.Collections.Generic.IReadOnlyList<Diagnostic> Diagnostics) Analyze(string text)
    {
        var (model, diagnostics, _) = RxGenCompiler.Analyze(new CompileRequest("t.xg", text, new InMemorySources()));
        return (model, diagnostics);
    }

    [Fact]
    public void Names_used_in_unparsed_types_before_their_definition_resolve()
    {
        // Bounds, variable-array maxima and case labels; contextual keywords (here 'proc', 'long') are names too.
        var (model, diagnostics) = Analyze(
            "struct S { int a[N]; opaque b<M>; string c<>; int d[proc]; };\n" +
            "typedef int T[N];\n" +
            "union U switch (int d) { case K: int x; case long: void; default: void; };\n" +
            "const N = 2;\nconst M = 3;\nconst K = 4;\nconst proc = 5;\nconst long = 6;\n");
        Assert.Empty(diagnostics);
        var s = (StructDefinition)model!.Types.Single(t => t.Name == "S");
        Assert.Equal(new long?[] { 2, 3, null, 5 }, s.Fields.Select(f => f.Bound));
        Assert.Equal(2, ((TypedefDefinition)model.Types.Single(t => t.Name == "T")).Body.Bound);
        var u = (UnionDefinition)model.Types.Single(t => t.Name == "U");
        Assert.Equal(new long[] { 4, 6 }, u.Arms.SelectMany(a => a.Cases).Select(c => c.Value));
    }

    [Fact]
    public void A_malformed_struct_gets_only_its_syntax_error()
    {
        // Without care, the second pass would first report the unknown B of the constant before the struct.
        var (model, diagnostics) = Analyze("const A = B;\nstruct S { int a[; };\nconst C = 1;\n");
        Assert.Null(model);
        var only = Assert.Single(diagnostics);
        Assert.Equal(DiagnosticDescriptors.SyntaxError.Id, only.Id);
        Assert.Equal(2, only.Location.Line);
    }

    [Fact]
    public void Syntax_errors_of_unparsed_and_parsed_definitions_come_in_input_order_once_each()
    {
        var text = "union U switch (int d) { case : int x; };\nconst X = ;\ntypedef int;\nenum E { , };\nstruct S { int a; }\n";
        var (model, diagnostics) = Analyze(text);
        Assert.Null(model);
        Assert.True(diagnostics.Count >= 4, string.Join("\n", diagnostics));
        Assert.All(diagnostics, d => Assert.True(d.IsError));
        var lines = diagnostics.Select(d => d.Location.Line).ToList();
        Assert.Equal(lines.OrderBy(l => l), lines);
        Assert.Equal(lines.Count, diagnostics.Select(d => (d.Location.Line, d.Location.Column)).Distinct().Count());
        Assert.Equal(new[] { 1, 2, 3, 4 }, lines.Distinct().Take(4));
    }
}
