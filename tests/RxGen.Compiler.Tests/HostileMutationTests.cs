using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;

namespace RxGen.Compiler.Tests;

/// <summary>Mutation testing of the front end (issue 16): byte flips, token deletions and duplications and
/// truncations of every example and of Debian's /usr/include/rpcsvc/*.x, through <see cref="RxGenCompiler.Analyze"/>.
/// Whatever the mutation, the answer is a model or diagnostics: never an exception, never RXG0401 (internal error).
/// Seeded and bounded (a fixed number of mutations per file), so it is deterministic and takes a few seconds.</summary>
public class HostileMutationTests
{
    private const int MutationsPerFile = 60;
    private static readonly string[] Words = { "void", "void;", "struct", "union", "typedef", "enum", "case 0:", "default:", "switch", "*", "<>", "[0]", "[2147483647]", "IN", "OUT", "package X_", "proc", "program", "version", "=", ";", "{", "}", "const", "opaque", "string", "\n#ifndef G\n", "\n#endif\n", "\n#include \"nope.h\"\n", "\r", "\f", "\u0001" };
    private static readonly Regex Token = new(@"[A-Za-z_][A-Za-z_0-9]*|0[xX][0-9a-fA-F]+|\d+|""[^""\n]*""|/\*|\*/|//|\S", RegexOptions.Compiled);

    public static IEnumerable<object[]> Files()
    {
        var files = Directory.EnumerateFiles(Repo.PathOf("examples"), "*.x*", SearchOption.AllDirectories).Select(f => f.Replace('\\', '/'));
        if (Directory.Exists("/usr/include/rpcsvc")) files = files.Concat(Directory.EnumerateFiles("/usr/include/rpcsvc", "*.x"));
        return files.OrderBy(f => f, StringComparer.Ordinal).Select(f => new object[] { f });
    }

    [Fact]
    public void The_corpus_is_there() => Assert.True(Files().Count() >= 7, "examples/ and /usr/include/rpcsvc (scripts/install-peers.sh) provide the corpus");

    [Theory]
    [MemberData(nameof(Files))]
    public void Mutations_never_throw_and_never_give_internal_errors(string path)
    {
        var original = File.ReadAllText(path);
        var tokens = Token.Matches(original).Cast<Match>().ToArray();
        var random = new Random(StableHash(Path.GetFileName(path)));
        var sources = new DiskSources();
        var includes = new[] { Path.GetDirectoryName(path)!.Replace('\\', '/') };
        var rejected = 0;
        for (var i = 0; i < MutationsPerFile; i++)
        {
            var (what, text) = Mutate(original, tokens, random, i);
            IReadOnlyList<Diagnostics.Diagnostic> diagnostics;
            try
            {
                diagnostics = RxGenCompiler.Analyze(new CompileRequest(path, text, sources, includes)).Diagnostics;
            }
            catch (Exception e)
            {
                throw new Xunit.Sdk.XunitException($"mutation {i} of {path} ({what}) threw {e}");
            }
            var internalError = diagnostics.FirstOrDefault(d => d.Id == "RXG0401");
            Assert.True(internalError is null, $"mutation {i} of {path} ({what}): {internalError}");
            Assert.All(diagnostics, d => Assert.False(string.IsNullOrEmpty(d.Message)));
            if (diagnostics.Any(d => d.IsError)) rejected++;
        }
        Assert.True(rejected > MutationsPerFile / 4, $"only {rejected} of {MutationsPerFile} mutations of {path} were rejected; the mutator is too gentle");
    }

    [Theory]
    [InlineData("struct s { void; int a; };", "a member of struct 's' cannot be void")]
    [InlineData("struct s { int a; void x; };", "a member of struct 's' cannot be void")]
    [InlineData("typedef void;", "a typedef cannot be void")]
    [InlineData("typedef void x;", "a typedef cannot be void")]
    public void Void_outside_unions_and_procedures_is_a_diagnostic_not_an_internal_error(string idl, string message)
    {
        // Found by this mutation test: a void struct member reached the emitter and failed there with
        // "The given key '' was not present in the dictionary" (RXG0401).
        var result = Idl.Compile(idl, "m.x");
        var d = Assert.Single(result.Diagnostics);
        Assert.Equal("RXG0221", d.Id);
        Assert.Contains(message, d.Message);
    }

    internal static (string What, string Text) Mutate(string text, Match[] tokens, Random random, int round)
    {
        switch (round % 6)
        {
            case 0:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var flips = random.Next(1, 4);
                for (var k = 0; k < flips; k++) bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                return ($"{flips} bit flips", Encoding.UTF8.GetString(bytes));
            }
            case 1:
            {
                var bytes = Encoding.UTF8.GetBytes(text);
                var at = random.Next(bytes.Length);
                bytes[at] = (byte)random.Next(256);
                return ($"byte {at} replaced", Encoding.UTF8.GetString(bytes));
            }
            case 2:
            {
                var t = tokens[random.Next(tokens.Length)];
                return ($"token '{t.Value}' at {t.Index} deleted", text.Remove(t.Index, t.Length));
            }
            case 3:
            {
                var t = tokens[random.Next(tokens.Length)];
                var u = tokens[random.Next(tokens.Length)];
                return ($"token '{t.Value}' copied to {u.Index}", text.Insert(u.Index, t.Value + " "));
            }
            case 4:
            {
                var word = Words[random.Next(Words.Length)];
                var at = tokens[random.Next(tokens.Length)].Index;
                return ($"'{word}' inserted at {at}", text.Insert(at, word + " "));
            }
            default:
            {
                var at = tokens[random.Next(tokens.Length)].Index;
                return ($"truncated at {at}", text.Substring(0, at));
            }
        }
    }

    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var c in s) h = unchecked(h * 31 + c);
        return h;
    }
}
