using System;

namespace RxGen.Benchmarks.Profile;

// Hand-written mirrors of the generated Golden.Nested types, used only by the `profile` mode to measure what
// a different emitter output would cost. They hold the same data; what differs is how decoding builds them:
// the generated `nested` runs property initializers (`Meta = new nb_inner()`, `Fixed = new int[8]`) in its
// constructor and Decode then replaces both, while these take every field through a constructor.

/// <summary>Mirror of <c>nb_inner</c>.</summary>
public sealed class LeanInner
{
    public LeanInner()
    {
    }

    public LeanInner(int a, uint b, long c, bool enabled)
    {
        A = a;
        B = b;
        C = c;
        Enabled = enabled;
    }

    public int A { get; set; }

    public uint B { get; set; }

    public long C { get; set; }

    public bool Enabled { get; set; }
}

/// <summary>Mirror of <c>nb_item</c> as a class (what the emitter generates).</summary>
public sealed class LeanItem
{
    public LeanItem(int id, uint flags)
    {
        Id = id;
        Flags = flags;
    }

    public int Id { get; set; }

    public uint Flags { get; set; }
}

/// <summary><c>nb_item</c> as a value type: an array of them is one allocation.</summary>
public struct LeanItemValue
{
    public LeanItemValue(int id, uint flags)
    {
        Id = id;
        Flags = flags;
    }

    public int Id { get; set; }

    public uint Flags { get; set; }
}

/// <summary>Mirror of <c>nb_node</c>.</summary>
public sealed class LeanNode
{
    public int Value { get; set; }

    public long Stamp { get; set; }

    public LeanNode? Next { get; set; }
}

/// <summary>Mirror of <c>nested</c>, with <typeparamref name="TItem"/> the element type of <c>items</c>.</summary>
public sealed class LeanNested<TItem>
{
    /// <summary>For users: the same defaults as the generated type.</summary>
    public LeanNested()
    {
        Meta = new LeanInner();
        Fixed = new int[8];
        Items = Array.Empty<TItem>();
        Name = "";
        Owner = "";
    }

    /// <summary>For the decoder: every field given, nothing allocated only to be replaced.</summary>
    public LeanNested(int revision, uint flags, long created, ulong size, LeanInner meta, int[] fixedValues,
        TItem[] items, string name, string owner, LeanNode? list)
    {
        Revision = revision;
        Flags = flags;
        Created = created;
        Size = size;
        Meta = meta;
        Fixed = fixedValues;
        Items = items;
        Name = name;
        Owner = owner;
        List = list;
    }

    public int Revision { get; set; }

    public uint Flags { get; set; }

    public long Created { get; set; }

    public ulong Size { get; set; }

    public LeanInner Meta { get; set; }

    public int[] Fixed { get; set; }

    public TItem[] Items { get; set; }

    public string Name { get; set; }

    public string Owner { get; set; }

    public LeanNode? List { get; set; }
}
