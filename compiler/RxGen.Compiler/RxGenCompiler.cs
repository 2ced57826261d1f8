using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
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

/// <summary>An output file of a compilation: its file name (<c>vldbint.xg.cs</c>) and the IDL file whose definitions it holds.</summary>
public sealed record OutputFile(string FileName, string SourcePath);

/// <summary>A compilation up to emission (<see cref="RxGenCompiler.Prepare"/>): the model, every diagnostic of the
/// front end, and the files it will generate, each written on request straight into a writer
/// (<see cref="WriteOutput"/>) without the whole text being held in memory.</summary>
public sealed class RxGenCompilation
{
    private readonly CSharpEmitter.EmitPlan? _plan;
    private readonly string _path;

    internal RxGenCompilation(string path, InterfaceModel? model, EquatableArray<Diagnostic> diagnostics, EquatableArray<string> includedFiles, CSharpEmitter.EmitPlan? plan)
    {
        _path = path;
        Model = model;
        Diagnostics = diagnostics;
        IncludedFiles = includedFiles;
        _plan = plan;
        Outputs = plan is null ? Array.Empty<OutputFile>() : plan.Files.Select(f => new OutputFile(RxGenCompiler.OutputFileName(f), f)).ToArray();
    }

    /// <summary>The model; null when the input has preprocessor or syntax errors.</summary>
    public InterfaceModel? Model { get; }

    /// <summary>The diagnostics of preprocessing, parsing and validation, by position.</summary>
    public EquatableArray<Diagnostic> Diagnostics { get; }

    /// <summary>Every file the input included.</summary>
    public EquatableArray<string> IncludedFiles { get; }

    /// <summary>No error diagnostics: <see cref="Outputs"/> can be written.</summary>
    public bool Success => !Diagnostics.Any(d => d.IsError);

    /// <summary>The files this compilation generates (none when it failed): the input's first, then every included
    /// file that declares something, in include order.</summary>
    public IReadOnlyList<OutputFile> Outputs { get; }

    /// <summary>Writes one of <see cref="Outputs"/> into <paramref name="writer"/> as it is generated (one definition
    /// at a time). Returns null, or an internal-error diagnostic when the emitter failed (the writer then holds part
    /// of the file). Exceptions of the writer itself (I/O) are not caught.</summary>
    public Diagnostic? WriteOutput(OutputFile file, TextWriter writer, CancellationToken cancellationToken = default)
    {
        if (_plan is null || !Outputs.Contains(file)) throw new ArgumentException("not an output of this compilation", nameof(file));
        try
        {
            _plan.Write(file.SourcePath, writer, cancellationToken);
            return null;
        }
        catch (Exception e) when (e is not (OperationCanceledException or IOException or ObjectDisposedException or UnauthorizedAccessException))
        {
            return Diagnostic.Create(DiagnosticDescriptors.InternalError, new SourceLocation(_path, 0, 0), e.Message);
        }
    }

    /// <summary>Writes every output into a writer that <paramref name="open"/> makes for it (and that is disposed
    /// after); stops at the first emitter failure and returns its diagnostic, else null.</summary>
    public Diagnostic? WriteOutputs(Func<OutputFile, TextWriter> open, CancellationToken cancellationToken = default)
    {
        foreach (var file in Outputs)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var writer = open(file);
            if (WriteOutput(file, writer, cancellationToken) is { } failure) return failure;
        }
        return null;
    }
}

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
        var (model, diagnostics, included, _) = AnalyzeCore(request, cancellationToken);
        return (model, diagnostics, included);
    }

    /// <summary><see cref="Analyze"/>, and the validator's table of the model's types by name (each name's first
    /// definition), which the emitter uses as it is (issue 16: one table as long as the list of types, not two).</summary>
    private static (InterfaceModel? Model, IReadOnlyList<Diagnostic> Diagnostics, IReadOnlyList<string> IncludedFiles, Dictionary<string, Definition>? Types) AnalyzeCore(
        CompileRequest request, CancellationToken cancellationToken)
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
        if (model is null) return (null, diagnostics.Items, included, null);
        var types = ModelValidator.Validate(model, diagnostics, keepTypes: true);
        return (model, diagnostics.Items, included, types);
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

    /// <summary>The whole compilation with the output in memory (one string per generated file).</summary>
    public static CompileResult Compile(CompileRequest request, CancellationToken cancellationToken = default)
    {
        var compilation = Prepare(request, cancellationToken);
        var files = new List<GeneratedFile>();
        var diagnostics = compilation.Diagnostics;
        foreach (var output in compilation.Outputs)
        {
            var writer = new StringWriter(CultureInfo.InvariantCulture);
            if (compilation.WriteOutput(output, writer, cancellationToken) is { } failure)
            {
                diagnostics = diagnostics.Concat(new[] { failure }).ToEquatableArray();
                break;
            }
            files.Add(new GeneratedFile(output.FileName, writer.ToString(), output.SourcePath));
        }
        return new CompileResult(compilation.Model, files.ToEquatableArray(), diagnostics, compilation.IncludedFiles);
    }

    /// <summary>The front end (preprocess, parse, model, validate) and the plan of the output files, to be written
    /// one at a time into writers (<see cref="RxGenCompilation.WriteOutput"/>): the CLI streams them to disk this way.</summary>
    public static RxGenCompilation Prepare(CompileRequest request, CancellationToken cancellationToken = default)
    {
        var (model, diagnostics, included, types) = AnalyzeCore(request, cancellationToken);
        // Stable order by position, so a file's errors read top to bottom whatever stage found them.
        var all = diagnostics.Select((d, i) => (d, i)).OrderBy(x => x.d.Location.Path, StringComparer.Ordinal)
            .ThenBy(x => x.d.Location.Line).ThenBy(x => x.d.Location.Column).ThenBy(x => x.i).Select(x => x.d).ToList();
        var emit = request.Emit ?? new EmitOptions();
        // An outside type the options map to a C# type is not worth a warning.
        all.RemoveAll(d => d.Descriptor == DiagnosticDescriptors.OutsideType && d.Arguments is { Count: > 0 } args && emit.ExternalType(args[0]) is not null);
        CSharpEmitter.EmitPlan? plan = null;
        if (model is not null && !all.Any(d => d.IsError))
        {
            try
            {
                plan = CSharpEmitter.Plan(model, emit, Version, types);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                all.Add(Diagnostic.Create(DiagnosticDescriptors.InternalError, new SourceLocation(request.Path, 0, 0), e.Message));
            }
        }
        return new RxGenCompilation(request.Path, model, all.ToEquatableArray(), included.ToEquatableArray(), plan);
    }

    /// <summary>vldbint.xg → vldbint.xg.cs.</summary>
    public static string OutputFileName(string path) => PathNames.FileName(path) + ".cs";
}
