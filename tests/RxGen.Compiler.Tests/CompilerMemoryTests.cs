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

    /// <summary>Line, column and offset of <paramref name="needle"/>'s first occurrence, counted here from the text
    /// itself (\n, \r\n and a lone \r end a line).</summary>
    private static Diagnostics.SourceLocation Where(string path, string text, string needle)
    {
        var offset = text.IndexOf(needle, StringComparison.Ordinal);
        Assert.True(offset >= 0, needle);
        int line = 1, lineStart = 0;
        for (var i = 0; i < offset; i++)
        {
            if (text[i] == '\n' || (text[i] == '\r' && (i + 1 >= text.Length || text[i + 1] != '\n')))
            {
                line++;
                lineStart = i + 1;
            }
        }
        return new Diagnostics.SourceLocation(path, line, offset - lineStart + 1, offset, needle.Length);
    }

    [Fact]
    public void Constants_located_by_offset_have_the_exact_location_of_their_name()
    {
        // Constants of the common shape keep an offset into their file's line table; every other one its location
        // whole. Both must give the name's path, line, column, offset and length: the main file (CRLF, a tab, a
        // directive line, a comment), an included file spliced in, a forced include after the last line.
        var inc = "/* doc */\nconst IA = 1;\n\n  const IB = 0x2;\nconst IC = \"s\";\n";
        var forced = "const FA = 9;\n";
        var main = "const MA = 1;\r\n#define X 2\r\n\tconst MB = 2; const MC = 3;\r\n#include \"inc.h\"\nconst MD = -4; /* after */\nconst ME = X;\rconst MF = 6;";
        var sources = new InMemorySources(("inc.h", inc), ("forced.h", forced));
        var (model, diagnostics, _) = RxGenCompiler.Analyze(new CompileRequest("main.xg", main, sources, ForcedIncludes: new[] { "forced.h" }));
        Assert.DoesNotContain(diagnostics, d => d.IsError);
        var expected = new Dictionary<string, Diagnostics.SourceLocation>
        {
            ["MA"] = Where("main.xg", main, "MA"), ["MB"] = Where("main.xg", main, "MB"), ["MC"] = Where("main.xg", main, "MC"),
            ["MD"] = Where("main.xg", main, "MD"), ["ME"] = Where("main.xg", main, "ME"), ["MF"] = Where("main.xg", main, "MF"),
            ["IA"] = Where("inc.h", inc, "IA"), ["IB"] = Where("inc.h", inc, "IB"), ["IC"] = Where("inc.h", inc, "IC"),
            ["FA"] = Where("forced.h", forced, "FA"),
        };
        Assert.Equal(expected.Keys.OrderBy(k => k), model!.Constants.Select(c => c.Name).OrderBy(k => k));
        foreach (var constant in model.Constants)
            Assert.Equal(expected[constant.Name], constant.Location);
        // Asked for again, in any order (the line table's lookup hint must not change the answer).
        foreach (var constant in model.Constants.Reverse())
            Assert.Equal(expected[constant.Name], constant.Location);
        Assert.Equal("doc", model.Constants.Single(c => c.Name == "IA").Documentation);
        Assert.Equal(new[] { "1", "2", "3", "-4", "X", "6" }, new[] { "MA", "MB", "MC", "MD", "ME", "MF" }.Select(n => model.Constants.Single(c => c.Name == n).Text));
    }

    [Fact]
    public void A_constant_located_by_offset_is_small_and_equals_one_made_from_its_values()
    {
        var model = Idl.Compile("const A = 12;\nconst B = 0x10;\n/* documented */\nconst C = 5;\n").Model!;
        var a = model.Constants[0];
        // Cloning allocates exactly one object of the record's size: 48 bytes (a record with a whole location and
        // its own text and documentation fields was 80).
        _ = a with { };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var copy = a with { };
        var size = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"ConstantDefinition: {size} bytes");
        Assert.True(size <= 48, $"{size} bytes");
        Assert.Equal(a, copy);

        foreach (var c in model.Constants)
        {
            var made = new ConstantDefinition(c.Name, c.Value, c.Text, c.Location, c.Documentation);
            Assert.Equal(c, made);
            Assert.Equal(made, c);
            Assert.Equal(c.GetHashCode(), made.GetHashCode());
            Assert.Equal(c.ToString(), made.ToString());
        }
        Assert.Equal("documented", model.Constants[2].Documentation);

        // 'with' changes one member and keeps the others, whatever the shape.
        var changed = a with { Value = 13 };
        Assert.Equal((13L, "12", a.Location, (string?)null), (changed.Value!.Value, changed.Text, changed.Location, changed.Documentation));
        Assert.NotEqual(a, changed);
        Assert.Equal(a, changed with { Value = 12 });
        var documented = a with { Documentation = "d" };
        Assert.Equal(("d", a.Location, "12"), (documented.Documentation, documented.Location, documented.Text));
        Assert.Equal(a, documented with { Documentation = null });
        var moved = a with { Location = new Diagnostics.SourceLocation("other.xg", 3, 4, 20, 1) };
        Assert.Equal((new Diagnostics.SourceLocation("other.xg", 3, 4, 20, 1), "12", (long?)12), (moved.Location, moved.Text, moved.Value));
        Assert.NotEqual(a, moved);
        var noValue = a with { Value = null };
        Assert.Null(noValue.Value);
        Assert.Equal("12", noValue.Text);
        Assert.NotEqual(a, noValue);
        Assert.Equal(a, noValue with { Value = 12 });
    }

    [Fact]
    public void A_declaration_located_by_offsets_is_small_and_equals_one_made_from_its_values()
    {
        const string text = "struct S {\n  int a;\n  string b<64>; /* the b */\n  opaque c[8];\n};\nstruct T { S a; S *b; };\n";
        var model = Idl.Compile(text).Model!;
        var fields = model.Types.OfType<StructDefinition>().SelectMany(s => s.Fields).ToList();
        var a = fields[0];
        // Cloning allocates exactly one object of the record's size: 64 bytes (a record with two whole locations was 112).
        _ = a with { };
        var before = GC.GetAllocatedBytesForCurrentThread();
        var copy = a with { };
        var size = GC.GetAllocatedBytesForCurrentThread() - before;
        _output.WriteLine($"Declaration: {size} bytes");
        Assert.True(size <= 64, $"{size} bytes");
        Assert.Equal(a, copy);

        Assert.Equal(new Diagnostics.SourceLocation("test.xg", 2, 7, text.IndexOf("a;", StringComparison.Ordinal), 1), a.Location);
        Assert.Equal(new Diagnostics.SourceLocation("test.xg", 2, 3, text.IndexOf("int", StringComparison.Ordinal), 3), a.TypeLocation);
        Assert.Equal("the b", fields[1].Documentation);
        Assert.Equal((64L, DeclarationKind.String), (fields[1].Bound!.Value, fields[1].Kind));
        foreach (var d in fields)
        {
            var made = new Declaration(d.Name, d.Kind, d.Type, d.Bound, d.Location) { TypeLocation = d.TypeLocation, Documentation = d.Documentation };
            Assert.Equal(d, made);
            Assert.Equal(made, d);
            Assert.Equal(d.GetHashCode(), made.GetHashCode());
            Assert.Equal(d.ToString(), made.ToString());
        }

        // 'with' changes one member and keeps the others, whatever the shape.
        var documented = a with { Documentation = "d" };
        Assert.Equal(("d", a.Location, a.TypeLocation), (documented.Documentation, documented.Location, documented.TypeLocation));
        Assert.Equal(a, documented with { Documentation = null });
        var moved = a with { Location = new Diagnostics.SourceLocation("other.xg", 3, 4, 20, 1) };
        Assert.Equal((new Diagnostics.SourceLocation("other.xg", 3, 4, 20, 1), a.TypeLocation), (moved.Location, moved.TypeLocation));
        Assert.NotEqual(a, moved);
        Assert.Equal(a, moved with { Location = a.Location });
        var retyped = a with { TypeLocation = a.Location };
        Assert.Equal((a.Location, a.Location), (retyped.Location, retyped.TypeLocation));
        Assert.NotEqual(a, retyped);
        var unbounded = fields[1] with { Bound = null };
        Assert.Null(unbounded.Bound);
        Assert.NotEqual(fields[1], unbounded);
        Assert.Equal(fields[1], unbounded with { Bound = 64 });
        var (name, kind, type, bound, location) = fields[2];
        Assert.Equal(("c", DeclarationKind.FixedOpaque, TypeRef.Of(PrimitiveKind.UChar), (long?)8, fields[2].Location), (name, kind, type, bound, location));

        // Primitive types, repeated names and named types are one instance each.
        Assert.Same(TypeRef.Of(PrimitiveKind.Int32), a.Type);
        Assert.Same(a.Name, fields[3].Name);
        Assert.Same(fields[3].Type, fields[4].Type);
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
