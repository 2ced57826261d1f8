using System;
using System.Linq;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RxGen.Benchmarks.Profile;

/// <summary>
/// The `profile` mode: where decode (and encode) time goes, measured by hand-written variants of the generated
/// code. With --asm, BenchmarkDotNet's disassembler also exports the JIT code of each benchmark (depth 3)
/// to tests/RxGen.Benchmarks/BenchmarkDotNet.Artifacts/results/.
/// </summary>
internal static class ProfileRun
{
    public static int Run(string repoRoot, Options options)
    {
        byte[] encoded = NestedSample.Encode();
        string? docHex = SamplesDoc.BenchHex(repoRoot);
        if (docHex is null)
        {
            Console.Error.WriteLine("error: no '<!-- hex: bench -->' block in tests/peers/SAMPLES.md");
            return 3;
        }

        if (SampleBytes.Compare("nested", encoded, docHex, "the hex in tests/peers/SAMPLES.md") is { } error)
        {
            Console.Error.WriteLine($"error: {error}");
            return 3;
        }

        IConfig config = BenchRun.CreateConfig(repoRoot, options,
            new System.Collections.Generic.Dictionary<string, string> { ["nested"] = SampleBytes.Sha256(encoded) });
        if (options.Asm)
        {
            config = ManualConfig.Create(config).AddDiagnoser(new DisassemblyDiagnoser(
                new DisassemblyDiagnoserConfig(maxDepth: 3, exportGithubMarkdown: true, exportCombinedDisassemblyReport: true)));
        }

        // Min and median beside the mean: on a shared machine the minimum is the steadiest estimate of CPU-bound code.
        config = ManualConfig.Create(config).AddColumn(StatisticColumn.Min, StatisticColumn.Median);
        Summary[] summaries = BenchRun.RunKeepingAffinity(() => BenchmarkRunner.Run([typeof(DecodeProfile), typeof(EncodeProfile)], config));
        return summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.Length > 0 && s.Reports.All(r => r.Success)) ? 0 : 1;
    }
}
