using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using RxGen.Compiler;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Preprocessing;

namespace RxGen.Fuzz;

/// <summary>
/// The IDL target: the input (as UTF-8) is an IDL file, <c>fuzz/input.xg</c>, compiled in memory —
/// preprocessor, parser, model, validation and the C# emitter. It may <c>#include</c> itself or the example files
/// <c>common.xg</c>, <c>vl_opcodes.h</c> and <c>vldbint.xg</c>. Error diagnostics are the expected failure; an
/// exception escaping the compiler, or an internal-error diagnostic (RXG0401), is a finding.
/// </summary>
internal static class IdlTarget
{
    public const string InputPath = "fuzz/input.xg";

    private static readonly Dictionary<string, string> Includes = LoadIncludes();

    private static readonly EmitOptions Emit = new("Fuzz");

    public static void Run(ReadOnlySpan<byte> input)
    {
        string text = Encoding.UTF8.GetString(input);
        var result = RxGenCompiler.Compile(new CompileRequest(InputPath, text, new Sources(text), Emit: Emit));
        foreach (var diagnostic in result.Diagnostics)
        {
            if (diagnostic.Id == "RXG0401")
            {
                throw new FuzzFindingException("internal-error diagnostic: " + diagnostic);
            }
        }
    }

    private static Dictionary<string, string> LoadIncludes()
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        var assembly = typeof(IdlTarget).Assembly;
        foreach (string name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith("include/", StringComparison.Ordinal))
            {
                continue;
            }

            using var stream = assembly.GetManifestResourceStream(name)!;
            using var reader = new StreamReader(stream, Encoding.UTF8);
            files["fuzz/" + name.Substring("include/".Length)] = reader.ReadToEnd();
        }

        return files;
    }

    /// <summary>The input itself and the embedded example files, by path; nothing else exists.</summary>
    private sealed class Sources : ISourceProvider
    {
        private readonly string _input;

        public Sources(string input) => _input = input;

        public bool TryGetText(string path, out string text)
        {
            if (path == InputPath)
            {
                text = _input;
                return true;
            }

            return Includes.TryGetValue(path, out text!);
        }
    }
}
