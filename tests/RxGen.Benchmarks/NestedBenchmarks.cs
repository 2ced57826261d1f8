using System;
using BenchmarkDotNet.Attributes;
using Golden.Nested;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// Encode and decode of the nested.x sample with the generated code (tests/Golden/nested.x.cs), mirroring
/// what tests/peers/bench/nested_bench.c times on the C side.
/// </summary>
[MemoryDiagnoser]
public class NestedBenchmarks
{
    /// <summary>
    /// Environment variable through which the host passes the SHA-256 (hex) of the C peer's encoding to the
    /// benchmark process.
    /// </summary>
    public const string ExpectedSha256Variable = "RXGEN_BENCH_EXPECTED_SHA256";

    private nested _sample = null!;
    private byte[] _bytes = null!;
    private XdrBufferWriter _buffer = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sample = NestedSample.Create();
        _bytes = NestedSample.Encode();

        // The host verified the encoding against the C peer before starting; check again here, in the
        // process that measures, so a stale build can never benchmark a different value.
        string? expected = Environment.GetEnvironmentVariable(ExpectedSha256Variable);
        if (!string.IsNullOrEmpty(expected) && !string.Equals(NestedSample.Sha256(_bytes), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the sample's encoding in the benchmark process has SHA-256 {NestedSample.Sha256(_bytes)}, the C peer's has {expected}");
        }

        if (_bytes.Length != NestedSample.EncodedLength)
        {
            throw new InvalidOperationException($"sample encodes to {_bytes.Length} bytes, expected {NestedSample.EncodedLength}");
        }

        // Room for the whole value, so Encode never grows (or rents) after the first call.
        _buffer = new XdrBufferWriter(4096);
        Encode();
        if (!_buffer.WrittenSpan.SequenceEqual(_bytes))
        {
            throw new InvalidOperationException("encoding into the reused XdrBufferWriter differs from Xdr.Serialize");
        }

        if (!Xdr.Serialize(Decode()).AsSpan().SequenceEqual(_bytes))
        {
            throw new InvalidOperationException("decode + re-encode does not reproduce the sample bytes");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _buffer.Dispose();

    /// <summary>Reset the reused buffer, encode the sample into it (C: xdrmem_create + xdr_nested + xdr_getpos).</summary>
    [Benchmark]
    public int Encode()
    {
        _buffer.Reset();
        Xdr.Serialize(_sample, _buffer);
        return _buffer.WrittenCount;
    }

    /// <summary>Decode the 772 bytes into a new object graph (C: memset + xdrmem_create + xdr_nested + xdr_free).</summary>
    [Benchmark]
    public nested Decode() => Xdr.Deserialize<nested>(_bytes);
}
