using System;
using System.Linq;
using Golden.RichOnc;

namespace RxGen.Interop.Tests.Samples;

/// <summary>The ONC samples of tests/peers/SAMPLES.md ("ONC peer: rich"), built field by field with Golden.RichOnc.</summary>
internal static class OncSamples
{
    public const int Count = 5;

    /// <summary>The encoded sizes SAMPLES.md gives.</summary>
    public static int EncodedLength(int sample) => sample switch
    {
        1 => 196,
        2 => 104,
        3 => 416,
        4 => 160,
        5 => 108,
        _ => throw new ArgumentOutOfRangeException(nameof(sample)),
    };

    public static rich Build(int sample) => sample switch
    {
        1 => Sample1(),
        2 => Sample2(),
        3 => Sample3(),
        4 => Sample4(),
        5 => Sample5(),
        _ => throw new ArgumentOutOfRangeException(nameof(sample)),
    };

    /// <summary>A linked list of (value, tag) nodes, or null for none.</summary>
    public static node? Chain(params (int Value, string Tag)[] nodes)
    {
        node? head = null;
        for (int i = nodes.Length - 1; i >= 0; i--)
        {
            head = new node { Value = nodes[i].Value, Tag = nodes[i].Tag, Next = head };
        }

        return head;
    }

    private static point Point(int x, int y) => new() { X = x, Y = y };

    // Typical values (196 bytes).
    private static rich Sample1() => new()
    {
        I32 = 42,
        U32 = 3000000000,
        I64 = 1234567890123,
        U64 = 0x0123456789abcdef,
        Flag = true,
        Col = color.BLUE,
        F32 = BitConverter.Int32BitsToSingle(0x3fc00000),
        F64 = BitConverter.Int64BitsToDouble(unchecked((long)0xc002000000000000)),
        I16 = -2,
        U16 = 40000,
        C8 = 65,
        U8 = 200,
        Fixed = [0x01, 0x02, 0x03, 0x04, 0x05],
        Var = [0xde, 0xad, 0xbe, 0xef, 0x42],
        Str = "hello, rich",
        Arr = [1, -1, 2147483647],
        Pts = [Point(1, 2), Point(-3, 4), Point(5, -6)],
        Count = 7,
        Head = Chain((10, "a"), (20, "bb"), (30, "")),
        Pick = choice.FromX(2, 99),
    };

    // Extremes, empty values, null list, void arm (104 bytes).
    private static rich Sample2() => new()
    {
        I32 = int.MinValue,
        U32 = uint.MaxValue,
        I64 = long.MinValue,
        U64 = ulong.MaxValue,
        Flag = false,
        Col = color.BLACK,
        F32 = BitConverter.Int32BitsToSingle(unchecked((int)0x80000000)),
        F64 = BitConverter.Int64BitsToDouble(unchecked((long)0xfff0000000000000)),
        I16 = -32768,
        U16 = 65535,
        C8 = -128,
        U8 = 255,
        Fixed = [0xff, 0xff, 0xff, 0xff, 0xff],
        Var = [],
        Str = "",
        Arr = [int.MinValue, 0, int.MaxValue],
        Pts = [],
        Count = 4294967295,
        Head = null,
        Pick = choice.FromVoid(3),
    };

    // Full arrays, maximal string, 12-node list, default arm (416 bytes).
    private static rich Sample3() => new()
    {
        I32 = -123456789,
        U32 = 2147483648,
        I64 = -2,
        U64 = 9223372036854775808,
        Flag = true,
        Col = color.GREEN,
        F32 = BitConverter.Int32BitsToSingle(0x3dcccccd),
        F64 = BitConverter.Int64BitsToDouble(0x3fb999999999999a),
        I16 = 32767,
        U16 = 0,
        C8 = 122,
        U8 = 0,
        Fixed = [0x41, 0x46, 0x53, 0x00, 0x58],
        Var = Enumerable.Range(0, 16).Select(i => (byte)i).ToArray(),
        Str = "abcdefghijklmnopqrstuvwxyz012345",
        Arr = [100, 200, 300],
        Pts = Enumerable.Range(0, 8).Select(i => Point(i, -1000 * i)).ToArray(),
        Count = 12,
        Head = Chain(Enumerable.Range(0, 12).Select(i => ((i * i) - 50, "n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray()),
        Pick = choice.FromOther(-7, 0xfedcba9876543210),
    };

    // String arm, one-element arrays, 8-char tag (160 bytes).
    private static rich Sample4() => new()
    {
        I32 = 1,
        U32 = 1,
        I64 = 1,
        U64 = 1,
        Flag = true,
        Col = color.RED,
        F32 = BitConverter.Int32BitsToSingle(0x3f800000),
        F64 = BitConverter.Int64BitsToDouble(0x3ff0000000000000),
        I16 = 1,
        U16 = 1,
        C8 = 1,
        U8 = 1,
        Fixed = [0x00, 0x00, 0x00, 0x00, 0x01],
        Var = [0x00],
        Str = "x",
        Arr = [0, 0, 1],
        Pts = [Point(0, 0)],
        Count = 1,
        Head = Chain((-1, "12345678")),
        Pick = choice.FromText("union text arm"),
    };

    // All zero, first shared union label (108 bytes).
    private static rich Sample5() => new()
    {
        F32 = 0.0f,
        F64 = 0.0,
        Col = color.RED,
        Fixed = new byte[5],
        Var = [],
        Str = "",
        Arr = [0, 0, 0],
        Pts = [],
        Head = null,
        Pick = choice.FromX(1, -1),
    };
}
