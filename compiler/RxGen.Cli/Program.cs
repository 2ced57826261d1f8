using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Linq;
using System.Text;
using RxGen.Compiler;
using RxGen.Compiler.Emit;
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
        var output = new Option<string>("--output", "-o") { Description = "Directory for the generated C# files", Required = true };
        var includes = new Option<string[]>("-I") { Description = "Include directory (repeatable), searched after the including file's directory", AllowMultipleArgumentsPerToken = false };
        var defines = new Option<string[]>("-D") { Description = "Define a preprocessor macro: NAME or NAME=VALUE (repeatable)" };
        var forced = new Option<string[]>("--include") { Description = "Process FILE as if '#include \"FILE\"' ended each input (its definitions become available), like cpp -include" };
        var ns = new Option<string?>("--namespace") { Description = "Namespace of the generated code (default: from the package or program name)" };
        var access = new Option<string>("--access") { Description = "Accessibility of generated types: public or internal", DefaultValueFactory = _ => "public" };
        var services = new Option<string>("--services") { Description = "Which sides to generate: Client, Server or Client;Server", DefaultValueFactory = _ => "Client;Server" };

        var root = new RootCommand("rxgen: compiles OpenAFS rxgen (.xg) and Sun rpcgen (.x) interface definitions to C# for RxGen.Runtime")
        {
            inputs, output, includes, defines, forced, ns, access, services,
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
            stderr.WriteLine("Try 'rxgen --help'.");
            return 2;
        }

        var unknownOption = parse.GetValue(inputs)!.FirstOrDefault(i => i.StartsWith("-", StringComparison.Ordinal) && i.Length > 1);
        if (unknownOption is not null)
        {
            stderr.WriteLine($"rxgen: unknown option '{unknownOption}'");
            stderr.WriteLine("Try 'rxgen --help'.");
            return 2;
        }
        var accessValue = parse.GetValue(access)!;
        if (accessValue != "public" && accessValue != "internal")
        {
            stderr.WriteLine($"rxgen: --access must be 'public' or 'internal', not '{accessValue}'");
            return 2;
        }
        var sides = parse.GetValue(services)!.Split(new[] { ';', ',' }, StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim().ToLowerInvariant()).ToList();
        if (sides.Count == 0 || sides.Any(s => s != "client" && s != "server"))
        {
            stderr.WriteLine("rxgen: --services takes Client, Server or Client;Server");
            return 2;
        }
        var emit = new EmitOptions(parse.GetValue(ns), accessValue == "public", sides.Contains("client"), sides.Contains("server"));
        var defineList = (parse.GetValue(defines) ?? Array.Empty<string>()).Select(PreprocessorOptions.ParseDefine).ToList();
        var includeDirs = (parse.GetValue(includes) ?? Array.Empty<string>()).Select(Normalize).ToList();
        var outputDir = parse.GetValue(output)!;
        var forcedIncludes = (parse.GetValue(forced) ?? Array.Empty<string>()).Select(f => Normalize(Path.GetFullPath(f))).ToList();

        var failed = false;
        foreach (var input in parse.GetValue(inputs)!)
        {
            var path = Normalize(input);
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{input}: error RXG0400: cannot read input file '{input}': {e.Message}");
                failed = true;
                continue;
            }
            CompileResult result;
            try
            {
                result = RxGenCompiler.Compile(new CompileRequest(path, text, new FileSystemSources(), includeDirs, defineList, emit, forcedIncludes));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                stderr.WriteLine($"{input}: error RXG0401: internal error: {e.GetType().Name}: {e.Message}");
                failed = true;
                continue;
            }
            foreach (var diagnostic in result.Diagnostics) stderr.WriteLine(diagnostic.ToString());
            if (!result.Success) { failed = true; continue; }
            Directory.CreateDirectory(outputDir);
            foreach (var file in result.Files)
            {
                var target = Path.Combine(outputDir, file.FileName);
                File.WriteAllText(target, file.Text, new UTF8Encoding(false));
                stdout.WriteLine($"rxgen: {input} -> {target}");
            }
        }
        return failed ? 1 : 0;
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
