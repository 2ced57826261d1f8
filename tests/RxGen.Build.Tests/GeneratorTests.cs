using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using RxGen.Compiler;
using RxGen.Compiler.Emit;
using RxGen.Generator;

namespace RxGen.Build.Tests;

/// <summary>The incremental generator: same output as the CLI, IDL diagnostics at the IDL's positions, and
/// incrementality proved by the tracked step run reasons.</summary>
public class GeneratorTests
{
    private static readonly string Afs = Repo.PathOf("examples/afs");

    private static List<IdlText> ExampleFiles() => new()
    {
        IdlText.Input(Afs + "/vldbint.xg", ns: "Gen.Vl"),
        IdlText.Input(Repo.PathOf("examples/onc/kvstore.x"), ns: "Gen.Kv"),
        IdlText.Include(Afs + "/vl_opcodes.h"),
        IdlText.Include(Afs + "/common.xg"),
    };

    private static GeneratorDriverRunResult Run(List<IdlText> files, out GeneratorDriver driver, out Compilation output, params string[] csharp)
    {
        driver = Driver.Create(files, Repo.Root).RunGeneratorsAndUpdateCompilation(Driver.Compilation(csharp.Length == 0 ? new[] { "class User { }" } : csharp), out output, out _);
        return driver.GetRunResult();
    }

    [Fact]
    public void Generated_sources_equal_the_CLI_output_and_compile()
    {
        var result = Run(ExampleFiles(), out _, out var output);
        Assert.Empty(result.Diagnostics);
        Assert.Null(result.Results[0].Exception);
        var generated = result.GeneratedTrees.ToDictionary(t => Path.GetFileName(t.FilePath), t => t.GetText().ToString());
        Assert.Equal(2, generated.Count);
        foreach (var (input, ns, name) in new[] { (Afs + "/vldbint.xg", "Gen.Vl", "vldbint.xg"), (Repo.PathOf("examples/onc/kvstore.x"), "Gen.Kv", "kvstore.x") })
        {
            // What `rxgen --namespace <ns> -I <dir of input> <input>` writes (the CLI uses the same core and options).
            var cli = RxGenCompiler.Compile(new CompileRequest(input, File.ReadAllText(input), new DiskSources(), new[] { Path.GetDirectoryName(input)! }, null, new EmitOptions(ns)));
            var mine = Assert.Single(generated, kv => kv.Key.StartsWith(name + "."));
            Assert.Equal(cli.Files.Single().Text, mine.Value);
        }
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error));
    }

    [Fact]
    public void An_included_file_is_emitted_once_with_its_own_namespace_and_both_includers_share_its_types()
    {
        var files = new List<IdlText>
        {
            IdlText.Input(Afs + "/afsint.xg", ns: "Gen.Fs"),
            IdlText.Input(Afs + "/afscbint.xg", ns: "Gen.Cb"),
            IdlText.Include(Afs + "/common.xg", ns: "Gen.Common"),
        };
        // User code handing one and the same AFSFid to the FS client's types and the callback service's.
        var user = "class User { static void M(global::Gen.Common.AFSFid fid) { global::Gen.Cb.RXAFSCBProtocol.EncodeCallBackRequest(new global::RxGen.Runtime.Xdr.XdrBufferWriter(), new[] { fid }, new global::Gen.Common.AFSCallBack[1]); global::Gen.Fs.RXAFSProtocol.EncodeFetchStatusRequest(new global::RxGen.Runtime.Xdr.XdrBufferWriter(), fid); } }";
        var result = Run(files, out _, out var output, user);
        Assert.Empty(result.Diagnostics);
        var names = result.GeneratedTrees.Select(t => Path.GetFileName(t.FilePath)).OrderBy(n => n).ToList();
        Assert.Equal(3, names.Count);
        Assert.Single(names, n => n.StartsWith("common.xg.", System.StringComparison.Ordinal));
        var common = result.GeneratedTrees.Single(t => Path.GetFileName(t.FilePath).StartsWith("common.xg.", System.StringComparison.Ordinal)).GetText().ToString();
        Assert.Contains("namespace Gen.Common", common);
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void Unknown_option_values_are_diagnostics_not_silence()
    {
        var bad = IdlText.Input("/project/idl/s.xg", "struct s { int a; };\n", new Dictionary<string, string> { ["RxGenServices"] = "Both" });
        var result = Run(new List<IdlText> { bad }, out _, out _);
        var diagnostic = Assert.Single(result.Diagnostics);
        Assert.Equal("RXG0500", diagnostic.Id);
        Assert.Contains("'Both'", diagnostic.GetMessage());
        Assert.Empty(result.GeneratedTrees);
    }

    [Fact]
    public void Outside_types_map_through_item_metadata_without_a_warning()
    {
        var idl = IdlText.Input("/project/idl/o.x", "struct holder { nis_object obj; nis_object *maybe; };\n",
            new Dictionary<string, string> { ["RxGenExternalTypes"] = "nis_object=My.NisObject", ["RxGenNamespace"] = "Gen.O" });
        var user = "namespace My { public sealed class NisObject : global::RxGen.Runtime.Xdr.IXdrSerializable<NisObject> { public int V; public void Encode(ref global::RxGen.Runtime.Xdr.XdrWriter w) => w.WriteInt32(V); public static NisObject Decode(ref global::RxGen.Runtime.Xdr.XdrReader r) => new NisObject { V = r.ReadInt32() }; } }";
        var result = Run(new List<IdlText> { idl }, out _, out var output, user);
        Assert.Empty(result.Diagnostics);
        Assert.Contains("global::My.NisObject", result.GeneratedTrees.Single().GetText().ToString());
        Assert.Empty(output.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Fact]
    public void IDL_errors_are_build_diagnostics_at_the_IDL_position_and_never_a_crash()
    {
        var broken = IdlText.Input("/project/idl/broken.xg", text: "struct a { int x; };\nstruct b {\n  nosuchtype y;\n};\nconst C = ;\n");
        var result = Run(new List<IdlText> { broken }, out _, out _);
        Assert.Null(result.Results[0].Exception);
        Assert.Empty(result.GeneratedTrees); // no half-written output
        var diagnostic = Assert.Single(result.Diagnostics, d => d.Id == "RXG0100");
        var span = diagnostic.Location.GetLineSpan();
        Assert.Equal("/project/idl/broken.xg", span.Path);
        Assert.Equal((4, 10), (span.StartLinePosition.Line, span.StartLinePosition.Character));
        Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
        Assert.Contains("docs/diagnostics.md#rxg0100", diagnostic.Descriptor.HelpLinkUri);

        var typeError = Run(new List<IdlText> { IdlText.Input("/project/idl/t.xg", text: "struct b {\n  nosuchtype y;\n};\n") }, out _, out _);
        var unknown = Assert.Single(typeError.Diagnostics);
        Assert.Equal("RXG0250", unknown.Id);
        Assert.Equal(DiagnosticSeverity.Warning, unknown.Severity);
        Assert.Equal((1, 2), (unknown.Location.GetLineSpan().StartLinePosition.Line, unknown.Location.GetLineSpan().StartLinePosition.Character));
        Assert.StartsWith("type 'nosuchtype' is not defined in the IDL", unknown.GetMessage());
    }

    [Fact]
    public void An_unrelated_CSharp_edit_reruns_no_IDL_stage()
    {
        Run(ExampleFiles(), out var driver, out _);
        var next = driver.RunGenerators(Driver.Compilation("class User { int Changed; }")).GetRunResult().Results[0];
        foreach (var step in new[] { RxGenGenerator.StepNames.Files, RxGenGenerator.StepNames.Sources, RxGenGenerator.StepNames.Dependencies, RxGenGenerator.StepNames.Compile })
        {
            var outputs = next.TrackedSteps[step].SelectMany(s => s.Outputs).ToList();
            Assert.NotEmpty(outputs);
            Assert.All(outputs, o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
        }
        Assert.All(next.TrackedOutputSteps.SelectMany(s => s.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));
    }

    [Fact]
    public void Editing_one_IDL_file_modifies_only_its_output()
    {
        var files = ExampleFiles();
        Run(files, out var driver, out var compilation);
        var kv = files[1];
        var edited = IdlText.Input(kv.Path, ns: "Gen.Kv", text: kv.GetText().ToString().Replace("const KV_MAXBATCH = 64;", "const KV_MAXBATCH = 65;"));
        driver = driver.ReplaceAdditionalText(kv, edited);
        var result = driver.RunGenerators(compilation).GetRunResult().Results[0];
        var compile = result.TrackedSteps[RxGenGenerator.StepNames.Compile].SelectMany(s => s.Outputs).ToList();
        Assert.Equal(2, compile.Count);
        var reasons = compile.Select(o => (Name: ((GenerationResult)o.Value).Sources[0].HintName, o.Reason)).ToList();
        Assert.Contains(reasons, r => r.Name.StartsWith("kvstore") && r.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(reasons, r => r.Name.StartsWith("vldbint") && r.Reason == IncrementalStepRunReason.Cached); // not even re-run
    }

    [Fact]
    public void Editing_an_included_file_regenerates_its_includer()
    {
        var files = ExampleFiles();
        Run(files, out var driver, out var compilation);
        var header = files[2];
        var edited = IdlText.Include(header.Path, System.Text.RegularExpressions.Regex.Replace(header.GetText().ToString(), @"#define\s+VLGETENTRYBYNAMEN\s+519", "#define VLGETENTRYBYNAMEN 1519"));
        driver = driver.ReplaceAdditionalText(header, edited);
        var run = driver.RunGenerators(compilation).GetRunResult();
        var compile = run.Results[0].TrackedSteps[RxGenGenerator.StepNames.Compile].SelectMany(s => s.Outputs).ToList();
        Assert.Contains(compile, o => ((GenerationResult)o.Value).Sources[0].HintName.StartsWith("vldbint") && o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(compile, o => ((GenerationResult)o.Value).Sources[0].HintName.StartsWith("kvstore") && o.Reason == IncrementalStepRunReason.Cached);
        Assert.Contains("GetEntryByNameN = 1519;", run.GeneratedTrees.Single(t => t.FilePath.Contains("vldbint")).GetText().ToString());
    }
}
