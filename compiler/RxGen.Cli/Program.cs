using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using RxGen.Compiler;
using RxGen.Compiler.Diagnostics;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Options;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Cli;

/// <summary>The <c>rxgen</c> command: a thin host over the compiler core (reads files, writes files, prints diagnostics).
/// Exit codes: 0 success, 1 error diagnostics, 2 bad usage.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var inputs = new Argument<string[]>("input") { Description = "IDL files (.xg, .x) to compile", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string>("--output", "-o") { Description = "Directory for the generated C# files (one per declaring IDL file)", Required = true };
        var includes = new Option<string[]>("-I") { Description = "Include directory (repeatable), searched after the including file's directory", AllowMultipleArgumentsPerToken = false };
        var defines = new Option<string[]>("-D") { Description = "Define a preprocessor macro: NAME or NAME=VALUE (repeatable)" };
        var forced = new Option<string[]>("--include") { Description = "Process FILE as if '#include \"FILE\"' ended each input (its definitions become available), like cpp -include" };
        var ns = new Option<string[]>("--namespace") { Description = "Namespace of the inputs' definitions (NS), or of one declaring file's (FILE=NS, FILE a file name or path; repeatable). Default: from the file's first package or program, else its file name" };
        var access = new Option<string>("--access") { Description = "Accessibility of generated types: public or internal", DefaultValueFactory = _ => "public" };
        var services = new Option<string>("--services") { Description = "Which sides to generate: Client, Server or Client;Server", DefaultValueFactory = _ => "Client;Server" };
        var external = new Option<string[]>("--external-type") { Description = "Map an outside type (used but not defined by the IDL) to a C# type implementing IXdrSerializable<T>: IDLNAME=Namespace.Type (repeatable)" };
        var strings = new Option<string>("--strings") { Description = "How XDR strings decode: utf8 (strict, default) or latin1 (any bytes, e.g. old AFS names)", DefaultValueFactory = _ => "utf8" };

        var root = new RootCommand("rxgen: compiles OpenAFS rxgen (.xg) and Sun rpcgen (.x) interface definitions to C# for RxGen.Runtime")
        {
            inputs, output, includes, defines, forced, ns, access, services, external, strings,
        };
        var parse = root.Parse(args);
        if (args.Any(a => a is "--help" or "-h" or "-?")) return parse.Invoke(new InvocationConfiguration { Output = stdout, Error = stderr });
        if (args.Contains("--version"))
        {
            stdout.WriteLine(RxGenCompiler.Version);
            return 0;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors) stderr.WriteLine("rxgen: " + error.Message);
            return Usage(stderr);
        }

        var inputList = parse.GetValue(inputs)!;
        var unknownOption = inputList.FirstOrDefault(i => i.StartsWith("-", StringComparison.Ordinal) && i.Length > 1);
        if (unknownOption is not null)
        {
            stderr.WriteLine($"rxgen: unknown option '{unknownOption}'");
            return Usage(stderr);
        }
        var outputDir = parse.GetValue(output)!;
        var forcedList = parse.GetValue(forced) ?? Array.Empty<string>();
        var includeList = parse.GetValue(includes) ?? Array.Empty<string>();
        if (outputDir.Trim().Length == 0 || inputList.Any(i => i.Trim().Length == 0) || forcedList.Any(f => f.Trim().Length == 0) || includeList.Any(i => i.Trim().Length == 0))
        {
            stderr.WriteLine("rxgen: an empty path was given (-o, -I, --include or an input)");
            return Usage(stderr);
        }
        if (File.Exists(outputDir))
        {
            stderr.WriteLine($"rxgen: -o '{outputDir}' is a file, not a directory");
            return Usage(stderr);
        }

        var namespaces = parse.GetValue(ns) ?? Array.Empty<string>();
        var plainNamespaces = namespaces.Where(n => n.IndexOf('=') < 0).ToList();
        if (plainNamespaces.Count > 1)
        {
            stderr.WriteLine("rxgen: --namespace NS is given more than once; use --namespace FILE=NS for the others");
            return Usage(stderr);
        }
        var paths = inputList.Select(Normalize).ToList();
        var raw = new RawOptions
        {
            Namespace = plainNamespaces.FirstOrDefault(),
            // Explicit FILE=NS first (they win), then every input under the plain namespace, so that an input that
            // another input includes gets the same namespace in both compilations.
            FileNamespaces = namespaces.Where(n => n.IndexOf('=') >= 0)
                .Concat(plainNamespaces.Count == 1 ? paths.Select(p => p + "=" + plainNamespaces[0]) : Enumerable.Empty<string>()).ToList(),
            Services = parse.GetValue(services),
            Access = parse.GetValue(access),
            ExternalTypes = parse.GetValue(external) ?? Array.Empty<string>(),
            StringEncoding = parse.GetValue(strings),
            Defines = parse.GetValue(defines) ?? Array.Empty<string>(),
        };
        var options = CompilerOptions.Parse(raw);
        if (!options.Success)
        {
            foreach (var error in options.Errors) stderr.WriteLine(error.ToString());
            return Usage(stderr);
        }
        var includeDirs = includeList.Select(Normalize).ToList();
        var forcedIncludes = forcedList.Select(f => Normalize(Path.GetFullPath(f))).ToList();

        var failed = false;
        // Every input is compiled (and every diagnostic printed) before anything is written; each output is then
        // generated straight into its file, one definition at a time.
        var outputs = new Dictionary<string, (RxGenCompilation Compilation, OutputFile File)>(StringComparer.Ordinal);   // by declaring file
        var names = new Dictionary<string, string>(StringComparer.Ordinal);           // output file name → declaring file
        long inputLength = 0;
        foreach (var (input, path) in inputList.Zip(paths, (i, p) => (i, p)))
        {
            var compilation = Prepare(input, path, includeDirs, options, forcedIncludes, stderr, ref inputLength);
            if (compilation is null) { failed = true; continue; }
            foreach (var diagnostic in compilation.Diagnostics) stderr.WriteLine(diagnostic.ToString());
            if (!compilation.Success) { failed = true; continue; }
            foreach (var file in compilation.Outputs)
            {
                var source = PathKey(file.SourcePath);
                if (outputs.ContainsKey(source)) continue; // an included file another input already produced
                if (names.TryGetValue(file.FileName, out var other))
                {
                    stderr.WriteLine($"{file.SourcePath}: error RXG0503: '{other}' and '{file.SourcePath}' would both be written as '{file.FileName}'; rename one of them or compile them in separate runs");
                    failed = true;
                    continue;
                }
                names[file.FileName] = source;
                outputs[source] = (compilation, file);
            }
        }
        if (failed) return 1;
        CompactAfterFrontEnd(inputLength);
        try
        {
            Directory.CreateDirectory(outputDir);
            foreach (var (compilation, file) in outputs.Values)
            {
                var target = Path.Combine(outputDir, file.FileName);
                Diagnostic? failure;
                using (var writer = new StreamWriter(target, append: false, new UTF8Encoding(false), bufferSize: 65536))
                    failure = compilation.WriteOutput(file, writer);
                if (failure is not null)
                {
                    // No half-written output is left behind.
                    File.Delete(target);
                    stderr.WriteLine(failure.ToString());
                    return 1;
                }
                stdout.WriteLine($"rxgen: {file.SourcePath} -> {target}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            stderr.WriteLine($"rxgen: error RXG0400: cannot write to '{outputDir}': {e.Message}");
            return 1;
        }
        return 0;
    }

    /// <summary>Reads one input and runs the front end; null (reported) when the file cannot be read or the compiler
    /// failed. The input text is not kept: only the model stays until the outputs are written.</summary>
    private static RxGenCompilation? Prepare(string input, string path, IReadOnlyList<string> includeDirs, ParsedOptions options, IReadOnlyList<string> forcedIncludes, TextWriter stderr, ref long inputLength)
    {
        if (!TryRead(path, out var text, out var readError))
        {
            stderr.WriteLine($"{input}: error RXG0400: cannot read input file '{input}': {readError}");
            return null;
        }
        inputLength += text.Length;
        try
        {
            return RxGenCompiler.Prepare(new CompileRequest(path, text, new FileSystemSources(), includeDirs, options.Defines, options.Emit, forcedIncludes));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            stderr.WriteLine($"{input}: error RXG0401: internal error: {e.GetType().Name}: {e.Message}");
            return null;
        }
    }

    /// <summary>Inputs from which one compacting collection is made between the front end and emission.</summary>
    public const long CompactFromLength = 1 << 20;

    /// <summary>
    /// Once every input is compiled, the inputs, their parse state and their preprocessed text are garbage that the
    /// collector may keep for a long while in its older generations, under the output's own allocations: for large
    /// inputs (<see cref="CompactFromLength"/> characters and more) one compacting collection gives that memory back
    /// before emission (issue 16: 100,000 structs, 6.6 MB, peak working set 155 -> 134 MiB). Small inputs, the usual
    /// ones, are left alone: a full collection there would cost more than it saves.
    /// </summary>
    internal static void CompactAfterFrontEnd(long inputLength)
    {
        if (inputLength >= CompactFromLength) GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
    }

    /// <summary>Largest input file read (a guard against /dev/zero and runaway files): the preprocessor's own limit.</summary>
    public const long MaxInputBytes = PreprocessorOptions.DefaultMaxLength;

    private static bool TryRead(string path, out string text, out string error)
    {
        text = "";
        error = "";
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            using var reader = new StreamReader(stream, new UTF8Encoding(false), detectEncodingFromByteOrderMarks: true);
            var buffer = new char[81920];
            var builder = new StringBuilder();
            int read;
            while ((read = reader.Read(buffer, 0, buffer.Length)) > 0)
            {
                builder.Append(buffer, 0, read);
                if (builder.Length > MaxInputBytes)
                {
                    error = $"the file is larger than {MaxInputBytes / (1024 * 1024)} MiB, the input size limit";
                    return false;
                }
            }
            text = builder.ToString();
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            error = e.Message;
            return false;
        }
    }

    private static string PathKey(string path) => Normalize(Path.GetFullPath(path.Length == 0 ? "." : path));

    private static int Usage(TextWriter stderr)
    {
        stderr.WriteLine("Try 'rxgen --help'.");
        return 2;
    }

    private static string Normalize(string path) => path.Replace('\\', '/');

    /// <summary>Include resolution on the real file system.</summary>
    private sealed class FileSystemSources : ISourceProvider
    {
        public bool TryGetText(string path, out string text)
        {
            text = "";
            if (!File.Exists(path)) return false;
            text = File.ReadAllText(path);
            return true;
        }
    }
}
