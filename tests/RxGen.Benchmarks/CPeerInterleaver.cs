using System;
using System.Collections.Generic;
using System.Globalization;
using BenchmarkDotNet.EventProcessors;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace RxGen.Benchmarks;

/// <summary>
/// Interleaves the C peer runs with the C# benchmarks: just before BenchmarkDotNet starts a shape's <c>Encode</c>
/// (or <c>Decode</c>) benchmark it times the first half (rounded up) of that shape's C encode (or decode and
/// decode-nofree) runs, and the rest just after it ends. Both sides thus run in the same program run, on the
/// same core, and a change in the machine's load during the run hits both.
/// </summary>
internal sealed class CPeerInterleaver : EventProcessor
{
    /// <summary>The C peer operations, in report order.</summary>
    public static readonly string[] Operations = ["encode", "decode", "decode-nofree"];

    private readonly IReadOnlyDictionary<string, CPeer> _peers;
    private readonly Options _options;
    private readonly Dictionary<(string Shape, string Op), List<double>> _results = [];

    public CPeerInterleaver(IReadOnlyDictionary<string, CPeer> peers, Options options)
    {
        _peers = peers;
        _options = options;
    }

    /// <summary>The first failure of a C run (after which no more are started), or null.</summary>
    public string? Error { get; private set; }

    /// <summary>The ns/op of each C run of <paramref name="op"/> for <paramref name="shape"/>, in the order run.</summary>
    public IReadOnlyList<double> Results(string shape, string op) =>
        _results.TryGetValue((shape, op), out List<double>? list) ? list : [];

    /// <summary>Operations per C run: --c-iter, else the shape's default (a fifth with --quick).</summary>
    public long Iterations(BenchShape shape, string op)
    {
        long full = op == "encode" ? shape.EncodeIterations : shape.DecodeIterations;
        return _options.CIterations ?? (_options.Quick ? full / 5 : full);
    }

    /// <inheritdoc/>
    public override void OnStartRunBenchmark(BenchmarkCase benchmarkCase) => RunC(benchmarkCase, (_options.CRuns + 1) / 2);

    /// <inheritdoc/>
    public override void OnEndRunBenchmark(BenchmarkCase benchmarkCase, BenchmarkReport report) => RunC(benchmarkCase, _options.CRuns / 2);

    private void RunC(BenchmarkCase benchmarkCase, int runs)
    {
        BenchShape? shape = null;
        foreach (BenchShape s in BenchShape.All)
        {
            if (s.BenchmarkType == benchmarkCase.Descriptor.Type)
            {
                shape = s;
            }
        }

        if (Error is not null || shape is null || !_peers.TryGetValue(shape.Name, out CPeer? peer))
        {
            return;
        }

        string[] ops = benchmarkCase.Descriptor.WorkloadMethod.Name == "Encode" ? ["encode"] : ["decode", "decode-nofree"];
        for (int run = 0; run < runs; run++)
        {
            foreach (string op in ops)
            {
                long iterations = Iterations(shape, op);
                try
                {
                    (double ns, int bytes) = peer.Time(op, iterations);
                    if (bytes != shape.EncodedLength)
                    {
                        Error = $"{shape.PeerName} reports {bytes} bytes, expected {shape.EncodedLength}";
                        return;
                    }

                    if (!_results.TryGetValue((shape.Name, op), out List<double>? list))
                    {
                        _results[(shape.Name, op)] = list = [];
                    }

                    list.Add(ns);
                    Console.WriteLine($"// C peer: {peer.CommandLine(op, iterations)} -> ns_per_op={ns.ToString("F1", CultureInfo.InvariantCulture)}");
                }
                catch (InvalidOperationException ex)
                {
                    Error = ex.Message;
                    return;
                }
            }
        }
    }
}
