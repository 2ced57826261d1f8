using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class IncludeTests
{
    [Fact]
    public void Include_is_spliced_after_the_blank_directive_line_and_lines_map_back()
    {
        var sources = new InMemorySources(("src/common.xg", "struct A {\n\tint x;\n};\n"));
        PreprocessedSource r = PP.Run("package X_\n#include \"common.xg\"\nproc P() = 1;\n", sources, path: "src/afsint.xg");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "package X_", "", "struct A {", "\tint x;", "};", "proc P() = 1;" }, PP.TextLines(r));
        Assert.Equal(
            new[] { new LineOrigin("src/afsint.xg", 1), new LineOrigin("src/afsint.xg", 2), new LineOrigin("src/common.xg", 1), new LineOrigin("src/common.xg", 2), new LineOrigin("src/common.xg", 3), new LineOrigin("src/afsint.xg", 3) },
            r.Lines);

        SourceLocation inside = r.Map(4, 6);
        Assert.Equal("src/common.xg", inside.Path);
        Assert.Equal(2, inside.Line);
        Assert.Equal(6, inside.Column);
        Assert.Equal("struct A {\n".Length + 5, inside.Offset); // offset in common.xg: "\tint " precedes 'x'

        SourceLocation after = r.Map(6, 1);
        Assert.Equal(new SourceLocation("src/afsint.xg", 3, 1, "package X_\n#include \"common.xg\"\n".Length, 0), after);
        Assert.Equal(new[] { "src/common.xg" }, r.IncludedFiles);
    }

    [Fact]
    public void Vldbint_style_opcode_header()
    {
        var sources = new InMemorySources(("src/vlserver/vl_opcodes.h", "#define VLCREATEENTRY\t\t501\n#define VLPROBE\t\t\t514\n"));
        const string text = "package\tVL_\n\n#include\t\"vl_opcodes.h\"\n%#include\t\"vl_opcodes.h\"\t/* directly to other places */\n\nProbeServer(\n) = VLPROBE;\n";
        PreprocessedSource r = PP.Run(text, sources, path: "src/vlserver/vldbint.xg");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "package\tVL_", "ProbeServer(", ") = VLPROBE;" }, PP.Code(r));
        Assert.Equal("#include\t\"vl_opcodes.h\"\t/* directly to other places */", Assert.Single(r.PassThrough).Text);
        Assert.True(r.TryEvaluateMacro("VLPROBE", out long op, out _));
        Assert.Equal(514, op);
        Assert.Equal(new LineOrigin("src/vlserver/vldbint.xg", 7), r.Lines[r.Lines.Count - 1]);
    }

    [Fact]
    public void Relative_directory_is_searched_before_include_directories()
    {
        var sources = new InMemorySources(("dir/h.h", "#define WHERE 1\n"), ("inc1/h.h", "#define WHERE 2\n"));
        PreprocessedSource r = PP.Run("#include \"h.h\"\n", sources, new PreprocessorOptions { IncludeDirectories = new[] { "inc1" } }, "dir/main.xg");

        PP.NoDiagnostics(r);
        Assert.Equal("1", r.Macros["WHERE"].Body);
        Assert.Equal(new[] { "dir/h.h" }, sources.Requests);
    }

    [Fact]
    public void Include_directories_are_searched_in_order()
    {
        var sources = new InMemorySources(("inc2/h.h", "#define WHERE 2\n"), ("inc3/h.h", "#define WHERE 3\n"));
        var options = new PreprocessorOptions { IncludeDirectories = new[] { "inc1/", "inc2", "inc3" } };
        PreprocessedSource r = PP.Run("#include \"h.h\"\n", sources, options, "dir/main.xg");

        PP.NoDiagnostics(r);
        Assert.Equal("2", r.Macros["WHERE"].Body);
        Assert.Equal(new[] { "dir/h.h", "inc1/h.h", "inc2/h.h" }, sources.Requests);
        Assert.Equal(new[] { "inc2/h.h" }, r.IncludedFiles);
    }

    [Fact]
    public void Nested_include_is_relative_to_the_including_file_and_paths_are_normalized()
    {
        var sources = new InMemorySources(
            ("/src/fsint/../vlserver/./vl.h", "never asked in this spelling"),
            ("/src/vlserver/vl.h", "#include \"sub/../codes.h\"\n"),
            ("/src/vlserver/codes.h", "#define VLPROBE 514\n"));
        PreprocessedSource r = PP.Run("#include \"../vlserver/./vl.h\"\n", sources, path: "/src/fsint/main.xg");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "/src/vlserver/vl.h", "/src/vlserver/codes.h" }, r.IncludedFiles);
        Assert.True(r.TryEvaluateMacro("VLPROBE", out long v, out _));
        Assert.Equal(514, v);
        Assert.Equal("/src/vlserver/codes.h", r.Macros["VLPROBE"].Location.Path);
        Assert.Equal(1, r.Macros["VLPROBE"].Location.Line);
        Assert.Equal(9, r.Macros["VLPROBE"].Location.Column);
    }

    [Fact]
    public void Windows_style_main_path_resolves_includes_with_forward_slashes()
    {
        var sources = new InMemorySources(("C:/afs/src/common.xg", "const X = 1;\n"));
        PreprocessedSource r = PP.Run("#include \"common.xg\"\n", sources, path: "C:\\afs\\src\\afsint.xg");

        PP.NoDiagnostics(r);
        Assert.Equal("C:\\afs\\src\\afsint.xg", r.Lines[0].Path);
        Assert.Equal("C:/afs/src/common.xg", r.Lines[1].Path);
    }

    [Fact]
    public void Missing_include_reports_RXG0001_at_the_hash()
    {
        PreprocessedSource r = PP.Run("const A = 1;\n  #  include \"nope.h\"\nconst B = 2;\n");

        Diagnostic d = PP.Single(r, "RXG0001");
        PP.At(d, "main.xg", 2, 3);
        Assert.Contains("nope.h", d.Message);
        Assert.Equal(new[] { "const A = 1;", "", "const B = 2;" }, PP.TextLines(r));
    }

    [Fact]
    public void System_include_reports_RXG0005()
    {
        PreprocessedSource r = PP.Run("\n#include <rx/rx.h>\n");

        Diagnostic d = PP.Single(r, "RXG0005");
        PP.At(d, "main.xg", 2, 1);
        Assert.Contains("rx/rx.h", d.Message);
        Assert.Single(r.Diagnostics);
    }

    [Fact]
    public void Include_cycle_reports_RXG0002_with_the_chain_and_terminates()
    {
        var sources = new InMemorySources(("a.h", "#include \"b.h\"\nconst A = 1;\n"), ("b.h", "\n#include \"a.h\"\nconst B = 2;\n"));
        PreprocessedSource r = PP.Run("#include \"a.h\"\n", sources);

        Diagnostic d = PP.Single(r, "RXG0002");
        PP.At(d, "b.h", 2, 1);
        Assert.Contains("a.h -> b.h -> a.h", d.Message);
        Assert.Equal(new[] { "const B = 2;", "const A = 1;" }, PP.Code(r));
    }

    [Fact]
    public void Including_the_main_file_is_a_cycle()
    {
        PreprocessedSource r = PP.Run("#include \"main.xg\"\n");

        Diagnostic d = PP.Single(r, "RXG0002");
        Assert.Contains("main.xg -> main.xg", d.Message);
    }

    [Fact]
    public void Include_depth_is_limited()
    {
        var sources = new InMemorySources();
        for (int i = 0; i < 100; i++)
        {
            sources.Add("f" + i + ".h", "#include \"f" + (i + 1) + ".h\"\n");
        }

        sources.Add("f100.h", "const END = 1;\n");
        PreprocessedSource r = PP.Run("#include \"f0.h\"\n", sources);

        Diagnostic d = PP.Single(r, "RXG0017");
        Assert.Equal("#include nested too deeply (more than 64 levels)", d.Message);
        Assert.Equal("f63.h", d.Location.Path);
        Assert.Equal(64, r.IncludedFiles.Count);
    }

    [Fact]
    public void Guarded_header_included_twice_is_read_once_into_IncludedFiles_and_spliced_once()
    {
        var sources = new InMemorySources(("g.h", "#ifndef G_H\n#define G_H\nconst G = 1;\n#endif\n"));
        PreprocessedSource r = PP.Run("#include \"g.h\"\n#include \"g.h\"\n", sources);

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "const G = 1;" }, PP.Code(r));
        Assert.Equal(new[] { "g.h" }, r.IncludedFiles);
        Assert.Single(sources.Requests);
        Assert.Equal(1 + 4 + 1 + 4, r.Lines.Count);
    }

    [Fact]
    public void Computed_include_through_a_macro()
    {
        var sources = new InMemorySources(("opcodes.h", "#define OP 7\n"));
        PreprocessedSource r = PP.Run("#define HDR \"opcodes.h\"\n#include HDR\n", sources);

        PP.NoDiagnostics(r);
        Assert.True(r.Macros.ContainsKey("OP"));
    }

    [Theory]
    [InlineData("#include\n", "#include has no file name")]
    [InlineData("#include \"x.h\n", "#include is missing its terminating \" character")]
    [InlineData("#include \"\"\n", "#include has an empty file name")]
    public void Malformed_include_reports_RXG0016(string text, string message)
    {
        Diagnostic d = PP.Single(PP.Run(text), "RXG0016");
        Assert.Equal(message + ": write #include \"FILENAME\"", d.Message);
    }

    [Fact]
    public void Include_in_inactive_region_is_not_read()
    {
        var sources = new InMemorySources();
        PreprocessedSource r = PP.Run("#if 0\n#include \"missing.h\"\n#include <sys.h>\n#endif\n", sources);

        PP.NoDiagnostics(r);
        Assert.Empty(sources.Requests);
    }

    [Fact]
    public void Unterminated_conditional_is_reported_per_file_at_its_directive()
    {
        var sources = new InMemorySources(("inc.h", "const I = 1;\n#ifdef RPC_HDR\nconst J = 2;\n"));
        PreprocessedSource r = PP.Run("#include \"inc.h\"\nconst M = 3;\n#endif\n", sources);

        Diagnostic open = PP.Single(r, "RXG0003");
        PP.At(open, "inc.h", 2, 1);
        Assert.Contains("#ifdef", open.Message);
        Diagnostic stray = PP.Single(r, "RXG0004");
        PP.At(stray, "main.xg", 3, 1);
        Assert.Equal(new[] { "const I = 1;", "const J = 2;", "const M = 3;" }, PP.Code(r));
    }
}
