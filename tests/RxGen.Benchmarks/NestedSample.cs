using System;
using Golden.Nested;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// The benchmark value of tests/peers/bench/nested.x, exactly as tests/peers/SAMPLES.md documents it
/// ("Benchmark: nested") and tests/peers/bench/nested_bench.c builds it.
/// </summary>
internal static class NestedSample
{
    /// <summary>The encoded size documented in SAMPLES.md.</summary>
    public const int EncodedLength = 772;

    /// <summary>Number of nodes in the optional-data list.</summary>
    public const int ListLength = 32;

    /// <summary>Builds the sample field by field.</summary>
    public static nested Create()
    {
        var value = new nested
        {
            Revision = 3,
            Flags = 0xa5a5a5a5u,
            Created = 1700000000123456789L,
            Size = 0x00000001fffffffeUL,
            Meta = new nb_inner { A = -17, B = 4000000000u, C = -9000000000L, Enabled = true },
            Name = "benchmark-record-001",
            Owner = "user.admin@TEST.CELL",
        };

        var fixedValues = new int[NestedIdl.NB_NFIXED];
        for (int i = 0; i < fixedValues.Length; i++)
        {
            fixedValues[i] = (11 * (i + 1)) - 40; // -29, -18, ..., 48
        }

        value.Fixed = fixedValues;

        var items = new nb_item[NestedIdl.NB_NITEMS];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new nb_item { Id = 1000 + i, Flags = 1u << i };
        }

        value.Items = items;

        nb_node? head = null;
        for (int i = ListLength - 1; i >= 0; i--)
        {
            head = new nb_node { Value = (3 * i) - 7, Stamp = 1700000000000000000L + (1000L * i), Next = head };
        }

        value.List = head;
        return value;
    }

    /// <summary>The C# encoding of <see cref="Create"/>.</summary>
    public static byte[] Encode() => Xdr.Serialize(Create());
}
