using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RxGen.Benchmarks;

/// <summary>
/// Wall-clock time of the rxgen CLI compiling every IDL file in examples/:
/// <c>dotnet compiler/RxGen.Cli/bin/Release/net10.0/rxgen.dll -I examples/afs -o TMP examples/afs/*.xg examples/onc/*.x</c>.
/// </summary>
internal static class CompileExamples
{
    public static int Run(string repoRoot, int runs, bool build, int? cpu)
    {
        string dotnet = DotnetHost();
        string cliProject = Path.Combine("compiler", "RxGen.Cli");
        string dll = Path.Combine(repoRoot, "compiler", "RxGen.Cli", "bin", "Release", "net10.0", "rxgen.dll");

        if (build)
        {
            Console.WriteLine($"# dotnet build {cliProject} -c Release");
            ProcessRunner.Result b = ProcessRunner.Run(dotnet, ["build", cliProject, "-c", "Release", "-nologo", "-v", "q"], repoRoot);
            if (b.ExitCode != 0)
            {
                Console.Error.WriteLine(b.StdOut);
                Console.Error.WriteLine(b.StdErr);
                Console.Error.WriteLine($"error: building the rxgen CLI failed (exit {b.ExitCode})");
                return 1;
            }
        }

        if (!File.Exists(dll))
        {
            Console.Error.WriteLine($"error: {dll} not found; build it with: dotnet build {cliProject} -c Release");
            return 1;
        }

        // The shell globs of the documented command, expanded here in the same (ordinal) order.
        var inputs = new List<string>();
        inputs.AddRange(Glob(repoRoot, Path.Combine("examples", "afs"), "*.xg"));
        inputs.AddRange(Glob(repoRoot, Path.Combine("examples", "onc"), "*.x"));
        if (inputs.Count == 0)
        {
            Console.Error.WriteLine("error: no IDL files under examples/");
            return 1;
        }

        string relDll = Path.GetRelativePath(repoRoot, dll);
        Console.WriteLine($"# {(cpu is null ? "" : $"taskset -c {cpu} ")}dotnet {relDll} -I examples/afs -o <tmp> {string.Join(' ', inputs)}");
        Console.WriteLine($"# {inputs.Count} input files; 1 untimed warm-up run, then {runs} timed runs (each a new process, new output directory)");

        var times = new List<double>();
        for (int run = 0; run <= runs; run++)
        {
            string outDir = Directory.CreateTempSubdirectory("rxgen-bench-").FullName;
            try
            {
                var args = new List<string>();
                string file = dotnet;
                if (cpu is not null)
                {
                    file = ProcessRunner.FindOnPath("taskset") ?? throw new InvalidOperationException("taskset not found; pass --no-pin");
                    args.AddRange(["-c", cpu.Value.ToString(CultureInfo.InvariantCulture), dotnet]);
                }

                args.AddRange([dll, "-I", Path.Combine("examples", "afs"), "-o", outDir]);
                args.AddRange(inputs);
                ProcessRunner.Result r = ProcessRunner.Run(file, args, repoRoot);
                int outputs = Directory.GetFiles(outDir, "*.cs").Length;
                if (r.ExitCode != 0 || outputs != inputs.Count)
                {
                    Console.Error.WriteLine(r.StdOut);
                    Console.Error.WriteLine(r.StdErr);
                    Console.Error.WriteLine($"error: rxgen exited with {r.ExitCode} and wrote {outputs} of {inputs.Count} files");
                    return 1;
                }

                if (run == 0)
                {
                    Console.WriteLine($"  warm-up: {r.Elapsed.TotalMilliseconds:F0} ms");
                }
                else
                {
                    times.Add(r.Elapsed.TotalMilliseconds);
                    Console.WriteLine($"  run {run}: {r.Elapsed.TotalMilliseconds:F0} ms");
                }
            }
            finally
            {
                Directory.Delete(outDir, recursive: true);
            }
        }

        Console.WriteLine();
        Console.WriteLine($"rxgen compile of examples/ ({inputs.Count} files): median {ProcessRunner.Median(times):F0} ms wall-clock " +
            $"(min {times.Min():F0}, max {times.Max():F0}, {runs} runs)");
        return 0;
    }

    private static IEnumerable<string> Glob(string repoRoot, string relDir, string pattern) =>
        Directory.GetFiles(Path.Combine(repoRoot, relDir), pattern)
            .Select(f => Path.Combine(relDir, Path.GetFileName(f)))
            .Order(StringComparer.Ordinal);

    /// <summary>The dotnet host running this program, else "dotnet" from PATH.</summary>
    internal static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        if (host is not null && Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return host;
        }

        return ProcessRunner.FindOnPath("dotnet") ?? "dotnet";
    }
}
