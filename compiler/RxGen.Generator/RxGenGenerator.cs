using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using RxGen.Compiler;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Model;
using RxGen.Compiler.Options;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Generator;

/// <summary>Turns <c>&lt;RxGen Include="x.xg" /&gt;</c> items (handed over as AdditionalFiles by build/RxGen.Build.targets)
/// into C#. Pipeline wiring only: the work is the compiler core's, on equatable values.</summary>
[Generator(LanguageNames.CSharp)]
public sealed class RxGenGenerator : IIncrementalGenerator
{
    /// <summary>Tracking names of the pipeline steps (tests inspect their run reasons).</summary>
    public static class StepNames
    {
        public const string Files = "RxGen.Files";
        public const string Sources = "RxGen.Sources";
        public const string Dependencies = "RxGen.Dependencies";
        public const string Compile = "RxGen.Compile";
    }

    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // Every IDL-related additional file, with its metadata, as an equatable value (no Roslyn objects past this step).
        var files = context.AdditionalTextsProvider
            .Combine(context.AnalyzerConfigOptionsProvider)
            .Select(static (pair, ct) => IdlFile.From(pair.Left, pair.Right.GetOptions(pair.Left), pair.Right.GlobalOptions, ct))
            .Where(static f => f is not null)
            .Select(static (f, _) => f!)
            .WithTrackingName(StepNames.Files);

        // The text of every file an input may include (inputs and include-only files alike).
        var sources = files.Collect()
            .Select(static (all, _) => new SourceSet(all.Select(f => new KeyValuePair<string, string>(f.Path, f.Text)).ToEquatableArray()))
            .WithTrackingName(StepNames.Sources);

        // Per input, only the files it really includes (a cheap preprocessing pass): editing another IDL file
        // leaves this input's value equal, so its compile step stays cached.
        var dependencies = files.Where(static f => f.IsInput)
            .Combine(sources)
            .Select(static (pair, ct) => (Input: pair.Left, Sources: pair.Right.Restrict(pair.Left, ct)))
            .WithTrackingName(StepNames.Dependencies);

        // The namespace of every file that has one of its own (an RxGen or RxGenInclude item with Namespace), so that an
        // included file's definitions get the same namespace in every includer's compilation.
        var namespaces = files.Collect()
            .Select(static (all, _) => all.Where(f => f.Namespace is not null).Select(f => new KeyValuePair<string, string>(f.Path, f.Namespace!))
                .OrderBy(p => p.Key, StringComparer.Ordinal).ToEquatableArray());

        var results = dependencies
            .Combine(namespaces)
            .Select(static (pair, ct) => GenerationResult.Compile(pair.Left.Input, pair.Left.Sources, pair.Right, ct))
            .WithTrackingName(StepNames.Compile);

        // Each declaring file's source once, even when several inputs include it (the first input's wins; all are equal).
        // Source and diagnostics in separate outputs: a diagnostic that moves does not force regeneration.
        context.RegisterSourceOutput(results.Select(static (r, _) => r.Sources).Collect(), static (spc, all) =>
        {
            var added = new HashSet<string>(StringComparer.Ordinal);
            foreach (var sources in all)
                foreach (var source in sources)
                    if (added.Add(source.HintName)) spc.AddSource(source.HintName, SourceText.From(source.Text, Encoding.UTF8));
        });
        context.RegisterSourceOutput(results.Select(static (r, _) => r.Diagnostics), static (spc, diagnostics) =>
        {
            foreach (var diagnostic in diagnostics) spc.ReportDiagnostic(DiagnosticMapping.ToRoslyn(diagnostic));
        });
    }
}

/// <summary>One additional file with RxGen metadata.</summary>
internal sealed record IdlFile(string Path, string Text, bool IsInput, string? Namespace, string? Services, string? IncludeDirs, string? Defines, string? Access, string ProjectDirectory)
{
    /// <summary>ExternalTypes metadata: IDLNAME=Namespace.Type entries.</summary>
    public string? ExternalTypes { get; init; }

    /// <summary>StringEncoding metadata: utf8 or latin1.</summary>
    public string? StringEncoding { get; init; }

    public static IdlFile? From(AdditionalText file, Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions options,
        Microsoft.CodeAnalysis.Diagnostics.AnalyzerConfigOptions globalOptions, CancellationToken ct)
    {
        if (!options.TryGetValue("build_metadata.AdditionalFiles.RxGenKind", out var kind) || kind.Length == 0) return null;
        var text = file.GetText(ct)?.ToString() ?? "";
        string? Get(string name) => options.TryGetValue("build_metadata.AdditionalFiles." + name, out var value) && value.Length > 0 ? value : null;
        return new IdlFile(Normalize(file.Path), text, string.Equals(kind, "Input", StringComparison.OrdinalIgnoreCase),
            Get("RxGenNamespace"), Get("RxGenServices"), Get("RxGenIncludeDirs"), Get("RxGenDefines"), Get("RxGenAccess"),
            globalOptions.TryGetValue("build_property.MSBuildProjectDirectory", out var projectDirectory) ? Normalize(projectDirectory).TrimEnd('/') : "")
        {
            ExternalTypes = Get("RxGenExternalTypes"),
            StringEncoding = Get("RxGenStringEncoding"),
        };
    }

    internal static string Normalize(string path) => path.Replace('\\', '/');
}

/// <summary>All IDL texts by path, for include resolution without file I/O.</summary>
internal sealed record SourceSet(EquatableArray<KeyValuePair<string, string>> Files) : ISourceProvider
{
    /// <summary>The files <paramref name="input"/> includes (directly or not), found by preprocessing it.</summary>
    public SourceSet Restrict(IdlFile input, CancellationToken ct)
    {
        var request = GeneratorOptions.ToRequest(input, this);
        var options = new PreprocessorOptions
        {
            IncludeDirectories = request.IncludeDirectories ?? Array.Empty<string>(),
            Defines = request.Defines ?? Array.Empty<KeyValuePair<string, string?>>(),
        };
        var included = new HashSet<string>(Preprocessor.Run(input.Path, input.Text, options, this, ct).IncludedFiles, StringComparer.Ordinal);
        return new SourceSet(Files.Where(f => included.Contains(f.Key)).ToEquatableArray());
    }

    public bool TryGetText(string path, out string text)
    {
        foreach (var file in Files)
        {
            if (string.Equals(file.Key, path, StringComparison.Ordinal)) { text = file.Value; return true; }
        }
        text = "";
        return false;
    }
}

/// <summary>A generated file (hint name and text).</summary>
public sealed record GeneratedSource(string HintName, string Text);

/// <summary>What one IDL input produced: a source per declaring file (none on errors) and its diagnostics.</summary>
public sealed record GenerationResult(EquatableArray<GeneratedSource> Sources, EquatableArray<RxGen.Compiler.Diagnostics.Diagnostic> Diagnostics)
{
    internal static GenerationResult Compile(IdlFile input, SourceSet sources, EquatableArray<KeyValuePair<string, string>> namespaces, CancellationToken ct)
    {
        var (request, optionErrors) = GeneratorOptions.ToRequest(input, sources, namespaces);
        if (optionErrors.Count > 0) return new GenerationResult(EquatableArray<GeneratedSource>.Empty, optionErrors.ToEquatableArray());
        CompileResult result;
        try
        {
            result = RxGenCompiler.Compile(request, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A compiler bug must surface as a diagnostic on the IDL file, never as CS8785 for the whole generator.
            var internalError = RxGen.Compiler.Diagnostics.Diagnostic.Create(RxGen.Compiler.Diagnostics.DiagnosticDescriptors.InternalError,
                new RxGen.Compiler.Diagnostics.SourceLocation(input.Path, 0, 0), e.GetType().Name + ": " + e.Message);
            return new GenerationResult(EquatableArray<GeneratedSource>.Empty, new[] { internalError }.ToEquatableArray());
        }
        var generated = result.Files.Select(f => new GeneratedSource(HintName(f.SourcePath.Length > 0 ? f.SourcePath : input.Path, f.FileName), f.Text)).ToEquatableArray();
        return new GenerationResult(generated, result.Diagnostics);
    }

    /// <summary>A unique hint name: the output file name, prefixed by a short hash of the directory (two x.xg in different folders).</summary>
    private static string HintName(string path, string fileName)
    {
        var slash = path.LastIndexOf('/');
        var directory = slash < 0 ? "" : path.Substring(0, slash);
        uint hash = 2166136261;
        foreach (var ch in directory) hash = unchecked((hash ^ ch) * 16777619);
        return fileName.Substring(0, fileName.Length - 3) + "." + hash.ToString("x8", System.Globalization.CultureInfo.InvariantCulture) + ".g.cs";
    }
}

/// <summary>MSBuild metadata → compiler options; the CLI takes the same options from its command line.</summary>
public static class GeneratorOptions
{
    internal static CompileRequest ToRequest(IdlFile input, ISourceProvider sources) => ToRequest(input, sources, EquatableArray<KeyValuePair<string, string>>.Empty).Request;

    internal static (CompileRequest Request, IReadOnlyList<RxGen.Compiler.Diagnostics.Diagnostic> Errors) ToRequest(IdlFile input, ISourceProvider sources,
        EquatableArray<KeyValuePair<string, string>> namespaces)
    {
        // Relative include directories are relative to the project, as MSBuild paths are (the CLI: to the working directory).
        var baseDirectory = input.ProjectDirectory.Length > 0 ? input.ProjectDirectory
            : input.Path.LastIndexOf('/') is var i and >= 0 ? input.Path.Substring(0, i) : ".";
        var includeDirs = CompilerOptions.Split(input.IncludeDirs).Select(IdlFile.Normalize).Select(d => IsRooted(d) ? d : baseDirectory + "/" + d).ToList();
        var parsed = CompilerOptions.Parse(new RawOptions
        {
            Namespace = input.Namespace,
            FileNamespaces = namespaces.Select(p => p.Key + "=" + p.Value).ToList(),
            Services = input.Services,
            Access = input.Access,
            ExternalTypes = CompilerOptions.Split(input.ExternalTypes),
            StringEncoding = input.StringEncoding,
            Defines = CompilerOptions.Split(input.Defines),
        }, new RxGen.Compiler.Diagnostics.SourceLocation(input.Path, 0, 0));
        return (new CompileRequest(input.Path, input.Text, sources, includeDirs, parsed.Defines, parsed.Emit), parsed.Errors);
    }

    private static bool IsRooted(string path) => path.StartsWith("/", StringComparison.Ordinal) || (path.Length > 1 && path[1] == ':');

}

internal static class DiagnosticMapping
{
    public static Microsoft.CodeAnalysis.Diagnostic ToRoslyn(RxGen.Compiler.Diagnostics.Diagnostic diagnostic)
    {
        var d = diagnostic.Descriptor;
        var descriptor = new DiagnosticDescriptor(d.Id, d.Title, "{0}", "RxGen",
            d.Severity == RxGen.Compiler.Diagnostics.DiagnosticSeverity.Error ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
            isEnabledByDefault: true, helpLinkUri: d.HelpLink);
        var where = diagnostic.Location;
        Location location;
        if (where.Line > 0)
        {
            var start = new LinePosition(where.Line - 1, Math.Max(0, where.Column - 1));
            var end = new LinePosition(where.Line - 1, Math.Max(0, where.Column - 1 + where.Length));
            location = Location.Create(where.Path, new TextSpan(Math.Max(0, where.Offset), Math.Max(0, where.Length)), new LinePositionSpan(start, end));
        }
        else location = where.Path.Length > 0 ? Location.Create(where.Path, default, default) : Location.None;
        return Microsoft.CodeAnalysis.Diagnostic.Create(descriptor, location, diagnostic.Message);
    }
}
