using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

namespace RxGen.Compiler.Tests;

/// <summary>The rxgen command line: options, outputs, exit codes (0 ok, 1 error diagnostics, 2 bad usage).</summary>
public class CliTests : IDisposable
{
    private readonly DirectoryInfo _temp = Directory.CreateTempSubdirectory("rxgen-cli-");

    public void Dispose() => _temp.Delete(true);

    private (int Exit, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var exit = RxGen.Cli.Program.Run(args, stdout, stderr);
        return (exit, stdout.ToString(), stderr.ToString());
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_temp.FullName, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Compiles_several_inputs_with_include_dirs_defines_and_namespace()
    {
        var inc = Directory.CreateDirectory(Path.Combine(_temp.FullName, "inc"));
        File.WriteAllText(Path.Combine(inc.FullName, "ops.h"), "#define OP_A 7\n");
        var a = Write("a.xg", "#include \"ops.h\"\n#ifdef WITH_B\nconst HAS_B = 1;\n#endif\npackage A_\nF(IN afs_int32 x) = OP_A;\n");
        var b = Write("b.x", "program P { version V { int PING(int) = 1; } = 1; } = 0x20000001;\n");
        var output = Path.Combine(_temp.FullName, "out");
        var (exit, stdout, stderr) = Run("-I", inc.FullName, "-D", "WITH_B", "--namespace", "My.Ns", "-o", output, a, b);
        Assert.True(exit == 0, stderr);
        Assert.Contains("a.xg.cs", stdout);
        var csA = File.ReadAllText(Path.Combine(output, "a.xg.cs"));
        Assert.Contains("namespace My.Ns", csA);
        Assert.Contains("public const int HAS_B = 1;", csA);
        Assert.Contains("public const int F = 7;", csA);
        Assert.Contains("class VClient", File.ReadAllText(Path.Combine(output, "b.x.cs")));
    }

    [Fact]
    public void Error_diagnostics_exit_1_in_msbuild_format_and_write_nothing()
    {
        var bad = Write("bad.xg", "struct s {\n  nosuch t;\n};\nstruct s { int a; };\n");
        var output = Path.Combine(_temp.FullName, "out");
        var (exit, _, stderr) = Run("-o", output, bad);
        Assert.Equal(1, exit);
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.Matches(new Regex(@"bad\.xg\(2,3\): warning RXG0250: type 'nosuch' is not defined in the IDL"), lines[0]);
        Assert.Matches(new Regex(@"bad\.xg\(4,8\): error RXG0201: "), lines[1]);
        Assert.DoesNotContain("   at ", stderr); // no stack trace
        Assert.False(File.Exists(Path.Combine(output, "bad.xg.cs")));
    }

    [Fact]
    public void Missing_input_file_is_an_error_not_a_crash()
    {
        var (exit, _, stderr) = Run("-o", _temp.FullName, Path.Combine(_temp.FullName, "nope.xg"));
        Assert.Equal(1, exit);
        Assert.Contains("RXG0400", stderr);
    }

    [Theory]
    [InlineData("x.xg")]                              // -o is required
    [InlineData("-o|out")]                            // an input is required
    [InlineData("-o|out|--access|private|x.xg")]
    [InlineData("-o|out|--services|Both|x.xg")]
    [InlineData("-o|out|--bogus|x.xg")]
    public void Bad_usage_exits_2(string args)
    {
        var (exit, _, stderr) = Run(args.Split('|'));
        Assert.Equal(2, exit);
        Assert.StartsWith("rxgen: ", stderr);
    }

    [Fact]
    public void Help_and_version()
    {
        var help = Run("--help");
        Assert.Equal(0, help.Exit);
        foreach (var option in new[] { "--output", "-I", "-D", "--namespace", "--include", "--version" }) Assert.Contains(option, help.Out);
        var version = Run("--version");
        Assert.Equal((0, RxGenCompiler.Version), (version.Exit, version.Out.Trim()));
    }

    [Fact]
    public void Services_and_access_shape_the_output()
    {
        var idl = Write("s.xg", "package S_\nF(IN afs_int32 x) = 1;\n");
        var output = Path.Combine(_temp.FullName, "out");
        Assert.Equal(0, Run("--services", "Client", "--access", "internal", "-o", output, idl).Exit);
        var cs = File.ReadAllText(Path.Combine(output, "s.xg.cs"));
        Assert.Contains("internal sealed partial class SClient", cs);
        Assert.DoesNotContain("SDispatcher", cs);
        Assert.DoesNotContain("public sealed partial class", cs);
    }

    [Fact]
    public void Diagnostics_page_documents_every_diagnostic_id()
    {
        var page = File.ReadAllText(Repo.PathOf("docs/diagnostics.md"));
        var ids = typeof(RxGen.Compiler.Diagnostics.DiagnosticDescriptors).GetFields()
            .Select(f => (RxGen.Compiler.Diagnostics.DiagnosticDescriptor)f.GetValue(null)!).Select(d => d.Id).ToList();
        Assert.True(ids.Count > 30);
        Assert.All(ids, id => Assert.Contains($"<a id=\"{id.ToLowerInvariant()}\"></a>", page));
    }

    [Fact]
    public void Two_inputs_with_the_same_file_name_are_an_error_not_a_silent_overwrite()
    {
        var a = Directory.CreateDirectory(Path.Combine(_temp.FullName, "bulk.example"));
        var b = Directory.CreateDirectory(Path.Combine(_temp.FullName, "bulktest"));
        File.WriteAllText(Path.Combine(a.FullName, "bulk.xg"), "package A_\nF(IN afs_int32 x) = 1;\n");
        File.WriteAllText(Path.Combine(b.FullName, "bulk.xg"), "package B_\nG(IN afs_int32 x) = 1;\n");
        var output = Path.Combine(_temp.FullName, "out");
        var (exit, _, stderr) = Run("-o", output, Path.Combine(a.FullName, "bulk.xg"), Path.Combine(b.FullName, "bulk.xg"));
        Assert.Equal(1, exit);
        Assert.Contains("RXG0503", stderr);
        Assert.False(Directory.Exists(output) && Directory.GetFiles(output).Length > 0);
    }

    [Fact]
    public void Outputs_one_file_per_declaring_file_and_includers_share_it()
    {
        var common = Write("common.xg", "struct fid { afs_int32 v; };\n");
        var a = Write("fs.xg", "#include \"common.xg\"\npackage FS_\nFetch(IN fid *f) = 1;\n");
        var b = Write("cb.xg", "#include \"common.xg\"\npackage CB_\nBreak(IN fid *f) = 1;\n");
        var output = Path.Combine(_temp.FullName, "out");
        var (exit, _, stderr) = Run("-o", output, "--namespace", "My.Ns", "--namespace", "common.xg=My.Common", a, b);
        Assert.True(exit == 0, stderr);
        Assert.Equal(new[] { "cb.xg.cs", "common.xg.cs", "fs.xg.cs" }, Directory.GetFiles(output).Select(Path.GetFileName).OrderBy(n => n));
        Assert.Contains("namespace My.Common", File.ReadAllText(Path.Combine(output, "common.xg.cs")));
        foreach (var f in new[] { "fs.xg.cs", "cb.xg.cs" })
        {
            var text = File.ReadAllText(Path.Combine(output, f));
            Assert.Contains("global::My.Common.fid", text);
            Assert.DoesNotContain("class fid ", text);
        }
        Assert.True(common.Length > 0);
    }

    [Theory]
    [InlineData("--namespace|1bad")]
    [InlineData("--namespace|class")]
    [InlineData("--external-type|nis_object")]
    [InlineData("--strings|ebcdic")]
    [InlineData("-D|1X=2")]
    [InlineData("-o||x")]
    [InlineData("--include|")]
    public void Bad_option_values_exit_2_with_a_diagnostic(string args)
    {
        var input = Write("ok.xg", "struct s { int a; };\n");
        var parts = args.Split('|').ToList();
        if (!parts.Contains("-o")) parts.InsertRange(0, new[] { "-o", Path.Combine(_temp.FullName, "out") });
        parts.Add(input);
        var (exit, _, stderr) = Run(parts.ToArray());
        Assert.Equal(2, exit);
        Assert.DoesNotContain("   at ", stderr);
    }

    [Fact]
    public void Output_that_is_an_existing_file_is_bad_usage_not_a_crash()
    {
        var input = Write("ok.xg", "struct s { int a; };\n");
        var (exit, _, stderr) = Run("-o", input, input);
        Assert.Equal(2, exit);
        Assert.Contains("is a file", stderr);
    }

    [Fact]
    public void An_endless_input_stops_at_the_size_limit_with_a_diagnostic()
    {
        var (exit, _, stderr) = Run("-o", Path.Combine(_temp.FullName, "out"), "/dev/zero");
        Assert.Equal(1, exit);
        Assert.Contains("RXG0400", stderr);
        Assert.Contains("input size limit", stderr);
    }

    [Fact]
    public void An_empty_input_path_is_bad_usage_not_a_crash()
    {
        var (exit, _, stderr) = Run("-o", Path.Combine(_temp.FullName, "out"), "");
        Assert.Equal(2, exit);
        Assert.Contains("empty path", stderr);
        Assert.DoesNotContain("   at ", stderr);
    }
}
