using BenchmarkDotNet.Attributes;
using Golden.Blobs;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// Encode and decode of the blobs.x sample with the generated code (tests/Golden/blobs.x.cs), mirroring
/// what tests/peers/bench/blobs_bench.c times on the C side.
/// </summary>
[MemoryDiagnoser]
public class BlobsBenchmarks : ShapeBenchmarks<blobs>
{
    [GlobalSetup]
    public void Setup() => SetUp("blobs", BlobsSample.Create(), BlobsSample.EncodedLength, Encode, Decode);

    [GlobalCleanup]
    public void Cleanup() => TearDown();

    /// <summary>Reset the reused buffer, encode the sample into it (C: xdrmem_create + xdr_blobs + xdr_getpos).</summary>
    [Benchmark]
    public int Encode()
    {
        Buffer.Reset();
        Xdr.Serialize(Sample, Buffer);
        return Buffer.WrittenCount;
    }

    /// <summary>Decode the 6848 bytes into a new object (5 byte arrays, 3 strings) (C: memset + xdrmem_create + xdr_blobs [+ xdr_free]).</summary>
    [Benchmark]
    public blobs Decode() => Xdr.Deserialize<blobs>(Bytes);
}
