using System;
using Golden.Nested;

namespace RxGen.Benchmarks.Profile;

/// <summary>Copies a mirror value into the generated types, so its encoding can be compared with the sample.</summary>
internal static class LeanConvert
{
    public static nested ToGenerated(LeanNested<LeanItem> v) =>
        ToGenerated(v, Array.ConvertAll(v.Items, i => new nb_item { Id = i.Id, Flags = i.Flags }));

    public static nested ToGenerated(LeanNested<LeanItemValue> v) =>
        ToGenerated(v, Array.ConvertAll(v.Items, i => new nb_item { Id = i.Id, Flags = i.Flags }));

    private static nested ToGenerated<T>(LeanNested<T> v, nb_item[] items)
    {
        nb_node? head = null;
        nb_node? tail = null;
        for (LeanNode? n = v.List; n is not null; n = n.Next)
        {
            var copy = new nb_node { Value = n.Value, Stamp = n.Stamp };
            if (tail is null)
            {
                head = copy;
            }
            else
            {
                tail.Next = copy;
            }

            tail = copy;
        }

        return new nested
        {
            Revision = v.Revision,
            Flags = v.Flags,
            Created = v.Created,
            Size = v.Size,
            Meta = new nb_inner { A = v.Meta.A, B = v.Meta.B, C = v.Meta.C, Enabled = v.Meta.Enabled },
            Fixed = (int[])v.Fixed.Clone(),
            Items = items,
            Name = v.Name,
            Owner = v.Owner,
            List = head,
        };
    }
}
