using BenchmarkDotNet.Attributes;
using Golden.Labels;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// Encode and decode of the labels.x sample with the generated code (tests/Golden/labels.x.cs), mirroring
/// what tests/peers/bench/labels_bench.c times on the C side.
/// </summary>
[MemoryDiagnoser]
public class LabelsBenchmarks : ShapeBenchmarks<labels>
{
    [GlobalSetup]
    public void Setup() => SetUp("labels", LabelsSample.Create(), LabelsSample.EncodedLength, Encode, Decode);

    [GlobalCleanup]
    public void Cleanup() => TearDown();

    /// <summary>Reset the reused buffer, encode the sample into it (C: xdrmem_create + xdr_labels + xdr_getpos).</summary>
    [Benchmark]
    public int Encode()
    {
        Buffer.Reset();
        Xdr.Serialize(Sample, Buffer);
        return Buffer.WrittenCount;
    }

    /// <summary>Decode the 1756 bytes into a new 129-object graph (64 nodes, 64 strings) (C: memset + xdrmem_create + xdr_labels [+ xdr_free]).</summary>
    [Benchmark]
    public labels Decode() => Xdr.Deserialize<labels>(Bytes);
}
