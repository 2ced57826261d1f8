using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using RxGen.Compiler.Emit;

namespace RxGen.Compiler.Tests;

/// <summary>Malformed IDL never crashes or hangs the compiler: every mutation of a real file either compiles or
/// yields error diagnostics with positions (deterministic seed, bounded count).</summary>
public class MalformedIdlTests
{
    private static readonly string[] Inserts = { "{", "}", ";", "<", ">", "[", "]", "*", "(", ")", "=", ",", ":", "#if 1\n", "#endif\n", "/*", "\"", "%", "-", "0x", "99999999999999999999", "struct", "union", "case", "package X_\n", "IN", "split", "\n#include \"nope.h\"\n" };

    public static IEnumerable<object[]> Files() => new[]
    {
        new object[] { "examples/afs/vldbint.xg" }, new object[] { "examples/afs/afsint.xg" }, new object[] { "examples/onc/kvstore.x" }, new object[] { "examples/afs/yfsvl.xg" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Mutations_give_diagnostics_never_exceptions(string relative)
    {
        var path = Repo.PathOf(relative);
        var original = File.ReadAllText(path);
        var random = new Random(relative.Length * 7919);
        var sources = new DiskSources();
        var includes = new[] { Repo.PathOf("examples/afs") };
        var withErrors = 0;
        for (var i = 0; i < 150; i++)
        {
            var text = Mutate(original, random);
            var result = RxGenCompiler.Compile(new CompileRequest(path, text, sources, includes, null, new EmitOptions("Fuzz")));
            if (!result.Success)
            {
                withErrors++;
                Assert.Empty(result.Files);
                Assert.All(result.Diagnostics.Where(d => d.IsError), d => Assert.False(string.IsNullOrEmpty(d.Message)));
                Assert.DoesNotContain(result.Diagnostics, d => d.Id == "RXG0401"); // no internal errors
            }
        }
        Assert.True(withErrors > 50, $"only {withErrors} of 150 mutations were rejected; the mutator is too gentle");
    }

    private static string Mutate(string text, Random random)
    {
        var chars = text.ToList();
        var edits = random.Next(1, 4);
        for (var e = 0; e < edits; e++)
        {
            var at = random.Next(chars.Count);
            switch (random.Next(4))
            {
                case 0: chars.RemoveRange(at, Math.Min(chars.Count - at, random.Next(1, 12))); break;
                case 1: chars.InsertRange(at, Inserts[random.Next(Inserts.Length)]); break;
                case 2: chars = chars.Take(at).ToList(); break;
                default: chars[at] = (char)random.Next(32, 127); break;
            }
            if (chars.Count == 0) break;
        }
        return new string(chars.ToArray());
    }
}
