using System;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// State and checks shared by the per-shape benchmark classes (<see cref="NestedBenchmarks"/>,
/// <see cref="BlobsBenchmarks"/>, <see cref="LabelsBenchmarks"/>). The <c>[Benchmark]</c> methods live in the
/// derived classes, so each one calls the generated code of its concrete type, as a user's code would.
/// </summary>
/// <typeparam name="T">The generated record type.</typeparam>
public abstract class ShapeBenchmarks<T>
    where T : class, IXdrSerializable<T>
{
    /// <summary>The value encoded by <c>Encode</c>.</summary>
    protected T Sample { get; private set; } = null!;

    /// <summary>Its encoding, decoded by <c>Decode</c>.</summary>
    protected byte[] Bytes { get; private set; } = null!;

    /// <summary>The reused output of <c>Encode</c>.</summary>
    protected XdrBufferWriter Buffer { get; private set; } = null!;

    /// <summary>
    /// Builds the sample and checks, in the process that measures, that it encodes to the bytes the host verified
    /// against the C peer, that encoding into the reused buffer gives the same bytes, and that decode + re-encode
    /// reproduces them. Any difference throws, so a stale build can never benchmark a different value.
    /// </summary>
    protected void SetUp(string shape, T sample, int expectedLength, Func<int> encode, Func<T> decode)
    {
        Sample = sample;
        Bytes = Xdr.Serialize(sample);
        string? expected = Environment.GetEnvironmentVariable(BenchShape.ExpectedSha256Variable(shape));
        if (!string.IsNullOrEmpty(expected) && !string.Equals(SampleBytes.Sha256(Bytes), expected, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the {shape} sample's encoding in the benchmark process has SHA-256 {SampleBytes.Sha256(Bytes)}, the C peer's has {expected}");
        }

        if (Bytes.Length != expectedLength)
        {
            throw new InvalidOperationException($"the {shape} sample encodes to {Bytes.Length} bytes, expected {expectedLength}");
        }

        // Room for the whole value, so Encode never grows (or rents) after the first call.
        Buffer = new XdrBufferWriter(16384);
        if (encode() != Bytes.Length || !Buffer.WrittenSpan.SequenceEqual(Bytes))
        {
            throw new InvalidOperationException($"{shape}: encoding into the reused XdrBufferWriter differs from Xdr.Serialize");
        }

        if (!Xdr.Serialize(decode()).AsSpan().SequenceEqual(Bytes))
        {
            throw new InvalidOperationException($"{shape}: decode + re-encode does not reproduce the sample bytes");
        }
    }

    /// <summary>Releases the reused buffer.</summary>
    protected void TearDown() => Buffer.Dispose();
}
