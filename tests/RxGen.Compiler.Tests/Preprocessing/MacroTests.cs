using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class MacroTests
{
    [Fact]
    public void Object_like_macros_are_recorded_with_canonical_bodies_and_name_locations()
    {
        PreprocessedSource r = PP.Run("#define MAXPATHLEN 4096\n#define EMPTY\n\t#  define  EXPR  ( 5 *\t60 )  /* secs */\n#define Date afs_uint32\n#define STR \"a  b\"\n");

        PP.NoDiagnostics(r);
        Assert.Equal("4096", r.Macros["MAXPATHLEN"].Body);
        Assert.Equal("", r.Macros["EMPTY"].Body);
        Assert.Equal("( 5 * 60 )", r.Macros["EXPR"].Body);
        Assert.Equal("afs_uint32", r.Macros["Date"].Body);
        Assert.Equal("\"a  b\"", r.Macros["STR"].Body);
        Assert.Equal(new SourceLocation("main.xg", 3, 13, "#define MAXPATHLEN 4096\n#define EMPTY\n\t#  define  ".Length, 4), r.Macros["EXPR"].Location);
        Assert.Equal(new[] { "RPC_HDR", "MAXPATHLEN", "EMPTY", "EXPR", "Date", "STR" }, System.Linq.Enumerable.ToArray(r.Macros.Keys));
    }

    [Fact]
    public void Define_continued_with_backslash_newline()
    {
        PreprocessedSource r = PP.Run("#define LONG (1 + \\\n    2 + \\\n    3)\nafter\n");

        PP.NoDiagnostics(r);
        Assert.Equal("(1 + 2 + 3)", r.Macros["LONG"].Body);
        Assert.Equal(new[] { "", "", "", "after" }, PP.TextLines(r));
        Assert.True(r.TryEvaluateMacro("LONG", out long v, out _));
        Assert.Equal(6, v);
    }

    [Fact]
    public void Function_like_macros_are_not_recorded_but_count_as_defined()
    {
        PreprocessedSource r = PP.Run("#define declare_stat(n) afs_int32 n\n#define OBJ (x)\n#ifdef declare_stat\nyes\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("declare_stat"));
        Assert.Equal("(x)", r.Macros["OBJ"].Body);
        Assert.Equal(new[] { "yes" }, PP.Code(r));
        Assert.False(r.TryEvaluateMacro("declare_stat", out _, out string? error));
        Assert.Contains("function-like", error);

        FunctionMacroDefinition f = r.FunctionMacros["declare_stat"];
        Assert.Equal(new[] { "n" }, f.Parameters);
        Assert.Equal("afs_int32 n", f.Body);
        Assert.Equal(1, f.Location.Line);
        Assert.Equal(9, f.Location.Column);
        Assert.False(r.FunctionMacros.ContainsKey("OBJ"));
    }

    [Fact]
    public void Function_like_parameter_lists()
    {
        PreprocessedSource r = PP.Run("#define NONE() 1\n#define TWO( a , b )  a  +  b\n#define VA(fmt, ...) f(fmt, __VA_ARGS__)\n#define GNU(args...) g(args)\n", options: PP.Defines("CMD(x)=x*2"));

        PP.NoDiagnostics(r);
        Assert.Empty(r.FunctionMacros["NONE"].Parameters);
        Assert.Equal(new[] { "a", "b" }, r.FunctionMacros["TWO"].Parameters);
        Assert.Equal("a + b", r.FunctionMacros["TWO"].Body);
        Assert.Equal(new[] { "fmt", "..." }, r.FunctionMacros["VA"].Parameters);
        Assert.Equal(new[] { "args..." }, r.FunctionMacros["GNU"].Parameters);
        Assert.Equal("x*2", r.FunctionMacros["CMD"].Body);
    }

    [Theory]
    [InlineData("#define F(x y) x\n", "invalid parameter list")]
    [InlineData("#define F(x, x) x\n", "invalid parameter list")]
    [InlineData("#define F(1) x\n", "invalid parameter list")]
    [InlineData("#define F(..., x) x\n", "invalid parameter list")]
    [InlineData("#define F(x\n", "missing ')'")]
    public void Malformed_function_like_macros_report_RXG0015(string text, string message)
    {
        Diagnostic d = PP.Single(PP.Run(text), "RXG0015");
        Assert.StartsWith("bad parameter list in '#define F': ", d.Message);
        Assert.Contains(message, d.Message);
    }

    [Fact]
    public void Kauth_style_type_macros_function_macros_and_const_conditions()
    {
        // kauth.rg: '#define Date afs_uint32' is used as a type, declare_stat(n) is used inside a struct, and
        // '#if (KAMAJORVERSION>5)' tests an IDL const, which cpp does not know (so it is 0).
        const string text = "%#ifndef Date\n%#define Date afs_uint32\n%#endif\n#define Date afs_uint32\nconst KAMAJORVERSION = 5;\n#define declare_stat(n) struct karpcstats n\nstruct kadstats {\n    Date start_time;\n#if (KAMAJORVERSION>5)\n    struct katimeval utime;\n#endif\n    declare_stat(Authenticate);\n};\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "const KAMAJORVERSION = 5;", "struct kadstats {", "Date start_time;", "declare_stat(Authenticate);", "};" }, PP.Code(r));
        Assert.Equal("afs_uint32", r.Macros["Date"].Body);
        Assert.Equal("struct karpcstats n", r.FunctionMacros["declare_stat"].Body);
        Assert.Equal("#ifndef Date", r.PassThrough[0].ExpandedText); // Date is not a cpp macro yet at that line
        Assert.Equal("Date", r.PassThroughDefines[0].Name);
    }

    [Fact]
    public void Undef_removes_a_macro()
    {
        PreprocessedSource r = PP.Run("#define A 1\n#undef A\n#undef NEVER_DEFINED\n#ifdef A\nno\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("A"));
    }

    [Fact]
    public void Redefinition_with_a_different_body_warns_RXG0010_and_the_new_body_wins()
    {
        PreprocessedSource r = PP.Run("#define A 1\n#define A   1 /* same */\n#define A 2\n#define B(x) x\n#define B(x) x\n#define B 3\n");

        Assert.Equal(2, r.Diagnostics.Count);
        Diagnostic first = r.Diagnostics[0];
        Assert.Equal("RXG0010", first.Id);
        Assert.Equal(DiagnosticSeverity.Warning, first.Severity);
        PP.At(first, "main.xg", 3, 1);
        PP.At(r.Diagnostics[1], "main.xg", 6, 1);
        Assert.Equal("2", r.Macros["A"].Body);
        Assert.False(r.HasErrors);
    }

    [Fact]
    public void Command_line_define_overrides_the_builtin_silently_and_file_redefinition_warns()
    {
        PreprocessedSource r = PP.Run("#define LEVEL 4\n", options: PP.Defines("RPC_HDR=0", "LEVEL=3"));

        Diagnostic d = PP.Single(r, "RXG0010");
        PP.At(d, "main.xg", 1, 1);
        Assert.Equal("0", r.Macros["RPC_HDR"].Body);
        Assert.Single(r.Diagnostics);
    }

    [Theory]
    [InlineData("#define\n", "RXG0013", "no macro name given in #define directive")]
    [InlineData("#define 3 x\n", "RXG0014", "'3' is not a valid macro name")]
    [InlineData("#define defined 1\n", "RXG0014", "'defined' is not a valid macro name")]
    [InlineData("#undef\n", "RXG0013", "no macro name given in #undef directive")]
    [InlineData("#undef +x\n", "RXG0014", "'+x' is not a valid macro name")]
    [InlineData("#ifdef\n#endif\n", "RXG0013", "no macro name given in #ifdef directive")]
    public void Malformed_macro_directives_report_a_named_diagnostic(string text, string id, string message)
    {
        Diagnostic d = PP.Single(PP.Run(text), id);
        Assert.StartsWith(message, d.Message);
    }

    [Fact]
    public void Bad_command_line_define_reports_RXG0504()
    {
        Diagnostic d = PP.Single(PP.Run("", options: PP.Defines("1BAD=2")), "RXG0504");
        Assert.Equal("<command-line>", d.Location.Path);
        Assert.Contains("not '1BAD'", d.Message);
    }

    [Fact]
    public void TryEvaluateMacro_evaluates_through_other_macros_textually()
    {
        PreprocessedSource r = PP.Run(
            "#define VOLSERVICE 100\n#define VOLCREATEVOLUME (VOLSERVICE + 1)\n#define TIMEOUT (5*60)\n#define B 3+1\n#define A (B*2)\n#define HEX 0x10000L\n#define CH 'a'\n#define EMPTY\n#define Date afs_uint32\n");

        Assert.True(r.TryEvaluateMacro("VOLCREATEVOLUME", out long v, out string? e), e);
        Assert.Equal(101, v);
        Assert.True(r.TryEvaluateMacro("TIMEOUT", out v, out e), e);
        Assert.Equal(300, v);
        Assert.True(r.TryEvaluateMacro("A", out v, out e), e);
        Assert.Equal(5, v); // (3+1*2), as cpp would substitute
        Assert.True(r.TryEvaluateMacro("HEX", out v, out e), e);
        Assert.Equal(65536, v);
        Assert.True(r.TryEvaluateMacro("CH", out v, out e), e);
        Assert.Equal(97, v);
        Assert.True(r.TryEvaluateMacro("RPC_HDR", out v, out e), e);
        Assert.Equal(1, v);

        Assert.False(r.TryEvaluateMacro("EMPTY", out _, out e));
        Assert.Contains("empty", e);
        Assert.False(r.TryEvaluateMacro("Date", out _, out e));
        Assert.Contains("afs_uint32", e);
        Assert.False(r.TryEvaluateMacro("NOPE", out _, out e));
        Assert.Contains("not a defined macro", e);

        Assert.True(r.TryEvaluateExpression("VOLSERVICE * 2 + TIMEOUT", out v, out e), e);
        Assert.Equal(500, v);
    }

    [Fact]
    public void TryEvaluateMacro_reports_cycles()
    {
        PreprocessedSource r = PP.Run("#define A (B + 1)\n#define B (C * 2)\n#define C A\n#define S S\n#define OK (A - A)\n");

        Assert.False(r.TryEvaluateMacro("A", out _, out string? e));
        Assert.Contains("A -> B -> C -> A", e);
        Assert.False(r.TryEvaluateMacro("S", out _, out e));
        Assert.Contains("S -> S", e);
        Assert.False(r.TryEvaluateMacro("OK", out _, out e));
        Assert.Contains("expands to itself", e);
    }

    [Fact]
    public void Macro_used_twice_in_sequence_is_not_a_cycle()
    {
        PreprocessedSource r = PP.Run("#define ONE 1\n#define TWO (ONE + ONE)\n#define FOUR (TWO + TWO)\n");

        Assert.True(r.TryEvaluateMacro("FOUR", out long v, out string? e), e);
        Assert.Equal(4, v);
    }

    [Fact]
    public void Exponential_expansion_is_cut_off_with_an_error()
    {
        var sb = new System.Text.StringBuilder("#define M0 1\n");
        for (int i = 1; i <= 40; i++)
        {
            sb.Append("#define M").Append(i).Append(" (M").Append(i - 1).Append(" + M").Append(i - 1).Append(")\n");
        }

        PreprocessedSource r = PP.Run(sb.ToString());
        Assert.True(r.TryEvaluateMacro("M10", out long v, out _));
        Assert.Equal(1024, v);
        Assert.False(r.TryEvaluateMacro("M40", out _, out string? e));
        Assert.Contains("too large", e);
    }
}
