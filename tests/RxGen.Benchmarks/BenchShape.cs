using System;
using System.Collections.Generic;

namespace RxGen.Benchmarks;

/// <summary>One record shape of the codec benchmark: its IDL, C peer, C# sample and benchmark class.</summary>
/// <param name="Name">Short name: the IDL is tests/peers/bench/NAME.x, the C peer tests/peers/build/NAME_bench.</param>
/// <param name="Description">What the record is made of, for the result table.</param>
/// <param name="BenchmarkType">The BenchmarkDotNet class with the <c>Encode</c> and <c>Decode</c> benchmarks.</param>
/// <param name="Encode">The C# encoding of the sample.</param>
/// <param name="EncodedLength">Its size in bytes.</param>
/// <param name="EncodeIterations">Operations per full C encode run (about 0.5 s each).</param>
/// <param name="DecodeIterations">Operations per full C decode run.</param>
internal sealed record BenchShape(
    string Name,
    string Description,
    Type BenchmarkType,
    Func<byte[]> Encode,
    int EncodedLength,
    long EncodeIterations,
    long DecodeIterations)
{
    /// <summary>The C peer's file name under tests/peers/build.</summary>
    public string PeerName => Name + "_bench";

    /// <summary>
    /// The environment variable through which the host passes the SHA-256 (hex) of the verified encoding of
    /// <paramref name="shape"/> to the benchmark process.
    /// </summary>
    public static string ExpectedSha256Variable(string shape) => "RXGEN_BENCH_EXPECTED_SHA256_" + shape.ToUpperInvariant();

    /// <summary>The three shapes, in the order they are measured.</summary>
    public static IReadOnlyList<BenchShape> All { get; } =
    [
        new("nested", "fixed-size scalars, 16 small structs, 2 strings, 32-node list", typeof(NestedBenchmarks),
            NestedSample.Encode, NestedSample.EncodedLength, 300_000, 150_000),
        new("blobs", "5 variable opaques (317 B–4 KB, 6.7 KB in all), 3 strings", typeof(BlobsBenchmarks),
            BlobsSample.Encode, BlobsSample.EncodedLength, 1_000_000, 300_000),
        new("labels", "64-node list, each node a 8–19 char string + an int", typeof(LabelsBenchmarks),
            LabelsSample.Encode, LabelsSample.EncodedLength, 150_000, 50_000),
    ];
}
