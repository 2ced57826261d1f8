using System;
using System.Diagnostics;
using System.Text;
using System.Threading;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests.Preprocessing;

public sealed class LayoutTests
{
    [Fact]
    public void Columns_are_preserved_byte_for_byte()
    {
        const string text = "\tstruct\tvldbentry {  /* x */\n    char name[VL_MAXNAMELEN];\t// y\n};";
        PreprocessedSource r = PP.Run(text);

        Assert.Equal(text + "\n", r.Text);
        int column = "    char name[".Length + 1;
        SourceLocation l = r.Map(2, column, "VL_MAXNAMELEN".Length);
        Assert.Equal(new SourceLocation("main.xg", 2, column, text.IndexOf("VL_MAXNAMELEN", StringComparison.Ordinal), 13), l);
    }

    [Fact]
    public void Crlf_line_ends_are_handled_and_kept_out_of_text()
    {
        const string text = "const A = 1;\r\n#define B 2 \r\n%pass\r\n#ifdef B\r\nconst C = 3;\r\n#endif\r\n";
        PreprocessedSource r = PP.Run(text);

        PP.NoDiagnostics(r);
        Assert.DoesNotContain("\r", r.Text);
        Assert.Equal(new[] { "const A = 1;", "", "", "", "const C = 3;", "" }, PP.TextLines(r));
        Assert.Equal("2", r.Macros["B"].Body);
        Assert.Equal("pass", r.PassThrough[0].Text);
        Assert.Equal(new SourceLocation("main.xg", 5, 7, text.IndexOf("C = 3", StringComparison.Ordinal), 0), r.Map(5, 7));
    }

    [Fact]
    public void Crlf_continuations()
    {
        PreprocessedSource r = PP.Run("#define A 1 + \\\r\n 2\r\n%a \\\r\nb\r\n");

        PP.NoDiagnostics(r);
        Assert.Equal("1 + 2", r.Macros["A"].Body);
        Assert.Equal("a b", r.PassThrough[0].Text);
    }

    [Fact]
    public void Text_has_one_line_per_input_line()
    {
        Assert.Empty(PP.Run("").Lines);
        Assert.Equal("", PP.Run("").Text);
        Assert.Single(PP.Run("x").Lines);
        Assert.Equal("x\n", PP.Run("x").Text);
        Assert.Equal(2, PP.Run("x\n\n").Lines.Count);
        Assert.Equal(3, PP.Run("a\r\n\r\nb").Lines.Count);
    }

    [Fact]
    public void Map_past_the_end_points_at_the_end_of_the_main_file()
    {
        var sources = new InMemorySources(("inc.h", "const I = 1;\n"));
        PreprocessedSource r = PP.Run("const A = 1;\n#include \"inc.h\"\n", sources);

        Assert.Equal(new SourceLocation("main.xg", 3, 1, "const A = 1;\n#include \"inc.h\"\n".Length, 0), r.Map(r.Lines.Count + 1, 1));
        Assert.Equal(new SourceLocation("main.xg", 2, 4, 5, 0), PP.Run("x\nabc").Map(99, 1)); // no final newline
        Assert.Equal(new SourceLocation("main.xg", 1, 1, 0, 0), PP.Run("").Map(1, 1));
    }

    [Fact]
    public void MapOffset_maps_text_offsets()
    {
        var sources = new InMemorySources(("inc.h", "const I = 1;\n"));
        PreprocessedSource r = PP.Run("const A = 1;\n#include \"inc.h\"\nconst B = 2;\n", sources);

        int offset = r.Text.IndexOf("I = 1", StringComparison.Ordinal);
        Assert.Equal(new SourceLocation("inc.h", 1, 7, 6, 1), r.MapOffset(offset, 1));
        int b = r.Text.IndexOf('B');
        Assert.Equal(new SourceLocation("main.xg", 3, 7, "const A = 1;\n#include \"inc.h\"\nconst ".Length, 0), r.MapOffset(b));
    }

    [Fact]
    public void Cancellation_is_observed()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Preprocessor.Run("m.xg", "a\nb\n", new PreprocessorOptions(), new InMemorySources(), cts.Token));
    }

    [Fact]
    public void Arguments_are_validated()
    {
        Assert.Throws<ArgumentNullException>(() => Preprocessor.Run(null!, "", new PreprocessorOptions(), new InMemorySources()));
        Assert.Throws<ArgumentNullException>(() => Preprocessor.Run("m", null!, new PreprocessorOptions(), new InMemorySources()));
        Assert.Throws<ArgumentNullException>(() => Preprocessor.Run("m", "", new PreprocessorOptions(), null!));
    }

    [Fact]
    public void Large_input_is_processed_in_linear_time()
    {
        var sb = new StringBuilder();
        for (int i = 0; i < 50_000; i++)
        {
            sb.Append("#define OP").Append(i).Append(' ').Append(i).Append(" /* opcode */\n");
            sb.Append("#if OP").Append(i).Append(" % 2\n");
            sb.Append("Proc").Append(i).Append("(IN afs_int32 a, OUT afs_int32 *b) = OP").Append(i).Append("; /* c */\n");
            sb.Append("#endif\n");
            sb.Append("%#define PT").Append(i).Append(" ").Append(i).Append('\n');
        }

        var watch = Stopwatch.StartNew();
        PreprocessedSource r = PP.Run(sb.ToString());
        watch.Stop();

        PP.NoDiagnostics(r);
        Assert.Equal(250_000, r.Lines.Count);
        Assert.Equal(50_000, r.PassThroughDefines.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "took " + watch.Elapsed);
    }
}
