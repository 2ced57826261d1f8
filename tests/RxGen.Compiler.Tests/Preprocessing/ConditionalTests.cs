using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class ConditionalTests
{
    [Fact]
    public void RPC_HDR_is_predefined_and_other_passes_are_not()
    {
        PreprocessedSource r = PP.Run("#ifdef RPC_HDR\nhdr\n#endif\n#ifdef RPC_CLIENT\nclient\n#endif\n#if RPC_HDR == 1 && !defined(RPC_XDR)\nboth\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "hdr", "both" }, PP.Code(r));
        Assert.Equal("1", r.Macros["RPC_HDR"].Body);
        Assert.Equal("<built-in>", r.Macros["RPC_HDR"].Location.Path);
    }

    [Fact]
    public void Inactive_lines_are_blank_and_line_count_is_preserved()
    {
        PreprocessedSource r = PP.Run("a\n#if 0\nb\n%pass\n#define X 1\n#endif\nc\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "a", "", "", "", "", "", "c" }, PP.TextLines(r));
        Assert.Empty(r.PassThrough);
        Assert.False(r.Macros.ContainsKey("X"));
    }

    [Fact]
    public void Nested_conditionals()
    {
        const string text = "#if 1\n a\n #if 0\n  b\n  #if 1\n   c\n  #else\n   d\n  #endif\n #else\n  e\n  #ifdef RPC_HDR\n   f\n  #endif\n #endif\n g\n#endif\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "a", "e", "f", "g" }, PP.Code(r));
    }

    [Theory]
    [InlineData("V=1", "one")]
    [InlineData("V=2", "two")]
    [InlineData("V=3", "three")]
    [InlineData("V=9", "other")]
    [InlineData("W", "other")]
    public void Elif_chain_selects_exactly_one_group(string define, string expected)
    {
        const string text = "#if V == 1\none\n#elif V == 2\ntwo\n#elif V == 3\nthree\n#else\nother\n#endif\n";
        PreprocessedSource r = PP.Run(text, options: PP.Defines(define));

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { expected }, PP.Code(r));
    }

    [Fact]
    public void Elif_after_taken_group_is_not_evaluated()
    {
        PreprocessedSource r = PP.Run("#if 1\na\n#elif 1/0\nb\n#elif garbage (\nc\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "a" }, PP.Code(r));
    }

    [Fact]
    public void Directives_in_inactive_regions_only_track_nesting()
    {
        const string text = "#if 0\n#if 1/0\n#error no\n#else\n#bogus\n#endif\n#include <x>\n#elif garbage\n#endif\nok\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "ok" }, PP.Code(r));
    }

    [Theory]
    [InlineData("#ifdef FOO", true)]
    [InlineData("#ifndef FOO", false)]
    [InlineData("#if defined FOO", true)]
    [InlineData("#if defined(FOO)", true)]
    [InlineData("#if defined ( FOO )", true)]
    [InlineData("#if !defined(FOO)", false)]
    [InlineData("#if defined(BAR) || defined FOO", true)]
    [InlineData("#ifdef BAR", false)]
    [InlineData("#ifdef FUNC", true)]
    [InlineData("#if FOO", true)]
    [InlineData("#if BAR", false)]
    public void Defined_forms(string condition, bool expected)
    {
        PreprocessedSource r = PP.Run("#define FOO 5\n#define FUNC(x) x\n" + condition + "\nyes\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(expected ? new[] { "yes" } : new string[0], PP.Code(r));
    }

    [Fact]
    public void Elifdef_and_elifndef()
    {
        PreprocessedSource r = PP.Run("#define FOO 5\n#if 0\n#elifdef BAR\nbar\n#elifndef FOO\nnotfoo\n#elifdef FOO\nfoo\n#else\nelse\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "foo" }, PP.Code(r));
    }

    [Fact]
    public void Command_line_defines()
    {
        PreprocessedSource r = PP.Run("#if defined(RPC_CLIENT) && LEVEL > 2 && EMPTYDEF + 0 == 0\nyes\n#endif\n", options: PP.Defines("RPC_CLIENT", "LEVEL=3", "EMPTYDEF="));

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "yes" }, PP.Code(r));
        Assert.Equal("1", r.Macros["RPC_CLIENT"].Body);
        Assert.Equal("", r.Macros["EMPTYDEF"].Body);
        Assert.Equal("<command-line>", r.Macros["LEVEL"].Location.Path);
    }

    [Fact]
    public void Undefined_identifiers_are_zero_in_if()
    {
        PreprocessedSource r = PP.Run("#if UNDEFINED_THING\nno\n#elif !UNDEFINED_THING && (KERNEL + 1) == 1\nyes\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "yes" }, PP.Code(r));
    }

    [Fact]
    public void If_expression_macros_expand_textually_like_cpp()
    {
        // cpp substitutes tokens: A*2 is 1+2*2 = 5, not (1+2)*2.
        PreprocessedSource r = PP.Run("#define A 1+2\n#if A*2 == 5\nyes\n#endif\n#define SELF SELF\n#if SELF == 0\nself\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "yes", "self" }, PP.Code(r));
    }

    [Fact]
    public void Bad_if_expression_reports_RXG0007_and_is_false()
    {
        PreprocessedSource r = PP.Run("\n #if 1 +\nno\n#else\nyes\n#endif\n#if 4/0\n#endif\n#if\n#endif\n");

        Assert.Equal(3, r.Diagnostics.Count);
        Assert.All(r.Diagnostics, d => Assert.Equal("RXG0007", d.Id));
        PP.At(r.Diagnostics[0], "main.xg", 2, 2);
        Assert.Contains("division by zero", r.Diagnostics[1].Message);
        Assert.Contains("missing expression", r.Diagnostics[2].Message);
        Assert.Equal(new[] { "yes" }, PP.Code(r));
    }

    [Fact]
    public void Function_like_macro_cannot_be_evaluated_in_if()
    {
        PreprocessedSource r = PP.Run("#define F(x) x\n#if F(1)\nno\n#endif\n#if 0 && F(1)\n#endif\n");

        Diagnostic d = PP.Single(r, "RXG0007");
        Assert.Contains("function-like", d.Message);
    }

    [Theory]
    [InlineData("#endif\n", "endif")]
    [InlineData("#else\n", "else")]
    [InlineData("#elif 1\n", "elif")]
    public void Stray_directive_reports_RXG0004(string text, string name)
    {
        Diagnostic d = PP.Single(PP.Run("const X = 1;\n" + text), "RXG0004");
        PP.At(d, "main.xg", 2, 1);
        Assert.Contains("#" + name, d.Message);
    }

    [Fact]
    public void Unterminated_if_reports_RXG0003_at_the_opening_directive()
    {
        PreprocessedSource r = PP.Run("#if 1\n#endif\n  #ifndef X\nbody\n");

        Diagnostic d = PP.Single(r, "RXG0003");
        PP.At(d, "main.xg", 3, 3);
        Assert.Contains("#ifndef", d.Message);
        Assert.Equal(new[] { "body" }, PP.Code(r));
    }

    [Fact]
    public void Else_after_else_is_an_error()
    {
        PreprocessedSource r = PP.Run("#if 0\na\n#else\nb\n#else\nc\n#endif\n");

        Diagnostic d = PP.Single(r, "RXG0012");
        Assert.Equal("#else after #else", d.Message);
        PP.At(d, "main.xg", 5, 1);
        Assert.Equal(new[] { "b" }, PP.Code(r));
    }

    [Fact]
    public void Error_directive_in_active_region_reports_RXG0009()
    {
        PreprocessedSource r = PP.Run("#ifndef RPC_HDR\n#error not here\n#endif\n\t#error  must define   FOO /* why */\n");

        Diagnostic d = PP.Single(r, "RXG0009");
        PP.At(d, "main.xg", 4, 2);
        Assert.Equal("#error must define   FOO", d.Message);
    }

    [Fact]
    public void Ignored_and_unknown_directives()
    {
        PreprocessedSource r = PP.Run("#pragma once\n#line 10 \"x\"\n#ident \"v\"\n# 12 \"file.xg\" 1\n#\n# /* null */\n#warning careful\n#frobnicate x\n#!x\n");

        Assert.Equal(2, r.Diagnostics.Count);
        Assert.All(r.Diagnostics, d => Assert.Equal("RXG0006", d.Id));
        PP.At(r.Diagnostics[0], "main.xg", 8, 1);
        Assert.Equal(new[] { "'#frobnicate' is not a preprocessor directive", "'#!' is not a preprocessor directive" }, r.Diagnostics.Select(d => d.Message));
        Assert.Contains("#frobnicate", r.Diagnostics[0].Message);
        PP.At(r.Diagnostics[1], "main.xg", 9, 1);
        Assert.Equal(9, r.Lines.Count);
        Assert.All(PP.TextLines(r), l => Assert.Equal("", l));
    }

    [Fact]
    public void Directive_name_may_follow_spaces_and_tabs_after_the_hash()
    {
        PreprocessedSource r = PP.Run("# \t define X 4\n  #  if X == 4\nyes\n  # endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "yes" }, PP.Code(r));
    }

    [Fact]
    public void Hash_not_at_line_start_is_not_a_directive()
    {
        PreprocessedSource r = PP.Run("const X = 1; #define Y 2\n");

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("Y"));
        Assert.Equal(new[] { "const X = 1; #define Y 2" }, PP.TextLines(r));
    }

    [Fact]
    public void Line_after_a_spliced_normal_line_is_not_a_directive()
    {
        // cpp joins "a \" with the next line before it looks for directives.
        PreprocessedSource r = PP.Run("a \\\n#define NOT_A_MACRO 1\nb\n");

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("NOT_A_MACRO"));
        Assert.Equal(new[] { "a \\", "#define NOT_A_MACRO 1", "b" }, PP.TextLines(r));
    }

    [Fact]
    public void Diagnostic_location_length_covers_the_directive_line()
    {
        Diagnostic d = PP.Single(PP.Run("x\n  #include \"q.h\"   \n"), "RXG0001");
        Assert.Equal(new SourceLocation("main.xg", 2, 3, 4, "#include \"q.h\"".Length), d.Location);
    }
}
