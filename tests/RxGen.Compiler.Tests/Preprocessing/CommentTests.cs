using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class CommentTests
{
    [Fact]
    public void Directive_inside_a_block_comment_is_kept_as_text()
    {
        const string text = "/* commented out:\n#define MAXNAMELEN 80\n#include \"missing.h\"\n*/\nconst X = 1;\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("MAXNAMELEN"));
        Assert.Equal(new[] { "/* commented out:", "#define MAXNAMELEN 80", "#include \"missing.h\"", "*/", "const X = 1;" }, PP.TextLines(r));
    }

    [Fact]
    public void Percent_line_inside_a_block_comment_is_comment_text()
    {
        PreprocessedSource r = PP.Run("/*\n%#define NOT_PASSED 1\n*/\n");

        PP.NoDiagnostics(r);
        Assert.Empty(r.PassThrough);
        Assert.Equal("%#define NOT_PASSED 1", PP.TextLines(r)[1]);
    }

    [Fact]
    public void Directive_may_end_with_a_comment()
    {
        PreprocessedSource r = PP.Run("#define VNAMESIZE 32 /* including null */\n#define B 2 // line comment\n#endif_not /* x */\n#if VNAMESIZE == 32 /* yes */\nok\n#endif /* VNAMESIZE */\n");

        Assert.Equal("32", r.Macros["VNAMESIZE"].Body);
        Assert.Equal("2", r.Macros["B"].Body);
        Assert.Equal("RXG0006", Assert.Single(r.Diagnostics).Id);
        Assert.Equal(new[] { "ok" }, PP.Code(r));
    }

    [Fact]
    public void Comment_starting_on_a_directive_extends_the_directive_to_its_end()
    {
        const string text = "#define X 1 /* starts here\n   still comment\n   ends */ + 2\nafter\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.Equal("1 + 2", r.Macros["X"].Body);
        Assert.Equal(new[] { "", "", "", "after" }, PP.TextLines(r));
        Assert.Equal(new LineOrigin("main.xg", 4), r.Lines[3]);
    }

    [Fact]
    public void Comment_between_directive_name_and_arguments()
    {
        PreprocessedSource r = PP.Run("#/**/define/**/A/**/7\n#define F/**/(x) x\n");

        PP.NoDiagnostics(r);
        Assert.Equal("7", r.Macros["A"].Body);
        Assert.Equal("(x) x", r.Macros["F"].Body); // a comment before '(' makes it object-like
    }

    [Fact]
    public void Comment_before_the_hash_still_makes_a_directive()
    {
        PreprocessedSource r = PP.Run("/* c */ #define A 1\n  /* a */ /* b */ # define B 2\n/* open\n#define C 3 */\n");

        PP.NoDiagnostics(r);
        Assert.Equal("1", r.Macros["A"].Body);
        Assert.Equal("2", r.Macros["B"].Body);
        Assert.False(r.Macros.ContainsKey("C"));
        Assert.Equal(new[] { "", "", "/* open", "#define C 3 */" }, PP.TextLines(r));
    }

    [Fact]
    public void Unterminated_comment_reports_RXG0008_at_its_start()
    {
        PreprocessedSource r = PP.Run("const A = 1;\nstruct s { /* never\nclosed\n#define X 1\n");

        Diagnostic d = PP.Single(r, "RXG0008");
        PP.At(d, "main.xg", 2, 12);
        Assert.False(r.Macros.ContainsKey("X"));
    }

    [Fact]
    public void Unterminated_comment_in_a_directive_reports_RXG0008()
    {
        PreprocessedSource r = PP.Run("x\n #define A 1 /* oops\n\nmore\n");

        Diagnostic d = PP.Single(r, "RXG0008");
        PP.At(d, "main.xg", 2, 14);
        Assert.Equal(4, r.Lines.Count);
    }

    [Fact]
    public void Unterminated_comment_in_an_included_file_is_reported_there_and_does_not_leak()
    {
        var sources = new InMemorySources(("inc.h", "/* open\n"));
        PreprocessedSource r = PP.Run("#include \"inc.h\"\n#define AFTER 1\n", sources);

        PP.At(PP.Single(r, "RXG0008"), "inc.h", 1, 1);
        Assert.True(r.Macros.ContainsKey("AFTER"));
    }

    [Fact]
    public void Strings_do_not_start_comments()
    {
        PreprocessedSource r = PP.Run("package \"/*\"\n#define A \"*/\" 1\n#define B '\"' 2\nconst C = 3; /* \"*/\n#define D 4\n");

        PP.NoDiagnostics(r);
        Assert.Equal("\"*/\" 1", r.Macros["A"].Body);
        Assert.Equal("'\"' 2", r.Macros["B"].Body);
        Assert.Equal("4", r.Macros["D"].Body);
        Assert.Equal("package \"/*\"", PP.TextLines(r)[0]);
    }

    [Fact]
    public void Line_comment_hides_a_block_comment_opener()
    {
        PreprocessedSource r = PP.Run("const A = 1; // not a /* comment\n#define B 2\n");

        PP.NoDiagnostics(r);
        Assert.True(r.Macros.ContainsKey("B"));
    }

    [Fact]
    public void Comments_are_kept_in_text_of_active_lines()
    {
        const string line = "\tafs_int32\tnServers;\t\t\t/* Number of servers */";
        PreprocessedSource r = PP.Run("struct s {\n" + line + "\n};\n");

        Assert.Equal(line, PP.TextLines(r)[1]);
    }

    [Fact]
    public void Comment_in_inactive_region_hides_an_endif()
    {
        PreprocessedSource r = PP.Run("#if 0\n/*\n#endif\n*/\nhidden\n#endif\nshown\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "shown" }, PP.Code(r));
    }

    [Fact]
    public void Comment_opened_by_a_percent_line_hides_directives_but_not_later_percent_lines()
    {
        // cpp sees "%/*" open a comment, so the #define is inside it; rxgen passes every '%' line through.
        PreprocessedSource r = PP.Run("%/*\n% * C comment\n#define HIDDEN 1\n% */\n");

        PP.NoDiagnostics(r);
        Assert.False(r.Macros.ContainsKey("HIDDEN"));
        Assert.Equal(new[] { "/*", " * C comment", " */" }, System.Linq.Enumerable.ToArray(System.Linq.Enumerable.Select(r.PassThrough, p => p.Text)));
    }
}
