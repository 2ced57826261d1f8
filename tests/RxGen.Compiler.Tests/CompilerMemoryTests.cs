using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using RxGen.Compiler.Model;
using RxGen.Compiler.Preprocessing;
using RxGen.Compiler.Tests.Preprocessing;
using Xunit.Abstractions;

namespace RxGen.Compiler.Tests;

/// <summary>Issue 16, memory of a large compilation: structural checks (the source map holds one entry per run of
/// lines, the preprocessed text is the input itself when nothing changed, no table of names nobody uses) and
/// allocation bounds measured on this thread only, with wide margins; no timing.</summary>
public class CompilerMemoryTests
{
    private readonly ITestOutputHelper _output;

    public CompilerMemoryTests(ITestOutputHelper output) => _output = output;

    private static string Constants(int n)
    {
        var sb = new StringBuilder();
        for (var i = 0; i < n; i++) sb.Append("const C").Append(i).Append(" = ").Append(i).Append(";\n");
        return sb.ToString();
    }

    [Fact]
    public void Text_the_preprocessor_leaves_alone_is_the_input_itself_and_one_source_map_run()
    {
        var text = Constants(5_000);
        var r = Preprocessor.Run("main.xg", text, new PreprocessorOptions(), new InMemorySources());
        Assert.Empty(r.Diagnostics);
        Assert.Same(text, r.Text);
        Assert.Equal(1, r.LineRunCount);
        Assert.Equal(5_000, r.Lines.Count);
        Assert.Equal(new LineOrigin("main.xg", 4_321), r.Lines[4_320]);
        Assert.Equal(new Diagnostics.SourceLocation("main.xg", 4_321, 3, text.IndexOf("const C4320 ", StringComparison.Ordinal) + 2, 0), r.Map(4_321, 3));
    }

    [Fact]
    public void The_source_map_has_one_entry_per_run_of_lines_not_per_line()
    {
        // Directives and inactive lines are blanked but stay in their file's run; an include makes three runs.
        var head = Constants(2_000);
        var text = head + "#include \"inc.h\"\n#if 0\nconst X = 1;\n#endif\n" + Constants(3_000).Replace("const C", "const D");
        var sources = new InMemorySources(("inc.h", Constants(1_000).Replace("const C", "const E")));
        var r = Preprocessor.Run("main.xg", text, new PreprocessorOptions(), sources);
        Assert.Empty(r.Diagnostics);
        Assert.Equal(3, r.LineRunCount);
        Assert.Equal(2_000 + 1 + 1_000 + 3 + 3_000, r.Lines.Count);
        Assert.Equal(new LineOrigin("inc.h", 1_000), r.Lines[2_000 + 1 + 999]);
        Assert.Equal(new LineOrigin("main.xg", 2_002), r.Lines[2_000 + 1 + 1_000]);
        Assert.Equal(r.Lines.Count, r.Lines.Count());
        Assert.Equal(r.Text.Length, text.Length - "#include \"inc.h\"#if 0const X = 1;#endif".Length + Constants(1_000).Length);
    }

    [Fact]
    public void Input_with_carriage_returns_or_no_final_newline_is_copied_exactly()
    {
        var r = Preprocessor.Run("main.xg", "const A = 1;\r\nconst B = 2;", new PreprocessorOptions(), new InMemorySources());
        Assert.Equal("const A = 1;\nconst B = 2;\n", r.Text);
        Assert.Equal(1, r.LineRunCount);
        r = Preprocessor.Run("main.xg", "const A = 1;\nconst B = 2;", new PreprocessorOptions(), new InMemorySources());
        Assert.Equal("const A = 1;\nconst B = 2;\n", r.Text);
        r = Preprocessor.Run("main.xg", "const A = 1;\n#define X 2\nconst B = X;\n", new PreprocessorOptions(), new InMemorySources());
        Assert.Equal("const A = 1;\n\nconst B = X;\n", r.Text);
    }

    [Fact]
    public void A_constant_written_as_its_decimal_value_keeps_its_text()
    {
        var model = Idl.Compile("const A = 12;\nconst B = 0x10;\nconst C = -5;\nconst D = 007;\nconst E = 0;\nconst F = \"12\";\nconst G = A;\n").Model!;
        Assert.Equal(new[] { "12", "0x10", "-5", "007", "0", "12", "A" }, model.Constants.Select(c => c.Text));
        Assert.Equal(new long?[] { 12, 16, -5, 7, 0, null, 12 }, model.Constants.Select(c => c.Value));
        var again = new ConstantDefinition("A", 12, "12", model.Constants[0].Location, null);
        Assert.Equal(model.Constants[0], again);
        Assert.Equal(model.Constants[0].GetHashCode(), again.GetHashCode());
        Assert.NotEqual(again, again with { Text = "0xc" });
        Assert.Equal("0xc", (again with { Text = "0xc" }).Text);
    }

    [Fact]
    public void Values_used_before_between_and_after_redefinitions_resolve_as_before()
    {
        // Only names used somewhere are kept in the builder's table; the values are those of the two-pass reading.
        var (model, _, _) = RxGenCompiler.Analyze(new CompileRequest("t.xg",
            "const X = A;\nconst A = 1;\nconst Y = A;\nconst A = 2;\nconst Z = A;\nconst W = M;\nenum E { L, M = Q };\nconst Q = 3;\nconst V = P;\nprogram PR { version VE { int F(int) = 7; } = 1; } = 9;\nconst P = F;\nconst U = R;\nconst G = 5;\nconst R = G;\n",
            new InMemorySources()));
        Assert.Equal(new long?[] { 2, 1, 1, 2, 2, 3, 3, 7, 7, 5, 5, 5 }, model!.Constants.Select(c => c.Value));
    }

    [Fact]
    public void Preprocessing_text_it_leaves_alone_allocates_a_fraction_of_the_input()
    {
        // What stays is the line table of the file (two ints a line); a copy of the text (2 bytes a character, twice
        // with a StringBuilder) or a source map entry per line (20 bytes a line) would be several bytes a character.
        var text = Constants(20_000);
        Preprocessor.Run("warm.xg", Constants(100), new PreprocessorOptions(), new InMemorySources());
        var before = GC.GetAllocatedBytesForCurrentThread();
        var r = Preprocessor.Run("big.xg", text, new PreprocessorOptions(), new InMemorySources());
        var perChar = (GC.GetAllocatedBytesForCurrentThread() - before) / (double)text.Length;
        _output.WriteLine($"preprocessor: {perChar:F2} bytes allocated per input character");
        Assert.Same(text, r.Text);
        Assert.True(perChar < 1.5, $"{perChar:F2} bytes allocated per input character");
    }

    [Fact]
    public void Front_end_allocation_per_input_character_is_bounded()
    {
        // Everything the front end allocates on this thread (mostly the parser's short-lived tokens and trees, one
        // chunk at a time), per input character: about 300 bytes when written; the bound is twice that.
        var text = Constants(20_000);
        RxGenCompiler.Analyze(new CompileRequest("warm.xg", Constants(100), new InMemorySources()));
        var before = GC.GetAllocatedBytesForCurrentThread();
        var (model, diagnostics, _) = RxGenCompiler.Analyze(new CompileRequest("big.xg", text, new InMemorySources()));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(diagnostics);
        Assert.Equal(20_000, model!.Constants.Count);
        var perChar = allocated / (double)text.Length;
        _output.WriteLine($"front end: {allocated} bytes allocated for {text.Length} characters: {perChar:F1} per character");
        Assert.True(perChar < 600, $"{perChar:F1} bytes allocated per input character");
    }
}
