using Golden.Labels;
using RxGen.Runtime.Xdr;

namespace RxGen.Benchmarks;

/// <summary>
/// The benchmark value of tests/peers/bench/labels.x, built exactly as tests/peers/bench/labels_bench.c builds it:
/// generation 7 and a 64-node list; node i has the label "label-&lt;i&gt;-" followed by the first i mod 11 letters of
/// "abcdefghijk" (8 to 19 characters) and the weight (7 i) mod 23 - 5.
/// </summary>
internal static class LabelsSample
{
    /// <summary>The encoded size (labels_bench reports the same).</summary>
    public const int EncodedLength = 1756;

    /// <summary>Number of nodes in the list.</summary>
    public const int ListLength = 64;

    /// <summary>Builds the sample node by node.</summary>
    public static labels Create()
    {
        const string letters = "abcdefghijk";
        ll_node? head = null;
        for (int i = ListLength - 1; i >= 0; i--)
        {
            head = new ll_node
            {
                Label = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"label-{i}-{letters[..(i % 11)]}"),
                Weight = ((i * 7) % 23) - 5,
                Next = head,
            };
        }

        return new labels { Generation = 7, Head = head };
    }

    /// <summary>The C# encoding of <see cref="Create"/>.</summary>
    public static byte[] Encode() => Xdr.Serialize(Create());
}
