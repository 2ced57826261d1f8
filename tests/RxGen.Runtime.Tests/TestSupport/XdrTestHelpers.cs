using System;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.TestSupport;

internal delegate void WriterAction(ref XdrWriter writer);

internal delegate T ReaderFunc<out T>(ref XdrReader reader);

internal static class XdrTestHelpers
{
    /// <summary>Runs <paramref name="action"/> on a writer over a fresh buffer and returns the bytes.</summary>
    public static byte[] Write(WriterAction action)
    {
        using var buffer = new XdrBufferWriter();
        var writer = new XdrWriter(buffer);
        action(ref writer);
        writer.Flush();
        Assert.Equal(buffer.WrittenCount, writer.BytesWritten);
        return buffer.ToArray();
    }

    /// <summary>Reads with <paramref name="func"/> and checks all input was consumed.</summary>
    public static T Read<T>(byte[] data, ReaderFunc<T> func)
    {
        var reader = new XdrReader(data);
        T value = func(ref reader);
        reader.EnsureAtEnd("test value");
        return value;
    }

    /// <summary>Asserts that reading throws <see cref="XdrException"/> and returns it.</summary>
    public static XdrException ReadFails<T>(byte[] data, ReaderFunc<T> func, int maxDepth = XdrReader.DefaultMaxDepth) =>
        Assert.Throws<XdrException>(() =>
        {
            var reader = new XdrReader(data, maxDepth);
            func(ref reader);
        });

    /// <summary>Asserts that writing throws <see cref="XdrException"/> and returns it.</summary>
    public static XdrException WriteFails(WriterAction action) =>
        Assert.Throws<XdrException>(() =>
        {
            using var buffer = new XdrBufferWriter();
            var writer = new XdrWriter(buffer);
            action(ref writer);
        });
}
