// RxGen benchmarks: the generated XDR codec for tests/peers/bench/{nested,blobs,labels}.x (the checked-in golden
// outputs tests/Golden/*.x.cs on the RxGen.Runtime XdrWriter/XdrReader) against rpcgen + libtirpc
// (tests/peers/build/{nested,blobs,labels}_bench, C runs interleaved with the C# benchmarks: CPeerInterleaver),
// and the rxgen CLI's compile time over examples/.
//
// Prerequisites (once per machine; the C peer is needed for the comparison):
//   bash scripts/install-peers.sh
//   bash tests/peers/build.sh tests/peers/build
//
// Command lines (from the repository root; -c Release is required, BenchmarkDotNet refuses Debug builds):
//   dotnet run -c Release --project tests/RxGen.Benchmarks                      full run: BenchmarkDotNet default job
//                                                                              + 5 C peer runs per operation + table
//   dotnet run -c Release --project tests/RxGen.Benchmarks -- --quick           CI smoke: ShortRun job, in-process,
//                                                                              3 short C runs (numbers are rough)
//   dotnet run -c Release --project tests/RxGen.Benchmarks -- compile-examples  rxgen CLI over examples/, median of 5
//   dotnet run -c Release --project tests/RxGen.Benchmarks -- all               bench, then compile-examples
//   dotnet run -c Release --project tests/RxGen.Benchmarks -- profile [--quick] decode cost breakdown (hand-written
//                                                                              variants of the generated decoder)
//
// Options:
//   --cpu N        pin the measuring .NET thread (BenchmarkDotNet affinity) and the C peer (taskset -c N) to CPU N;
//                  default 1 for bench/profile, unpinned for compile-examples
//   --no-pin       do not pin anything
//   --no-peer      no C peer: check the C# bytes against the hex pinned in tests/peers/SAMPLES.md, print C# only
//   --c-runs N     C peer runs per operation (default 5; 3 with --quick); the median is reported
//   --c-iter N     operations per C peer run (default 300000 encode / 150000 decode; a fifth with --quick)
//   --runs N       compile-examples: timed runs (default 5)
//   --no-build     compile-examples: do not run `dotnet build compiler/RxGen.Cli -c Release` first
//   --asm          profile: also export the JIT disassembly of each benchmark (BenchmarkDotNet DisassemblyDiagnoser)
//   --repo DIR     repository root (default: found from the working or the program's directory)
//
// Before measuring, the program encodes each shape's sample and aborts (exit 3) unless the bytes equal
// `tests/peers/build/<shape>_bench hex` (--no-peer: SAMPLES.md for nested, tests/peers/bench/expected.sha256 else). Exit 4: Encode allocated. Exit 2: bad
// arguments. The speed targets (C# at least 2x faster than C on encode and decode) are reported, not enforced.
// Results are described in docs/benchmarks.md.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

namespace RxGen.Benchmarks;

internal static class Program
{
    private static int Main(string[] args)
    {
        Options options;
        try
        {
            options = Options.Parse(args);
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            Console.Error.WriteLine("usage: RxGen.Benchmarks [bench|compile-examples|all|profile] [--quick] [--cpu N|--no-pin] " +
                "[--no-peer] [--asm] [--c-runs N] [--c-iter N] [--runs N] [--no-build] [--repo DIR]  (see Program.cs)");
            return 2;
        }

#if DEBUG
        Console.Error.WriteLine("error: build in Release: dotnet run -c Release --project tests/RxGen.Benchmarks");
        return 2;
#else
        string? repoRoot = options.RepoRoot ?? FindRepoRoot();
        if (repoRoot is null || !File.Exists(Path.Combine(repoRoot, "RxGen.sln")))
        {
            Console.Error.WriteLine("error: cannot find the repository root (RxGen.sln); pass --repo DIR");
            return 2;
        }

        MachineInfo.Print();
        switch (options.Mode)
        {
            case "bench":
                return BenchRun.Run(repoRoot, options);
            case "profile":
                return Profile.ProfileRun.Run(repoRoot, options);
            case "compile-examples":
                return CompileExamples.Run(repoRoot, options.CompileRuns, options.Build, options.CompileCpu);
            case "all":
                int rc = BenchRun.Run(repoRoot, options);
                Console.WriteLine();
                int rc2 = CompileExamples.Run(repoRoot, options.CompileRuns, options.Build, options.CompileCpu);
                return rc != 0 ? rc : rc2;
            default:
                return 2;
        }
#endif
    }

    private static string? FindRepoRoot()
    {
        foreach (string start in new[] { Environment.CurrentDirectory, AppContext.BaseDirectory })
        {
            for (DirectoryInfo? dir = new(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "RxGen.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        return null;
    }
}

/// <summary>The parsed command line.</summary>
internal sealed class Options
{
    public string Mode { get; private set; } = "bench";

    public bool Quick { get; private set; }

    /// <summary>CPU for the benchmark and the C peer; null when unpinned.</summary>
    public int? Cpu { get; private set; } = 1;

    /// <summary>CPU for compile-examples: only when --cpu was given.</summary>
    public int? CompileCpu { get; private set; }

    public bool NoPeer { get; private set; }

    /// <summary>profile: also export the JIT disassembly.</summary>
    public bool Asm { get; private set; }

    public int CRuns { get; private set; }

    public long? CIterations { get; private set; }

    public int CompileRuns { get; private set; } = 5;

    public bool Build { get; private set; } = true;

    public string? RepoRoot { get; private set; }

    public static Options Parse(string[] args)
    {
        var o = new Options();
        int? cRuns = null;
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            switch (a)
            {
                case "bench" or "compile-examples" or "all" or "profile" when i == 0:
                    o.Mode = a;
                    break;
                case "--quick":
                    o.Quick = true;
                    break;
                case "--cpu":
                    o.Cpu = o.CompileCpu = ParseInt(args, ref i, 0, Environment.ProcessorCount - 1);
                    break;
                case "--no-pin":
                    o.Cpu = o.CompileCpu = null;
                    break;
                case "--no-peer":
                    o.NoPeer = true;
                    break;
                case "--asm":
                    o.Asm = true;
                    break;
                case "--c-runs":
                    cRuns = ParseInt(args, ref i, 1, 1000);
                    break;
                case "--c-iter":
                    o.CIterations = ParseInt(args, ref i, 1, int.MaxValue);
                    break;
                case "--runs":
                    o.CompileRuns = ParseInt(args, ref i, 1, 1000);
                    break;
                case "--no-build":
                    o.Build = false;
                    break;
                case "--repo":
                    if (++i >= args.Length)
                    {
                        throw new ArgumentException("--repo needs a directory");
                    }

                    o.RepoRoot = Path.GetFullPath(args[i]);
                    break;
                default:
                    throw new ArgumentException($"unknown argument '{a}'");
            }
        }

        o.CRuns = cRuns ?? (o.Quick ? 3 : 5);
        return o;
    }

    private static int ParseInt(string[] args, ref int i, int min, int max)
    {
        string name = args[i];
        if (++i >= args.Length || !int.TryParse(args[i], NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
        {
            throw new ArgumentException($"{name} needs an integer from {min} to {max}");
        }

        return v;
    }
}

/// <summary>Prints what docs/benchmarks.md records about the machine.</summary>
internal static class MachineInfo
{
    public static void Print()
    {
        Console.WriteLine($"# machine: nproc {Environment.ProcessorCount}, CPU \"{CpuModel()}\", " +
            $"{System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, " +
            $"{System.Runtime.InteropServices.RuntimeInformation.OSDescription}");
        if (LoadAverage() is { } load)
        {
            Console.WriteLine($"# load average (1 min) at start: {load.ToString("F2", CultureInfo.InvariantCulture)}" +
                (load > 0.5 * Environment.ProcessorCount ? " -- warning: the machine is busy, timings will be noisy" : ""));
        }
    }

    /// <summary>The 1-minute load average from /proc/loadavg, or null.</summary>
    public static double? LoadAverage()
    {
        try
        {
            string text = File.ReadAllText("/proc/loadavg");
            string first = text.Split(' ', 2)[0];
            return double.TryParse(first, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    public static string CpuModel()
    {
        try
        {
            string? line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? "unknown" : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return "unknown";
        }
        catch (UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}

/// <summary>Helpers for reading the pinned hex out of tests/peers/SAMPLES.md.</summary>
internal static class SamplesDoc
{
    /// <summary>The hex block after <c>&lt;!-- hex: bench --&gt;</c>, or null.</summary>
    public static string? BenchHex(string repoRoot)
    {
        string path = Path.Combine(repoRoot, "tests", "peers", "SAMPLES.md");
        if (!File.Exists(path))
        {
            return null;
        }

        string[] lines = File.ReadAllLines(path);
        int marker = Array.FindIndex(lines, l => l.Trim() == "<!-- hex: bench -->");
        if (marker < 0)
        {
            return null;
        }

        IEnumerable<string> body = lines.Skip(marker + 1).SkipWhile(l => l.StartsWith("```", StringComparison.Ordinal))
            .TakeWhile(l => !l.StartsWith("```", StringComparison.Ordinal));
        string hex = string.Concat(body.Select(l => l.Trim()));
        return hex.Length == 0 ? null : hex;
    }

    /// <summary>
    /// The SHA-256 that tests/peers/bench/expected.sha256 pins for <paramref name="shape"/> (of the lowercase hex
    /// text of its encoding), or null.
    /// </summary>
    public static string? PinnedSha256OfHex(string repoRoot, string shape)
    {
        string path = Path.Combine(repoRoot, "tests", "peers", "bench", "expected.sha256");
        if (!File.Exists(path))
        {
            return null;
        }

        return File.ReadLines(path)
            .Where(l => !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length == 2 && f[1] == shape)
            .Select(f => f[0])
            .FirstOrDefault();
    }
}
