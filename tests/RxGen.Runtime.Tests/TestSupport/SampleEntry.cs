using System;
using System.Linq;
using RxGen.Runtime.Xdr;

namespace RxGen.Runtime.Tests.TestSupport;

/// <summary>
/// A hand-written stand-in for a generated struct, using every kind of field:
/// <c>struct entry { string name&lt;64&gt;; int serverNumber&lt;13&gt;; hyper volume; opaque blob&lt;16&gt;;
/// char label[8]; bool flag; entry *next; }</c>.
/// </summary>
internal sealed class SampleEntry : IXdrSerializable<SampleEntry>, IEquatable<SampleEntry>
{
    public string Name { get; set; } = "";

    public int[] ServerNumber { get; set; } = [];

    public long Volume { get; set; }

    public byte[] Blob { get; set; } = [];

    public byte[] Label { get; set; } = new byte[8];

    public bool Flag { get; set; }

    public SampleEntry? Next { get; set; }

    public static SampleEntry CreateSample() => new()
    {
        Name = "root.cell",
        ServerNumber = [1, -2, 0x7FFFFFFF],
        Volume = 0x0102030405060708,
        Blob = [0xDE, 0xAD, 0xBE],
        Label = XdrText.ToCChars("lbl", 8),
        Flag = true,
        Next = new SampleEntry { Name = "é", Volume = -1, Label = new byte[8] },
    };

    public void Encode(ref XdrWriter writer)
    {
        writer.WriteString(Name, 64, "entry.name");
        writer.WriteCount(ServerNumber.Length, 13, "entry.serverNumber");
        foreach (int n in ServerNumber)
        {
            writer.WriteInt32(n);
        }

        writer.WriteInt64(Volume);
        writer.WriteVariableOpaque(Blob, 16, "entry.blob");
        writer.CheckFixedCount(Label.Length, 8, "entry.label");
        writer.WriteCharVector(Label, signExtend: true);
        writer.WriteBool(Flag);
        writer.WriteBool(Next is not null);
        if (Next is not null)
        {
            writer.EnterNested("entry.next");
            Next.Encode(ref writer);
            writer.ExitNested();
        }
    }

    public static SampleEntry Decode(ref XdrReader reader)
    {
        var e = new SampleEntry { Name = reader.ReadString(64, "entry.name") };
        int count = reader.ReadCount(13, 4, "entry.serverNumber");
        e.ServerNumber = new int[count];
        for (int i = 0; i < count; i++)
        {
            e.ServerNumber[i] = reader.ReadInt32();
        }

        e.Volume = reader.ReadInt64();
        e.Blob = reader.ReadVariableOpaque(16, "entry.blob");
        e.Label = reader.ReadCharVector(8, "entry.label");
        e.Flag = reader.ReadBool("entry.flag");
        if (reader.ReadBool("entry.next"))
        {
            reader.EnterNested("entry.next");
            e.Next = Decode(ref reader);
            reader.ExitNested();
        }

        return e;
    }

    public bool Equals(SampleEntry? other) =>
        other is not null && Name == other.Name && ServerNumber.SequenceEqual(other.ServerNumber) &&
        Volume == other.Volume && Blob.SequenceEqual(other.Blob) && Label.SequenceEqual(other.Label) &&
        Flag == other.Flag && Equals(Next, other.Next);

    public override bool Equals(object? obj) => Equals(obj as SampleEntry);

    public override int GetHashCode() => HashCode.Combine(Name, Volume);
}
