using System.Collections.Generic;
using System.Linq;
using System.Text;
using RxGen.Compiler.Diagnostics;

namespace RxGen.Compiler.Tests;

/// <summary>Validation of huge and deep type graphs (issue 16/17): deep chains of every kind complete, and the
/// recursion check (one linear strongly-connected-components pass) reports one diagnostic per recursive component.
/// Depths are scaled down for CI; tests/RxGen.Compiler.Benchmarks measures the full sizes.</summary>
public class HostileValidationTests
{
    internal static (Model.InterfaceModel? Model, IReadOnlyList<Diagnostic> Diagnostics) Analyze(string text, string path = "test.x")
    {
        var (model, diagnostics, _) = RxGenCompiler.Analyze(new CompileRequest(path, text, new MemorySources(new Dictionary<string, string> { [path] = text })));
        return (model, diagnostics);
    }

    /// <summary>A chain of <paramref name="depth"/> definitions, each containing the previous one by value.</summary>
    internal static string Chain(string kind, int depth)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < depth; i++)
        {
            var inner = i == 0 ? "int" : "s" + (i - 1);
            sb.Append(kind switch
            {
                "struct" => $"struct s{i} {{ {inner} a; }};\n",
                "union" => $"union s{i} switch (int d) {{ case 0: {inner} a; default: void; }};\n",
                "typedef" => $"typedef {inner} s{i};\n",
                "fixed" => $"typedef {inner} s{i}[2];\n",
                "optional" => $"struct s{i} {{ {inner} *a; }};\n",
                "typedefopt" => $"typedef {inner} *s{i};\n",
                "variable" => $"typedef {inner} s{i}<>;\n",
                "doubling" => $"struct s{i} {{ {inner} a; {inner} b; }};\n",
                _ => throw new System.ArgumentException(kind),
            });
        }
        return sb.ToString();
    }

    [Theory]
    [InlineData("struct")]
    [InlineData("union")]
    [InlineData("typedef")]
    [InlineData("optional")]
    public void Deep_chains_analyze_without_diagnostics(string kind)
    {
        var (model, diagnostics) = Analyze(Chain(kind, 3000));
        Assert.Empty(diagnostics);
        Assert.Equal(3000, model!.Types.Count);
    }

    [Fact]
    public void A_long_by_value_cycle_is_one_diagnostic_with_its_path()
    {
        var sb = new StringBuilder();
        const int n = 3000;
        for (var i = 0; i < n; i++) sb.Append($"struct s{i} {{ int v; s{(i + 1) % n} next; }};\n");
        var (_, diagnostics) = Analyze(sb.ToString());
        var d = Assert.Single(diagnostics);
        Assert.Equal("RXG0204", d.Id);
        Assert.Equal((1, 8), (d.Location.Line, d.Location.Column));
        Assert.Contains("s0 → s1 → s2 → ", d.Message);
        Assert.Contains("s2998 → s2999 → s0)", d.Message);
    }

    [Fact]
    public void Each_recursive_component_is_reported_once_in_declaration_order()
    {
        var idl = "struct a { b x; };\nstruct b { a y; c z; };\nstruct c { b w; };\n" +  // one component {a, b, c}
                  "typedef t t2[3];\nstruct t { t2 inner; };\n" +                         // a component through a fixed array
                  "struct self { int v; self again; };\n" +                               // a self loop
                  "struct ok { ok *next; ok kids<>; };\n";                                 // optional data and variable arrays break cycles
        var (_, diagnostics) = Analyze(idl);
        Assert.All(diagnostics, d => Assert.Equal("RXG0204", d.Id));
        Assert.Equal(new[] { "type 'a'", "type 't2'", "type 'self'" }, diagnostics.Select(d => d.Message.Substring(0, d.Message.IndexOf(" contains", System.StringComparison.Ordinal))));
        Assert.Contains("(a → b → a)", diagnostics[0].Message);
        Assert.Contains("(t2 → t → t2)", diagnostics[1].Message);
        Assert.Contains("(self → self)", diagnostics[2].Message);
    }

    [Fact]
    public void A_hub_with_many_cycles_is_one_diagnostic()
    {
        var sb = new StringBuilder("union hub switch (int d) {\n");
        for (var i = 0; i < 2000; i++) sb.Append($"case {i}: spoke{i} a{i};\n");
        sb.Append("};\n");
        for (var i = 0; i < 2000; i++) sb.Append($"struct spoke{i} {{ hub back; }};\n");
        var (_, diagnostics) = Analyze(sb.ToString());
        Assert.Contains("(hub → spoke0 → hub)", Assert.Single(diagnostics).Message);
    }

    [Theory]
    [InlineData("struct s { int a[2147483592]; };", "'a' must be at most 2147483591")]
    [InlineData("struct s { opaque o[0x7FFFFFFF]; };", "'o' must be at most 2147483591")]
    [InlineData("typedef hyper big[2147483647];", "'big' must be at most 2147483591")]
    public void Fixed_bounds_above_Array_MaxLength_are_errors(string idl, string message)
    {
        var (_, diagnostics) = Analyze(idl);
        var d = Assert.Single(diagnostics);
        Assert.Equal("RXG0203", d.Id);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void A_fixed_bound_of_Array_MaxLength_is_accepted() =>
        Assert.Empty(Analyze("struct s { opaque o[2147483591]; };").Diagnostics);
}
