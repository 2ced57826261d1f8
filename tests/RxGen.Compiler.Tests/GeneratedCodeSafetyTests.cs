using System;
using System.Linq;
using System.Text;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using RxGen.Runtime.Xdr;

namespace RxGen.Compiler.Tests;

/// <summary>Generated code under attack: recursion through arrays and unions is depth-limited both ways, cyclic
/// values fail instead of looping, big outputs are never truncated, IDL comments cannot become code.</summary>
public class GeneratedCodeSafetyTests
{
    private static XdrTypeInfo TypeOf(string idl, string name) =>
        TypeTableRoundTripTests.Load(Idl.Compile(idl)).SelectMany(t => t).Single(kv => kv.Key == name).Value;

    private static byte[] Words(params uint[] words)
    {
        var bytes = new byte[words.Length * 4];
        for (var i = 0; i < words.Length; i++) System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(i * 4), words[i]);
        return bytes;
    }

    [Fact]
    public void Recursion_through_a_variable_array_stops_at_the_depth_limit_on_decode()
    {
        var anode = TypeOf("struct anode { int v; anode kids<>; };\n", "anode");
        // 66 KB: each level is "v, one kid" (8 bytes), 8,400 levels deep — far past the reader's 256.
        var words = new uint[8400 * 2 + 2];
        for (var i = 0; i < 8400; i++) { words[2 * i] = 7; words[2 * i + 1] = 1; }
        var e = Assert.Throws<XdrException>(() => anode.Deserialize(Words(words)));
        Assert.Contains("nesting", e.Message);
        // A legal shallow tree still decodes and round-trips.
        var shallow = Words(1, 2, 2, 0, 3, 0);
        Assert.Equal(shallow, anode.Serialize(anode.Deserialize(shallow)));
    }

    [Fact]
    public void Deep_and_cyclic_values_fail_to_encode_with_XdrException()
    {
        const string Idl = "struct a { int v; b *other; };\nstruct b { int w; a *back; };\nstruct cell { int v; cell *next; };\n" +
                           "union link switch (int k) { case 1: chain *more; default: void; };\nstruct chain { int v; link l; };\n";
        var result = RxGen.Compiler.Tests.Idl.Compile(Idl);
        var tables = TypeTableRoundTripTests.Load(result).SelectMany(t => t).ToDictionary(kv => kv.Key, kv => kv.Value);
        var aType = tables["a"].ClrType;
        var bType = tables["b"].ClrType;
        // a -> b -> a (a cycle through two types).
        var a = Activator.CreateInstance(aType)!;
        var b = Activator.CreateInstance(bType)!;
        aType.GetProperty("Other")!.SetValue(a, b);
        bType.GetProperty("Back")!.SetValue(b, a);
        Assert.Throws<XdrException>(() => tables["a"].Serialize(a));

        // A self-linked list that loops back: walked in a loop, so it must detect the cycle rather than run forever.
        var cellType = tables["cell"].ClrType;
        var first = Activator.CreateInstance(cellType)!;
        var second = Activator.CreateInstance(cellType)!;
        var third = Activator.CreateInstance(cellType)!;
        cellType.GetProperty("Next")!.SetValue(first, second);
        cellType.GetProperty("Next")!.SetValue(second, third);
        cellType.GetProperty("Next")!.SetValue(third, first);
        Assert.Contains("cyclic", Assert.Throws<XdrException>(() => tables["cell"].Serialize(first)).Message);
        cellType.GetProperty("Next")!.SetValue(third, null);
        Assert.Equal(3 * 8, tables["cell"].Serialize(first).Length);

        // A 10,000-deep list through a union arm: the writer's depth limit, not a stack overflow.
        var chainType = tables["chain"].ClrType;
        var linkType = tables["link"].ClrType;
        object? head = null;
        for (var i = 0; i < 10_000; i++)
        {
            var node = Activator.CreateInstance(chainType)!;
            var link = head is null ? linkType.GetMethod("FromVoid")!.Invoke(null, new object[] { 0 })! : linkType.GetMethod("FromMore")!.Invoke(null, new[] { head })!;
            chainType.GetProperty("L")!.SetValue(node, link);
            head = node;
        }
        Assert.Contains("nesting", Assert.Throws<XdrException>(() => tables["chain"].Serialize(head)).Message);
    }

    [Fact]
    public void Output_over_one_MiB_is_never_truncated()
    {
        var idl = new StringBuilder("struct big {\n");
        for (var i = 0; i < 20_000; i++) idl.Append("  afs_int32 field_number_").Append(i).Append(";\n");
        idl.Append("};\n");
        var text = Idl.Compile(idl.ToString()).Files.Single().Text;
        Assert.True(text.Length > 1 << 20, $"only {text.Length} chars");
        Assert.DoesNotContain("...", text[^200..]);
        Assert.EndsWith("}\n", text);
        Assert.Contains("FieldNumber19999", text);
        Assert.Empty(CSharpSyntaxTree.ParseText(text).GetDiagnostics());
    }

    [Theory]
    [InlineData('\u2028')]
    [InlineData('\u2029')]
    [InlineData('\u0085')]
    [InlineData('\r')]
    public void A_line_break_in_an_IDL_comment_cannot_become_code(char lineBreak)
    {
        var idl = "/* x" + lineBreak + "public static int Evil2 = 2; // */\nstruct s {\n  int a; /* y" + lineBreak + "public int Evil3; */\n};\nconst C = 1; /* z" + lineBreak + "public int Evil4; */\n";
        var result = Idl.Compile(idl);
        Assert.True(result.Success, Idl.Errors(result));
        var text = result.Files.Single().Text;
        Assert.DoesNotContain(lineBreak, text.Replace("\r\n", "\n"));
        var root = CSharpSyntaxTree.ParseText(text).GetRoot();
        Assert.DoesNotContain(root.DescendantNodes().OfType<VariableDeclaratorSyntax>(), v => v.Identifier.Text.StartsWith("Evil", StringComparison.Ordinal));
        Assert.DoesNotContain(root.DescendantNodes().OfType<PropertyDeclarationSyntax>(), p => p.Identifier.Text.StartsWith("Evil", StringComparison.Ordinal));
    }
}
