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

/// <summary>
/// The default mode: verify every shape's sample against its C peer, run BenchmarkDotNet over all shapes with the C
/// peer runs interleaved (see <see cref="CPeerInterleaver"/>), print the comparison.
/// </summary>
internal static class BenchRun
{
    private const double TargetRatio = 2.0;

    public static int Run(string repoRoot, Options options)
    {
        // 1. Each shape's C# encoding must be byte-identical to its C peer's before anything is timed.
        var peers = new Dictionary<string, CPeer>(StringComparer.Ordinal);
        var expectedSha = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (BenchShape shape in BenchShape.All)
        {
            byte[] encoded = shape.Encode();
            if (options.NoPeer)
            {
                if (CheckPinned(repoRoot, shape, encoded) is { } pinError)
                {
                    Console.Error.WriteLine($"error: {pinError}");
                    return 3;
                }
            }
            else
            {
                CPeer? peer = CPeer.Find(repoRoot, shape.PeerName, options.Cpu, out string? findError);
                if (peer is null)
                {
                    Console.Error.WriteLine($"error: {findError}");
                    return 3;
                }

                string peerHex = peer.Hex();
                if (SampleBytes.Compare(shape.Name, encoded, peerHex, $"`tests/peers/build/{shape.PeerName} hex`") is { } peerError)
                {
                    Console.Error.WriteLine($"error: {peerError}");
                    Console.Error.WriteLine("aborting: the C# and C benchmarks would not measure the same value.");
                    return 3;
                }

                Console.WriteLine($"# sample {shape.Name}: C# encoding ({encoded.Length} bytes) is byte-identical to `tests/peers/build/{shape.PeerName} hex`");
                if (CheckPinned(repoRoot, shape, encoded) is { } stale)
                {
                    Console.WriteLine($"# warning: the pinned copy is stale: {stale}");
                }

                peers[shape.Name] = peer;
            }

            expectedSha[shape.Name] = SampleBytes.Sha256(encoded);
        }

        // 2. BenchmarkDotNet over all shapes, with the C runs of each shape's operation just before and just after
        //    its C# benchmark (same core, same run of the program).
        var interleaver = new CPeerInterleaver(peers, options);
        IConfig config = ManualConfig.Create(CreateConfig(repoRoot, options, expectedSha)).AddEventProcessor(interleaver);
        Summary[] summaries = RunKeepingAffinity(() => BenchmarkRunner.Run(BenchShape.All.Select(s => s.BenchmarkType).ToArray(), config));
        if (interleaver.Error is { } cError)
        {
            Console.Error.WriteLine($"error: C peer: {cError}");
            return 3;
        }

        BenchmarkReport[] reports = summaries.SelectMany(s => s.Reports).ToArray();
        if (summaries.Any(s => s.HasCriticalValidationErrors) || reports.Length != 2 * BenchShape.All.Count || reports.Any(r => !r.Success))
        {
            Console.Error.WriteLine("error: BenchmarkDotNet did not produce results (see its log above)");
            return 1;
        }

        var csharp = new Dictionary<(string Shape, string Method), (double Median, double Mean, double StdErr, long? Allocated)>();
        foreach (BenchmarkReport report in reports)
        {
            BenchShape shape = BenchShape.All.Single(s => s.BenchmarkType == report.BenchmarkCase.Descriptor.Type);
            var stats = report.ResultStatistics!;
            csharp[(shape.Name, report.BenchmarkCase.Descriptor.WorkloadMethod.Name)] =
                (stats.Median, stats.Mean, stats.StandardError, report.GcStats.GetBytesAllocatedPerOperation(report.BenchmarkCase));
        }

        // 3. The table.
        Console.WriteLine();
        string placement = options.Cpu is null ? "unpinned" : $"C# benchmark thread and C peer pinned to CPU {options.Cpu}";
        Console.WriteLine($"## C# {(options.Quick ? "ShortRun (quick, rough)" : "default job")} vs rpcgen + libtirpc C; {placement}");
        Console.WriteLine();
        Console.WriteLine("| shape | operation | C# ns/op | C ns/op | C/C# (× faster) | C# allocated B/op | target |");
        Console.WriteLine("|---|---|---:|---:|---:|---:|---|");
        bool encodeAllocates = false;
        foreach (BenchShape shape in BenchShape.All)
        {
            var rows = new[]
            {
                ("Encode", "encode", "encode", true),
                ("Decode", "decode", "decode (C: decode + xdr_free)", true),
                ("Decode", "decode-nofree", "decode (C: decode alone)", false),
            };
            bool first = true;
            foreach ((string method, string cOp, string label, bool target) in rows)
            {
                var cs = csharp[(shape.Name, method)];
                IReadOnlyList<double> runs = interleaver.Results(shape.Name, cOp);
                double c = runs.Count > 0 ? ProcessRunner.Median(runs) : double.NaN;
                double ratio = c / cs.Median;
                var verdicts = new List<string>();
                if (target && !double.IsNaN(ratio))
                {
                    verdicts.Add(ratio >= TargetRatio ? $"≥ {TargetRatio:0}× met" : $"≥ {TargetRatio:0}× MISSED");
                }

                if (cOp == "encode")
                {
                    bool zero = cs.Allocated == 0;
                    encodeAllocates |= !zero;
                    verdicts.Add(zero ? "0 B met" : "0 B MISSED");
                }

                string shapeCell = first ? $"{shape.Name} ({shape.EncodedLength} B)" : "";
                string alloc = cOp == "decode-nofree" ? "″" : cs.Allocated?.ToString(CultureInfo.InvariantCulture) ?? "n/a";
                string csCell = cOp == "decode-nofree" ? "″" : cs.Median.ToString("F1", CultureInfo.InvariantCulture);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {shapeCell} | {label} | {csCell} | {(double.IsNaN(c) ? "n/a" : c.ToString("F1", CultureInfo.InvariantCulture))} | " +
                    $"{(double.IsNaN(ratio) ? "n/a" : ratio.ToString("F2", CultureInfo.InvariantCulture))} | {alloc} | {string.Join(", ", verdicts)} |"));
                first = false;
            }
        }

        Console.WriteLine();
        Console.WriteLine("Shapes: " + string.Join("; ", BenchShape.All.Select(s => $"{s.Name}: {s.Description}")) + ".");
        Console.WriteLine("C# ns/op: BenchmarkDotNet median (mean ± standard error: " +
            string.Join("; ", csharp.Select(kv =>
                string.Create(CultureInfo.InvariantCulture, $"{kv.Key.Shape} {kv.Key.Method} {kv.Value.Mean:F1} ± {kv.Value.StdErr:F1}"))) + ").");
        if (peers.Count > 0)
        {
            Console.WriteLine($"C ns/op: median of {options.CRuns} runs, started just before and after the matching C# benchmark (" +
                string.Join("; ", BenchShape.All.SelectMany(s => CPeerInterleaver.Operations.Select(op =>
                    $"{s.Name} {op} ×{interleaver.Iterations(s, op)}: " +
                    string.Join(", ", interleaver.Results(s.Name, op).Select(v => v.ToString("F1", CultureInfo.InvariantCulture)))))) + ").");
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
    /// Checks <paramref name="encoded"/> against the copy pinned in the repository (nested: the hex in
    /// tests/peers/SAMPLES.md; the others: tests/peers/bench/expected.sha256); returns an error or null.
    /// </summary>
    private static string? CheckPinned(string repoRoot, BenchShape shape, byte[] encoded)
    {
        if (shape.Name == "nested")
        {
            string? hex = SamplesDoc.BenchHex(repoRoot);
            return hex is null
                ? "no '<!-- hex: bench -->' block in tests/peers/SAMPLES.md"
                : SampleBytes.Compare(shape.Name, encoded, hex, "the hex in tests/peers/SAMPLES.md");
        }

        string? pinned = SamplesDoc.PinnedSha256OfHex(repoRoot, shape.Name);
        if (pinned is null)
        {
            return $"no '{shape.Name}' line in tests/peers/bench/expected.sha256";
        }

        string actual = SampleBytes.Sha256OfHex(encoded);
        return string.Equals(actual, pinned, StringComparison.OrdinalIgnoreCase)
            ? null
            : $"C# encoding of the {shape.Name} sample ({encoded.Length} bytes) has hex SHA-256 {actual}, tests/peers/bench/expected.sha256 pins {pinned}";
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

    /// <summary>
    /// The BenchmarkDotNet configuration: the job (default, or ShortRun in process with --quick), the CPU affinity,
    /// the memory diagnoser, and <paramref name="expectedSha256"/> (shape → SHA-256 of the verified encoding) passed
    /// to the benchmark process through <see cref="BenchShape.ExpectedSha256Variable"/>.
    /// </summary>
    internal static IConfig CreateConfig(string repoRoot, Options options, IReadOnlyDictionary<string, string> expectedSha256)
    {
        // --quick runs in process (no child project to build); the disassembler (--asm) needs a child process.
        Job job = options.Quick
            ? (options.Asm ? Job.ShortRun.WithId("ShortRun") : Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).WithId("ShortRun-InProcess"))
            : Job.Default.WithId("Default");
        if (options.Cpu is { } cpu)
        {
            job = job.WithAffinity(new IntPtr(1L << cpu));
        }

        foreach ((string shape, string sha) in expectedSha256)
        {
            // Out of process through the job; in process (--quick) through this process's environment.
            string variable = BenchShape.ExpectedSha256Variable(shape);
            Environment.SetEnvironmentVariable(variable, sha);
            job = job.WithEnvironmentVariable(variable, sha);
        }

        return ManualConfig.Create(DefaultConfig.Instance)
            .AddJob(job)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .WithArtifactsPath(Path.Combine(repoRoot, "tests", "RxGen.Benchmarks", "BenchmarkDotNet.Artifacts"))
            .WithOptions(ConfigOptions.DisableLogFile);
    }
}
