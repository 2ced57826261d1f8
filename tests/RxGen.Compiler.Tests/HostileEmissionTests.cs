using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace RxGen.Compiler.Tests;

/// <summary>Emission of deep type graphs (issue 16): memoized, iterative typedef resolution and wire-size analysis,
/// so that deep chains emit in linear time without deep recursion, and a typedef nesting limit (RXG0215) for the
/// chains whose output is inherently quadratic. Depths are scaled down for CI; tests/RxGen.Compiler.Benchmarks
/// measures 10,000.</summary>
public class HostileEmissionTests
{
    private static CompileResult Compile(string idl) => Idl.Compile(idl, "test.x");

    [Theory]
    [InlineData("struct")]
    [InlineData("union")]
    [InlineData("typedef")]
    [InlineData("optional")]
    [InlineData("doubling")]
    public void Deep_chains_compile_end_to_end(string kind)
    {
        var result = Compile(HostileValidationTests.Chain(kind, 2000));
        Assert.True(result.Success, Idl.Errors(result));
        var text = Assert.Single(result.Files).Text;
        Assert.Contains(kind == "typedef" ? "class s1999Codec" : "class s1999 ", text);
    }

    [Fact]
    public void Wire_sizes_are_exact_at_any_depth_and_memoized()
    {
        // s_i holds 2^(i+1) ints by value (exponential without the memo, and cut at 16 levels before);
        // the guard on a variable array of s_i uses that size, clamped to int.MaxValue.
        var idl = HostileValidationTests.Chain("doubling", 40) + "struct top { s20 few<>; s39 many<>; };\n";
        var result = Compile(idl);
        Assert.True(result.Success, Idl.Errors(result));
        var text = result.Files[0].Text;
        Assert.Contains($"reader.ReadCount(uint.MaxValue, {4L << 21}, \"top.few\")", text);
        Assert.Contains($"reader.ReadCount(uint.MaxValue, {int.MaxValue}, \"top.many\")", text);
    }

    [Fact]
    public void A_deep_scalar_typedef_chain_generates_what_one_typedef_does()
    {
        // Scalar typedef chains used to be followed for 32 levels only: a char chain deeper than that became an
        // sbyte[] element array instead of rxgen's char vector, and a deep typedef of an array lost its default.
        static string Field(int depth)
        {
            var sb = new StringBuilder("typedef char c0;\ntypedef int v0<>;\n");
            for (var i = 1; i < depth; i++) sb.Append($"typedef c{i - 1} c{i};\ntypedef v{i - 1} v{i};\n");
            sb.Append($"struct rec {{ c{depth - 1} name<16>; v{depth - 1} values; }};\n");
            var result = Compile(sb.ToString());
            Assert.True(result.Success, Idl.Errors(result));
            var text = result.Files[0].Text;
            var start = text.IndexOf("sealed partial class rec ", System.StringComparison.Ordinal);
            Assert.True(start >= 0, text);
            var end = text.IndexOf("\n}", start, System.StringComparison.Ordinal);
            return Regex.Replace(text.Substring(start, end - start), @"\b([cv])\d+\b", "$1");
        }
        var shallow = Field(1);
        Assert.Contains("public byte[] Name { get; set; }", shallow);
        Assert.Contains("Name = global::System.Array.Empty<byte>();", shallow);
        Assert.Contains("result.Name = reader.ReadCharVector(count1, \"rec.name\");", shallow);
        Assert.Contains("public int[] Values { get; set; }", shallow);
        Assert.Contains("Values = global::System.Array.Empty<int>();", shallow);
        Assert.Equal(shallow, Field(200));
    }

    [Theory]
    [InlineData("fixed")]
    [InlineData("variable")]
    [InlineData("typedefopt")]
    public void Typedef_nesting_is_limited_with_one_diagnostic(string kind)
    {
        var limit = Validation.ModelValidator.MaxTypedefNesting;
        var ok = Compile(HostileValidationTests.Chain(kind, limit));
        Assert.True(ok.Success, Idl.Errors(ok));

        var deep = Compile(HostileValidationTests.Chain(kind, 10_000));
        var d = Assert.Single(deep.Diagnostics);
        Assert.Equal("RXG0215", d.Id);
        Assert.Equal(limit + 1, d.Location.Line);
        Assert.StartsWith($"typedef 's{limit}' nests arrays or optional data {limit + 1} levels deep through typedefs (s{limit} → s{limit - 1} → s{limit - 2} → s{limit - 3} → …); at most {limit}", d.Message);
        Assert.Empty(deep.Files);
    }

    [Theory]
    [InlineData("typedef b *a;\ntypedef a *b;\n", 1, "typedef 'a' is defined in terms of itself through typedefs alone (a → b → a)")]
    [InlineData("typedef int x;\ntypedef c c<>;\n", 2, "typedef 'c' is defined in terms of itself through typedefs alone (c → c)")]
    [InlineData("typedef q p;\ntypedef r q;\ntypedef p r[0];\n", 1, "(p → q → r → p)")]
    public void Typedef_cycles_through_pointers_or_variable_arrays_are_errors(string idl, int line, string message)
    {
        // These overflowed the stack in the emitter (the recursion check rightly lets '*' and '<>' break a cycle,
        // but a cycle of typedefs alone has no struct to hold it).
        var result = Compile(idl + "struct user { a x; };\n".Replace("a x", idl.Contains("typedef b *a") ? "a x" : "int x"));
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal(("RXG0216", line), (d.Id, d.Location.Line));
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void A_by_value_typedef_cycle_stays_one_recursion_diagnostic()
    {
        var result = Compile("typedef b a;\ntypedef a b[2];\n");
        Assert.Equal(new[] { "RXG0204" }, result.Diagnostics.Select(d => d.Id));
    }

    [Fact]
    public void Many_unions_over_one_deep_discriminant_typedef_chain()
    {
        // The discriminant check walked the typedef chain once per union (17 s at 5,000 x 5,000 before).
        var sb = new StringBuilder("enum e0 { A = 1, B = 2 };\n");
        for (var i = 1; i <= 2000; i++) sb.Append($"typedef e{i - 1} e{i};\n");
        for (var i = 0; i < 2000; i++) sb.Append($"union u{i} switch (e2000 d) {{ case A: int a; case B: void; }};\n");
        var result = Compile(sb.ToString());
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Contains("case e0.A:", result.Files[0].Text);
    }

    [Fact]
    public void The_synthesized_probe_skips_many_taken_opcodes()
    {
        var sb = new StringBuilder("package P_\n");
        for (var i = 0; i < 3000; i++) sb.Append($"F{i}(IN int a) = {65537 + i};\n");
        var result = Idl.Compile(sb.ToString(), "p.xg");
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Equal(65537 + 3000, result.Model!.Packages[0].Procedures.Single(p => p.IsSynthesized).Opcode);
    }
}
