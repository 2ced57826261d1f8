using System;
using System.Linq;
using System.Text;
using Golden.RichAfs;
using RxGen.Runtime.Afs;

namespace RxGen.Interop.Tests.Samples;

/// <summary>The AFS samples of tests/peers/SAMPLES.md ("AFS peer: ar_rich"), built field by field with Golden.RichAfs.</summary>
internal static class AfsSamples
{
    public const int Count = 4;

    /// <summary>The encoded sizes SAMPLES.md gives.</summary>
    public static int EncodedLength(int sample) => sample switch
    {
        1 => 232,
        2 => 144,
        3 => 460,
        4 => 200,
        _ => throw new ArgumentOutOfRangeException(nameof(sample)),
    };

    public static ar_rich Build(int sample) => sample switch
    {
        1 => Sample1(),
        2 => Sample2(),
        3 => Sample3(),
        4 => Sample4(),
        _ => throw new ArgumentOutOfRangeException(nameof(sample)),
    };

    /// <summary>A linked list of (value, label) nodes, or null for none.</summary>
    public static ar_node? Chain(params (int Value, string Label)[] nodes)
    {
        ar_node? head = null;
        for (int i = nodes.Length - 1; i >= 0; i--)
        {
            head = new ar_node { Value = nodes[i].Value, Label = nodes[i].Label, Next = head };
        }

        return head;
    }

    private static ar_pair Pair(int key, uint val) => new() { Key = key, Val = val };

    // Typical values, int arm (232 bytes).
    private static ar_rich Sample1() => new()
    {
        Name = [0x76, 0x6f, 0x6c, 0x2e, 0x61, 0x00, 0x00, 0x00],
        I64 = 1234567890123,
        U64 = 0x0123456789abcdef,
        I32 = -42,
        U32 = 3000000000,
        I16 = -2,
        U8 = 200,
        S = "hello, afs",
        O = [0x01, 0x02, 0x03],
        Tag = [0x61, 0x62, 0x63],
        Vec = [1, -1],
        Pairs = [Pair(1, 100), Pair(-2, 4000000000)],
        Count = 3,
        Uuid = new AfsUuid(0x01234567, 0x89ab, 0xcdef, 0x01, 0x23, [0x00, 0x11, 0x22, 0x33, 0x44, 0x55]),
        Head = Chain((7, "one"), (8, "two"), (9, "three")),
        Pick = ar_choice.FromNum(99),
    };

    // Extremes, empty values, null list, void arm (144 bytes).
    private static ar_rich Sample2() => new()
    {
        Name = new byte[8],
        I64 = long.MinValue,
        U64 = ulong.MaxValue,
        I32 = int.MinValue,
        U32 = uint.MaxValue,
        I16 = -32768,
        U8 = 255,
        S = "",
        O = [],
        Tag = [0x00, 0x00, 0x00],
        Vec = [int.MinValue, int.MaxValue],
        Pairs = [],
        Count = 0,
        Uuid = new AfsUuid(0xffffffff, 0xffff, 0xffff, 0xff, 0xff, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
        Head = null,
        Pick = ar_choice.FromVoid(3),
    };

    // High-bit chars, full arrays, 10-node list, default arm (460 bytes).
    private static ar_rich Sample3() => new()
    {
        Name = [0xe9, 0x74, 0xe9, 0x2d, 0x80, 0x7f, 0x01, 0x5a],
        I64 = -2,
        U64 = 0x8000000000000000,
        I32 = 2147483647,
        U32 = 0,
        I16 = 32767,
        U8 = 0,
        S = new string(Enumerable.Range(0, 64).Select(i => (char)('A' + (i % 26))).ToArray()),
        O = [0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9],
        Tag = [0xff, 0x00, 0x7f],
        Vec = [0x12345678, -0x12345678],
        Pairs = Enumerable.Range(0, 4).Select(i => Pair(-i, 0xffffff00u + (uint)i)).ToArray(),
        Count = -1,
        Uuid = new AfsUuid(0x8000000f, 0x8001, 0x1234, 0xc0, 0x7f, [0x9a, 0xbc, 0xde, 0xf0, 0x12, 0x80]),
        Head = Chain(Enumerable.Range(0, 10).Select(i => ((1000 * i) - 3, "node-" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
        Pick = ar_choice.FromBig(-5, -1234567890123456789),
    };

    // Text arm, 8-char label (200 bytes).
    private static ar_rich Sample4() => new()
    {
        Name = Encoding.ASCII.GetBytes("ABCDEFGH"),
        I64 = 1,
        U64 = 1,
        I32 = 1,
        U32 = 1,
        I16 = 1,
        U8 = 1,
        S = "x",
        O = [0x2a],
        Tag = [0x01, 0x02, 0x03],
        Vec = [0, 0],
        Pairs = [Pair(1, 100)],
        Count = 1,
        Uuid = AfsUuid.Empty,
        Head = Chain((0, "12345678")),
        Pick = ar_choice.FromText("union text arm"),
    };
}
