using System.Linq;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class PassThroughTests
{
    [Fact]
    public void Percent_lines_are_collected_without_the_percent_and_blanked_in_text()
    {
        PreprocessedSource r = PP.Run("const A = 1;\n%#include <rx/rx.h>\n%\n% int x; /* c */\n const B = 2;\n %not\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "#include <rx/rx.h>", "", " int x; /* c */" }, r.PassThrough.Select(p => p.Text).ToArray());
        Assert.Equal(new SourceLocation("main.xg", 2, 1, "const A = 1;\n".Length, "%#include <rx/rx.h>".Length), r.PassThrough[0].Location);
        Assert.Equal(new[] { "const A = 1;", "", "", "", " const B = 2;", " %not" }, PP.TextLines(r));
    }

    [Fact]
    public void Percent_lines_follow_conditionals()
    {
        PreprocessedSource r = PP.Run("#ifdef RPC_CLIENT\n%client_only();\n#else\n%hdr();\n#endif\n");

        PP.NoDiagnostics(r);
        Assert.Equal(new[] { "hdr();" }, r.PassThrough.Select(p => p.Text).ToArray());
    }

    [Fact]
    public void Continued_percent_line_is_joined_into_one()
    {
        const string text = "%#define OWNER_DEFAULT ((NIS_READ_ACC +\\\n\t\t\t NIS_MODIFY_ACC +\\\n\t\t\t NIS_DESTROY_ACC) << 16)\n%#define ENTRY_VAL(obj, col) \\\n%\t(obj)->val[col]\nnext\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.Equal(2, r.PassThrough.Count);
        Assert.Equal("#define OWNER_DEFAULT ((NIS_READ_ACC +\t\t\t NIS_MODIFY_ACC +\t\t\t NIS_DESTROY_ACC) << 16)", r.PassThrough[0].Text);
        Assert.Equal("#define ENTRY_VAL(obj, col) \t(obj)->val[col]", r.PassThrough[1].Text);
        Assert.Equal(4, r.PassThrough[1].Location.Line);
        Assert.Equal(new[] { "", "", "", "", "", "next" }, PP.TextLines(r));

        PassThroughDefine define = Assert.Single(r.PassThroughDefines);
        Assert.Equal("OWNER_DEFAULT", define.Name);
        Assert.Equal("((NIS_READ_ACC +\t\t\t NIS_MODIFY_ACC +\t\t\t NIS_DESTROY_ACC) << 16)", define.Value);
        Assert.Equal(new SourceLocation("main.xg", 1, 10, 9, "OWNER_DEFAULT".Length), define.Location);
    }

    [Theory]
    [InlineData("%#define PAGCB_SERVICEID 2", "PAGCB_SERVICEID", "2")]
    [InlineData("%#define\tVLF_RWEXISTS\t    0x1000  /* flags */", "VLF_RWEXISTS", "0x1000  /* flags */")]
    [InlineData("% # define SPACED  7 ", "SPACED", "7")]
    [InlineData("%#define FLAG", "FLAG", "")]
    [InlineData("%#define VLOP_ALLOPERS ( VLOP_MOVE | VLOP_RELEASE )", "VLOP_ALLOPERS", "( VLOP_MOVE | VLOP_RELEASE )")]
    public void PassThroughDefines_are_recognized(string line, string name, string value)
    {
        PreprocessedSource r = PP.Run(line + "\n");

        PassThroughDefine d = Assert.Single(r.PassThroughDefines);
        Assert.Equal(name, d.Name);
        Assert.Equal(value, d.Value);
        Assert.Equal(line.IndexOf(name, System.StringComparison.Ordinal) + 1, d.Location.Column);
    }

    [Theory]
    [InlineData("%#define F(x) (x)")]
    [InlineData("%#undef min")]
    [InlineData("%#definex 1")]
    [InlineData("%#include \"vl_opcodes.h\"")]
    [InlineData("%/* #define X 1 */")]
    [InlineData("%#define")]
    public void Other_percent_lines_are_not_defines(string line)
    {
        PreprocessedSource r = PP.Run(line + "\n");

        Assert.Single(r.PassThrough);
        Assert.Empty(r.PassThroughDefines);
    }

    [Fact]
    public void Percent_define_inside_a_C_comment_of_percent_lines_is_not_a_define()
    {
        PreprocessedSource r = PP.Run("%/*\n%#define COMMENTED 1\n% */\n%#define REAL 2\n");

        Assert.Equal(4, r.PassThrough.Count);
        Assert.Equal("REAL", Assert.Single(r.PassThroughDefines).Name);
    }

    [Fact]
    public void ExpandedText_applies_cpp_macros_outside_comments_and_strings()
    {
        PreprocessedSource r = PP.Run("#define MAXNAMELEN 80\n#define SIZE (MAXNAMELEN+1)\n%char name[SIZE]; /* SIZE */ char *s = \"SIZE\";\n%#define COPY SIZE\n%plain\n");

        Assert.Equal("char name[SIZE]; /* SIZE */ char *s = \"SIZE\";", r.PassThrough[0].Text);
        Assert.Equal("char name[(80+1)]; /* SIZE */ char *s = \"SIZE\";", r.PassThrough[0].ExpandedText);
        Assert.Same(r.PassThrough[2].Text, r.PassThrough[2].ExpandedText);
        PassThroughDefine d = Assert.Single(r.PassThroughDefines);
        Assert.Equal("SIZE", d.Value);
        Assert.Equal("(80+1)", d.ExpandedValue);
    }

    [Fact]
    public void Percent_must_be_in_column_one()
    {
        PreprocessedSource r = PP.Run(" %x\n\t%y\n");

        Assert.Empty(r.PassThrough);
        Assert.Equal(new[] { " %x", "\t%y" }, PP.TextLines(r));
    }
}
