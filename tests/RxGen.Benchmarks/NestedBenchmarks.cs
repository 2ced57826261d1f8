using BenchmarkDotNet.Attributes;
using Golden.Nested;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// Encode and decode of the nested.x sample with the generated code (tests/Golden/nested.x.cs), mirroring
/// what tests/peers/bench/nested_bench.c times on the C side.
/// </summary>
[MemoryDiagnoser]
public class NestedBenchmarks : ShapeBenchmarks<nested>
{
    [GlobalSetup]
    public void Setup() => SetUp("nested", NestedSample.Create(), NestedSample.EncodedLength, Encode, Decode);

    [GlobalCleanup]
    public void Cleanup() => TearDown();

    /// <summary>Reset the reused buffer, encode the sample into it (C: xdrmem_create + xdr_nested + xdr_getpos).</summary>
    [Benchmark]
    public int Encode()
    {
        Buffer.Reset();
        Xdr.Serialize(Sample, Buffer);
        return Buffer.WrittenCount;
    }

    /// <summary>Decode the 772 bytes into a new object graph (C: memset + xdrmem_create + xdr_nested [+ xdr_free]).</summary>
    [Benchmark]
    public nested Decode() => Xdr.Deserialize<nested>(Bytes);
}
