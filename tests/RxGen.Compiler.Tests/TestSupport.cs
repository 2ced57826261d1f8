using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using RxGen.Compiler;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Compiler.Tests;

/// <summary>Locations in the repository and small helpers shared by the tests.</summary>
internal static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "RxGen.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("RxGen.sln not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative).Replace('\\', '/');
}

/// <summary>Disk-backed include resolution (tests may do I/O; the compiler core never does).</summary>
internal sealed class DiskSources : ISourceProvider
{
    public bool TryGetText(string path, out string text)
    {
        text = "";
        if (!File.Exists(path)) return false;
        text = File.ReadAllText(path);
        return true;
    }
}

/// <summary>In-memory sources: file name → text.</summary>
internal sealed class MemorySources : ISourceProvider
{
    private readonly Dictionary<string, string> _files;
    public MemorySources(Dictionary<string, string> files) => _files = files;
    public bool TryGetText(string path, out string text) => _files.TryGetValue(path, out text!);
}

internal static class Idl
{
    /// <summary>Compiles IDL text held in memory (extra files may be #include'd by name).</summary>
    public static CompileResult Compile(string text, string path = "test.xg", Dictionary<string, string>? files = null, EmitOptions? emit = null)
    {
        var all = new Dictionary<string, string>(files ?? new Dictionary<string, string>()) { [path] = text };
        return RxGenCompiler.Compile(new CompileRequest(path, text, new MemorySources(all), Emit: emit ?? new EmitOptions("Test")));
    }

    public static CompileResult CompileFile(string path, IReadOnlyList<string>? includeDirs = null, EmitOptions? emit = null, IReadOnlyList<string>? forcedIncludes = null)
    {
        path = path.Replace('\\', '/');
        return RxGenCompiler.Compile(new CompileRequest(path, File.ReadAllText(path), new DiskSources(), includeDirs, null, emit ?? new EmitOptions(), forcedIncludes));
    }

    public static string Errors(CompileResult result) => string.Join("\n", result.Diagnostics.Select(d => d.ToString()));
}

/// <summary>Compiles generated C# in memory with Roslyn against RxGen.Runtime, as a consumer with nullable enabled.</summary>
internal static class Roslyn
{
    private static readonly Lazy<MetadataReference[]> References = new(() =>
    {
        var trusted = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        return trusted.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(typeof(RxGen.Runtime.Xdr.XdrWriter).Assembly.Location))
            .ToArray();
    });

    public static IReadOnlyList<Microsoft.CodeAnalysis.Diagnostic> Compile(IEnumerable<(string Name, string Text)> sources, out Compilation compilation)
    {
        var parse = new CSharpParseOptions(LanguageVersion.Latest);
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s.Text, parse, path: s.Name)).ToList();
        compilation = CSharpCompilation.Create("Generated" + Guid.NewGuid().ToString("N"), trees, References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
        return compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
    }

    public static string Describe(IEnumerable<Microsoft.CodeAnalysis.Diagnostic> diagnostics) =>
        string.Join("\n", diagnostics.Take(30).Select(d => d.ToString()));
}
