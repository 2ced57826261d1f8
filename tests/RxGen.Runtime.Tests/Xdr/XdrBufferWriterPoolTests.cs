using System;
using System.Threading.Tasks;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.Xdr;

/// <summary>Runs the pool tests alone: other tests renting writers at the same time would take the shared slots.</summary>
[CollectionDefinition(nameof(XdrBufferWriterPoolTests), DisableParallelization = true)]
public sealed class XdrBufferWriterPoolCollection;

/// <summary><see cref="XdrBufferWriter.Rent"/>: reuse, state after return, and no allocation after warm-up.</summary>
[Collection(nameof(XdrBufferWriterPoolTests))]
public class XdrBufferWriterPoolTests
{
    [Fact]
    public void ARentedWriterComesBackEmptyAndIsReusedOnTheSameThread()
    {
        XdrBufferWriter first = XdrBufferWriter.Rent();
        Assert.True(first.IsPooled);
        first.GetSpan(8)[..8].Fill(0xAB);
        first.Advance(8);
        first.Dispose();

        XdrBufferWriter second = XdrBufferWriter.Rent();
        try
        {
            Assert.Same(first, second);
            Assert.Equal(0, second.WrittenCount);
            Assert.True(second.Capacity >= 8); // the array stays with the writer
        }
        finally
        {
            second.Dispose();
        }
    }

    [Fact]
    public void AWriterBackInThePoolRefusesUseAndASecondDisposeIsHarmless()
    {
        XdrBufferWriter writer = XdrBufferWriter.Rent();
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
        Assert.Throws<ObjectDisposedException>(() => _ = writer.WrittenMemory);
        writer.Dispose();

        XdrBufferWriter a = XdrBufferWriter.Rent();
        XdrBufferWriter b = XdrBufferWriter.Rent();
        Assert.NotSame(a, b); // the double dispose did not put it in twice
        a.Dispose();
        b.Dispose();
    }

    [Fact]
    public void AHugeBufferIsNotKeptByThePool()
    {
        XdrBufferWriter writer = XdrBufferWriter.Rent();
        writer.GetSpan(1024 * 1024);
        writer.Advance(1024 * 1024);
        writer.Dispose();
        XdrBufferWriter again = XdrBufferWriter.Rent();
        Assert.True(again.Capacity <= 64 * 1024, $"kept {again.Capacity} bytes");
        again.Dispose();
    }

    [Fact]
    public void ConstructedWritersAreNotPooled()
    {
        var writer = new XdrBufferWriter();
        Assert.False(writer.IsPooled);
        writer.Dispose();
        Assert.Throws<ObjectDisposedException>(() => writer.GetSpan());
        XdrBufferWriter rented = XdrBufferWriter.Rent();
        Assert.NotSame(writer, rented);
        rented.Dispose();
    }

    [Fact]
    public async Task WritersReturnedOnOtherThreadsAreReused()
    {
        XdrBufferWriter[] writers = new XdrBufferWriter[4];
        for (int i = 0; i < writers.Length; i++)
        {
            writers[i] = XdrBufferWriter.Rent();
        }

        await Task.Run(() =>
        {
            foreach (XdrBufferWriter w in writers)
            {
                w.Dispose();
            }
        });

        // One stayed with the pool thread; the others went to the shared slots, which this thread finds.
        int reused = 0;
        var again = new XdrBufferWriter[writers.Length];
        for (int i = 0; i < again.Length; i++)
        {
            again[i] = XdrBufferWriter.Rent();
            reused += Array.IndexOf(writers, again[i]) >= 0 ? 1 : 0;
        }

        foreach (XdrBufferWriter w in again)
        {
            w.Dispose();
        }

        Assert.True(reused >= writers.Length - 1, $"only {reused} reused");
    }

    [Fact]
    public void RentingAndReturningAllocatesNothingAfterWarmUp()
    {
        Cycle(10);
        long before = GC.GetAllocatedBytesForCurrentThread();
        Cycle(1000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);

        static void Cycle(int iterations)
        {
            for (int i = 0; i < iterations; i++)
            {
                using XdrBufferWriter writer = XdrBufferWriter.Rent();
                var w = new XdrWriter(writer);
                w.WriteInt32(i);
                w.WriteString("root.cell", 65, "name");
                w.Flush();
            }
        }
    }
}
