// Generator benchmarks (issue: build integration). Run from the repository root:
//   dotnet run -c Release --project tests/RxGen.Build.Benchmarks -- generator     (BenchmarkDotNet: edit + full generation)
//   dotnet run -c Release --project tests/RxGen.Build.Benchmarks -- build         (consumer no-op build with and without RxGen items)
// add --quick for a short run. Figures: docs/benchmarks.md.
using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Microsoft.CodeAnalysis;
using RxGen.Build.Tests;

namespace RxGen.Build.Benchmarks;

public static class Program
{
    public static int Main(string[] args)
    {
        var quick = args.Contains("--quick");
        if (args.Contains("build")) return NoOpBuild.Run(quick ? 3 : 7);
        var config = DefaultConfig.Instance.WithOptions(ConfigOptions.DisableOptimizationsValidator);
        if (quick) config = config.AddJob(Job.ShortRun);
        BenchmarkRunner.Run<GeneratorBenchmarks>(config);
        return 0;
    }
}

[MemoryDiagnoser]
public class GeneratorBenchmarks
{
    private List<IdlText> _afs = null!;
    private GeneratorDriver _warm = null!;
    private Compilation _a = null!;
    private Compilation _b = null!;
    private bool _flip;

    [GlobalSetup]
    public void Setup()
    {
        var afs = Repo.PathOf("examples/afs");
        _afs = Directory.GetFiles(afs).OrderBy(f => f).Select(f => f.EndsWith(".xg") ? IdlText.Input(f.Replace('\\', '/'), ns: "Bench." + Path.GetFileNameWithoutExtension(f)) : IdlText.Include(f.Replace('\\', '/'))).ToList();
        _a = Driver.Compilation("class User { int A; }");
        _b = Driver.Compilation("class User { int B; }");
        _warm = Driver.Create(_afs, Repo.Root).RunGenerators(_a);
    }

    /// <summary>A C# edit that touches no IDL: every IDL stage is cached.</summary>
    [Benchmark]
    public GeneratorDriver UnrelatedCSharpEdit()
    {
        _flip = !_flip;
        _warm = _warm.RunGenerators(_flip ? _b : _a);
        return _warm;
    }

    /// <summary>Everything in examples/afs generated from scratch (a new driver), JIT and templates warm.</summary>
    [Benchmark]
    public GeneratorDriver FullGenerationOfExamplesAfs() => Driver.Create(_afs, Repo.Root).RunGenerators(_a);
}

/// <summary>A consumer's no-op dotnet build (everything up to date) with and without RxGen items.</summary>
internal static class NoOpBuild
{
    public static int Run(int runs)
    {
        var consumer = Repo.PathOf("examples/consumer");
        if (!File.Exists(Repo.PathOf("artifacts/packages/RxGen.Build.0.1.0.nupkg")))
        {
            Console.Error.WriteLine("pack first: dotnet pwsh build.ps1 pack");
            return 1;
        }
        double Measure(bool withItems)
        {
            var extra = withItems ? "" : "-p:RxGenBenchNoItems=true";
            Dotnet(consumer, "build", "-c", "Release", "-nologo", "-v", "q", extra); // bring it up to date
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                Dotnet(consumer, "build", "-c", "Release", "-nologo", "-v", "q", "--no-restore", extra);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }
        var without = Measure(false);
        var with = Measure(true);
        Console.WriteLine($"no-op build, median of {runs}: without RxGen items {without:F0} ms, with {with:F0} ms, RxGen adds {(with - without) / without * 100:F1}%");
        return 0;
    }

    private static void Dotnet(string directory, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args.Where(a => a.Length > 0)) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("dotnet " + string.Join(' ', args) + " failed:\n" + output);
    }
}
