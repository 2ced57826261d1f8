using System.Collections.Generic;
using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

/// <summary>cpp compatibility corners and limits for hostile input (issues 16 and 17).</summary>
public class HostilePreprocessorTests
{
    private static IReadOnlyList<Diagnostic> Analyze(string text, Dictionary<string, string>? files = null)
    {
        var all = new Dictionary<string, string>(files ?? new Dictionary<string, string>()) { ["main.x"] = text };
        return RxGenCompiler.Analyze(new CompileRequest("main.x", text, new MemorySources(all))).Diagnostics;
    }

    [Fact]
    public void An_include_cycle_behind_ifndef_guards_is_accepted_as_cpp_does()
    {
        var sources = new InMemorySources(
            ("a.h", "/* a */\n#ifndef A_H\n#define A_H\n#include \"b.h\"\nconst A = 1;\n#endif /* A_H */\n\n"),
            ("b.h", "#if !defined(B_H)\n#define B_H\n#include \"a.h\"\nconst B = 2;\n#endif\n"));
        PreprocessedSource r = PP.Run("#include \"a.h\"\n", sources);

        PP.NoDiagnostics(r);
        // Comments stay in Text (a.h's first line, once per inclusion); the guarded re-entry adds no code.
        Assert.Equal(new[] { "/* a */", "/* a */", "const B = 2;", "const A = 1;" }, PP.Code(r));
        Assert.Equal(new[] { "a.h", "b.h" }, r.IncludedFiles);
    }

    [Fact]
    public void A_file_including_itself_behind_its_guard_is_accepted()
    {
        var sources = new InMemorySources(("s.h", "#ifndef S_H\n#define S_H\n#include \"s.h\"\nconst S = 1;\n#endif\n"));
        PreprocessedSource r = PP.Run("#include \"s.h\"\n", sources);

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "const S = 1;" }, PP.Code(r));
    }

    [Theory]
    [InlineData("#ifndef A_H\n#include \"b.h\"\nconst A = 1;\n#endif\n")]                      // the guard macro is never defined
    [InlineData("#ifndef A_H\n#define A_H\n#include \"b.h\"\n#endif\nconst A = 1;\n")]          // code after the guard's #endif
    [InlineData("const A = 1;\n#ifndef A_H\n#define A_H\n#include \"b.h\"\n#endif\n")]          // code before the guard
    [InlineData("#ifndef A_H\n#define A_H\n#include \"b.h\"\n#else\nconst A = 1;\n#endif\n")]    // an #else: not a guard
    public void A_cycle_without_a_working_guard_is_still_RXG0002(string a)
    {
        var sources = new InMemorySources(("a.h", a), ("b.h", "#include \"a.h\"\n"));
        PreprocessedSource r = PP.Run("#include \"a.h\"\n", sources);

        Diagnostic d = PP.Single(r, "RXG0002");
        Assert.Contains("a.h -> b.h -> a.h", d.Message);
    }

    [Fact]
    public void A_lone_CR_ends_a_line()
    {
        PreprocessedSource r = PP.Run("#define A 1\rconst B = A;\r\r/* c */\rconst C = 2;\r\nconst D = 3;\n");

        PP.NoDiagnostics(r);
        Assert.True(r.Macros.ContainsKey("A"));
        Assert.Equal(new[] { "", "const B = A;", "", "/* c */", "const C = 2;", "const D = 3;" }, PP.TextLines(r));
        Assert.Equal(5, r.Map(5, 1).Line);
    }

    [Fact]
    public void CR_only_files_compile_with_correct_positions()
    {
        var diagnostics = Analyze("const A = 1;\rstruct s {\r  int a;\r  nope b;\r};\r");
        var d = Assert.Single(diagnostics);
        Assert.Equal("RXG0250", d.Id);
        Assert.Equal((4, 3), (d.Location.Line, d.Location.Column));
    }

    [Fact]
    public void Form_feed_and_vertical_tab_are_white_space()
    {
        Assert.Empty(Analyze("const\fA = 1;\v\n\f\nstruct\vs { int\fa; };\n#\vdefine\fB 2\n"));
    }

    [Theory]
    [InlineData("const A = 1;\n\u0001\n", "illegal character '\\x01'")]
    [InlineData("const A = 1;\n\u202E\n", "illegal character '\\u202E'")]
    [InlineData("const A = 1;\n\uFFFD\n", "illegal character '\\uFFFD'")]
    [InlineData("const A = \u0007;\n", "'\\x07'")]
    public void Control_characters_and_invalid_bytes_are_escaped_in_syntax_errors(string idl, string message)
    {
        var d = Assert.Single(Analyze(idl), x => x.Id == "RXG0101");
        Assert.Contains(message, d.Message);
        Assert.DoesNotContain(d.Message, c => c < 0x20 || c == '\u202E' || c == '\uFFFD');
    }

    [Fact]
    public void Control_characters_are_escaped_in_preprocessor_messages()
    {
        PreprocessedSource r = PP.Run("#error bell\u0007 and \u2028 end\n#\u0001\n");

        Assert.Contains("bell\\x07 and \\u2028 end", PP.Single(r, "RXG0009").Message);
        Assert.Contains("'#\\x01'", PP.Single(r, "RXG0006").Message);
    }

    [Fact]
    public void A_main_file_over_the_limit_is_RXG0011_and_not_read()
    {
        PreprocessedSource r = PP.Run("const A = 1;\nconst B = 2;\n", options: new PreprocessorOptions { MaxFileLength = 20 });

        Diagnostic d = PP.Single(r, "RXG0011");
        PP.At(d, "main.xg", 1, 1);
        Assert.Contains("26 characters, more than the limit of 20 per file", d.Message);
        Assert.Empty(PP.Code(r));
    }

    [Fact]
    public void An_include_over_the_limit_is_RXG0011_at_the_include()
    {
        var sources = new InMemorySources(("big.h", new string(' ', 1000) + "\n"));
        PreprocessedSource r = PP.Run("const A = 1;\n#include \"big.h\"\n", sources, new PreprocessorOptions { MaxFileLength = 999 });

        Diagnostic d = PP.Single(r, "RXG0011");
        PP.At(d, "main.xg", 2, 1);
        Assert.Contains("'big.h' has 1001 characters", d.Message);
    }

    [Fact]
    public void Repeated_inclusion_counts_toward_the_total_limit()
    {
        var sources = new InMemorySources(("h.h", "const H = 1;\n"));
        var main = string.Concat(Enumerable.Repeat("#include \"h.h\"\n", 1000));
        PreprocessedSource r = PP.Run(main, sources, new PreprocessorOptions { MaxTotalLength = main.Length + 13 * 10 });

        Assert.Equal(990, r.Diagnostics.Count(d => d.Id == "RXG0018"));
        Assert.Contains("characters in all", r.Diagnostics[0].Message);
        Assert.Equal(10, PP.Code(r).Length);
    }

    [Fact]
    public void The_default_limits_are_64_Mi_characters()
    {
        var options = new PreprocessorOptions();
        Assert.Equal(64L * 1024 * 1024, options.MaxFileLength);
        Assert.Equal(64L * 1024 * 1024, options.MaxTotalLength);
    }
}
