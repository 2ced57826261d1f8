using System;
using System.Collections.Generic;
using Golden.RichAfs;
using Golden.RichOnc;

namespace RxGen.Interop.Tests.Samples;

/// <summary>Field-by-field comparison of decoded samples (floats by bit pattern, unions by discriminant and arm).</summary>
internal static class SampleAssert
{
    public static void Equal(rich expected, rich actual)
    {
        Assert.Equal(expected.I32, actual.I32);
        Assert.Equal(expected.U32, actual.U32);
        Assert.Equal(expected.I64, actual.I64);
        Assert.Equal(expected.U64, actual.U64);
        Assert.Equal(expected.Flag, actual.Flag);
        Assert.Equal(expected.Col, actual.Col);
        Assert.Equal(BitConverter.SingleToInt32Bits(expected.F32), BitConverter.SingleToInt32Bits(actual.F32));
        Assert.Equal(BitConverter.DoubleToInt64Bits(expected.F64), BitConverter.DoubleToInt64Bits(actual.F64));
        Assert.Equal(expected.I16, actual.I16);
        Assert.Equal(expected.U16, actual.U16);
        Assert.Equal(expected.C8, actual.C8);
        Assert.Equal(expected.U8, actual.U8);
        Assert.Equal(expected.Fixed, actual.Fixed);
        Assert.Equal(expected.Var, actual.Var);
        Assert.Equal(expected.Str, actual.Str);
        Assert.Equal(expected.Arr, actual.Arr);
        Assert.Equal(expected.Pts.Length, actual.Pts.Length);
        for (int i = 0; i < expected.Pts.Length; i++)
        {
            Assert.Equal((expected.Pts[i].X, expected.Pts[i].Y), (actual.Pts[i].X, actual.Pts[i].Y));
        }

        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(Nodes(expected.Head), Nodes(actual.Head));
        Assert.Equal(expected.Pick.Kind, actual.Pick.Kind);
        Assert.Equal(expected.Pick.IsX, actual.Pick.IsX);
        Assert.Equal(expected.Pick.IsText, actual.Pick.IsText);
        Assert.Equal(expected.Pick.IsOther, actual.Pick.IsOther);
        if (expected.Pick.IsX)
        {
            Assert.Equal(expected.Pick.X, actual.Pick.X);
        }
        else if (expected.Pick.IsText)
        {
            Assert.Equal(expected.Pick.Text, actual.Pick.Text);
        }
        else if (expected.Pick.IsOther)
        {
            Assert.Equal(expected.Pick.Other, actual.Pick.Other);
        }
    }

    public static void Equal(ar_rich expected, ar_rich actual)
    {
        Assert.Equal(expected.Name, actual.Name);
        Assert.Equal(expected.I64, actual.I64);
        Assert.Equal(expected.U64, actual.U64);
        Assert.Equal(expected.I32, actual.I32);
        Assert.Equal(expected.U32, actual.U32);
        Assert.Equal(expected.I16, actual.I16);
        Assert.Equal(expected.U8, actual.U8);
        Assert.Equal(expected.S, actual.S);
        Assert.Equal(expected.O, actual.O);
        Assert.Equal(expected.Tag, actual.Tag);
        Assert.Equal(expected.Vec, actual.Vec);
        Assert.Equal(expected.Pairs.Length, actual.Pairs.Length);
        for (int i = 0; i < expected.Pairs.Length; i++)
        {
            Assert.Equal((expected.Pairs[i].Key, expected.Pairs[i].Val), (actual.Pairs[i].Key, actual.Pairs[i].Val));
        }

        Assert.Equal(expected.Count, actual.Count);
        Assert.Equal(expected.Uuid, actual.Uuid);
        Assert.Equal(Nodes(expected.Head), Nodes(actual.Head));
        Assert.Equal(expected.Pick.T, actual.Pick.T);
        Assert.Equal(expected.Pick.IsNum, actual.Pick.IsNum);
        Assert.Equal(expected.Pick.IsText, actual.Pick.IsText);
        Assert.Equal(expected.Pick.IsBig, actual.Pick.IsBig);
        if (expected.Pick.IsNum)
        {
            Assert.Equal(expected.Pick.Num, actual.Pick.Num);
        }
        else if (expected.Pick.IsText)
        {
            Assert.Equal(expected.Pick.Text, actual.Pick.Text);
        }
        else if (expected.Pick.IsBig)
        {
            Assert.Equal(expected.Pick.Big, actual.Pick.Big);
        }
    }

    /// <summary>The (value, tag) pairs of a list, in order.</summary>
    public static List<(int Value, string Tag)> Nodes(node? head)
    {
        var list = new List<(int, string)>();
        for (node? n = head; n is not null; n = n.Next)
        {
            list.Add((n.Value, n.Tag));
        }

        return list;
    }

    /// <summary>The (value, label) pairs of a list, in order.</summary>
    public static List<(int Value, string Label)> Nodes(ar_node? head)
    {
        var list = new List<(int, string)>();
        for (ar_node? n = head; n is not null; n = n.Next)
        {
            list.Add((n.Value, n.Label));
        }

        return list;
    }
}
