using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace RxGen.Benchmarks;

/// <summary>The default mode: verify the sample, run BenchmarkDotNet, time the C peer, print the comparison.</summary>
internal static class BenchRun
{
    private const double TargetRatio = 2.0;

    public static int Run(string repoRoot, Options options)
    {
        // 1. The C# encoding must be byte-identical to the C peer's before anything is timed.
        byte[] encoded = NestedSample.Encode();
        CPeer? peer = null;
        string expectedHex;
        if (options.NoPeer)
        {
            expectedHex = SamplesDoc.BenchHex(repoRoot) ?? "";
            if (expectedHex.Length == 0)
            {
                Console.Error.WriteLine("error: no '<!-- hex: bench -->' block in tests/peers/SAMPLES.md");
                return 3;
            }

            if (NestedSample.Compare(encoded, expectedHex, "the hex in tests/peers/SAMPLES.md") is { } docError)
            {
                Console.Error.WriteLine($"error: {docError}");
                return 3;
            }

            Console.WriteLine($"# sample: C# encoding ({encoded.Length} bytes) matches the hex in tests/peers/SAMPLES.md (no C peer: --no-peer)");
        }
        else
        {
            peer = CPeer.Find(repoRoot, options.Cpu, out string? findError);
            if (peer is null)
            {
                Console.Error.WriteLine($"error: {findError}");
                return 3;
            }

            expectedHex = peer.Hex();
            if (NestedSample.Compare(encoded, expectedHex, "`tests/peers/build/nested_bench hex`") is { } peerError)
            {
                Console.Error.WriteLine($"error: {peerError}");
                Console.Error.WriteLine("aborting: the C# and C benchmarks would not measure the same value.");
                return 3;
            }

            Console.WriteLine($"# sample: C# encoding ({encoded.Length} bytes) is byte-identical to `tests/peers/build/nested_bench hex`");
            string? docHex = SamplesDoc.BenchHex(repoRoot);
            if (docHex is not null && NestedSample.Compare(encoded, docHex, "SAMPLES.md") is { } stale)
            {
                Console.WriteLine($"# warning: tests/peers/SAMPLES.md is stale (run tests/peers/check-samples.sh): {stale}");
            }
        }

        // 2. BenchmarkDotNet.
        Summary summary = RunKeepingAffinity(() => BenchmarkRunner.Run<NestedBenchmarks>(CreateConfig(repoRoot, options, expectedHex)));
        if (summary.HasCriticalValidationErrors || summary.Reports.Length == 0 || summary.Reports.Any(r => !r.Success))
        {
            Console.Error.WriteLine("error: BenchmarkDotNet did not produce results (see its log above)");
            return 1;
        }

        var csharp = new Dictionary<string, (double Median, double Mean, double StdErr, long? Allocated)>(StringComparer.Ordinal);
        foreach (BenchmarkReport report in summary.Reports)
        {
            string name = report.BenchmarkCase.Descriptor.WorkloadMethod.Name;
            var stats = report.ResultStatistics!;
            csharp[name] = (stats.Median, stats.Mean, stats.StandardError, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
        }

        // 3. The C peer, under the same CPU placement, alternating operations.
        var cResults = new Dictionary<string, List<double>>(StringComparer.Ordinal) { ["encode"] = [], ["decode"] = [] };
        var cIterations = new Dictionary<string, long>(StringComparer.Ordinal)
        {
            ["encode"] = options.CIterations ?? (options.Quick ? 60_000 : 300_000),
            ["decode"] = options.CIterations ?? (options.Quick ? 30_000 : 150_000),
        };
        if (peer is not null)
        {
            Console.WriteLine();
            Console.WriteLine($"# C peer (rpcgen + libtirpc xdrmem, -O2): {options.CRuns} runs per operation, median reported");
            for (int run = 1; run <= options.CRuns; run++)
            {
                foreach (string op in new[] { "encode", "decode" })
                {
                    (double ns, int bytes) = peer.Time(op, cIterations[op]);
                    if (bytes != NestedSample.EncodedLength)
                    {
                        Console.Error.WriteLine($"error: the C peer reports {bytes} bytes, expected {NestedSample.EncodedLength}");
                        return 3;
                    }

                    cResults[op].Add(ns);
                    Console.WriteLine($"  run {run}: {peer.CommandLine(op, cIterations[op])} -> ns_per_op={ns.ToString("F1", CultureInfo.InvariantCulture)}");
                }
            }
        }

        // 4. The table.
        Console.WriteLine();
        string placement = options.Cpu is null ? "unpinned" : $"C# benchmark thread and C peer pinned to CPU {options.Cpu}";
        Console.WriteLine($"## nested.x ({NestedSample.EncodedLength} bytes): C# {(options.Quick ? "ShortRun (quick, rough)" : "default job")} vs C; {placement}");
        Console.WriteLine();
        Console.WriteLine("| operation | C# ns/op | C ns/op | C/C# (× faster) | C# allocated B/op | target |");
        Console.WriteLine("|---|---:|---:|---:|---:|---|");
        bool encodeAllocates = false;
        foreach ((string method, string op) in new[] { ("Encode", "encode"), ("Decode", "decode") })
        {
            if (!csharp.TryGetValue(method, out var cs))
            {
                continue;
            }

            double c = cResults[op].Count > 0 ? ProcessRunner.Median(cResults[op]) : double.NaN;
            double ratio = c / cs.Median;
            string alloc = cs.Allocated?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
            var verdicts = new List<string>();
            if (!double.IsNaN(ratio))
            {
                verdicts.Add(ratio >= TargetRatio ? $"≥ {TargetRatio:0}× met" : $"≥ {TargetRatio:0}× MISSED");
            }

            if (method == "Encode")
            {
                bool zero = cs.Allocated == 0;
                encodeAllocates = !zero;
                verdicts.Add(zero ? "0 B met" : "0 B MISSED");
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {op} | {cs.Median:F1} | {(double.IsNaN(c) ? "n/a" : c.ToString("F1", CultureInfo.InvariantCulture))} | " +
                $"{(double.IsNaN(ratio) ? "n/a" : ratio.ToString("F2", CultureInfo.InvariantCulture))} | {alloc} | {string.Join(", ", verdicts)} |"));
        }

        Console.WriteLine();
        Console.WriteLine("C# ns/op: BenchmarkDotNet median (mean ± standard error: " +
            string.Join("; ", csharp.OrderByDescending(kv => kv.Key).Select(kv =>
                string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value.Mean:F1} ± {kv.Value.StdErr:F1}"))) + ").");
        if (peer is not null)
        {
            Console.WriteLine("C ns/op: median of " + options.CRuns + " runs (" + string.Join("; ", cResults.Select(kv =>
                $"{kv.Key} ×{cIterations[kv.Key]}: " + string.Join(", ", kv.Value.Select(v => v.ToString("F1", CultureInfo.InvariantCulture))))) + ").");
        }

        if (MachineInfo.LoadAverage() is { } load)
        {
            Console.WriteLine($"Load average (1 min) at the end: {load.ToString("F2", CultureInfo.InvariantCulture)}.");
        }

        if (encodeAllocates)
        {
            Console.Error.WriteLine("error: Encode allocated; the target is zero bytes per operation");
            return 4;
        }

        return 0;
    }

    /// <summary>
    /// Runs <paramref name="run"/> and restores this process's CPU affinity afterwards: the in-process toolchain
    /// (--quick) applies the job's affinity to the host, which child processes started later (the C peer,
    /// compile-examples in `all`) would otherwise inherit.
    /// </summary>
    internal static T RunKeepingAffinity<T>(Func<T> run)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsWindows())
        {
            return run();
        }

        using var self = System.Diagnostics.Process.GetCurrentProcess();
        IntPtr affinity = self.ProcessorAffinity;
        try
        {
            return run();
        }
        finally
        {
            self.ProcessorAffinity = affinity;
        }
    }

    internal static IConfig CreateConfig(string repoRoot, Options options, string? expectedHex)
    {
        // --quick runs in process (no child project to build); the disassembler (--asm) needs a child process.
        Job job = options.Quick
            ? (options.Asm ? Job.ShortRun.WithId("ShortRun") : Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            : Job.Default.WithId("Default");
        if (options.Cpu is { } cpu)
        {
            job = job.WithAffinity(new IntPtr(1L << cpu));
        }

        if (!string.IsNullOrEmpty(expectedHex))
        {
            // Out of process through the job; in process (--quick) through this process's environment.
            string sha = NestedSample.Sha256(Convert.FromHexString(expectedHex.Trim()));
            Environment.SetEnvironmentVariable(NestedBenchmarks.ExpectedSha256Variable, sha);
            job = job.WithEnvironmentVariable(NestedBenchmarks.ExpectedSha256Variable, sha);
        }

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(repoRoot, "tests", "RxGen.Benchmarks", "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
