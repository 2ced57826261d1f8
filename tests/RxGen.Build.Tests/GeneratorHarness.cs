using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace RxGen.Build.Tests;

internal static class Repo
{
    public static string Root { get; } = FindRoot();

    private static string FindRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "RxGen.sln"))) dir = Path.GetDirectoryName(dir);
        return dir ?? throw new InvalidOperationException("RxGen.sln not found");
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative).Replace('\\', '/');
}

internal sealed class DiskSources : RxGen.Compiler.Preprocessing.ISourceProvider
{
    public bool TryGetText(string path, out string text)
    {
        text = File.Exists(path) ? File.ReadAllText(path) : "";
        return File.Exists(path);
    }
}

/// <summary>An additional file as MSBuild hands it over, with its RxGen metadata.</summary>
internal sealed class IdlText : AdditionalText
{
    private readonly SourceText _text;

    public IdlText(string path, string text, IReadOnlyDictionary<string, string> metadata)
    {
        Path = path;
        _text = SourceText.From(text);
        Metadata = metadata;
    }

    public override string Path { get; }
    public IReadOnlyDictionary<string, string> Metadata { get; }
    public override SourceText GetText(CancellationToken cancellationToken = default) => _text;

    public static IdlText Input(string path, string? ns = null, string? includeDirs = null, string? text = null)
    {
        var metadata = new Dictionary<string, string> { ["RxGenKind"] = "Input" };
        if (ns is not null) metadata["RxGenNamespace"] = ns;
        if (includeDirs is not null) metadata["RxGenIncludeDirs"] = includeDirs;
        return new IdlText(path, text ?? File.ReadAllText(path), metadata);
    }

    public static IdlText Include(string path, string? text = null, string? ns = null)
    {
        var metadata = new Dictionary<string, string> { ["RxGenKind"] = "Include" };
        if (ns is not null) metadata["RxGenNamespace"] = ns;
        return new IdlText(path, text ?? File.ReadAllText(path), metadata);
    }

    /// <summary>An input with arbitrary extra metadata (RxGenServices, RxGenExternalTypes, ...).</summary>
    public static IdlText Input(string path, string text, Dictionary<string, string> metadata)
    {
        var all = new Dictionary<string, string>(metadata) { ["RxGenKind"] = "Input" };
        return new IdlText(path, text, all);
    }
}

internal sealed class Options : AnalyzerConfigOptionsProvider
{
    private readonly Dictionary<string, IdlText> _files;

    public Options(IEnumerable<IdlText> files, string projectDirectory)
    {
        _files = files.ToDictionary(f => f.Path);
        GlobalOptions = new Values(new Dictionary<string, string> { ["build_property.MSBuildProjectDirectory"] = projectDirectory });
    }

    public override AnalyzerConfigOptions GlobalOptions { get; }
    public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

    public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
        new Values(_files.TryGetValue(textFile.Path, out var f)
            ? f.Metadata.ToDictionary(kv => "build_metadata.AdditionalFiles." + kv.Key, kv => kv.Value)
            : new Dictionary<string, string>());

    private sealed class Values : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> _values;
        public Values(Dictionary<string, string> values) => _values = values;
        public override bool TryGetValue(string key, out string value) => _values.TryGetValue(key, out value!);
    }
}

internal static class Driver
{
    public static readonly CSharpParseOptions Parse = new(LanguageVersion.Latest);

    public static CSharpCompilation Compilation(params string[] sources) =>
        CSharpCompilation.Create("Consumer",
            sources.Select((s, i) => CSharpSyntaxTree.ParseText(s, Parse, path: $"User{i}.cs")),
            ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator).Select(p => MetadataReference.CreateFromFile(p))
                .Append(MetadataReference.CreateFromFile(typeof(RxGen.Runtime.Xdr.XdrWriter).Assembly.Location)),
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));

    public static GeneratorDriver Create(IEnumerable<IdlText> files, string projectDirectory) =>
        CSharpGeneratorDriver.Create(
            new[] { new RxGen.Generator.RxGenGenerator().AsSourceGenerator() },
            files.Cast<AdditionalText>(),
            Parse,
            new Options(files, projectDirectory),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));
}
