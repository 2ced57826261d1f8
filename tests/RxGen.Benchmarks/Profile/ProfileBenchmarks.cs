using System;
using BenchmarkDotNet.Attributes;
using Golden.Nested;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks.Profile;

/// <summary>
/// Decode cost breakdown: the generated decoder against hand-written variants that each change one thing
/// (see <see cref="LeanDecoders"/>). Every variant's result is checked in setup to re-encode to the sample.
/// </summary>
[MemoryDiagnoser]
public class DecodeProfile
{
    private byte[] _bytes = null!;
    private string _name = null!;
    private string _owner = null!;

    [GlobalSetup]
    public void Setup()
    {
        _bytes = NestedSample.Encode();
        nested sample = NestedSample.Create();
        _name = sample.Name;
        _owner = sample.Owner;
        Check(nameof(NoDiscardedDefaults), LeanConvert.ToGenerated(NoDiscardedDefaults()));
        Check(nameof(StructItems), LeanConvert.ToGenerated(StructItems()));
        Check(nameof(SinglePassStrings), LeanConvert.ToGenerated(SinglePassStrings()));
        Check(nameof(BlockReads), LeanConvert.ToGenerated(BlockReads()));
        Check(nameof(BlockReadsUnchecked), LeanConvert.ToGenerated(BlockReadsUnchecked()));
        Check(nameof(Combined), LeanConvert.ToGenerated(Combined()));
        if (ParseOnly() == 0)
        {
            throw new InvalidOperationException("ParseOnly read nothing");
        }
    }

    /// <summary>The generated decoder, as in the main benchmark.</summary>
    [Benchmark(Baseline = true)]
    public nested Generated() => Xdr.Deserialize<nested>(_bytes);

    [Benchmark]
    public LeanNested<LeanItem> NoDiscardedDefaults()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItem> value = LeanDecoders.NoDiscardedDefaults(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    [Benchmark]
    public LeanNested<LeanItemValue> StructItems()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItemValue> value = LeanDecoders.StructItems(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    [Benchmark]
    public LeanNested<LeanItem> SinglePassStrings()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItem> value = LeanDecoders.SinglePassStrings(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    [Benchmark]
    public LeanNested<LeanItem> BlockReads()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItem> value = LeanDecoders.BlockReads(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    [Benchmark]
    public LeanNested<LeanItem> BlockReadsUnchecked()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItem> value = LeanDecoders.BlockReadsUnchecked(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    [Benchmark]
    public LeanNested<LeanItemValue> Combined()
    {
        var reader = new XdrReader(_bytes);
        LeanNested<LeanItemValue> value = LeanDecoders.Combined(ref reader);
        reader.EnsureAtEnd("nested");
        return value;
    }

    /// <summary>Reading alone (the generated decoder's reader calls, nothing allocated).</summary>
    [Benchmark]
    public long ParseOnly()
    {
        var reader = new XdrReader(_bytes);
        long sum = LeanDecoders.ParseOnly(ref reader);
        reader.EnsureAtEnd("nested");
        return sum;
    }

    /// <summary>Building the generated decoder's 56-object graph alone (no reading).</summary>
    [Benchmark]
    public nested AllocateOnly() => LeanDecoders.AllocateOnly(_name, _owner);

    private void Check(string variant, nested value)
    {
        if (!Xdr.Serialize(value).AsSpan().SequenceEqual(_bytes))
        {
            throw new InvalidOperationException($"decode variant {variant} does not reproduce the sample");
        }
    }
}

/// <summary>
/// Encode cost breakdown: the generated encoder into the reused XdrBufferWriter (the main benchmark), into a
/// fixed span, and a hand-written block encoder (<see cref="LeanEncoders"/>).
/// </summary>
[MemoryDiagnoser]
public class EncodeProfile
{
    private nested _sample = null!;
    private XdrBufferWriter _buffer = null!;
    private byte[] _array = null!;

    [GlobalSetup]
    public void Setup()
    {
        _sample = NestedSample.Create();
        _buffer = new XdrBufferWriter(4096);
        _array = new byte[4096];
        byte[] expected = NestedSample.Encode();
        GeneratedBufferWriter();
        if (!_buffer.WrittenSpan.SequenceEqual(expected))
        {
            throw new InvalidOperationException("GeneratedBufferWriter does not reproduce the sample");
        }

        if (!_array.AsSpan(0, GeneratedSpan()).SequenceEqual(expected))
        {
            throw new InvalidOperationException("GeneratedSpan does not reproduce the sample");
        }

        if (!_array.AsSpan(0, GeneratedSpanDirect()).SequenceEqual(expected))
        {
            throw new InvalidOperationException("GeneratedSpanDirect does not reproduce the sample");
        }

        if (!_array.AsSpan(0, HandWrittenBlocks()).SequenceEqual(expected))
        {
            throw new InvalidOperationException("HandWrittenBlocks does not reproduce the sample");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => _buffer.Dispose();

    [Benchmark(Baseline = true)]
    public int GeneratedBufferWriter()
    {
        _buffer.Reset();
        Xdr.Serialize(_sample, _buffer);
        return _buffer.WrittenCount;
    }

    [Benchmark]
    public int GeneratedSpan() => Xdr.Serialize(_sample, _array.AsSpan());

    /// <summary>As <see cref="GeneratedSpan"/> but calling the generated Encode directly, not through the generic <c>Xdr.Serialize&lt;T&gt;</c>.</summary>
    [Benchmark]
    public int GeneratedSpanDirect()
    {
        var writer = new XdrWriter(_array.AsSpan());
        _sample.Encode(ref writer);
        return writer.BytesWritten;
    }

    [Benchmark]
    public int HandWrittenBlocks() => LeanEncoders.Blocks(_sample, _array);
}
