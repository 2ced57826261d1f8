using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using RxGen.Compiler.Emit;
using RxGen.Compiler.Model;
using RxGen.Runtime.Xdr;

namespace RxGen.Compiler.Tests;

/// <summary>Every IDL type — structs, unions, enums and typedefs (of arrays, opaque, char arrays, optional data) —
/// is reachable by its IDL name through the generated <c>…Idl.Types</c> table, and its codec there round-trips
/// random valid encodings written from the model: decode, all bytes consumed, re-encode, identical.</summary>
public class TypeTableRoundTripTests
{
    public static IEnumerable<object[]> Examples() => GeneratedCodeCompilesTests.Examples();

    public static IEnumerable<object[]> Debian() => GeneratedCodeCompilesTests.Debian();

    [Theory]
    [MemberData(nameof(Examples))]
    public void Every_example_type_round_trips_through_the_table(string relativePath) =>
        RoundTripAll(Idl.CompileFile(Repo.PathOf(relativePath), new[] { Repo.PathOf("examples/afs") }, new EmitOptions("Generated")));

    [Theory]
    [MemberData(nameof(Debian))]
    public void Every_Debian_rpcgen_type_round_trips_through_the_table(string path)
    {
        var forced = path.EndsWith("nis_callback.x", StringComparison.Ordinal) ? new[] { "/usr/include/rpcsvc/nis.x" } : null;
        RoundTripAll(Idl.CompileFile(path, forcedIncludes: forced, emit: new EmitOptions("Generated")));
    }

    [Fact]
    public void Typedefs_keep_bound_shape_and_opaque_versus_char()
    {
        var result = Idl.Compile("typedef char name8[8];\ntypedef opaque op8[8];\ntypedef int list<2>;\nstruct node { int v; };\ntypedef node *nodeptr;\n");
        var tables = Load(result);
        var table = Assert.Single(tables);
        // char x[8]: eight 4-byte units (rxgen); opaque x[8]: eight bytes.
        Assert.Equal(32, table["name8"].Serialize(new byte[8]).Length);
        Assert.Equal(8, table["op8"].Serialize(new byte[8]).Length);
        Assert.Throws<XdrException>(() => table["list"].Serialize(new[] { 1, 2, 3 }));
        Assert.Equal(new byte[] { 0, 0, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2 }, table["list"].Serialize(new[] { 1, 2 }));
        Assert.Equal(new byte[] { 0, 0, 0, 0 }, table["nodeptr"].Serialize(null));
        Assert.Null(table["nodeptr"].Deserialize(new byte[4]));
        Assert.Equal(typeof(int[]), table["list"].ClrType);
        Assert.Throws<XdrException>(() => table["op8"].Deserialize(new byte[4]));
    }

    private static void RoundTripAll(CompileResult result)
    {
        Assert.True(result.Success, Idl.Errors(result));
        var model = result.Model!;
        var tables = Load(result);
        var byName = tables.SelectMany(t => t).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.First().Value, StringComparer.Ordinal);
        foreach (var type in model.Types)
        {
            Assert.True(byName.TryGetValue(type.Name, out var info), $"IDL type {type.Name} is not in any generated type table");
            for (var seed = 0; seed < 4; seed++)
            {
                var bytes = new XdrSampler(model, seed * 7919 + type.Name.Length).Sample(type);
                object? value;
                try
                {
                    value = info!.Deserialize(bytes);
                }
                catch (XdrException e)
                {
                    throw new Xunit.Sdk.XunitException($"{type.Name} (seed {seed}): {e.Message}\n{Convert.ToHexString(bytes)}");
                }
                var again = info.Serialize(value);
                Assert.True(bytes.AsSpan().SequenceEqual(again), $"{type.Name} (seed {seed}) re-encodes differently:\n{Convert.ToHexString(bytes)}\n{Convert.ToHexString(again)}");
            }
        }
    }

    /// <summary>Compiles the generated files, loads them, and returns every <c>…Idl.Types</c> table.</summary>
    internal static List<IReadOnlyDictionary<string, XdrTypeInfo>> Load(CompileResult result)
    {
        Assert.True(result.Success, Idl.Errors(result));
        var diagnostics = Roslyn.Compile(result.Files.Select(f => (f.FileName, f.Text)), out var compilation);
        Assert.True(diagnostics.Count == 0, Roslyn.Describe(diagnostics));
        using var image = new MemoryStream();
        var emitted = compilation.Emit(image);
        Assert.True(emitted.Success, Roslyn.Describe(emitted.Diagnostics));
        var context = new AssemblyLoadContext("rxgen-types-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        image.Position = 0;
        var assembly = context.LoadFromStream(image);
        return assembly.GetTypes()
            .Where(t => t.Name.EndsWith("Idl", StringComparison.Ordinal) && t.IsAbstract && t.IsSealed)
            .Select(t => (IReadOnlyDictionary<string, XdrTypeInfo>)t.GetProperty("Types", BindingFlags.Public | BindingFlags.Static)!.GetValue(null)!)
            .ToList();
    }
}

/// <summary>Outside types: nis_callback.x uses nis_object and nis_error from &lt;rpcsvc/nis.h&gt; without defining them.</summary>
public class OutsideTypeTests
{
    private const string UserTypes = """
        namespace My.Nis
        {
            public sealed class NisObject : global::RxGen.Runtime.Xdr.IXdrSerializable<NisObject>
            {
                public byte[] Raw { get; set; } = [];
                public void Encode(ref global::RxGen.Runtime.Xdr.XdrWriter writer) => writer.WriteVariableOpaque(Raw, 1024u, "nis_object");
                public static NisObject Decode(ref global::RxGen.Runtime.Xdr.XdrReader reader) => new() { Raw = reader.ReadVariableOpaque(1024u, "nis_object") };
            }

            public readonly record struct NisError(int Code) : global::RxGen.Runtime.Xdr.IXdrSerializable<NisError>
            {
                public void Encode(ref global::RxGen.Runtime.Xdr.XdrWriter writer) => writer.WriteInt32(Code);
                public static NisError Decode(ref global::RxGen.Runtime.Xdr.XdrReader reader) => new(reader.ReadInt32());
            }
        }
        """;

    [Fact]
    public void Unmapped_outside_types_are_warnings_naming_each_type()
    {
        var result = Idl.CompileFile("/usr/include/rpcsvc/nis_callback.x", emit: new EmitOptions("Generated"));
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Equal(new[] { "nis_error", "nis_object" }, result.Diagnostics.Where(d => d.Id == "RXG0250").Select(d => d.Arguments[0]).Distinct().OrderBy(n => n));
    }

    [Fact]
    public void Mapped_outside_types_compile_against_user_types_without_warnings()
    {
        var emit = new EmitOptions("Generated")
        {
            ExternalTypes = new[] { new KeyValuePair<string, string>("nis_object", "My.Nis.NisObject"), new KeyValuePair<string, string>("nis_error", "My.Nis.NisError") }.ToEquatableArray(),
        };
        var result = Idl.CompileFile("/usr/include/rpcsvc/nis_callback.x", emit: emit);
        Assert.True(result.Success, Idl.Errors(result));
        Assert.Empty(result.Diagnostics);
        var text = result.Files[0].Text;
        Assert.Contains("global::My.Nis.NisObject", text);
        Assert.Contains("global::My.Nis.NisError", text);
        var diagnostics = Roslyn.Compile(result.Files.Select(f => (f.FileName, f.Text)).Append(("user.cs", UserTypes)), out _);
        Assert.True(diagnostics.Count == 0, Roslyn.Describe(diagnostics));
    }
}
