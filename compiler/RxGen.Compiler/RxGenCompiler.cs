using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Model;
using RxGen.Compiler.Preprocessing;
using RxGen.Compiler.Syntax;
using RxGen.Compiler.Validation;

namespace RxGen.Compiler;

/// <summary>One compilation: an IDL file (its text already read by the host), how to find what it includes, and options.</summary>
public sealed record CompileRequest(
    string Path,
    string Text,
    ISourceProvider Sources,
    IReadOnlyList<string>? IncludeDirectories = null,
    IReadOnlyList<KeyValuePair<string, string?>>? Defines = null,
    EmitOptions? Emit = null,
    IReadOnlyList<string>? ForcedIncludes = null);

/// <summary>A generated C# file: a file name (hint name), its text, and the IDL file whose definitions it holds.</summary>
public sealed record GeneratedFile(string FileName, string Text, string SourcePath = "");

public sealed record CompileResult(
    InterfaceModel? Model,
    EquatableArray<GeneratedFile> Files,
    EquatableArray<Diagnostic> Diagnostics,
    EquatableArray<string> IncludedFiles)
{
    public bool Success => !Diagnostics.Any(d => d.IsError);
}

/// <summary>The compiler core's entry point: preprocess → parse → model → validate → emit. No file I/O,
/// no global state: the CLI and the source generator are thin hosts over it.</summary>
public static class RxGenCompiler
{
    public static string Version { get; } =
        typeof(RxGenCompiler).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    /// <summary>Front end only: the model and its diagnostics.</summary>
    public static (InterfaceModel? Model, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> IncludedFiles) Analyze(CompileRequest request, CancellationToken cancellationToken = default)
    {
        var diagnostics = new DiagnosticBag();
        var options = new PreprocessorOptions
        {
            IncludeDirectories = request.IncludeDirectories ?? Array.Empty<string>(),
            Defines = request.Defines ?? Array.Empty<KeyValuePair<string, string?>>(),
        };
        // Forced includes (cpp's -include) go after the input's last line, so every position in the input stays exact;
        // definitions may be used before they appear.
        var text = request.Text;
        if (request.ForcedIncludes is { Count: > 0 } forced)
            text = text + (text.EndsWith("\n", StringComparison.Ordinal) ? "" : "\n") + string.Join("\n", forced.Select(f => "#include \"" + f + "\"")) + "\n";
        var preprocessed = Preprocessor.Run(request.Path, text, options, request.Sources, cancellationToken);
        var included = preprocessed.IncludedFiles;
        diagnostics.AddRange(preprocessed.Diagnostics);
        var model = Build(request.Path, preprocessed, diagnostics, cancellationToken);
        // The preprocessed text is garbage from here on (validation and emission need only the model).
        if (model is null) return (null, diagnostics.Items, included);
        ModelValidator.Validate(model, diagnostics);
        return (model, diagnostics.Items, included);
    }

    /// <summary>Parse and model; null when the input has preprocessor or syntax errors (all of them reported).</summary>
    private static InterfaceModel? Build(string path, PreprocessedSource preprocessed, DiagnosticBag diagnostics, CancellationToken cancellationToken)
    {
        try
        {
            return ModelBuilder.Build(path, new ParsedIdl(preprocessed, diagnostics, cancellationToken), diagnostics, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            diagnostics.Add(DiagnosticDescriptors.InternalError, new SourceLocation(path, 0, 0), e.Message);
            return null;
        }
    }

    public static CompileResult Compile(CompileRequest request, CancellationToken cancellationToken = default)
    {
        var (model, diagnostics, included) = Analyze(request, cancellationToken);
        // Stable order by position, so a file's errors read top to bottom whatever stage found them.
        var all = diagnostics.Select((d, i) => (d, i)).OrderBy(x => x.d.Location.Path, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line).ThenBy(x => x.d.Location.Column).ThenBy(x => x.i).Select(x => x.d).ToList();
        var emit = request.Emit ?? new EmitOptions();
        // An outside type the options map to a C# type is not worth a warning.
        all.RemoveAll(d => d.Descriptor == DiagnosticDescriptors.OutsideType && d.Arguments is { Count: > 0 } args && emit.ExternalType(args[0]) is not null);
        var files = new List<GeneratedFile>();
        if (model is not null && !all.Any(d => d.IsError))
        {
            try
            {
                foreach (var (source, text) in CSharpEmitter.Emit(model, emit, Version))
                    files.Add(new GeneratedFile(OutputFileName(source), text, source));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                all.Add(Diagnostic.Create(DiagnosticDescriptors.InternalError, new SourceLocation(request.Path, 0, 0), e.Message));
            }
        }
        return new CompileResult(model, files.ToEquatableArray(), all.ToEquatableArray(), included.ToEquatableArray());
    }

    /// <summary>vldbint.xg → vldbint.xg.cs.</summary>
    public static string OutputFileName(string path) => PathNames.FileName(path) + ".cs";
}
