using System;
using RxGen.Runtime.Xdr;
using Xunit.Abstractions;

namespace RxGen.Interop.Tests;

/// <summary>A failed decode allocates little more than its exception: no property defaults (empty arrays, zeroed
/// fixed arrays, nested records) are allocated only to be overwritten or dropped, and fixed arrays are allocated
/// only after the input is known to hold them.</summary>
public class DecodeAllocationTests
{
    private readonly ITestOutputHelper _output;

    public DecodeAllocationTests(ITestOutputHelper output) => _output = output;

    private static long FailedDecodeBytes<T>(byte[] input) where T : IXdrSerializable<T>
    {
        void Once()
        {
            try
            {
                Xdr.Deserialize<T>(input);
                throw new InvalidOperationException("decode succeeded");
            }
            catch (XdrException)
            {
            }
        }

        Once(); // JIT, statics
        return Smallest(Once);
    }

    // The fewest bytes over several runs: while tiered JIT replaces code (more often on a loaded machine), a run can
    // see an extra allocation that has nothing to do with the decode.
    private static long Smallest(Action once)
    {
        long best = long.MaxValue;
        for (int i = 0; i < 20; i++)
        {
            var before = GC.GetAllocatedBytesForCurrentThread();
            once();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return best;
    }

    private static long ExceptionOnlyBytes()
    {
        void Once()
        {
            try
            {
                var reader = new XdrReader(ReadOnlySpan<byte>.Empty);
                reader.ReadInt32();
            }
            catch (XdrException)
            {
            }
        }

        Once();
        return Smallest(Once);
    }

    [Fact]
    public void Zero_bytes_of_kvcasargs_cost_about_one_exception()
    {
        var baseline = ExceptionOnlyBytes();
        var cost = FailedDecodeBytes<Golden.KvStore.kvcasargs>(Array.Empty<byte>());
        _output.WriteLine($"kvcasargs, 0 bytes: {cost} B; a bare XdrException: {baseline} B");
        // Measured: ~700 B alone against a ~670 B bare exception; ~1,200 B when the whole suite runs in parallel (not understood yet; the
        // bare exception stays at ~650 B there), against about 4 KB before the decode stopped allocating defaults. Re-measured
        // 2026-12-04 running this class alone: 1,192 B against a 944 B bare exception (the record, and a message naming the field).
        Assert.True(cost <= 2 * baseline + 256, $"failed decode allocated {cost} B; a bare XdrException costs {baseline} B");
    }

    [Fact]
    public void A_record_with_fixed_arrays_allocates_no_array_for_a_short_input()
    {
        // vldbentry holds char name[65] and several afs_int32[13] arrays: zeroed defaults would be ~0.5 KB.
        var baseline = ExceptionOnlyBytes();
        var cost = FailedDecodeBytes<Golden.Vl.vldbentry>(new byte[8]);
        _output.WriteLine($"vldbentry, 8 bytes: {cost} B; a bare XdrException: {baseline} B");
        // The same bound as for kvcasargs above.
        Assert.True(cost <= 2 * baseline + 256, $"failed decode allocated {cost} B; a bare XdrException costs {baseline} B");
    }
}
